"""A catalogue import prices the stored drafts again: the offers list shows what they would
print, a draft the new catalogue cannot price keeps what it had, finalised offers never move."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.core.offers import OfferState
from desktop.core.quote import LineRequest
from desktop.store.bundles import export_catalogue, import_catalogue
from desktop.ui.backend import Backend, Draft


@pytest.fixture
def backend(db_path: Path):
    b = Backend.open(db_path)
    yield b
    b.close()


def saved(backend: Backend, text: str, *lines: LineRequest):
    member = backend.index.search(text)[0]
    draft = Draft(member_id=member.id, lines=tuple(lines))
    return backend.save_draft(None, draft, backend.quote(draft))


def head_office_bundle(backend: Backend, tmp_path: Path, tamper, *edits) -> Path:
    """The catalogue as it is, with ``edits`` (table, row, column, value) made by head office."""
    path = tmp_path / "catalogue.zip"
    export_catalogue(backend.db, path)
    for i, (table, row, column, value) in enumerate(edits):
        edited = tmp_path / f"catalogue-{i}.zip"
        tamper(path, edited, table, row, column, value)
        path = edited
    return path


def annual_cell(backend: Backend, member_text: str) -> dict:
    category = backend.decision(backend.index.search(member_text)[0]).category
    return {"tariff": "imio-2024", "price_table": "T1", "key": category, "column_name": "annual"}


def annual_raised(backend: Backend, tmp_path: Path, tamper, member_text: str, to) -> Path:  # type: ignore[no-untyped-def]
    """The catalogue with the iA.Délib annual price of the member's category set to ``to``."""
    cell = annual_cell(backend, member_text)
    return head_office_bundle(backend, tmp_path, tamper, ("price_cell", cell, "amount", str(int(to))))


def test_drafts_whose_price_changed_are_stored_again_with_a_line_in_their_history(
    backend: Backend, tmp_path: Path, tamper
) -> None:
    nivelles = saved(backend, "nivelles", LineRequest("delib", {}))
    tournai = saved(backend, "tournai", LineRequest("gpec", {}))  # iA.GPEC: no T1 cell
    before = nivelles.quote.totals.annual
    bundle = annual_raised(backend, tmp_path, tamper, "nivelles", to=before + 100)

    report = import_catalogue(backend.db, bundle)

    assert report.drafts_requoted == (f"Nivelles ({nivelles.label.lower()})",)
    assert report.drafts_unpriced == ()
    assert any(
        line.startswith("Brouillons recalculés sur ce catalogue (1) : Nivelles")
        for line in report.lines()
    )
    stored = backend.offers.get(nivelles.id)
    assert stored.quote.totals.annual == before + 100
    listed = {o.id: o for o in backend.list_offers()}
    assert listed[nivelles.id].annual == before + 100  # what the offers list shows
    history = backend.offers.audit(nivelles.id)
    assert (history[-1].action, history[-1].why) == ("recalcul", "catalogue-0.zip")
    assert history[-1].description == "Nouveau calcul sur le catalogue importé — catalogue-0.zip"
    untouched = backend.offers.get(tournai.id)
    assert untouched.updated == tournai.updated  # nothing changed for it: not rewritten
    assert [e.action for e in backend.offers.audit(tournai.id)] == ["creation"]


def test_a_category_changed_by_the_directory_is_followed(
    backend: Backend, tmp_path: Path, tamper
) -> None:
    """Head office corrected a population: the draft's member, category and prices follow."""
    member = backend.index.search("nivelles")[0]
    draft = saved(backend, "nivelles", LineRequest("delib", {}))
    bundle = head_office_bundle(
        backend, tmp_path, tamper, ("member", {"id": member.id}, "ref_size", 1500)
    )

    report = import_catalogue(backend.db, bundle)

    assert len(report.drafts_requoted) == 1
    stored = backend.offers.get(draft.id)
    assert stored.member.reference_size.value == 1500
    assert stored.decision.category == "Cat 1" != draft.decision.category
    assert stored.quote.totals.annual < draft.quote.totals.annual


