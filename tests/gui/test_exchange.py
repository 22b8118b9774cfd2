"""Offline teams from the Fichier menu: export offers (selection or since a date), import a
laptop's offers (report, conflicts never overwritten), import head office's catalogue (all or
nothing, screens reloaded). Files come from the scripted dialog service; work runs on a worker
while the status bar shows it."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import timedelta

import pytest

from desktop.core.quote import LineRequest
from desktop.ui.backend import Backend, Draft, load_startup_data


def fake_pdf(offer) -> bytes:
    return b"%PDF-1.4 essai " + offer.number.encode()


def prepare(backend, device="LAP1"):
    backend.save_settings(backend.settings().with_changes(device_code=device, seller_name="Anne Dupont"))


def finalised(backend, text, *products):
    member = backend.index.search(text)[0]
    draft = Draft(member_id=member.id, lines=tuple(LineRequest(p, {}) for p in products))
    saved = backend.save_draft(None, draft, backend.quote(draft))
    return backend.offers.finalise(saved.id, fake_pdf)


def saved_draft(backend, text, *products):
    member = backend.index.search(text)[0]
    draft = Draft(member_id=member.id, lines=tuple(LineRequest(p, {}) for p in products))
    return backend.save_draft(None, draft, backend.quote(draft))


@pytest.fixture
def laptop(other_db):
    """A laptop's database with its own Backend (the same classes as the app's)."""
    path = other_db("portable")
    b = Backend.open(path, load_startup_data(path))
    prepare(b)
    yield b
    b.close()


def wait_done(qtbot, window):
    qtbot.waitUntil(lambda: not window.exchange.running, timeout=15_000)


def import_edited_catalogue(qtbot, window, dialogs, tmp_path, tamper, table, key, column, value):
    """Head office edits one cell of this very catalogue; the window imports it (« Importer
    le catalogue… », confirmed) and the test waits for the end."""
    from desktop.store.bundles import export_catalogue

    exported = tmp_path / "catalogue.zip"
    export_catalogue(window.backend.db, exported)
    edited = tmp_path / "catalogue-modifie.zip"
    tamper(exported, edited, table, key, column, value)
    dialogs.script("open_file", str(edited))
    dialogs.script("confirm", True)
    window.import_catalogue_action.trigger()
    wait_done(qtbot, window)


def annual_cell(backend, member):
    """The T1 (iA.Délib) annual cell of the member's category."""
    category = backend.decision(member).category
    return {"tariff": "imio-2024", "price_table": "T1", "key": category, "column_name": "annual"}


def numbers_in(path):
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("manifest.json"))["offers"]


# --- export ---------------------------------------------------------------------------------


def test_export_the_offers_selected_in_the_list(qtbot, window, backend, dialogs, tmp_path):
    prepare(backend)
    a = finalised(backend, "nivelles", "delib")
    b = finalised(backend, "tournai", "gpec")
    finalised(backend, "namur", "delib")
    draft = saved_draft(backend, "liège", "delib")
    window.show_offers()
    offers = window.offers_list
    offers.select_offer(a.id)
    for offer in (b, draft):  # add to the selection, as Ctrl+click does
        index = offers.model.index(offers.model.row_of(offer.id), 0)
        offers.table.selectionModel().select(index, offers.table.selectionModel().SelectionFlag.Select
                                             | offers.table.selectionModel().SelectionFlag.Rows)
    assert offers.export_action.isEnabled()
    offers.export_action.trigger()  # the table's context menu entry
    form = window.exchange.form
    assert form.isVisible() and form.use_selection.isChecked()
    assert "2 finalisées, 1 brouillon qui ne part pas" in form.use_selection.text()
    out = tmp_path / "lot.zip"
    dialogs.script("save_file", str(out))
    form.ok_button.click()
    assert not form.isVisible()
    assert window.exchange.busy.isVisible()  # shown until the worker's result is delivered
    assert not window.export_offers_action.isEnabled()
    wait_done(qtbot, window)
    assert not window.exchange.busy.isVisible() and window.export_offers_action.isEnabled()
    assert sorted(numbers_in(out)) == sorted([a.number, b.number])
    assert "2 offres exportées" in window.bar.text and "1 brouillon non exporté" in window.bar.text


