"""The offer document: what the printed offer says, as plain data, and its PDF.

``build_offer_document`` gathers everything the page shows from a core ``Quote``, its
``Tariff``, the letterhead settings and the offer metadata (number, dates). The result is an
``OfferDocument``: plain values, no formatting done yet, no reportlab. ``render_offer`` turns
it into PDF bytes (reportlab imported on first use); the same document gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from desktop.core.catalogue import Family, Tariff
from desktop.core.members import Member, MemberKind, of_place
from desktop.core.offers import DEFAULT_VALIDITY_DAYS, UNPRICED_OFFER, validity_end
from desktop.core.pricing import TO_CONFIRM_PREFIX, days_times, waived_rules
from desktop.core.quote import LineStatus, Quote, QuoteLine, Severity, Totals, TotalsCoverage
from desktop.documents.formatting import Formatter

# Visible marker for a letterhead setting nobody filled in: never invent a value.
MISSING = "[à compléter : {what}]"
MISSING_ADDRESS = MISSING.format(what="adresse de l'émetteur")
MISSING_CONTACT = MISSING.format(what="téléphone, courriel ou site web")

# Seed 000, remark 5 (000:L668-L671): printed next to the totals of an iMio offer when the
# tariff data does not carry its own wording.
IMIO_VAT_STATEMENT = (
    "Tous les prix s'entendent hors TVA et à l'exclusion des redevances, taxes et autres "
    "impôts. Sauf avis contraire de l'administration de la TVA, la TVA n'est pas applicable "
    "aux montants dus à iMio."
)

# Under the name of a line whose amounts leave out a part sur devis that no column shows.
PARTLY_SUR_DEVIS = (
    "En partie sur devis : les montants indiqués n'en comprennent que la partie chiffrée."
)

SUR_DEVIS_SENTENCE = (
    "Les postes marqués « Sur devis » ne sont pas chiffrés dans cette offre (la grille renvoie à "
    "un devis, ou ne donne pas de prix pour la catégorie du membre) : leur montant fera l'objet "
    "d'un devis séparé. Ces postes ne sont pas compris dans les totaux, qui sont donc partiels."
)


DEFAULT_ISSUER = "iMio"
DEFAULT_ADDRESS = ("Rue Léon Morel 1", "5032 Isnes")


@dataclass(frozen=True, slots=True)
class Letterhead:
    """The issuer block printed at the top of every document.

    Empty ``enterprise_number``, ``iban`` or ``legal_form`` print as a visible
    "[à compléter : ...]" marker: these come from the settings, never from a guess.
    """

    name: str = DEFAULT_ISSUER
    legal_form: str = ""
    address_lines: tuple[str, ...] = DEFAULT_ADDRESS
    phone: str = "+32 81 58 61 00"
    email: str = "contact@imio.be"
    web: str = "www.imio.be"
    enterprise_number: str = ""
    iban: str = ""

    @classmethod
    def from_settings(cls, settings: Any) -> Letterhead:
        """Read the letterhead fields of a ``Settings`` (or any object with those names)."""
        if settings is None:
            return cls()
        if isinstance(settings, Letterhead):
            return settings

        def pick(*names: str, default: Any = "") -> Any:
            for n in names:
                value = getattr(settings, n, None)
                if value is None and isinstance(settings, Mapping):
                    value = settings.get(n)
                if value is not None:
                    return value
            return default

        lines = pick("letterhead_address_lines", "address_lines", default=None)
        if lines is None:
            address = pick("letterhead_address", "address", default=None)
            lines = _split_lines(address) if address is not None else DEFAULT_ADDRESS
        elif isinstance(lines, str):
            lines = _split_lines(lines)
        return cls(
            name=str(pick("letterhead_name", "issuer_name", "name", default=DEFAULT_ISSUER)).strip(),
            legal_form=str(pick("legal_form", "letterhead_legal_form")).strip(),
            address_lines=tuple(str(x).strip() for x in lines if str(x).strip()),
            phone=str(pick("phone", "letterhead_phone")).strip(),
            email=str(pick("email", "letterhead_email")).strip(),
            web=str(pick("web", "website", "letterhead_web")).strip(),
            enterprise_number=str(pick("enterprise_number", "letterhead_enterprise_number")).strip(),
            iban=str(pick("iban", "letterhead_iban")).strip(),
        )

    @property
    def display_name(self) -> str:
        """'iMio SCRL' when the legal form is known, else the bare name."""
        if self.legal_form and not self.name.endswith(self.legal_form):
            return f"{self.name} {self.legal_form}"
        return self.name

    def value_or_marker(self, attr: str) -> tuple[str, bool]:
        """(text, missing): the setting, or the visible marker when it is empty."""
        value = getattr(self, attr)
        if value:
            return value, False
        return MISSING.format(what=_SETTING_LABELS[attr]), True

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(_SETTING_LABELS[a] for a in _SETTING_LABELS if not getattr(self, a))


_SETTING_LABELS = {
    "legal_form": "forme juridique",
    "enterprise_number": "numéro d'entreprise",
    "iban": "IBAN",
}


def _split_lines(text: Any) -> tuple[str, ...]:
    if isinstance(text, list | tuple):
        return tuple(str(x) for x in text)
    raw = str(text or "")
    parts = raw.splitlines() if "\n" in raw else raw.split(",")
    return tuple(p.strip() for p in parts if p.strip())


_LOCALITY = re.compile(r"^\s*(?:B\s*-\s*)?\d{4}\s+\S")  # « 5000 Namur », « B-5000 Namur »


def only_locality(lines: Iterable[str]) -> bool:
    """The address is a postcode and a town at most (the directory knows no more): its street
    is to complete, never left out as if the address were whole."""
    return all(_LOCALITY.match(line) for line in lines)


@dataclass(frozen=True, slots=True)
class MemberBlock:
    """Who the offer is for, as printed: name, kind, address, identifiers."""

    name: str
    kind: str = ""
    address_lines: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()  # "NIS 25072", "Zone 5267"
    known: bool = True  # False for an offer priced for a kind only (CLI --kind)
    article: str = ""  # « le » CPAS, « la » Province…: « pour le CPAS de Nivelles »
    signing: str = ""  # who signs, when not article + name: « la commune de Nivelles »

    @property
    def street_missing(self) -> bool:
        """A member whose address is a postcode and a town at most: « à compléter » is printed
        where its street goes."""
        return self.known and only_locality(self.address_lines)

    @property
    def kind_said(self) -> str:
        """The kind, where the name does not already say it: « Namur » is a commune, « CPAS
        de Nivelles » and « Province de Namur » need no « (CPAS) », « (province) »."""
        name, kind = self.name.casefold(), self.kind.casefold()
        if self.known and kind and (name == kind or name.startswith(kind + " ")):
            return ""
        return self.kind

    @property
    def who(self) -> str:
        """The body that agrees, as « Pour accord — pour … » and the signatures name it."""
        if not self.known:
            return "le membre"
        return self.signing or self.article + self.name

    @classmethod
    def from_member(cls, member: Member | None, kind: MemberKind | None = None) -> MemberBlock:
        if member is None:
            label = kind.label if kind is not None else ""
            return cls(name=MISSING.format(what="destinataire"), kind=label, known=False)
        ids = []
        if member.nis:
            ids.append(f"NIS {member.nis}")
        if member.zone_number and member.kind is MemberKind.ZONE_DE_POLICE:
            ids.append(f"Zone {member.zone_number}")
        lines = _split_lines(member.address) if member.address else ()
        if not lines and member.postcodes:
            lines = (f"{member.postcodes[0]} {member.name}",)
        return cls(
            name=member.display_name,
            kind=member.kind.label,
            address_lines=lines,
            identifiers=tuple(ids),
            article=_ARTICLES.get(member.kind, ""),
            # a commune signs as such (« pour Namur » named a place, not the body that signs)
            signing=f"la commune {of_place(member.name)}" if member.kind is MemberKind.COMMUNE else "",
        )


# « pour le CPAS de Nivelles », « pour la ZP 5267 … », but « pour Nivelles », « pour IDEA »
_ARTICLES = {
    MemberKind.CPAS: "le ",
    MemberKind.ZONE_DE_POLICE: "la ",
    MemberKind.ZONE_DE_SECOURS: "la ",
    MemberKind.PROVINCE: "la ",
}


@dataclass(frozen=True, slots=True)
class ParamValue:
    label: str
    value: Decimal
    unit: str = ""


@dataclass(frozen=True, slots=True)
class OfferLine:
    """One product line as printed. ``None`` amounts are not priced (never shown as 0)."""

    code: str
    name: str
    status: LineStatus
    one_time: Decimal | None
    annual: Decimal | None
    setup_days: Decimal | None
    params: tuple[ParamValue, ...] = ()
    notes: tuple[str, ...] = ()
    discount: Decimal | None = None
    tax_mode: str = ""
    discounts: tuple[str, ...] = ()  # what each discount is and why (also among ``notes``)
    days_in_notes: bool = False  # a day-rate service: « 3 jours × 991 € » says its days

    @property
    def priced(self) -> bool:
        return self.status is LineStatus.PRICED

    @property
    def sur_devis_hidden(self) -> bool:
        """Priced in part, yet both amounts are known: no column shows « Sur devis » (iA.AES
        beyond 3 tariff plans, iA.Tech with extra users), so the line must say it itself."""
        return not self.priced and self.one_time is not None and self.annual is not None


@dataclass(frozen=True, slots=True)
class LineGroup:
    family: str
    label: str
    lines: tuple[OfferLine, ...]


@dataclass(frozen=True, slots=True)
class TermText:
    code: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Signatory:
    """A 'Pour accord' box: the capacity is a suggestion printed under the blank name."""

    capacity: str = ""


@dataclass(frozen=True, slots=True)
class OfferDocument:
    letterhead: Letterhead
    number: str | None  # None: a draft (PROJET watermark, no number)
    issued: date
    valid_until: date
    member: MemberBlock
    category: str | None
    category_trace: tuple[str, ...]
    category_overridden: bool
    groups: tuple[LineGroup, ...]
    totals: Totals
    coverage: TotalsCoverage  # which totals are amounts; the others print « Sur devis »
    tariff_code: str
    tariff_title: str
    tariff_year: int
    tax_label: str  # "HTVA" (iMio), "HT" (Somme Numérique)
    vat_statement: str
    terms: tuple[TermText, ...]
    approval: str  # "La tarification pour l'année 2024 a été approuvée par ..."
    signatories: tuple[Signatory, ...]
    sur_devis_text: str = SUR_DEVIS_SENTENCE
    locale: str = "fr_BE"
    currency: str = "EUR"
    issuer: str = "iMio"
    seller: str = ""
    remarks: tuple[str, ...] = ()  # overrides with their reasons, printed as "Remarques"
    open_points: tuple[str, ...] = ()  # blocking notices (drafts only)
    replaces: str = ""  # the number of the version this one revises (OFF-…-0002 for its -v2)

    @property
    def draft(self) -> bool:
        return self.number is None

    @property
    def lines(self) -> tuple[OfferLine, ...]:
        return tuple(line for g in self.groups for line in g.lines)

    @property
    def partial(self) -> bool:
        return self.totals.partial or any(not line.priced for line in self.lines)

    @property
    def has_sur_devis(self) -> bool:
        return any(line.status is LineStatus.SUR_DEVIS for line in self.lines)

    @property
    def has_not_offered(self) -> bool:
        return any(line.status is LineStatus.NOT_OFFERED for line in self.lines)

    @property
    def title(self) -> str:
        return f"Offre n° {self.number}" if self.number else "Projet d'offre"

    @property
    def running_label(self) -> str:
        """The page footer's left part: 'Offre n° OFF-2026-LAP1-0001'."""
        return f"Offre n° {self.number}" if self.number else "Offre n° (projet, non numéroté)"


