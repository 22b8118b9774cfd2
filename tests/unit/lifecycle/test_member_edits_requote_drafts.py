"""A member edited in the directory prices again the saved drafts it changes: the offers list
and the command line show the category the member has now, not the one of the day of saving."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from desktop.core.errors import NotFound
from desktop.core.quote import LineRequest
from desktop.ui.backend import Backend, Draft


@pytest.fixture
def backend(db_path: Path):
    b = Backend.open(db_path)
    yield b
    b.close()


def saved(backend: Backend, text: str):
    member = backend.index.search(text)[0]
    draft = Draft(member_id=member.id, lines=(LineRequest("delib", {}),))
    return backend.save_draft(None, draft, backend.quote(draft))


def test_a_commune_grown_a_category_moves_its_drafts_and_its_cpas_drafts(backend: Backend) -> None:
    commune, cpas, elsewhere = saved(backend, "tubize"), saved(backend, "cpas tubize"), saved(backend, "nivelles")
    assert commune.member.name == "Tubize" and cpas.member.kind.value == "cpas"
    assert commune.decision.category == cpas.decision.category == "Cat 5"

    tubize = backend.index.get(commune.member.id)
    grown = tubize.with_size_correction(41_000, date(2026, 1, 1), "registre", today=date(2026, 11, 22))
    backend.save_member(grown)

    listed = {o.id: o for o in backend.list_offers()}
    for before in (commune, cpas):
        stored = backend.offers.get(before.id)
        assert stored.decision.category == listed[before.id].category == "Cat 6"
        assert stored.quote.totals.annual > before.quote.totals.annual
        last = backend.offers.audit(before.id)[-1]
        assert last.description == "Nouveau calcul après une modification de l'annuaire — Tubize"
    untouched = backend.offers.get(elsewhere.id)
    assert untouched.updated == elsewhere.updated
    assert [e.action for e in backend.offers.audit(elsewhere.id)] == ["creation"]


def test_a_finalised_offer_does_not_follow_its_member(backend: Backend) -> None:
    backend.save_settings(replace(backend.stored_settings(), device_code="LAP1"))
    draft = saved(backend, "tubize")
    final = backend.offers.finalise(draft.id, lambda offer: b"%PDF-1.4 test")
    tubize = backend.index.get(draft.member.id)
    grown = tubize.with_size_correction(41_000, date(2026, 1, 1), "registre", today=date(2026, 11, 22))
    backend.save_member(grown)
    assert backend.offers.get(final.id).decision.category == "Cat 5"
    assert backend.offers.get(final.id).quote == final.quote


def test_a_draft_on_a_grid_the_database_lacks_leaves_the_list_whole(backend: Backend) -> None:
    """After importing an older catalogue, one draft on the newer grid emptied the offers list
    (« Tarif inconnu »): the list shows every offer, finalising that draft says what to import."""
    stranded, other = saved(backend, "tubize"), saved(backend, "nivelles")
    with backend.db.transaction() as conn:
        conn.execute("UPDATE offers SET tariff = 'imio-2030' WHERE id = ?", (stranded.id,))
    assert backend.offers.outdated_drafts() == []
    assert {o.id for o in backend.list_offers()} == {stranded.id, other.id}
    with pytest.raises(NotFound, match="Importez le catalogue du siège qui le contient"):
        backend.tariff_for("imio-2030")  # what opening or finalising it says


def test_a_revision_prices_the_member_as_it_is_now(backend: Backend) -> None:
    """The command line's revise copied the old category and prices, and finalize froze them
    again, while the window showed the new ones."""
    backend.save_settings(replace(backend.stored_settings(), device_code="LAP1"))
    final = backend.offers.finalise(saved(backend, "tubize").id, lambda offer: b"%PDF-1.4 test")
    tubize = backend.index.get(final.member.id)
    grown = tubize.with_size_correction(41_000, date(2026, 1, 1), "registre", today=date(2026, 11, 22))
    backend.save_member(grown)
    revision = backend.offers.revise(final.number)
    assert revision.decision.category == "Cat 6" and revision.member.size.value == 41_000
    assert revision.quote.totals.annual > final.quote.totals.annual
    assert backend.offers.diff(final.number, revision.id).category == ("Cat 5", "Cat 6")


def _grown_then_shrunk(backend: Backend, draft):  # type: ignore[no-untyped-def]
    """Tubize corrected to 41 000 inhabitants, then to 3 000: the CPAS ``draft`` follows each."""
    tubize = backend.index.search("tubize")[0]
    today = date(2026, 11, 22)
    backend.save_member(tubize.with_size_correction(41_000, date(2026, 1, 1), "registre", today=today))
    assert backend.offers.get(draft.id).decision.category == "Cat 6"
    shrunk = backend.index.get(tubize.id).with_size_correction(3_000, date(2026, 2, 1), "registre", today=today)
    backend.save_member(shrunk)
    assert backend.offers.get(draft.id).decision.category == "Cat 1"
    return tubize


def test_drafts_follow_every_edit_not_only_the_first(backend: Backend) -> None:
    """The directory was read once, at the first re-pricing: a second correction, or going back
    to the reference figure, left the drafts on the first one's category."""
    draft = saved(backend, "cpas tubize")
    tubize = _grown_then_shrunk(backend, draft)
    backend.save_member(backend.index.get(tubize.id).without_size_correction())
    assert backend.offers.get(draft.id).decision.category == "Cat 5"


