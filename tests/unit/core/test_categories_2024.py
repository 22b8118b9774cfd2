"""Every category boundary of PRODUCT.md, on every scale, with the 2024 rules as data."""

from __future__ import annotations

import pytest
from core_fixtures import category_rules, commune, cpas_of
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.categories import (
    CategoryDecision,
    Threshold,
    category_for_size,
    derive_category,
    threshold_breaks,
)
from desktop.core.errors import InvalidInput
from desktop.core.members import Headcount, Member, MemberKind

RULES = category_rules()
K = MemberKind


def cat(kind: MemberKind, n: int) -> str | None:
    if kind.counts_agents:
        return category_for_size(kind, RULES, agents=n).category
    return category_for_size(kind, RULES, inhabitants=n).category


COMMUNE_BOUNDARIES = [
    (0, "Cat 1"),
    (5000, "Cat 1"),
    (5001, "Cat 2"),
    (10000, "Cat 2"),
    (10001, "Cat 3"),
    (12500, "Cat 3"),
    (15000, "Cat 3"),
    (15001, "Cat 4"),
    (20000, "Cat 4"),
    (20001, "Cat 5"),
    (40000, "Cat 5"),
    (40001, "Cat 6"),
    (100000, "Cat 6"),
    (100001, "Cat 7"),
    (10_000_000, "Cat 7"),
]


@pytest.mark.parametrize(("n", "expected"), COMMUNE_BOUNDARIES)
def test_commune_scale(n: int, expected: str) -> None:
    assert cat(K.COMMUNE, n) == expected


@pytest.mark.parametrize(("n", "expected"), COMMUNE_BOUNDARIES)
def test_cpas_uses_its_commune_population(n: int, expected: str) -> None:
    assert cat(K.CPAS, n) == expected
    c = commune("99999", "Testville", n)
    decision = derive_category(cpas_of(c), RULES, {c.id: c}.get)
    assert decision.category == expected
    assert decision.deciding_member == c.id
    assert "Testville" in decision.trace[0]


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "Cat 3"),
        (99999, "Cat 3"),
        (100000, "Cat 3"),
        (100001, "Cat 4"),
        (400000, "Cat 4"),
        (400001, "Cat 5"),
    ],
)
def test_rescue_zone_scale(n: int, expected: str) -> None:
    assert cat(K.ZONE_DE_SECOURS, n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "Cat 1"),
        (25, "Cat 1"),
        (26, "Cat 2"),
        (50, "Cat 2"),
        (51, "Cat 3"),
        (75, "Cat 3"),
        (76, "Cat 4"),
        (100, "Cat 4"),
        (101, "Cat 5"),
        (120, "Cat 5"),
    ],
)
@pytest.mark.parametrize("kind", [K.INTERCOMMUNALE, K.RCA])
def test_agents_scale(kind: MemberKind, n: int, expected: str) -> None:
    assert cat(kind, n) == expected


def test_province_has_its_own_category() -> None:
    assert category_for_size(K.PROVINCE, RULES).category == "Provinces"
    province = Member(id="province:bw", kind=K.PROVINCE, name="Brabant wallon")
    decision = derive_category(province, RULES, lambda _i: None)
    assert decision.trace[0] == "Province du Brabant wallon : catégorie propre → Provinces"  # « du »


def test_other_bodies_need_a_manual_category_with_a_reason() -> None:
    m = Member(id="u:1", kind=K.AUTRE, name="ASBL Exemple")
    undecided = derive_category(m, RULES, lambda _i: None)
    assert undecided.category is None
    assert undecided.trace == (
        "Autre organisme ASBL Exemple : pas de règle automatique, catégorie à choisir avec un motif",
    )
    with pytest.raises(InvalidInput):
        m.with_override("Cat 2", "  ")
    chosen = derive_category(
        m.with_override("Cat 2", "ASBL para-communale"), RULES, lambda _i: None
    )
    assert chosen.category == "Cat 2"
    assert chosen.override_reason == "ASBL para-communale"


