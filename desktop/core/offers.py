"""Offers: the lifecycle of a quote once it is saved, numbered and sent.

An offer starts as a *brouillon* (draft) that the editor saves on every change. Finalising
freezes it: it gets a number ``OFF-{year}-{device}-{seq:04d}``, a snapshot of the member,
category decision, tariff and every price, and the PDF bytes with their SHA-256. From then on
only its state moves, along the table below, and every move is written to the audit log.

States and decisions
--------------------
- ``finalisee`` is reached only by finalising a draft (the store assigns the number in the
  same transaction); ``remplacee`` only when a revision (``-v2``...) of the offer is
  finalised. Neither can be set by hand.
- ``expiree`` is **derived on read**, never stored: an offer that is *finalisée* or *envoyée*
  and whose validity date has passed (``today > valid_until``) reads as *expirée*. Nothing has
  to run at midnight, a laptop that was switched off for a month shows the truth, and a
  validity date is never rewritten. The audit log records the transitions people make, and the
  expiry date is on the offer itself.
- An expired offer can still be *refusée* (with a reason, as always) or revised (a new
  version with a new validity date). It can be *acceptée* only with a reason, e.g. "délibération
  du Collège du 12/03, antérieure à l'échéance": public bodies often decide in time and answer
  late, and the reason is kept in the audit log. It can no longer be *envoyée*.
- *refusée* always needs a non-empty reason.
- Revising is possible from *finalisée*, *envoyée* (expired or not) and *refusée*; an accepted
  offer is a commitment (the contract follows), a converted, superseded or draft one has
  nothing to revise.

Everything here is pure: dates come in as arguments, nothing reads the clock or a file.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from desktop.core.categories import CategoryDecision
from desktop.core.errors import InvalidInput, RuleViolation
from desktop.core.format import decimal_text, euros
from desktop.core.inputs import check_reason, shown
from desktop.core.members import Member
from desktop.core.quote import LineStatus, Quote, QuoteLine, QuoteRequest, TotalsCoverage
from desktop.core.settings import DEFAULT_VALIDITY_DAYS

# an offer whose amounts were never computed (« devis » is only ever a separate quote: « Sur devis »)
UNPRICED_OFFER = "Les montants de l'offre ne sont pas calculés : ouvrez-la et recalculez-la."


class OfferState(StrEnum):
    BROUILLON = "brouillon"
    FINALISEE = "finalisee"
    ENVOYEE = "envoyee"
    ACCEPTEE = "acceptee"
    REFUSEE = "refusee"
    EXPIREE = "expiree"
    CONVERTIE = "convertie"
    REMPLACEE = "remplacee"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> OfferState:
        """Accepts the code or the French label, with or without accents: 'Acceptée'."""
        from desktop.core.catalogue import fold

        key = fold(text).replace(" ", "")
        for s in cls:
            if key in (s.value, fold(s.label).replace(" ", "")):
                return s
        raise InvalidInput(
            f"État d'offre inconnu : « {shown(text)} ». États possibles : "
            + ", ".join(s.value for s in cls)
            + ".",
            field="state",
        )


_STATE_LABELS = {
    OfferState.BROUILLON: "Brouillon",
    OfferState.FINALISEE: "Finalisée",
    OfferState.ENVOYEE: "Envoyée",
    OfferState.ACCEPTEE: "Acceptée",
    OfferState.REFUSEE: "Refusée",
    OfferState.EXPIREE: "Expirée",
    OfferState.CONVERTIE: "Convertie",
    OfferState.REMPLACEE: "Remplacée",
}

S = OfferState

# Transitions people make with "changer l'état" (set_state), from the *effective* state.
MANUAL_TRANSITIONS: Mapping[OfferState, frozenset[OfferState]] = {
    S.BROUILLON: frozenset(),
    S.FINALISEE: frozenset({S.ENVOYEE}),
    S.ENVOYEE: frozenset({S.ACCEPTEE, S.REFUSEE}),
    S.EXPIREE: frozenset({S.ACCEPTEE, S.REFUSEE}),
    S.ACCEPTEE: frozenset(),
    S.REFUSEE: frozenset(),
    S.CONVERTIE: frozenset(),
    S.REMPLACEE: frozenset(),
}

# Transitions the store makes as part of an action (finalise, finalise a revision, establish
# the order form: « convertie » means the order form exists).
SYSTEM_TRANSITIONS: Mapping[OfferState, frozenset[OfferState]] = {
    S.BROUILLON: frozenset({S.FINALISEE}),
    S.FINALISEE: frozenset({S.REMPLACEE}),
    S.ENVOYEE: frozenset({S.REMPLACEE}),
    S.EXPIREE: frozenset({S.REMPLACEE}),
    S.REFUSEE: frozenset({S.REMPLACEE}),
    S.ACCEPTEE: frozenset({S.CONVERTIE}),
}

REVISABLE = frozenset({S.FINALISEE, S.ENVOYEE, S.EXPIREE, S.REFUSEE})

# The full table (for documentation and tests): from -> every target, manual or system.
TRANSITIONS: Mapping[OfferState, frozenset[OfferState]] = {
    s: MANUAL_TRANSITIONS.get(s, frozenset()) | SYSTEM_TRANSITIONS.get(s, frozenset())
    for s in OfferState
}


def effective_state(stored: OfferState, valid_until: date | None, today: date) -> OfferState:
    """The state as users see it: *finalisée*/*envoyée* past their validity read *expirée*."""
    if stored in (S.FINALISEE, S.ENVOYEE) and valid_until is not None and today > valid_until:
        return S.EXPIREE
    return stored


def check_transition(
    stored: OfferState,
    target: OfferState,
    *,
    valid_until: date | None,
    today: date,
    reason: str = "",
    system: bool = False,
) -> OfferState:
    """Refuse a transition the rules do not allow; return the effective *from* state.

    ``system`` is True for the moves the store makes itself (finalise, supersede); people's
    moves (``system=False``) are limited to ``MANUAL_TRANSITIONS``. Raises ``RuleViolation``
    (French) for refused moves and ``InvalidInput`` for a missing reason.
    """
    current = effective_state(stored, valid_until, today)
    table = SYSTEM_TRANSITIONS if system else MANUAL_TRANSITIONS
    if target is S.EXPIREE:
        raise RuleViolation(
            "L'état « Expirée » ne se choisit pas : il découle de la date de validité de "
            "l'offre (dépassée = expirée)."
        )
    if not system and target is S.FINALISEE:
        raise RuleViolation(
            "Une offre devient « Finalisée » en la finalisant (numéro, PDF figé), "
            "pas en changeant son état."
        )
    if not system and target is S.CONVERTIE:
        raise RuleViolation(
            "Une offre devient « Convertie » quand son bon de commande est établi (menu Offre > "
            "Bon de commande…, ou comptoir contract), pas en changeant son état."
        )
    if not system and target is S.REMPLACEE:
        raise RuleViolation(
            "Une offre devient « Remplacée » quand sa révision est finalisée : "
            "utilisez « Réviser »."
        )
    if target not in table.get(current, frozenset()):
        allowed = sorted(MANUAL_TRANSITIONS.get(current, frozenset()), key=_order)
        hint = (
            "États possibles depuis cet état : " + ", ".join(a.label for a in allowed) + "."
            if allowed
            else "Aucun changement d'état n'est possible depuis cet état."
        )
        if current is S.BROUILLON:
            hint = (
                "Un brouillon se finalise d'abord (numéro, PDF figé) : comptoir offers finalize "
                "ID, ou Finaliser… dans l'application ; son état change ensuite."
            )
        if current is S.EXPIREE and target is S.ENVOYEE:
            hint = (
                f"La validité a pris fin le {_date_fr(valid_until)} : révisez l'offre pour "
                "en émettre une nouvelle version."
            )
        raise RuleViolation(f"Passage de « {current.label} » à « {target.label} » refusé. {hint}")
    check_reason(reason)
    if target is S.REFUSEE and not reason.strip():
        raise InvalidInput(
            "Indiquez le motif du refus (par exemple : budget, autre fournisseur).",
            field="reason",
        )
    if target is S.ACCEPTEE and current is S.EXPIREE and not reason.strip():
        raise InvalidInput(
            f"Cette offre a expiré le {_date_fr(valid_until)}. Pour l'accepter quand même, "
            "indiquez un motif (par exemple la date de la décision du Collège), ou révisez-la.",
            field="reason",
        )
    return current


def check_revisable(stored: OfferState, valid_until: date | None, today: date) -> None:
    current = effective_state(stored, valid_until, today)
    if current in REVISABLE:
        return
    why = {
        S.BROUILLON: "un brouillon se modifie directement",
        S.ACCEPTEE: "elle est acceptée ; une autre proposition fait l'objet d'une nouvelle offre",
        S.CONVERTIE: "elle est déjà convertie en bon de commande",
        S.REMPLACEE: "elle est déjà remplacée par une version plus récente ; révisez la dernière",
    }.get(current, "son état ne le permet pas")
    raise RuleViolation(f"Impossible de réviser une offre « {current.label} » : {why}.")


def _order(s: OfferState) -> int:
    return list(OfferState).index(s)


def _date_fr(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "?"


# --- numbers ---------------------------------------------------------------------------

DEVICE_CODE_RE = re.compile(r"^[A-Z0-9]{1,12}$")
_NUMBER_RE = re.compile(
    r"^\s*OFF-(?P<year>\d{4})-(?P<device>[A-Z0-9]{1,12})-(?P<seq>\d{4,})(?:-V(?P<version>\d+))?\s*$",
    re.IGNORECASE,
)


def check_device_code(code: str) -> str:
    c = code.strip().upper()
    if not DEVICE_CODE_RE.match(c):
        raise InvalidInput(
            f"Code d'appareil invalide : « {code} ». Utilisez 1 à 12 lettres ou chiffres sans "
            "espace ni tiret (par exemple LAP1).",
            field="device_code",
        )
    return c


@dataclass(frozen=True, slots=True, order=True)
class OfferNumber:
    """``OFF-2026-LAP1-0001``; revisions ``OFF-2026-LAP1-0001-v2``, ``-v3``..."""

    year: int
    device: str
    seq: int
    version: int = 1

    def __post_init__(self) -> None:
        check_device_code(self.device)
        if self.seq < 1 or self.version < 1 or not 1000 <= self.year <= 9999:
            raise InvalidInput("Numéro d'offre invalide (année, séquence ou version).")

    def __str__(self) -> str:
        base = self.base
        return base if self.version == 1 else f"{base}-v{self.version}"

    @property
    def base(self) -> str:
        return f"OFF-{self.year}-{self.device}-{self.seq:04d}"

    def revision(self, version: int) -> OfferNumber:
        return replace(self, version=version)

    @classmethod
    def parse(cls, text: str) -> OfferNumber:
        m = _NUMBER_RE.match(text)
        if not m:
            raise InvalidInput(
                f"Numéro d'offre invalide : « {text} ». Format attendu : "
                "OFF-2026-LAP1-0001 (ou OFF-2026-LAP1-0001-v2 pour une révision).",
                field="number",
            )
        version = int(m["version"]) if m["version"] else 1
        if m["version"] is not None and version < 2:
            raise InvalidInput(
                f"Numéro d'offre invalide : « {text} ». Les révisions commencent à -v2.",
                field="number",
            )
        return cls(int(m["year"]), m["device"].upper(), int(m["seq"]), version)

    @classmethod
    def looks_like(cls, text: str) -> bool:
        return bool(_NUMBER_RE.match(text))


# --- values ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Offer:
    """A saved offer: a draft, or a finalised (frozen) one.

    ``member`` and ``decision`` are snapshots: what the offer was made for, kept even when the
    directory changes. ``quote`` is the last computed quote of a draft, and the frozen quote of
    a finalised offer. ``predecessor`` is the number of the version it revises.
    """

    id: str
    request: QuoteRequest
    member: Member | None
    decision: CategoryDecision
    quote: Quote | None = None
    state: OfferState = OfferState.BROUILLON
    number: str | None = None
    version: int = 1
    predecessor: str | None = None
    tariff: str = ""
    pdf_sha256: str | None = None
    created: datetime | None = None
    updated: datetime | None = None
    finalised: datetime | None = None
    valid_until: date | None = None
    seller: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if not self.tariff:
            object.__setattr__(self, "tariff", self.request.tariff)

    @classmethod
    def new_draft(
        cls,
        request: QuoteRequest,
        member: Member | None,
        decision: CategoryDecision,
        quote: Quote | None = None,
        *,
        seller: str = "",
        now: datetime | None = None,
        note: str = "",
    ) -> Offer:
        return cls(
            id=new_offer_id(),
            request=request,
            member=member,
            decision=decision,
            quote=quote,
            seller=seller,
            created=now,
            updated=now,
            note=note,
        )

    @property
    def is_draft(self) -> bool:
        return self.state is OfferState.BROUILLON

    @property
    def frozen(self) -> bool:
        return self.state is not OfferState.BROUILLON

    @property
    def parsed_number(self) -> OfferNumber | None:
        return OfferNumber.parse(self.number) if self.number else None

    def state_on(self, today: date) -> OfferState:
        return effective_state(self.state, self.valid_until, today)

    @property
    def finalised_on(self) -> date | None:
        """The day it was finalised on the local calendar: the date the offer bears (the
        stored time is UTC, and 00:30 on 1 January in Brussels is still 31 December there)."""
        return self.finalised.astimezone().date() if self.finalised else None

    @property
    def member_id(self) -> str | None:
        return self.member.id if self.member else None

    @property
    def member_name(self) -> str:
        return self.member.display_name if self.member else ""

    @property
    def label(self) -> str:
        """'OFF-2026-LAP1-0001-v2' or 'Brouillon du 22/11/2026'."""
        if self.number:
            return self.number
        when = self.updated or self.created
        return f"Brouillon du {when.astimezone().strftime('%d/%m/%Y')}" if when else "Brouillon"

    def check_finalisable(self) -> Quote:
        """The frozen quote must exist, be for a decided category and have no blocking notice."""
        if not self.is_draft:
            raise RuleViolation(
                f"L'offre {self.number or self.id} est déjà finalisée : elle ne change plus. "
                "Révisez-la pour en faire une nouvelle version."
            )
        if self.member is None:
            raise RuleViolation("Choisissez un membre avant de finaliser l'offre.")
        if not self.decision.decided:
            raise RuleViolation(
                "La catégorie du membre n'est pas déterminée : choisissez-la (avec un motif) "
                "avant de finaliser."
            )
        if self.quote is None:
            raise RuleViolation(UNPRICED_OFFER)
        if not self.request.lines:
            raise RuleViolation(
                "L'offre ne contient aucun produit : ajoutez-en avant de finaliser."
            )
        blocking = self.quote.blocking
        if blocking:
            raise RuleViolation(
                "Points bloquants à lever avant de finaliser : "
                + " ; ".join(n.message for n in blocking)
            )
        return self.quote


@dataclass(frozen=True, slots=True)
class OfferSummary:
    """One row of the offers list: what the list shows, without decoding the whole offer."""

    id: str
    number: str | None
    version: int
    state: OfferState  # effective (expiry derived)
    stored_state: OfferState
    member_id: str | None
    member_name: str
    category: str | None
    tariff: str
    one_time: Decimal | None
    annual: Decimal | None
    year1: Decimal | None
    partial: bool
    created: datetime
    updated: datetime
    finalised: datetime | None
    valid_until: date | None
    seller: str
    predecessor: str | None = None
    lines: int = 0
    # which totals stand for an amount; one with nothing priced in it reads « Sur devis »
    coverage: TotalsCoverage = field(default_factory=TotalsCoverage)

    @property
    def device(self) -> str | None:
        """The device code its number bears (None for a draft)."""
        return OfferNumber.parse(self.number).device if self.number else None

    @property
    def label(self) -> str:
        return self.number or f"Brouillon du {self.updated.astimezone().strftime('%d/%m/%Y %H:%M')}"


def new_offer_id() -> str:
    return uuid.uuid4().hex


def validity_end(finalised_on: date, days: int = DEFAULT_VALIDITY_DAYS) -> date:
    """Last day the offer is valid (inclusive)."""
    if days < 1:
        raise InvalidInput(
            "La durée de validité doit être d'au moins un jour.", field="validity_days"
        )
    return finalised_on + timedelta(days=days)


# Initial term of the order form (« durée initiale »): after it the contract renews tacitly
# from year to year, so a long first term is never needed; public bodies commit for a few
# years at most. Ten years leaves room and keeps the printed term meaningful.
MAX_CONTRACT_YEARS = 10


def check_contract_dates(
    issued: date, start: date | None, *, offered: date | None, accepted: date | None
) -> tuple[date, date]:
    """The order form's date and its taking effect (``start``, default ``issued``), checked
    against the offer (``offered``: its date) and its acceptance; else ``InvalidInput``."""
    start = start or issued
    if accepted is not None and issued < accepted:
        raise InvalidInput(
            f"Le bon de commande ne peut pas précéder l'acceptation de l'offre ({_date_fr(accepted)}).",
            field="issued",
        )
    if offered is not None and start < offered:
        raise InvalidInput(
            f"La prise d'effet ne peut pas précéder l'offre ({_date_fr(offered)}).", field="start"
        )
    try:
        two_years_on = issued.replace(year=issued.year + 2)
    except ValueError:  # 29 February: the 28th two years on
        two_years_on = issued.replace(year=issued.year + 2, day=28)
    if start > two_years_on:
        raise InvalidInput(
            "La prise d'effet est à plus de deux ans du bon de commande : vérifiez l'année.",
            field="start",
        )
    return issued, start


def check_contract_term(years: int) -> int:
    """``years`` when it is an initial term of 1 to 10 years; else ``InvalidInput``."""
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_CONTRACT_YEARS:
        shown = str(years) if len(str(years)) <= 20 else str(years)[:19] + "…"
        raise InvalidInput(
            f"La durée initiale du bon de commande va de 1 à {MAX_CONTRACT_YEARS} ans ; reçu "
            f"{shown}. Au-delà, le bon de commande est reconduit tacitement d'année en année.",
            field="term_years",
        )
    return years


_CONTRACT_NOTE = re.compile(
    r"bon de commande du (\d{2})/(\d{2})/(\d{4}), prise d'effet le (\d{2})/(\d{2})/(\d{4}), "
    r"durée initiale (\d+) ans?"
)


def accepted_on(history: Sequence[AuditEntry]) -> date | None:
    """The (last) day an offer was accepted, from its history; None if it never was."""
    days = [e.when.astimezone().date() for e in history if e.to_state is OfferState.ACCEPTEE]
    return days[-1] if days else None


def contract_note(issued: date, start: date, years: int) -> str:
    """The reason recorded when an offer is converted: what its order form said."""
    return (
        f"bon de commande du {issued:%d/%m/%Y}, prise d'effet le {start:%d/%m/%Y}, "
        f"durée initiale {years} an{'s' if years > 1 else ''}"
    )


def read_contract_note(text: str) -> tuple[date, date, int] | None:
    """(document date, start, years) from a ``contract_note``; None for any other text."""
    m = _CONTRACT_NOTE.search(text or "")
    if m is None:
        return None
    d1, m1, y1, d2, m2, y2, years = (int(g) for g in m.groups())
    try:
        return date(y1, m1, d1), date(y2, m2, d2), years
    except ValueError:
        return None


def recorded_contract(history: Iterable[AuditEntry]) -> tuple[date, date, int] | None:
    """The dates and term the order form was established with, from the offer's history (the
    conversion's note; an « Importée — Convertie » line from another device says none)."""
    found = None
    for entry in history:
        if entry.to_state is OfferState.CONVERTIE:
            found = read_contract_note(entry.why) or found
    return found


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of an offer's history. The log is append-only: entries are never changed."""

    when: datetime
    who: str
    action: str  # creation, finalisation, etat, revision, remplacement, duplication, ...
    from_state: OfferState | None
    to_state: OfferState | None
    why: str = ""
    offer_id: str = ""
    number: str | None = None
    uid: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def description(self) -> str:
        what = ACTION_LABELS.get(self.action, self.action)
        bits = [what]
        if self.from_state and self.to_state and self.from_state is not self.to_state:
            bits.append(f"{self.from_state.label} → {self.to_state.label}")
        elif self.to_state and not self.from_state:
            bits.append(self.to_state.label)
        if self.why:
            bits.append(f"motif : {self.why}" if self.action == "etat" else self.why)
        return " — ".join(bits)


ACTION_LABELS = {
    "creation": "Création du brouillon",
    "finalisation": "Finalisation",
    "etat": "Changement d'état",
    "revision": "Révision créée",
    "revision-abandon": "Révision abandonnée",
    "remplacement": "Remplacée par une révision",
    "duplication": "Copie d'une autre offre",
    "suppression": "Brouillon supprimé",
    "reprix": "Nouveau calcul sur un autre tarif",
    "recalcul": "Nouveau calcul sur le catalogue importé",
    "recalcul-membre": "Nouveau calcul après une modification de l'annuaire",
    "recalcul-donnees": "Nouveau calcul sur le catalogue et l'annuaire de la version installée",
    "import": "Importée",
    "conflit": "Conflit à l'import, état d'ici conservé",
    "conflit-bon": "Conflit à l'import, bon de commande d'ici conservé",
    "derogation": "Dérogation",
}


# --- diff ------------------------------------------------------------------------------


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"

    @property
    def label(self) -> str:
        return {"added": "Ajouté", "removed": "Retiré", "changed": "Modifié"}[self.value]


@dataclass(frozen=True, slots=True)
class AmountChange:
    field: str  # one_time | annual | setup_days | year1 | year2...
    label: str
    old: Decimal | None
    new: Decimal | None
    # a total with nothing priced in it keeps its 0.00 here, read « sur devis »
    old_priced: bool = True
    new_priced: bool = True

    @property
    def delta(self) -> Decimal | None:
        if self.old is None or self.new is None or not (self.old_priced and self.new_priced):
            return None
        return self.new - self.old

    def describe(self, money: bool = True) -> str:
        fmt = money_fr if money else decimal_text
        old = self.old if self.old_priced else None
        new = self.new if self.new_priced else None
        text = f"{self.label} : {_or_devis(old, fmt)} → {_or_devis(new, fmt)}"
        d = self.delta
        if d is not None and d != 0:
            sign = "+" if d > 0 else "−"
            text += f" ({sign}{fmt(abs(d))})"
        return text


@dataclass(frozen=True, slots=True)
class LineDiff:
    kind: ChangeKind
    product: str
    name: str
    old: QuoteLine | None
    new: QuoteLine | None
    amounts: tuple[AmountChange, ...] = ()
    params: tuple[tuple[str, Decimal | None, Decimal | None], ...] = ()
    status: tuple[LineStatus, LineStatus] | None = None
    # parameter key -> its name in the catalogue (« schools » -> « Nombre d’écoles »)
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def description(self) -> str:
        if self.kind is ChangeKind.ADDED:
            assert self.new is not None
            return f"Ajouté : {self.name} ({_line_amounts(self.new)})"
        if self.kind is ChangeKind.REMOVED:
            assert self.old is not None
            return f"Retiré : {self.name} ({_line_amounts(self.old)})"
        bits: list[str] = []
        for key, old, new in self.params:
            bits.append(f"{self.labels.get(key, key)} : {_or_dash(old)} → {_or_dash(new)}")
        if self.status:
            bits.append(f"{self.status[0].label} → {self.status[1].label}")
        for a in self.amounts:
            bits.append(a.describe(money=a.field != "setup_days"))
        return f"Modifié : {self.name} — " + " ; ".join(bits)


@dataclass(frozen=True, slots=True)
class OfferDiff:
    """What changed from ``old`` to ``new`` (two versions, or a draft before/after re-pricing)."""

    old_label: str
    new_label: str
    lines: tuple[LineDiff, ...]
    category: tuple[str | None, str | None] | None = None
    tariff: tuple[str, str] | None = None
    member: tuple[str, str] | None = None
    totals: tuple[AmountChange, ...] = ()
    partial: tuple[bool, bool] | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.lines or self.category or self.tariff or self.member or self.totals or self.partial
        )

    def descriptions(self, tariff_names: Mapping[str, str] | None = None) -> list[str]:
        """French sentences, most important first; ``tariff_names`` shows a tariff code as
        people name it (« iMio 2024 » for imio-2024)."""
        names = tariff_names or {}
        out: list[str] = []
        if self.member:
            out.append(f"Membre : {self.member[0]} → {self.member[1]}")
        if self.category:
            out.append(f"Catégorie : {self.category[0] or '?'} → {self.category[1] or '?'}")
        if self.tariff:
            old, new = (names.get(code, code) for code in self.tariff)
            out.append(f"Tarif : {old} → {new}")
        out.extend(line.description for line in self.lines)
        out.extend(a.describe() for a in self.totals)
        if self.partial:
            out.append(
                "Les totaux sont désormais partiels (ligne sur devis)"
                if self.partial[1]
                else "Les totaux ne sont plus partiels"
            )
        if not out:
            out.append("Aucune différence.")
        return out


_LINE_AMOUNTS = (
    ("one_time", "Unique"),
    ("annual", "Annuel"),
    ("setup_days", "Jours de mise en place"),
)


def _keyed(lines: Sequence[QuoteLine]) -> dict[tuple[str, int], QuoteLine]:
    seen: Counter[str] = Counter()
    out: dict[tuple[str, int], QuoteLine] = {}
    for line in lines:
        out[(line.product, seen[line.product])] = line
        seen[line.product] += 1
    return out


def _line_diff(
    old: QuoteLine, new: QuoteLine, labels: Mapping[tuple[str, str], str]
) -> LineDiff | None:
    amounts = tuple(
        AmountChange(f, label, getattr(old, f), getattr(new, f))
        for f, label in _LINE_AMOUNTS
        if getattr(old, f) != getattr(new, f)
    )
    keys = sorted(set(old.params) | set(new.params))
    params = tuple(
        (k, old.params.get(k), new.params.get(k))
        for k in keys
        if old.params.get(k) != new.params.get(k)
    )
    status = (old.status, new.status) if old.status is not new.status else None
    if not (amounts or params or status):
        return None
    named = {k: labels[(new.product, k)] for k, _, _ in params if (new.product, k) in labels}
    return LineDiff(
        ChangeKind.CHANGED, new.product, new.name, old, new, amounts, params, status, named
    )


def diff_quotes(
    old: Quote | None, new: Quote | None, labels: Mapping[tuple[str, str], str] | None = None
) -> tuple[tuple[LineDiff, ...], tuple[AmountChange, ...], tuple[bool, bool] | None]:
    """The lines and totals that differ; ``labels`` names the parameters, by (product code,
    parameter key), as the catalogue does (the key itself where it does not)."""
    old_lines = _keyed(old.lines if old else ())
    new_lines = _keyed(new.lines if new else ())
    diffs: list[LineDiff] = []
    for key, line in old_lines.items():
        if key not in new_lines:
            diffs.append(LineDiff(ChangeKind.REMOVED, line.product, line.name, line, None))
    for key, line in new_lines.items():
        if key not in old_lines:
            diffs.append(LineDiff(ChangeKind.ADDED, line.product, line.name, None, line))
        else:
            d = _line_diff(old_lines[key], line, labels or {})
            if d is not None:
                diffs.append(d)
    totals: list[AmountChange] = []
    partial = None
    ot, nt = (old.totals if old else None), (new.totals if new else None)
    oc = old.coverage if old else TotalsCoverage()
    nc = new.coverage if new else TotalsCoverage()
    pairs = [("one_time", "Total unique"), ("annual", "Total annuel"), ("year1", "Budget année 1")]
    for f, label in pairs:
        a = getattr(ot, f) if ot else None
        b = getattr(nt, f) if nt else None
        ap, bp = getattr(oc, f), getattr(nc, f)
        if (a, ap) != (b, bp):
            totals.append(AmountChange(f, label, a, b, ap, bp))
    oy, ny = (ot.years if ot else ()), (nt.years if nt else ())
    for i in range(1, max(len(oy), len(ny))):  # year 1 is already above
        a = oy[i] if i < len(oy) else None
        b = ny[i] if i < len(ny) else None
        ap, bp = oc.year(i + 1), nc.year(i + 1)
        if (a, ap) != (b, bp):
            totals.append(AmountChange(f"year{i + 1}", f"Budget année {i + 1}", a, b, ap, bp))
    if ot and nt and ot.partial != nt.partial:
        partial = (ot.partial, nt.partial)
    return tuple(diffs), tuple(totals), partial


def diff_offers(
    old: Offer, new: Offer, labels: Mapping[tuple[str, str], str] | None = None
) -> OfferDiff:
    """What changed from ``old`` to ``new``; ``labels`` as ``diff_quotes`` reads them."""
    lines, totals, partial = diff_quotes(old.quote, new.quote, labels)
    old_cat = old.decision.category
    new_cat = new.decision.category
    old_member = old.member_name
    new_member = new.member_name
    return OfferDiff(
        old_label=old.label,
        new_label=new.label,
        lines=lines,
        category=(old_cat, new_cat) if old_cat != new_cat else None,
        tariff=(old.tariff, new.tariff) if old.tariff != new.tariff else None,
        member=(old_member, new_member) if old.member_id != new.member_id else None,
        totals=totals,
        partial=partial,
    )


# --- plain French money text (core has no locale library; documents use babel) -----------


def money_fr(amount: Decimal) -> str:
    """Decimal('8062') -> '8 062,00 €' (narrow no-break space, comma), like babel's fr_BE."""
    return euros(amount)


def _or_devis(v: Decimal | None, fmt: Callable[[Decimal], str]) -> str:
    return "sur devis" if v is None else fmt(v)


def _or_dash(v: Decimal | None) -> str:
    return "—" if v is None else decimal_text(v)


def _line_amounts(line: QuoteLine) -> str:
    if line.one_time is None and line.annual is None:
        return line.status.label.lower() if line.status is not LineStatus.PRICED else "sans montant"
    if line.status is not LineStatus.PRICED:  # priced in part: the known amount, and the rest
        return f"unique {_or_devis(line.one_time, money_fr)}, annuel {_or_devis(line.annual, money_fr)}"
    parts = []
    if line.one_time is not None:
        parts.append(f"unique {money_fr(line.one_time)}")
    if line.annual is not None:
        parts.append(f"annuel {money_fr(line.annual)}")
    return ", ".join(parts)
