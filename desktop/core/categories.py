"""Price categories: thresholds per tariff year, and the derivation with its readable trace."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import pairwise

from desktop.core.errors import InvalidInput
from desktop.core.format import agree, group_int
from desktop.core.members import Headcount, Member, MemberKind, of_place


class Method(StrEnum):
    INHABITANTS = "inhabitants"  # the member's own population (commune, zone de secours)
    COMMUNE_POPULATION = "commune_population"  # CPAS: the population of its commune
    LARGEST_COMMUNE = "largest_commune"  # police zone: category of its most populous commune
    AGENTS = "agents"  # intercommunale, RCA: headcount
    FIXED = "fixed"  # province: a category of its own
    MANUAL = "manual"  # other bodies: the user picks, with a reason


@dataclass(frozen=True, slots=True)
class Threshold:
    """One row of a scale: from ``low`` to ``high`` inhabitants or agents, this category."""

    category: str
    low: int
    high: int | None  # inclusive; None = no upper bound
    source: str = ""

    def contains(self, n: int) -> bool:
        return n >= self.low and (self.high is None or n <= self.high)

    def describe(self, unit: str) -> str:
        if self.high is None:
            return f"{group_int(self.low)} {unit} et plus"
        return f"de {group_int(self.low)} à {group_int(self.high)} {unit}"


@dataclass(frozen=True, slots=True)
class Scale:
    """One column of the category grid (communes/CPAS inhabitants, agents, rescue zones)."""

    code: str
    label: str
    unit: str  # "habitants" / "agents"
    thresholds: tuple[Threshold, ...]

    def classify(self, n: int) -> Threshold | None:
        for t in self.thresholds:
            if t.contains(n):
                return t
        return None


def threshold_breaks(thresholds: Sequence[Threshold]) -> list[tuple[Threshold, str]]:
    """Where a scale's rows, taken from the lowest, leave a gap, overlap, or follow an
    open-ended row: (the row that breaks the sequence, why, in French). Empty when every
    count falls in exactly one category from the lowest bound up."""
    ordered = sorted(thresholds, key=lambda t: t.low)
    out: list[tuple[Threshold, str]] = []
    for a, b in pairwise(ordered):
        if a.high is None:
            why = f"« {a.category} » n'a pas de borne haute : « {b.category} » ne peut pas la suivre"
            out.append((b, why))
        elif b.low != a.high + 1:
            what = "chevauche" if b.low <= a.high else "laisse un trou après"
            why = (
                f"« {b.category} » commence à {b.low} et {what} « {a.category} » "
                f"(jusqu'à {a.high}) : attendu {a.high + 1}"
            )
            out.append((b, why))
    return out


@dataclass(frozen=True, slots=True)
class KindRule:
    """How a kind of member gets its category: a scale, a fixed category, or a manual choice."""

    kind: MemberKind
    method: Method
    scale: str | None = None
    fixed_category: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class CategoryRules:
    """The category grid of one tariff year, as data."""

    tariff: str
    categories: tuple[str, ...]  # every category name in grid order ("Cat 1" ... "Provinces")
    scales: dict[str, Scale]
    rules: dict[MemberKind, KindRule]
    source: str = ""

    def rule_for(self, kind: MemberKind) -> KindRule:
        try:
            return self.rules[kind]
        except KeyError:
            return KindRule(kind, Method.MANUAL)

    def check_category(self, name: str) -> str:
        for c in self.categories:
            if c.lower() == name.strip().lower():
                return c
        raise InvalidInput(
            f"Catégorie inconnue : « {name} ». Catégories possibles : "
            + ", ".join(self.categories)
            + ".",
            field="category",
        )


@dataclass(frozen=True, slots=True)
class CategoryDecision:
    """The category used for pricing, how it was found, and any override."""

    category: str | None  # None only when a manual category is still to be chosen
    derived: str | None  # what the rules gave (None for manual kinds or missing data)
    trace: tuple[str, ...]
    override_reason: str | None = None
    deciding_member: str | None = None  # id of the commune that decided (CPAS, police zone)

    @property
    def overridden(self) -> bool:
        return self.override_reason is not None

    @property
    def decided(self) -> bool:
        return self.category is not None


MemberLookup = Callable[[str], Member | None]


def _classify(rules: CategoryRules, scale_code: str | None, n: int) -> tuple[str | None, str]:
    scale = rules.scales.get(scale_code or "")
    if scale is None:
        return None, f"aucune échelle « {scale_code} » dans la grille {rules.tariff}"
    t = scale.classify(n)
    if t is None:
        return None, f"{group_int(n)} {agree(n, scale.unit)} : hors de l'échelle {scale.label}"
    return t.category, f"{scale.label} {t.describe(scale.unit)}"


def derive_category(member: Member, rules: CategoryRules, lookup: MemberLookup) -> CategoryDecision:
    """Derive the category of ``member`` and explain it in French, step by step."""
    derived, trace, decider = _derive(member, rules, lookup)
    if member.category_override is not None:
        chosen = rules.check_category(member.category_override.category)
        reason = member.category_override.reason
        if derived is None:
            trace.append(f"Catégorie choisie : {chosen} (motif : {reason})")
        elif chosen != derived:
            trace.append(f"Catégorie dérivée {derived} remplacée par {chosen} (motif : {reason})")
        else:
            trace.append(f"Catégorie {chosen} confirmée à la main (motif : {reason})")
        return CategoryDecision(chosen, derived, tuple(trace), reason, decider)
    return CategoryDecision(derived, derived, tuple(trace), None, decider)


def _derive(
    member: Member, rules: CategoryRules, lookup: MemberLookup
) -> tuple[str | None, list[str], str | None]:
    rule = rules.rule_for(member.kind)
    head = _head(member)
    if rule.method is Method.FIXED:
        cat = rule.fixed_category
        return cat, [f"{head} : catégorie propre → {cat}"], None
    if rule.method is Method.MANUAL:
        return None, [f"{head} : pas de règle automatique, catégorie à choisir avec un motif"], None
    if rule.method in (Method.INHABITANTS, Method.AGENTS):
        unit = "agents" if rule.method is Method.AGENTS else "habitants"
        size = member.size
        if size is None:
            what = "nombre d'agents" if unit == "agents" else "nombre d'habitants"
            return None, [f"{head} : {what} inconnu, catégorie à choisir avec un motif"], None
        cat, why = _classify(rules, rule.scale, size.value)
        arrow = f" → catégorie {_short(cat)}" if cat else ""
        line = f"{head} : {size.text(unit)}{arrow}"
        trace = [line, f"Règle : {why}"]
        if member.size_correction is not None and member.reference_size is not None:
            trace.append(
                "Chiffre corrigé ; valeur de référence : " + member.reference_size.text(unit)
            )
        return cat, trace, None
    if rule.method is Method.COMMUNE_POPULATION:
        commune = lookup(member.commune_id) if member.commune_id else None
        if commune is None or commune.size is None:
            return None, [f"{head} : commune inconnue, catégorie à choisir avec un motif"], None
        cat, why = _classify(rules, rule.scale, commune.size.value)
        arrow = f" → catégorie {_short(cat)}" if cat else ""
        return (
            cat,
            [
                f"{head} : population de la commune {commune.name}, "
                f"{commune.size.text('habitants')}{arrow}",
                f"Règle : {why}",
            ],
            commune.id,
        )
    # LARGEST_COMMUNE
    communes = [c for c in (lookup(i) for i in member.commune_ids) if c is not None]
    sized = [c for c in communes if c.size is not None]
    if not sized:
        return (
            None,
            [f"{head} : communes de la zone inconnues, catégorie à choisir avec un motif"],
            None,
        )
    largest = _largest(sized)
    assert largest.size is not None
    cat, why = _classify(rules, rule.scale, largest.size.value)
    arrow = f" → catégorie {_short(cat)}" if cat else ""
    if len(communes) == 1:
        first = f"{head} : zone d'une seule commune, {largest.name}, {largest.size.text('habitants')}{arrow}"
    else:
        # communes of the same size (a correction can make them so) give the same category:
        # the trace names them all (in the zone's order) rather than one picked by name
        tied = [c.name for c in sized if c is not largest and c.size and c.size.value == largest.size.value]
        tie = f" (à égalité avec {', '.join(tied)})" if tied else ""
        first = (
            f"{head} : commune la plus peuplée {largest.name}{tie}, "
            f"{largest.size.text('habitants')}{arrow}"
        )
    return cat, [first, f"Règle : {why}"], largest.id


def _largest(communes: Sequence[Member]) -> Member:
    """The most populous of ``communes`` (those with a size), the one whose category a police
    zone takes; of two as populous, the later by name, so the choice never depends on order."""
    return max(communes, key=lambda c: (c.size.value if c.size else 0, c.name))


def size_read_elsewhere(member: Member, rules: CategoryRules, lookup: MemberLookup) -> str | None:
    """When the category of ``member`` reads another member's figure, not its own (a CPAS
    its commune's population, a police zone its most populous commune's): where the figure
    comes from and where to correct it, in French. ``None`` when its own figure is the one
    to correct."""
    method = rules.rule_for(member.kind).method
    if method is Method.COMMUNE_POPULATION:
        commune = lookup(member.commune_id) if member.commune_id else None
        where = f"la commune {of_place(commune.name)}" if commune is not None else "sa commune"
        return f"La catégorie suit celle de {where} : corrigez la population de la commune."
    if method is Method.LARGEST_COMMUNE:
        communes = [c for c in (lookup(i) for i in member.commune_ids) if c is not None]
        if len(communes) == 1:
            return (
                f"La catégorie suit celle de la commune {of_place(communes[0].name)} : "
                "corrigez la population de la commune."
            )
        sized = [c for c in communes if c.size is not None]
        now = ""
        if sized:
            now = f", aujourd'hui {_largest(sized).name}"
        return (
            f"La catégorie suit celle de la commune la plus peuplée de la zone{now} : "
            "corrigez la population des communes de la zone."
        )
    return None


def correct_size(
    member: Member,
    rules: CategoryRules,
    lookup: MemberLookup,
    value: int,
    as_of: date,
    source: str,
    *,
    today: date,
) -> Member:
    """``member`` with a corrected size (``Member.with_size_correction``), refused when its
    category does not read its own figure: the correction would show on its card and change
    nothing. (``Member`` alone cannot tell: which figure a kind reads is tariff data.)"""
    elsewhere = size_read_elsewhere(member, rules, lookup)
    if elsewhere is not None:
        raise InvalidInput(elsewhere, field="size")
    return member.with_size_correction(value, as_of, source, today=today)


def _head(member: Member) -> str:
    """'Zone de police 5267 Nivelles/Genappe', 'CPAS de Nivelles', 'Province du Brabant wallon',
    'Commune Nivelles'."""
    if not member.name.strip():  # a member described by its kind alone (« comptoir category --kind »)
        return member.kind.label
    if member.name.casefold().startswith(member.kind.label.casefold()):  # « Intercommunale de … »
        return member.name
    if member.kind in (MemberKind.CPAS, MemberKind.PROVINCE):  # « de », « du », « de la »
        return member.display_name
    if member.kind is MemberKind.ZONE_DE_POLICE and member.zone_number:
        return f"{member.kind.label} {member.zone_number} {member.name}".strip()
    return f"{member.kind.label} {member.name}".strip()


def category_title(category: str) -> str:
    """'Cat 5' -> 'Catégorie 5', as people say it; other names ('Provinces') unchanged."""
    return f"Catégorie {category[4:]}" if category.startswith("Cat ") else category


def _short(category: str | None) -> str:
    """'Cat 5' -> '5' so traces read 'catégorie 5'; other names unchanged."""
    if category and category.startswith("Cat "):
        return category[4:]
    return category or "?"


def category_for_size(
    kind: MemberKind,
    rules: CategoryRules,
    *,
    inhabitants: int | None = None,
    agents: int | None = None,
) -> CategoryDecision:
    """Category of a hypothetical member of ``kind`` with the given size (CLI ``--kind``)."""
    rule = rules.rule_for(kind)
    n = agents if rule.method is Method.AGENTS else inhabitants
    if rule.method in (
        Method.INHABITANTS,
        Method.COMMUNE_POPULATION,
        Method.LARGEST_COMMUNE,
        Method.AGENTS,
    ):
        if n is None:
            need = "--agents" if rule.method is Method.AGENTS else "--inhabitants"
            raise InvalidInput(
                f"Pour un membre de type {kind.value}, indiquez {need} (nombre entier positif).",
                field=need.lstrip("-"),
            )
        if n < 0:
            raise InvalidInput("Le nombre d'habitants ou d'agents ne peut pas être négatif.")
    if rule.method in (Method.COMMUNE_POPULATION, Method.LARGEST_COMMUNE):
        assert n is not None
        cat, why = _classify(rules, rule.scale, n)
        arrow = f" → catégorie {_short(cat)}" if cat else ""
        basis = (
            "population de la commune"
            if rule.method is Method.COMMUNE_POPULATION
            else "commune la plus peuplée"
        )
        return CategoryDecision(
            cat,
            cat,
            (
                f"{kind.label} : {basis}, {group_int(n)} {agree(n, 'habitants')} (valeur saisie){arrow}",
                f"Règle : {why}",
            ),
        )
    synthetic = Member(
        id="tmp",
        kind=kind,
        name="",  # ``_head`` then names the kind alone
        reference_size=Headcount(n, None, "valeur saisie") if n is not None else None,
    )
    derived, trace, _ = _derive(synthetic, rules, lambda _id: None)
    return CategoryDecision(derived, derived, tuple(trace))
