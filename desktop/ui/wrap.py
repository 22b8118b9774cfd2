"""Text that a Qt label can wrap wherever it must.

A word-wrapped ``QLabel`` breaks lines at spaces only: a long run without one (a pasted
reference, a reason typed as one word) keeps the label as wide as the run, pushing what
stands beside it out of the window. ``breakable`` puts an invisible break opportunity
(U+200B, zero width space) inside such runs; the text reads and prints the same.
"""

from __future__ import annotations

import re

ZERO_WIDTH_SPACE = "\u200b"
LONG_RUN = 24  # characters without a space before a run needs break opportunities
_RUN = re.compile(rf"\S{{{LONG_RUN},}}")


def breakable(text: str, every: int = 12) -> str:
    """``text`` with a zero width space every ``every`` characters of a run of ``LONG_RUN``
    or more characters without a space; shorter words are left as they are."""

    def cut(match: re.Match[str]) -> str:
        run = match.group(0)
        return ZERO_WIDTH_SPACE.join(run[i : i + every] for i in range(0, len(run), every))

    return _RUN.sub(cut, text)