def test_a_draft_the_new_catalogue_cannot_price_keeps_what_it_had(
    backend: Backend, tmp_path: Path, tamper
) -> None:
    draft = saved(backend, "nivelles", LineRequest("aes", {"schools": Decimal(9)}))
    key = {"tariff": "imio-2024", "product": "aes", "key": "schools"}
    bundle = head_office_bundle(backend, tmp_path, tamper, ("parameter", key, "maximum", "5"))

    report = import_catalogue(backend.db, bundle)

    assert report.drafts_requoted == ()
    assert report.drafts_unpriced == (f"Nivelles ({draft.label.lower()})",)
    assert report.drafts_unpriced_ids == (draft.id,)
    assert any("ne calcule plus" in line and "Nivelles" in line for line in report.lines())
    stored = backend.offers.get(draft.id)
    assert stored.quote == draft.quote and stored.updated == draft.updated


def test_finalised_offers_keep_their_frozen_prices(
    backend: Backend, tmp_path: Path, tamper
) -> None:
    from dataclasses import replace as changed

    backend.save_settings(
        changed(backend.settings(), device_code="LAP1", seller_name="Test", seller_initials="TT")
    )
    draft = saved(backend, "nivelles", LineRequest("delib", {}))
    final = backend.offers.finalise(draft.id, lambda offer: b"%PDF-1.4 test")
    before = final.quote.totals.annual
    bundle = annual_raised(backend, tmp_path, tamper, "nivelles", to=before + 100)

    report = import_catalogue(backend.db, bundle)

    assert report.drafts_requoted == ()
    frozen = backend.offers.get(final.number)
    assert frozen.state is OfferState.FINALISEE and frozen.quote.totals.annual == before


def test_a_product_head_office_says_the_commune_no_longer_has_takes_the_cpas_discount_off(
    backend: Backend, tmp_path: Path, tamper
) -> None:
    """Head office's directory has Tubize's iA.Délib back on order, not in production: the
    CPAS's saved draft kept its discount, the list of what the commune has it was saved with
    still holding iA.Délib."""
    from dataclasses import replace

    from desktop.core.members import InstalledProduct, InstallState

    tubize = backend.index.search("tubize")[0]
    backend.save_member(replace(tubize, installed=(InstalledProduct("delib", InstallState.PRODUCTION),)))
    draft = saved(backend, "cpas tubize", LineRequest("delib", {}))
    assert draft.quote.lines[0].discount is not None
    bundle = head_office_bundle(
        backend, tmp_path, tamper,
        ("installed_product", {"member_id": tubize.id, "product": "delib"}, "state", "commande"),
    )

    import_catalogue(backend.db, bundle)

    stored = backend.offers.get(draft.id)
    assert stored.quote.lines[0].discount is None
    assert "delib" not in stored.request.commune_has


def test_seed_files_an_update_corrects_price_the_drafts_again(tmp_path: Path) -> None:
    from desktop.store.database import open_database
    from desktop.store.offers_repo import OfferRepository

    seeds = tmp_path / "db"
    shutil.copytree(Path(__file__).resolve().parents[3] / "db", seeds)
    path = tmp_path / "comptoir.sqlite3"
    open_database(path, seed_dir=seeds).close()
    backend = Backend.open(path)  # the same seed files: nothing seeded again
    try:
        nivelles = saved(backend, "nivelles", LineRequest("delib", {}))
    finally:
        backend.close()
    assert nivelles.quote.totals.annual == 8927  # Cat 5
    prices = seeds / "tariffs" / "imio-2024" / "price_tables.csv"
    text = prices.read_text(encoding="utf-8")
    prices.write_text(text.replace("T1,Cat 5,8927,", "T1,Cat 5,8930,"), encoding="utf-8")
    db = open_database(path, seed_dir=seeds)  # a new version's seed files
    try:
        offers = OfferRepository(db)
        assert offers.get(nivelles.id).quote.totals.annual == 8930
        history = offers.audit(nivelles.id)
        assert history[-1].action == "recalcul-donnees"
        assert history[-1].description.startswith("Nouveau calcul sur le catalogue")
    finally:
        db.close()
