"""parse_params: every bad value is refused with a French message that says what to fix."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from core_fixtures import imio_tariff, sn_tariff

from desktop.core.errors import InvalidInput
from desktop.core.pricing import parse_params, validate_params

D = Decimal
T = imio_tariff()
AES = T.products["aes"]
_AT = T.products["at-gestion-projet"]  # days of service, counted in halves and quarters as in the grid
DAYS = replace(_AT, parameters=tuple(replace(p, integer=False, minimum=D("0.5")) for p in _AT.parameters))


def test_reads_numbers_and_fills_defaults() -> None:
    assert parse_params(AES, {"schools": "9"}) == {"schools": D(9), "plans": D(1)}
    assert parse_params(AES, {"SCHOOLS": " 9 ", "plans": "3"}) == {"schools": D(9), "plans": D(3)}


def test_a_number_copied_from_a_web_page_reads_through_its_invisible_characters() -> None:
    """« 9 » with a zero width space was « not a number » though the field showed 9."""
    assert parse_params(AES, {"schools": "9\u200b", "plans": "\ufeff2"}) == {"schools": D(9), "plans": D(2)}
    assert parse_params(T.products["stockage"], {"gb": "1\u00a0000\u200b"})["gb"] == D(1000)


def test_decimal_comma_and_grouped_thousands() -> None:
    other = sn_tariff().products["domaines-autres"]
    assert parse_params(other, {"supplier": "12,50"})["supplier"] == D("12.50")
    assert parse_params(T.products["stockage"], {"gb": "1 000"})["gb"] == D(1000)


@pytest.mark.parametrize(
    ("product", "text", "fragment"),
    [
        ("stockage", "1.000", "Pour 1\u202f000, écrivez 1000 (sans point de milliers) ; pour 1, écrivez 1."),
        ("aes", "12.500", "Pour 12\u202f500, écrivez 12500"),
        ("at-gestion-projet", "1.500", "pour 1,5, écrivez 1,5."),
    ],
)
def test_a_dot_before_three_digits_is_neither_a_thousand_nor_a_decimal(
    product: str, text: str, fragment: str
) -> None:
    """« 1.000 » was read as 1 Go: a Belgian writing a thousand got a thousandth of the price."""
    key = T.products[product].parameters[0].key
    with pytest.raises(InvalidInput, match="se lit de deux façons") as info:
        parse_params(DAYS if product == "at-gestion-projet" else T.products[product], {key: text})
    assert fragment in str(info.value) and info.value.field == key


@pytest.mark.parametrize("text", ["2,555", "0.125", "1,001"])
def test_days_go_to_the_hundredth_at_most(text: str) -> None:
    """2,555 days showed as 2,56 on the line and were priced on 2,555."""
    days = DAYS
    with pytest.raises(InvalidInput, match="deux décimales au plus"):
        parse_params(days, {"days": text})
    with pytest.raises(InvalidInput, match="deux décimales au plus"):
        validate_params(days, {"days": D(text.replace(",", "."))})
    assert parse_params(days, {"days": "2,25"})["days"] == D("2.25")
    assert parse_params(days, {"days": "1.5"})["days"] == D("1.5")  # a point before one digit: a decimal


@pytest.mark.parametrize(
    ("raw", "fragment", "field"),
    [
        ({"schools": "9", "colour": "red"}, "Paramètre inconnu « colour »", "colour"),
        ({"schools": "neuf"}, "n'est pas un nombre", "schools"),
        ({"schools": ""}, "valeur manquante", "schools"),
        ({"schools": "1_0"}, "n'est pas un nombre", "schools"),
        ({"schools": "nan"}, "n'est pas un nombre", "schools"),
        ({"schools": "Infinity"}, "n'est pas un nombre", "schools"),
        ({"schools": "-2"}, "négatif", "schools"),
        ({"schools": "2.5"}, "entier", "schools"),
        ({"schools": "0"}, "au moins 1", "schools"),
        ({"plans": "2"}, "obligatoire", "schools"),
        ({"schools": "9", "plans": "0"}, "au moins 1", "plans"),
    ],
)
def test_refusals(raw: dict[str, str], fragment: str, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_params(AES, raw)
    assert fragment in str(info.value)
    assert info.value.field == field
    assert "iA.AES" in str(info.value)


def test_unknown_key_lists_the_accepted_ones() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_params(AES, {"ecoles": "3"})
    assert "schools" in str(info.value) and "plans" in str(info.value)


def test_product_without_parameters() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_params(T.products["delib"], {"quantity": "2"})
    assert "n'accepte aucun paramètre" in str(info.value)


def test_maximum() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_params(T.products["deliberations"], {"days": "4"})
    assert "au plus 3" in str(info.value)


def test_validate_params_on_decimals() -> None:
    assert validate_params(AES, {"schools": D(3)}) == {"schools": D(3), "plans": D(1)}
    with pytest.raises(InvalidInput):
        validate_params(AES, {"schools": D("-1")})
    with pytest.raises(InvalidInput):
        validate_params(AES, {"schools": D("NaN")})


@pytest.mark.parametrize("typed", ["1e30", "99999999999999999999", "100001", "1" + "0" * 5000])
def test_a_parameter_without_a_maximum_is_capped_at_100_000(typed: str) -> None:
    """A slip of the finger (an exponent, twenty digits) is refused, never priced: 1e30 schools
    made the rounding to the cent fail, twenty nines printed an absurd amount."""
    assert AES.parameter("schools").maximum is None  # the cap is the engine's own
    with pytest.raises(InvalidInput) as info:
        parse_params(AES, {"schools": typed})
    assert info.value.field == "schools"
    assert "au plus 100\u202f000" in str(info.value)
    assert len(str(info.value)) < 200  # the value is quoted back cut, not in full
    assert parse_params(AES, {"schools": "100000"})["schools"] == D(100_000)


def test_a_huge_decimal_parameter_is_refused_without_expanding_it() -> None:
    with pytest.raises(InvalidInput) as info:
        validate_params(AES, {"schools": D("1E+999999999")})
    assert "au plus 100\u202f000" in str(info.value) and "1E+999999999" in str(info.value)


def test_a_declared_maximum_wins_over_the_cap() -> None:
    big = replace(AES, parameters=(replace(AES.parameters[0], maximum=D(250_000)), *AES.parameters[1:]))
    assert parse_params(big, {"schools": "200000"})["schools"] == D(200_000)
    with pytest.raises(InvalidInput, match="au plus 250"):
        parse_params(big, {"schools": "250001"})


@pytest.mark.parametrize(
    ("product", "raw"),
    [
        ("stockage", {"gb": "20", "quantity": "41"}),
        ("stockage", {"quantity": "41", "GB": "20"}),
        ("aes", {"SCHOOLS": "9", "schools": "3"}),
    ],
)
def test_one_parameter_given_under_two_names_is_refused(product: str, raw: dict[str, str]) -> None:
    """« stockage:gb=20 stockage:quantity=41 » priced 1 or 3 tiers, whichever came last."""
    p = T.products[product]
    with pytest.raises(InvalidInput, match="est donné deux fois") as info:
        parse_params(p, raw)
    assert info.value.field == p.parameters[0].key
    assert "gardez une seule valeur" in str(info.value)


def test_quantity_is_the_one_parameter_of_a_product_that_has_only_one() -> None:
    """The issue's generic key: « --param atal-cb-lecteur:quantity=2 » was refused."""
    readers = T.products["atal-cb-lecteur"]
    assert parse_params(readers, {"quantity": "2"}) == parse_params(readers, {readers.parameters[0].key: "2"})
    assert parse_params(T.products["stockage"], {"QUANTITY": "100"}) == {"gb": D(100)}
    with pytest.raises(InvalidInput, match="Paramètre inconnu « quantity »"):
        parse_params(AES, {"quantity": "9"})  # schools or plans: not guessed