def test_export_from_the_offer_s_tab_ignores_a_row_selected_in_the_hidden_list(qtbot, window, backend, dialogs):
    """Fichier > Exporter from the offer being edited said « aucune n'est finalisée » of a
    draft selected earlier in the offers list, out of sight."""
    prepare(backend)
    finalised(backend, "nivelles", "delib")
    draft = saved_draft(backend, "liège", "delib")
    window.show_offers()
    window.offers_list.select_offer(draft.id)
    window.export_offers_action.trigger()  # the list shown: its selection, said as such
    assert "aucune n'est finalisée" in window.exchange.form.use_selection.text()
    window.exchange.form.discard()
    window.tabs.setCurrentWidget(window.editor)
    window.export_offers_action.trigger()
    form = window.exchange.form
    assert "aucune sélection" in form.use_selection.text() and form.use_since.isChecked()


def test_export_since_a_date_typed_in_french(qtbot, window, backend, dialogs, tmp_path):
    prepare(backend)
    a = finalised(backend, "nivelles", "delib")
    window.export_offers_action.trigger()  # Fichier > Exporter des offres… (no list opened yet)
    form = window.exchange.form
    assert form.use_since.isChecked() and not form.use_selection.isEnabled()
    form.since.setText("32/01/2026")
    form.ok_button.click()
    assert "n'existe pas" in form.errors.message("since")
    form.since.setText("hier")
    form.ok_button.click()
    assert "JJ/MM/AAAA" in form.errors.message("since")
    form.since.setText(f"{backend.today() + timedelta(days=2):%d/%m/%Y}")
    form.ok_button.click()
    assert "dans le futur" in form.errors.message("since")
    assert dialogs.asked == []  # no file asked while the form is wrong
    form.since.setText(f"{backend.today() - timedelta(days=1):%d/%m/%Y}")
    dialogs.script("save_file", None)  # file choice cancelled: the form stays, nothing written
    form.ok_button.click()
    assert form.isVisible() and not window.exchange.running
    out = tmp_path / "depuis"
    dialogs.script("save_file", str(out))
    form.ok_button.click()
    wait_done(qtbot, window)
    assert numbers_in(out.with_suffix(".zip")) == [a.number]


def test_an_export_named_with_a_date_is_a_zip_the_import_lists(qtbot, window, backend, dialogs, tmp_path):
    """« offres du 22.11.2026 » was written as typed, its « .2026 » taken for a suffix: a file
    Windows opens with nothing, and that the import's « Lots Comptoir (*.zip) » does not list."""
    prepare(backend)
    a = finalised(backend, "nivelles", "delib")
    window.export_offers_action.trigger()
    dialogs.script("save_file", str(tmp_path / "offres du 22.11.2026"))
    window.exchange.form.ok_button.click()
    wait_done(qtbot, window)
    assert [p.name for p in tmp_path.glob("offres*")] == ["offres du 22.11.2026.zip"]
    assert numbers_in(tmp_path / "offres du 22.11.2026.zip") == [a.number]


def test_export_failure_is_said_in_french(qtbot, window, backend, dialogs, tmp_path):
    prepare(backend)
    finalised(backend, "nivelles", "delib")
    window.export_offers_action.trigger()
    dialogs.script("save_file", str(tmp_path / "nulle" / "part.zip"))
    window.exchange.form.ok_button.click()
    wait_done(qtbot, window)
    assert window.bar.text.startswith("Export impossible :") and "n'existe pas" in window.bar.text


# --- import of offers -----------------------------------------------------------------------


