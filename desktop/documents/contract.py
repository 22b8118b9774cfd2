"""The contract: "Bon de commande et dispositions particulières" of an accepted offer.

Its wording is a template (``desktop.core.doctemplate``) the back office edits without code:
the default is ``resources/templates/contract_fr.txt``, the one in force is stored in the
database (``desktop.store.templates_repo``). ``build_contract_document`` checks the offer is
accepted (or already converted) and gathers the values; ``render_contract`` makes the PDF
(reportlab imported on first use), the same document giving the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from desktop.core import doctemplate
from desktop.core.catalogue import Tariff
from desktop.core.errors import RuleViolation
from desktop.core.offers import Offer, OfferState, check_contract_term
from desktop.core.pricing import waived_rules
from desktop.core.quote import LineStatus, Quote, QuoteLine, Totals, TotalsCoverage
from desktop.documents.formatting import Formatter
from desktop.documents.offer import (
    MISSING,
    Letterhead,
    MemberBlock,
    OfferLine,
    Signatory,
    TermText,
    _line,
    approval_text,
    days_parameter,
    default_signatories,
    only_locality,
    printed_order,
    select_terms,
    vat_statement,
)
from desktop.documents.printable import MAX_PRINTED, fit, fit_lines

TEMPLATE_CODE = "contrat"
DEFAULT_TEMPLATE_FILE = "contract_fr.txt"
CONTRACT_STATES = (OfferState.ACCEPTEE, OfferState.CONVERTIE)

_PAYMENT_CODES = ("remarque-7", "paiement")
_INDEXATION_CODES = ("remarque-3-4", "indexation")


def default_template_path() -> Path:
    try:
        from desktop.paths import resources_dir
    except ImportError:  # pragma: no cover - paths.py ships with the application
        return Path(__file__).resolve().parents[2] / "resources" / "templates" / DEFAULT_TEMPLATE_FILE
    return Path(resources_dir()) / "templates" / DEFAULT_TEMPLATE_FILE


def default_template_text() -> str:
    return default_template_path().read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class ContractDocument:
    letterhead: Letterhead
    offer_number: str
    offer_date: date | None
    accepted_on: date | None
    issued: date
    start: date
    term_years: int
    member: MemberBlock
    category: str | None
    lines: tuple[OfferLine, ...]
    totals: Totals
    coverage: TotalsCoverage  # which totals are amounts; the others read « sur devis »
    tax_label: str
    vat_statement: str
    payment_terms: str
    indexation_clause: str
    approval: str
    tariff_title: str
    tariff_year: int
    template: doctemplate.Template
    issuer_signatories: tuple[Signatory, ...]
    member_signatories: tuple[Signatory, ...]
    locale: str = "fr_BE"
    currency: str = "EUR"
    issuer: str = "iMio"
    remarks: tuple[str, ...] = ()  # the dérogations the offer was accepted with, and why

    @property
    def title(self) -> str:
        return "Bon de commande et dispositions particulières"

    @property
    def running_label(self) -> str:
        return f"Bon de commande — offre n° {self.offer_number}"


def _term(terms: tuple[TermText, ...], codes: tuple[str, ...], title_word: str) -> str:
    for t in terms:
        if t.code.casefold() in codes:
            return t.text
    for t in terms:
        if title_word in t.title.casefold():
            return t.text
    return ""


def _way_to_accepted(state: OfferState, valid_until: date | None) -> str:
    """What leads ``state`` to « Acceptée », said after the refusal ("" when nothing does)."""
    if state is OfferState.EXPIREE and valid_until is not None:  # « Envoyée » is refused now
        return (
            f" Sa validité a pris fin le {valid_until:%d/%m/%Y} : passez-la à l'état « Acceptée » "
            "avec un motif (par exemple la date de la décision du Collège), ou révisez-la."
        )
    if state is OfferState.BROUILLON:
        return " Finalisez-la d'abord, puis passez-la à l'état « Envoyée » et « Acceptée »."
    if state is OfferState.FINALISEE:  # the member accepts what was sent to it
        return " Passez-la d'abord à l'état « Envoyée », puis « Acceptée »."
    if state in (OfferState.ENVOYEE, OfferState.EXPIREE):
        return " Passez-la d'abord à l'état « Acceptée »."
    return ""


def check_contractable(offer: Offer, today: date | None = None) -> Quote:
    """The offer's frozen quote, if a contract may be drawn up from it (accepted, converted).
    ``today`` names the state as the user sees it (past its validity, « Expirée »)."""
    if offer.state not in CONTRACT_STATES:
        label = offer.number or offer.label
        state = offer.state if today is None else offer.state_on(today)
        raise RuleViolation(
            f"L'offre {label} est « {state.label} » : le bon de commande ne s'établit que "
            f"pour une offre acceptée (ou déjà convertie).{_way_to_accepted(state, offer.valid_until)}"
        )
    if offer.quote is None or not offer.number:
        raise RuleViolation(f"L'offre {offer.label} n'a pas de montants figés : finalisez-la d'abord.")
    return offer.quote


def build_contract_document(
    offer: Offer,
    tariff: Tariff,
    letterhead: Any = None,
    *,
    template_text: str | None = None,
    issued: date,
    start: date | None = None,
    term_years: int = 1,
    accepted_on: date | None = None,
    issuer_signatories: tuple[Signatory, ...] = (Signatory("Directeur général"), Signatory("Président")),
) -> ContractDocument:
    """Everything the contract shows, from an accepted offer, its tariff and the template.

    ``template_text`` is the template in force (from the database); None takes the default
    file. ``start`` defaults to the document date; the initial term is ``term_years`` years.
    """
    quote = check_contractable(offer)
    check_contract_term(term_years)
    template = doctemplate.parse(
        template_text if template_text is not None else default_template_text(), TEMPLATE_CODE
    )
    all_terms = tuple(TermText(t.code, t.title, t.text) for t in tariff.terms)
    chosen = select_terms(tariff, quote)
    member = offer.member if offer.member is not None else quote.member
    return ContractDocument(
        letterhead=Letterhead.from_settings(letterhead),
        offer_number=offer.number or "",
        offer_date=offer.finalised_on,
        accepted_on=accepted_on,
        issued=issued,
        start=start or issued,
        term_years=term_years,
        member=MemberBlock.from_member(member),
        category=offer.decision.category if offer.decision else quote.decision.category,
        # as the offer the member accepted lists them, family by family
        lines=tuple(_contract_line(tariff, line) for line in printed_order(quote.lines)),
        totals=quote.totals,
        coverage=quote.coverage,
        tax_label=tariff.tax_label or "HTVA",
        vat_statement=vat_statement(tariff, chosen),
        payment_terms=_term(all_terms, _PAYMENT_CODES, "paiement"),
        indexation_clause=_term(all_terms, _INDEXATION_CODES, "indexation"),
        approval=approval_text(tariff),
        tariff_title=tariff.title or tariff.code,
        tariff_year=tariff.year,
        template=template,
        issuer_signatories=issuer_signatories,
        member_signatories=default_signatories(member),
        locale=Formatter.for_tariff(tariff).locale,
        currency=tariff.currency or "EUR",
        issuer=tariff.issuer,
        remarks=waived_rules(tariff, quote),
    )


def _contract_line(tariff: Tariff, line: QuoteLine) -> OfferLine:
    """A line as the order form prints it: what was ordered, said once. A parameter at zero
    (« Utilisateurs SaaS supplémentaires : 0 ») orders nothing and is left out; the days of a
    day-rate service are its parameter (« Nombre de jours : 12,5 »), not set-up days to
    repeat after it."""
    printed = _line(tariff, line)
    days = None if days_parameter(tariff, line) is not None else printed.setup_days
    return replace(printed, params=tuple(p for p in printed.params if p.value != 0), setup_days=days)


def member_address(lines: tuple[str, ...]) -> tuple[str, bool]:
    """The member's address in one line, and whether part of it is to complete: no address
    at all, or only its postcode and town (the directory knows no more): the street is
    marked missing, never left out as if the address were whole."""
    shown = ", ".join(fit_lines(lines))
    if not lines:
        return MISSING.format(what="adresse du membre"), True
    if only_locality(lines):
        return fit(f"{MISSING.format(what='rue et numéro')}, {shown}", 2 * MAX_PRINTED), True
    return fit(shown, 2 * MAX_PRINTED), False


def _place(head: Letterhead) -> str:
    """'5032 Isnes' -> 'Isnes' (where the issuer signs)."""
    if not head.address_lines:
        return ""
    return re.sub(r"^\d{4,5}\s+", "", head.address_lines[-1]).strip()


def contract_values(doc: ContractDocument, fmt: Formatter) -> tuple[dict[str, str], set[str]]:
    """The value of every template field, and the fields that are missing (shown as gaps)."""
    head = doc.letterhead
    missing: set[str] = set()

    def need(field: str, value: str, what: str) -> str:
        if value:
            return value
        missing.add(field)
        return MISSING.format(what=what)

    t = doc.totals
    cov = doc.coverage

    def money(v: Any, priced: bool, partial: bool) -> str:
        """A total of the order form; one that leaves a « sur devis » part out says so: the
        sentence read as the whole order."""
        if not priced:
            return "sur devis"
        return f"{fmt.money(v)} (hors postes sur devis)" if partial else fmt.money(v)

    m = doc.member
    address, incomplete = member_address(m.address_lines)
    if incomplete:
        missing.add("membre_adresse")
    values = {
        "emetteur_nom": fit(head.display_name),
        "emetteur_adresse": need(
            "emetteur_adresse",
            fit(", ".join(fit_lines(head.address_lines)), 2 * MAX_PRINTED),
            "adresse de l'émetteur",
        ),
        "emetteur_numero_entreprise": need(
            "emetteur_numero_entreprise", fit(head.enterprise_number), "numéro d'entreprise"
        ),
        "emetteur_iban": need("emetteur_iban", fit(head.iban), "IBAN"),
        "emetteur_telephone": fit(head.phone),
        "emetteur_email": fit(head.email),
        "emetteur_site": fit(head.web),
        "membre_nom": fit(m.name) if m.known else need("membre_nom", "", "membre"),
        "membre_type": _in_sentence(m.kind_said),
        "membre_adresse": address,
        "membre_identifiants": fit(" · ".join(m.identifiers)),
        "categorie": need("categorie", doc.category or "", "catégorie"),
        "offre_numero": doc.offer_number,
        "offre_date": fmt.date(doc.offer_date) if doc.offer_date else need("offre_date", "", "date de l'offre"),
        "offre_acceptation": (
            fmt.date(doc.accepted_on) if doc.accepted_on else need("offre_acceptation", "", "date d'acceptation")
        ),
        "document_date": fmt.date(doc.issued),
        "date_debut": fmt.date(doc.start),
        "duree_initiale": f"{doc.term_years} an" + ("s" if doc.term_years > 1 else ""),
        "total_unique": money(t.one_time, cov.one_time, cov.one_time_partial),
        "total_annuel": money(t.annual, cov.annual, cov.annual_partial),
        "total_annee1": money(t.year1, cov.year1, cov.year1_partial),
        "taxe": doc.tax_label,
        "mention_tva": doc.vat_statement,
        "conditions_paiement": need("conditions_paiement", doc.payment_terms, "conditions de paiement"),
        "clause_indexation": need("clause_indexation", doc.indexation_clause, "clause d'indexation"),
        "tarif": doc.tariff_title,
        "tarif_annee": str(doc.tariff_year),
        "tarif_approbation": doc.approval,
        "lieu": need("lieu", fit(_place(head)), "lieu"),
    }
    return values, missing


def contract_conditions(doc: ContractDocument) -> dict[str, bool]:
    """Which conditions of the template (``doctemplate.CONTRACT_CONDITIONS``) the order meets:
    as the offer says them, an annual cost or a set-up left sur devis is one all the same."""
    return _conditions(doc.totals, doc.coverage, (line.status for line in doc.lines))


def order_conditions(quote: Quote) -> dict[str, bool]:
    """``contract_conditions`` of the order form an accepted offer's ``quote`` gives, before
    the form is made (what its dialog must ask depends on them)."""
    return _conditions(quote.totals, quote.coverage, (line.status for line in quote.lines))


def prints_term(template: doctemplate.Template, quote: Quote) -> bool:
    """Whether the order form of ``quote`` under ``template`` prints its initial term: the
    default wording does not for days of service, which are not renewed (a term asked or given
    for it would change nothing)."""
    return "duree_initiale" in template.fields_for(order_conditions(quote))


def _conditions(totals: Totals, coverage: TotalsCoverage, statuses: Iterable[LineStatus]) -> dict[str, bool]:
    return {
        "cout_annuel": not coverage.no_annual_cost(totals),
        "mise_en_place": not coverage.no_set_up(totals),
        "sur_devis": totals.partial or any(status is not LineStatus.PRICED for status in statuses),
    }


def render_contract(doc: ContractDocument, formatter: Any = None) -> bytes:
    """The contract as PDF bytes. Deterministic: the same document gives the same bytes."""
    from desktop.documents.contract_layout import render

    return render(doc, formatter)


def _in_sentence(label: str) -> str:
    """A kind's label inside a sentence: « Namur (commune) », « IDEA (intercommunale) »."""
    if len(label) > 1 and label[1].isupper():  # an acronym keeps its capitals
        return label
    return label[:1].lower() + label[1:]