# --------------------------------------------------------------------------- building

_FAMILY_ORDER = {f.value: i for i, f in enumerate(Family)}


def family_label(family: str) -> str:
    try:
        return Family(family).label
    except ValueError:
        return family or "Autres"


def _line(tariff: Tariff, line: QuoteLine, *, internal: bool = True) -> OfferLine:
    """``internal``: also the catalogue's own caveats (« Tarif à confirmer : … »), for the
    account manager's draft; a numbered offer, which the member receives, leaves them out."""
    product = tariff.products.get(line.product)
    params: list[ParamValue] = []
    # in the catalogue's order, as the editor shows them: a stored offer keeps them sorted by key
    order = {p.key: i for i, p in enumerate(product.parameters)} if product is not None else {}
    for key, value in sorted(line.params.items(), key=lambda kv: order.get(kv[0], len(order))):
        p = product.parameter(key) if product is not None else None
        label = p.label if p is not None and p.label else key
        unit = p.unit if p is not None else ""
        params.append(ParamValue(label, value, unit))
    notes = list(line.notes)
    if line.one_time is None and line.annual is None:
        # both amount columns read « Sur devis »: a note that says only that repeats them
        notes = [n for n in notes if n.strip().rstrip(".").casefold() != "sur devis"]
    if internal and product is not None and product.to_confirm and product.to_confirm not in notes:
        notes.append(product.to_confirm)
    for n in line.notices:
        if not internal and n.code.startswith(TO_CONFIRM_PREFIX):
            continue
        if n.severity is not Severity.BLOCKING and n.message not in notes:
            notes.append(n.message)
    return OfferLine(
        code=line.product,
        name=line.name,
        status=line.status,
        one_time=line.one_time,
        annual=line.annual,
        setup_days=line.setup_days,
        params=tuple(params),
        notes=tuple(notes),
        discount=line.discount,
        tax_mode=line.tax_mode or (product.tax_mode if product is not None else ""),
        discounts=tuple(n.message for n in line.notices if n.code.startswith("discount:")),
    )


