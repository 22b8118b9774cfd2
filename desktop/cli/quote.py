"""``comptoir category`` and ``comptoir quote``: a member's category and a budget, from a shell.

Both commands take a member (``--member RECHERCHE``: NIS code, exact name, zone number or a
single search hit) or a hypothetical member (``--kind TYPE`` with ``--inhabitants`` or
``--agents``). ``--json`` prints the machine-readable form; amounts are decimal strings
("8062.00") and ``null`` when a price is not given by the grid.

Other command modules reuse the quote pipeline: ``build_quote_from_args(args, services)``
returns ``(quote, request, member)`` and ``quote_parser(subparsers)`` gives the parser of the
``quote`` command, so that a later module can add options (``--save``) and wrap the handler.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from desktop.core.catalogue import Product, Tariff
from desktop.core.categories import CategoryDecision, category_for_size, derive_category
from desktop.core.errors import InvalidInput
from desktop.core.format import decimal_text, group_int
from desktop.core.inputs import check_reason, shown
from desktop.core.members import Member, MemberKind, check_headcount
from desktop.core.pricing import (
    build_quote,
    check_years,
    commune_products,
    parse_params,
    rule_codes,
)
from desktop.core.quote import (
    DEFAULT_INDEXATION,
    DEFAULT_YEARS,
    INDEXATION_RANGE,
    MAX_YEARS,
    LineRequest,
    Quote,
    QuoteLine,
    QuoteRequest,
)
from desktop.core.settings import indexation_from_percent, percent_text

KINDS = ", ".join(k.value for k in MemberKind)


# --------------------------------------------------------------------------- parsers


def _add_target(parser: argparse.ArgumentParser) -> None:
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--member",
        metavar="RECHERCHE",
        help="membre : code NIS, nom exact, numéro de zone ou recherche donnant un seul résultat",
    )
    target.add_argument("--kind", metavar="TYPE", help=f"membre hypothétique de ce type ({KINDS})")
    parser.add_argument(
        "--inhabitants", metavar="N", type=int, help="nombre d'habitants (avec --kind)"
    )
    parser.add_argument(
        "--agents", metavar="N", type=int, help="nombre d'agents (avec --kind, intercommunale/RCA)"
    )
    parser.add_argument(
        "--category",
        metavar="CATÉGORIE",
        help="catégorie choisie à la main (« Cat 3 », « Provinces »), avec --reason",
    )
    parser.add_argument("--reason", metavar="MOTIF", help="motif de la catégorie choisie à la main")
    parser.add_argument("--json", action="store_true", help="sortie JSON")


def register(subparsers: Any, services_factory: Any) -> None:
    """Add the ``category`` and ``quote`` commands to the ``comptoir`` parser."""
    cat = subparsers.add_parser(
        "category",
        help="catégorie de prix d'un membre, avec son explication",
        description=(
            "Catégorie de prix d'un membre (ou d'un membre hypothétique) selon la grille en "
            "vigueur, avec le raisonnement suivi."
        ),
    )
    _add_target(cat)
    cat.set_defaults(handler=lambda args: run_category(args, services_factory(args)))

    q = subparsers.add_parser(
        "quote",
        help="budget d'un membre pour un ou plusieurs produits",
        description=(
            "Chiffre une offre : montants uniques et annuels par produit, total de la première "
            "année et des années suivantes (estimation indexée)."
        ),
        epilog=(
            "Exemple : comptoir quote --member Nivelles --product delib --product aes "
            "--param aes:schools=9 --years 3"
        ),
    )
    add_quote_arguments(q)
    q.set_defaults(handler=lambda args: run_quote(args, services_factory(args)))


def add_quote_arguments(q: argparse.ArgumentParser) -> None:
    """Every option of ``comptoir quote`` (member or kind, products, parameters, years...).

    For a command that takes the same options (``comptoir offer``): call this on its parser
    rather than ``parents=[...]``, which shares argparse actions between parsers.
    """
    _add_target(q)
    q.add_argument(
        "--product",
        metavar="PRODUIT",
        action="extend",
        nargs="+",
        required=True,
        help="produit à chiffrer (nom, code ou alias ; répétable, ou plusieurs à la suite)",
    )
    q.add_argument(
        "--param",
        metavar="PRODUIT:CLÉ=VALEUR",
        action="extend",
        nargs="+",
        default=[],
        help="paramètre d'un produit, p. ex. aes:schools=9 (répétable, ou plusieurs à la suite)",
    )
    q.add_argument(
        "--commune-has",
        metavar="PRODUIT",
        action="extend",
        nargs="+",
        default=[],
        help="produit que la commune du CPAS utilise déjà en production (répétable, ou plusieurs à la suite)",
    )
    q.add_argument(
        "--years",
        metavar="N",
        type=int,
        default=None,
        help=f"nombre d'années du budget, 1 à {MAX_YEARS} (défaut : réglage years de "
        f"comptoir settings, {DEFAULT_YEARS} sauf changement)",
    )
    q.add_argument(
        "--indexation",
        metavar="POURCENT",
        default=None,
        help="indexation annuelle supposée, en %% par an (défaut : réglage indexation de "
        "comptoir settings, 2 %% sauf changement)",
    )
    q.add_argument(
        "--override",
        metavar="CODE=MOTIF",
        action="extend",
        nargs="+",
        default=[],
        help="dérogation à une règle bloquante (code affiché par l'avertissement), avec son motif "
        "(répétable, ou plusieurs à la suite)",
    )


def quote_parser(subparsers: Any) -> argparse.ArgumentParser:
    """The parser of the ``quote`` command (after ``register``), to add options to it."""
    parser: argparse.ArgumentParser = subparsers.choices["quote"]
    return parser


# --------------------------------------------------------------------------- target


def resolve_target(
    args: argparse.Namespace, services: Any, tariff: Tariff
) -> tuple[Member | None, MemberKind, CategoryDecision, int | None]:
    """The member (or hypothetical member), its kind, its category decision and its size."""
    rules = tariff.categories
    category = (args.category or "").strip() or None
    reason = check_reason(args.reason or "", what="--reason", printed=True)  # as the member card checks it
    if category is None and reason:
        raise InvalidInput("--reason accompagne --category : indiquez aussi la catégorie choisie.")
    if category is not None and not reason:
        raise InvalidInput(
            "Une catégorie choisie à la main doit être justifiée : ajoutez --reason « motif »."
        )
    if args.member is not None:
        if args.inhabitants is not None or args.agents is not None:
            raise InvalidInput(
                "--inhabitants et --agents s'utilisent avec --kind ; avec --member, "
                "la taille vient de l'annuaire."
            )
        members = services.members
        member: Member = members.resolve(args.member)
        if category is not None:
            member = member.with_override(rules.check_category(category), reason)
        decision = derive_category(member, rules, members.lookup)
        size = member.size.value if member.size is not None else None
        return member, member.kind, decision, size
    kind = MemberKind.parse(args.kind)
    for name in ("inhabitants", "agents"):
        value = getattr(args, name)
        if value is not None and value < 0:
            raise InvalidInput(f"--{name} ne peut pas être négatif (valeur reçue : {value}).")
        if value is not None:
            check_headcount(value, f"--{name}", f"--{name}")
    if kind.counts_agents and args.inhabitants is not None:
        raise InvalidInput(
            f"Un membre de type {kind.value} se classe par nombre d'agents : utilisez --agents."
        )
    if not kind.counts_agents and args.agents is not None:
        raise InvalidInput(
            f"Un membre de type {kind.value} se classe par nombre d'habitants : "
            "utilisez --inhabitants."
        )
    size = args.agents if kind.counts_agents else args.inhabitants
    if category is not None:
        chosen = rules.check_category(category)
        derived: str | None = None
        trace: list[str] = []
        try:
            base = category_for_size(kind, rules, inhabitants=args.inhabitants, agents=args.agents)
            derived, trace = base.category, list(base.trace)
        except InvalidInput:
            trace = [f"{kind.label} : pas de taille indiquée"]
        if derived is None or derived == chosen:
            trace.append(f"Catégorie choisie : {chosen} (motif : {reason})")
        else:
            trace.append(f"Catégorie dérivée {derived} remplacée par {chosen} (motif : {reason})")
        return None, kind, CategoryDecision(chosen, derived, tuple(trace), reason), size
    decision = category_for_size(kind, rules, inhabitants=args.inhabitants, agents=args.agents)
    if decision.category is None and kind is MemberKind.AUTRE:
        raise InvalidInput(
            "Un membre de type autre n'a pas de catégorie automatique : "
            "indiquez --category « Cat N » et --reason « motif »."
        )
    return None, kind, decision, size


def member_json(member: Member | None) -> dict[str, Any] | None:
    if member is None:
        return None
    return {
        "id": member.id,
        "name": member.display_name,
        "kind": member.kind.value,
        "nis": member.nis,
        "zone_number": member.zone_number,
        "size": member.size.value if member.size is not None else None,
    }


# --------------------------------------------------------------------------- category


def run_category(args: argparse.Namespace, services: Any) -> int:
    tariff = services.tariff()
    member, kind, decision, _size = resolve_target(args, services, tariff)
    if args.json:
        _emit_json(
            {
                "member": member_json(member),
                "kind": kind.value,
                "category": decision.category,
                "trace": list(decision.trace),
            }
        )
        return 0
    who = member.display_name if member is not None else f"{kind.label} (hypothétique)"
    out = [f"{who} : {decision.category or 'catégorie non déterminée'}"]
    out.extend(f"  {line}" for line in decision.trace)
    _print("\n".join(out))
    return 0


# --------------------------------------------------------------------------- quote


def _split_param(text: str) -> tuple[str, str, str]:
    product, sep, rest = text.partition(":")
    key, eq, value = rest.partition("=")
    if not sep or not eq or not product.strip() or not key.strip():
        raise InvalidInput(
            f"Paramètre mal écrit : « {shown(text)} ». Forme attendue : PRODUIT:CLÉ=VALEUR, "
            "p. ex. aes:schools=9."
        )
    return product.strip(), key.strip(), value.strip()


def _parse_indexation(text: str | None) -> Decimal:
    """A percentage per year, read as the settings form reads it (« 2 », « 2,5 % »; « 0,02 »
    would be 0,02 % and is refused with what to write), within the engine's range."""
    if text is None:
        return DEFAULT_INDEXATION
    try:
        fraction = indexation_from_percent(text, "--indexation")
    except InvalidInput as exc:  # not a number, or a fraction where a percentage is expected
        raise InvalidInput(f"--indexation : {exc}") from None
    low, high = INDEXATION_RANGE
    if not low <= fraction <= high:
        raise InvalidInput(
            f"--indexation attend un pourcentage par an de {percent_text(low)} à "
            f"{percent_text(high)} (valeur reçue : « {shown(text)} »), p. ex. --indexation 2."
        )
    return fraction


