"""The small text question (a refusal's reason, a dérogation's): wide enough to type in."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
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


def test_a_reason_typed_is_not_dropped_by_escape_without_asking(qtbot, dialogs):
    """Échap on a refusal's reason half typed closed the question: the sentence was gone."""
    question = text_dialog(None, "Offre refusée", "Motif du refus :", dialogs=dialogs)
    qtbot.addWidget(question)
    question.show()
    qtbot.waitExposed(question)
    edit = question.findChild(QLineEdit)
    qtbot.keyClicks(edit, "budget 2027 pas vote")
    dialogs.script("confirm", False)  # « Continuer la saisie »
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert question.isVisible() and edit.text() == "budget 2027 pas vote"
    assert dialogs.asked == [("confirm", "Abandonner les modifications ?")]
    assert "« Offre refusée »" in dialogs.texts[0]
    dialogs.script("confirm", True)
    assert question.close()
    assert question.result() == QInputDialog.DialogCode.Rejected


def test_an_empty_question_closes_at_once(qtbot, dialogs):
    question = text_dialog(None, "Passer outre", RULE, dialogs=dialogs)
    qtbot.addWidget(question)
    question.show()
    qtbot.waitExposed(question)
    qtbot.keyClicks(question.findChild(QLineEdit), "   ")
    qtbot.keyClick(question.findChild(QLineEdit), Qt.Key.Key_Escape)
    assert not question.isVisible() and dialogs.asked == []