def test_import_reports_imported_identical_and_conflicts_never_overwritten(
    qtbot, window, backend, dialogs, laptop, tmp_path
):
    from desktop.store.bundles import export_offers

    # head office (the window) and a laptop both used device code LAP1: numbers collide
    prepare(backend)
    ours = finalised(backend, "tournai", "gpec")
    first = finalised(laptop, "nivelles", "delib")
    second = finalised(laptop, "namur", "delib")
    assert first.number == ours.number
    bundle = tmp_path / "portable.zip"
    export_offers(laptop.offers, bundle)

    dialogs.script("open_file", str(bundle))
    window.import_offers_action.trigger()
    assert window.exchange.busy.isVisible()
    wait_done(qtbot, window)
    report = window.exchange.report
    assert report is not None and report.isVisible()
    text = report.text
    assert "Offres importées : 1" in text and second.number in text
    assert "Conflits : 1" in text and f"{ours.number} :" in text
    assert "n'a pas été modifiée" in text
    assert "conflit" in window.bar.text and "rien n'a été écrasé" in window.bar.text
    assert backend.get_offer(ours.number).member.name == "Tournai"  # ours, untouched
    assert backend.offers.pdf(ours.number) == fake_pdf(ours)
    assert backend.get_offer(second.number).member.name == "Namur"

    report.close()
    dialogs.script("open_file", str(bundle))  # the same bundle again: nothing changes
    window.import_offers_action.trigger()
    wait_done(qtbot, window)
    text = window.exchange.report.text
    assert "Offres importées : 0" in text and "Déjà présentes et identiques : 1" in text
    assert "Conflits : 1" in text
    window.exchange.report.close()


def test_a_foreign_file_is_refused_and_nothing_changes(qtbot, window, backend, dialogs, tmp_path):
    junk = tmp_path / "photo.zip"
    junk.write_bytes(b"pas une archive")
    before = len(backend.list_offers())
    dialogs.script("open_file", str(junk))
    window.import_offers_action.trigger()
    wait_done(qtbot, window)
    assert window.bar.text.startswith("Lot non importé :")
    assert "n'est pas un lot Comptoir" in window.bar.text and "Aucune offre n'a changé" in window.bar.text
    assert len(backend.list_offers()) == before
    assert window.exchange.report is None


# --- import of the catalogue ----------------------------------------------------------------


@pytest.fixture
def head_office_catalogue(other_db, next_year, tmp_path):
    """Head office publishes a new grid (in force today, prices + 10 %), exports the catalogue."""
    from desktop.store.bundles import export_catalogue
    from desktop.store.database import open_database

    path = other_db("siege")
    next_year(path)
    db = open_database(path)
    try:
        out = tmp_path / "catalogue.zip"
        export_catalogue(db, out, device="SIEGE")
    finally:
        db.close()
    return out


def tariffs_in(db_path):
    conn = sqlite3.connect(db_path)
    try:
        return sorted(r[0] for r in conn.execute("SELECT code FROM tariff"))
    finally:
        conn.close()


def test_catalogue_import_reloads_the_screens(qtbot, window, backend, dialogs, head_office_catalogue, db_path):
    member = backend.index.search("nivelles")[0]
    window.members.show_member(member.id)
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    before = window.session.quote.totals.annual
    assert backend.tariff.code == "imio-2024"

    dialogs.script("open_file", str(head_office_catalogue))
    dialogs.script("confirm", True)
    window.import_catalogue_action.trigger()
    assert "Conservés : vos offres" in dialogs.texts[-1]  # what is kept is said before
    assert "Remplacées par celles du siège" in dialogs.texts[-1]
    assert window.exchange.busy.isVisible()
    wait_done(qtbot, window)
    assert backend.tariff.code == "imio-2026" and tariffs_in(db_path) == ["imio-2024", "imio-2026"]
    assert window.editor.catalogue.model._tariff is backend.tariff
    assert window.editor.lines_model._tariff is backend.tariff
    assert window.session.quote.totals.annual > before  # the open offer shows the new grid
    assert window.members.card.member.id == member.id
    assert "Catalogue importé" in window.bar.text
    # the test grid raised every price by 10 % and kept the days: the rule is off, and said
    assert "À vérifier avec le siège, mise en place hors règle : tarif imio-2026, tableau" in window.bar.text
    assert window.bar.level.value == "warning"
    assert backend.tariff.title in window.data_status.text()
    # what the screens show is what the database holds, and it survives a restart
    assert load_startup_data(db_path).tariff.code == "imio-2026"


