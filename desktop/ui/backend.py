"""What the screens may ask of the application, in one place (Qt-free).

Slots call these use cases and show the result; the arithmetic and rules stay in core, the
SQL in the store. ``Backend`` is built by ``desktop.ui.application`` from an open database and
injected into the windows; tests build it the same way on a temporary database.

``load_startup_data`` runs on a worker thread at start-up (migrations, seeding, catalogue,
directory) with its own connection, so the window never freezes while the data loads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop.core.catalogue import Product, Tariff
from desktop.core.categories import CategoryDecision, derive_category
from desktop.core.directory import MemberIndex
from desktop.core.errors import InvalidInput
from desktop.core.members import Member
from desktop.core.quote import DEFAULT_INDEXATION, DEFAULT_YEARS, LineRequest, Quote, QuoteRequest

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: the member, its category (for the results list) and, when only a
    former commune's name or code answers the search, which (« anciennement Bertogne »)."""

    member: Member
    decision: CategoryDecision
    former: str = ""


@dataclass(frozen=True, slots=True)
class Draft:
    """What the offer editor holds; every undoable edit replaces it with a new value."""

    member_id: str | None = None
    lines: tuple[LineRequest, ...] = ()
    years: int = DEFAULT_YEARS
    indexation: Decimal = DEFAULT_INDEXATION
    overrides: Mapping[str, str] = field(default_factory=dict)
    offer_id: str | None = None  # the stored draft, once saved

    def request(self, tariff: str, commune_has: frozenset[str] = frozenset()) -> QuoteRequest:
        return QuoteRequest(
            tariff=tariff,
            lines=self.lines,
            years=self.years,
            indexation=self.indexation,
            overrides=dict(self.overrides),
            commune_has=commune_has,
        )

    @property
    def empty(self) -> bool:
        return self.member_id is None and not self.lines


@dataclass(frozen=True, slots=True)
class StartupData:
    """What the start-up worker loads for the window: catalogue and directory."""

    tariff: Tariff
    members: tuple[Member, ...]
    index: MemberIndex
    notice: str = ""  # drafts this version's seed files re-priced as the database opened


def backup_at_start(db_path: Path) -> str:
    """The rotating copy made at each application start; a failure is reported, not fatal.

    Returns "" or the French message to show (a damaged database is said as such, with what
    to do: the copy's check is how a start notices it)."""
    from desktop.core.errors import ComptoirError
    from desktop.store import backup
    from desktop.store.faults import DatabaseCorrupt

    try:
        backup.backup_at_start(db_path)
    except DatabaseCorrupt as exc:
        log.error("Base endommagée au démarrage : %s", exc)
        return str(exc)
    except ComptoirError as exc:
        log.error("Sauvegarde automatique impossible : %s", exc)
        return f"Sauvegarde automatique impossible : {exc}"
    return ""


SHOWN_REQUOTED = 5  # drafts named in the notice of a new version's re-pricing (all in the log)


def load_startup_data(db_path: Path, progress: Progress | None = None) -> StartupData:
    """Open (migrate, seed) the database, load the catalogue and directory, close it.

    Runs on a worker thread: it uses its own connection and returns plain values.
    """
    from desktop.store.catalogue_repo import load_tariff
    from desktop.store.database import open_database
    from desktop.store.members_repo import MemberRepository

    report = progress or (lambda _f, _m: None)
    report(0.0, "Ouverture de la base de données…")
    db = _open(open_database, db_path, report)
    try:
        report(0.7, "Chargement du catalogue…")
        tariff = load_tariff(db)
        report(0.85, "Chargement des membres…")
        repo = MemberRepository(db)
        index = repo.index
        members = tuple(index.members())
        requoted = getattr(db, "requoted", None)
    finally:
        db.close()
    report(1.0, "Prêt")
    return StartupData(tariff, members, index, requoted.after_update(shown=SHOWN_REQUOTED) if requoted else "")


def _open(open_database: Callable[..., Any], path: Path, report: Progress) -> Any:
    def relay(*args: Any) -> None:
        fraction = next((a for a in args if isinstance(a, float | int)), None)
        text = next((a for a in args if isinstance(a, str)), "Préparation de la base…")
        if fraction is not None:
            report(0.7 * float(fraction) if float(fraction) <= 1 else 0.5, text)
        else:
            report(0.3, text)

    try:
        return open_database(path, progress=relay)
    except TypeError:  # a store without progress reporting
        return open_database(path)


