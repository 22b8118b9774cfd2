"""Offers in SQLite: drafts saved as you type, finalisation, revisions, states and the audit log.

Decisions this module implements (see also ``desktop.core.offers``):

- **Numbering.** ``finalise`` runs in one ``BEGIN IMMEDIATE`` transaction: it takes the next
  sequence of the device and year as ``MAX(seq) + 1`` over the offers themselves, never below
  the last number the device recorded beside the database (``NumbersGiven``: a restored older
  backup must not give a number again), renders the PDF, and writes the number, the snapshot
  and the PDF bytes in the same row before committing. Two processes finalising at once are
  serialised by SQLite's write lock, so they get different numbers; a finalise that fails
  (renderer error, disk full, crash) rolls back and leaves neither a half-written offer nor a
  gap. A unique index on (device, year, seq, version) backs this up.
- **Frozen.** A finalised offer is read-only: the store refuses to save it as a draft, and SQLite
  triggers refuse any change other than its state (and ``updated``) and refuse its deletion.
  Reprints return the stored PDF bytes, checked against their SHA-256.
- **Revisions.** ``revise(number)`` creates (or returns the pending) draft ``-vN`` linked to its
  predecessor. The predecessor stays valid, and becomes *remplacée* only when the revision is
  finalised, in the same transaction: until then the member may still accept what it has.
- **Audit.** Every creation, finalisation, state change, revision, copy, re-pricing and draft
  deletion appends one entry to ``audit_log`` (append-only: triggers refuse UPDATE/DELETE).
  Autosaves of a draft are not logged: a draft is not a commitment.
- **Tariff years.** A draft whose tariff is not the one in force today (same issuer, latest
  ``valid_from`` not after today) is *outdated*; ``reprice_preview`` computes the new drafts
  and their differences without writing, ``reprice_apply`` writes them all in one transaction,
  refusing if a draft changed since the preview.
"""

from __future__ import annotations

import getpass
import json
import logging
import re
import sqlite3
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from desktop.core.catalogue import fold
from desktop.core.categories import CategoryDecision, derive_category
from desktop.core.errors import (
    ChangedElsewhere,
    ClockBehind,
    ComptoirError,
    InvalidInput,
    NotFound,
    RuleViolation,
    StorageError,
)
from desktop.core.inputs import check_reason, shown
from desktop.core.members import Member
from desktop.core.offers import (
    DEFAULT_VALIDITY_DAYS,
    AuditEntry,
    Offer,
    OfferDiff,
    OfferNumber,
    OfferState,
    OfferSummary,
    check_device_code,
    check_revisable,
    check_transition,
    diff_offers,
    effective_state,
    new_offer_id,
    validity_end,
)
from desktop.core.quote import Quote, QuoteLine, QuoteRequest, TotalsCoverage, totals_coverage
from desktop.core.settings import MAX_INITIALS
from desktop.store import offer_codec as codec
from desktop.store.database import FOLD_SQL
from desktop.store.faults import storage_errors

log = logging.getLogger(__name__)

Renderer = Callable[[Offer], bytes]
Clock = Callable[[], datetime]

SNAPSHOT_FORMAT = 1


class Pricer(Protocol):
    """What the store needs from the catalogue and the engine to re-price a draft."""

    def active_tariff(self, tariff: str, today: date) -> str:
        """Code of the tariff in force on ``today`` for the issuer of ``tariff``."""
        ...

    def tariff_info(self, tariff: str) -> dict[str, Any]:
        """Code, issuer, title, year, valid_from (ISO) of a tariff, for the snapshot."""
        ...

    def current_member(self, member: Member) -> Member:
        """The directory's current version of ``member`` (or ``member`` if it is gone)."""
        ...

    def price(self, request: QuoteRequest, member: Member) -> tuple[CategoryDecision, Quote]:
        """Category decision and quote of ``request`` for ``member`` (request.tariff is used)."""
        ...


@dataclass(frozen=True, slots=True)
class OfferFilter:
    state: OfferState | None = None  # effective state (``expiree`` is derived)
    # words to find in number, member (a merged commune: its former communes too), seller
    # (name or initials), products (accents ignored)
    text: str = ""
    member_id: str | None = None
    members: tuple[str, ...] | None = None  # the offers of any of these members (None: any)
    tariffs: tuple[str, ...] | None = None  # priced on any of these tariffs (None: any)
    since: date | None = None  # last change on or after this day
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class OutdatedDraft:
    summary: OfferSummary
    tariff: str
    active: str


@dataclass(frozen=True, slots=True)
class RepricePreview:
    """A draft before and after re-pricing on the tariff in force; nothing written yet."""

    offer_id: str
    seen_updated: datetime  # the draft's ``updated`` when previewed
    before: Offer
    after: Offer
    diff: OfferDiff


@dataclass(frozen=True, slots=True)
class RepriceRefused:
    """An outdated draft the tariff in force cannot price as it is: left as it was."""

    before: Offer
    tariff: str  # the tariff in force
    reason: str


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.astimezone()
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _dec(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def default_who() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name (service account, odd platform)
        return "inconnu"


# The seller's initials are in no column of the offer (its number carries the device code):
# they are the « who » of the history entries that made it, its draft (new, a revision, a
# copy) and its finalisation. So an offer is found by the initials it was made with, even
# after the settings changed, and not by those of whoever later changed its state. Only
# initials outside plain ASCII (« ÉK ») need the folding function: LIKE already ignores the
# case of the others.
_MADE_BY_SQL = (
    "SELECT 1 FROM audit_log AS a WHERE a.offer_id = offers.id "
    "AND (a.action IN ('creation', 'duplication', 'finalisation') "
    "OR (a.action = 'revision' AND a.to_state = 'brouillon')) "
    "AND (a.who LIKE ? ESCAPE '\\' "
    f"OR (a.who GLOB '*[^ -~]*' AND {FOLD_SQL}(a.who) LIKE ? ESCAPE '\\'))"
)


# an apostrophe typed or not: the text searched is read without its apostrophes, as are the
# words typed (« braine lalleud » and « l'alleud » both find Braine-l'Alleud)
_SEARCH_SQL = "replace(search, '''', '') LIKE ? ESCAPE '\\'"

# The offers of a merged commune and of its CPAS answer to its former communes' names and NIS
# codes as to its own (« Bastogne », « CPAS de Bastogne », cpas:82039), as the directory's
# search does (« Bertogne » finds Bastogne). Read in the directory: the offers saved before
# it knew them too.
_FORMERLY_SQL = (
    "member_id IN (SELECT m.id FROM former_commune AS f JOIN member AS c ON c.nis = f.nis "
    "JOIN member AS m ON m.id = c.id OR m.commune_id = c.id "
    f"WHERE replace({FOLD_SQL}(f.former_name), '''', '') LIKE ? ESCAPE '\\' "
    "OR f.former_nis LIKE ? ESCAPE '\\')"
)


def _in_initials(word: str) -> bool:
    """Whether a searched word can be (part of) the seller's initials: a word longer than the
    initials may be, or with other signs than letters, is not looked up in the history."""
    return word.isalpha() and len(word) <= MAX_INITIALS


class NumbersGiven:
    """The last offer number each device gave, per year, in a file beside the database
    (``comptoir.sqlite3.numeros``). A restore puts back an older database but leaves this file:
    offers finalised after that backup are gone from the database, yet their numbers may be
    in a member's hands or at head office, and must not be given again. Best effort: a file
    that cannot be read or written only costs that protection (and says so in the log)."""

    SUFFIX = ".numeros"

    def __init__(self, db_path: Path | str | None) -> None:
        self.path = Path(f"{db_path}{self.SUFFIX}") if db_path else None

    def _read(self) -> dict[str, int]:
        if self.path is None or not self.path.is_file():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}
        except (OSError, ValueError, TypeError) as exc:
            log.warning("numéros déjà donnés illisibles (%s) : %s", self.path, exc)
            return {}

    def last(self, device: str, year: int) -> int:
        return self._read().get(f"{device}/{year}", 0)

    def record(self, device: str, year: int, seq: int) -> None:
        if self.path is None:
            return
        data = self._read()
        key = f"{device}/{year}"
        if data.get(key, 0) >= seq:
            return
        data[key] = seq
        from desktop.store.files import replace_file  # on the first number given, not at start

        try:
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
            replace_file(tmp, self.path)
        except OSError as exc:
            log.warning("numéro %s/%d non noté dans %s : %s", device, seq, self.path, exc)