def test_catalogue_import_cancelled_or_refused_changes_nothing(qtbot, window, backend, dialogs, tmp_path, db_path):
    dialogs.script("open_file", str(tmp_path / "rien.zip"))
    dialogs.script("confirm", False)
    window.import_catalogue_action.trigger()
    assert not window.exchange.running

    # an offers bundle given as a catalogue: refused with what to do instead
    prepare(backend)
    finalised(backend, "nivelles", "delib")
    from desktop.store.bundles import export_offers

    offers_bundle = tmp_path / "offres.zip"
    export_offers(backend.offers, offers_bundle)
    tariff = backend.tariff
    dialogs.script("open_file", str(offers_bundle))
    dialogs.script("confirm", True)
    window.import_catalogue_action.trigger()
    wait_done(qtbot, window)
    text = window.bar.text
    assert text.startswith("Catalogue non importé :") and "Importer des offres" in text
    assert "n'ont pas changé" in text
    assert backend.tariff is tariff and tariffs_in(db_path) == ["imio-2024"]


def test_a_catalogue_with_an_impossible_price_is_refused_by_name(
    qtbot, window, backend, dialogs, tmp_path, db_path, tamper
):
    from desktop.store.bundles import export_catalogue

    exported = tmp_path / "catalogue.zip"
    export_catalogue(backend.db, exported)
    tampered = tmp_path / "trafique.zip"
    tamper(exported, tampered, "price_cell", 0, "amount", "NaN")  # T1, Cat 1, annual
    tariff = backend.tariff

    dialogs.script("open_file", str(tampered))
    dialogs.script("confirm", True)
    window.import_catalogue_action.trigger()
    wait_done(qtbot, window)

    text = window.bar.text
    assert text.startswith("Catalogue non importé :")
    assert "tableau T1, ligne « Cat 1 », colonne annual : « NaN » n'est pas un nombre" in text
    assert text.count("Rien n'a été") == 1 and text.endswith("n'ont pas changé.")
    assert backend.tariff is tariff and tariffs_in(db_path) == ["imio-2024"]


def test_an_open_draft_repriced_by_a_catalogue_import_is_finalised_as_shown(
    qtbot, window, backend, dialogs, tmp_path, tamper
):
    """Head office changed a price of the grid in force: the editor shows the new amount, and
    the frozen offer must say the same, not the amount stored before the import."""

    prepare(backend)
    member = backend.index.search("nivelles")[0]
    window.members.show_member(member.id)
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    assert window.session.save_now()
    before = window.session.quote.totals.annual
    cell = annual_cell(backend, member)
    new_price = str(int(before) + 100)
    import_edited_catalogue(qtbot, window, dialogs, tmp_path, tamper, "price_cell", cell, "amount", new_price)
    shown = window.session.quote.totals.annual
    assert shown == before + 100
    assert "L'offre ouverte est recalculée sur ce catalogue" in window.bar.text  # said, not only shown
    assert "brouillon enregistré est recalculé" not in window.bar.text  # (it is the open one)
    assert backend.get_offer(window.session.offer.id).quote.totals.annual == shown  # stored too

    dialogs.script("confirm", True)
    window.finalise_action.trigger()
    qtbot.waitUntil(lambda: "finalisée" in window.bar.text, timeout=20_000)
    frozen = window.session.offer
    assert frozen.number and frozen.quote.totals.annual == shown