def _offer_line(tariff: Tariff, line: QuoteLine, *, internal: bool) -> OfferLine:
    """A line as the offer prints it: the days of a day-rate service said once, where its
    detail gives them with their rate (« 3 jours × 991 € »), not again as its parameter
    (« Nombre de jours : 3 ») nor as set-up days in their column."""
    printed = _line(tariff, line, internal=internal)
    key = days_parameter(tariff, line)
    if key is None or not any(n.startswith(days_times(line.params[key])) for n in printed.notes):
        return printed
    product = tariff.products.get(line.product)
    p = product.parameter(key) if product is not None else None
    label = p.label if p is not None and p.label else key
    return replace(
        printed,
        params=tuple(x for x in printed.params if x.label != label),
        setup_days=None,
        days_in_notes=True,
    )


def days_parameter(tariff: Tariff, line: QuoteLine) -> str | None:
    """The parameter holding the days of a line priced as days typed by the user × a rate
    (services, deliberations.be); None for any other line."""
    product = tariff.products.get(line.product)
    for comp in product.components if product is not None else ():
        if comp.kind == "days_x_rate" and "table" not in comp.params:
            key = comp.params.get("days") or comp.params.get("quantity")
            if key in line.params:
                return key
    return None


def _family_rank(family: str) -> tuple[int, str]:
    return _FAMILY_ORDER.get(family, len(_FAMILY_ORDER)), family


