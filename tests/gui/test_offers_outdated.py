"""Drafts on a tariff no longer in force: a badge in the offers table itself, and re-pricing
from the table's context menu that shows the differences before it writes anything."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from desktop.core.quote import LineRequest
from desktop.ui.backend import Draft
from desktop.ui.models import BACKGROUND, TOOLTIP, OffersModel

STATE = OffersModel.HEADERS.index("État")


def saved_draft(backend, text, *lines):
    member = backend.index.search(text)[0]
    draft = Draft(member_id=member.id, lines=tuple(lines))
    return backend.save_draft(None, draft, backend.quote(draft))


def state_cell(offers, offer_id):
    return offers.model.index(offers.model.row_of(offer_id), STATE)


def withdraw(db_path, tariff, product):
    """Head office took ``product`` out of ``tariff`` (as a catalogue import leaves it)."""
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM product WHERE tariff = ? AND code = ?", (tariff, product))


def opened_without_ideabox(window, backend, db_path, grid=lambda: "imio-2024"):
    """A draft for Namur with iA.Délib and iA.Ideabox, saved, then opened once the grid
    ``grid()`` gives (called after the save: next year's, say) lost Ideabox; and that grid."""
    from desktop.ui.backend import load_startup_data

    old = saved_draft(backend, "namur", LineRequest("delib", {}), LineRequest("ideabox", {}))
    code = grid()
    withdraw(db_path, code, "ideabox")
    backend.reload(load_startup_data(db_path))
    window.reload_catalogue()
    window.open_offer(old.id)
    return old, code


def test_outdated_draft_has_a_badge_in_the_table(qtbot, window, backend, next_year):
    old = saved_draft(backend, "nivelles", LineRequest("delib", {}))
    window.show_offers()
    offers = window.offers_list
    assert offers.model.data(state_cell(offers, old.id)) == "Brouillon"
    assert offers.model.data(state_cell(offers, old.id), BACKGROUND) is None
    next_year()
    offers.reload()
    cell = state_cell(offers, old.id)
    assert offers.model.data(cell) == "Brouillon · ancien tarif"
    assert offers.model.data(cell, BACKGROUND) is not None
    assert "imio-2024" in offers.model.data(cell, TOOLTIP) and "imio-2026" in offers.model.data(cell, TOOLTIP)
    offers.select_offer(old.id)  # (selectRow would heed a modifier another test left down)
    details = offers.details.toPlainText()
    assert "tarif iMio 2024" in details and "Le tarif iMio 2024 n'est plus en vigueur (iMio 2026)" in details
    assert "imio-2024" not in details  # the code is for scripts, the name for people


def test_reprice_from_the_context_menu_shows_the_differences_first(qtbot, window, backend, dialogs, next_year):
    old = saved_draft(backend, "nivelles", LineRequest("delib", {}), LineRequest("aes", {"schools": Decimal(9)}))
    fresh = saved_draft(backend, "tournai", LineRequest("gpec", {}))
    window.show_offers()
    offers = window.offers_list
    assert offers.select_offer(fresh.id)
    assert "Recalculer sur le tarif en vigueur…" not in [a.text() for a in offers.context_menu().actions()]
    next_year()
    offers.reload(select=old.id)
    menu = [a.text() for a in offers.context_menu().actions()]
    assert "Recalculer sur le tarif en vigueur…" in menu
    assert offers.reprice_action.isEnabled()

    dialogs.script("confirm", False)  # looked at the differences, said no
    offers.reprice_action.trigger()
    shown = dialogs.texts[-1]
    assert "Tarif : iMio 2024 → iMio 2026" in shown and "Total annuel" in shown  # names, not codes
    assert backend.get_offer(old.id).request.tariff == "imio-2024"  # nothing written
    assert offers.model.data(state_cell(offers, old.id)) == "Brouillon · ancien tarif"

    dialogs.script("confirm", True)
    offers.reprice_action.trigger()
    repriced = backend.get_offer(old.id)
    assert repriced.request.tariff == "imio-2026"
    assert repriced.quote.totals.annual > old.quote.totals.annual  # the new grid is dearer
    assert offers.model.data(state_cell(offers, old.id)) == "Brouillon"
    assert "recalculé" in window.bar.text
    assert offers.select_offer(old.id)
    assert not offers.reprice_action.isEnabled()


def test_selection_spans_several_offers(qtbot, window, backend):
    a = saved_draft(backend, "nivelles", LineRequest("delib", {}))
    b = saved_draft(backend, "tournai", LineRequest("gpec", {}))
    window.show_offers()
    offers = window.offers_list
    offers.table.selectAll()
    assert {s.id for s in offers.selected()} == {a.id, b.id}
    assert not offers.export_action.isEnabled()  # drafts only: nothing would travel


def test_an_outdated_draft_opened_in_the_editor_says_so_and_offers_the_differences(
    qtbot, window, backend, dialogs, next_year, db_path
):
    from desktop.ui.backend import load_startup_data

    old = saved_draft(backend, "nivelles", LineRequest("delib", {}))
    next_year()
    backend.reload(load_startup_data(db_path))  # the app started after the new grid arrived
    window.reload_catalogue()
    window.open_offer(old.id)
    assert window.bar.text.startswith("Ce brouillon a été calculé sur le tarif iMio 2024, qui")
    assert "suivent le tarif en vigueur (iMio 2026)" in window.bar.text
    [show] = window.bar.action_buttons()
    assert show.text() == "Voir les différences…"
    dialogs.script("confirm", True)
    show.click()
    assert "Total annuel" in dialogs.texts[-1]
    assert backend.get_offer(old.id).request.tariff == "imio-2026"
    assert window.session.offer.request.tariff == "imio-2026"  # the editor holds the new one
    assert "recalculé" in window.bar.text
    window.open_offer(old.id)  # opened again: nothing to say any more
    assert "n'est plus en vigueur" not in window.bar.text


def test_an_outdated_draft_is_printed_only_once_repriced(qtbot, window, backend, dialogs, next_year, db_path):
    from desktop.ui.backend import load_startup_data

    old = saved_draft(backend, "nivelles", LineRequest("delib", {}))
    next_year()
    backend.reload(load_startup_data(db_path))
    window.reload_catalogue()
    window.open_offer(old.id)
    dialogs.script("confirm", False)  # differences shown, user keeps last year's prices
    window.preview_action.trigger()
    assert window.documents.preview_widget is None
    assert "recalculez-le" in window.bar.text
    assert backend.get_offer(old.id).request.tariff == "imio-2024"
    dialogs.script("confirm", True)
    window.preview_action.trigger()
    preview = window.documents.preview_widget
    qtbot.waitUntil(lambda: preview.ready, timeout=20_000)
    stored = backend.get_offer(old.id)
    assert stored.request.tariff == "imio-2026"
    assert stored.quote.totals == window.session.quote.totals  # the document = what is shown
    preview.window().close()


def test_a_draft_with_a_product_head_office_withdrew_opens_without_it_and_says_so(
    qtbot, window, backend, dialogs, next_year, db_path
):
    """Next year's grid no longer has iA.Ideabox: the draft opens with its other lines priced
    on that grid, names the line left out and stores itself so on request. Before, the editor
    showed no line at all and no total, with nothing to remove."""
    old, code = opened_without_ideabox(window, backend, db_path, next_year)
    assert [x.product for x in window.session.draft.lines] == ["delib"]
    assert window.session.quote is not None and window.session.quote.totals.annual is not None
    assert window.bar.text.startswith(
        "Le tarif en vigueur (iMio 2026) ne propose plus iA.Ideabox : cette ligne est retirée de "
        "ce brouillon"
    )
    assert backend.get_offer(old.id).request.tariff == "imio-2024"  # nothing written yet
    [keep] = window.bar.action_buttons()
    assert keep.text() == "Enregistrer ainsi"
    keep.click()
    stored = backend.get_offer(old.id).request
    assert (stored.tariff, [x.product for x in stored.lines]) == (code, ["delib"])
    assert window.bar.text == "Brouillon enregistré sans iA.Ideabox, sur le tarif iMio 2026."
    window.open_offer(old.id)  # opened again: nothing to say any more
    assert window.session.withdrawn == () and "ne propose plus" not in window.bar.text


def test_a_catalogue_imported_while_the_draft_is_open_takes_out_the_line_it_withdrew(
    qtbot, window, backend, dialogs, db_path, tmp_path
):
    """Head office's catalogue no longer has iA.Ideabox and the draft holding it is on screen
    when it is imported: the editor shows the other lines priced and says which line went,
    as when the draft is opened. Before, it showed no line and no total, and an error asking
    to remove a line that was not there; then the bar told to open it, as if it were not on
    screen, while another draft the catalogue no longer prices is still named."""
    import shutil

    from desktop.store.bundles import export_catalogue
    from desktop.store.database import open_database

    old = saved_draft(backend, "namur", LineRequest("delib", {}), LineRequest("ideabox", {}))
    saved_draft(backend, "tournai", LineRequest("ideabox", {}))
    window.open_offer(old.id)
    head_office = shutil.copy(db_path, tmp_path / "siege.sqlite3")
    withdraw(head_office, "imio-2024", "ideabox")
    db = open_database(head_office, seed=False)
    try:
        export_catalogue(db, tmp_path / "catalogue.zip")
    finally:
        db.close()
    dialogs.script("open_file", str(tmp_path / "catalogue.zip"))
    dialogs.script("confirm", True)
    window.import_catalogue_action.trigger()
    qtbot.waitUntil(lambda: not window.exchange.running, timeout=15_000)

    assert [x.product for x in window.session.draft.lines] == ["delib"]
    assert window.editor.lines_model.rowCount() == 1 and window.session.error == ""
    assert window.session.quote is not None and window.session.quote.totals.annual is not None
    text = window.bar.text
    assert text.startswith("Catalogue importé depuis catalogue.zip")
    assert "ne propose plus iA.Ideabox : cette ligne est retirée du brouillon ouvert" in text
    assert "Ce catalogue ne calcule plus Tournai (brouillon du " in text and "Namur (" not in text
    [keep] = window.bar.action_buttons()
    keep.click()
    assert [x.product for x in backend.get_offer(old.id).request.lines] == ["delib"]
    window.session.undo_stack.undo()  # nothing brings back a line the catalogue cannot price
    assert [x.product for x in window.session.draft.lines] == ["delib"]


def test_a_draft_deleted_after_it_opened_without_a_withdrawn_line_says_it_was_deleted(
    qtbot, window, backend, dialogs, db_path
):
    """The draft opened without iA.Ideabox is deleted from the offers list: the new empty
    draft says nothing of a line taken out of it. Before, the bar repeated « ne propose plus
    iA.Ideabox… Enregistrer ainsi » over « Brouillon supprimé »."""
    old, _grid = opened_without_ideabox(window, backend, db_path)
    assert "ne propose plus iA.Ideabox" in window.bar.text
    window.show_offers()
    offers = window.offers_list
    assert offers.select_offer(old.id)
    dialogs.script("confirm", True)
    offers.delete_selected()
    assert window.session.offer is None and window.session.withdrawn == ()
    assert window.bar.text == "Brouillon supprimé."


def test_a_draft_shown_without_a_withdrawn_line_is_finalised_once_stored_so(
    qtbot, window, backend, dialogs, next_year, db_path
):
    """Finaliser on the draft opened without iA.Ideabox says what to settle first, with the
    button that stores it as shown; then it is finalised on the grid in force. Before, the bar
    asked to re-price it on the tariff in force, which the editor already showed and which
    the re-pricing refused (a product withdrawn)."""
    backend.save_settings(backend.settings().with_changes(device_code="LAP1", seller_name="Anne Dupont"))
    old, code = opened_without_ideabox(window, backend, db_path, next_year)
    window.bar.dismiss()
    window.documents.finalise()
    assert window.bar.text.startswith(
        "À régler avant de finaliser ce brouillon. Le tarif en vigueur (iMio 2026) ne propose "
        "plus iA.Ideabox"
    )
    assert not window.session.finalising and backend.get_offer(old.id).is_draft
    [keep] = window.bar.action_buttons()
    keep.click()
    dialogs.script("confirm", True)
    window.documents.finalise()
    qtbot.waitUntil(lambda: window.session.read_only and not window.session.finalising, timeout=10_000)
    frozen = window.session.offer
    assert frozen.number and frozen.request.tariff == code
    assert [x.product for x in frozen.request.lines] == ["delib"]



@pytest.fixture
def new_year_s_eve(make_window, runner, db_path, next_year):
    """A window opened at 23:50 on 31 December 2026, next year's grid (« imio-2027 ») in force
    from 1 January; ``clock[0]`` is the time it reads, and ``now`` moves it."""
    from dataclasses import replace

    from desktop.store.catalogue_repo import load_tariff
    from desktop.store.database import open_database
    from desktop.ui.backend import Backend, load_startup_data

    next_year(code="imio-2027", valid_from=date(2027, 1, 1))
    clock = [datetime(2026, 12, 31, 22, 50, tzinfo=UTC)]
    data = load_startup_data(db_path)
    db = open_database(db_path, seed=False)
    try:
        data = replace(data, tariff=load_tariff(db, today=date(2026, 12, 31)))
    finally:
        db.close()
    backend = Backend.open(
        db_path, data, today=lambda: clock[0].astimezone().date(), now=lambda: clock[0]
    )
    window = make_window(backend)
    yield window, clock
    window.close()
    runner.wait_idle(5000)
    backend.close()


def test_a_window_left_open_over_new_year_s_eve_takes_the_grid_then_in_force(new_year_s_eve):
    """Next year's grid is imported in December, in force from 1 January. The window stays
    open past midnight with a draft in the editor: from then on it shows the draft on the new
    grid and says so, and the offers made after midnight follow it (on last year's grid, none
    of them could be finalised)."""
    window, clock = new_year_s_eve
    backend = window.backend
    old = saved_draft(backend, "nivelles", LineRequest("delib", {}))
    window.open_offer(old.id)
    window.follow_the_date()  # what the window's timer does: still 2026, nothing changes
    assert backend.tariff.code == old.request.tariff == "imio-2024"

    clock[0] = datetime(2027, 1, 1, 0, 10, tzinfo=UTC)
    window.follow_the_date()
    assert backend.tariff.code == "imio-2027"
    assert window.session.quote.tariff == "imio-2027"
    assert window.session.quote.totals.annual > old.quote.totals.annual  # the dearer grid
    assert window.bar.text.startswith("Ce brouillon a été calculé sur le tarif iMio 2024")
    assert [b.text() for b in window.bar.action_buttons()] == ["Voir les différences…"]
    assert "imio-2027" in window.data_status.text()
    after = saved_draft(backend, "tournai", LineRequest("gpec", {}))
    assert after.request.tariff == "imio-2027"
    assert backend.outdated_drafts().keys() == {old.id}


def test_the_new_grid_is_announced_when_no_draft_is_open(new_year_s_eve):
    window, clock = new_year_s_eve
    assert window.calendar_timer.isActive()  # calls follow_the_date every minute
    clock[0] = datetime(2027, 1, 1, 7, 30, tzinfo=UTC)
    window.follow_the_date()
    assert window.bar.text == (
        "Le tarif iMio 2027 est en vigueur depuis aujourd'hui : les nouvelles offres le suivent."
    )
    assert window.backend.tariff.code == "imio-2027"


def test_a_database_unplugged_at_the_minute_check_is_a_warning(new_year_s_eve, monkeypatch, caplog):
    """The key holding the database pulled out while the window is open: the check of the day's
    tariff says so once a minute as a warning, not as an error with its traceback."""
    import logging

    from desktop.core.errors import StorageError
    from desktop.store import catalogue_repo

    window, clock = new_year_s_eve

    def unplugged(*_args):
        raise StorageError("Impossible de lire les tarifs : disque introuvable.")

    monkeypatch.setattr(catalogue_repo, "active_tariff_code", unplugged)
    clock[0] = datetime(2027, 1, 1, 0, 10, tzinfo=UTC)
    with caplog.at_level(logging.WARNING):
        window.follow_the_date()
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "disque introuvable" in caplog.records[0].getMessage()
    assert window.backend.tariff.code == "imio-2024"