def test_a_member_edit_prices_again_only_the_drafts_it_can_change(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every draft of the laptop was read and priced again at each member edit: after a year
    of drafts, saving an address froze the window for most of a second. Only the drafts of the
    member and of those that read it (its CPAS, its police zone) can change."""
    tubize = backend.index.search("tubize")[0]
    zone = next(m for m in backend.index if tubize.id in m.commune_ids)
    cpas = next(m for m in backend.index if m.commune_id == tubize.id)
    for text in ("nivelles", "namur", "cpas de liege", "tubize", "cpas tubize", zone.id):
        saved(backend, text)
    priced: list[str] = []
    pricer = backend.offers.pricer
    price = pricer.price
    monkeypatch.setattr(
        pricer, "price", lambda request, member: priced.append(member.id) or price(request, member)
    )
    grown = tubize.with_size_correction(41_000, date(2026, 1, 1), "registre", today=date(2026, 11, 22))
    backend.save_member(grown)
    assert sorted(priced) == sorted([tubize.id, cpas.id, zone.id])


def test_a_member_edit_prices_drafts_on_the_window_s_directory(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The drafts were priced on the whole directory read again from the database at each
    edit (a third of a second with a large directory): the window's own directory, which
    holds the member just saved, is the one to price them on."""
    from desktop.store.members_repo import MemberRepository

    draft = saved(backend, "cpas tubize")
    reads: list[int] = []
    load_all = MemberRepository._load_all
    monkeypatch.setattr(MemberRepository, "_load_all", lambda self: reads.append(1) or load_all(self))
    _grown_then_shrunk(backend, draft)
    assert reads == []


def _with_installed(member, *products: str):
    from desktop.core.members import InstalledProduct, InstallState

    return replace(member, installed=tuple(InstalledProduct(p, InstallState.PRODUCTION) for p in products))


def _cpas_discounted(offer) -> bool:
    line = next(li for li in offer.quote.lines if li.product == "delib")
    return line.discount is not None


def test_a_product_the_commune_no_longer_has_takes_the_discount_off_its_cpas_drafts(
    backend: Backend,
) -> None:
    """The CPAS's drafts kept the discount of a product their commune had put out of
    production: re-pricing added the directory's list to the one the draft was saved with,
    which held that product. The window, on opening the draft, took it off; the offers list,
    offers show and finalize from the command line did not."""
    tubize = backend.index.search("tubize")[0]
    backend.save_member(_with_installed(tubize, "delib"))
    draft = saved(backend, "cpas tubize")
    assert _cpas_discounted(draft)
    backend.save_member(_with_installed(backend.index.get(tubize.id)))
    stored = backend.offers.get(draft.id)
    assert not _cpas_discounted(stored)
    assert stored.quote.totals.annual > draft.quote.totals.annual
    as_the_window_prices_it = backend.quote(Draft(member_id=draft.member.id, lines=(LineRequest("delib", {}),)))
    assert as_the_window_prices_it.totals.annual == stored.quote.totals.annual


def test_what_was_declared_by_hand_for_the_commune_stays(backend: Backend) -> None:
    """Only what the commune put out of production leaves the draft's list: a product
    declared by hand (the command line's --commune-has) stays."""
    from desktop.store.offers_repo import _update_draft

    tubize = backend.index.search("tubize")[0]
    backend.save_member(_with_installed(tubize, "delib", "docs"))
    stored = backend.offers.get(saved(backend, "cpas tubize").id)
    declared = replace(stored, request=replace(stored.request, commune_has=stored.request.commune_has | {"aes"}))
    with backend.db.transaction() as conn:
        _update_draft(conn, declared)
    backend.save_member(_with_installed(backend.index.get(tubize.id), "docs"))
    assert backend.offers.get(stored.id).request.commune_has == {"docs", "aes"}


def test_a_draft_for_a_merged_commune_is_not_priced_again_for_its_former_communes(db_path: Path) -> None:
    """The upgrade that brings Bastogne's former communes changes none of its figures: its
    draft keeps its history, and the start says no draft was recalculated."""
    from desktop.store.database import open_database
    from tests.upgrades import before_former_communes

    backend = Backend.open(db_path)
    try:
        draft = saved(backend, "bastogne")
    finally:
        backend.close()
    before_former_communes(db_path)
    database = open_database(db_path)
    try:
        assert database.requoted is not None and not database.requoted.changed
    finally:
        database.close()
    backend = Backend.open(db_path)
    try:
        assert [e.action for e in backend.offers.audit(draft.id)] == ["creation"]
        assert backend.index.get("commune:82039").former_communes
    finally:
        backend.close()
