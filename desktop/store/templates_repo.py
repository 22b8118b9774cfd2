"""Document templates in SQLite: the contract wording the back office changes without code.

``get(code)`` returns the template in force (newest version). The first read copies the
default file shipped in ``resources/templates`` into the table as version 1, so the wording
then lives with the data (backed up, exported, edited). A wording in force that is the default
text of an earlier version of Comptoir (``EARLIER_DEFAULTS``), never changed since, gives way
to this version's default on the next read, as a new version (the history keeps it); one
saved by someone stays, whatever its text. ``save(code, body)`` checks the text
with ``desktop.core.doctemplate.parse_document`` first: an unknown ``{field}``, an unbalanced brace,
an unknown, missing or repeated ``[[block]]``, a ``[[si …]]`` with an unknown condition or without
its ``[[fin]]`` is refused with a French message naming it and listing what is allowed; nothing is
written then.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop.core import doctemplate
from desktop.core.errors import NotFound, StorageError
from desktop.store.faults import storage_errors

log = logging.getLogger(__name__)

DEFAULT_FILES = {"contrat": "contract_fr.txt"}

# The default texts of earlier versions of Comptoir (SHA-256 of the text, lines ending in
# "\n"), as databases copied them in. Adding the one shipped until now here, when the default
# file changes, lets the databases that never changed it take the new one.
EARLIER_DEFAULTS: Mapping[str, frozenset[str]] = {
    "contrat": frozenset(
        {
            # until the order form spoke of an order without annual cost or set-up
            "bc53ab576235a459b8b767e0b21eabf797d734079a76a7c3f5c8a1b0bda699da",
        }
    ),
}


@dataclass(frozen=True, slots=True)
class StoredTemplate:
    code: str
    version: int
    body: str
    origin: str  # "defaut" (copied from resources) | "modifie" (saved by someone)
    saved_at: str
    saved_by: str = ""

    @property
    def is_default(self) -> bool:
        return self.origin == "defaut"

    @property
    def is_earlier_default(self) -> bool:
        """The default text of an earlier version, as it was copied in or put back."""
        digest = hashlib.sha256(self.body.replace("\r\n", "\n").encode("utf-8")).hexdigest()
        return self.is_default and digest in EARLIER_DEFAULTS.get(self.code, frozenset())

    def parsed(self) -> doctemplate.Template:
        return doctemplate.parse(self.body, self.code)


def default_path(code: str) -> Path:
    from desktop.paths import resources_dir

    doctemplate.allowed_fields(code)  # unknown code: InvalidInput
    return Path(resources_dir()) / "templates" / DEFAULT_FILES[code]


def default_body(code: str) -> str:
    path = default_path(code)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StorageError(
            f"Modèle par défaut introuvable : {path}. Réinstallez l'application."
        ) from exc


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class TemplateRepository:
    """``db`` is a ``desktop.store.database.Database``."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def _row(self, code: str, version: int | None = None) -> StoredTemplate | None:
        sql = (
            "SELECT code, version, body, origin, saved_at, saved_by FROM document_templates "
            "WHERE code = ? "
        )
        args: tuple[Any, ...] = (code,)
        if version is None:
            sql += "ORDER BY version DESC LIMIT 1"
        else:
            sql += "AND version = ?"
            args += (version,)
        row = self.db.conn.execute(sql, args).fetchone()
        return StoredTemplate(*row) if row else None

    def get(self, code: str = "contrat", version: int | None = None) -> StoredTemplate:
        """The template in force (or one version of it); the default is copied in on first use."""
        doctemplate.allowed_fields(code)
        with storage_errors("lire le modèle de document", getattr(self.db, "path", None)):
            found = self._row(code, version)
            if found is not None and version is None and found.is_earlier_default:
                return self._renew_default(code)
            if found is not None:
                return found
            if version is not None:
                raise NotFound(f"Le modèle « {code} » n'a pas de version {version}.")
            body = default_body(code)
            doctemplate.parse_document(body, code)  # a broken default is a packaging error: say so now
            with self.db.transaction() as conn:
                conn.execute(
                    "INSERT OR IGNORE INTO document_templates "
                    "(code, version, body, origin, saved_at, saved_by) VALUES (?, 1, ?, 'defaut', ?, '')",
                    (code, body, _now()),
                )
            found = self._row(code)
        assert found is not None
        return found

    def _renew_default(self, code: str) -> StoredTemplate:
        """This version's default in force after an earlier one nobody changed (a new version:
        the order forms made with the earlier text still name theirs)."""
        body = default_body(code)
        doctemplate.parse_document(body, code)
        with self.db.transaction() as conn:
            current = self._row(code)
            # not renewed meanwhile; and a default file listed as an earlier one by mistake
            # would add a version at every read
            if current is not None and current.is_earlier_default and current.body != body:
                conn.execute(
                    "INSERT INTO document_templates (code, version, body, origin, saved_at, saved_by) "
                    "VALUES (?, ?, ?, 'defaut', ?, '')",
                    (code, current.version + 1, body, _now()),
                )
                log.info("modèle %s : texte par défaut de cette version mis en vigueur (version %d)",
                         code, current.version + 1)  # fmt: skip
        renewed = self._row(code)
        assert renewed is not None
        return renewed

    def save(self, code: str, body: str, *, who: str = "", origin: str = "modifie") -> StoredTemplate:
        """Check ``body`` and store it as the new version in force, saved by ``who`` (as the
        history names it). ``InvalidInput`` if wrong."""
        doctemplate.parse_document(body, code)
        self.get(code)  # the default becomes version 1 before the first change
        with storage_errors("enregistrer le modèle de document", getattr(self.db, "path", None)):
            with self.db.transaction() as conn:
                current = self._row(code)
                if current is not None and current.body == body:
                    return current
                version = (current.version if current else 0) + 1
                conn.execute(
                    "INSERT INTO document_templates (code, version, body, origin, saved_at, saved_by) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (code, version, body, origin, _now(), who.strip()),
                )
            saved = self._row(code)
        assert saved is not None
        log.info("modèle %s enregistré (version %d)", code, saved.version)
        return saved

    def reset(self, code: str = "contrat", *, who: str = "") -> StoredTemplate:
        """Put the default wording back in force (as a new version: history is kept), marked
        as the default text, not as a change."""
        return self.save(code, default_body(code), who=who, origin="defaut")

    def history(self, code: str = "contrat") -> list[StoredTemplate]:
        self.get(code)
        with storage_errors("lire l'historique du modèle", getattr(self.db, "path", None)):
            rows = self.db.conn.execute(
                "SELECT code, version, body, origin, saved_at, saved_by FROM document_templates "
                "WHERE code = ? ORDER BY version",
                (code,),
            ).fetchall()
        return [StoredTemplate(*r) for r in rows]