def test_override_keeps_derived_and_chosen() -> None:
    c = commune("25072", "Nivelles", 28883).with_override("Cat 4", "accord de la direction")
    d = derive_category(c, RULES, lambda _i: None)
    assert (d.derived, d.category) == ("Cat 5", "Cat 4")
    assert any("Cat 5" in t and "Cat 4" in t for t in d.trace)


def test_an_override_names_a_category_of_the_grid_and_shows_as_such() -> None:
    """« cat 4 » typed by hand is Cat 4; « Cat 9 », which the grid does not have, is refused
    with the list of categories rather than pricing with no category."""
    c = commune("25072", "Nivelles", 28883)
    assert not derive_category(c, RULES, lambda _i: None).overridden
    d = derive_category(c.with_override("cat 4", "accord de la direction"), RULES, lambda _i: None)
    assert d.overridden and d.category == "Cat 4"
    with pytest.raises(InvalidInput, match=r"Catégorie inconnue : « Cat 9 ».*Cat 1, Cat 2"):
        derive_category(c.with_override("Cat 9", "accord de la direction"), RULES, lambda _i: None)


def test_a_missing_figure_asks_for_a_category_and_says_which_figure() -> None:
    """A CPAS or a police zone whose commune has no population, an intercommunale with no
    headcount: no category is made up, and the trace says what is missing."""
    no_population = Member(id="commune:99999", kind=K.COMMUNE, name="Testville", nis="99999")
    cpas = derive_category(cpas_of(no_population), RULES, {no_population.id: no_population}.get)
    assert cpas.category is None and "catégorie à choisir" in cpas.trace[0]
    ic = derive_category(Member(id="ic:1", kind=K.INTERCOMMUNALE, name="Intercommunale X"), RULES, lambda _i: None)
    assert ic.category is None and "nombre d'agents inconnu" in ic.trace[0]
    zone = Member(id="zp:9999", kind=K.ZONE_DE_POLICE, name="Testville", commune_ids=(no_population.id,))
    police = derive_category(zone, RULES, {no_population.id: no_population}.get)
    assert police.category is None and "communes de la zone inconnues" in police.trace[0]


def test_a_grid_with_a_gap_an_overlap_or_a_row_after_an_open_one_is_reported() -> None:
    """A tariff owner's thresholds: 5 001 inhabitants must fall in exactly one category."""
    one, two = Threshold("Cat 1", 0, 5000), Threshold("Cat 2", 5001, 10000)
    assert threshold_breaks([two, one]) == []
    gap = Threshold("Cat 2", 5002, 10000)
    overlap = Threshold("Cat 2", 5000, 10000)
    after_open = Threshold("Cat 2", 5001, None)
    [(row, why)] = threshold_breaks([one, gap])
    assert row is gap and "laisse un trou après « Cat 1 »" in why and "attendu 5001" in why
    [(row, why)] = threshold_breaks([one, overlap])
    assert row is overlap and "chevauche « Cat 1 »" in why
    [(row, why)] = threshold_breaks([Threshold("Cat 1", 0, None), after_open])
    assert row is after_open and "n'a pas de borne haute" in why


def _zone_nivelles_genappe(*communes: Member) -> CategoryDecision:
    """ZP 5267 over ``communes`` (in that order), and its category decision."""
    zone = Member(
        id="zp:5267",
        kind=K.ZONE_DE_POLICE,
        name="Nivelles/Genappe",
        zone_number="5267",
        commune_ids=tuple(c.id for c in communes),
    )
    return derive_category(zone, RULES, {c.id: c for c in communes}.get)


def test_police_zone_takes_its_most_populous_commune() -> None:
    nivelles = commune("25072", "Nivelles", 28883)
    d = _zone_nivelles_genappe(nivelles, commune("25031", "Genappe", 15000))
    assert d.category == "Cat 5"
    assert d.deciding_member == nivelles.id
    assert "Nivelles" in d.trace[0] and "28" in d.trace[0]


