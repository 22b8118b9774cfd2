"""The whole path an account manager follows, by keyboard, on the real store and engine.

Search a member, open it, read its category and why, add Délib, AES for 9 schools and iA.Tech
with an option, check every total against the engine, undo and redo, save, close, reopen the
draft, find the offer in the list.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt

from desktop.core.pricing import build_quote
from desktop.core.quote import LineRequest, QuoteRequest
from desktop.ui.models import QuoteLinesModel


def search_and_open(qtbot, window, text: str) -> None:
    search = window.members.search
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert search.field.hasFocus()
    qtbot.keyClicks(search.field, text)
    qtbot.waitUntil(lambda: search.showing_results and search.model.rowCount() > 0, timeout=3000)


def expected_quote(backend, member, lines):
    request = QuoteRequest(tariff=backend.tariff.code, lines=tuple(lines), commune_has=backend.commune_has(member))
    return build_quote(backend.tariff, request, member, backend.decision(member))


def shown_totals(window):
    t = window.editor.totals
    return t.one_time.text(), t.annual.text(), t.year1.text()


def money_texts(window, totals):
    m = window.money
    star = " *" if totals.partial else ""
    return m.money(totals.one_time) + star, m.money(totals.annual) + star, m.money(totals.year1) + star


def add_from_catalogue(qtbot, window, text: str) -> None:
    cat = window.editor.catalogue
    cat.filter.clear()
    qtbot.keyClicks(cat.filter, text)
    qtbot.keyClick(cat.filter, Qt.Key.Key_Return)


def accept_params(qtbot, window, **values: str) -> None:
    qtbot.waitUntil(lambda: window.editor.params_dialog is not None and window.editor.params_dialog.isVisible())
    dialog = window.editor.params_dialog
    for key, value in values.items():
        field = dialog.fields[key]
        field.clear()
        qtbot.keyClicks(field, value)
    qtbot.keyClick(dialog.fields[next(iter(dialog.fields))], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.editor.params_dialog is None)


def test_search_build_check_undo_save_reopen_list(qtbot, make_window, backend, runner, dialogs):
    window = make_window(backend)
    search = window.members.search

    # -- search by keyboard: type, Down, Up, Enter ------------------------------------------
    search_and_open(qtbot, window, "nivelles")
    hits = [search.model.hit(r).member for r in range(search.model.rowCount())]
    assert hits[0].name == "Nivelles" and hits[0].kind.value == "commune"
    qtbot.keyClick(search.field, Qt.Key.Key_Down)
    assert search.view.currentIndex().row() == 1
    qtbot.keyClick(search.field, Qt.Key.Key_Up)
    assert search.view.currentIndex().row() == 0
    qtbot.keyClick(search.field, Qt.Key.Key_Return)
    member = hits[0]

    # -- the card: category and its trace -------------------------------------------------
    card = window.members.card
    qtbot.waitUntil(lambda: card.member is not None and card.member.id == member.id)
    decision = backend.decision(member)
    assert decision.category == "Cat 5"
    assert card.category.text() == "Catégorie 5"
    for step in decision.trace:
        assert step.split(" : ")[0] in card.trace.text()
    assert "habitants" in card.size_label.text()
    assert window.session.draft.member_id == member.id  # an empty offer takes the member

    # -- Délib, AES with 9 schools, iA.Tech with an option ---------------------------------
    add_from_catalogue(qtbot, window, "delib")  # QTest types ASCII only; accents are ignored anyway
    assert [line.product for line in window.session.draft.lines] == ["delib"]
    add_from_catalogue(qtbot, window, "aes")
    accept_params(qtbot, window, schools="9")
    add_from_catalogue(qtbot, window, "tech")
    accept_params(qtbot, window)  # defaults: no extra user
    add_from_catalogue(qtbot, window, "atal mobile")
    assert [line.product for line in window.session.draft.lines] == ["delib", "aes", "tech", "atal-mobile"]

    lines = [
        LineRequest("delib", {}),
        LineRequest("aes", {"schools": Decimal(9), "plans": Decimal(1)}),
        LineRequest("tech", {"users": Decimal(0)}),
        LineRequest("atal-mobile", {}),
    ]
    expected = expected_quote(backend, member, lines)
    assert window.session.quote == expected
    assert shown_totals(window) == money_texts(window, expected.totals)
    table = window.editor.lines_model
    for row, line in enumerate(expected.lines):
        assert table.data(table.index(row, QuoteLinesModel.ONE_TIME)) == window.money.money(line.one_time)
        assert table.data(table.index(row, QuoteLinesModel.ANNUAL)) == window.money.money(line.annual)
    years = window.editor.totals.years_model
    assert years.rowCount() == 3
    assert years.data(years.index(2, 1)).startswith(window.money.money(expected.totals.years[2]))
    assert not expected.blocking  # the option's parent is there: nothing blocks

    # -- undo / redo -----------------------------------------------------------------------
    without_option = expected_quote(backend, member, lines[:3])
    window.editor.table.setFocus()
    qtbot.keyClick(window.editor.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [line.product for line in window.session.draft.lines] == ["delib", "aes", "tech"]
    assert shown_totals(window) == money_texts(window, without_option.totals)
    qtbot.keyClick(
        window.editor.table,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert [line.product for line in window.session.draft.lines] == ["delib", "aes", "tech", "atal-mobile"]
    assert shown_totals(window) == money_texts(window, expected.totals)

    # -- save (Ctrl+S), close --------------------------------------------------------------
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "enregistré" in window.bar.text
    offer_id = window.session.offer.id
    stored = backend.get_offer(offer_id)
    assert [line.product for line in stored.request.lines] == ["delib", "aes", "tech", "atal-mobile"]
    assert stored.quote.totals == expected.totals
    window.close()

    # -- reopen: the app offers the draft back, without a modal ------------------------------
    again = make_window(backend)
    qtbot.waitUntil(lambda: again.bar.isVisible() and bool(again.bar.action_buttons()), timeout=3000)
    assert "brouillon" in again.bar.text and "Nivelles" in again.bar.text
    again.bar.action_buttons()[0].click()
    assert again.session.offer.id == offer_id
    assert [line.product for line in again.session.draft.lines] == ["delib", "aes", "tech", "atal-mobile"]
    assert shown_totals(again) == money_texts(again, expected.totals)

    # -- the offers list finds it ----------------------------------------------------------
    qtbot.keyClick(again, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    offers = again.offers_list
    qtbot.keyClicks(offers.filter, "nivel")
    qtbot.waitUntil(lambda: offers.model.rowCount() >= 1 and offers.model.offer(0).id == offer_id, timeout=3000)
    row = offers.model.offer(0)
    assert row.member_name == "Nivelles"
    assert offers.model.data(offers.model.index(0, 6)) == again.money.money(expected.totals.year1)
    assert offers.model.data(offers.model.index(0, 7)) == "Brouillon"
    assert dialogs.asked == []  # nothing modal was needed
    again.close()


def test_the_search_says_when_it_lists_only_the_first_members(qtbot, make_window, backend) -> None:
    window = make_window(backend)
    search = window.members.search
    search_and_open(qtbot, window, "zone de police")  # 72 Walloon zones: more than are listed
    qtbot.waitUntil(lambda: search.model.rowCount() == 50, timeout=3000)
    assert search.status.text() == "Les 50 premiers membres : précisez la recherche. ↑↓ puis Entrée pour ouvrir"
    search.field.clear()
    qtbot.keyClicks(search.field, "ZP 5267")
    qtbot.waitUntil(lambda: search.model.rowCount() == 1, timeout=3000)
    assert search.status.text() == "1 membre — ↑↓ puis Entrée pour ouvrir"
