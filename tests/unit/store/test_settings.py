"""Settings: validation in core, storage in SQLite."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.errors import InvalidInput
from desktop.core.settings import (
    Settings,
    indexation_from_percent,
    normalize_enterprise_number,
    normalize_iban,
)
from desktop.store.database import open_database
from desktop.store.settings_repo import SettingsRepository


def test_defaults_are_imio_and_show_what_is_missing() -> None:
    s = Settings()
    assert (s.letterhead_name, s.address_lines) == ("iMio", ("Rue Léon Morel 1", "5032 Isnes"))
    assert (s.phone, s.email, s.web) == ("+32 81 58 61 00", "contact@imio.be", "www.imio.be")
    assert (s.validity_days, s.years, s.indexation) == (90, 3, Decimal("0.02"))
    assert s.missing() == ("legal_form", "enterprise_number", "iban")
    assert s.missing_labels() == ("forme juridique", "numéro d'entreprise", "IBAN")
    assert not s.ready_to_number
    assert s.validated() == s


def test_an_empty_address_or_no_contact_at_all_is_missing_as_the_documents_mark_it() -> None:
    """The finalisation warns of what stays « à compléter » on the frozen PDF: an emptied
    address, or phone, email and web all emptied, went unsaid."""
    s = Settings(legal_form="SCRL", enterprise_number="0403.170.701", iban="BE71 0961 2345 6769")
    assert s.missing() == ()
    bare = replace(s, address_lines=(), phone="", email="", web="")
    assert bare.missing() == ("address_lines", "phone")
    assert bare.missing_labels() == ("adresse", "moyen de contact (téléphone, courriel ou site web)")
    assert replace(bare, web="www.imio.be").missing() == ("address_lines",)


def test_normalisation() -> None:
    s = Settings(
        device_code=" lap1 ",
        seller_initials="j.d.",
        seller_name="  Jeanne   Dupont ",
        iban="be71096123456769",
        enterprise_number="BE 403.170.701",
        address_lines=("Rue Léon Morel 1", " ", "5032  Isnes"),
    ).validated()
    assert (s.device_code, s.seller_initials, s.seller_name) == ("LAP1", "JD", "Jeanne Dupont")
    assert s.iban == "BE71 0961 2345 6769"
    assert s.enterprise_number == "0403.170.701"
    assert s.address_lines == ("Rue Léon Morel 1", "5032 Isnes")
    assert s.missing() == ("legal_form",) and s.ready_to_number


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"device_code": "L"}, "device_code"),
        ({"device_code": "ABCDEFGHI"}, "device_code"),
        ({"device_code": "LAP-1"}, "device_code"),
        ({"device_code": "PÉ1"}, "device_code"),
        ({"seller_initials": "J1"}, "seller_initials"),
        ({"letterhead_name": "  "}, "letterhead_name"),
        ({"email": "contact@"}, "email"),
        ({"iban": "BE71 0961 2345 6768"}, "iban"),
        ({"iban": "BE71 0961 2345"}, "iban"),
        ({"enterprise_number": "0403.170.702"}, "enterprise_number"),
        ({"enterprise_number": "2403.170.701"}, "enterprise_number"),
        ({"validity_days": 0}, "validity_days"),
        ({"validity_days": 366}, "validity_days"),
        ({"years": 0}, "years"),
        ({"years": 7}, "years"),
        ({"indexation": Decimal("-0.01")}, "indexation"),
        ({"indexation": Decimal("0.25")}, "indexation"),
        ({"indexation": "deux"}, "indexation"),
        ({"indexation": "25 %"}, "indexation"),
        ({"indexation": "0,25"}, "indexation"),
        ({"indexation": "NaN %"}, "indexation"),
    ],
)
def test_invalid_values_name_their_field(change: dict, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        replace(Settings(), **change).validated()
    assert info.value.field == field
    assert str(info.value)  # a French sentence
    with pytest.raises(InvalidInput):
        Settings().with_changes(**change)


@pytest.mark.parametrize(
    ("written", "fraction"),
    [("2 %", "0.02"), ("2,5%", "0.025"), (" 0 % ", "0"), ("0,02", "0.02"), ("0.03", "0.03")],
)
def test_indexation_is_a_percentage_with_its_sign_or_a_fraction(written: str, fraction: str) -> None:
    assert Settings().with_changes(indexation=written).indexation == Decimal(fraction)


def test_an_indexation_out_of_range_is_told_as_a_percentage() -> None:
    with pytest.raises(InvalidInput) as typed:
        Settings().with_changes(indexation="25 %")
    assert "« 2 % »" in str(typed.value) and "« 25 % »" in str(typed.value)
    with pytest.raises(InvalidInput) as from_screen:  # the screen gives the number it read
        Settings().with_changes(indexation=Decimal("0.25"))
    assert str(from_screen.value) == "L'indexation annuelle va de 0 à 20 % par an ; reçu 25 %."


def test_unknown_setting() -> None:
    with pytest.raises(InvalidInput, match="inconnu"):
        Settings().with_changes(colour="blue")


@given(st.integers(min_value=0, max_value=19_999_999))
def test_any_enterprise_number_with_its_check_digits_is_accepted(base: int) -> None:
    first8 = f"{base:08d}"
    check = 97 - int(first8) % 97
    number = f"{first8}{check:02d}"
    assert normalize_enterprise_number(number).replace(".", "") == number
    wrong = f"{first8}{(check % 97) + 1:02d}"
    with pytest.raises(InvalidInput):
        normalize_enterprise_number(wrong)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_belgian_iban_with_its_check_digits_is_accepted(account: str) -> None:
    check = 98 - int(account + "111400") % 97  # B=11, E=14, then "00"
    iban = f"BE{check:02d}{account}"
    assert normalize_iban(iban.lower()).replace(" ", "") == iban


def test_settings_are_stored_with_the_data(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        repo = SettingsRepository(db)
        assert repo.load() == Settings()
        saved = repo.save(
            Settings(device_code="lap1", seller_name="Jeanne Dupont", indexation=Decimal("0.025"))
        )
        assert saved.device_code == "LAP1"
        assert SettingsRepository(db).load() == saved
        assert repo.update(validity_days=60).validity_days == 60
        assert repo.load().device_code == "LAP1"
        with pytest.raises(InvalidInput):
            repo.update(device_code="x")
        assert repo.load().device_code == "LAP1"
    finally:
        db.close()


def test_an_unreadable_stored_value_falls_back_to_its_default(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO setting VALUES ('years', 'trois', 'x'), ('device_code', 'a', 'x')"
            )
            conn.execute("INSERT INTO setting VALUES ('seller_name', 'Jeanne', 'x')")
            conn.execute("INSERT INTO setting VALUES ('iban', 'BE00', 'x')")
        loaded = SettingsRepository(db).load()
        assert (loaded.years, loaded.device_code, loaded.seller_name) == (3, "", "Jeanne")
        assert loaded.iban == ""  # two invalid values: both fall back
    finally:
        db.close()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"seller_name": "A" * 3000}, "seller_name"),
        ({"seller_name": "Jean Dupont " * 250}, "seller_name"),
        ({"letterhead_name": "i" * 121}, "letterhead_name"),
        ({"legal_form": "S" * 61}, "legal_form"),
        ({"phone": "0" * 41}, "phone"),
        ({"email": "a" * 120 + "@imio.be"}, "email"),
        ({"web": "w" * 121}, "web"),
        ({"address_lines": ("R" * 121,)}, "address_lines"),
        ({"address_lines": tuple(f"ligne {i}" for i in range(6))}, "address_lines"),
        ({"validity_days": "²"}, "validity_days"),
        ({"validity_days": "١٢"}, "validity_days"),
        ({"years": "²"}, "years"),
        ({"years": "1_0"}, "years"),
        ({"indexation": "1e999999999 %"}, "indexation"),
        ({"indexation": "sNaN"}, "indexation"),
        ({"indexation": "9" * 5000 + " %"}, "indexation"),
    ],
)
def test_overlong_text_and_odd_numbers_are_refused_by_field(change: dict, field: str) -> None:
    """A 3000-character seller name was stored, then every PDF failed; « ² » or « 1e999999999 % »
    raised ValueError or decimal.Overflow instead of a message."""
    with pytest.raises(InvalidInput) as info:
        Settings().with_changes(**change)
    assert info.value.field == field
    assert len(str(info.value)) < 300  # the value is quoted back cut, not in full


def test_text_at_its_limit_is_kept() -> None:
    s = Settings().with_changes(
        seller_name="A" * 120, legal_form="Société coopérative à responsabilité limitée",
        address_lines=tuple("R" * 120 for _ in range(5)), validity_days="365",
    )
    assert s.seller_name == "A" * 120 and len(s.address_lines) == 5 and s.validity_days == 365


@pytest.mark.parametrize(
    ("typed", "fraction"), [("2", "0.02"), ("2,5", "0.025"), (" 2,5 % ", "0.025"), ("25", "0.25")]
)
def test_the_screen_reads_the_indexation_in_percent(typed: str, fraction: str) -> None:
    assert indexation_from_percent(typed) == Decimal(fraction)


@pytest.mark.parametrize("typed", ["sNaN", "1e999999999", "Infinity", "deux", "", "9" * 40])
def test_the_screen_refuses_what_is_not_a_plain_percentage(typed: str) -> None:
    with pytest.raises(InvalidInput) as info:
        indexation_from_percent(typed)
    assert info.value.field == "indexation" and "2,5" in str(info.value)


def test_a_value_that_no_longer_passes_is_kept_as_stored_for_the_form(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        with db.transaction() as conn:
            conn.execute("INSERT INTO setting VALUES ('legal_form', ?, 'x')", ("S" * 80,))
            conn.execute("INSERT INTO setting VALUES ('years', 'trois', 'x')")
        repo = SettingsRepository(db)
        assert repo.load().legal_form == ""  # documents: the default
        as_stored = repo.load_as_stored()
        assert as_stored.legal_form == "S" * 80  # the form: what is there, to be corrected
        assert as_stored.years == Settings().years  # unreadable: nothing to show but the default
        with pytest.raises(InvalidInput) as refused:
            as_stored.validated()
        assert refused.value.field == "legal_form"
    finally:
        db.close()


def test_an_update_refuses_over_a_stored_value_that_no_longer_passes(db_path: Path) -> None:
    """Changing one setting saved every other one as ``load`` reads them: a value stored
    before a check existed went back to its default without a word."""
    db = open_database(db_path)
    try:
        with db.transaction() as conn:
            conn.execute("INSERT INTO setting VALUES ('phone', ?, 'x')", ("\U0001f4de 03 22 00 00 00",))
        repo = SettingsRepository(db)
        with pytest.raises(InvalidInput) as refused:
            repo.update(seller_name="Anne Dupont")
        assert refused.value.field == "phone"
        assert repo.load_as_stored().phone == "\U0001f4de 03 22 00 00 00"
        assert repo.update(seller_name="Anne Dupont", phone="03 22 00 00 00").phone == "03 22 00 00 00"
    finally:
        db.close()


def test_every_wrong_value_is_said_at_once_each_under_its_field() -> None:
    """A form with four mistakes used to learn them one click at a time."""
    from desktop.core.errors import InvalidInputs

    wrong = Settings(device_code="lap 3!", email="bad", validity_days="abc", iban="BE00 1234")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputs) as caught:
        wrong.validated()
    errors = caught.value.errors
    assert sorted(e.field for e in errors) == ["device_code", "email", "iban", "validity_days"]
    assert str(caught.value).splitlines() == [str(e) for e in errors]  # the command line says all
    assert isinstance(caught.value, InvalidInput)  # callers that take one error still work


def test_one_wrong_value_is_one_plain_error() -> None:
    with pytest.raises(InvalidInput) as caught:
        Settings(email="bad").validated()
    assert type(caught.value) is InvalidInput and caught.value.field == "email"


def test_a_field_wrong_in_two_ways_gets_one_message() -> None:
    from desktop.core.errors import InvalidInputs

    with pytest.raises(InvalidInputs) as caught:
        Settings(email="x" * 130, iban="BE00").validated()  # too long, and not an address
    assert [e.field for e in caught.value.errors].count("email") == 1
