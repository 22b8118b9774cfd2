"""Hand-built tariffs, quotes and offers for the document tests (no database, no engine)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from desktop.core.catalogue import Family, Parameter, Product, Tariff, Term
from desktop.core.categories import CategoryDecision, CategoryRules
from desktop.core.members import Headcount, Member, MemberKind
from desktop.core.quote import LineStatus, Notice, Quote, QuoteLine, Severity, Totals, round_cents

D = Decimal
ISSUED = date(2026, 11, 22)

TERMS = (
    Term(
        "approbation",
        "Approbation de la tarification",
        "La tarification pour l’année 2024 a été approuvée par le Conseil d’Administration du "
        "10/10/2023 et l’Assemblée Générale du 12/12/2023.",
    ),
    Term(
        "remarque-1",
        "Coûts annuels et coût unique",
        "Le coût annuel de maintenance et d'hébergement est dû chaque année ; il est à payer dès "
        "la signature du contrat. La mise en place est un coût unique. Pour la première année, "
        "budgétez le coût annuel et le coût unique de mise en place ; pour les années suivantes, "
        "seul le coût annuel est à considérer.",
    ),
    Term(
        "remarque-3-4",
        "Indexation",
        "Les prix pourront être revus d'un commun accord suivant l'approbation de l'Assemblée "
        "générale. Ils sont toutefois au minimum rattachés à l'indice des prix à la consommation "
        "(IPC), tel que publié par le Moniteur belge, et automatiquement indexés.",
    ),
    Term(
        "remarque-5",
        "TVA",
        "Tous les prix s'entendent hors TVA et à l'exclusion des redevances, taxes et autres "
        "impôts. Sauf avis contraire de l'administration de la TVA, la TVA n'est pas applicable "
        "aux montants dus à iMio.",
    ),
    Term(
        "remarque-6",
        "Remise CPAS",
        "Une remise de 50 % est octroyée aux CPAS pour la maintenance des logiciels « libres » "
        "lorsque la commune utilise déjà la même solution.",
        when="cpas-libre",
    ),
    Term(
        "sur-devis",
        "Postes sur devis",
        "Les postes marqués « Sur devis » ne sont pas chiffrés dans la grille tarifaire : iMio les "
        "établit sur devis spécifique. Ces postes ne sont pas compris dans les totaux, qui sont "
        "donc partiels.",
        when="partial",
    ),
    Term(
        "remarque-7",
        "Paiement",
        "La facture doit être honorée dans les trente jours suivant la date de facturation. Le "
        "membre adhérent sera immédiatement et dès le jour de l'échéance redevable d'un intérêt "
        "de retard de 1,5 % par mois appliqué sur le montant non crédité.",
    ),
)

PRODUCTS = {
    "delib": Product("delib", "iA.Délib", Family.GOUVERNANCE, libre=True),
    "aes": Product(
        "aes",
        "iA.AES",
        Family.RELATION_CITOYENNE,
        libre=True,
        parameters=(Parameter("schools", "Écoles", unit="écoles"), Parameter("plans", "Plans tarifaires")),
    ),
    "gpec": Product("gpec", "iA.GPEC", Family.GOUVERNANCE),
    "urban": Product("urban", "iA.Urban", Family.GOUVERNANCE, libre=True),
    "storage": Product(
        "storage", "Stockage supplémentaire", Family.OPTIONS, parameters=(Parameter("gb", "Volume", unit="Go"),)
    ),
    "days": Product("days", "Prestations sur produits", Family.SERVICES, kind="service"),
}


def tariff(terms: tuple[Term, ...] = TERMS, **kw: object) -> Tariff:
    values: dict[str, object] = {
        "code": "imio-2024",
        "issuer": "iMio",
        "title": "iMio 2024",
        "year": 2024,
        "valid_from": date(2024, 1, 1),
        "locale": "fr_BE",
        "currency": "EUR",
        "tax_label": "HTVA",
        "categories": CategoryRules("imio-2024", tuple(f"Cat {i}" for i in range(1, 8)), {}, {}),
        "products": PRODUCTS,
        "terms": terms,
        "meta": {"approval_ca": "2023-10-10", "approval_ag": "2023-12-12"},
    }
    values.update(kw)
    return Tariff(**values)  # type: ignore[arg-type]


def commune(name: str = "La Bruyère", address: str = "Rue de la Croix-Monet 2\n5080 Rhisnes") -> Member:
    return Member(
        id="commune:92141",
        kind=MemberKind.COMMUNE,
        name=name,
        nis="92141",
        postcodes=("5080",),
        address=address,
        reference_size=Headcount(12500, date(2024, 1, 1), "Statbel"),
    )


def decision() -> CategoryDecision:
    return CategoryDecision(
        "Cat 3",
        "Cat 3",
        (
            "Commune La Bruyère : 12\u202f500 habitants (Statbel 1/1/2024) → catégorie 3",
            "Règle : Communes et CPAS de 10\u202f001 à 15\u202f000 habitants",
        ),
    )


def delib_line() -> QuoteLine:
    return QuoteLine(
        product="delib",
        name="iA.Délib",
        family="gouvernance",
        params={},
        one_time=D("2718.00"),
        annual=D("5344.00"),
        setup_days=D("3"),
        status=LineStatus.PRICED,
    )


def sur_devis_line() -> QuoteLine:
    return QuoteLine(
        product="gpec",
        name="iA.GPEC",
        family="gouvernance",
        params={},
        one_time=None,
        annual=None,
        setup_days=None,
        status=LineStatus.SUR_DEVIS,
        notes=("Mise en place sur devis.",),
    )


def gpec_line() -> QuoteLine:
    """Priced in part, as the engine prices iA.GPEC for Cat 5: annual known, set-up sur devis."""
    return QuoteLine(
        product="gpec",
        name="iA.GPEC",
        family="gouvernance",
        params={},
        one_time=None,
        annual=D("11450.00"),
        setup_days=None,
        status=LineStatus.SUR_DEVIS,
        notes=("Mise en place sur devis : la grille ne donne que la maintenance annuelle.",),
        unpriced=("one_time",),
    )


INDEXATION = D("0.02")


def totals(lines: tuple[QuoteLine, ...], years: int = 3, indexation: Decimal = INDEXATION) -> Totals:
    # as the engine does: every known amount counts, a line priced in part included
    one = sum((x.one_time for x in lines if x.one_time is not None), D("0"))
    ann = sum((x.annual for x in lines if x.annual is not None), D("0"))
    ys = [one + ann]
    for i in range(1, years):
        ys.append(round_cents(ann * (1 + indexation) ** i))
    return Totals(
        one_time=one,
        annual=ann,
        year1=one + ann,
        years=tuple(ys),
        partial=any(x.status is not LineStatus.PRICED for x in lines),
        indexation=indexation,
    )


def quote(lines: tuple[QuoteLine, ...] | None = None, member: Member | None = None, **kw: object) -> Quote:
    lines = lines if lines is not None else (delib_line(),)
    return Quote(
        tariff="imio-2024",
        member=member if member is not None else commune(),
        decision=kw.pop("decision", decision()),  # type: ignore[arg-type]
        lines=lines,
        totals=totals(lines),
        **kw,  # type: ignore[arg-type]
    )


def many_lines(n: int = 40) -> tuple[QuoteLine, ...]:
    """``n`` varied lines across the four families, a few of them sur devis."""
    out = []
    fams = ["gouvernance", "relation_citoyenne", "options", "services"]
    for i in range(n):
        fam = fams[i % 4]
        if i % 9 == 4:
            out.append(
                QuoteLine(
                    product="gpec", name=f"iA.GPEC module {i + 1}", family=fam, params={},
                    one_time=None, annual=None, setup_days=None, status=LineStatus.SUR_DEVIS,
                )
            )
            continue
        params = {"schools": D(i + 1), "plans": D(2)} if fam == "relation_citoyenne" else {}
        out.append(
            QuoteLine(
                product="aes" if params else "delib",
                name=f"Produit {i + 1} — iA.Délib & Co <édition {i + 1}>",
                family=fam,
                params=params,
                one_time=D(906 * (i % 5 + 1)).quantize(D("0.01")),
                annual=D(1043 + 137 * i).quantize(D("0.01")),
                setup_days=D(i % 5 + 1),
                status=LineStatus.PRICED,
                notices=(Notice("info:x", Severity.INFO, "Hébergement inclus."),) if i % 7 == 0 else (),
            )
        )
    return tuple(out)


def accepted_offer(lines: tuple[QuoteLine, ...] | None = None, state: str = "acceptee", member: Member | None = None):
    """A finalised offer in ``state``, made of ``quote(lines)``."""
    from datetime import datetime

    from desktop.core.offers import Offer, OfferState
    from desktop.core.quote import LineRequest, QuoteRequest

    q = quote(lines, member=member)
    req = QuoteRequest("imio-2024", tuple(LineRequest(x.product) for x in q.lines))
    return Offer(
        id="o1",
        request=req,
        member=q.member,
        decision=q.decision,
        quote=q,
        state=OfferState(state),
        number="OFF-2026-LAP1-0001",
        finalised=datetime(2026, 11, 22, 10, 30),
        valid_until=date(2027, 2, 20),
        seller="Anne Dupont",
    )
