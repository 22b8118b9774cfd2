"""Every modal question goes through ``Dialogs``, so tests inject answers and never block.

Forms of our own (member, settings...) are shown with ``open()`` (window-modal, non-blocking)
and report through their ``accepted`` signal; only these small questions and the system file
dialogs block, and only in the real application.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the dialog classes load when a question is first asked, not at start
    from PySide6.QtWidgets import QInputDialog, QWidget

    from desktop.ui.ui_state import UiState


BACKUP_FILTER = "Sauvegardes Comptoir (*.sqlite3 *.db);;Tous les fichiers (*)"


def backup_filter(db_path: Path) -> str:
    """The restore dialog's filters: ``db_path``'s own automatic copies first (the folder of
    copies is shared by every database beside it), then every backup."""
    from desktop.store.backup import backup_pattern

    pattern = backup_pattern(db_path)
    if re.search(r"[()\[\];\s]", pattern):  # a name Qt's filter syntax would misread
        return BACKUP_FILTER
    return f"Sauvegardes de {Path(db_path).name} ({pattern});;{BACKUP_FILTER}"


def file_kind(filters: str) -> str:
    """"pdf" for "Documents PDF (*.pdf)": the first extension a Qt filter string names."""
    found = re.search(r"\*\.(\w+)", filters)
    return found.group(1).lower() if found else ""


def held_until_destroyed(owner: object, attr: str, dialog: QWidget) -> None:
    """Keep ``dialog`` as ``owner.attr`` until it is destroyed.

    A dialog closed to open a newer one of its kind is deleted later, once the newer one is
    held: its end must not forget the newer one, which could then never be closed or raised
    again. The wrapper « destroyed » hands over is not this one, so the one held is compared.
    """
    setattr(owner, attr, dialog)

    def gone(*_: object) -> None:
        if getattr(owner, attr, None) is dialog:  # not the one opened since, whose turn it is
            setattr(owner, attr, None)

    dialog.destroyed.connect(gone)


# Width of a text question: what it asks is a reason (a refusal, a dérogation, a decision's
# reference), a sentence or two. Qt's default input was about 230 pixels: a dozen words.
TEXT_INPUT_WIDTH = 520


def text_dialog(
    parent: QWidget | None,
    title: str,
    label: str,
    *,
    text: str = "",
    ok: str = "Valider",
    dialogs: Dialogs | None = None,
) -> QInputDialog:
    """The question ``ask_text`` shows: a wrapped label over a wide one-line input (Enter
    validates, as in any small question). Left with a text in it (a reason typed, or given
    back to correct), it asks through ``dialogs`` first."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QShowEvent
    from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit

    class TextQuestion(QInputDialog):
        def showEvent(self, event: QShowEvent) -> None:
            super().showEvent(event)
            # a text to correct: the cursor at its end, not all of it selected for the first
            # key to wipe out (selected once shown and focused: undone just after)
            QTimer.singleShot(0, self._cursor_at_end)

        def reject(self) -> None:
            if self.textValue().strip() and self.isVisible() and asking.keep_typing(self):
                return
            super().reject()

        def _cursor_at_end(self) -> None:
            field = self.findChild(QLineEdit)
            if field is not None and field.text():
                field.deselect()
                field.end(False)

    asking = dialogs or Dialogs()
    dialog = TextQuestion(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(text)
    dialog.setOkButtonText(ok)
    dialog.setCancelButtonText("Annuler")
    # a long question (a dérogation quotes the rule) wraps within the width instead of
    # widening the dialog past the screen
    for child in dialog.findChildren(QLabel):
        child.setWordWrap(True)
    edit = dialog.findChild(QLineEdit)
    if edit is not None:
        edit.setMinimumWidth(TEXT_INPUT_WIDTH)
    return dialog


class Dialogs:
    """Real dialogs, French button texts set explicitly (not left to the platform theme).

    File dialogs open in the folder of the last file of the same type (PDFs where the last
    PDF went, offer bundles on the USB key they went to last time), else of the last file of
    any type, else in the user's documents; never in the program's own folder. A suggested
    bare file name is proposed there; a full path is proposed as it is.
    """

    def __init__(self, state: UiState | None = None) -> None:
        self._state = state

    def _folders(self) -> UiState:
        if self._state is None:  # the platform's settings, read at the first file dialog
            from desktop.ui.ui_state import UiState

            self._state = UiState()
        return self._state

    def start_folder(self, filters: str = "") -> str:
        """Where the next file dialog for ``filters`` (a Qt filter string) opens."""
        state = self._folders()
        for folder in (state.last_folder(file_kind(filters)), state.last_folder()):
            if folder and Path(folder).is_dir():
                return folder
        from PySide6.QtCore import QDir, QStandardPaths

        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return documents if documents and Path(documents).is_dir() else QDir.homePath()

    def _remember(self, path: str, filters: str) -> None:
        self._folders().set_last_folder(str(Path(path).parent), file_kind(filters))

    def confirm(
        self, parent: QWidget | None, title: str, text: str, *, yes: str = "Oui", no: str = "Non"
    ) -> bool:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
        box.setTextFormat(Qt.TextFormat.PlainText)  # a member's name is text, not markup
        yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no_button)
        box.setEscapeButton(no_button)
        box.exec()
        return box.clickedButton() is yes_button

    def keep_typing(self, parent: QWidget) -> bool:
        """Asked before a form or a question with something typed goes away (Échap,
        « Annuler », the window's close button): True when the user stays, the safe answer."""
        return not self.confirm(
            parent,
            "Abandonner les modifications ?",
            f"Ce que vous avez saisi dans « {parent.windowTitle()} » n'est pas enregistré et sera "
            "perdu.",
            yes="Abandonner les modifications",
            no="Continuer la saisie",
        )

    def ask_text(
        self, parent: QWidget | None, title: str, label: str, *, text: str = "", ok: str = "Valider"
    ) -> str | None:
        dialog = text_dialog(parent, title, label, text=text, ok=ok, dialogs=self)
        if dialog.exec():
            return dialog.textValue()
        return None

    def ask_checked_text(
        self, parent: QWidget | None, title: str, label: str, check: Callable[[str], str]
    ) -> str | None:
        """``ask_text`` until ``check`` accepts the answer (it returns the value to keep, or
        raises ``InvalidInput``); the question comes back with the error above it and what was
        typed still in the field. None when the user cancels."""
        from desktop.core.errors import InvalidInput

        typed, problem = "", ""
        while True:
            shown = f"{problem}\n\n{label}" if problem else label
            answer = self.ask_text(parent, title, shown, text=typed)
            if answer is None:
                return None
            try:
                return check(answer)
            except InvalidInput as error:
                typed, problem = answer, str(error)

    def save_file(
        self, parent: QWidget | None, title: str, suggested: str, filters: str
    ) -> str | None:
        from PySide6.QtWidgets import QFileDialog

        folder = Path(self.start_folder(filters))
        proposed = suggested if Path(suggested).is_absolute() else str(folder / suggested)
        path, _ = QFileDialog.getSaveFileName(parent, title, proposed, filters)
        if path:
            self._remember(path, filters)
        return path or None

    def open_file(
        self, parent: QWidget | None, title: str, filters: str, *, folder: str | None = None
    ) -> str | None:
        """``folder``: where to open when it exists, rather than where the last file went."""
        from PySide6.QtWidgets import QFileDialog

        start = folder if folder and Path(folder).is_dir() else self.start_folder(filters)
        path, _ = QFileDialog.getOpenFileName(parent, title, start, filters)
        if path:
            self._remember(path, filters)
        return path or None

    def inform(self, parent: QWidget | None, title: str, text: str) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.NoButton, parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.addButton("Fermer", QMessageBox.ButtonRole.AcceptRole)
        box.exec()

    def crash(self, parent: QWidget | None, report: str) -> None:
        from desktop.ui.crash_dialog import CrashDialog

        CrashDialog(report, parent).exec()