def printed_order(lines: Iterable[QuoteLine]) -> tuple[QuoteLine, ...]:
    """The lines in the order the offer prints them: families in catalogue order, lines in
    quote order within a family (the order form lists them the same way)."""
    return tuple(sorted(lines, key=lambda line: _family_rank(line.family)))


def group_lines(
    tariff: Tariff, lines: Iterable[QuoteLine], *, internal: bool = True
) -> tuple[LineGroup, ...]:
    """Lines grouped by family, families in catalogue order, lines in quote order."""
    groups: dict[str, list[OfferLine]] = {}
    for line in printed_order(lines):
        groups.setdefault(line.family, []).append(_offer_line(tariff, line, internal=internal))
    return tuple(LineGroup(f, family_label(f), tuple(grouped)) for f, grouped in groups.items())


def select_terms(tariff: Tariff, quote: Quote) -> tuple[TermText, ...]:
    """The tariff's printed terms that apply, in tariff order.

    The engine lists the codes that apply in ``quote.terms`` (discounts, partial totals,
    products...); a quote without that list gets the tariff's "always" terms.
    """
    if quote.terms:
        wanted = set(quote.terms)
        chosen = [t for t in tariff.terms if t.code in wanted]
    else:
        chosen = [t for t in tariff.terms if (t.when or "always").strip() == "always"]
    return tuple(TermText(t.code, t.title, t.text) for t in chosen)


