"""Text that a Qt label can wrap wherever it must.

A word-wrapped ``QLabel`` breaks lines at spaces only: a long run without one (a pasted
reference, a reason typed as one word) keeps the label as wide as the run, pushing what
stands beside it out of the window. ``breakable`` puts an invisible break opportunity
(U+200B, zero width space) inside such runs; the text reads and prints the same.

Rich text does the opposite to a figure: Qt's HTML reader takes the narrow no-break space
between its thousands for a plain space, and a line may end after « 28 » with « 883
habitants » on the next. ``keep_figures`` gives such markup a no-break space it keeps.
``keep_codes`` keeps a NIS code beside its « NIS » (« NIS 82005 »), in plain text as in rich.
"""

from __future__ import annotations

import re

ZERO_WIDTH_SPACE = "\u200b"
NARROW_NO_BREAK_SPACE = "\u202f"  # babel's and core's thousands separator: « 28 883 »
NO_BREAK_SPACE = "\u00a0"
LONG_RUN = 24  # characters without a space before a run needs break opportunities
_RUN = re.compile(rf"\S{{{LONG_RUN},}}")
_NIS = re.compile(r"\bNIS (?=\d)")


def breakable(text: str, every: int = 12) -> str:
    """``text`` with a zero width space every ``every`` characters of a run of ``LONG_RUN``
    or more characters without a space; shorter words are left as they are."""

    def cut(match: re.Match[str]) -> str:
        run = match.group(0)
        return ZERO_WIDTH_SPACE.join(run[i : i + every] for i in range(0, len(run), every))

    return _RUN.sub(cut, text)


def keep_figures(markup: str) -> str:
    """``markup`` for a rich-text label or text view, its figures (« 28 883 », « 12 684,00 € »)
    never cut at the end of a line: their narrow no-break spaces become U+00A0, which Qt's
    rich text does not break at (no tag or attribute holds one)."""
    return markup.replace(NARROW_NO_BREAK_SPACE, NO_BREAK_SPACE)


def keep_codes(text: str) -> str:
    """``text`` (plain or markup) with each NIS code on the line of its « NIS »: « ancien code
    NIS » then « 82005 (Bertogne) » read as two things. The space between them becomes U+00A0,
    which Qt breaks a line at in neither."""
    return _NIS.sub("NIS" + NO_BREAK_SPACE, text)