def _parse_overrides(items: Iterable[str], known: Sequence[str]) -> dict[str, str]:
    """``CODE=MOTIF`` items; a code that names no rule of the tariff (a typo) is refused:
    ignored, it would leave the rule blocking while the command looked obeyed."""
    out: dict[str, str] = {}
    for item in items:
        code, reason = split_override(item)
        if code not in known:
            raise InvalidInput(
                f"Dérogation « {shown(code)} » : aucune règle du tarif ne porte ce code. Le code "
                "est celui que l'avertissement affiche entre crochets ; codes du tarif : "
                f"{', '.join(known)}."
            )
        out[code] = check_reason(
            reason, field="overrides", what=f"Motif de la dérogation « {code} »", printed=True
        )
    return out


def split_override(item: str) -> tuple[str, str]:
    """« CODE=MOTIF » -> (code, reason), or ``InvalidInput`` saying the form expected."""
    code, eq, reason = item.partition("=")
    if not eq or not code.strip():
        raise InvalidInput(
            f"Dérogation mal écrite : « {shown(item)} ». Forme attendue : CODE=MOTIF, "
            'p. ex. "excludes:citizen-smartweb=migration en cours".'
        )
    if not reason.strip():  # « CODE= »: a dérogation must say why
        raise InvalidInput(f"Dérogation « {shown(code.strip())} » : indiquez un motif après le signe =.")
    return code.strip(), reason