_VAT_CODES = ("remarque-5", "tva", "vat")
_APPROVAL_CODES = ("approbation", "approval")
_SUR_DEVIS_CODES = ("sur-devis", "sur_devis")


def _find(terms: tuple[TermText, ...], codes: tuple[str, ...]) -> TermText | None:
    for t in terms:
        if t.code.casefold() in codes:
            return t
    return None


def vat_statement(tariff: Tariff, terms: tuple[TermText, ...] = ()) -> str:
    """The VAT wording of the tariff's terms; iMio's remark 5 when the data has none."""
    found = _find(terms, _VAT_CODES) or _find(
        tuple(TermText(t.code, t.title, t.text) for t in tariff.terms), _VAT_CODES
    )
    if found is not None:
        return found.text
    if tariff.meta.get("vat_statement"):
        return tariff.meta["vat_statement"]
    if tariff.issuer.casefold() == "imio":
        return IMIO_VAT_STATEMENT
    return ""


def _iso_to_fr(value: str) -> str:
    try:
        d = date.fromisoformat(value.strip())
    except ValueError:
        return value
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def approval_text(tariff: Tariff) -> str:
    """The tariff's approval sentence (its 'approbation' term, else its approval dates)."""
    term = _find(tuple(TermText(t.code, t.title, t.text) for t in tariff.terms), _APPROVAL_CODES)
    if term is not None:
        return term.text
    meta = tariff.meta
    ca = meta.get("approval_ca") or meta.get("approved_ca")
    ag = meta.get("approval_ag") or meta.get("approved_ag")
    bits = []
    if ca:
        bits.append(f"le Conseil d'administration du {_iso_to_fr(ca)}")
    if ag:
        bits.append(f"l'Assemblée générale du {_iso_to_fr(ag)}")
    if not bits:
        return ""
    return f"La tarification pour l'année {tariff.year} a été approuvée par " + " et ".join(bits) + "."


def sur_devis_text(tariff: Tariff) -> str:
    term = _find(tuple(TermText(t.code, t.title, t.text) for t in tariff.terms), _SUR_DEVIS_CODES)
    return term.text if term is not None else SUR_DEVIS_SENTENCE


def default_signatories(member: Member | None, kind: MemberKind | None = None) -> tuple[Signatory, ...]:
    """Two 'Pour accord' boxes, with the usual capacities for the member's kind."""
    k = member.kind if member is not None else kind
    pairs = {
        MemberKind.COMMUNE: ("Directeur général", "Bourgmestre"),
        MemberKind.CPAS: ("Directeur général", "Président du CPAS"),
        MemberKind.ZONE_DE_POLICE: ("Secrétaire de zone", "Président du Collège de police"),
        MemberKind.ZONE_DE_SECOURS: ("Secrétaire de zone", "Président du Collège de zone"),
        MemberKind.PROVINCE: ("Directeur général provincial", "Président du Collège provincial"),
    }
    first, second = pairs.get(k, ("", "")) if k is not None else ("", "")
    return (Signatory(first), Signatory(second))


