"""What a person types, read the same way by the screens and the command line.

Whole numbers (« 12500 », « 12 500 », « 12.500 »), dates with a four-digit year, and text of a
bounded length. Each reader raises ``InvalidInput`` naming the field, with a French message
that says what to write instead. The bounds are generous: they stop a slip (a pasted page, a
number with ten digits too many, a year typed with two digits), never a real but unusual value.

Only ASCII digits count as digits: ``str.isdigit`` and ``int`` also accept « ² », « ١٢ » or
« 1_000 », which nobody means as a number here.

Text pasted from a mail, a Word document or a web page is read as it shows: its accents
composed, without the invisible characters that come with it, and refused when it holds a
character the documents cannot print.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from desktop.core.errors import InvalidInput
from desktop.core.format import agree, group_int
from desktop.core.glyphs import printable

# Dates of offers, contracts and filters: a year outside this range is a typing slip (« 26 »
# for 2026, « 0001 »), and dates computed from it (validity end, renewal) would overflow.
MIN_YEAR = 2000
MAX_YEAR = 2099

_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})
_PLAIN = re.compile(r"[0-9]+")
# Belgian thousands separators: a space (any width) or a dot, groups of exactly three digits.
_GROUPED = re.compile(r"[0-9]{1,3}(?:([ .])[0-9]{3})(?:\1[0-9]{3})*")
_FRACTION = re.compile(r"[0-9][0-9 .]*[.,][0-9]+")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]+)")
_ISO_SHORT = re.compile(r"([0-9]{1,3}|[0-9]{5,})-([0-9]{1,2})-([0-9]{1,2})")

SHOWN = 40  # characters of a refused value quoted back in a message


def shown(text: object) -> str:
    """A refused value as quoted in a message: a pasted page is cut, not printed back."""
    value = str(text).strip()
    return value if len(value) <= SHOWN else value[: SHOWN - 1] + "…"


def ascii_int(text: object) -> int | None:
    """« 12 », « -3 » -> int; None for anything else (« ² », « ١٢ », « 1_0 », « 1e3 »)."""
    raw = str(text).strip()
    if not _INTEGER.fullmatch(raw) or len(raw) > 18:
        return None
    return int(raw)


def plain_decimal(text: str) -> str | None:
    """« 2,5 » -> '2.5' when ``text`` is a plain decimal number (sign, digits, one decimal
    comma or dot) of at most 30 characters; None otherwise (exponents, « NaN », « Infinity »,
    letters, a number long enough to overflow once multiplied)."""
    raw = visible(text).strip().translate(_SPACES).replace(" ", "")
    if len(raw) > 30 or not _DECIMAL.fullmatch(raw):
        return None
    return raw.replace(",", ".")


def parse_whole(text: str, *, field: str, what: str, maximum: int) -> int:
    """A whole number from 0 to ``maximum`` typed with or without thousands separators.

    « 1500 », « 1 500 » and « 1.500 » are 1500; « 1.5 » and « 1,5 » are refused (a decimal
    number, not a count), as are « ² », negative numbers and anything above ``maximum``.
    """
    raw = visible(text).strip().translate(_SPACES)
    if _PLAIN.fullmatch(raw):
        digits = raw
    elif m := _GROUPED.fullmatch(raw):
        digits = raw.replace(m.group(1), "")
    elif _FRACTION.fullmatch(raw):
        raise InvalidInput(
            f"{what} : « {shown(text)} » n'est pas un nombre entier. Indiquez un nombre sans "
            "décimales ; pour séparer les milliers, groupez les chiffres par trois "
            "(1500, 1 500 ou 1.500).",
            field=field,
        )
    else:
        raise InvalidInput(
            f"{what} : indiquez un nombre entier positif en chiffres (par exemple 12500 ou "
            f"12 500) ; reçu « {shown(text)} ».",
            field=field,
        )
    digits = digits.lstrip("0") or "0"
    if len(digits) > len(str(maximum)) or int(digits) > maximum:
        raise InvalidInput(
            f"{what} : au plus {group_int(maximum)} ; reçu « {shown(text)} ». "
            "Vérifiez le nombre de chiffres.",
            field=field,
        )
    return int(digits)


def visible(text: str) -> str:
    """``text`` as it shows: accents composed (« e » then a combining accent is « é »), without
    the invisible characters a paste brings along (zero width space, soft hyphen, byte order
    mark, direction marks), which kept a name from being found by what it shows."""
    if text.isascii():
        return text
    composed = unicodedata.normalize("NFC", text)
    return "".join(c for c in composed if unicodedata.category(c) != "Cf")


def one_line(text: str) -> str:
    """``text`` as ``visible`` reads it, on one line: line breaks, tabs and runs of spaces
    (no-break ones too) become one space, none at either end."""
    return " ".join(visible(text).split())


SHOWN_CHARACTERS = 3  # characters that cannot be printed, quoted in a message


def check_printable(text: str, *, field: str, what: str) -> str:
    """``text`` when the documents can print every character of it (line breaks aside); else
    ``InvalidInput`` quoting the characters to take out."""
    if text.isascii() and text.isprintable():
        return text
    wrong = list(dict.fromkeys(c for c in text if c not in "\r\n" and not printable(c)))
    if wrong:
        quoted = ", ".join(f"« {c} » (U+{ord(c):04X})" for c in wrong[:SHOWN_CHARACTERS])
        n = len(wrong)
        more = f" et {n - SHOWN_CHARACTERS} autres" if n > SHOWN_CHARACTERS else ""
        raise InvalidInput(
            f"{what} : {quoted}{more} ne {agree(n, 'peuvent', 'peut')} pas s'imprimer sur "
            f"l'offre ni sur le bon de commande ; {agree(n, 'retirez-les', 'retirez-le')} ou "
            f"{agree(n, 'remplacez-les', 'remplacez-le')} par du texte.",
            field=field,
        )
    return text


def check_length(text: str, *, limit: int, field: str, what: str) -> str:
    """``text`` when it has at most ``limit`` characters; else ``InvalidInput`` saying so."""
    if len(text) > limit:
        raise InvalidInput(
            f"{what} : {group_int(limit)} caractères au plus ; le texte saisi en compte "
            f"{group_int(len(text))}. Raccourcissez-le.",
            field=field,
        )
    return text


# A reason (a refusal, a late acceptance, a dérogation, a category chosen by hand) is a
# sentence or two, printed on the offer and in its history. Pasted pages made those blocks
# run off the page and the editor's notices off the window.
MAX_REASON_LENGTH = 300


def check_reason(
    text: str, *, field: str = "reason", what: str = "Motif", printed: bool = False
) -> str:
    """``text`` on one line (a line break pasted or typed on the command line broke the
    history and the offer's remarks) and trimmed, when it has at most ``MAX_REASON_LENGTH``
    characters and, for a reason ``printed`` on the documents, prints; else ``InvalidInput``
    saying what to change. An empty reason is the caller's to refuse."""
    if printed:
        return printed_line(text, limit=MAX_REASON_LENGTH, field=field, what=what)
    return check_length(one_line(text), limit=MAX_REASON_LENGTH, field=field, what=what)


def printed_line(text: str, *, limit: int, field: str, what: str) -> str:
    """``text`` on one line (``one_line``), when it prints and has at most ``limit``
    characters; else ``InvalidInput``."""
    line = check_printable(one_line(text), field=field, what=what)
    return check_length(line, limit=limit, field=field, what=what)


def override_reason(text: str) -> str:
    """The reason of a dérogation, trimmed: required, and a sentence or two."""
    if not text.strip():
        raise InvalidInput("Une dérogation doit être justifiée : indiquez un motif.", field="overrides")
    return check_reason(text, field="overrides", what="Motif de la dérogation", printed=True)


def check_year(value: date, *, field: str, what: str) -> date:
    """``value`` when its year is from ``MIN_YEAR`` to ``MAX_YEAR``; else ``InvalidInput``."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise InvalidInput(
            f"{what} : l'année {value.year:04d} n'est pas plausible ; indiquez une date de "
            f"{MIN_YEAR} à {MAX_YEAR}, l'année en quatre chiffres (par exemple 15/03/2026 ou "
            "2026-03-15).",
            field=field,
        )
    return value


def parse_date(text: str, *, field: str, what: str) -> date:
    """« 2026-03-15 » or « 15/03/2026 » -> date, the year in four digits within the range."""
    raw = text.strip()
    if m := _ISO.fullmatch(raw):
        y, mo, d = (int(g) for g in m.groups())
    elif (m := _DMY.fullmatch(raw)) and len(m.group(3)) == 4:
        d, mo, y = (int(g) for g in m.groups())
    elif m or _ISO_SHORT.fullmatch(raw):
        raise InvalidInput(
            f"{what} : « {shown(text)} » : l'année s'écrit en quatre chiffres (2026, pas 26), "
            "par exemple 15/03/2026 ou 2026-03-15.",
            field=field,
        )
    else:
        raise InvalidInput(
            f"Date invalide pour {what} : « {shown(text)} ». Écrivez le jour, le mois et "
            "l'année en chiffres, par exemple 15/03/2026 (ou 2026-03-15).",
            field=field,
        )
    try:
        value = date(y, mo, d)
    except ValueError:
        raise InvalidInput(
            f"Date impossible pour {what} : « {shown(text)} » (jour ou mois hors calendrier). "
            "Par exemple 15/03/2026 ou 2026-03-15.",
            field=field,
        ) from None
    return check_year(value, field=field, what=what)