def last_finalised_day(conn: sqlite3.Connection, device: str) -> date | None:
    """The local day of the last offer this device finalised (None: none yet)."""
    (last,) = conn.execute(
        "SELECT MAX(finalised) FROM offers WHERE device = ? AND finalised IS NOT NULL", (device,)
    ).fetchone()
    when = _dt(last)
    return when.astimezone().date() if when is not None else None


def check_clock(conn: sqlite3.Connection, device: str, today: date) -> None:
    """Refuse to number an offer on a day before this device's last finalised offer: the
    computer's clock went back (a flat battery at a booth with no network), and the offer would
    bear a number and a validity of that year, already expired. Finalising with the date
    confirmed goes on (the last offer was dated on a clock set ahead)."""
    last = last_finalised_day(conn, device)
    if last is not None and today < last:
        raise ClockBehind(
            f"La date de cet ordinateur ({today:%d/%m/%Y}) est antérieure à celle de la dernière "
            f"offre finalisée sur cet appareil ({last:%d/%m/%Y}) : l'offre serait datée et "
            "numérotée de ce jour-là. Corrigez la date et l'heure de l'ordinateur, puis "
            "finalisez ; si elle est juste (la dernière offre a été datée à tort), finalisez en "
            "confirmant la date. Le brouillon est gardé."
        )


def highest_seq(conn: sqlite3.Connection, device: str, year: int) -> int:
    """The highest offer number this database holds for the device and year (0: none)."""
    (seq,) = conn.execute(
        "SELECT COALESCE(MAX(seq), 0) FROM offers WHERE device = ? AND year = ?", (device, year)
    ).fetchone()
    return int(seq)


_COLUMNS = (
    "id, number, version, predecessor, state, tariff, member_id, member_name, category, "
    "seller, one_time, annual, year1, partial, line_count, created, updated, finalised, "
    "valid_until, coverage"
)


@dataclass(frozen=True, slots=True)
class RequoteReport:
    """Drafts priced again after a catalogue import (``OfferRepository.requote_drafts``)."""

    changed: tuple[str, ...] = ()  # stored again: their figures, category or member changed
    unpriced: tuple[str, ...] = ()  # the engine refused them: kept as they were
    changed_ids: tuple[str, ...] = ()  # the offer ids of ``changed``, in the same order
    unpriced_ids: tuple[str, ...] = ()  # the offer ids of ``unpriced``, in the same order

    def after_update(self, shown: int | None = None) -> str:
        """What the user reads when this version's own catalogue or directory re-priced the
        drafts at start ("" when none changed): an amount they may have quoted is no more.

        ``shown``: name at most that many drafts of each list, the others counted (the log
        names them all); None names them all (the command line's message)."""
        said = []
        if self.changed:
            said.append(
                f"Cette version de Comptoir corrige le catalogue ou l'annuaire : brouillons "
                f"recalculés ({len(self.changed)}) : {_named(self.changed, shown)}. Vérifiez "
                "leurs montants avant de les finaliser ou d'en communiquer les chiffres."
            )
        if self.unpriced:
            said.append(
                f"Brouillons que ce catalogue ne calcule plus, laissés tels quels "
                f"({len(self.unpriced)}) : {_named(self.unpriced, shown)}."
            )
        return " ".join(said)


def _named(names: tuple[str, ...], shown: int | None) -> str:
    """« A, B, C et 37 autres (le journal les nomme tous) » past ``shown`` names."""
    if shown is None or len(names) <= shown:
        return ", ".join(names)
    rest = len(names) - shown
    others = "1 autre" if rest == 1 else f"{rest} autres"
    return f"{', '.join(names[:shown])} et {others} (le journal les nomme tous)"