def _defaults(services: Any) -> tuple[int, Decimal]:
    """Years and indexation defaults from the settings, when the store provides them."""
    try:
        settings = services.settings.load()
    except (ModuleNotFoundError, AttributeError):  # no settings store yet
        return DEFAULT_YEARS, DEFAULT_INDEXATION
    years = _first(settings, "default_years", "years_default", "years")
    idx = _first(settings, "default_indexation", "indexation_default", "indexation")
    indexation = DEFAULT_INDEXATION
    if idx is not None:
        indexation = Decimal(str(idx))
        if indexation > 1:  # stored as a percentage (2 = 2 %)
            indexation = indexation / 100
    return (int(years) if years else DEFAULT_YEARS), indexation


def _first(obj: Any, *names: str) -> Any:
    for name in names:
        value = getattr(obj, name, None)
        if value is not None:
            return value
    return None


def build_quote_from_args(
    args: argparse.Namespace, services: Any
) -> tuple[Quote, QuoteRequest, Member | None]:
    """Everything ``comptoir quote`` computes, without printing: (quote, request, member)."""
    tariff: Tariff = services.tariff()
    member, kind, decision, size = resolve_target(args, services, tariff)

    products: list[Product] = [tariff.resolve_product(name) for name in args.product]
    wanted = {p.code for p in products}
    raw: dict[str, dict[str, str]] = {}
    for text in args.param:
        pname, key, value = _split_param(text)
        p = tariff.resolve_product(pname)
        if p.code not in wanted:
            raise InvalidInput(
                f"--param {text} : {p.name} n'est pas dans l'offre ; ajoutez --product {p.code}."
            )
        raw.setdefault(p.code, {})
        if key in raw[p.code]:
            raise InvalidInput(f"--param {p.code}:{key} est donné deux fois.")
        raw[p.code][key] = value
    line_requests = tuple(
        LineRequest(p.code, parse_params(p, raw.get(p.code, {}))) for p in products
    )

    commune_has = {tariff.resolve_product(name).code for name in args.commune_has}
    if member is not None:
        commune_has |= commune_products(member, services.members.lookup)

    years, indexation = DEFAULT_YEARS, DEFAULT_INDEXATION
    if args.years is None or args.indexation is None:
        years, indexation = _defaults(services)
    if args.years is not None:
        years = args.years
    if args.indexation is not None:
        indexation = _parse_indexation(args.indexation)
    check_years(years)
    request = QuoteRequest(
        tariff=tariff.code,
        lines=line_requests,
        years=years,
        indexation=indexation,
        overrides=_parse_overrides(args.override, rule_codes(tariff)),
        commune_has=frozenset(commune_has),
    )
    quote = build_quote(tariff, request, member, decision, kind=None if member else kind, size=size)
    return quote, request, member


