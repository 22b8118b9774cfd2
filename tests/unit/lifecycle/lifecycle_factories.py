"""Hand-built members, decisions and quotes for the offer lifecycle tests (no engine needed)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from desktop.core.categories import CategoryDecision
from desktop.core.members import Headcount, Member, MemberKind
from desktop.core.offers import Offer
from desktop.core.quote import (
    LineRequest,
    LineStatus,
    Notice,
    Quote,
    QuoteLine,
    QuoteRequest,
    Severity,
    Totals,
)

D = Decimal
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def member(name: str = "Nivelles", nis: str = "25072", people: int = 28_521) -> Member:
    return Member(
        id=f"commune:{nis}",
        kind=MemberKind.COMMUNE,
        name=name,
        nis=nis,
        postcodes=("1400",),
        reference_size=Headcount(people, date(2024, 1, 1), "Statbel"),
    )


def decision(category: str = "Cat 5") -> CategoryDecision:
    return CategoryDecision(category, category, (f"Commune : -> {category}",))


def line(
    product: str,
    one_time: str | None,
    annual: str | None,
    days: str | None = None,
    *,
    name: str | None = None,
    params: dict[str, str] | None = None,
    status: LineStatus = LineStatus.PRICED,
) -> QuoteLine:
    return QuoteLine(
        product=product,
        name=name or product,
        family="gouvernance",
        params={k: D(v) for k, v in (params or {}).items()},
        one_time=D(one_time) if one_time is not None else None,
        annual=D(annual) if annual is not None else None,
        setup_days=D(days) if days is not None else None,
        status=status,
    )


def quote(
    lines: tuple[QuoteLine, ...],
    *,
    category: str = "Cat 5",
    tariff: str = "imio-2024",
    m: Member | None = None,
    notices: tuple[Notice, ...] = (),
) -> Quote:
    one = sum((x.one_time for x in lines if x.one_time is not None), D(0))
    ann = sum((x.annual for x in lines if x.annual is not None), D(0))
    partial = any(x.partial for x in lines)
    years = (one + ann, ann * D("1.02"), ann * D("1.02") ** 2)
    totals = Totals(
        one, ann, one + ann, tuple(y.quantize(D("0.01")) for y in years), partial, D("0.02")
    )
    return Quote(tariff, m or member(), decision(category), lines, totals, notices)


def request(*products: str, tariff: str = "imio-2024") -> QuoteRequest:
    return QuoteRequest(tariff, tuple(LineRequest(p, {}) for p in products))


def draft(
    lines: tuple[QuoteLine, ...] | None = None,
    *,
    category: str = "Cat 5",
    m: Member | None = None,
    tariff: str = "imio-2024",
    notices: tuple[Notice, ...] = (),
) -> Offer:
    lines = (
        lines
        if lines is not None
        else (
            line("delib", "4530", "2112", "5", name="iA.Délib"),
            line("aes", "5436", "1872", "6", name="iA.AES", params={"schools": "9"}),
        )
    )
    m = m or member()
    q = quote(lines, category=category, tariff=tariff, m=m, notices=notices)
    return Offer.new_draft(
        QuoteRequest(tariff, tuple(LineRequest(x.product, dict(x.params)) for x in lines)),
        m,
        decision(category),
        q,
        seller="Anne Dupont",
        now=NOW,
    )


BLOCKING = Notice("excludes:citizen-smartweb", Severity.BLOCKING, "iA.Citizen contient SmartWeb.")
