"""Plain-text helpers for traces and messages built in core (no locale library here).

Documents and screens format money with babel at the edges; core only needs to group the
digits of a whole number the way fr_BE does, with a narrow no-break space.
"""

from __future__ import annotations

NNBSP = "\u202f"


def group_int(n: int) -> str:
    """12500 -> '12 500' (narrow no-break space), as babel prints it for fr_BE."""
    sign = "-" if n < 0 else ""
    return sign + f"{abs(n):,}".replace(",", NNBSP)