def _amount(d: Decimal | None) -> str | None:
    return None if d is None else format(d, "f")


def _days(d: Decimal | None) -> int | float | None:
    if d is None:
        return None
    return int(d) if d == d.to_integral_value() else float(d)


def line_json(line: QuoteLine) -> dict[str, Any]:
    """One line as ``comptoir quote --json`` prints it: an amount not priced is null."""
    return {
        "product": line.product,
        "one_time": _amount(line.one_time),
        "annual": _amount(line.annual),
        "setup_days": _days(line.setup_days),
        "status": line.status.value,
        "notes": list(line.notes),
    }


def quote_json(quote: Quote) -> dict[str, Any]:
    """The JSON form of a quote, as ``comptoir quote --json`` prints it.

    A total with nothing priced in it is null, as a line not priced is (never "0.00" for
    « sur devis »), and its ``totals.*_priced`` is false; ``annual_priced`` also holds for
    years 2 and later. ``totals.*_partial``: a priced total that leaves a « sur devis » part
    out.
    """
    t = quote.totals
    cov = quote.coverage
    return {
        "member": member_json(quote.member),
        "category": quote.decision.category,
        "lines": [line_json(line) for line in quote.lines],
        "totals": {
            "one_time": _amount(t.one_time) if cov.one_time else None,
            "annual": _amount(t.annual) if cov.annual else None,
            "year1": _amount(t.year1) if cov.year1 else None,
            "years": [_amount(y) if cov.year(k) else None for k, y in enumerate(t.years, start=1)],
            "partial": t.partial,
            "one_time_priced": cov.one_time,
            "annual_priced": cov.annual,
            "year1_priced": cov.year1,
            "one_time_partial": cov.one_time_partial,
            "annual_partial": cov.annual_partial,
            "year1_partial": cov.year1_partial,
        },
        "notices": [
            {"code": n.code, "severity": n.severity.value, "message": n.message}
            for n in (*quote.notices, *(x for line in quote.lines for x in line.notices))
        ],
    }