def test_the_bar_says_what_a_second_bundle_from_a_laptop_changed(
    qtbot, window, backend, dialogs, laptop, tmp_path
):
    """The next evening's bundle carries yesterday's offers again, one of them accepted since:
    the bar names the update and the unchanged ones, not only « 0 offre ajoutée »."""
    from desktop.core.offers import OfferState
    from desktop.store.bundles import export_offers

    prepare(backend, "SIEGE")
    sent = finalised(laptop, "nivelles", "delib")
    kept = finalised(laptop, "namur", "delib")
    laptop.offers.set_state(sent.number, OfferState.ENVOYEE)
    monday, tuesday = tmp_path / "lundi.zip", tmp_path / "mardi.zip"
    export_offers(laptop.offers, monday)
    laptop.offers.set_state(sent.number, OfferState.ACCEPTEE)
    export_offers(laptop.offers, tuesday)

    dialogs.script("open_file", str(monday))
    window.import_offers_action.trigger()
    wait_done(qtbot, window)
    window.exchange.report.close()
    dialogs.script("open_file", str(tuesday))
    window.import_offers_action.trigger()
    wait_done(qtbot, window)
    assert backend.get_offer(sent.number).state is OfferState.ACCEPTEE
    assert backend.get_offer(kept.number).state is OfferState.FINALISEE
    text = window.bar.text
    assert "0 offre ajoutée, 1 mise à jour, 1 déjà présente et inchangée" in text
    window.exchange.report.close()


def test_the_bar_counts_the_other_drafts_a_catalogue_import_priced_again(
    qtbot, window, backend, dialogs, tmp_path, tamper
):
    """Drafts not on screen are stored with the new figures: the offers list shows what they
    would print, and the bar says how many changed."""
    from desktop.core.quote import LineRequest
    from desktop.ui.backend import Draft

    member = backend.index.search("nivelles")[0]
    drafts = []
    for _ in range(2):
        draft = Draft(member_id=member.id, lines=(LineRequest("delib", {}),))
        drafts.append(backend.save_draft(None, draft, backend.quote(draft)))
    before = drafts[0].quote.totals.annual
    cell = annual_cell(backend, member)
    new_price = str(int(before) + 100)
    import_edited_catalogue(qtbot, window, dialogs, tmp_path, tamper, "price_cell", cell, "amount", new_price)
    assert "2 brouillons enregistrés sont recalculés sur ce catalogue." in window.bar.text
    window.show_offers()
    offers = window.offers_list
    assert {offers.model.offer(r).annual for r in range(offers.model.rowCount())} == {before + 100}


def test_a_draft_the_imported_catalogue_cannot_price_is_named_in_a_warning(
    qtbot, window, backend, dialogs, tmp_path, tamper
):
    from decimal import Decimal

    from desktop.core.quote import LineRequest
    from desktop.ui.backend import Draft

    member = backend.index.search("nivelles")[0]
    draft = Draft(member_id=member.id, lines=(LineRequest("aes", {"schools": Decimal(9)}),))
    saved = backend.save_draft(None, draft, backend.quote(draft))
    key = {"tariff": "imio-2024", "product": "aes", "key": "schools"}
    import_edited_catalogue(qtbot, window, dialogs, tmp_path, tamper, "parameter", key, "maximum", "5")
    assert window.bar.level.value == "warning"
    assert (
        f"Ce catalogue ne calcule plus Nivelles ({saved.label.lower()}) : ouvrez-le pour voir ce qui "
        "manque." in window.bar.text
    )
    assert backend.get_offer(saved.id).quote == saved.quote  # kept as it was


def test_a_laptop_behind_head_office_s_numbers_is_told_and_continues_after_them(
    qtbot, window, backend, dialogs, tmp_path
):
    """Rebuilt from an older backup, this laptop last gave 0001; head office already holds its
    0042. The bar says so, and the next offer is 0043."""
    from datetime import date

    from forged import resign_manifest

    from desktop.store.bundles import NUMBERS_FILE, export_catalogue

    prepare(backend)
    first = finalised(backend, "nivelles", "delib")
    year = date.today().year
    exported = tmp_path / "catalogue.zip"
    export_catalogue(backend.db, exported)
    with zipfile.ZipFile(exported) as z:
        files = {n: z.read(n) for n in z.namelist()}
    assert json.loads(files[NUMBERS_FILE]) == {"LAP1": {str(year): 1}}  # what this base holds
    files[NUMBERS_FILE] = json.dumps({"LAP1": {str(year): 42}}).encode()  # head office's view
    resign_manifest(files)
    from_head_office = tmp_path / "catalogue-siege.zip"
    with zipfile.ZipFile(from_head_office, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)

    dialogs.script("open_file", str(from_head_office))
    dialogs.script("confirm", True)
    window.import_catalogue_action.trigger()
    wait_done(qtbot, window)
    assert window.bar.level.value == "warning"
    assert f"jusqu'au numéro OFF-{year}-LAP1-0042, absentes de cette base" in window.bar.text
    assert first.number == f"OFF-{year}-LAP1-0001"
    assert finalised(backend, "tournai", "delib").number == f"OFF-{year}-LAP1-0043"