class Backend:
    """Use cases over the store and the core engine, for one open database."""

    def __init__(
        self,
        db: Any,
        tariff: Tariff,
        index: MemberIndex,
        *,
        members: Any = None,
        settings: Any = None,
        offers: Any = None,
        today: Callable[[], date] = date.today,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """``members``, ``settings``, ``offers``: repositories (default: the store's on ``db``).
        ``today`` and ``now``: the calendar and the clock the screens and the offers follow."""
        members_injected = members
        if members is None:
            from desktop.store.members_repo import MemberRepository

            members = MemberRepository(db)
        self.db = db
        self.tariff = tariff
        self.index = index
        self.today = today
        self.now = now
        self._members = members
        self._settings_repo = settings
        self._offers: Any = offers
        self._own_members = members_injected is None
        self._own_offers = offers is None
        self._decisions: dict[str, CategoryDecision] = {}
        # members of the offers opened that this directory does not have (created on the
        # laptop that sent the offer): as the offer froze them
        self._from_offers: dict[str, Member] = {}
        self._tariffs: dict[str, Tariff] = {}  # other tariff years, read on demand
        self._tariff_day: date | None = None  # the day the tariff in force was last looked up

    @classmethod
    def open(cls, db_path: Path, data: StartupData | None = None, **kwargs: Any) -> Backend:
        """Open on the calling (GUI) thread; ``data`` comes from ``load_startup_data``."""
        from desktop.store.database import open_database

        if data is None:
            data = load_startup_data(db_path)
        # load_startup_data has just migrated and seeded the file: no need to checksum the
        # seed files again on the GUI thread (a pending migration would still be applied)
        db = open_database(db_path, seed=False)
        return cls(db, data.tariff, data.index, **kwargs)

    def close(self) -> None:
        self.db.close()

    # -- members -------------------------------------------------------------------------
    @property
    def categories(self) -> tuple[str, ...]:
        return self.tariff.categories.categories

    def member(self, member_id: str) -> Member | None:
        return self.index.get(member_id) or self._from_offers.get(member_id)

    def in_directory(self, member_id: str) -> bool:
        return self.index.get(member_id) is not None

    def know_offer_member(self, member: Member | None) -> None:
        """An offer's member the directory does not have: its offer is shown, priced and saved
        for it all the same."""
        if member is not None and not self.in_directory(member.id):
            self._from_offers[member.id] = member

    def decision(self, member: Member) -> CategoryDecision:
        cached = self._decisions.get(member.id)
        if cached is None or self.index.get(member.id) is not member:
            cached = decide(member, self.tariff, self.index)
            self._decisions[member.id] = cached
        return cached

    def save_member(self, member: Member) -> Member:
        """Store the member, then price again the saved drafts it changes: a commune's size
        decides its CPAS's and its zones' categories too."""
        before = self.member(member.id)
        saved = self._members.save(member) or member
        self._remember(saved)
        withdrawn = before.in_production() - saved.in_production() if before is not None else frozenset()
        self.requote_drafts(saved, withdrawn)
        return saved

    def requote_drafts(self, edited: Member, withdrawn: frozenset[str] = frozenset()) -> Any:
        """The saved drafts ``edited`` can change (its own, and those of the members that read
        it) priced again on the directory as stored now, ``edited`` named in their history;
        the report, or None when that failed. The member is saved by then: a draft left behind
        is priced again when opened and when finalised. ``withdrawn``: the products ``edited``
        no longer has in production (its CPAS's drafts lose their discount on them)."""
        from desktop.core.errors import ComptoirError

        members = {edited.id, *(m.id for m in self.index if m.reads(edited.id))}
        try:
            return self.offers.requote_drafts(
                edited.display_name,
                action="recalcul-membre",
                members=members,
                withdrawn={edited.id: withdrawn} if withdrawn else None,
            )
        except ComptoirError:
            log.exception("brouillons non recalculés après une modification de l'annuaire")
            return None

    def create_member(
        self, *, category: str | None = None, reason: str = "", **fields: Any
    ) -> Member:
        """Create an intercommunale, RCA or other body; ``category`` (with ``reason``) is a
        category chosen by hand, checked before anything is written."""
        if category is not None:
            self.tariff.categories.check_category(category)
            Member(id="", kind=fields["kind"], name="").with_override(category, reason)
        created: Member = self._members.create(**fields)
        if category is not None:
            created = self._members.save(created.with_override(category, reason))
        self._remember(created)
        return created

    def check_deletable(self, member_id: str) -> Member:
        """The member ``delete_member`` would remove, or the error that says why not."""
        member: Member = self._members.check_deletable(member_id)
        return member

    def delete_member(self, member_id: str) -> None:
        """Remove a member a user created; refused for the reference directory and while an
        offer is written for it (``RuleViolation``)."""
        self._members.delete(member_id)
        self.index = self.index.without(member_id)
        self._decisions.clear()

    def _remember(self, member: Member) -> None:
        self.index = self.index.with_member(member)
        self._decisions.clear()  # a commune's size decides its CPAS and zones too

    def commune_has(self, member: Member | None) -> frozenset[str]:
        """Products the CPAS's commune has in production (for the CPAS discount)."""
        from desktop.core.pricing import commune_products

        return commune_products(member, self.index.get)

    # -- catalogue and quote --------------------------------------------------------------
    def tariff_for(self, code: str) -> Tariff:
        """The tariff ``code`` (an offer's, maybe last year's): the one in force, or read from
        the database once."""
        if not code or code == self.tariff.code:
            return self.tariff
        if code not in self._tariffs:
            from desktop.store.catalogue_repo import load_tariff

            self._tariffs[code] = load_tariff(self.db, code)
        return self._tariffs[code]

    def follow_tariff_in_force(self) -> bool:
        """Take the tariff in force today when another one has come into force since the
        catalogue was read (next year's grid, on a window left open over 1 January): new
        offers then follow it. True when the tariff changed; looked up once a day."""
        from desktop.core.errors import ComptoirError
        from desktop.store.catalogue_repo import active_tariff_code

        day = self.today()
        if day == self._tariff_day:
            return False
        try:
            code = active_tariff_code(self.db, day, self.tariff.issuer)
            tariff = self.tariff_for(code)
        except ComptoirError as exc:  # the database unplugged: said again next minute
            log.warning("tarif en vigueur le %s illisible : %s", day, exc)
            return False
        self._tariff_day = day
        if tariff is self.tariff:
            return False
        log.info("Tarif en vigueur le %s : %s (au lieu de %s)", day, tariff.code, self.tariff.code)
        self._tariffs.pop(tariff.code, None)
        self._tariffs[self.tariff.code] = self.tariff  # the drafts and offers made on it
        self.tariff = tariff
        self._decisions.clear()  # the categories follow the new grid's thresholds
        return True

    def product(self, code: str) -> Product:
        return self.tariff.products[code]

    def tariff_names(self) -> dict[str, str]:
        """Every tariff code of the database, with its name for people (``tariff_label``)."""
        from desktop.store.catalogue_repo import list_tariffs

        return {t.code: f"{t.issuer} {t.year}" for t in list_tariffs(self.db)}

    def tariff_label(self, code: str) -> str:
        """« iMio 2024 » for the tariff code ``imio-2024`` (the code itself if unknown)."""
        if code == self.tariff.code:
            return f"{self.tariff.issuer} {self.tariff.year}"
        return self.tariff_names().get(code, code)

    def parse_params(self, product: Product, raw: Mapping[str, str]) -> dict[str, Decimal]:
        from desktop.core.pricing import parse_params

        return parse_params(product, raw)

    def quote(self, draft: Draft) -> Quote | None:
        """The engine's quote of the draft, or None while no member is chosen."""
        member = self.member(draft.member_id) if draft.member_id else None
        if member is None:
            return None  # before the engine is imported: the empty start draft stays cheap
        from desktop.core.pricing import build_quote

        decision = self.decision(member)
        request = draft.request(self.tariff.code, self.commune_has(member))
        return build_quote(self.tariff, request, member, decision, member.membership.status)

    # -- settings -------------------------------------------------------------------------
    @property
    def _settings(self) -> Any:
        if self._settings_repo is None:
            from desktop.store.settings_repo import SettingsRepository

            self._settings_repo = SettingsRepository(self.db)
        return self._settings_repo

    def settings(self) -> Any:
        return self._settings.load()

    def stored_settings(self) -> Any:
        """The settings as stored, unchecked: what the settings form edits."""
        return self._settings.load_as_stored()

    def settings_problem(self) -> str | None:
        """Why a stored setting no longer passes the checks (the first one), or None."""
        try:
            self.stored_settings().validated()
        except InvalidInput as error:
            return str(error)
        return None

    def save_settings(self, settings: Any) -> Any:
        """Validates (``InvalidInput`` names the field) and stores; returns what was stored."""
        return self._settings.save(settings)

    def update_settings(self, **changes: Any) -> Any:
        """``changes`` over the settings as stored now (another program may have set others
        meanwhile); validated as ``save_settings``; returns what was stored."""
        return self._settings.update(**changes)

    def new_draft(self, member_id: str | None = None) -> Draft:
        """An empty draft with the budget defaults of the settings."""
        s = self.settings()
        return Draft(
            member_id=member_id,
            years=getattr(s, "years", DEFAULT_YEARS),
            indexation=getattr(s, "indexation", DEFAULT_INDEXATION),
        )

    # -- offers ---------------------------------------------------------------------------
    @property
    def offers(self) -> Any:
        if self._offers is None:
            from desktop.store.offers_repo import EnginePricer, OfferRepository

            # drafts are priced on the directory the window holds: it has every edit saved
            pricer = EnginePricer(self.db, lookup=self.member)
            self._offers = OfferRepository(
                self.db, settings=self.settings, pricer=pricer, clock=self.now
            )
        return self._offers

    def save_draft(self, offer: Any, draft: Draft, quote: Quote | None, *, overwrite: bool = False) -> Any:
        """Store the draft (insert the first time); returns the stored ``Offer``. Refused when
        another program changed or deleted the stored ``offer`` since, unless ``overwrite``."""
        from desktop.core.categories import CategoryDecision
        from desktop.core.offers import Offer

        member = self.member(draft.member_id) if draft.member_id else None
        decision = self.decision(member) if member is not None else CategoryDecision(None, None, ())
        request = draft.request(self.tariff.code, self.commune_has(member))
        seen = None if overwrite else offer  # the stored draft as this window last had it
        if offer is None:
            seller = getattr(self.settings(), "seller_name", "") or ""
            offer = Offer.new_draft(request, member, decision, quote, seller=seller)
        else:
            offer = replace(offer, request=request, member=member, decision=decision, quote=quote)
        return self.offers.save_draft(offer, seen=seen)

    def list_offers(self, text: str = "", state: Any = None, limit: int | None = None) -> list[Any]:
        from desktop.store.offers_repo import OfferFilter

        return list(self.offers.list(OfferFilter(state=state, text=text, limit=limit)))

    def get_offer(self, ref: str) -> Any:
        return self.offers.get(ref)

    def duplicate_offer(self, ref: str, member: Member | None = None) -> Any:
        return self.offers.duplicate(ref, member)

    def delete_draft(self, ref: str) -> None:
        self.offers.delete_draft(ref)

    def outdated_drafts(self) -> dict[str, Any]:
        """Drafts whose tariff is no longer in force: offer id -> ``OutdatedDraft``."""
        return {o.summary.id: o for o in self.offers.outdated_drafts()}

    # -- after the catalogue changed underneath (catalogue import) ----------------------------
    def reload(self, data: StartupData) -> None:
        """Take the catalogue and directory just read from the database (``load_startup_data``);
        the store's repositories drop what they had cached."""
        self.tariff = data.tariff
        self.index = data.index
        self._decisions.clear()
        self._tariffs.clear()
        self._tariff_day = None
        if self._own_members:
            from desktop.store.members_repo import MemberRepository

            self._members = MemberRepository(self.db)
        if self._own_offers:
            self._offers = None  # its pricer keeps the tariffs it loaded


def decide(member: Member, tariff: Tariff, index: MemberIndex) -> CategoryDecision:
    return derive_category(member, tariff.categories, index.get)


SEARCH_LIMIT = 50  # members listed as you type: beyond, the user narrows the search


def search_hits(
    index: MemberIndex, tariff: Tariff, query: str, limit: int = SEARCH_LIMIT
) -> list[Hit]:
    """Search and decide categories: pure, runs on a worker thread over a snapshot."""
    return [
        Hit(m, decide(m, tariff, index), index.former_note(m, query))
        for m in index.search(query, limit=limit)
    ]
