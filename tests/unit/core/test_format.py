"""Plain-text amounts built in core look like babel's fr_BE and round like line amounts."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from desktop.core.format import NNBSP, agree, decimal_text, euros, group_int


def test_grouping_and_cents_like_fr_be() -> None:
    assert euros(Decimal("8062")) == f"8{NNBSP}062,00\u00a0€"
    assert euros(Decimal("1200.125")) == f"1{NNBSP}200,13\u00a0€"  # half-up, not half-even
    assert euros(Decimal("-4463.5")) == f"-4{NNBSP}463,50\u00a0€"
    assert euros(Decimal("5973"), whole_without_cents=True) == f"5{NNBSP}973\u00a0€"
    assert euros(Decimal("906.5"), whole_without_cents=True) == "906,50\u00a0€"


def test_zero_has_no_minus_sign() -> None:
    """A free option's note or a remainder rounding to nothing reads « 0,00 € », never « -0,00 € »."""
    assert group_int(0) == "0"
    assert euros(Decimal("0")) == "0,00\u00a0€"
    assert euros(Decimal("-0.004")) == "0,00\u00a0€"
    assert euros(Decimal("0"), whole_without_cents=True) == "0\u00a0€"


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_group_int_round_trips(n: int) -> None:
    assert int(group_int(n).replace(NNBSP, "")) == n


def test_a_quantity_in_a_message_keeps_its_sign_and_its_decimals() -> None:
    """« 0,5 jour », « 2,5 », « 12 500 »: a half day is not printed « -0,5 »."""
    assert [decimal_text(Decimal(t)) for t in ("0.5", "2.5", "12500", "0", "-1.5", "0.50")] == [
        "0,5",
        "2,5",
        f"12{NNBSP}500",
        "0",
        "-1,5",
        "0,5",
    ]


def test_french_agrees_in_the_singular_below_two() -> None:
    assert [agree(n, "habitants") for n in (0, 1, 2, 1500)] == [
        "habitant",
        "habitant",
        "habitants",
        "habitants",
    ]
    assert agree(Decimal("1.5"), "jours") == "jour"
    assert agree(1, "autres") == "autre" and agree(2, "autres") == "autres"
    assert agree(1, "travaux", "travail") == "travail"
