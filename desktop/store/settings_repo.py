"""Business settings in SQLite (table ``setting``: one row per field, missing = default).

They live with the data, so a backup or a restore carries the letterhead and the device code.
"""

from __future__ import annotations

import json
import logging
from dataclasses import fields
from decimal import Decimal
from typing import Any

from desktop.core.errors import InvalidInput
from desktop.core.settings import Settings
from desktop.store.database import Database, now_iso
from desktop.store.faults import storage_errors

log = logging.getLogger(__name__)


def _encode(value: Any) -> str:
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _decode(name: str, text: str, default: Any) -> Any:
    if isinstance(default, tuple):
        items = json.loads(text)
        if not isinstance(items, list):
            raise ValueError(name)
        return tuple(str(x) for x in items)
    if isinstance(default, bool):
        return text == "True"
    if isinstance(default, int):
        return int(text)
    if isinstance(default, Decimal):
        return Decimal(text)
    return text


class SettingsRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def load(self) -> Settings:
        """The stored settings; a field never saved, unreadable, or that no longer passes the
        checks (a limit added since it was saved) takes its default."""
        values = self._stored_values()
        while True:
            try:
                return Settings(**values).validated()
            except InvalidInput as error:
                each = getattr(error, "errors", (error,))
                wrong = [e.field for e in each if e.field is not None and e.field in values]
                log.warning("stored setting invalid (%s): default used for %s", error, wrong)
                if not wrong:
                    return Settings()
                for name in wrong:
                    values.pop(name)

    def load_as_stored(self) -> Settings:
        """The stored values as they are, unchecked (default where never saved or unreadable):
        what the settings form shows, so that a value that no longer passes the checks is
        corrected by the user instead of silently replaced by its default at the next save."""
        return Settings(**self._stored_values())

    def _stored_values(self) -> dict[str, Any]:
        with storage_errors("lire les réglages", self.db.path):
            stored = dict(self.db.conn.execute("SELECT key, value FROM setting").fetchall())
        defaults = Settings()
        values: dict[str, Any] = {}
        for f in fields(Settings):
            if f.name not in stored:
                continue
            try:
                values[f.name] = _decode(f.name, stored[f.name], getattr(defaults, f.name))
            except (ValueError, ArithmeticError):
                log.warning("unreadable setting %s=%r: default used", f.name, stored[f.name])
        return values

    def save(self, settings: Settings) -> Settings:
        """Validate and store every field in one transaction; returns what was stored."""
        clean = settings.validated()
        stamp = now_iso()
        rows = [(f.name, _encode(getattr(clean, f.name)), stamp) for f in fields(Settings)]
        with (
            self.db.transaction() as conn,
            storage_errors("enregistrer les réglages", self.db.path),
        ):
            conn.executemany(
                "INSERT INTO setting (key, value, updated) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                " updated = excluded.updated",
                rows,
            )
        return clean

    def update(self, **changes: Any) -> Settings:
        """Change some fields of the stored settings, validate and save. A stored value that no
        longer passes the checks is refused (``InvalidInput`` naming its field) rather than
        replaced by its default behind the user, as the settings form does."""
        return self.save(self.load_as_stored().with_changes(**changes))
