"""Plain-text helpers for traces and messages built in core (no locale library here).

Documents and screens format money with babel at the edges; core only needs to group the
digits of a whole number the way fr_BE does, with a narrow no-break space.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

NNBSP = "\u202f"
_HUGE = Decimal(10) ** 15

# French spacing: the space after « and before » : ; ! ?, the one after « n° », and the one
# between a figure and its « % » or « € » (« 50 % », « 906 € » in the catalogue's notes) never
# break a line.
_FRENCH_SPACE = re.compile(r"(?<=«) | (?=[»:;!?])|(?<=\b[nN]°) |(?<=\d) (?=[%€])")


def french_spaces(text: str) -> str:
    """``text`` (or markup: no tag holds such a space) with its French spaces unbreakable
    (U+00A0)."""
    return _FRENCH_SPACE.sub("\u00a0", text)


def group_int(n: int) -> str:
    """12500 -> '12 500' (narrow no-break space), as babel prints it for fr_BE."""
    sign = "-" if n < 0 else ""
    return sign + f"{abs(n):,}".replace(",", NNBSP)


def agree(n: int | Decimal, plural: str, singular: str | None = None) -> str:
    """The noun that goes with the count ``n``, as French agrees it: singular below 2
    (« 0 habitant », « 1 autre », « 1,5 jour »), plural from 2. ``singular`` defaults to
    ``plural`` without its final « s »."""
    if -2 < n < 2:
        if singular is not None:
            return singular
        return plural[:-1] if plural.endswith("s") else plural
    return plural


def euros(amount: Decimal, *, whole_without_cents: bool = False) -> str:
    """Plain-text euro amount for messages and notes built in core, shaped like babel's fr_BE.

    Decimal('8062') -> '8 062,00 €'; with ``whole_without_cents``, '8 062 €' (for grid
    figures quoted in explanations). Rounds half-up to the cent, as line amounts are.
    """
    q = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if whole_without_cents and q == q.to_integral_value():
        return f"{group_int(int(q))}\u00a0€"
    sign = "-" if q < 0 else ""
    units, _, cents = format(abs(q), "f").partition(".")
    return f"{sign}{group_int(int(units))},{cents}\u00a0€"


def decimal_text(d: Decimal) -> str:
    """A quantity or a parameter for a French message: 3, 2,5, 12 500 (1E+30 for an absurd
    value, never expanded into a million digits)."""
    if not d.is_finite() or d.copy_abs() >= _HUGE or (d and d.adjusted() < -12):
        return format(d, "E")
    if d == d.to_integral_value():
        return group_int(int(d))
    sign = "-" if d < 0 else ""
    whole, _, frac = format(abs(d).normalize(), "f").partition(".")
    return f"{sign}{group_int(int(whole))},{frac}"
