"""A body created by hand (by mistake, or twice) can be removed from the directory; the
reference directory cannot, nor a member an offer is written for."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.core.errors import InvalidInput, RuleViolation
from desktop.core.members import MemberKind
from desktop.core.quote import LineRequest


def created(window, name: str = "IDEA Doublon", **fields):
    """Created as the form does: shown on the card, the empty offer begun for it."""
    member = window.backend.create_member(kind=MemberKind.INTERCOMMUNALE, name=name, **fields)
    window.members._created(member)
    return member


def found(window, text: str) -> list[str]:
    return [m.display_name for m in window.backend.index.search(text)]


def test_a_created_body_is_deleted_from_its_card_once_confirmed(qtbot, window, dialogs) -> None:
    member = created(window)
    count = window.data_status.text()
    card = window.members.card
    assert card.delete_button.isVisibleTo(card)
    dialogs.script("confirm", True)
    card.delete_button.click()
    assert "IDEA Doublon" in dialogs.texts[-1] and "définitive" in dialogs.texts[-1]
    assert window.backend.member(member.id) is None
    assert "IDEA Doublon" not in found(window, "IDEA Doublon")
    assert window.members.member is None  # the card no longer shows it
    assert "IDEA Doublon est supprimé de l'annuaire" in window.bar.text
    assert window.data_status.text() != count  # one member fewer in the status bar
    assert "612 membres" in window.data_status.text()
    # gone from the file too: a window opened again does not find it
    from desktop.store.members_repo import MemberRepository

    assert MemberRepository(window.backend.db).lookup(member.id) is None


def test_keeping_it_deletes_nothing(qtbot, window, dialogs) -> None:
    member = created(window)
    dialogs.script("confirm", False)
    window.members.card.delete_button.click()
    assert window.backend.member(member.id) is not None
    assert window.members.member is not None and window.members.member.id == member.id


def test_a_reference_member_has_no_delete_button_and_the_menu_says_why(qtbot, window, dialogs) -> None:
    member = window.backend.index.search("Nivelles")[0]
    window.members.show_member(member.id)
    card = window.members.card
    assert not card.delete_button.isVisibleTo(card)
    window.delete_member_action.trigger()  # nothing asked: the answer would be no
    assert dialogs.asked == []
    assert "annuaire de référence" in window.bar.text
    assert window.backend.member(member.id) is not None


def test_a_member_with_a_draft_is_kept_and_the_bar_says_what_to_delete_first(qtbot, window, dialogs) -> None:
    member = created(window)
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")  # a line a moment ago: not yet written by the autosave
    window.members.delete_member()
    assert dialogs.asked == []  # refused before the question
    text = window.bar.text
    assert "IDEA Doublon n'est pas supprimé : un brouillon lui est adressé" in text
    assert "Supprimez d'abord ce brouillon dans Offres enregistrées" in text
    assert window.backend.member(member.id) is not None
    assert window.session.draft.member_id == member.id and window.session.draft.lines


def test_a_member_with_a_numbered_offer_stays_for_good(qtbot, window, backend, dialogs) -> None:
    backend.save_settings(backend.settings().with_changes(device_code="LAP1", seller_name="Anne Dupont"))
    member = created(window, size=120)
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    assert window.session.save_now(force=True)
    frozen = backend.offers.finalise(window.session.offer.id, lambda o: b"%PDF-1.4 essai")
    with pytest.raises(RuleViolation) as refused:
        backend.delete_member(member.id)
    said = str(refused.value)
    assert f"l'offre {frozen.number} lui est adressée" in said
    assert "Une offre numérotée garde son membre dans l'annuaire" in said
    assert backend.member(member.id) is not None


def test_an_offer_begun_for_it_without_a_line_starts_again_with_no_member(qtbot, window, dialogs) -> None:
    member = created(window)
    window.members.member_opened.emit(member.id)
    assert window.session.draft.member_id == member.id and not window.session.draft.lines
    dialogs.script("confirm", True)
    window.members.delete_member()
    assert window.backend.member(member.id) is None
    assert window.session.draft.member_id is None  # not an offer for nobody known


def test_an_offer_written_for_it_between_the_question_and_the_answer_keeps_it(
    qtbot, window, backend, dialogs
) -> None:
    """Another program (the command line, a second laptop's import) writes a draft for it while
    the question is open: the deletion is refused in the transaction that would delete."""
    member = created(window)

    def meanwhile(*_args, **_kwargs) -> bool:
        draft = replace(backend.new_draft(member.id), lines=(LineRequest("delib", {}),))
        backend.save_draft(None, draft, backend.quote(draft))
        return True

    dialogs.confirm = meanwhile  # type: ignore[method-assign]
    window.members.delete_member()
    assert "n'est pas supprimé : un brouillon lui est adressé" in window.bar.text
    assert backend.member(member.id) is not None


def test_the_store_refuses_a_reference_member(backend) -> None:
    with pytest.raises(InvalidInput, match="annuaire de référence"):
        backend.delete_member("commune:25072")


def test_undo_after_the_deletion_never_gives_the_offer_back_to_the_deleted_member(
    qtbot, window, backend, dialogs
) -> None:
    """An offer begun for a body created by mistake, then passed to the right member: the body
    could be deleted (nothing is written for it any more), and Ctrl+Z made the offer its again,
    saved for no one, « choisissez un membre » over its lines."""
    member = created(window)
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    nivelles = backend.index.search("Nivelles")[0]
    window.session.set_member(nivelles.id)  # « Passer cette offre à Nivelles »
    assert window.session.save_now(force=True)
    window.members.show_member(member.id)
    dialogs.script("confirm", True)
    window.members.delete_member()
    assert backend.member(member.id) is None
    window.undo_action.trigger()
    assert window.session.draft.member_id == nivelles.id
    assert window.session.save_now(force=True)
    assert backend.offers.get(window.session.offer.id).member.id == nivelles.id


def test_deleted_from_the_menu_while_results_are_listed_the_results_keep_their_place(
    qtbot, window, dialogs
) -> None:
    """The results of a search take the card's place: deleting the member shown from the
    Membre menu meanwhile showed the empty card beside them."""
    member = created(window)
    search = window.members.search
    search.field.setText("nivelles")
    search._search()
    qtbot.waitUntil(lambda: search.showing_results)
    assert not window.members.card.isVisible()
    dialogs.script("confirm", True)
    window.delete_member_action.trigger()
    assert window.backend.member(member.id) is None
    assert search.showing_results and not window.members.card.isVisible()
