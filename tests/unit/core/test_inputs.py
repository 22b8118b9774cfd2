"""What a person types is read the same way on screen and on the command line: whole numbers
with Belgian thousands separators, ASCII digits only, four-digit years, bounded text."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.core.errors import InvalidInput
from desktop.core.inputs import ascii_int, check_length, parse_date, parse_whole, plain_decimal

MAX = 10_000_000


def parse_headcount(text: str, field: str = "size", what: str = "Nombre d'agents") -> int:
    return parse_whole(text, field=field, what=what, maximum=MAX)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1500", 1500),
        ("1 500", 1500),
        ("1.500", 1500),
        ("1\u202f500", 1500),
        ("1\u00a0500", 1500),
        ("12.500.000", None),  # over the bound, see below
        ("1.000.000", 1_000_000),
        (" 80 ", 80),
        ("0", 0),
        ("10000000", 10_000_000),
    ],
)
def test_whole_numbers_with_or_without_thousands_separators(typed: str, value: int | None) -> None:
    if value is None:
        with pytest.raises(InvalidInput, match="au plus"):
            parse_headcount(typed)
    else:
        assert parse_headcount(typed) == value


@pytest.mark.parametrize("typed", ["1.5", "1,5", "1,500", "12.50", "1 5"])
def test_a_decimal_or_a_badly_grouped_number_is_not_a_count(typed: str) -> None:
    """« 1.5 » agents was read as 15: dots were dropped as if they grouped thousands."""
    with pytest.raises(InvalidInput) as info:
        parse_whole(typed, field="agents", what="Nombre d'agents", maximum=MAX)
    assert info.value.field == "agents"
    assert str(info.value).startswith("Nombre d'agents : ")


@pytest.mark.parametrize("typed", ["²", "١٢", "1_000", "-5", "1e3", "", "douze", "٣"])
def test_only_ascii_digits_make_a_count(typed: str) -> None:
    """str.isdigit() accepts « ² », int() then failed with ValueError (a crash dialog)."""
    with pytest.raises(InvalidInput) as info:
        parse_headcount(typed, "agents", "Nombre d'agents")
    assert info.value.field == "agents" and "entier" in str(info.value)


@pytest.mark.parametrize("typed", ["99999999999999999999", "10000001", "9" * 5000])
def test_a_count_above_ten_million_is_refused_and_not_echoed_in_full(typed: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_headcount(typed, "agents", "Nombre d'agents")
    assert "au plus 10\u202f000\u202f000" in str(info.value)
    assert len(str(info.value)) < 200


def test_ascii_int_and_plain_decimal() -> None:
    assert ascii_int(" 90 ") == 90 and ascii_int("-3") == -3
    for bad in ("²", "١٢", "1_0", "1e3", "", "9" * 40):
        assert ascii_int(bad) is None
    assert plain_decimal(" 2,5 ") == "2.5" and plain_decimal("1 000,5") == "1000.5"
    for bad in ("sNaN", "NaN", "Infinity", "1e999999999", "2,5,1", "9" * 40):
        assert plain_decimal(bad) is None


def test_text_length() -> None:
    assert check_length("a" * 120, limit=120, field="name", what="Nom") == "a" * 120
    with pytest.raises(InvalidInput) as info:
        check_length("a" * 5000, limit=120, field="name", what="Nom")
    assert info.value.field == "name"
    assert str(info.value) == (
        "Nom : 120 caractères au plus ; le texte saisi en compte 5\u202f000. Raccourcissez-le."
    )


@pytest.mark.parametrize(
    ("typed", "value"),
    [("2026-03-15", date(2026, 3, 15)), ("15/03/2026", date(2026, 3, 15)), ("1/1/2000", date(2000, 1, 1)),
     ("2099-12-31", date(2099, 12, 31))],
)
def test_dates(typed: str, value: date) -> None:
    assert parse_date(typed, field="--date", what="--date") == value


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("1/1/26", "quatre chiffres"),
        ("26-01-01", "quatre chiffres"),
        ("0001-01-01", "l'année 0001"),
        ("1900-01-01", "de 2000 à 2099"),
        ("9999-12-31", "l'année 9999"),
        ("2026-02-30", "hors calendrier"),
        ("demain", "par exemple 15/03/2026"),
        ("２０２６-01-01", "par exemple 15/03/2026"),
    ],
)
def test_implausible_dates_are_refused(typed: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_date(typed, field="--date", what="--date")
    assert fragment in str(info.value) and info.value.field == "--date"
