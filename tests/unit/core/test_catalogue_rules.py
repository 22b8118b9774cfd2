"""The one rule on a grid's numbers, shared by the seed loader and the catalogue import."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from core_fixtures import imio_tariff, sn_tariff

from desktop.core.catalogue import (
    Cell,
    Parameter,
    PriceState,
    amount_problem,
    check_tariff,
    parameter_problems,
    tariff_problems,
)
from desktop.core.errors import CatalogueError


@pytest.mark.parametrize("text", ["0", "3735", "906.5", "0.10", "10000000", "2.50"])
def test_amounts_of_real_grids_are_valid(text: str) -> None:
    assert amount_problem(Decimal(text)) is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("NaN", "n'est pas un nombre"),
        ("-Infinity", "n'est pas un nombre"),
        ("Infinity", "n'est pas un nombre"),
        ("1e30", "maximum"),
        ("10000000.01", "maximum"),
        ("-5", "négatif"),
        ("3735.125", "2 décimales"),
    ],
)
def test_amounts_that_would_break_a_quote_are_refused(text: str, fragment: str) -> None:
    why = amount_problem(Decimal(text))
    assert why is not None and fragment in why


def test_parameter_bounds_must_be_numbers_in_order() -> None:
    assert parameter_problems(Parameter("days", "Jours", minimum=Decimal("0.5"))) == []
    nan = parameter_problems(Parameter("days", "Jours", minimum=Decimal("NaN")))
    assert nan == ["minimum : « NaN » n'est pas un nombre"]
    crossed = Parameter("days", "Jours", minimum=Decimal(3), maximum=Decimal(1))
    assert parameter_problems(crossed) == ["minimum 3 supérieur au maximum 1"]


def test_real_grids_break_no_rule_and_a_bad_price_is_named() -> None:
    assert tariff_problems(sn_tariff()) == []
    tariff = imio_tariff()
    check_tariff(tariff)
    t1 = tariff.tables["T1"]
    row = t1.rows["Cat 3"]
    bad_row = replace(row, cells={**row.cells, "annual": Cell(PriceState.PRICED, Decimal("NaN"))})
    bad_t1 = replace(t1, rows={**t1.rows, "Cat 3": bad_row})
    bad = replace(tariff, tables={**tariff.tables, "T1": bad_t1})
    with pytest.raises(CatalogueError) as info:
        check_tariff(bad)
    assert str(info.value) == (
        f"tarif {tariff.code}, tableau T1, ligne « Cat 3 », colonne annual : "
        "« NaN » n'est pas un nombre"
    )