class OfferRepository:
    """Drafts, finalised offers and their history, in one SQLite database.

    ``db`` is a ``desktop.store.database.Database`` (``.conn`` and ``.transaction()``).
    ``settings`` returns the current settings (device code, validity, seller); ``pricer``
    re-prices drafts (duplicate, tariff years); both default to the store's repositories and
    the engine. ``who`` names the person in the audit log (default: the settings' seller, else
    the OS user).
    """

    def __init__(
        self,
        db: Any,
        *,
        settings: Callable[[], Any] | None = None,
        pricer: Pricer | None = None,
        clock: Clock | None = None,
        who: str | None = None,
    ) -> None:
        self.db = db
        self._settings = settings
        self._pricer = pricer
        self.clock = clock or _now
        self._who = who

    # -- plumbing ---------------------------------------------------------------------------
    @property
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = self.db.conn
        return conn

    @contextmanager
    def _tx(self, doing: str) -> Iterator[sqlite3.Connection]:
        with storage_errors(doing, getattr(self.db, "path", None)), self.db.transaction():
            yield self.conn

    def settings(self) -> Any:
        if self._settings is not None:
            return self._settings()
        from desktop.store.settings_repo import SettingsRepository

        return SettingsRepository(self.db).load()

    @property
    def pricer(self) -> Pricer:
        if self._pricer is None:
            self._pricer = EnginePricer(self.db)
        return self._pricer

    def _seller(self) -> str:
        """The seller's name in the settings of this device ("" when none is set)."""
        try:
            return str(getattr(self.settings(), "seller_name", "") or "").strip()
        except StorageError:
            return ""

    def who(self) -> str:
        if self._who:
            return self._who
        try:
            s = self.settings()
            name = (getattr(s, "seller_initials", "") or getattr(s, "seller_name", "")).strip()
        except StorageError:
            name = ""
        return name or default_who()

    def today(self) -> date:
        return self.clock().astimezone().date()

    def _audit(
        self,
        conn: sqlite3.Connection,
        offer: Offer,
        action: str,
        from_state: OfferState | None,
        to_state: OfferState | None,
        why: str = "",
        who: str | None = None,
    ) -> AuditEntry:
        entry = AuditEntry(
            when=self.clock(),
            who=who or self.who(),
            action=action,
            from_state=from_state,
            to_state=to_state,
            why=why,
            offer_id=offer.id,
            number=offer.number,
        )
        insert_audit(conn, entry)
        return entry

    # -- drafts -----------------------------------------------------------------------------
    def save_draft(self, offer: Offer, *, seen: Offer | None = None) -> Offer:
        """Insert or update a draft (the editor calls this on every change). Returns it saved.

        Refused (``RuleViolation``) when the offer is finalised, here or in the database.
        ``seen``: the stored draft as the editor last read or wrote it; refused too when
        another program (``comptoir offers override``, ``offers delete``…) changed what it
        asks for since, or deleted it: writing over would undo that change without a word.
        """
        if not offer.is_draft:
            raise RuleViolation(
                "Cette offre est finalisée : elle ne peut plus être modifiée. Révisez-la pour en "
                "faire une nouvelle version."
            )
        now = self.clock()
        saved = replace(
            offer, updated=now, created=offer.created or now, tariff=offer.request.tariff
        )
        with self._tx("enregistrer le brouillon") as conn:
            cur = self._state_of(conn, saved.id)
            if seen is not None:
                self._check_unchanged(conn, seen, cur)
            if cur is None:
                row = _draft_row(saved)
                conn.execute(
                    f"INSERT INTO offers ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                    tuple(row.values()),
                )
                self._audit(conn, saved, "creation", None, OfferState.BROUILLON, saved.note)
            elif cur[0] != OfferState.BROUILLON.value:
                raise RuleViolation(
                    "Cette offre est finalisée : elle ne peut plus être modifiée. Révisez-la "
                    "pour en faire une nouvelle version."
                )
            else:
                _update_draft(conn, saved)
        return saved

    def check_unchanged(self, seen: Offer, *, finalising: bool = False) -> None:
        """Refused (``ChangedElsewhere``) when the stored draft ``seen`` was changed or deleted
        by another program since: said before the window asks « Finaliser ? »."""
        with self._tx("relire le brouillon") as conn:
            self._check_unchanged(conn, seen, self._state_of(conn, seen.id), finalising=finalising)

    @staticmethod
    def _state_of(conn: sqlite3.Connection, offer_id: str) -> Sequence[Any] | None:
        row: Sequence[Any] | None = conn.execute(
            "SELECT state, updated FROM offers WHERE id = ?", (offer_id,)
        ).fetchone()
        return row

    def _check_unchanged(
        self, conn: sqlite3.Connection, seen: Offer, cur: Sequence[Any] | None, *, finalising: bool = False
    ) -> None:
        """Refuse to write over (or to finalise) a stored draft changed or deleted elsewhere
        since ``seen``. A draft only priced again meanwhile (a member or the catalogue edited)
        asks for the same: the editor's save prices it anew, nothing is lost."""
        if cur is not None and (cur[0] != OfferState.BROUILLON.value or cur[1] == _iso(seen.updated)):
            return  # unchanged, or finalised: said by the caller as such
        then = ", puis finalisez" if finalising else ""
        if cur is None:
            raise ChangedElsewhere(
                "Ce brouillon a été supprimé par un autre programme (la ligne de commande, par "
                f"exemple) depuis son ouverture. Ctrl+S l'enregistre à nouveau avec vos modifications{then}."
            )
        if _asked(self._load(conn, seen.id)) != _asked(seen):
            doing = (
                "le finaliser figerait ce que votre écran ne montre pas"
                if finalising
                else "l'enregistrer effacerait ce changement"
            )
            raise ChangedElsewhere(
                "Ce brouillon a été modifié par un autre programme (la ligne de commande, par "
                f"exemple) depuis son ouverture : {doing}. Rouvrez-le (Offres enregistrées) pour "
                f"repartir de la version enregistrée, ou gardez la vôtre avec Ctrl+S{then}."
            )

    def delete_draft(self, ref: str, *, who: str | None = None) -> None:
        with self._tx("supprimer le brouillon") as conn:
            offer = self._load(conn, ref)
            if not offer.is_draft:
                raise RuleViolation(
                    f"L'offre {offer.number} est finalisée : seuls les brouillons peuvent être "
                    "supprimés."
                )
            conn.execute("DELETE FROM offers WHERE id = ? AND state = 'brouillon'", (offer.id,))
            self._audit(conn, offer, "suppression", OfferState.BROUILLON, None, who=who)
            try:  # the offer it revised said « version N en préparation »: no longer pending
                pred = self._load(conn, offer.predecessor) if offer.predecessor else None
            except NotFound:
                pred = None
            if pred is not None:
                why = f"brouillon de la version {offer.version} supprimé"
                self._audit(conn, pred, "revision-abandon", None, None, why, who=who)

    # -- reading ----------------------------------------------------------------------------
    def get(self, ref: str) -> Offer:
        """By id, unique id prefix (at least 4 characters) or number. ``NotFound`` in French."""
        with storage_errors("lire l'offre"):
            return self._load(self.conn, ref)

    def find(self, ref: str) -> Offer | None:
        try:
            return self.get(ref)
        except NotFound:
            return None

    def _resolve_id(self, conn: sqlite3.Connection, ref: str) -> str:
        ref = ref.strip()
        if not ref:
            raise InvalidInput("Indiquez un numéro d'offre ou l'identifiant d'un brouillon.")
        if OfferNumber.looks_like(ref):
            number = str(OfferNumber.parse(ref))
            row = conn.execute("SELECT id FROM offers WHERE number = ?", (number,)).fetchone()
            if row is None:
                raise NotFound(f"Aucune offre ne porte le numéro {number}.")
            return str(row[0])
        if not re.fullmatch(r"[0-9a-fA-F]{4,32}", ref):
            raise InvalidInput(
                f"« {shown(ref)} » n'est ni un numéro d'offre (OFF-2026-LAP1-0001) ni un identifiant de "
                "brouillon (au moins 4 caractères hexadécimaux)."
            )
        rows = conn.execute(
            "SELECT id FROM offers WHERE id >= ? AND id < ? LIMIT 3",
            (ref.lower(), ref.lower() + "g"),
        ).fetchall()
        if not rows:
            raise NotFound(f"Aucune offre n'a l'identifiant {ref}.")
        if len(rows) > 1:
            raise InvalidInput(
                f"L'identifiant {ref} désigne plusieurs offres : tapez-en plus de caractères."
            )
        return str(rows[0][0])

    def _load(self, conn: sqlite3.Connection, ref: str) -> Offer:
        offer_id = self._resolve_id(conn, ref)
        row = conn.execute(
            "SELECT id, number, version, predecessor, state, tariff, seller, note, request_json, "
            "quote_json, member_json, decision_json, pdf_sha256, created, updated, finalised, "
            "valid_until FROM offers WHERE id = ?",
            (offer_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"Aucune offre n'a l'identifiant {ref}.")
        return _offer_from_row(row)

    def list_offers(self, flt: OfferFilter | None = None) -> list[OfferSummary]:
        """Offers for the list screen, most recently changed first."""
        flt = flt or OfferFilter()
        today = self.today()
        where: list[str] = []
        args: list[Any] = []
        if flt.state is not None:
            t = today.isoformat()
            if flt.state is OfferState.EXPIREE:
                where.append("state IN ('finalisee', 'envoyee') AND valid_until < ?")
                args.append(t)
            elif flt.state in (OfferState.FINALISEE, OfferState.ENVOYEE):
                where.append("state = ? AND (valid_until IS NULL OR valid_until >= ?)")
                args += [flt.state.value, t]
            else:
                where.append("state = ?")
                args.append(flt.state.value)
        words = fold(flt.text).replace("'", "").split()
        for word in words:
            like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            if _in_initials(word):
                where.append(f"({_SEARCH_SQL} OR {_FORMERLY_SQL} OR EXISTS ({_MADE_BY_SQL}))")
                args += [like, like, like, like, like]
            else:
                where.append(f"({_SEARCH_SQL} OR {_FORMERLY_SQL})")
                args += [like, like, like]
        if flt.member_id:
            where.append("member_id = ?")
            args.append(flt.member_id)
        for column, values in (("member_id", flt.members), ("tariff", flt.tariffs)):
            if values is not None:
                where.append(f"{column} IN ({', '.join('?' * len(values))})")
                args += values
        if flt.since is not None:
            start = datetime.combine(flt.since, datetime.min.time()).astimezone()
            where.append("updated >= ?")
            args.append(_iso(start))
        sql = f"SELECT {_COLUMNS} FROM offers"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY updated DESC, id"
        if flt.limit:
            sql += f" LIMIT {int(flt.limit)}"
        with storage_errors("lister les offres"):
            rows = self.conn.execute(sql, args).fetchall()
        return self._with_coverage(rows, today)

    def _with_coverage(self, found: list[Any], today: date) -> list[OfferSummary]:
        """The rows as summaries, with which totals have nothing priced in them (shown « Sur
        devis ») and which leave a « sur devis » part out (shown with an asterisk).

        The row says it (``coverage``); only the quotes of partial offers stored before that
        column are read, once: what they give is written in their row.
        """
        rows = [_summary(r, today) for r in found]
        ids = [s.id for s, r in zip(rows, found, strict=True) if s.partial and r[-1] is None]
        if not ids:
            return rows
        coverage = {oid: totals_coverage(lines) for oid, lines in self.quote_lines(ids).items()}
        # a finalised offer may take it too (the column is not part of what it froze); a
        # database opened read-only reads the quotes again next time
        with suppress(ComptoirError), self._tx("compléter la liste des offres") as conn:
            conn.executemany(
                "UPDATE offers SET coverage = ? WHERE id = ? AND coverage IS NULL",
                [(coverage_bits(c), oid) for oid, c in coverage.items()],
            )
        return [replace(s, coverage=coverage[s.id]) if s.id in coverage else s for s in rows]

    def _column_of(self, column: str, ids: Sequence[str]) -> Iterator[tuple[str, Any]]:
        """(id, value of ``column``) for these offers: read from their rows, not the index."""
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ", ".join("?" * len(chunk))
            with storage_errors("lister les offres"):
                yield from self.conn.execute(
                    f"SELECT id, {column} FROM offers WHERE id IN ({marks})", chunk
                ).fetchall()

    def quote_lines(self, ids: Sequence[str]) -> dict[str, tuple[QuoteLine, ...]]:
        """The priced lines of these offers, by id, without decoding the rest of their quote;
        an offer with no quote, or whose lines cannot be read (logged), is left out."""
        out: dict[str, tuple[QuoteLine, ...]] = {}
        for oid, quote_json in self._column_of("quote_json", ids):
            if quote_json is None:
                continue
            try:
                data = codec.loads(quote_json)
                raw = data.get("lines") if isinstance(data, dict) else None
                out[oid] = codec.from_data(tuple[QuoteLine, ...], raw, "lignes")
            except StorageError as e:  # the list still opens; opening the offer says more
                log.warning("offre %s : lignes illisibles pour la liste (%s)", oid, e)
        return out

    def origins(self, ids: Sequence[str]) -> dict[str, str]:
        """The device whose bundle brought each of these offers here ("": made here)."""
        return {oid: str(origin or "") for oid, origin in self._column_of("origin", ids)}

    def last_draft(self) -> OfferSummary | None:
        """The draft edited last (the app offers to reopen it after a crash)."""
        found = self.list_offers(OfferFilter(state=OfferState.BROUILLON, limit=1))
        return found[0] if found else None

    def pdf(self, ref: str) -> bytes:
        """The frozen PDF bytes of a finalised offer, verified against their SHA-256."""
        with storage_errors("lire le PDF de l'offre"):
            offer_id = self._resolve_id(self.conn, ref)
            row = self.conn.execute(
                "SELECT number, pdf, pdf_sha256 FROM offers WHERE id = ?", (offer_id,)
            ).fetchone()
        number, pdf, digest = row
        if pdf is None:
            raise RuleViolation(
                "Un brouillon n'a pas encore de PDF figé : finalisez l'offre, ou imprimez un aperçu."
            )
        if codec.sha256_hex(bytes(pdf)) != digest:
            raise StorageError(
                f"Le PDF enregistré de l'offre {number} ne correspond plus à son empreinte "
                "SHA-256 : la base est endommagée. Restaurez une sauvegarde."
            )
        return bytes(pdf)

    def snapshot(self, ref: str) -> dict[str, Any]:
        """What was frozen at finalisation: tariff version, member, decision, prices, seller."""
        with storage_errors("lire l'instantané de l'offre"):
            offer_id = self._resolve_id(self.conn, ref)
            row = self.conn.execute(
                "SELECT snapshot_json FROM offers WHERE id = ?", (offer_id,)
            ).fetchone()
        if row is None or row[0] is None:
            raise RuleViolation(
                "Un brouillon n'a pas d'instantané : il est figé à la finalisation."
            )
        data: dict[str, Any] = codec.loads(row[0])
        return data

    def audit(self, ref: str) -> list[AuditEntry]:
        """The history of an offer, oldest first (also for a deleted draft's id)."""
        with storage_errors("lire le journal de l'offre"):
            try:
                offer_id = self._resolve_id(self.conn, ref)
            except NotFound:
                offer_id = ref.strip().lower()
            rows = self.conn.execute(
                "SELECT uid, offer_id, number, at, who, action, from_state, to_state, why "
                "FROM audit_log WHERE offer_id = ? ORDER BY at, seq",
                (offer_id,),
            ).fetchall()
        if not rows:
            raise NotFound(f"Aucun historique pour « {ref} ».")
        return [_audit_from_row(r) for r in rows]

    def versions(self, ref: str) -> list[OfferSummary]:
        """Every version of the offer (v1, v2...) and a pending revision draft, oldest first."""
        offer = self.get(ref)
        parsed = offer.parsed_number
        base = parsed.base if parsed is not None else None
        if base is None and offer.predecessor:
            base = OfferNumber.parse(offer.predecessor).base
        args: tuple[str, ...]
        if base is None:  # a draft of its own: no other version
            where, args = "id = ?", (offer.id,)
        else:
            where = "base_number = ? OR (number IS NULL AND (predecessor = ? OR predecessor LIKE ?))"
            args = (base, base, base + "-v%")
        with storage_errors("lire les versions de l'offre"):
            rows = self.conn.execute(
                f"SELECT {_COLUMNS} FROM offers WHERE {where} ORDER BY version, created", args
            ).fetchall()
        today = self.today()
        return self._with_coverage(rows, today)

    def diff(self, old_ref: str, new_ref: str) -> OfferDiff:
        old, new = self.get(old_ref), self.get(new_ref)
        return diff_offers(old, new, self._parameter_labels(old, new))

    def _parameter_labels(self, *offers: Offer) -> dict[tuple[str, str], str]:
        """The names of the parameters of the tariffs ``offers`` are priced on, as a diff of
        them says them (« Nombre d’écoles », not « schools »)."""
        from desktop.store.catalogue_repo import parameter_labels

        return parameter_labels(self.db, [o.request.tariff for o in offers])

    # -- finalising -------------------------------------------------------------------------
    def last_finalised_day(self, device: str) -> date | None:
        """The local day of the last offer ``device`` finalised here (None: none yet)."""
        with storage_errors("lire les offres"):
            return last_finalised_day(self.conn, device)

    def finalise(
        self,
        ref: str,
        renderer: Renderer,
        *,
        who: str | None = None,
        date_confirmed: bool = False,
        seen: Offer | None = None,
    ) -> Offer:
        """Number, freeze and render the draft in one transaction; returns the frozen offer.

        ``renderer`` turns the frozen offer (with its number and dates) into PDF bytes; if it
        raises, nothing is written and no number is used. A date before this device's last
        finalised offer is refused (``ClockBehind``) unless the user ``date_confirmed`` it.
        ``seen``: the draft as the window shows it; refused (``ChangedElsewhere``) when another
        program changed or deleted it since, as the window's saves are.
        """
        settings = self.settings()
        device_text = str(getattr(settings, "device_code", "") or "")
        if not device_text.strip():
            raise RuleViolation(
                "Indiquez le code de cet appareil dans les réglages (par exemple LAP1) avant de "
                "finaliser : il fait partie du numéro d'offre."
            )
        device = check_device_code(device_text)
        validity = int(
            getattr(settings, "validity_days", DEFAULT_VALIDITY_DAYS) or DEFAULT_VALIDITY_DAYS
        )
        seller = str(getattr(settings, "seller_name", "") or "")
        with self._tx("finaliser l'offre") as conn:
            if seen is not None:
                self._check_unchanged(conn, seen, self._state_of(conn, seen.id), finalising=True)
            draft = self._load(conn, ref)
            quote = draft.check_finalisable()
            now = self.clock()
            today = now.astimezone().date()
            if not date_confirmed:
                check_clock(conn, device, today)
            if draft.is_draft:
                active = self.pricer.active_tariff(draft.request.tariff, today)
                if active != draft.request.tariff:
                    raise RuleViolation(
                        f"Ce brouillon est chiffré sur la grille {draft.request.tariff}, qui n'est "
                        f"plus en vigueur (grille {active}) : voyez-en les différences, puis "
                        "recalculez-le (dans l'application : Offres enregistrées, clic droit "
                        "sur le brouillon > Recalculer sur le tarif en vigueur… ; en ligne de "
                        "commande : comptoir offers reprice, puis comptoir offers reprice --apply)."
                    )
                self._still_priced(draft)
            pred: Offer | None = None
            if draft.predecessor:
                pred = self._load(conn, draft.predecessor)
                try:  # the offer it revises may have moved on since the revision began
                    check_revisable(pred.state, pred.valid_until, today)
                except RuleViolation:
                    now_state = effective_state(pred.state, pred.valid_until, today)
                    raise RuleViolation(
                        f"Cette révision ne peut plus remplacer l'offre {pred.number}, devenue "
                        f"« {now_state.label} » entre-temps. Le brouillon est gardé : dupliquez-le "
                        "(Offres enregistrées) pour en faire une nouvelle offre."
                    ) from None
                check_transition(
                    pred.state,
                    OfferState.REMPLACEE,
                    valid_until=pred.valid_until,
                    today=today,
                    system=True,
                )
                assert pred.number is not None
                number = OfferNumber.parse(pred.number).revision(draft.version)
                taken = conn.execute(
                    "SELECT 1 FROM offers WHERE number = ?", (str(number),)
                ).fetchone()
                if taken:
                    raise RuleViolation(
                        f"Le numéro {number} existe déjà : une autre révision de "
                        f"{pred.number} a été finalisée. Révisez la dernière version."
                    )
            else:
                # never below a number this device already gave, even if a restored backup
                # no longer holds the offer that carries it
                seq = max(highest_seq(conn, device, today.year), self._numbers.last(device, today.year)) + 1
                number = OfferNumber(today.year, device, int(seq))
            frozen = replace(
                draft,
                state=OfferState.FINALISEE,
                number=str(number),
                finalised=now,
                updated=now,
                valid_until=validity_end(today, validity),
                seller=draft.seller or seller,
                tariff=draft.request.tariff,
            )
            pdf = renderer(frozen)
            if not isinstance(pdf, bytes | bytearray) or not bytes(pdf).startswith(b"%PDF"):
                raise StorageError(
                    "Le document PDF de l'offre n'a pas pu être produit (contenu vide ou invalide)."
                )
            pdf = bytes(pdf)
            frozen = replace(frozen, pdf_sha256=codec.sha256_hex(pdf))
            snapshot = self._snapshot(frozen, quote, settings, device)
            row = frozen_row(frozen, snapshot, content_sha256(frozen), pdf)
            row.pop("id")
            row.pop("created")
            cur = conn.execute(
                f"UPDATE offers SET {', '.join(f'{k} = ?' for k in row)} "
                "WHERE id = ? AND state = 'brouillon'",
                (*row.values(), draft.id),
            )
            if cur.rowcount != 1:
                raise RuleViolation("Ce brouillon vient d'être finalisé ou supprimé ailleurs.")
            self._audit(
                conn,
                frozen,
                "finalisation",
                OfferState.BROUILLON,
                OfferState.FINALISEE,
                who=who,
                why=f"validité jusqu'au {frozen.valid_until:%d/%m/%Y}"
                if frozen.valid_until
                else "",
            )
            if pred is not None:
                conn.execute(
                    "UPDATE offers SET state = 'remplacee', updated = ? WHERE id = ?",
                    (_iso(now), pred.id),
                )
                self._audit(
                    conn,
                    pred,
                    "remplacement",
                    pred.state_on(today),
                    OfferState.REMPLACEE,
                    f"remplacée par {number}",
                    who=who,
                )
        if pred is None:
            self._numbers.record(device, today.year, number.seq)
        log.info("Offre %s finalisée (%d octets de PDF)", number, len(pdf))
        return frozen

    @property
    def _numbers(self) -> NumbersGiven:
        return NumbersGiven(getattr(self.db, "path", None))

    def _snapshot(self, offer: Offer, quote: Quote, settings: Any, device: str) -> dict[str, Any]:
        try:
            tariff = self.pricer.tariff_info(offer.request.tariff)
        except (StorageError, NotFound) as e:
            log.warning("tariff info unavailable for the snapshot: %s", e)
            tariff = {"code": offer.request.tariff}
        return {
            "format": SNAPSHOT_FORMAT,
            "number": offer.number,
            "device": device,
            "tariff": tariff,
            "member": codec.to_data(offer.member),
            "decision": codec.to_data(offer.decision),
            "request": codec.to_data(offer.request),
            "quote": codec.to_data(quote),
            "seller": offer.seller,
            "settings": _settings_data(settings),
            "finalised": _iso(offer.finalised),
            "valid_until": offer.valid_until.isoformat() if offer.valid_until else None,
            "pdf_sha256": offer.pdf_sha256,
        }

    # -- states -----------------------------------------------------------------------------
    def set_state(
        self, ref: str, state: OfferState, reason: str = "", *, who: str | None = None
    ) -> Offer:
        """Move a finalised offer along the lifecycle (envoyée, acceptée, refusée)."""
        return self._move(ref, state, reason, who=who, system=False)

    def convert(
        self,
        ref: str,
        note: str,
        pdf: bytes | None = None,
        template_version: int | None = None,
        *,
        who: str | None = None,
    ) -> Offer:
        """The accepted offer's order form is established: it becomes « convertie », with
        ``note`` (``contract_note``: its dates and term) in the history, and ``pdf`` (the order
        form printed) kept to be given again as it is, in the same transaction."""
        with self._tx("établir le bon de commande"):
            converted = self._move(ref, OfferState.CONVERTIE, note, who=who, system=True)
            if pdf is not None:
                self.keep_order_form(converted.id, pdf, template_version)
        return converted

    def keep_order_form(self, ref: str, pdf: bytes, template_version: int | None = None) -> None:
        """Keep ``pdf`` as the order form of the converted offer ``ref`` (an offer converted
        before order forms were kept takes the one printed again now); one already kept stays."""
        if not bytes(pdf).startswith(b"%PDF"):
            raise StorageError("Le bon de commande n'a pas pu être produit (contenu invalide).")
        with self._tx("garder le bon de commande") as conn:
            oid = self._resolve_id(conn, ref)
            conn.execute(
                "INSERT OR IGNORE INTO order_forms (offer_id, pdf, pdf_sha256, template_version, "
                "created) VALUES (?, ?, ?, ?, ?)",
                (oid, bytes(pdf), codec.sha256_hex(bytes(pdf)), template_version, _iso(self.clock())),
            )

    def order_form(self, ref: str) -> tuple[bytes, int | None] | None:
        """The order form of offer ``ref`` as it was first printed (checked against its
        fingerprint) and the contract template version it was written with; None when none
        was kept (not converted, or converted by an earlier version)."""
        with storage_errors("lire le bon de commande"):
            row = self.conn.execute(
                "SELECT pdf, pdf_sha256, template_version FROM order_forms WHERE offer_id = ?",
                (self._resolve_id(self.conn, ref),),
            ).fetchone()
        if row is None:
            return None
        pdf, sha, version = bytes(row[0]), row[1], row[2]
        if codec.sha256_hex(pdf) != sha:
            raise StorageError(
                "Le bon de commande gardé de cette offre ne correspond plus à son empreinte : "
                "la base est peut-être endommagée. Restaurez une sauvegarde (Fichier > Restaurer la base…)."
            )
        return pdf, version

    def _move(self, ref: str, state: OfferState, reason: str, *, who: str | None, system: bool) -> Offer:
        reason = check_reason(reason)  # on one line, as the history shows it
        with self._tx("changer l'état de l'offre") as conn:
            offer = self._load(conn, ref)
            today = self.today()
            if offer.state is OfferState.REMPLACEE and not system:
                self._refuse_replaced(conn, offer, state)
            current = check_transition(
                offer.state, state, valid_until=offer.valid_until, today=today, reason=reason,
                system=system,
            )
            now = self.clock()
            conn.execute(
                "UPDATE offers SET state = ?, updated = ? WHERE id = ?",
                (state.value, _iso(now), offer.id),
            )
            self._audit(conn, offer, "etat", current, state, reason, who=who)
        return replace(offer, state=state, updated=now)

    def _refuse_replaced(self, conn: sqlite3.Connection, offer: Offer, state: OfferState) -> None:
        """A replaced version moves no more: the user typed the number they remember, the one
        whose state to change is its latest version, named."""
        row = conn.execute(
            "SELECT number FROM offers WHERE base_number = ? AND number IS NOT NULL "
            "ORDER BY version DESC LIMIT 1",
            (OfferNumber.parse(offer.number).base if offer.number else None,),
        ).fetchone()
        latest = row[0] if row and row[0] != offer.number else None
        where = f" par {latest} : changez l'état de celle-ci" if latest else " par sa révision"
        raise RuleViolation(
            f"Passage de « {OfferState.REMPLACEE.label} » à « {state.label} » refusé. "
            f"L'offre {offer.number} a été remplacée{where}."
        )

    # -- revisions and copies ---------------------------------------------------------------
    def revise(self, ref: str, *, who: str | None = None) -> Offer:
        """A new draft ``-vN`` of a finalised offer (or the pending one, if it exists)."""
        with self._tx("réviser l'offre") as conn:
            pred = self._load(conn, ref)
            check_revisable(pred.state, pred.valid_until, self.today())
            assert pred.number is not None
            pending = conn.execute(
                "SELECT id FROM offers WHERE predecessor = ? AND state = 'brouillon' "
                "ORDER BY created LIMIT 1",
                (pred.number,),
            ).fetchone()
            if pending:
                return self._load(conn, pending[0])
            now = self.clock()
            draft = Offer(
                id=new_offer_id(),
                request=pred.request,
                member=pred.member,
                decision=pred.decision,
                quote=pred.quote,
                version=pred.version + 1,
                predecessor=pred.number,
                seller=pred.seller,
                created=now,
                updated=now,
                note=pred.note,
            )
            if pred.member is not None:
                # a draft prices the member as the directory has it now, as the window shows it
                # once opened: a category changed since must not be frozen again from here
                try:
                    draft = self._priced_again(draft, draft.request.tariff)
                except ComptoirError as exc:  # priced as it was; opening it says what is wrong
                    log.info("révision de %s non recalculée : %s", pred.number, exc)
            row = _draft_row(draft)
            conn.execute(
                f"INSERT INTO offers ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                tuple(row.values()),
            )
            self._audit(
                conn,
                draft,
                "revision",
                None,
                OfferState.BROUILLON,
                f"révision de {pred.number}",
                who=who,
            )
            self._audit(
                conn,
                pred,
                "revision",
                None,
                None,
                f"version {draft.version} en préparation",
                who=who,
            )
        return draft

    def set_overrides(
        self, ref: str, given: Mapping[str, str], removed: Sequence[str] = (), *, who: str | None = None
    ) -> Offer:
        """The draft ``ref`` with the dérogations ``given`` (code -> reason) added and those
        ``removed`` taken away, priced again and stored, each change in its history."""
        from desktop.core.inputs import override_reason

        with self._tx("changer les dérogations du brouillon") as conn:
            before = self._load(conn, ref)
            if not before.is_draft:
                raise RuleViolation(
                    f"L'offre {before.number} est finalisée : ses dérogations ne changent plus. "
                    "Révisez-la pour en faire une nouvelle version."
                )
            overrides = dict(before.request.overrides)
            for code in removed:
                if code not in overrides:
                    raise InvalidInput(f"Ce brouillon n'a pas de dérogation « {code} » à retirer.")
                del overrides[code]
            for code, reason in given.items():
                overrides[code] = override_reason(reason)
            changed = replace(before, request=replace(before.request, overrides=overrides))
            after = replace(self._priced_again(changed, before.request.tariff), updated=self.clock())
            assert after.quote is not None
            notices = (*after.quote.notices, *(x for li in after.quote.lines for x in li.notices))
            waived = {n.code for n in notices if n.waived}
            for code in given:  # a code that lifts nothing here: a typo, or a rule met already
                if code not in waived:
                    raise InvalidInput(
                        f"Dérogation « {code} » : ce brouillon n'a pas de point bloquant de ce code. "
                        "Le code est celui que le point bloquant affiche entre crochets (comptoir "
                        "offers show)."
                    )
            _update_draft(conn, after)
            for code in removed:
                self._audit(conn, after, "derogation", None, None, f"{code} retirée", who=who)
            for code in given:
                self._audit(conn, after, "derogation", None, None, f"{code} : {overrides[code]}", who=who)
        return after

    def duplicate(self, ref: str, member: Member | None = None, *, who: str | None = None) -> Offer:
        """A new draft with the same lines, for the same or another member, re-priced for its
        category on the tariff in force today."""
        source = self.get(ref)
        target = member or source.member
        if target is None:
            raise RuleViolation("Cette offre n'a pas de membre : choisissez-en un pour la copier.")
        target = self.pricer.current_member(target)
        active = self.pricer.active_tariff(source.request.tariff, self.today())
        request = replace(source.request, tariff=active)
        if target.id != source.member_id:
            # Overrides and products declared for the former member do not carry over.
            request = replace(request, overrides={}, commune_has=frozenset())
        request = replace(request, commune_has=request.commune_has | self._commune_has(target))
        decision, quote = self.pricer.price(request, target)
        now = self.clock()
        draft = Offer(
            id=new_offer_id(),
            request=request,
            member=target,
            decision=decision,
            quote=quote,
            seller=self._seller() or source.seller,  # « Établie par »: who makes the copy
            created=now,
            updated=now,
        )
        row = _draft_row(draft)
        with self._tx("copier l'offre") as conn:
            conn.execute(
                f"INSERT INTO offers ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                tuple(row.values()),
            )
            self._audit(
                conn,
                draft,
                "duplication",
                None,
                OfferState.BROUILLON,
                f"copie de {source.label}",
                who=who,
            )
        return draft

    def _commune_has(self, member: Member) -> frozenset[str]:
        """What a CPAS's commune has in production (the CPAS discount), from the directory."""
        from desktop.core.pricing import commune_products

        lookup = getattr(self.pricer, "lookup", None)
        return commune_products(member, lookup) if lookup is not None else frozenset()

    # -- tariff years -----------------------------------------------------------------------
    def outdated_drafts(self) -> list[OutdatedDraft]:
        """The drafts on a tariff no longer in force; only theirs are read (the offers list
        asks at each search)."""
        today = self.today()
        active: dict[str, str] = {}
        with storage_errors("lister les offres"):
            tariffs = self.conn.execute(
                "SELECT DISTINCT tariff FROM offers WHERE state = 'brouillon'"
            ).fetchall()
        for (tariff,) in tariffs:
            try:
                active[tariff] = self.pricer.active_tariff(tariff, today)
            except NotFound:  # a grid this database lacks (an older catalogue imported):
                active[tariff] = tariff  # nothing to re-price on; finalising says why
        stale = tuple(t for t, now in active.items() if now != t)
        if not stale:
            return []
        found = self.list_offers(OfferFilter(state=OfferState.BROUILLON, tariffs=stale))
        return [OutdatedDraft(s, s.tariff, active[s.tariff]) for s in found]

    def _still_priced(self, draft: Offer) -> None:
        """Refuse to freeze a draft its own tariff no longer prices as stored: a product head
        office withdrew in a catalogue import, left in the draft with its old amounts."""
        if draft.member is None:
            return
        try:
            self._priced_again(draft, draft.request.tariff)
        except ComptoirError as exc:
            raise RuleViolation(
                f"Ce brouillon ne peut plus être finalisé tel quel : {exc} Ouvrez-le dans "
                "l'application (Offres enregistrées) : il s'affiche sans ce qui n'est plus "
                "proposé ; enregistrez-le ainsi, puis finalisez-le."
            ) from None

    def _priced_again(
        self, before: Offer, tariff: str, withdrawn: Mapping[str, frozenset[str]] | None = None
    ) -> Offer:
        """The draft ``before`` priced on ``tariff`` with the catalogue and the member as the
        database has them now (nothing written). Raises what the engine refuses.

        ``withdrawn``: commune id -> the products it no longer has in production (a member
        edit). The draft's own list of what its CPAS's commune has drops them: it holds what the
        directory said when the draft was priced, and the discount follows the directory."""
        assert before.member is not None
        member = self.pricer.current_member(before.member)
        gone = (withdrawn or {}).get(member.commune_id or "", frozenset())
        request = replace(
            before.request,
            tariff=tariff,
            commune_has=(before.request.commune_has - gone) | self._commune_has(member),
        )
        decision, quote = self.pricer.price(request, member)
        return replace(
            before, request=request, member=member, decision=decision, quote=quote, tariff=tariff
        )

    def reprice_preview(
        self, ids: Sequence[str] | None = None, refused: list[RepriceRefused] | None = None
    ) -> list[RepricePreview]:
        """New quotes of outdated drafts on the tariff in force, with their differences.

        Nothing is written. ``ids`` limits the preview to some drafts (default: all outdated).
        A draft the engine refuses on the new tariff (a product withdrawn, say) raises, or,
        when ``refused`` is given, goes there and the others are previewed.
        """
        wanted = None if ids is None else set(ids)
        previews = []
        for item in self.outdated_drafts():
            if wanted is not None and item.summary.id not in wanted:
                continue
            before = self.get(item.summary.id)
            if before.member is None:
                continue
            try:
                after = self._priced_again(before, item.active)
            except ComptoirError as exc:
                if refused is None:
                    raise
                refused.append(RepriceRefused(before, item.active, str(exc)))
                continue
            assert before.updated is not None
            previews.append(
                RepricePreview(
                    before.id,
                    before.updated,
                    before,
                    after,
                    diff_offers(before, after, self._parameter_labels(before, after)),
                )
            )
        return previews

    def reprice_apply(
        self, previews: Sequence[RepricePreview], *, who: str | None = None
    ) -> list[Offer]:
        """Write the previewed drafts in one transaction; refused if one changed meanwhile."""
        now = self.clock()
        done = []
        with self._tx("recalculer les brouillons") as conn:
            for p in previews:
                row = conn.execute(
                    "SELECT state, updated FROM offers WHERE id = ?", (p.offer_id,)
                ).fetchone()
                if row is None or row[0] != "brouillon" or row[1] != _iso(p.seen_updated):
                    raise RuleViolation(
                        f"Le brouillon {p.before.label} a changé depuis l'aperçu : relancez "
                        "l'aperçu du nouveau calcul. Rien n'a été modifié."
                    )
                saved = replace(p.after, updated=now)
                _update_draft(conn, saved)
                self._audit(
                    conn,
                    saved,
                    "reprix",
                    OfferState.BROUILLON,
                    OfferState.BROUILLON,
                    f"{p.before.tariff} → {p.after.tariff}",
                    who=who,
                )
                done.append(saved)
        return done

    def requote_drafts(
        self,
        why: str,
        *,
        who: str | None = None,
        action: str = "recalcul",
        members: Collection[str] | None = None,
        withdrawn: Mapping[str, frozenset[str]] | None = None,
    ) -> RequoteReport:
        """Price every draft again on the catalogue and directory stored now (after a catalogue
        import, or a member edited), on its own tariff when the catalogue still has it; store
        the drafts whose figures, category or member changed, each with an ``action`` line in
        its history (``why``: the catalogue imported, the member edited). ``members``: only
        the drafts of these members (those a member edit can change), not every draft.
        ``withdrawn``: what an edited commune no longer has in production (``_priced_again``).

        A draft the engine no longer prices (a product withdrawn, say) keeps what it had and is
        named in the report. Drafts on a tariff the catalogue no longer has are left to the
        tariff-year re-pricing (``reprice_preview``).
        """
        now = self.clock()
        changed: list[str] = []
        changed_ids: list[str] = []
        unpriced: list[str] = []
        unpriced_ids: list[str] = []
        forget = getattr(self.pricer, "forget", None)
        if forget is not None:  # the members as saved now, not as first read (a second edit)
            forget()
        with self._tx("recalculer les brouillons") as conn:
            known = {r[0] for r in conn.execute("SELECT code FROM tariff")}
            only = None if members is None else tuple(members)
            for summary in self.list_offers(OfferFilter(state=OfferState.BROUILLON, members=only)):
                if summary.tariff not in known:
                    continue
                before = self._load(conn, summary.id)
                if before.member is None:
                    continue
                name = f"{before.member.display_name} ({before.label.lower()})"
                try:
                    after = self._priced_again(before, before.request.tariff, withdrawn)
                except ComptoirError as exc:
                    log.info("brouillon %s non recalculé : %s", summary.id, exc)
                    unpriced.append(name)
                    unpriced_ids.append(summary.id)
                    continue
                if after == before:
                    continue
                saved = replace(after, updated=now)
                _update_draft(conn, saved)
                self._audit(
                    conn, saved, action, OfferState.BROUILLON, OfferState.BROUILLON, why, who=who
                )
                changed.append(name)
                changed_ids.append(saved.id)
        return RequoteReport(
            tuple(changed), tuple(unpriced), tuple(changed_ids), tuple(unpriced_ids)
        )

    list = list_offers  # the offers list screen calls repo.list(filter)


# --- rows ----------------------------------------------------------------------------------


def _search_text(o: Offer) -> str:
    bits = [o.number or "", o.predecessor or "", o.seller, o.note, o.tariff]
    if o.member is not None:
        m = o.member
        bits += [m.display_name, m.name, m.id, m.nis or "", m.zone_number or "", *m.postcodes]
    if o.decision.category:
        bits.append(o.decision.category)
    if o.quote is not None:
        bits += [f"{line.product} {line.name}" for line in o.quote.lines]
    else:
        bits += [line.product for line in o.request.lines]
    return fold(" ".join(b for b in bits if b))


def _asked(o: Offer) -> tuple[Any, ...]:
    """What the user asks of a draft (member, lines, budget, dérogations), not its figures nor
    its tariff: the editor saves on the tariff in force, where a re-pricing moves it too."""
    r = o.request
    return (o.member.id if o.member else None, r.lines, r.years, r.indexation, dict(r.overrides))


def _update_draft(conn: sqlite3.Connection, saved: Offer) -> None:
    """Write a stored draft's row again (its id and creation stay)."""
    data = _draft_row(saved)
    data.pop("id")
    data.pop("created")
    conn.execute(
        f"UPDATE offers SET {', '.join(f'{k} = ?' for k in data)} WHERE id = ?",
        (*data.values(), saved.id),
    )


def _draft_row(o: Offer) -> dict[str, Any]:
    totals = o.quote.totals if o.quote else None
    return {
        "id": o.id,
        "version": o.version,
        "predecessor": o.predecessor,
        "state": o.state.value,
        "tariff": o.request.tariff,
        "member_id": o.member_id,
        "member_name": o.member_name,
        "category": o.decision.category,
        "seller": o.seller,
        "note": o.note,
        "search": _search_text(o),
        "one_time": str(totals.one_time) if totals else None,
        "annual": str(totals.annual) if totals else None,
        "year1": str(totals.year1) if totals else None,
        "partial": int(totals.partial) if totals else 0,
        "coverage": coverage_bits(o.quote.coverage) if o.quote is not None else None,
        "line_count": len(o.request.lines),
        "request_json": codec.request_json(o.request),
        "quote_json": codec.quote_json(o.quote),
        "member_json": codec.member_json(o.member),
        "decision_json": codec.decision_json(o.decision),
        "created": _iso(o.created),
        "updated": _iso(o.updated),
    }


def _offer_from_row(row: Sequence[Any]) -> Offer:
    (
        oid, number, version, predecessor, state, tariff, seller, note, request_json,
        quote_json, member_json, decision_json, pdf_sha256, created, updated, finalised,
        valid_until,
    ) = row  # fmt: skip
    return Offer(
        id=oid,
        request=codec.decode(QuoteRequest, request_json, "demande"),
        member=codec.decode_opt(Member, member_json, "membre"),
        decision=codec.decode(CategoryDecision, decision_json, "catégorie"),
        quote=codec.decode_opt(Quote, quote_json, "devis"),
        state=OfferState(state),
        number=number,
        version=version,
        predecessor=predecessor,
        tariff=tariff,
        pdf_sha256=pdf_sha256,
        created=_dt(created),
        updated=_dt(updated),
        finalised=_dt(finalised),
        valid_until=date.fromisoformat(valid_until) if valid_until else None,
        seller=seller,
        note=note,
    )


_COVERAGE_FIELDS = (
    "one_time", "annual", "year1", "one_time_partial", "annual_partial", "year1_partial"
)


def coverage_bits(coverage: TotalsCoverage) -> int:
    """A quote's ``TotalsCoverage`` as the ``coverage`` column stores it: one bit a flag."""
    return sum(1 << i for i, name in enumerate(_COVERAGE_FIELDS) if getattr(coverage, name))


def coverage_from_bits(bits: int) -> TotalsCoverage:
    return TotalsCoverage(**{name: bool(bits >> i & 1) for i, name in enumerate(_COVERAGE_FIELDS)})


def _summary(r: Sequence[Any], today: date) -> OfferSummary:
    (
        oid, number, version, predecessor, state, tariff, member_id, member_name, category,
        seller, one_time, annual, year1, partial, line_count, created, updated, finalised,
        valid_until, coverage,
    ) = r  # fmt: skip
    stored = OfferState(state)
    valid = date.fromisoformat(valid_until) if valid_until else None
    created_dt = _dt(created)
    updated_dt = _dt(updated)
    assert created_dt is not None and updated_dt is not None
    return OfferSummary(
        id=oid,
        number=number,
        version=version,
        state=effective_state(stored, valid, today),
        stored_state=stored,
        member_id=member_id,
        member_name=member_name,
        category=category,
        tariff=tariff,
        one_time=_dec(one_time),
        annual=_dec(annual),
        year1=_dec(year1),
        partial=bool(partial),
        created=created_dt,
        updated=updated_dt,
        finalised=_dt(finalised),
        valid_until=valid,
        seller=seller,
        predecessor=predecessor,
        lines=line_count,
        coverage=coverage_from_bits(coverage) if coverage is not None else TotalsCoverage(),
    )


def insert_audit(conn: sqlite3.Connection, e: AuditEntry) -> bool:
    """Append one entry; an entry already present (same uid) is left as it is."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO audit_log (uid, offer_id, number, at, who, action, from_state, "
        "to_state, why) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            e.uid,
            e.offer_id,
            e.number,
            _iso(e.when),
            e.who,
            e.action,
            e.from_state.value if e.from_state else None,
            e.to_state.value if e.to_state else None,
            e.why,
        ),
    )
    return cur.rowcount == 1


def _audit_from_row(r: Sequence[Any]) -> AuditEntry:
    uid, offer_id, number, at, who, action, from_state, to_state, why = r
    when = _dt(at)
    assert when is not None
    return AuditEntry(
        when=when,
        who=who,
        action=action,
        from_state=OfferState(from_state) if from_state else None,
        to_state=OfferState(to_state) if to_state else None,
        why=why,
        offer_id=offer_id,
        number=number,
        uid=uid,
    )


def frozen_row(o: Offer, snapshot: Any, fingerprint: str, pdf: bytes) -> dict[str, Any]:
    """The ``offers`` row of a finalised offer (finalising here, or importing a bundle)."""
    assert o.number is not None
    number = OfferNumber.parse(o.number)
    row = _draft_row(o)
    row.update(
        number=str(number),
        base_number=number.base,
        device=number.device,
        year=number.year,
        seq=number.seq,
        snapshot_json=codec.canonical_json(snapshot),
        content_sha256=fingerprint,
        pdf=pdf,
        pdf_sha256=o.pdf_sha256,
        finalised=_iso(o.finalised) if o.finalised else None,
        valid_until=o.valid_until.isoformat() if o.valid_until else None,
    )
    return row


def content_sha256(o: Offer) -> str:
    """Fingerprint of what a finalised offer froze (not its state): equal = same offer."""
    frozen = {
        "number": o.number,
        "request": o.request,
        "quote": o.quote,
        "member": o.member,
        "decision": o.decision,
        "pdf_sha256": o.pdf_sha256,
        "valid_until": o.valid_until,
        "finalised": _iso(o.finalised),
        "predecessor": o.predecessor,
    }
    return codec.sha256_hex(codec.canonical_json(frozen))


def _settings_data(settings: Any) -> dict[str, Any]:
    try:
        data = codec.to_data(settings)
    except TypeError:
        data = (
            {k: str(v) for k, v in vars(settings).items()} if hasattr(settings, "__dict__") else {}
        )
    return data if isinstance(data, dict) else {}


# --- the default pricer: the store's catalogue and directory, and the engine ---------------


class EnginePricer:
    """Re-prices drafts with the tariffs and members of the database and ``build_quote``.

    ``lookup`` finds a member in a directory its caller keeps as stored (the window's, which
    holds every edit it saved); by default the directory is read from the database once, and
    again after ``forget``."""

    def __init__(self, db: Any, lookup: Callable[[str], Member | None] | None = None) -> None:
        self.db = db
        self._tariffs: dict[str, Any] = {}
        self._member_repo: Any = None
        self._lookup = lookup

    def tariff(self, code: str) -> Any:
        if code not in self._tariffs:
            from desktop.store.catalogue_repo import load_tariff

            self._tariffs[code] = load_tariff(self.db, code)
        return self._tariffs[code]

    def _catalogue(self) -> list[tuple[str, str, date]]:
        """(code, issuer, valid_from) of every tariff in the database (store table ``tariff``)."""
        with storage_errors("lire la liste des tarifs", getattr(self.db, "path", None)):
            rows = self.db.conn.execute("SELECT code, issuer, valid_from FROM tariff").fetchall()
        return [(c, i, date.fromisoformat(vf)) for c, i, vf in rows]

    def active_tariff(self, tariff: str, today: date) -> str:
        rows = self._catalogue()
        issuer = next((i for c, i, _ in rows if c == tariff), None)
        if issuer is None:
            issuer = self.tariff(tariff).issuer
        candidates = [(vf, c) for c, i, vf in rows if i == issuer and vf <= today]
        if not candidates:
            return tariff
        return max(candidates)[1]

    def tariff_info(self, tariff: str) -> dict[str, Any]:
        t = self.tariff(tariff)
        return {
            "code": t.code,
            "issuer": t.issuer,
            "title": t.title,
            "year": t.year,
            "valid_from": t.valid_from.isoformat(),
            "meta": dict(t.meta),
        }

    def _members(self) -> Any:
        if self._member_repo is None:
            from desktop.store.members_repo import MemberRepository

            self._member_repo = MemberRepository(self.db)
        return self._member_repo

    def lookup(self, member_id: str) -> Member | None:
        if self._lookup is not None:
            return self._lookup(member_id)
        repo = self._members()
        finder = getattr(repo, "lookup", None) or repo.get
        try:
            found: Member | None = finder(member_id)
        except NotFound:
            return None
        return found

    def current_member(self, member: Member) -> Member:
        return self.lookup(member.id) or member

    def forget(self) -> None:
        """The directory or the catalogue changed in the database: read them again."""
        self._member_repo = None
        self._tariffs.clear()

    def price(self, request: QuoteRequest, member: Member) -> tuple[CategoryDecision, Quote]:
        from desktop.core.pricing import build_quote

        tariff = self.tariff(request.tariff)
        decision = derive_category(member, tariff.categories, self.lookup)
        quote = build_quote(tariff, request, member, decision, member.membership.status)
        return decision, quote
