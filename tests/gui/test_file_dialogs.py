"""File dialogs open where the user last saved or opened a file, never in the program's folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDir, QStandardPaths
from PySide6.QtWidgets import QFileDialog

from desktop.ui.dialogs import Dialogs
from desktop.ui.ui_state import UiState

pytestmark = pytest.mark.gui


@pytest.fixture
def answers(monkeypatch):
    """Replaces the system file dialogs: records where they open, answers from a list."""
    asked: list[tuple[str, str]] = []
    replies: list[str] = []

    def save(parent, title, proposed, filters):  # type: ignore[no-untyped-def]
        asked.append(("save", proposed))
        return replies.pop(0), filters

    def open_(parent, title, folder, filters):  # type: ignore[no-untyped-def]
        asked.append(("open", folder))
        return replies.pop(0), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", open_)
    return asked, replies


def default_folder() -> str:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents if documents and Path(documents).is_dir() else QDir.homePath()


def test_file_dialogs_start_in_the_last_folder_used_for_that_type(qapp, tmp_path, answers) -> None:
    asked, replies = answers
    dialogs = Dialogs(UiState(str(tmp_path / "ui.ini")))
    key, offers = tmp_path / "cle-usb", tmp_path / "offres"
    key.mkdir()
    offers.mkdir()
    pdf, bundles = "Documents PDF (*.pdf)", "Lots Comptoir (*.zip);;Tous les fichiers (*)"

    replies.append("")  # cancelled: nothing remembered
    assert dialogs.save_file(None, "Enregistrer en PDF", "OFF-2026-LAP1-0001.pdf", pdf) is None
    assert asked[-1] == ("save", str(Path(default_folder()) / "OFF-2026-LAP1-0001.pdf"))

    replies.append(str(offers / "offre.pdf"))
    assert dialogs.save_file(None, "Enregistrer en PDF", "OFF-2026-LAP1-0001.pdf", pdf)
    replies.append(str(key / "offres.zip"))  # a first bundle: where the last file went
    dialogs.save_file(None, "Exporter des offres", "offres-LAP1-20261122.zip", bundles)
    assert asked[-1] == ("save", str(offers / "offres-LAP1-20261122.zip"))

    # each type of file goes back where its kind went last
    replies.append("")
    dialogs.save_file(None, "Enregistrer en PDF", "OFF-2026-LAP1-0002.pdf", pdf)
    assert asked[-1] == ("save", str(offers / "OFF-2026-LAP1-0002.pdf"))
    replies.append(str(key / "offres.zip"))
    assert dialogs.open_file(None, "Importer des offres", bundles) == str(key / "offres.zip")
    assert asked[-1] == ("open", str(key))

    # a full path is proposed as it is (the backups folder)
    replies.append("")
    dialogs.save_file(None, "Sauvegarder la base", str(tmp_path / "sauvegardes" / "b.sqlite3"), "*")
    assert asked[-1] == ("save", str(tmp_path / "sauvegardes" / "b.sqlite3"))

    # remembered across sessions; a folder that is gone (the key unplugged) is skipped
    again = Dialogs(UiState(str(tmp_path / "ui.ini")))
    assert again.start_folder(bundles) == str(key) and again.start_folder(pdf) == str(offers)
    (key / "offres.zip").unlink(missing_ok=True)
    key.rmdir()
    assert again.start_folder(bundles) == default_folder()  # the last file of any type was there too
    assert again.start_folder(pdf) == str(offers)


def test_file_kinds() -> None:
    from desktop.ui.dialogs import file_kind

    assert file_kind("Documents PDF (*.pdf)") == "pdf"
    assert file_kind("Sauvegardes Comptoir (*.sqlite3 *.db);;Tous les fichiers (*)") == "sqlite3"
    assert file_kind("Tous les fichiers (*)") == ""
