"""What a person types is read the same way on screen and on the command line: whole numbers
with Belgian thousands separators, ASCII digits only, four-digit years, bounded text."""

from __future__ import annotations

import re
from datetime import date

import pytest

from desktop.core.errors import InvalidInput
from desktop.core.inputs import (
    ascii_int,
    check_length,
    check_reason,
    override_reason,
    parse_date,
    parse_whole,
    plain_decimal,
)

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


# Text pasted from a mail, a Word document or a web page.
ZWSP, SHY, BOM, LRM = "\u200b", "\u00ad", "\ufeff", "\u200e"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (f" Li{SHY}ège{ZWSP}\tASBL\r\n", "Liège ASBL"),
        (f"{BOM}Lie\u0300ge\u00a0 Sport{LRM}", "Liège Sport"),  # « e » and its accent typed apart
        ("Braine-l’Alleud « Œuvres » – 2\u202f000 habitants", "Braine-l’Alleud « Œuvres » – 2 000 habitants"),
        ("A & B <b>x</b> %s {0} 😀", "A & B <b>x</b> %s {0} 😀"),
    ],
)
def test_pasted_text_is_stored_as_it_shows(typed: str, stored: str) -> None:
    """A name pasted with a soft hyphen or a zero width space kept it, unseen: the member
    could not be found by typing its name, nor told apart from the same name typed."""
    from desktop.core.members import clean_name, clean_source

    assert clean_name(typed) == stored
    assert clean_source(typed) == stored
    assert check_reason(typed, printed=True) == stored


def test_a_pasted_address_keeps_its_lines_and_nothing_invisible() -> None:
    from desktop.core.members import clean_address

    typed = f" Rue de l’Église\t12 {ZWSP}\r\n\r\n 4000  Liège\r\n"
    assert clean_address(typed) == "Rue de l’Église 12\n4000 Liège"


@pytest.mark.parametrize(
    ("typed", "quoted"),
    [
        ("OK 👍", "« 👍 » (U+1F44D) ne peut pas s'imprimer"),
        ("Validé ✅ 📞 中文 한", "« ✅ » (U+2705), « 📞 » (U+1F4DE), « 中 » (U+4E2D) et 2 autres ne peuvent pas"),
        ("\uf0b7 puce de Word", "(U+F0B7)"),
        ("مرحبا", "(U+0645)"),  # reportlab would set its letters in reverse order
    ],
)
def test_a_character_the_documents_cannot_print_is_refused_next_to_its_field(typed: str, quoted: str) -> None:
    """The offer and the order form printed an empty box in its place."""
    from desktop.core.members import Member, MemberKind, clean_address, clean_name, clean_source
    from desktop.core.settings import Settings

    checks = {
        "name": lambda: clean_name(typed),
        "address": lambda: clean_address(typed),
        "source": lambda: clean_source(typed),
        "reason": lambda: Member(id="", kind=MemberKind.AUTRE, name="X").with_override("Cat 1", typed),
        "overrides": lambda: override_reason(typed),
        "seller_name": lambda: Settings(seller_name=typed).validated(),
        "letterhead_name": lambda: Settings(letterhead_name=typed).validated(),
        "address_lines": lambda: Settings(address_lines=("Rue Léon Morel 1", typed)).validated(),
    }
    for field, check in checks.items():
        with pytest.raises(InvalidInput, match=re.escape(quoted)) as caught:
            check()
        assert caught.value.field == field
        assert "retirez-l" in str(caught.value)


def test_a_note_or_a_refusal_reason_is_not_printed_and_may_hold_any_character() -> None:
    assert check_reason(f"Accord par mail 👍{ZWSP}\r\nà confirmer") == "Accord par mail 👍 à confirmer"


def test_numbers_read_through_invisible_characters() -> None:
    assert parse_headcount("12\u202f500\u200b") == 12500
    assert plain_decimal("\ufeff2,5\u200b") == "2.5"


def test_the_device_code_and_initials_read_through_invisible_characters() -> None:
    from desktop.core.settings import Settings

    s = Settings(device_code=f" lap1{ZWSP} ", seller_initials=f"{BOM}a.d.").validated()
    assert (s.device_code, s.seller_initials) == ("LAP1", "AD")
