"""The ten worked examples of SEED_ANALYSIS.md 2.7, on the hand-built fixture.

The same examples run on the real seeded catalogue in test_worked_examples_catalogue.py (the
acceptance test); this file pins the engine's behaviour independently of the seed data.
"""

from __future__ import annotations

from decimal import Decimal

from core_fixtures import category_rules, decision_for, imio_tariff

from desktop.core.members import MemberKind
from desktop.core.pricing import build_quote
from desktop.core.quote import LineRequest, LineStatus, Quote, QuoteRequest

D = Decimal
T = imio_tariff()
K = MemberKind


def run(
    kind: MemberKind, n: int | None, *lines: LineRequest, commune_has: frozenset[str] = frozenset()
) -> Quote:
    req = QuoteRequest(T.code, lines, years=2, indexation=D(0), commune_has=commune_has)
    return build_quote(T, req, None, decision_for(kind, n), kind=kind, size=n)


def test_1_commune_12500_delib() -> None:
    q = run(K.COMMUNE, 12500, LineRequest("delib"))
    assert q.decision.category == "Cat 3"
    ln = q.lines[0]
    assert (ln.annual, ln.one_time, ln.setup_days) == (D(5344), D(2718), D(3))
    assert q.totals.years == (D(8062), D(5344))


def test_2_its_cpas_when_the_commune_has_delib() -> None:
    q = run(K.CPAS, 12500, LineRequest("delib"), commune_has=frozenset({"delib"}))
    ln = q.lines[0]
    assert (ln.annual, ln.one_time) == (D(2672), D(2718))
    assert q.totals.year1 == D(5390)


def test_3_aes_cat4_nine_schools() -> None:
    q = run(K.COMMUNE, 18000, LineRequest("aes", {"schools": D(9)}))
    ln = q.lines[0]
    assert ln.one_time == D(5436)  # band 7-15: 6 days x 906
    assert ln.annual == D(5973 + 2718)  # hosting 636 + 9 x 593, support 3 x 906 every year
    assert q.totals.year1 == D(5973 + 5436 + 2718)


def test_4_police_zone_largest_commune_18200() -> None:
    q = run(K.ZONE_DE_POLICE, 18200, LineRequest("delib"))
    assert q.decision.category == "Cat 4"
    assert (q.lines[0].annual, q.lines[0].one_time) == (D(6397), D(3624))


def test_5_rescue_zone_of_exactly_100000() -> None:
    q = run(K.ZONE_DE_SECOURS, 100000, LineRequest("delib"))
    assert q.decision.category == "Cat 3"
    assert q.lines[0].annual == D(5344)


def test_6_intercommunale_120_agents_urban() -> None:
    q = run(K.INTERCOMMUNALE, 120, LineRequest("urban"))
    assert q.decision.category == "Cat 5"
    ln = q.lines[0]
    assert (ln.annual, ln.one_time, ln.setup_days) == (D(8895), D(13590), D(15))


def test_7_tech_cat5() -> None:
    q = run(K.COMMUNE, 30000, LineRequest("tech"))
    ln = q.lines[0]
    assert (ln.annual, ln.one_time) == (D(15024), D(31022))
    assert ln.one_time == 15 * 906 + 17432
    assert any("15" in n and "inclus" in n for n in ln.notes)
    extra = run(K.COMMUNE, 30000, LineRequest("tech", {"users": D(2)})).lines[0]
    assert extra.status is LineStatus.SUR_DEVIS and any("180" in n for n in extra.notes)


def test_8_citizen_cat6_partial() -> None:
    q = run(K.COMMUNE, 60000, LineRequest("citizen"))
    ln = q.lines[0]
    assert ln.annual == D(19293) and ln.one_time is None
    assert ln.status is LineStatus.SUR_DEVIS
    assert q.totals.partial and q.totals.one_time == 0 and q.totals.year1 == D(19293)


def test_9_storage_45_gb() -> None:
    q = run(K.COMMUNE, 12500, LineRequest("delib"), LineRequest("stockage", {"gb": D(45)}))
    assert q.lines[1].annual == D(390)


def test_10_commune_of_exactly_100001() -> None:
    assert decision_for(K.COMMUNE, 100001).category == "Cat 7"
    assert category_rules().scales["communes_cpas"].classify(100000).category == "Cat 6"
