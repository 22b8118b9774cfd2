"""Acceptance: the worked examples of SEED_ANALYSIS.md 2.7 on the REAL seeded catalogue and directory.

Uses the session database seeded by the store (``seeded_db_path``), so it checks the seed data,
the loader and the engine together. Police and rescue zones are checked on the real reference
directory: each police zone takes the category of its most populous commune, each CPAS that of
its commune, each rescue zone the category of its own population on its own scale.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from desktop.core.categories import CategoryDecision, category_for_size, derive_category
from desktop.core.members import Member, MemberKind
from desktop.core.pricing import build_quote, parse_params
from desktop.core.quote import LineRequest, LineStatus, Quote, QuoteRequest

D = Decimal
K = MemberKind


@pytest.fixture(scope="module")
def db(seeded_db_path: Path) -> Iterator[Any]:
    from desktop.store.database import open_database

    database = open_database(seeded_db_path)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture(scope="module")
def tariff(db: Any) -> Any:
    from desktop.store.catalogue_repo import load_tariff

    return load_tariff(db)


@pytest.fixture(scope="module")
def members(db: Any) -> Any:
    try:
        from desktop.store.members_repo import MemberRepository
    except ModuleNotFoundError as error:  # pragma: no cover - until the store lands
        pytest.skip(f"magasin incomplet : {error.name}")
    return MemberRepository(db)


def run(
    tariff: Any,
    kind: MemberKind,
    n: int | None,
    *lines: tuple[str, dict[str, str]] | str,
    commune_has: frozenset[str] = frozenset(),
) -> Quote:
    rules = tariff.categories
    decision = (
        category_for_size(kind, rules, agents=n)
        if kind.counts_agents
        else category_for_size(kind, rules, inhabitants=n)
    )
    reqs = []
    for spec in lines:
        name, raw = (spec, {}) if isinstance(spec, str) else spec
        p = tariff.resolve_product(name)
        reqs.append(LineRequest(p.code, parse_params(p, raw)))
    req = QuoteRequest(tariff.code, tuple(reqs), years=2, indexation=D(0), commune_has=commune_has)
    return build_quote(tariff, req, None, decision, kind=kind, size=n)


def test_1_commune_12500_delib(tariff: Any) -> None:
    q = run(tariff, K.COMMUNE, 12500, "delib")
    assert q.decision.category == "Cat 3"
    ln = q.lines[0]
    assert (ln.annual, ln.one_time, ln.setup_days) == (D(5344), D(2718), D(3))
    assert q.totals.years == (D(8062), D(5344))
    assert not q.totals.partial


def test_2_cpas_when_the_commune_has_delib(tariff: Any) -> None:
    q = run(
        tariff,
        K.CPAS,
        12500,
        "iA.Délib",
        commune_has=frozenset({tariff.resolve_product("delib").code}),
    )
    ln = q.lines[0]
    assert (ln.annual, ln.one_time, ln.discount) == (D(2672), D(2718), D(2672))
    assert q.totals.year1 == D(5390)
    assert any(t == d.term for d in tariff.discounts for t in q.terms)


def test_3_aes_cat4_nine_schools(tariff: Any) -> None:
    q = run(tariff, K.COMMUNE, 18000, ("aes", {"schools": "9"}))
    ln = q.lines[0]
    assert ln.one_time == D(5436) and ln.setup_days == D(6)
    assert ln.annual == D(5973 + 2718)  # hosting + support, billed every year
    assert q.totals.year1 == D(5973 + 5436 + 2718)
    more = run(tariff, K.COMMUNE, 18000, ("aes", {"schools": "9", "plans": "4"})).lines[0]
    assert more.status is LineStatus.SUR_DEVIS and more.annual == D(5973)


def test_4_police_zone_largest_commune_18200(tariff: Any) -> None:
    q = run(tariff, K.ZONE_DE_POLICE, 18200, "delib")
    assert q.decision.category == "Cat 4"
    assert (q.lines[0].annual, q.lines[0].one_time) == (D(6397), D(3624))


def test_5_rescue_zone_of_exactly_100000(tariff: Any) -> None:
    q = run(tariff, K.ZONE_DE_SECOURS, 100000, "delib")
    assert q.decision.category == "Cat 3"
    assert q.lines[0].annual == D(5344)


def test_6_intercommunale_120_agents_urban(tariff: Any) -> None:
    q = run(tariff, K.INTERCOMMUNALE, 120, "urban")
    assert q.decision.category == "Cat 5"
    ln = q.lines[0]
    assert (ln.annual, ln.one_time, ln.setup_days) == (D(8895), D(13590), D(15))


def test_7_tech_cat5(tariff: Any) -> None:
    ln = run(tariff, K.COMMUNE, 30000, "tech").lines[0]
    assert (ln.annual, ln.one_time, ln.setup_days) == (D(15024), D(31022), D(15))
    assert any("15" in n for n in ln.notes)
    extra = run(tariff, K.COMMUNE, 30000, ("tech", {"users": "2"})).lines[0]
    assert extra.status is LineStatus.SUR_DEVIS
    assert extra.annual == D(15024)
    assert any("180" in n for n in extra.notes)


def test_8_citizen_cat6_partial(tariff: Any) -> None:
    q = run(tariff, K.COMMUNE, 60000, "citizen")
    ln = q.lines[0]
    assert ln.annual == D(19293) and ln.one_time is None and ln.status is LineStatus.SUR_DEVIS
    assert q.totals.partial and q.totals.year1 == D(19293)


def test_9_storage_45_gb(tariff: Any) -> None:
    q = run(tariff, K.COMMUNE, 12500, "delib", ("stockage", {"gb": "45"}))
    assert q.lines[1].annual == D(390)
    assert q.blocking == ()


def test_10_commune_of_exactly_100001(tariff: Any) -> None:
    assert category_for_size(K.COMMUNE, tariff.categories, inhabitants=100001).category == "Cat 7"
    assert category_for_size(K.COMMUNE, tariff.categories, inhabitants=100000).category == "Cat 6"


# --------------------------------------------------------------------------- other decisions on real data


def test_deliberations_be_and_citizen_exclusivity(tariff: Any) -> None:
    q = run(tariff, K.COMMUNE, 12500, ("deliberations.be", {"days": "3"}), "citizen", "smartweb")
    assert q.lines[0].one_time == D(3 * 906)
    codes = {n.code for n in q.blocking}
    assert any("citizen" in c and "smartweb" in c for c in codes)
    assert any(c.startswith("requires:") for c in codes)  # deliberations.be without iA.Délib


def test_urban_for_a_province_is_not_offered_never_zero(tariff: Any) -> None:
    q = run(tariff, K.PROVINCE, None, "urban", "delib")
    assert q.decision.category == "Provinces"
    assert q.lines[0].status is LineStatus.NOT_OFFERED and q.lines[0].annual is None
    assert q.totals.annual == D(34384) and q.totals.partial


def test_every_product_prices_in_every_category_without_error(tariff: Any) -> None:
    for category in tariff.categories.categories:
        for p in tariff.products.values():
            raw = {prm.key: str(prm.minimum or 1) for prm in p.parameters if prm.required}
            req = QuoteRequest(tariff.code, (LineRequest(p.code, parse_params(p, raw)),))
            decision = CategoryDecision(category, category, ())
            ln = build_quote(tariff, req, None, decision, kind=K.COMMUNE, size=12500).lines[0]
            for amount in (ln.one_time, ln.annual):
                assert amount is None or amount >= 0
            if ln.status is LineStatus.NOT_OFFERED:
                assert ln.one_time is None and ln.annual is None


def _all(members: Any, kind: MemberKind) -> list[Member]:
    return [m for m in members.all() if m.kind is kind]


def test_police_zones_on_the_real_directory(tariff: Any, members: Any) -> None:
    zones = _all(members, K.ZONE_DE_POLICE)
    assert len(zones) == 71
    for zone in zones:
        d = derive_category(zone, tariff.categories, members.lookup)
        communes = [members.lookup(i) for i in zone.commune_ids]
        largest = max(communes, key=lambda c: c.size.value)
        expected = category_for_size(
            K.COMMUNE, tariff.categories, inhabitants=largest.size.value
        ).category
        assert d.category == expected, zone.name
        assert d.deciding_member == largest.id
        assert largest.name in d.trace[0]


def test_rescue_zones_on_the_real_directory(tariff: Any, members: Any) -> None:
    zones = _all(members, K.ZONE_DE_SECOURS)
    assert len(zones) == 14
    for zone in zones:
        d = derive_category(zone, tariff.categories, members.lookup)
        n = zone.size.value
        expected = "Cat 3" if n <= 100000 else "Cat 4" if n <= 400000 else "Cat 5"
        assert d.category == expected, zone.name


def test_every_cpas_takes_its_commune_category(tariff: Any, members: Any) -> None:
    cpas = _all(members, K.CPAS)
    assert len(cpas) == 261
    for c in cpas:
        commune = members.lookup(c.commune_id)
        assert (
            derive_category(c, tariff.categories, members.lookup).category
            == derive_category(commune, tariff.categories, members.lookup).category
        )


def test_every_seeded_member_has_a_category_except_manual_kinds(tariff: Any, members: Any) -> None:
    for m in members.all():
        d = derive_category(m, tariff.categories, members.lookup)
        if m.kind is not K.AUTRE:
            assert d.category is not None, m.id


@pytest.mark.parametrize(
    "kind", [K.COMMUNE, K.CPAS, K.ZONE_DE_POLICE, K.ZONE_DE_SECOURS, K.INTERCOMMUNALE, K.RCA]
)
def test_seeded_category_rules_are_total_and_monotonic(tariff: Any, kind: MemberKind) -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    order = {c: i for i, c in enumerate(tariff.categories.categories)}

    def cat(n: int) -> str | None:
        if kind.counts_agents:
            return category_for_size(kind, tariff.categories, agents=n).category
        return category_for_size(kind, tariff.categories, inhabitants=n).category

    @given(st.integers(0, 2_000_000), st.integers(0, 2_000_000))
    def check(a: int, b: int) -> None:
        lo, hi = sorted((a, b))
        ca, cb = cat(lo), cat(hi)
        assert ca is not None and cb is not None
        assert order[ca] <= order[cb]

    check()


SEEDED_BOUNDARIES = [
    *(
        (K.COMMUNE, n, c)
        for n, c in [
            (0, "Cat 1"),
            (5000, "Cat 1"),
            (5001, "Cat 2"),
            (10000, "Cat 2"),
            (10001, "Cat 3"),
            (15000, "Cat 3"),
            (15001, "Cat 4"),
            (20000, "Cat 4"),
            (20001, "Cat 5"),
            (40000, "Cat 5"),
            (40001, "Cat 6"),
            (100000, "Cat 6"),
            (100001, "Cat 7"),
        ]
    ),
    *((K.CPAS, n, c) for n, c in [(5000, "Cat 1"), (5001, "Cat 2"), (100001, "Cat 7")]),
    *((K.ZONE_DE_POLICE, n, c) for n, c in [(18200, "Cat 4"), (100001, "Cat 7")]),
    *(
        (K.ZONE_DE_SECOURS, n, c)
        for n, c in [
            (0, "Cat 3"),
            (100000, "Cat 3"),
            (100001, "Cat 4"),
            (400000, "Cat 4"),
            (400001, "Cat 5"),
        ]
    ),
    *(
        (k, n, c)
        for k in (K.INTERCOMMUNALE, K.RCA)
        for n, c in [
            (0, "Cat 1"),
            (25, "Cat 1"),
            (26, "Cat 2"),
            (50, "Cat 2"),
            (51, "Cat 3"),
            (75, "Cat 3"),
            (76, "Cat 4"),
            (100, "Cat 4"),
            (101, "Cat 5"),
        ]
    ),
]


@pytest.mark.parametrize(("kind", "n", "expected"), SEEDED_BOUNDARIES)
def test_seeded_category_boundaries(tariff: Any, kind: MemberKind, n: int, expected: str) -> None:
    rules = tariff.categories
    if kind.counts_agents:
        got = category_for_size(kind, rules, agents=n).category
    else:
        got = category_for_size(kind, rules, inhabitants=n).category
    assert got == expected


def test_seeded_province_category(tariff: Any) -> None:
    assert category_for_size(K.PROVINCE, tariff.categories).category == "Provinces"


def test_barcode_readers_say_how_the_amount_is_made_from_two_readers_on(tariff: Any) -> None:
    """« 3 lecteurs × 195 € » explains a per-reader line; one reader needs no such note."""
    one, three = (run(tariff, K.COMMUNE, 4000, ("atal-cb-lecteur", {"readers": n})).lines[-1] for n in ("1", "3"))
    assert (three.annual, three.one_time) == (D(3 * 195), D(3 * 819))
    notes = " | ".join(three.notes).replace("\u202f", " ").replace("\xa0", " ")
    assert "3 lecteurs × 195 €" in notes and "3 lecteurs × 819 €" in notes
    assert not any("×" in n for n in one.notes)
