"""Reading the seed files of ``db/``: CSV rows that remember their ``file:line``.

Every seed file is UTF-8 CSV with one header row. Blank lines and lines starting with ``#``
are ignored (they only help a person read the file). A value is trimmed; an empty cell is
``""``. Violations are collected, not raised one by one, so a tariff owner sees every problem
of a file in one go; ``Violations.raise_if_any`` raises a ``SeedError`` whose message names the
exact ``file:line`` of each.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from desktop.core.errors import CatalogueError

MAX_REPORTED = 30


class SeedError(CatalogueError):
    """Seed data breaks a rule; ``violations`` lists every ``(file:line, reason)`` found."""

    def __init__(self, violations: list[tuple[str, str]]) -> None:
        first_location, first_reason = violations[0]
        if len(violations) == 1:
            super().__init__(first_reason, first_location)
        else:
            shown = [f"{loc} : {why}" for loc, why in violations[:MAX_REPORTED]]
            more = len(violations) - MAX_REPORTED
            if more > 0:
                shown.append(f"... et {more} autre(s)")
            message = f"{len(violations)} erreurs dans les données de départ :\n" + "\n".join(shown)
            CatalogueError.__init__(self, message)
            self.location = first_location
            self.reason = first_reason
        self.violations = list(violations)


@dataclass
class Violations:
    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, location: str, reason: str) -> None:
        self.items.append((location, reason))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise SeedError(self.items)


@dataclass(frozen=True, slots=True)
class Row:
    """One data row of a seed file: its values by column and where it is."""

    file: str  # display path, e.g. "db/tariffs/imio-2024/price_tables.csv"
    line: int  # first line of the record (1-based, as an editor shows it)
    values: dict[str, str]

    @property
    def loc(self) -> str:
        return f"{self.file}:{self.line}"

    def __getitem__(self, key: str) -> str:
        return self.values.get(key, "")

    def get(self, key: str, default: str = "") -> str:
        value = self.values.get(key)
        return default if value is None or value == "" else value


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to the folder that holds the seed root (``db/...``), POSIX style."""
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return path.as_posix()


def read_rows(
    path: Path,
    root: Path,
    required: Iterable[str],
    optional: Iterable[str] = (),
    problems: Violations | None = None,
    *,
    allow_extra: bool = False,
) -> list[Row]:
    """The data rows of ``path``; header and shape problems go to ``problems``."""
    shown = display_path(path, root)
    problems = problems if problems is not None else Violations()
    required = list(required)
    known = set(required) | set(optional)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.add(shown, "fichier absent")
        return []
    except UnicodeDecodeError as e:
        problems.add(shown, f"le fichier n'est pas en UTF-8 ({e.reason})")
        return []
    rows: list[Row] = []
    header: list[str] | None = None
    for line, record in _records(text):
        if header is None:
            header = [h.strip() for h in record]
            missing = [c for c in required if c not in header]
            if missing:
                problems.add(f"{shown}:{line}", "colonne(s) manquante(s) : " + ", ".join(missing))
            unknown = [c for c in header if c not in known]
            if unknown and not allow_extra:
                problems.add(f"{shown}:{line}", "colonne(s) inconnue(s) : " + ", ".join(unknown))
            dupes = sorted({c for c in header if header.count(c) > 1})
            if dupes:
                problems.add(f"{shown}:{line}", "colonne(s) en double : " + ", ".join(dupes))
            continue
        if len(record) != len(header):
            problems.add(
                f"{shown}:{line}",
                f"{len(record)} valeurs pour {len(header)} colonnes (une virgule en trop ou "
                "manquante ? un texte contenant une virgule doit être entre guillemets)",
            )
            continue
        values = {h: v.strip() for h, v in zip(header, record, strict=True)}
        rows.append(Row(shown, line, values))
    if header is None:
        problems.add(shown, "fichier vide (la ligne d'en-tête manque)")
    return rows


def _delimiter(lines: Iterable[str]) -> str:
    """« ; » for a file Excel saved on a Belgian or French Windows (its list separator there:
    the comma is the decimal sign), else « , »; read from the header line."""
    for line in lines:
        text = line.strip()
        if text and not text.startswith("#"):
            return ";" if ";" in text and "," not in text else ","
    return ","


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the line each starts on; blank and ``#`` lines skipped."""
    lines = text.splitlines(keepends=True)
    reader = csv.reader(lines, delimiter=_delimiter(lines))
    last_end = 0
    for record in reader:
        start = last_end + 1
        last_end = reader.line_num
        # skip lines that are blank or comments (they come back as [] or ['# ...'])
        if not record or all(not c.strip() for c in record):
            continue
        if record[0].lstrip().startswith("#"):
            continue
        # the record starts at the first non-blank line after the previous record
        while start <= last_end and not lines[start - 1].strip():
            start += 1
        yield start, record


# --------------------------------------------------------------------------- value parsing

_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
TRUE = {"oui", "yes", "true", "1", "vrai", "o", "y"}
FALSE = {"non", "no", "false", "0", "faux", "n", ""}


def parse_decimal(text: str) -> Decimal | None:
    """'3735' -> Decimal('3735'), '0,5' -> Decimal('0.5'); None if not a plain number."""
    t = text.strip()
    if not _NUMBER.match(t):
        return None
    try:
        return Decimal(t.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the regex already guards
        return None


def parse_int(text: str) -> int | None:
    t = text.strip()
    if not re.fullmatch(r"-?\d+", t):
        return None
    return int(t)


def parse_bool(text: str) -> bool | None:
    t = text.strip().lower()
    if t in TRUE:
        return True
    if t in FALSE:
        return False
    return None


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def split_list(text: str) -> tuple[str, ...]:
    """'a; b; c' -> ('a', 'b', 'c'); empty items dropped."""
    return tuple(x.strip() for x in text.split(";") if x.strip())


_PARAM_START = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*=(.*)$", re.DOTALL)


def parse_params(text: str) -> tuple[dict[str, str], list[str]]:
    """``'table=T1; column=annual'`` -> ``{'table': 'T1', 'column': 'annual'}``.

    A ``;`` followed by something that is not ``key=`` belongs to the previous value, so a
    note may contain a semicolon. Returns the params and the problems found.
    """
    params: dict[str, str] = {}
    problems: list[str] = []
    current: str | None = None
    for part in text.split(";"):
        m = _PARAM_START.match(part)
        if m:
            key, value = m.group(1), m.group(2).strip()
            if key in params:
                problems.append(f"paramètre « {key} » donné deux fois")
            params[key] = value
            current = key
        elif current is not None:
            params[current] = f"{params[current]}; {part.strip()}".rstrip("; ").strip()
        elif part.strip():
            problems.append(f"« {part.strip()} » n'est pas de la forme clé=valeur")
    return params, problems