def _money(d: Decimal | None) -> str:
    """'8 062,00 €' (fr_BE), or the reason there is no amount."""
    if d is None:
        return "—"
    sign = "-" if d < 0 else ""
    whole, _, cents = format(abs(d), "f").partition(".")
    return f"{sign}{group_int(int(whole))},{(cents + '00')[:2]} €"


def _total(d: Decimal, priced: bool) -> str:
    """A total, or « Sur devis » when nothing in it is priced (never 0,00 € for that)."""
    return _money(d) if priced else "Sur devis"


def quote_text(quote: Quote, member: Member | None) -> str:
    who = member.display_name if member is not None else "Membre hypothétique"
    out = [f"{who} — {quote.decision.category or 'catégorie non déterminée'} ({quote.tariff})"]
    out.extend(f"  {t}" for t in quote.decision.trace)
    out.append("")
    for line in quote.lines:
        status = "" if line.status.value == "priced" else f" [{line.status.label}]"
        days = f", {decimal_text(line.setup_days)} j" if line.setup_days else ""
        missing = line.status.label.lower()
        # « — » for a cost the product does not have, as the offer prints it; never « 0,00 € »
        one_time = missing if line.one_time is None else _money(line.one_time) if line.one_time else "—"
        annual = missing if line.annual is None else _money(line.annual) if line.annual else "—"
        out.append(f"{line.name}{status} : unique {one_time}{days}, annuel {annual}")
        out.extend(f"    {n}" for n in line.notes)
    t = quote.totals
    cov = quote.coverage
    out.append("")
    out.append(f"Total unique : {_total(t.one_time, cov.one_time)}")
    out.append(f"Total annuel : {_total(t.annual, cov.annual)}")
    pct = format((t.indexation * 100).normalize(), "f").replace(".", ",")
    for k, amount in enumerate(t.years, start=1):
        label = (
            "Année 1 (annuel + unique)" if k == 1 else f"Année {k} (estimation, indexation {pct} %)"
        )
        out.append(f"{label} : {_total(amount, cov.year(k))}")
    if t.partial:
        out.append("Totaux partiels : certains postes sont sur devis ou non proposés.")
    notices = (*quote.notices, *(x for line in quote.lines for x in line.notices))
    if notices:
        out.append("")
        labels = {"blocking": "BLOQUANT", "warning": "Attention", "info": "Info"}
        for n in notices:
            out.append(f"{labels[n.severity.value]} [{n.code}] : {n.message}")
    return "\n".join(out)


def run_quote(args: argparse.Namespace, services: Any) -> int:
    quote, _request, member = build_quote_from_args(args, services)
    if args.json:
        _emit_json(quote_json(quote))
    else:
        _print(quote_text(quote, member))
    return 0


# --------------------------------------------------------------------------- output


def _emit_json(obj: Any) -> None:
    from desktop.cli import emit_json

    emit_json(obj)


def _print(text: str) -> None:
    sys.stdout.write(text + "\n")


__all__: Sequence[str] = (
    "add_quote_arguments",
    "build_quote_from_args",
    "quote_json",
    "quote_parser",
    "quote_text",
    "register",
    "resolve_target",
    "run_category",
    "run_quote",
)
