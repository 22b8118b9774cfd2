"""A quote: what was asked, what each line costs, and the budget over the years.

These are plain values. ``desktop.core.pricing.build_quote`` produces a ``Quote`` from a
``QuoteRequest``; screens, documents, the CLI and the offer store only read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from desktop.core.categories import CategoryDecision
from desktop.core.members import Member

CENT = Decimal("0.01")
# Marks a field added after offers were first frozen: their stored form, and so their
# fingerprint, leaves it out while it holds its default. Offers frozen by an earlier version
# (in this database or in a bundle from another laptop) keep matching their fingerprint.
ADDED_LATER = {"added_later": True}
DEFAULT_YEARS = 3
MAX_YEARS = 6
DEFAULT_INDEXATION = Decimal("0.02")
# what a quote's budget may assume, as a fraction per year (scenarios included: a falling index)
INDEXATION_RANGE = (Decimal("-0.5"), Decimal(1))


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
            LineStatus.NOT_OFFERED: "Sur devis",  # no price for the category: see PriceState
        }[self]


class Severity(StrEnum):
    INFO = "info"  # e.g. "remise CPAS appliquée"
    WARNING = "warning"  # worth reading, does not block
    BLOCKING = "blocking"  # must be fixed or overridden before finalising


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning or piece of information about a line or the whole quote."""

    code: str  # stable code, e.g. "requires:atal-mobile", "excludes:citizen-smartweb"
    severity: Severity
    message: str  # French, for the user
    # a rule set aside by a dérogation: its reason (the notice is then INFO)
    waived: str = field(default="", metadata=ADDED_LATER)


@dataclass(frozen=True, slots=True)
class LineRequest:
    """A product asked for, with its parameters."""

    product: str  # catalogue product code
    params: Mapping[str, Decimal] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    """Everything the engine needs to price an offer, apart from the member."""

    tariff: str
    lines: tuple[LineRequest, ...]
    years: int = DEFAULT_YEARS
    indexation: Decimal = DEFAULT_INDEXATION
    overrides: Mapping[str, str] = field(default_factory=dict)  # notice code -> reason
    commune_has: frozenset[str] = frozenset()  # products the CPAS's commune has in production


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """One priced line: its amounts (None where not priced), status and notices."""

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
    # the buckets (« one_time », « annual ») with a part « sur devis », priced part or not:
    # iA.GPEC's set-up, iA.Tech's extra users
    unpriced: tuple[str, ...] = field(default=(), metadata=ADDED_LATER)

    @property
    def status_label(self) -> str:
        """« En partie sur devis » for a line priced in part (iA.GPEC's maintenance, iA.Tech
        with extra users), else its status's label."""
        if self.status is LineStatus.SUR_DEVIS and any(a for a in (self.one_time, self.annual) if a is not None):
            return "En partie sur devis"
        return self.status.label

    def misses(self, bucket: str) -> bool:
        """Something of ``bucket`` (« one_time », « annual ») has no price on this line."""
        if (self.one_time if bucket == "one_time" else self.annual) is None:
            return True
        if self.status is LineStatus.PRICED:
            return False
        return bucket in self.unpriced or not self.unpriced  # stored before buckets were told

    @property
    def partial(self) -> bool:
        return self.status is not LineStatus.PRICED


@dataclass(frozen=True, slots=True)
class Totals:
    """One-time and annual totals and the budget year by year."""

    one_time: Decimal
    annual: Decimal
    year1: Decimal
    years: tuple[Decimal, ...]  # year 1..N, indexed from year 2 on
    partial: bool
    indexation: Decimal


def counts_in_totals(line: QuoteLine, tax_mode: str = "") -> bool:
    """Whether the line's amounts are summed into totals kept in ``tax_mode``.

    Lines in another mode (the TTC lines of an HT grid) stay out of the sums, so that HT and
    TTC amounts never mix.
    """
    return (line.tax_mode or "") == (tax_mode or "")


@dataclass(frozen=True, slots=True)
class TotalsCoverage:
    """Which totals stand for an amount, and which are wholly « sur devis ».

    A total is *not priced* (False) when something in it has no price (sur devis, not
    offered) and nothing in it is priced above zero: iA.GPEC alone has a known annual
    maintenance but its set-up is sur devis, so its one-time total is shown « Sur devis »,
    never 0 €. A total with some priced and some unpriced amounts is priced, and partial
    (``Totals.partial``). A total with nothing missing is priced, even when it is 0.
    """

    one_time: bool = True
    annual: bool = True
    year1: bool = True  # annual + one-time
    # a priced total that leaves out a « sur devis » amount (printed with its asterisk): iA.GPEC
    # makes the one-time total partial, not the annual one, nor years 2 and later
    one_time_partial: bool = False
    annual_partial: bool = False
    year1_partial: bool = False

    def year(self, k: int) -> bool:
        """Year ``k`` (from 1) of the budget: year 1 = annual + one-time, then annual only."""
        return self.year1 if k == 1 else self.annual

    def year_partial(self, k: int) -> bool:
        return self.year1_partial if k == 1 else self.annual_partial

    def no_annual_cost(self, totals: Totals) -> bool:
        """Nothing is due each year (days of service only): an annual total of zero with no
        part of it sur devis."""
        return self.annual and not self.annual_partial and not totals.annual

    def no_set_up(self, totals: Totals) -> bool:
        """Nothing is due once (yearly fees only: storage...): a one-time total of zero with
        no part of it sur devis."""
        return self.one_time and not self.one_time_partial and not totals.one_time


def _stands_for_an_amount(amounts: Sequence[Decimal | None]) -> bool:
    missing = any(a is None for a in amounts)
    return not missing or any(a for a in amounts if a is not None)




def totals_coverage(lines: Iterable[QuoteLine], tax_mode: str = "") -> TotalsCoverage:
    """The ``TotalsCoverage`` of the totals of ``lines`` (the lines ``compute_totals`` sums)."""
    lines = list(lines)
    counted = [line for line in lines if counts_in_totals(line, tax_mode)]
    one_time = [line.one_time for line in counted]
    annual = [line.annual for line in counted]
    apart = len(counted) < len(lines)  # lines of another tax mode: left out of both totals
    missing = [apart or any(x.misses(b) for x in counted) for b in ("one_time", "annual")]
    priced = [_stands_for_an_amount(one_time), _stands_for_an_amount(annual)]
    year1 = _stands_for_an_amount(one_time + annual)
    return TotalsCoverage(
        one_time=priced[0],
        annual=priced[1],
        year1=year1,
        one_time_partial=priced[0] and missing[0],
        annual_partial=priced[1] and missing[1],
        year1_partial=year1 and (missing[0] or missing[1]),
    )


@dataclass(frozen=True, slots=True)
class Quote:
    """The engine's answer: the lines, the totals, the notices and the terms to print."""

    tariff: str
    member: Member | None
    decision: CategoryDecision
    lines: tuple[QuoteLine, ...]
    totals: Totals
    notices: tuple[Notice, ...] = ()  # quote-level (exclusivity, missing parent...)
    overrides: Mapping[str, str] = field(default_factory=dict)
    terms: tuple[str, ...] = ()  # codes of the printed terms that apply

    @property
    def coverage(self) -> TotalsCoverage:
        """Which of ``totals`` stand for an amount (the others print « Sur devis »)."""
        return totals_coverage(self.lines)

    @property
    def blocking(self) -> tuple[Notice, ...]:
        return tuple(
            n
            for n in (*self.notices, *(x for line in self.lines for x in line.notices))
            if n.severity is Severity.BLOCKING
        )
