"""The small text question (a refusal's reason, a dérogation's): wide enough to type in."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from desktop.ui.dialogs import Dialogs, text_dialog

RULE = (
    "Le package iA.Citizen contient déjà iA.SmartWeb : ne proposez pas les deux au même membre "
    "sans justification.\n\nMotif (obligatoire, conservé dans l'offre) :"
)


def test_a_reason_is_typed_in_a_wide_input_under_a_wrapped_question(qtbot):
    """Qt's input was 227 pixels wide: a dozen words of a reason in view."""
    dialog = text_dialog(None, "Passer outre", RULE)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    edit = dialog.findChild(QLineEdit)
    assert edit.width() >= 480
    assert dialog.width() < 700  # the rule it quotes wraps, the dialog stays a small question


def test_ask_text_shows_that_question_and_returns_what_was_typed(qtbot):
    seen: list[int] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        edit = dialog.findChild(QLineEdit)
        seen.append(edit.width())
        edit.setText("budget 2027 non voté")
        dialog.accept()

    QTimer.singleShot(0, answer)
    assert Dialogs().ask_text(None, "Offre refusée", "Motif du refus :") == "budget 2027 non voté"
    assert seen and seen[0] >= 480


def test_a_text_given_back_to_correct_is_not_all_selected(qtbot):
    """Asked again after a refusal, the reason came back fully selected: the first key pressed
    to shorten it wiped it out."""
    from desktop.ui.dialogs import text_dialog

    dialog = text_dialog(None, "Passer outre", "Motif :", text="SmartWeb déjà en place")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    edit = dialog.findChild(QLineEdit)
    qtbot.waitUntil(lambda: not edit.hasSelectedText(), timeout=2000)
    assert edit.cursorPosition() == len("SmartWeb déjà en place")