def build_offer_document(
    quote: Quote,
    tariff: Tariff,
    letterhead: Any = None,
    *,
    number: str | None,
    issued: date,
    valid_until: date | None = None,
    seller: str = "",
    member_kind: MemberKind | None = None,
    signatories: tuple[Signatory, ...] | None = None,
    replaces: str = "",
) -> OfferDocument:
    """Everything the printed offer shows, from a quote and its tariff.

    ``letterhead`` is a ``Letterhead``, a ``Settings`` (its letterhead fields) or None for the
    built-in iMio letterhead. ``valid_until`` defaults to the end of the settings' validity
    (else 90 days) from ``issued``, as finalising dates it. ``number`` None makes a draft.
    """
    head = Letterhead.from_settings(letterhead)
    if valid_until is None:
        days = int(getattr(letterhead, "validity_days", 0) or DEFAULT_VALIDITY_DAYS)
        valid_until = validity_end(issued, days)
    if valid_until < issued:
        from desktop.core.errors import InvalidInput

        raise InvalidInput("La date de validité précède la date de l'offre.", field="valid_until")
    terms = select_terms(tariff, quote)
    vat = vat_statement(tariff, terms)
    special = {*_VAT_CODES, *_APPROVAL_CODES, *_SUR_DEVIS_CODES}
    decision = quote.decision
    return OfferDocument(
        letterhead=head,
        number=number,
        issued=issued,
        valid_until=valid_until,
        member=MemberBlock.from_member(quote.member, member_kind),
        category=decision.category,
        category_trace=tuple(decision.trace),
        category_overridden=decision.overridden,
        groups=group_lines(tariff, quote.lines, internal=number is None),
        totals=quote.totals,
        coverage=quote.coverage,
        tariff_code=tariff.code,
        tariff_title=tariff.title,
        tariff_year=tariff.year,
        tax_label=tariff.tax_label or "HTVA",
        vat_statement=vat,
        terms=tuple(t for t in terms if t.code.casefold() not in special),
        approval=approval_text(tariff),
        sur_devis_text=sur_devis_text(tariff),
        signatories=signatories or default_signatories(quote.member, member_kind),
        locale=Formatter.for_tariff(tariff).locale,
        currency=tariff.currency or "EUR",
        issuer=tariff.issuer,
        seller=seller,
        remarks=waived_rules(tariff, quote),
        open_points=tuple(n.message for n in quote.blocking) if number is None else (),
        replaces=replaces,
    )


def document_for_offer(offer: Any, tariff: Tariff, settings: Any = None, *, today: date) -> OfferDocument:
    """The document of a saved offer (``desktop.core.offers.Offer``): its number, its
    finalisation date and validity; a draft prints as PROJET dated ``today``."""
    if offer.quote is None:
        from desktop.core.errors import InvalidInput

        raise InvalidInput(UNPRICED_OFFER)
    issued = offer.finalised_on or today
    return build_offer_document(
        offer.quote,
        tariff,
        settings,
        number=offer.number,
        issued=issued,
        valid_until=offer.valid_until if offer.number else None,
        seller=offer.seller or str(getattr(settings, "seller_name", "") or ""),
        replaces=offer.predecessor or "",
    )


def render_offer(doc: OfferDocument, formatter: Any = None) -> bytes:
    """The offer as PDF bytes. Deterministic: the same document gives the same bytes."""
    from desktop.documents.offer_layout import render

    return render(doc, formatter)


__all__ = [
    "DEFAULT_VALIDITY_DAYS",
    "MISSING",
    "Letterhead",
    "LineGroup",
    "MemberBlock",
    "OfferDocument",
    "OfferLine",
    "ParamValue",
    "Signatory",
    "TermText",
    "build_offer_document",
    "days_parameter",
    "default_signatories",
    "document_for_offer",
    "only_locality",
    "printed_order",
    "render_offer",
]