def test_an_offer_for_a_member_created_on_a_laptop_keeps_its_member_at_head_office(
    qtbot, window, backend, dialogs, laptop, tmp_path
):
    """Head office's directory does not have the intercommunale a laptop created: its offer,
    opened, showed « Nouvelle offre — choisissez un membre », and its copy had no price and
    was saved without its member at the first edit."""
    from desktop.core.members import MemberKind
    from desktop.store.bundles import export_offers

    created = laptop.create_member(
        kind=MemberKind.INTERCOMMUNALE, name="IDEFIN", size=80, source="rapport annuel 2025"
    )
    draft = Draft(member_id=created.id, lines=(LineRequest("delib", {}),))
    frozen = laptop.offers.finalise(laptop.save_draft(None, draft, laptop.quote(draft)).id, fake_pdf)
    bundle = tmp_path / "portable.zip"
    export_offers(laptop.offers, bundle)
    dialogs.script("open_file", str(bundle))
    window.import_offers_action.trigger()
    wait_done(qtbot, window)
    window.exchange.report.close()
    assert backend.index.get(created.id) is None  # head office's directory has no such member

    window.members.show_member(backend.index.search("namur")[0].id)
    window.open_offer(frozen.number)
    assert window.members.card.member is None  # not Namur's « Catégorie 7 » beside IDEFIN's offer
    header = window.editor.header.text()
    assert "IDEFIN" in header and "catégorie\xa04" in header and "choisissez un membre" not in header
    assert window.windowTitle().startswith("IDEFIN")

    window.show_offers()
    window.offers_list.duplicate_selected(None, frozen.id)
    copy = window.session.offer
    assert copy.is_draft and copy.member.name == "IDEFIN"
    assert window.session.quote is not None and window.session.quote.totals.annual == frozen.quote.totals.annual
    window.editor.add_product("gpec")
    assert window.session.save_now()
    stored = backend.get_offer(copy.id)
    assert stored.member is not None and stored.member.id == created.id
    assert stored.decision.category == "Cat 4"
    assert [line.product for line in stored.request.lines] == ["delib", "gpec"]


def test_a_member_created_here_that_head_office_s_catalogue_also_has_is_named_in_the_bar(
    qtbot, window, backend, dialogs, other_db, tmp_path
):
    from desktop.core.members import MemberKind
    from desktop.store.bundles import export_catalogue
    from desktop.store.database import open_database
    from desktop.store.members_repo import MemberRepository

    backend.create_member(kind=MemberKind.INTERCOMMUNALE, name="IDEFIN", size=80, source="rapport 2025")
    head_office = open_database(other_db("siege"))
    try:
        MemberRepository(head_office).create("intercommunale", "Idefin", size=120, source="siège")
        export_catalogue(head_office, tmp_path / "catalogue.zip", device="SIEGE")
    finally:
        head_office.close()
    dialogs.script("open_file", str(tmp_path / "catalogue.zip"))
    dialogs.script("confirm", True)
    window.import_catalogue_action.trigger()
    wait_done(qtbot, window)
    assert len(backend.index.named("idefin")) == 2  # both kept
    assert "sous un nom que l'annuaire du siège porte aussi" in window.bar.text
    assert ": IDEFIN." in window.bar.text
