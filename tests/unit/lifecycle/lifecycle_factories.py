"""Hand-built members, decisions and quotes for the offer lifecycle tests (no engine needed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

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
from desktop.store.database import Database, _apply, connect, discover_migrations

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
    unpriced: tuple[str, ...] = (),
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
        unpriced=unpriced,
    )


def quote(
    lines: tuple[QuoteLine, ...],
    *,
    category: str = "Cat 5",
    tariff: str = "imio-2026",
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


def request(*products: str, tariff: str = "imio-2026") -> QuoteRequest:
    return QuoteRequest(tariff, tuple(LineRequest(p, {}) for p in products))


def draft(
    lines: tuple[QuoteLine, ...] | None = None,
    *,
    category: str = "Cat 5",
    m: Member | None = None,
    tariff: str = "imio-2026",
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


# --- a database with only the lifecycle migrations, and fakes for settings and pricing -----


def open_test_db(path: Path) -> Database:
    """The real ``Database`` with every migration applied, but no seeding (fast, empty)."""
    conn = connect(path)
    db = Database(path, conn)
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if not exists:
        with db.transaction():
            conn.execute(
                "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                " applied_at TEXT NOT NULL) STRICT"
            )
            for m in discover_migrations():
                _apply(conn, m, path)
    return db


@dataclass
class FakeSettings:
    device_code: str = "LAP1"
    validity_days: int = 90
    seller_name: str = "Anne Dupont"
    seller_initials: str = "AD"


@dataclass
class FakePricer:
    """Tariffs 'imio-2024' (valid from 2024-01-01) and 'imio-2026' (from 2026-01-01): the 2026
    grid is 10 % dearer; categories come from a member -> category map."""

    categories: dict[str, str] = field(default_factory=lambda: {"commune:25072": "Cat 5"})
    valid_from: dict[str, date] = field(
        default_factory=lambda: {"imio-2024": date(2024, 1, 1), "imio-2026": date(2026, 1, 1)}
    )
    members: dict[str, Member] = field(default_factory=dict)

    def active_tariff(self, tariff: str, today: date) -> str:
        live = [(vf, c) for c, vf in self.valid_from.items() if vf <= today]
        return max(live)[1] if live else tariff

    def tariff_info(self, tariff: str) -> dict[str, object]:
        return {"code": tariff, "issuer": "iMio", "valid_from": self.valid_from[tariff].isoformat()}

    def current_member(self, m: Member) -> Member:
        return self.members.get(m.id, m)

    def lookup(self, member_id: str) -> Member | None:
        return self.members.get(member_id)

    def price(self, request: QuoteRequest, m: Member) -> tuple[CategoryDecision, Quote]:
        cat = self.categories.get(m.id, "Cat 1")
        factor = D("1.1") if request.tariff == "imio-2026" else D(1)
        base = {
            "delib": ("4530", "2112", "5"),
            "aes": ("5436", "1872", "6"),
            "tech": ("9000", "3000", "8"),
        }
        bump = D(int(cat.split()[-1])) * 100 if cat.startswith("Cat ") else D(0)
        lines = []
        for lr in request.lines:
            one, ann, days = base.get(lr.product, ("100", "10", "1"))
            lines.append(
                line(
                    lr.product,
                    str((D(one) * factor + bump).quantize(D("0.01"))),
                    str((D(ann) * factor).quantize(D("0.01"))),
                    days,
                    params={k: str(v) for k, v in lr.params.items()},
                )
            )
        q = quote(tuple(lines), category=cat, tariff=request.tariff, m=m)
        return decision(cat), q


def fake_pdf(offer: Offer) -> bytes:
    return f"%PDF-1.4\n% {offer.number} {offer.member_name} {offer.valid_until}\n%%EOF\n".encode()


class Clock:
    """A test clock: starts at ``start`` and moves 1 ms at each reading."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


# --- worker for the multi-process tests (must be importable by a spawned child) -----------


def finalise_worker(db_path: str, ids: list[str], start, results, fail_every: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Finalise ``ids`` in a separate process, after ``start`` is set; slow renderer.

    With ``fail_every`` = k, the renderer raises for every k-th draft (a failed finalise).
    """
    import time

    from desktop.store.offers_repo import OfferRepository

    db = open_test_db(Path(db_path))
    repo = OfferRepository(db, settings=FakeSettings, pricer=FakePricer())
    got: list[tuple[str, str | None]] = []
    start.wait(30)
    for i, oid in enumerate(ids, 1):

        def render(offer: Offer, i: int = i) -> bytes:
            time.sleep(0.01)
            if fail_every and i % fail_every == 0:
                raise RuntimeError("rendu impossible")
            return fake_pdf(offer)

        try:
            got.append((oid, repo.finalise(oid, render).number))
        except RuntimeError:
            got.append((oid, None))
        time.sleep(0.03)  # a person between two clicks: lets the other writer in
    db.close()
    results.put(got)


def hold_lock(path: str, ready) -> None:  # type: ignore[no-untyped-def]
    """Child process: take the instance lock of ``path`` and keep it until killed."""
    import time

    from desktop.store.instance_lock import InstanceLock

    lock = InstanceLock(Path(path))
    lock.acquire()
    ready.set()
    time.sleep(60)
