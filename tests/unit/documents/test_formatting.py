"""French formatting of amounts and dates, as printed on offers and contracts."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.documents.formatting import NBSP, NNBSP, Formatter

D = Decimal


@pytest.fixture(scope="module")
def fr_be() -> Formatter:
    return Formatter("fr_BE")


def test_money_fr_be_uses_narrow_no_break_space_and_euro_after(fr_be: Formatter) -> None:
    assert fr_be.money(D("8062.00")) == f"8{NNBSP}062,00{NBSP}€"
    assert fr_be.money("8062") == f"8{NNBSP}062,00{NBSP}€"
    assert fr_be.money(D("1234567.5")) == f"1{NNBSP}234{NNBSP}567,50{NBSP}€"
    assert fr_be.money(D("0")) == f"0,00{NBSP}€"
    assert fr_be.money(D("-2672")) == f"-2{NNBSP}672,00{NBSP}€"


def test_money_rounds_half_up_not_half_even(fr_be: Formatter) -> None:
    # babel alone would print 2,67 (half-even) and 0,00: core's rule is half-up.
    assert fr_be.money(D("2.675")) == f"2,68{NBSP}€"
    assert fr_be.money(D("0.005")) == f"0,01{NBSP}€"
    assert fr_be.money(D("0.125")) == f"0,13{NBSP}€"


def test_money_refuses_floats(fr_be: Formatter) -> None:
    with pytest.raises(TypeError):
        fr_be.money(8062.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        fr_be.money(D("NaN"))


@given(st.decimals(min_value=D("-1e9"), max_value=D("1e9"), places=2, allow_nan=False))
def test_money_round_trips_the_cents(amount: Decimal) -> None:
    text = Formatter("fr_BE").money(amount)
    assert text.endswith(f"{NBSP}€")
    digits = text[: -len(f"{NBSP}€")].replace(NNBSP, "").replace(",", ".")
    assert Decimal(digits) == amount


def test_dates_fr_be(fr_be: Formatter) -> None:
    assert fr_be.date(date(2026, 11, 22)) == "22/11/2026"
    assert fr_be.date(date(2027, 2, 3)) == "03/02/2027"  # four-digit year, unlike babel's short
    assert fr_be.long_date(date(2026, 11, 22)) == "22 novembre 2026"
    assert fr_be.long_date(date(2026, 8, 1)) == "1 août 2026"


def test_percent_integers_numbers(fr_be: Formatter) -> None:
    assert fr_be.percent(D("0.02")) == f"2{NBSP}%"
    assert fr_be.percent(D("0.015")) == f"1,5{NBSP}%"
    assert fr_be.integer(12500) == f"12{NNBSP}500"
    assert fr_be.number(D("2.50")) == "2,5"
    assert fr_be.number(D("3")) == "3"
    assert fr_be.amount(D("1234.5")) == f"1{NNBSP}234,50"


def test_locale_follows_the_issuer() -> None:
    class T:
        issuer = "iMio"
        locale = "fr_FR"
        currency = "EUR"

    class SN:
        issuer = "Somme Numérique"
        locale = "fr_FR"
        currency = "EUR"

    assert Formatter.for_tariff(T()).locale == "fr_BE"
    assert Formatter.for_tariff(SN()).locale == "fr_FR"
    assert Formatter.for_tariff(SN()).money(D("12.5")) == f"12,50{NBSP}€"


def test_importing_documents_does_not_import_babel_or_reportlab() -> None:
    code = (
        "import sys\n"
        "import desktop.documents.formatting, desktop.documents.offer, desktop.documents.contract\n"
        "import desktop.documents.fonts\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('babel', 'reportlab')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
