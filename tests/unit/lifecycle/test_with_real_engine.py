"""The offer store with the real catalogue, directory and engine (seeded database)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from lifecycle_factories import FakeSettings, fake_pdf

from desktop.core.categories import derive_category
from desktop.core.offers import Offer
from desktop.core.pricing import build_quote
from desktop.core.quote import LineRequest, QuoteRequest

pytestmark = pytest.mark.slow


@pytest.fixture
def real(seeded_db_path: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    pytest.importorskip("desktop.store.members_repo")
    from desktop.store.database import open_database

    path = tmp_path / "c.sqlite3"
    src, dst = sqlite3.connect(seeded_db_path), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    db = open_database(path)
    yield db
    db.close()


def test_duplicate_for_another_member_is_priced_by_the_engine_for_its_category(real) -> None:  # type: ignore[no-untyped-def]
    from desktop.store.catalogue_repo import load_tariff
    from desktop.store.members_repo import MemberRepository
    from desktop.store.offers_repo import OfferRepository

    members = MemberRepository(real)
    tariff = load_tariff(real)
    nivelles = members.resolve("25072")
    small = next(
        m
        for m in members.all()
        if m.kind.value == "commune" and m.size is not None and m.size.value <= 5000
    )
    request = QuoteRequest(tariff.code, (LineRequest("delib", {}),))
    decision = derive_category(nivelles, tariff.categories, members.lookup)
    quote = build_quote(tariff, request, nivelles, decision)
    repo = OfferRepository(real, settings=FakeSettings)
    frozen = repo.finalise(
        repo.save_draft(Offer.new_draft(request, nivelles, decision, quote)).id, fake_pdf
    )
    snap = repo.snapshot(frozen.number or "")
    assert snap["tariff"]["code"] == tariff.code
    assert snap["tariff"]["valid_from"] == tariff.valid_from.isoformat()

    copy = repo.duplicate(frozen.number or "", small)
    expected_decision = derive_category(small, tariff.categories, members.lookup)
    assert copy.decision.category == expected_decision.category == "Cat 1"
    assert decision.category != copy.decision.category
    expected = build_quote(tariff, copy.request, small, expected_decision)
    assert copy.quote is not None
    assert [(x.product, x.one_time, x.annual) for x in copy.quote.lines] == [
        (x.product, x.one_time, x.annual) for x in expected.lines
    ]
    assert copy.quote.totals == expected.totals
    assert repo.get(frozen.number or "").quote == quote  # the source is untouched
