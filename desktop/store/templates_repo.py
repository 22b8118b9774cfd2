"""Document templates in SQLite: the contract wording the back office changes without code.

``get(code)`` returns the template in force (newest version). The first read copies the
default file shipped in ``resources/templates`` into the table as version 1, so the wording
then lives with the data (backed up, exported, edited). ``save(code, body)`` checks the text
with ``desktop.core.doctemplate.parse_document`` first: an unknown ``{field}``, an unbalanced brace,
an unknown, missing or repeated ``[[block]]``, a ``[[si …]]`` with an unknown condition or without
its ``[[fin]]`` is refused with a French message naming it and listing what is allowed; nothing is
written then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop.core import doctemplate
from desktop.core.errors import NotFound, StorageError
from desktop.store.faults import storage_errors

log = logging.getLogger(__name__)

DEFAULT_FILES = {"contrat": "contract_fr.txt"}


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