def test_communes_tied_for_most_populous_are_all_named_in_the_trace() -> None:
    """A correction can make two communes of a zone equal: the category is the same whichever
    is taken, and the trace says they are equal rather than naming one as if it were larger."""
    d = _zone_nivelles_genappe(commune("25031", "Genappe", 28883), commune("25072", "Nivelles", 28883))
    assert d.category == "Cat 5"
    assert "commune la plus peuplée Nivelles (à égalité avec Genappe), 28" in d.trace[0]


def test_one_commune_police_zone_takes_that_commune() -> None:
    c = commune("62063", "Liège", 197355)
    zone = Member(
        id="zp:5277", kind=K.ZONE_DE_POLICE, name="Liège", zone_number="5277", commune_ids=(c.id,)
    )
    d = derive_category(zone, RULES, {c.id: c}.get)
    assert d.category == "Cat 7"


def test_rescue_zone_uses_its_own_population_not_the_commune_scale() -> None:
    big = Member(
        id="zs:x",
        kind=K.ZONE_DE_SECOURS,
        name="Zone X",
        reference_size=Headcount(150000, None, "t"),
    )
    assert (
        derive_category(big, RULES, lambda _i: None).category == "Cat 4"
    )  # commune scale says Cat 7
    small = Member(
        id="zs:y", kind=K.ZONE_DE_SECOURS, name="Zone Y", reference_size=Headcount(3000, None, "t")
    )
    assert (
        derive_category(small, RULES, lambda _i: None).category == "Cat 3"
    )  # commune scale says Cat 1


ORDER = {c: i for i, c in enumerate(RULES.categories)}


@pytest.mark.parametrize(
    "kind", [K.COMMUNE, K.CPAS, K.ZONE_DE_POLICE, K.ZONE_DE_SECOURS, K.INTERCOMMUNALE, K.RCA]
)
@given(a=st.integers(0, 2_000_000), b=st.integers(0, 2_000_000))
def test_category_is_total_and_monotonic_on_each_scale(kind: MemberKind, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    ca, cb = cat(kind, lo), cat(kind, hi)
    assert ca is not None and cb is not None  # total: every size has a category
    assert ORDER[ca] <= ORDER[cb]  # monotonic: more people never means a lower category


def test_the_trace_separates_the_source_from_the_date() -> None:
    from datetime import date

    body = Member(
        id="u:idea", kind=K.INTERCOMMUNALE, name="IDEA",
        reference_size=Headcount(80, date(2026, 11, 22), "rapport annuel 2025"),
    )
    trace = " ".join(derive_category(body, RULES, lambda _i: None).trace)
    assert "80 agents (rapport annuel 2025, 22/11/2026)" in trace


@pytest.mark.parametrize(
    ("kind", "name", "head"),
    [
        (K.INTERCOMMUNALE, "IDEA", "Intercommunale IDEA :"),
        (K.INTERCOMMUNALE, "Intercommunale de Santé Publique du Pays de Charleroi",
         "Intercommunale de Santé Publique du Pays de Charleroi :"),
        (K.RCA, "Régie communale autonome de Namur", "Régie communale autonome de Namur :"),
        (K.ZONE_DE_SECOURS, "Zone de secours NAGE", "Zone de secours NAGE :"),
    ],
)
def test_the_trace_names_a_member_named_with_its_kind_once(kind: MemberKind, name: str, head: str) -> None:
    """The offer's category trace read « Intercommunale Intercommunale de Santé Publique … »."""
    from datetime import date

    body = Member(id="u:x", kind=kind, name=name, reference_size=Headcount(80, date(2026, 11, 22), "RH"))
    trace = derive_category(body, RULES, lambda _i: None).trace
    assert trace[0].startswith(head), trace[0]
