"""How long a value may print: a cut with « … », never a page that cannot be laid out.

The settings and member forms refuse overlong text (``desktop.core``); these cuts catch what
was stored before they did, or came in an import. No reportlab here: the document builders
(contract values) use them as well as the page layouts.
"""

from __future__ import annotations

from collections.abc import Sequence

# Longest value printed in a block that cannot break across pages (letterhead, the offer's
# parties, a signature box) or filled into the contract's wording.
MAX_PRINTED = 200
MAX_PRINTED_LINES = 6


def fit(value: object, limit: int = MAX_PRINTED) -> str:
    """``value`` as text, cut to ``limit`` characters with « … » when longer."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fit_lines(lines: Sequence[object], limit: int = MAX_PRINTED) -> list[str]:
    """At most ``MAX_PRINTED_LINES`` lines, each cut to ``limit`` characters."""
    kept = [fit(x, limit) for x in lines[:MAX_PRINTED_LINES]]
    if len(lines) > MAX_PRINTED_LINES:
        kept[-1] = fit(kept[-1] + " …", limit)
    return kept
