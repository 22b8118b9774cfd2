"""A member's size: which figure decides its category, and when a correction may replace it."""

from __future__ import annotations

from datetime import date

import pytest
from core_fixtures import category_rules, commune, cpas_of

from desktop.core.categories import correct_size, derive_category, size_read_elsewhere
from desktop.core.errors import InvalidInput
from desktop.core.members import Headcount, Member, MemberKind

TODAY = date(2026, 11, 22)
NAMUR = commune("92094", "Namur", 111_432)
ANS = commune("62003", "Ans", 28_000)
FLOREFFE = commune("92045", "Floreffe", 8_000)


def zone(*communes: Member) -> Member:
    return Member(
        id="zp:5303",
        kind=MemberKind.ZONE_DE_POLICE,
        name="Namur",
        zone_number="5303",
        reference_size=Headcount(sum(c.size.value for c in communes if c.size), date(2020, 1, 1), "Statbel"),
        commune_ids=tuple(c.id for c in communes),
    )


def lookup(member_id: str) -> Member | None:
    return {m.id: m for m in (NAMUR, ANS, FLOREFFE)}.get(member_id)


def test_a_correction_dated_in_the_future_is_refused_on_the_date() -> None:
    with pytest.raises(InvalidInput, match="dans le futur") as info:
        NAMUR.with_size_correction(112_000, date(2031, 1, 1), "Statbel", today=TODAY)
    assert info.value.field == "as_of"


def test_a_correction_older_than_the_reference_figure_is_refused_on_the_date() -> None:
    with pytest.raises(InvalidInput, match="à partir du 01/01/2020") as info:
        NAMUR.with_size_correction(112_000, date(1990, 1, 1), "Statbel", today=TODAY)
    assert info.value.field == "as_of"
    assert "Statbel" in str(info.value)


@pytest.mark.parametrize("as_of", [date(2020, 1, 1), date(2025, 1, 1), TODAY])
def test_a_correction_from_the_reference_date_to_today_is_taken(as_of: date) -> None:
    corrected = NAMUR.with_size_correction(112_000, as_of, "Statbel", today=TODAY)
    assert corrected.size == Headcount(112_000, as_of, "Statbel")
    assert corrected.without_size_correction().size == NAMUR.reference_size


def test_a_cpas_and_a_police_zone_say_where_their_figure_comes_from() -> None:
    rules = category_rules()
    assert size_read_elsewhere(cpas_of(NAMUR), rules, lookup) == (
        "La catégorie suit celle de la commune de Namur : corrigez la population de la commune."
    )
    assert size_read_elsewhere(cpas_of(ANS), rules, lookup).startswith(
        "La catégorie suit celle de la commune d’Ans"
    )
    assert size_read_elsewhere(zone(NAMUR), rules, lookup).startswith(
        "La catégorie suit celle de la commune de Namur"
    )
    assert size_read_elsewhere(zone(FLOREFFE, NAMUR), rules, lookup) == (
        "La catégorie suit celle de la commune la plus peuplée de la zone, aujourd'hui Namur : "
        "corrigez la population des communes de la zone."
    )
    rescue = Member(
        "zs:x", MemberKind.ZONE_DE_SECOURS, "NAGE", reference_size=Headcount(300_000, None, "")
    )
    for own in (NAMUR, rescue, Member("u:1", MemberKind.INTERCOMMUNALE, "IDEFIN")):
        assert size_read_elsewhere(own, rules, lookup) is None, own.kind


def test_the_core_refuses_a_correction_its_category_would_not_read() -> None:
    rules = category_rules()
    with pytest.raises(InvalidInput, match="commune de Namur") as info:
        correct_size(cpas_of(NAMUR), rules, lookup, 9000, TODAY, "courriel", today=TODAY)
    assert info.value.field == "size"
    with pytest.raises(InvalidInput, match="plus peuplée"):
        correct_size(zone(FLOREFFE, NAMUR), rules, lookup, 500_000, TODAY, "test", today=TODAY)
    corrected = correct_size(NAMUR, rules, lookup, 99_000, TODAY, "Statbel", today=TODAY)
    assert derive_category(corrected, rules, lookup).category == "Cat 6"


@pytest.mark.parametrize(
    ("kind", "name", "shown"),
    [
        (MemberKind.CPAS, "Namur", "CPAS de Namur"),
        (MemberKind.CPAS, "CPAS de la Ville de Namur", "CPAS de la Ville de Namur"),  # not « CPAS de CPAS »
        (MemberKind.PROVINCE, "Namur", "Province de Namur"),
        (MemberKind.PROVINCE, "Province de Namur", "Province de Namur"),
        (MemberKind.ZONE_DE_SECOURS, "NAGE", "Zone de secours NAGE"),
        (MemberKind.ZONE_DE_SECOURS, "Zone de secours NAGE", "Zone de secours NAGE"),
    ],
)
def test_a_name_that_already_says_its_kind_is_not_prefixed_again(kind: MemberKind, name: str, shown: str) -> None:
    assert Member(id="x", kind=kind, name=name).display_name == shown
