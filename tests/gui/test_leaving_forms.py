"""A form left with something typed in it asks first; an untouched one closes at once.

Échap, « Annuler », the window's close button (Alt+F4) and the application quitting all go
through ``reject``: Échap dropped a whole member correction without a word.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

QUESTION = ("confirm", "Abandonner les modifications ?")


def show(window, text):
    member = window.backend.index.search(text)[0]
    window.members.show_member(member.id)
    window.members.member_opened.emit(member.id)
    return member


def stored(db_path) -> list[str]:
    """Everything in the file, as another connection reads it (audit and history included)."""
    conn = sqlite3.connect(db_path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def edit_member(window):
    show(window, "nivelles")
    window.members.edit_member()
    form = window.members.dialog
    form.size_field.setText("41 000")
    form.source.setText("Statbel 1/1/2026")
    form.product.setCurrentIndex(form.product.findData("delib"))
    form._add_installed()
    return form, form.size_field


def create_member(window):
    window.members.create_member()
    form = window.members.dialog
    form.name.setText("IDEA Test")
    form.agents.setText("120")
    return form, form.name


def choose_category(window):
    show(window, "nivelles")
    window.members.choose_category()
    form = window.members.dialog
    form.category.setCurrentIndex(form.category.findData("Cat 3"))
    form.reason.setText("Fusion de communes")
    return form, form.reason


def edit_membership(window):
    show(window, "nivelles")
    window.members.edit_membership()
    form = window.members.dialog
    form.status.setCurrentIndex(form.status.findData("ancien_membre"))
    form.since.setText("31/12/2025")
    return form, form.since


def settings(window):
    window.open_settings()
    form = window._settings_dialog
    form.fields["seller_name"].setText("Marie Dupont")
    form.fields["address_lines"].setPlainText("Rue Léon Morel 1\n5032 Isnes")
    return form, form.fields["seller_name"]


def parameters(window):
    show(window, "nivelles")
    window.session.add_line("aes", {"schools": Decimal(3), "plans": Decimal(1)})
    window.editor.edit_line(0)
    form = window.editor.params_dialog
    form.fields["schools"].setText("16")
    return form, form.fields["schools"]


FORMS = [edit_member, create_member, choose_category, edit_membership, settings, parameters]


@pytest.mark.parametrize("fill", FORMS)
def test_escape_on_a_form_with_something_typed_asks_and_staying_keeps_it(
    qtbot, window, dialogs, db_path, fill
):
    form, field = fill(window)
    before = stored(db_path)
    typed = field.text()
    dialogs.script("confirm", False)  # « Continuer la saisie », the safe answer
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert dialogs.asked == [QUESTION]
    assert "n'est pas enregistré" in dialogs.texts[0]
    assert form.isVisible() and field.text() == typed

    dialogs.script("confirm", True)  # « Abandonner les modifications »
    form.cancel_button.click()
    assert dialogs.asked == [QUESTION, QUESTION]
    assert not form.isVisible()
    assert stored(db_path) == before  # nothing written, in the history neither


@pytest.mark.parametrize("fill", FORMS)
def test_the_close_button_asks_too_and_refusing_keeps_the_form_open(qtbot, window, dialogs, fill):
    """The title bar's ×, Alt+F4, the application quitting: a close event, refused while the
    user chooses to stay."""
    form, _ = fill(window)
    dialogs.script("confirm", False)
    assert not form.close()
    assert form.isVisible() and dialogs.asked == [QUESTION]
    dialogs.script("confirm", True)
    assert form.close()


@pytest.mark.parametrize(
    "open_form",
    [
        lambda w: (show(w, "nivelles"), w.members.edit_member(), w.members.dialog)[-1],
        lambda w: (w.members.create_member(), w.members.dialog)[-1],
        lambda w: (show(w, "nivelles"), w.members.choose_category(), w.members.dialog)[-1],
        lambda w: (show(w, "nivelles"), w.members.edit_membership(), w.members.dialog)[-1],
        lambda w: (w.open_settings(), w._settings_dialog)[-1],
    ],
)
def test_an_untouched_form_closes_at_once(qtbot, window, dialogs, open_form):
    form = open_form(window)
    qtbot.keyClick(form.focusWidget() or form, Qt.Key.Key_Escape)
    assert not form.isVisible() and dialogs.asked == []


def test_a_refused_save_keeps_what_was_typed_then_escape_asks(qtbot, window, dialogs, backend, db_path):
    member = show(window, "nivelles")
    window.members.edit_member()
    form = window.members.dialog
    form.size_field.setText("41 000")  # no source: refused
    form.ok_button.click()
    assert form.isVisible() and "source" in form.errors.message("source")
    assert form.size_field.text() == "41 000"
    before = stored(db_path)
    dialogs.script("confirm", True)
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Escape)
    assert dialogs.asked == [QUESTION] and not form.isVisible()
    assert stored(db_path) == before and backend.member(member.id) == member


def test_the_form_opened_again_after_giving_up_shows_what_is_stored(qtbot, window, dialogs):
    form, _ = choose_category(window)
    dialogs.script("confirm", True)
    form.reject()
    window.members.choose_category()
    again = window.members.dialog
    assert again is not form
    assert again.reason.text() == "" and again.category.currentIndex() == 0
    again.reject()  # as it opened: no question
    assert dialogs.asked == [QUESTION]


def test_a_form_whose_offer_is_gone_closes_without_asking(qtbot, window, dialogs):
    """Another offer opened: the parameters of a line of the offer left mean nothing."""
    form, _ = parameters(window)
    window.new_offer()
    assert not form.isVisible() and dialogs.asked == []


class Logout:
    """What the system's session manager offers a program when the user logs out."""

    def __init__(self, interaction: bool = True) -> None:
        self.interaction = interaction
        self.cancelled = self.released = False

    def allowsInteraction(self) -> bool:
        return self.interaction

    def cancel(self) -> None:
        self.cancelled = True

    def release(self) -> None:
        self.released = True


@pytest.mark.parametrize("stay", [True, False])
def test_logging_out_with_a_form_typed_in_asks_and_staying_stops_the_logout(qtbot, window, dialogs, stay):
    from desktop.ui.form import hold_typed_forms

    form, field = settings(window)
    logout = Logout()
    dialogs.script("confirm", not stay)
    hold_typed_forms(logout)
    assert dialogs.asked == [QUESTION] and logout.released
    assert logout.cancelled is stay
    # abandoned, it is closed at once: the application quitting next does not ask again
    assert form.isVisible() is stay and (not stay or field.text() == "Marie Dupont")


def test_logging_out_with_an_untouched_form_or_no_question_allowed_asks_nothing(qtbot, window, dialogs):
    from desktop.ui.form import hold_typed_forms

    window.open_settings()
    logout = Logout()
    hold_typed_forms(logout)
    settings(window)
    hold_typed_forms(Logout(interaction=False))
    assert dialogs.asked == [] and not logout.cancelled
