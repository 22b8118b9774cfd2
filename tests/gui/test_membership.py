"""Membership status on the member card: chosen in a small form, dated, checked, stored, undone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from desktop.core.errors import InvalidInput
from desktop.core.members import MembershipStatus
from desktop.ui.dates import parse_date


def show(window, text):
    member = window.backend.index.search(text)[0]
    window.members.show_member(member.id)
    return member


def stored(db_path, member_id):
    """The member as another connection reads it from the file (not the UI's memory)."""
    from desktop.store.database import open_database
    from desktop.store.members_repo import MemberRepository

    db = open_database(db_path)
    try:
        return MemberRepository(db).get(member_id)
    finally:
        db.close()


def test_status_and_date_are_stored_and_shown_on_the_card(qtbot, window, backend, db_path):
    member = show(window, "nivelles")
    assert member.membership.status is MembershipStatus.ASSOCIE
    window.members.card.membership_button.click()
    dialog = window.members.dialog
    assert dialog.objectName() == "membershipDialog" and dialog.isVisible()
    dialog.status.setCurrentIndex(dialog.status.findData("ancien_membre"))
    dialog.since.setText("31/12/2025")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    on_file = stored(db_path, member.id)
    assert on_file.membership.status is MembershipStatus.ANCIEN_MEMBRE
    assert on_file.membership.since == date(2025, 12, 31)
    assert window.members.card.membership.text() == "Ancien membre depuis le 31/12/2025"
    assert "modifications enregistrées" in window.bar.text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2025-13-01", "n'existe pas"),
        ("31/02/2025", "n'existe pas"),
        ("l'an dernier", "JJ/MM/AAAA"),
        ("12/2025", "JJ/MM/AAAA"),
        ("01/01/0001", "de 2000 à 2099"),  # a slip of the keyboard, not a date
    ],
)
def test_a_malformed_date_is_refused_next_to_the_field(
    qtbot, window, backend, db_path, dialogs, typed, expected
):
    member = show(window, "nivelles")
    window.members.edit_membership()
    dialog = window.members.dialog
    dialog.status.setCurrentIndex(dialog.status.findData("adhesion_en_cours"))
    dialog.since.setText(typed)
    dialog.ok_button.click()
    assert dialog.isVisible()
    assert expected in dialog.errors.message("membership_since")
    assert dialog.focusWidget() is dialog.since  # the cursor goes where the fix is
    assert stored(db_path, member.id).membership.status is MembershipStatus.ASSOCIE  # nothing written
    assert dialog.since.text() == typed  # kept to correct
    dialogs.script("confirm", True)
    qtbot.keyClick(dialog.since, Qt.Key.Key_Escape)  # the user gives up: asked first
    assert dialogs.asked == [("confirm", "Abandonner les modifications ?")]
    assert not dialog.isVisible()
    assert stored(db_path, member.id).membership == member.membership


def test_a_future_date_is_refused_then_a_past_one_accepted(qtbot, window, backend, db_path):
    member = show(window, "nivelles")
    window.members.edit_membership()
    dialog = window.members.dialog
    tomorrow = backend.today() + timedelta(days=1)
    dialog.since.setText(f"{tomorrow:%d/%m/%Y}")
    dialog.ok_button.click()
    assert "dans le futur" in dialog.errors.message("membership_since")
    assert stored(db_path, member.id).membership.since is None
    dialog.since.setText("2019-01-01")  # the other accepted spelling
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert stored(db_path, member.id).membership.since == date(2019, 1, 1)
    assert window.members.card.membership.text() == "Associé depuis le 01/01/2019"


def test_a_non_member_has_no_date(qtbot, window, backend, db_path):
    member = show(window, "nivelles")
    window.members.edit_membership()
    dialog = window.members.dialog
    dialog.since.setText("01/01/2020")
    dialog.status.setCurrentIndex(dialog.status.findData("non_membre"))
    assert dialog.since.text() == "" and not dialog.since.isEnabled()
    dialog.ok_button.click()
    assert stored(db_path, member.id).membership == backend.member(member.id).membership
    assert backend.member(member.id).membership.status is MembershipStatus.NON_MEMBRE
    assert window.members.card.membership.text() == "Non membre"
    with pytest.raises(InvalidInput, match="non-membre"):  # the rule lives in core
        member.with_membership(MembershipStatus.NON_MEMBRE, date(2020, 1, 1), date(2026, 1, 1))


def test_card_edits_are_undone_from_the_bar(qtbot, window, backend, db_path):
    member = show(window, "nivelles")
    window.members.member_opened.emit(member.id)
    window.membership_action.trigger()  # Membre > Affiliation du membre…
    dialog = window.members.dialog
    dialog.status.setCurrentIndex(dialog.status.findData("adhesion_en_cours"))
    dialog.ok_button.click()
    assert stored(db_path, member.id).membership.status is MembershipStatus.ADHESION_EN_COURS
    [undo] = window.bar.action_buttons()
    assert undo.text() == "Annuler la modification"
    undo.click()
    assert stored(db_path, member.id) == member
    assert window.members.card.membership.text() == "Associé"
    assert "annulée" in window.bar.text
    # the other card edits offer the same undo (here: the address)
    window.members.edit_member()
    dialog = window.members.dialog
    dialog.address.setText("Place Albert Ier 2, 1400 Nivelles")
    dialog.ok_button.click()
    assert stored(db_path, member.id).address == "Place Albert Ier 2, 1400 Nivelles"
    window.bar.action_buttons()[0].click()
    assert stored(db_path, member.id).address == member.address


def test_unchanged_status_writes_nothing(qtbot, window, backend):
    show(window, "nivelles")
    window.members.edit_membership()
    dialog = window.members.dialog
    window.bar.dismiss()
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert window.bar.isHidden()  # no "enregistré", no undo offered


def test_typed_dates():
    assert parse_date(" 5/3/2026 ", "f") == date(2026, 3, 5)
    assert parse_date("05.03.2026", "f") == date(2026, 3, 5)
    assert parse_date("2026-03-05", "f") == date(2026, 3, 5)
    assert parse_date("", "f") is None
    with pytest.raises(InvalidInput) as caught:
        parse_date("5 mars", "f", "Depuis le")
    assert caught.value.field == "f" and str(caught.value).startswith("Depuis le :")


def test_a_pasted_page_in_a_date_field_is_not_printed_back() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_date("15 mars " * 500, field="since")
    assert "15 mars" in str(refused.value) and len(str(refused.value)) < 300
