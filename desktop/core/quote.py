"""A quote: what was asked, what each line costs, and the budget over the years.

These are plain values. ``desktop.core.pricing.build_quote`` produces a ``Quote`` from a
``QuoteRequest``; screens, documents, the CLI and the offer store only read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from desktop.core.categories import CategoryDecision
from desktop.core.members import Member

CENT = Decimal("0.01")
DEFAULT_YEARS = 3
MAX_YEARS = 6
DEFAULT_INDEXATION = Decimal("0.02")


def round_cents(amount: Decimal) -> Decimal:
    """Half-up to the cent, the rounding of every line amount."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


class LineStatus(StrEnum):
    PRICED = "priced"
    SUR_DEVIS = "sur_devis"
    NOT_OFFERED = "not_offered"

    @property
    def label(self) -> str:
        return {
            LineStatus.PRICED: "Tarifé",
            LineStatus.SUR_DEVIS: "Sur devis",
            LineStatus.NOT_OFFERED: "Non proposé",
        }[self]


class Severity(StrEnum):
    INFO = "info"  # e.g. "remise CPAS appliquée"
    WARNING = "warning"  # worth reading, does not block
    BLOCKING = "blocking"  # must be fixed or overridden before finalising


@dataclass(frozen=True, slots=True)
class Notice:
    code: str  # stable code, e.g. "requires:atal-mobile", "excludes:citizen-smartweb"
    severity: Severity
    message: str  # French, for the user


@dataclass(frozen=True, slots=True)
class LineRequest:
    product: str  # catalogue product code
    params: Mapping[str, Decimal] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    tariff: str
    lines: tuple[LineRequest, ...]
    years: int = DEFAULT_YEARS
    indexation: Decimal = DEFAULT_INDEXATION
    overrides: Mapping[str, str] = field(default_factory=dict)  # notice code -> reason
    commune_has: frozenset[str] = frozenset()  # products the CPAS's commune has in production


@dataclass(frozen=True, slots=True)
class QuoteLine:
    product: str
    name: str
    family: str
    params: Mapping[str, Decimal]
    one_time: Decimal | None  # None = not priced (sur devis / not offered)
    annual: Decimal | None
    setup_days: Decimal | None
    status: LineStatus
    notes: tuple[str, ...] = ()
    notices: tuple[Notice, ...] = ()
    discount: Decimal | None = None  # amount taken off (positive), when a discount applied
    tax_mode: str = ""

    @property
    def partial(self) -> bool:
        return self.status is not LineStatus.PRICED


@dataclass(frozen=True, slots=True)
class Totals:
    one_time: Decimal
    annual: Decimal
    year1: Decimal
    years: tuple[Decimal, ...]  # year 1..N, indexed from year 2 on
    partial: bool
    indexation: Decimal


@dataclass(frozen=True, slots=True)
class Quote:
    tariff: str
    member: Member | None
    decision: CategoryDecision
    lines: tuple[QuoteLine, ...]
    totals: Totals
    notices: tuple[Notice, ...] = ()  # quote-level (exclusivity, missing parent...)
    overrides: Mapping[str, str] = field(default_factory=dict)
    terms: tuple[str, ...] = ()  # codes of the printed terms that apply

    @property
    def blocking(self) -> tuple[Notice, ...]:
        return tuple(
            n
            for n in (*self.notices, *(x for line in self.lines for x in line.notices))
            if n.severity is Severity.BLOCKING
        )
