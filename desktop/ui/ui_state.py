"""Per-user, per-machine UI state (window geometry, last draft): QSettings, not the database."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings


class UiState:
    """``path=None``: the platform location; tests pass a file in a temporary folder."""

    def __init__(self, path: str | None = None) -> None:
        if path is None:
            self._s = QSettings()
        else:
            self._s = QSettings(path, QSettings.Format.IniFormat)

    def geometry(self, key: str) -> QByteArray | None:
        value = self._s.value(f"geometry/{key}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, key: str, value: QByteArray) -> None:
        self._s.setValue(f"geometry/{key}", value)

    @property
    def last_draft(self) -> str | None:
        value = self._s.value("offers/last_draft")
        return str(value) if value else None

    @last_draft.setter
    def last_draft(self, offer_id: str | None) -> None:
        if offer_id:
            self._s.setValue("offers/last_draft", offer_id)
        else:
            self._s.remove("offers/last_draft")
        self._s.sync()

    def last_folder(self, kind: str = "") -> str | None:
        """The folder of the last file of ``kind`` (say "pdf") chosen in a save or open
        dialog; without ``kind``, of any file."""
        value = self._s.value(f"files/last_folder_{kind}" if kind else "files/last_folder")
        return str(value) if value else None

    def set_last_folder(self, folder: str, kind: str = "") -> None:
        self._s.setValue("files/last_folder", folder)
        if kind:
            self._s.setValue(f"files/last_folder_{kind}", folder)

    def sync(self) -> None:
        self._s.sync()
