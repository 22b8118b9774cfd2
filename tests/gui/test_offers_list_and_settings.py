"""Saved offers (search, filter, open, duplicate for another member, delete a draft) and the
settings stored in the database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QPushButton

from desktop.core.offers import OfferState
from desktop.core.quote import LineRequest
from desktop.core.settings import TEXT_LIMITS
from desktop.ui.backend import Draft
from desktop.ui.settings_dialog import LABELS as SETTINGS_LABELS


def saved_draft(backend, text, *lines):
    member = backend.index.search(text)[0]
    draft = Draft(member_id=member.id, lines=tuple(lines))
    return backend.save_draft(None, draft, backend.quote(draft))


def test_search_filter_open(qtbot, window, backend):
    a = saved_draft(backend, "nivelles", LineRequest("delib", {}))
    saved_draft(backend, "tournai", LineRequest("gpec", {}))
    window.show_offers()
    offers = window.offers_list
    assert offers.model.rowCount() == 2
    qtbot.keyClicks(offers.filter, "nivel")
    qtbot.waitUntil(lambda: offers.model.rowCount() == 1, timeout=2000)
    offers.state.setCurrentIndex(offers.state.findData(OfferState.FINALISEE.value))
    assert offers.model.rowCount() == 0
    offers.state.setCurrentIndex(offers.state.findData(OfferState.BROUILLON.value))
    assert offers.model.rowCount() == 1
    offers.table.setFocus()
    qtbot.keyClick(offers.table, Qt.Key.Key_Return)
    assert window.session.offer.id == a.id
    assert window.tabs.currentWidget() is window.editor


def test_the_list_shows_drafts_priced_again_once_their_member_is_edited(qtbot, window, backend):
    from datetime import date

    draft = saved_draft(backend, "cpas tubize", LineRequest("delib", {}))
    window.show_offers()
    offers = window.offers_list
    assert offers.model.offer(0).category == "Cat 5"
    tubize = backend.index.search("tubize")[0]
    grown = tubize.with_size_correction(41_000, date(2026, 1, 1), "registre", today=date(2026, 11, 22))
    backend.save_member(grown)
    window.members.member_changed.emit(tubize.id)  # as the member form does once saved
    shown = offers.model.offer(0)
    assert (offers.model.rowCount(), shown.id, shown.category) == (1, draft.id, "Cat 6")


def test_search_by_the_seller_initials(qtbot, window, backend):
    """The initials are in no offer number (they carry the device code): typing them finds
    the offers of that seller all the same."""
    backend.save_settings(backend.settings().with_changes(seller_name="Jeanne Dupont", seller_initials="JD"))
    jd = saved_draft(backend, "nivelles", LineRequest("delib", {}))
    backend.save_settings(backend.settings().with_changes(seller_name="Éric Kaiser", seller_initials="ÉK"))
    ek = saved_draft(backend, "tournai", LineRequest("gpec", {}))
    window.show_offers()
    offers = window.offers_list
    assert offers.model.rowCount() == 2
    qtbot.keyClicks(offers.filter, "jd")
    qtbot.waitUntil(lambda: offers.model.rowCount() == 1, timeout=2000)
    assert offers.model.offer(0).id == jd.id
    offers.filter.setText("Ek")
    qtbot.waitUntil(lambda: [o.id for o in offers.selected()] == [ek.id], timeout=2000)
    assert offers.model.rowCount() == 1


def test_duplicate_for_another_member_is_repriced(qtbot, window, backend):
    source = saved_draft(backend, "nivelles", LineRequest("delib", {}), LineRequest("aes", {"schools": Decimal(4)}))
    window.show_offers()
    offers = window.offers_list
    offers.duplicate_other_action.trigger()
    picker = offers.picker
    # named as the action that opens it (« Dupliquer pour un autre membre… »), not « Copier »
    assert picker.windowTitle() == "Dupliquer l'offre pour un autre membre"
    qtbot.keyClicks(picker.search.field, "liege")
    qtbot.waitUntil(lambda: picker.search.model.rowCount() > 0, timeout=2000)
    assert picker.search.status.text().endswith("↑↓ puis Entrée pour choisir")  # nothing is opened here
    qtbot.keyClick(picker.search.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session.offer is not None and window.session.offer.id != source.id)
    copy = window.session.offer
    assert copy.member.name == "Liège"
    assert [line.product for line in copy.request.lines] == ["delib", "aes"]
    assert copy.decision.category == "Cat 7"
    assert copy.quote.totals.annual > source.quote.totals.annual  # priced for Liège's category
    assert window.session.quote == copy.quote


def test_entree_typed_before_the_hits_of_a_slip_copies_for_no_member(qtbot, window, backend):
    """« Liegr » then Entrée at once in « Dupliquer pour un autre membre… »: the offer was copied
    for Liège, one slip away, before the list saying so was even shown."""
    source = saved_draft(backend, "nivelles", LineRequest("delib", {}))
    window.show_offers()
    offers = window.offers_list
    offers.duplicate_other_action.trigger()
    picker = offers.picker
    with qtbot.waitSignal(picker.search.results_shown, timeout=5000):
        qtbot.keyClicks(picker.search.field, "Liegr")
        qtbot.keyClick(picker.search.field, Qt.Key.Key_Return)
    assert picker.isVisible() and picker.search.status.text().startswith("Aucun membre ne s'écrit « Liegr »")
    assert [o.id for o in backend.list_offers()] == [source.id]


def test_the_copy_for_another_member_is_of_the_offer_chosen_though_the_list_changed_meanwhile(
    qtbot, window, backend
):
    """At midnight the window reloads the offers list: an offer shown under « Envoyée » that
    expires leaves it. With the member picker open on it, the copy was made of the offer then
    selected in its place."""
    from datetime import UTC, datetime, timedelta

    backend.save_settings(backend.settings().with_changes(device_code="LAP1"))
    clock = [datetime.now(UTC)]
    backend.offers.clock = lambda: clock[0]
    sent = []
    for text, product, day in (("nivelles", "delib", 0), ("tournai", "gpec", 30)):
        clock[0] += timedelta(days=day)
        draft = saved_draft(backend, text, LineRequest(product, {}))
        backend.offers.finalise(draft.id, lambda _o: b"%PDF-1.4 test")
        sent.append(backend.offers.set_state(draft.id, OfferState.ENVOYEE))
    chosen = sent[0]
    window.show_offers()
    offers = window.offers_list
    offers.state.setCurrentIndex(offers.state.findData(OfferState.ENVOYEE.value))
    assert offers.select_offer(chosen.id)
    offers.duplicate_other_action.trigger()
    picker = offers.picker

    clock[0] = datetime.combine(chosen.valid_until + timedelta(days=1), datetime.min.time()).astimezone()
    backend.today = lambda: clock[0].astimezone().date()
    window.follow_the_date()  # what the window's timer does every minute
    assert offers.model.row_of(chosen.id) < 0  # expired: no longer in the list shown

    qtbot.keyClicks(picker.search.field, "liege")
    qtbot.waitUntil(lambda: picker.search.model.rowCount() > 0, timeout=2000)
    qtbot.keyClick(picker.search.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session.offer is not None and window.session.offer.member.name == "Liège")
    assert [line.product for line in window.session.offer.request.lines] == ["delib"]


def test_a_click_on_a_desktop_that_opens_on_one_click_makes_one_copy(qtbot, window, backend):
    """Where the desktop activates an item on a single click (KDE's setting), the click on a
    member of the picker also reported an activation: the offer was copied twice."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QProxyStyle, QStyle

    class SingleClick(QProxyStyle):
        def styleHint(self, hint, option=None, widget=None, data=None):  # type: ignore[no-untyped-def]
            if hint == QStyle.StyleHint.SH_ItemView_ActivateItemOnSingleClick:
                return 1
            return super().styleHint(hint, option, widget, data)

    saved_draft(backend, "nivelles", LineRequest("delib", {}))
    window.show_offers()
    offers = window.offers_list
    offers.duplicate_other_action.trigger()
    picker = offers.picker
    style = SingleClick()
    view = picker.search.view
    view.setStyle(style)
    qtbot.keyClicks(picker.search.field, "liege")
    qtbot.waitUntil(lambda: picker.search.model.rowCount() > 0, timeout=2000)
    at = view.visualRect(picker.search.model.index(0, 0)).center()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    qtbot.waitUntil(lambda: window.session.offer is not None and window.session.offer.member.name == "Liège")
    assert sorted(o.member_name for o in backend.list_offers("", None, limit=10)) == ["Liège", "Nivelles"]


def test_enter_before_the_results_waits_for_them_and_cancels_nothing(qtbot, window, backend):
    """Typing a name and Enter at once in the member picker: the search in flight finishes,
    the member is chosen. Enter must not also press « Annuler », which used to close the
    picker under the running search (its results then reached a deleted list)."""
    source = saved_draft(backend, "nivelles", LineRequest("delib", {}))
    errors: list[BaseException] = []
    import sys

    previous, sys.excepthook = sys.excepthook, lambda *exc: errors.append(exc[1])
    try:
        window.show_offers()
        offers = window.offers_list
        offers.duplicate_other_action.trigger()
        picker = offers.picker
        qtbot.keyClicks(picker.search.field, "liege")
        qtbot.keyClick(picker.search.field, Qt.Key.Key_Return)  # before the debounce fired
        qtbot.waitUntil(lambda: window.session.offer is not None and window.session.offer.id != source.id)
        assert window.session.offer.member.name == "Liège"
        qtbot.waitUntil(lambda: offers.picker is None)
    finally:
        sys.excepthook = previous
    assert errors == []


def test_two_member_searches_do_not_cancel_each_other(qtbot, window, backend):
    """The main window's search and the picker's run side by side: each shows its own hits."""
    saved_draft(backend, "nivelles", LineRequest("delib", {}))
    main = window.members.search
    qtbot.keyClicks(main.field, "namur")
    window.show_offers()
    window.offers_list.duplicate_other_action.trigger()
    picker = window.offers_list.picker.search
    main._timer.stop()
    main._search()
    qtbot.keyClicks(picker.field, "liege")
    picker._timer.stop()
    picker._search()
    qtbot.waitUntil(lambda: main.model.rowCount() > 0 and picker.model.rowCount() > 0, timeout=3000)
    assert main.model.hit(0).member.name == "Namur"
    assert picker.model.hit(0).member.name == "Liège"
    window.offers_list.picker.reject()


def test_delete_a_draft_after_confirmation(qtbot, window, backend, dialogs):
    saved_draft(backend, "nivelles", LineRequest("delib", {}))
    window.show_offers()
    offers = window.offers_list
    dialogs.script("confirm", False)
    offers.delete_action.trigger()
    assert offers.model.rowCount() == 1
    dialogs.script("confirm", True)
    offers.delete_action.trigger()
    assert offers.model.rowCount() == 0
    assert backend.list_offers() == []


def test_suppr_on_several_drafts_deletes_them_all_and_keeps_the_finalised_ones(qtbot, window, backend, dialogs):
    """Suppr with three offers selected asked about the first and deleted it alone, as the lines
    of an offer are all removed at once."""
    backend.save_settings(backend.settings().with_changes(device_code="LAP1", seller_name="Anne Dupont"))
    kept = saved_draft(backend, "tournai", LineRequest("delib", {}))
    backend.offers.finalise(
        saved_draft(backend, "genappe", LineRequest("delib", {})).id, lambda o: b"%PDF-1.4 " + o.number.encode()
    )
    for name in ("nivelles", "namur"):
        saved_draft(backend, name, LineRequest("gpec", {}))
    window.show_offers()
    offers = window.offers_list
    chosen = [r for r in range(offers.model.rowCount()) if offers.model.offer(r).id != kept.id]
    offers.table.setFocus()
    offers.table.selectRow(chosen[0])
    for row in chosen[1:]:
        offers.table.selectionModel().select(
            offers.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    # the button and the menu say how many go, as the question does
    assert offers.delete_action.text() == "Supprimer les 2 brouillons"
    assert "Supprimer les 2 brouillons" in [b.text() for b in offers.findChildren(QPushButton)]
    dialogs.script("confirm", True)
    qtbot.keyClick(offers.table, Qt.Key.Key_Delete)
    assert dialogs.texts[-1] == (
        "Supprimer les 2 brouillons sélectionnés ? L'autre offre sélectionnée n'est pas un "
        "brouillon : elle est gardée. Cette action est définitive."
    )
    left = backend.list_offers()
    assert sorted(o.member_name for o in left) == ["Genappe", "Tournai"]
    assert window.bar.text == "2 brouillons supprimés."


def select_all_offers(offers):
    offers.table.setFocus()
    offers.table.selectAll()


def test_suppr_on_drafts_one_of_them_deleted_elsewhere_deletes_the_others(qtbot, window, backend, dialogs):
    """A draft of the selection deleted meanwhile (another window, the command line) stopped the
    deletion there, the drafts after it kept, with « Aucune offre n'a l'identifiant … » said."""
    for name in ("nivelles", "namur", "genappe"):
        saved_draft(backend, name, LineRequest("delib", {}))
    window.show_offers()
    offers = window.offers_list
    select_all_offers(offers)
    backend.offers.delete_draft(offers.model.offer(0).id)  # elsewhere, the list not read again
    dialogs.script("confirm", True)
    qtbot.keyClick(offers.table, Qt.Key.Key_Delete)
    assert backend.list_offers() == []
    assert offers.model.rowCount() == 0
    assert "identifiant" not in window.bar.text
    assert window.bar.text == "3 brouillons supprimés."  # the one gone meanwhile too, as asked


def test_suppr_on_drafts_one_of_them_finalised_elsewhere_deletes_the_others_and_says_which_stays(
    qtbot, window, backend, dialogs
):
    backend.save_settings(backend.settings().with_changes(device_code="LAP1", seller_name="Anne Dupont"))
    for name in ("nivelles", "namur", "genappe"):
        saved_draft(backend, name, LineRequest("delib", {}))
    window.show_offers()
    offers = window.offers_list
    select_all_offers(offers)
    finalised = backend.offers.finalise(offers.model.offer(0).id, lambda o: b"%PDF-1.4 " + o.number.encode())
    dialogs.script("confirm", True)
    qtbot.keyClick(offers.table, Qt.Key.Key_Delete)
    assert [o.id for o in backend.list_offers()] == [finalised.id]
    assert offers.model.rowCount() == 1
    assert window.bar.text == (
        f"2 brouillons supprimés. L'offre {finalised.number} est finalisée : seuls les brouillons "
        "peuvent être supprimés."
    )


def test_settings_are_validated_next_to_the_field_and_stored(qtbot, window, backend):
    window.open_settings()
    dialog = window._settings_dialog
    dialog.fields["device_code"].setText("lap 1!")
    dialog.ok_button.click()
    assert dialog.isVisible()
    assert "appareil" in dialog.errors.message("device_code")
    assert backend.settings().device_code == ""
    dialog.fields["device_code"].setText("lap1")
    dialog.fields["seller_name"].setText("Anne Dupont")
    dialog.fields["validity_days"].setText("60")
    dialog.fields["enterprise_number"].setText("0883964958")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    stored = backend.settings()
    assert (stored.device_code, stored.seller_name, stored.validity_days) == ("LAP1", "Anne Dupont", 60)
    assert "Réglages enregistrés" in window.bar.text


def test_settings_saved_keep_what_a_script_set_while_the_form_was_open(qtbot, window, backend, db_path):
    """``comptoir settings set`` gave the device code and the validity while the form was open:
    saving the form wrote its own copy of every field back, and the script's were undone."""
    from desktop.store.database import open_database
    from desktop.store.settings_repo import SettingsRepository

    window.open_settings()
    dialog = window._settings_dialog
    with open_database(db_path, seed=False) as script:
        SettingsRepository(script).update(device_code="LAP7", validity_days=60)
    dialog.fields["seller_name"].setText("Anne Dupont")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    stored = backend.settings()
    assert (stored.device_code, stored.validity_days, stored.seller_name) == ("LAP7", 60, "Anne Dupont")


def test_every_wrong_setting_is_said_at_once_and_the_first_one_on_screen_gets_the_focus(
    qtbot, window, backend
):
    """Six slips, one click: each message under its field (not the e-mail alone), the cursor
    on « Validité », the highest wrong field of the form; what was typed stays as typed."""
    window.open_settings()
    dialog = window._settings_dialog
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    typed = {
        "email": "bad", "validity_days": "abc", "indexation": "25", "iban": "BE00 1234",
        "enterprise_number": "123", "device_code": "lap 3",
    }
    for name, text in typed.items():
        dialog.fields[name].setText(text)
    dialog.ok_button.click()
    assert dialog.isVisible()
    wrong = {name for name in dialog.fields if dialog.errors.message(name)}
    assert wrong == {"email", "validity_days", "indexation", "iban", "enterprise_number"}
    assert dialog.errors.general == ""
    assert dialog.focusWidget() is dialog.fields["validity_days"]
    assert {name: dialog.fields[name].text() for name in typed} == typed
    assert backend.settings().device_code == ""  # nothing saved while a field is wrong
    dialog.fields["validity_days"].setText("60")
    dialog.fields["indexation"].setText("2")
    dialog.ok_button.click()  # the ones left are still all said, the first of them focused
    assert {name for name in dialog.fields if dialog.errors.message(name)} == {
        "email", "iban", "enterprise_number"
    }
    assert dialog.focusWidget() is dialog.fields["email"]
    for name in ("email", "iban", "enterprise_number"):
        dialog.fields[name].setText("")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert (backend.settings().device_code, backend.settings().validity_days) == ("LAP3", 60)


def test_an_indexation_out_of_range_is_told_in_the_unit_typed(qtbot, window, backend):
    window.open_settings()
    dialog = window._settings_dialog
    dialog.fields["indexation"].setText("25")  # the field is in % per year
    dialog.ok_button.click()
    assert dialog.isVisible()
    assert dialog.errors.message("indexation") == (
        "L'indexation annuelle va de 0 à 20 % par an ; reçu 25 %."
    )
    dialog.fields["indexation"].setText("2,5")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert backend.settings().indexation == Decimal("0.025")


@pytest.mark.parametrize(
    ("field", "typed", "fragment"),
    [
        ("validity_days", "²", "de 1 à 365 jours"),  # ValueError
        ("years", "²", "de 1 à 6 années"),
        ("validity_days", "99999999999999999999", "de 1 à 365 jours"),
        ("indexation", "sNaN", "2,5"),  # decimal.InvalidOperation
        ("indexation", "1e999999999", "2,5"),  # decimal.Overflow
        ("seller_name", "A" * 3000, "120 caractères au plus"),  # then every PDF failed
        ("legal_form", "S" * 100, "60 caractères au plus"),
        ("seller_name", "Anne Dupont 👍", "« 👍 » (U+1F44D) ne peut pas s'imprimer"),  # a box
        ("letterhead_name", "iMio ✅", "« ✅ » (U+2705) ne peut pas s'imprimer"),
    ],
)
def test_settings_refuse_odd_digits_huge_numbers_and_long_text_next_to_the_field(
    qtbot, window, backend, dialogs, field, typed, fragment
):
    before = backend.settings()
    window.open_settings()
    dialog = window._settings_dialog
    dialog.fields[field].setText(typed)
    dialog.ok_button.click()
    assert dialog.isVisible() and dialogs.crashes == []
    assert fragment in dialog.errors.message(field)
    assert backend.settings() == before


@pytest.mark.parametrize("field", sorted(TEXT_LIMITS))
def test_a_text_too_long_is_said_under_the_name_the_form_gives_its_field(qtbot, window, field) -> None:
    """« Courriel » in the form, « Courriel : 120 caractères au plus » under it (it said
    « Adresse e-mail : … », a field the form does not have)."""
    window.open_settings()
    dialog = window._settings_dialog
    dialog.fields[field].setText("x" * 300 + "@imio.be")
    dialog.ok_button.click()
    assert dialog.errors.message(field).startswith(f"{SETTINGS_LABELS[field][0]} : ")


def test_a_fraction_typed_in_the_percent_field_is_not_taken_for_a_tiny_rate(qtbot, window, backend):
    """« 0,02 » is 2 % on the command line (a fraction); here the field is in %: not 0,02 %."""
    window.open_settings()
    dialog = window._settings_dialog
    dialog.fields["indexation"].setText("0,02")
    dialog.ok_button.click()
    assert dialog.isVisible()
    assert dialog.errors.message("indexation").endswith("Pour 2 % par an, écrivez 2.")
    assert backend.settings().indexation == Decimal("0.02")  # unchanged
    dialog.discard()


def test_a_value_saved_before_its_limit_is_shown_to_correct_not_replaced_by_its_default(
    qtbot, window, backend
):
    """A letterhead saved before names had a limit: documents use the default, and the form
    shows the stored text with what to fix, so that no save replaces it behind the user."""
    long_name = " ".join(["Intercommunale de Mutualisation Informatique et Organisationnelle"] * 2)
    with backend.db.transaction() as conn:
        conn.execute("INSERT INTO setting VALUES ('letterhead_name', ?, 'x')", (long_name,))
        conn.execute("INSERT INTO setting VALUES ('seller_name', 'Anne Dupont', 'x')")
    assert backend.settings().letterhead_name == "iMio"  # what documents print meanwhile
    window.open_settings()
    dialog = window._settings_dialog
    assert dialog.fields["letterhead_name"].text() == long_name
    assert "120 caractères au plus" in dialog.errors.message("letterhead_name")
    dialog.fields["seller_name"].setText("Anne Dupont-Lambert")
    dialog.ok_button.click()  # the other change alone cannot be saved over the long name
    assert dialog.isVisible()
    stored = dict(backend.db.conn.execute("SELECT key, value FROM setting").fetchall())
    assert stored["letterhead_name"] == long_name
    dialog.fields["letterhead_name"].setText("iMio — Intercommunale de Mutualisation")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    saved = backend.settings()
    assert (saved.letterhead_name, saved.seller_name) == (
        "iMio — Intercommunale de Mutualisation", "Anne Dupont-Lambert"
    )


def test_the_window_says_when_a_stored_setting_is_not_used_and_opens_the_form(
    qtbot, make_window, backend
):
    with backend.db.transaction() as conn:
        conn.execute("INSERT INTO setting VALUES ('legal_form', ?, 'x')", ("S" * 80,))
    window = make_window(backend)
    qtbot.waitUntil(lambda: "réglage enregistré n'est plus accepté" in window.bar.text, timeout=2000)
    assert "Forme juridique : 60 caractères au plus" in window.bar.text
    (button,) = window.bar.action_buttons()
    assert button.text() == "Ouvrir les réglages"
    button.click()
    dialog = window._settings_dialog
    assert dialog is not None and dialog.fields["legal_form"].text() == "S" * 80
    assert "60 caractères au plus" in dialog.errors.message("legal_form")
    dialog.reject()
    window.close()


def test_a_message_in_one_settings_column_leaves_the_other_column_in_place(qtbot, window):
    window.open_settings()
    dialog = window._settings_dialog
    qtbot.waitExposed(dialog)

    def right_column() -> list[int]:  # where each letterhead field stands
        return [dialog.fields[name].mapTo(dialog, dialog.fields[name].rect().topLeft()).y()
                for name in ("address_lines", "phone", "email", "iban")]

    before = right_column()
    dialog.fields["validity_days"].setText("abc")  # a message under a field of the left column
    dialog.ok_button.click()
    assert dialog.errors.message("validity_days")
    qtbot.wait(50)  # the layout settles
    assert right_column() == before  # the hint under the address stays under it, no gap


def test_opening_another_offer_clears_what_the_bar_said_about_the_previous_one(qtbot, window, backend):
    a = saved_draft(backend, "nivelles", LineRequest("delib", {}))
    b = saved_draft(backend, "tournai", LineRequest("gpec", {}))
    window.open_offer(a.id)
    window.save()
    assert "enregistré" in window.bar.text and not window.bar.isHidden()
    window.open_offer(b.id)  # from the list, say: « Brouillon enregistré » was about Nivelles
    assert window.bar.isHidden()
    assert window.session.offer.id == b.id


def test_a_lasting_message_survives_opening_and_starting_offers(qtbot, make_window, backend):
    """A setting to correct is about the application: it stays while offers come and go,
    and « Nouvelle offre » does not replace it."""
    a = saved_draft(backend, "nivelles", LineRequest("delib", {}))
    with backend.db.transaction() as conn:
        conn.execute("INSERT INTO setting VALUES ('legal_form', ?, 'x')", ("S" * 80,))
    window = make_window(backend)
    qtbot.waitUntil(lambda: "réglage enregistré" in window.bar.text, timeout=2000)
    window.open_offer(a.id)
    window.new_offer()
    assert "réglage enregistré" in window.bar.text and not window.bar.isHidden()
    assert [b.text() for b in window.bar.action_buttons()] == ["Ouvrir les réglages"]
    window.close()


def offering_last_draft(qtbot, make_window, backend):
    """A window started after one closed on Nivelles's draft: it offers to reopen it."""
    a = saved_draft(backend, "nivelles", LineRequest("delib", {}))
    first = make_window(backend)
    first.open_offer(a.id)
    first.close()
    again = make_window(backend)
    qtbot.waitUntil(lambda: bool(again.bar.action_buttons()), timeout=3000)
    return again


def test_the_draft_to_reopen_is_no_longer_offered_once_another_offer_is_opened(qtbot, make_window, backend):
    """Working on another offer answers « not now »: the draft stays in the offers list."""
    b = saved_draft(backend, "tournai", LineRequest("gpec", {}))
    again = offering_last_draft(qtbot, make_window, backend)
    assert "Nivelles" in again.bar.text
    again.open_offer(b.id)
    assert again.bar.isHidden()
    again.close()


def test_the_draft_to_reopen_is_no_longer_offered_once_an_offer_is_started_from_the_search(
    qtbot, make_window, backend
):
    """The next visitor found and opened: « Rouvrir le brouillon » of Nivelles stayed above
    Tournai's offer, one click from putting it away."""
    again = offering_last_draft(qtbot, make_window, backend)
    tournai = backend.index.search("tournai")[0]
    again.members.show_member(tournai.id)
    again.members.member_opened.emit(tournai.id)
    assert again.session.draft.member_id == tournai.id
    assert again.bar.isHidden()
    again.close()


def test_a_setting_to_correct_is_said_once_the_draft_of_last_time_is_no_longer_offered(
    qtbot, make_window, backend
):
    """The bar holds one message: the draft to reopen first, then the setting, not never."""
    a = saved_draft(backend, "nivelles", LineRequest("delib", {}))
    b = saved_draft(backend, "tournai", LineRequest("gpec", {}))
    first = make_window(backend)
    first.open_offer(a.id)
    first.close()
    with backend.db.transaction() as conn:
        conn.execute("INSERT INTO setting VALUES ('legal_form', ?, 'x')", ("S" * 80,))
    again = make_window(backend)
    qtbot.waitUntil(lambda: "Vous travailliez sur un brouillon" in again.bar.text, timeout=3000)
    again.open_offer(b.id)  # « not now »
    assert "réglage enregistré n'est plus accepté" in again.bar.text and not again.bar.isHidden()
    assert [button.text() for button in again.bar.action_buttons()] == ["Ouvrir les réglages"]
    again.close()


def test_a_window_closed_before_its_first_messages_says_nothing_and_reads_nothing(
    qtbot, backend, runner, dialogs, ui_state_path
):
    """A restore can replace the window at once: its pending first messages must not read a
    database that is closed by then (an error in the face of the user)."""
    import sys

    from desktop.ui.main_window import MainWindow
    from desktop.ui.ui_state import UiState

    window = MainWindow(backend, runner, dialogs, UiState(ui_state_path))
    qtbot.addWidget(window)
    window.show()
    window.close()  # before the event loop runs the first messages
    backend.close()
    errors: list[BaseException] = []
    previous, sys.excepthook = sys.excepthook, lambda *exc: errors.append(exc[1])
    try:
        qtbot.wait(20)
    finally:
        sys.excepthook = previous
    assert errors == [] and window.bar.isHidden()


def test_settings_opened_again_stay_the_open_settings(qtbot, window):
    """The form replaced by a second « Réglages… » used to clear the new one's place once it
    was destroyed: the window then lost track of the form on screen."""
    window.open_settings()
    first = window._settings_dialog
    window.open_settings("device_code")
    second = window._settings_dialog
    assert second is not first
    qtbot.waitUntil(lambda: not shiboken_valid(first), timeout=2000)
    assert window._settings_dialog is second
    second.close()
    qtbot.waitUntil(lambda: not shiboken_valid(second), timeout=2000)
    assert window._settings_dialog is None  # not a deleted form, which opening again touched
    window.settings_action.trigger()
    assert shiboken_valid(window._settings_dialog)
    window._settings_dialog.close()


def _export_form(window):
    window.export_offers_action.trigger()
    return window.exchange, "form"


def _import_report(window):
    window.exchange._show_report("Import des offres", lambda: "<p>Offres importées : 0</p>")
    return window.exchange, "report"


def _member_picker(window):
    window.offers_list.duplicate_other_action.trigger()
    return window.offers_list, "picker"


@pytest.mark.parametrize("open_one", [_export_form, _import_report, _member_picker])
def test_a_dialog_opened_again_stays_the_one_on_screen(qtbot, window, backend, open_one):
    """The export form, the import report and the member picker replaced by a second one of
    their kind cleared the window's place for it once the first was destroyed: a third opening
    then left the second on screen beside it, as the settings form did."""
    saved_draft(backend, "nivelles", LineRequest("delib", {}))
    window.show_offers()
    owner, attr = open_one(window)
    first = getattr(owner, attr)
    open_one(window)
    second = getattr(owner, attr)
    assert second is not first and second.isVisible()
    qtbot.waitUntil(lambda: not shiboken_valid(first), timeout=2000)
    assert getattr(owner, attr) is second
    open_one(window)
    third = getattr(owner, attr)
    qtbot.waitUntil(lambda: not shiboken_valid(second), timeout=2000)  # closed for the third
    assert getattr(owner, attr) is third
    third.close()
    qtbot.waitUntil(lambda: not shiboken_valid(third), timeout=2000)
    assert getattr(owner, attr) is None


def shiboken_valid(obj) -> bool:  # type: ignore[no-untyped-def]
    import shiboken6

    return shiboken6.isValid(obj)


def test_hundreds_of_offers_are_listed_without_reading_every_row_to_size_the_columns(
    qtbot, window, backend, monkeypatch
):
    """With a year of offers, each search in the list froze the window for a tenth of a
    second: every cell of the 500 rows shown was read, role by role, to size the columns.
    Only the rows on screen are read; the columns still fit the widest text of the list."""
    from desktop.ui.models import OffersModel

    read: set[int] = set()
    data = OffersModel.data

    def reading(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        read.add(index.row())
        return data(self, index, role)

    monkeypatch.setattr(OffersModel, "data", reading)
    for i in range(200):
        saved_draft(backend, ("nivelles", "tournai", "cpas de liege", "zp 5267")[i % 4], LineRequest("delib", {}))
    window.show_offers()
    offers = window.offers_list
    read.clear()
    offers.filter.setText("delib")  # a search: every offer has it
    qtbot.wait(400)
    assert offers.model.rowCount() == 200
    assert 0 < len(read) < 60
    head, metrics = offers.table.horizontalHeader(), offers.table.fontMetrics()
    for column in (0, 2, 3, 4, 5, 6, 7):  # the member's column takes the room left
        texts = [offers.model.index(row, column).data() for row in range(offers.model.rowCount())]
        assert head.sectionSize(column) >= max(metrics.horizontalAdvance(t) for t in texts), column


def test_an_empty_list_says_why_and_what_to_do_rather_than_the_offer_it_no_longer_shows(qtbot, window, backend):
    window.show_offers()
    offers = window.offers_list
    assert offers.model.rowCount() == 0
    first = offers.details.toPlainText()
    assert "Aucune offre enregistrée" in first and "Ctrl+F" in first and "Choisissez une offre" not in first
    saved_draft(backend, "nivelles", LineRequest("delib", {}))
    offers.reload()
    assert "Nivelles" in offers.details.toPlainText()
    qtbot.keyClicks(offers.filter, "zzzz")
    qtbot.waitUntil(lambda: offers.model.rowCount() == 0, timeout=2000)
    text = offers.details.toPlainText()
    assert "Nivelles" not in text  # the offer the filter hides is no longer described
    assert "Aucune offre ne correspond à « zzzz »" in text and "Échap" in text
    qtbot.keyClick(offers.filter, Qt.Key.Key_Escape)  # as the list says
    assert offers.filter.text() == ""
    qtbot.waitUntil(lambda: offers.model.rowCount() == 1, timeout=2000)
    offers.state.setCurrentIndex(offers.state.findData(OfferState.ACCEPTEE.value))
    assert offers.model.rowCount() == 0
    text = offers.details.toPlainText()
    assert "Aucune offre à l'état « Acceptée »" in text and "Tous les états" in text

