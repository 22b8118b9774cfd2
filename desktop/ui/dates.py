"""Dates typed by hand in the forms: 15/03/2026 (also 15-03-2026, 15.03.2026, 2026-03-15)."""

from __future__ import annotations

import re
from datetime import date

from desktop.core.errors import InvalidInput
from desktop.core.inputs import check_year, shown

EXAMPLE = "15/03/2026"
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_date(text: str, field: str, what: str = "Date") -> date | None:
    """The date typed in ``text``, None when it is empty; ``InvalidInput`` on ``field``
    saying what to write otherwise."""
    raw = text.strip()
    if not raw:
        return None
    if m := _ISO.fullmatch(raw):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _DMY.fullmatch(raw):
        d, mo, y = (int(g) for g in m.groups())
    else:
        raise InvalidInput(
            f"{what} : « {shown(raw)} » n'est pas une date. Écrivez-la JJ/MM/AAAA (par exemple {EXAMPLE}).",
            field=field,
        )
    try:
        value = date(y, mo, d)
    except ValueError:
        raise InvalidInput(
            f"{what} : le {raw} n'existe pas (jour ou mois hors calendrier).", field=field
        ) from None
    return check_year(value, field=field, what=what)  # « 01/01/0001 » is a slip, not a date


def format_date(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value is not None else ""
