"""The tariff catalogue as data: products, price tables, bands, rates, rules and terms.

A ``Tariff`` is one issuer's grid for one period (iMio 2024, Somme Numérique 2025...). Nothing
here knows about a particular product: how a product is priced is a list of ``Component``
rules (kind + parameters) that ``desktop.core.pricing`` evaluates.

What makes a grid's values valid (every amount finite, not negative, at most 10 000 000 and
to the cent; percentages; parameter bounds; category scales without gap or overlap) is said
once, at the end of this module (``tariff_problems``): the seed loader and the catalogue import
both apply it, so a value refused in the seed files is refused in a bundle from head office too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from desktop.core.categories import CategoryRules, threshold_breaks
from desktop.core.errors import Ambiguous, CatalogueError, NotFound
from desktop.core.inputs import shown
from desktop.core.members import MemberKind


class PriceState(StrEnum):
    PRICED = "priced"
    SUR_DEVIS = "sur_devis"  # the grid says "Sur devis": priced on request
    NOT_OFFERED = "not_offered"  # no row for this category: not offered / not priced

    @property
    def label(self) -> str:
        return {
            PriceState.PRICED: "Tarifé",
            PriceState.SUR_DEVIS: "Sur devis",
            # no price for the member's category (Urban for Provinces): the product owner's
            # rule is that such a line reads « Sur devis », like the grid's own
            PriceState.NOT_OFFERED: "Sur devis",
        }[self]


class Bucket(StrEnum):
    ONE_TIME = "one_time"
    ANNUAL = "annual"


class Family(StrEnum):
    GOUVERNANCE = "gouvernance"
    RELATION_CITOYENNE = "relation_citoyenne"
    OPTIONS = "options"
    SERVICES = "services"

    @property
    def label(self) -> str:
        return {
            Family.GOUVERNANCE: "Gouvernance et dématérialisation",
            Family.RELATION_CITOYENNE: "Relation citoyenne et numérisation des services",
            Family.OPTIONS: "Options",
            Family.SERVICES: "Services et prestations",
        }[self]


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a price table: an amount, or why there is none."""

    state: PriceState
    amount: Decimal | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class PriceRow:
    """One row of a price table: the cells of one category (or status), by column."""

    key: str  # a category name ("Cat 3", "Provinces") or a status ("membre")
    cells: Mapping[str, Cell]
    source: str = ""


@dataclass(frozen=True, slots=True)
class PriceTable:
    """A price grid of the tariff: rows by category (or status), columns by amount."""

    code: str  # "T1"
    columns: tuple[str, ...]  # "annual", "one_time", "setup_days", "users_included", ...
    rows: Mapping[str, PriceRow]
    key_kind: str = "category"  # or "status"
    title: str = ""
    source: str = ""

    def cell(self, key: str, column: str) -> Cell:
        row = self.rows.get(key)
        if row is None:
            return Cell(PriceState.NOT_OFFERED, None, self.source)
        return row.cells.get(column, Cell(PriceState.NOT_OFFERED, None, row.source))


@dataclass(frozen=True, slots=True)
class Band:
    """One band of a band table: from ``low`` to ``high`` (schools, users...), these values."""

    low: int
    high: int | None  # inclusive; None = open
    values: Mapping[str, Decimal]
    label: str = ""
    source: str = ""

    def contains(self, n: int) -> bool:
        return n >= self.low and (self.high is None or n <= self.high)


@dataclass(frozen=True, slots=True)
class BandTable:
    """Values that depend on a quantity, band by band (degressive prices)."""

    code: str
    bands: tuple[Band, ...]
    source: str = ""

    def lookup(self, n: int) -> Band | None:
        for b in self.bands:
            if b.contains(n):
                return b
        return None


@dataclass(frozen=True, slots=True)
class Rate:
    """A unit price of the tariff (a day of service, of technical assistance...)."""

    code: str
    name: str
    amount: Decimal
    unit: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Parameter:
    """An input a product needs (schools, plans, readers, gb, days, users, quantity...)."""

    key: str
    label: str
    integer: bool = True
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    default: Decimal | None = None
    required: bool = False
    unit: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Component:
    """One pricing rule of a product: ``kind`` names an engine rule, ``params`` its data."""

    kind: str
    bucket: Bucket | None
    params: Mapping[str, str]
    label: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Product:
    """A product, option or service of the catalogue, with the rules that price it."""

    code: str
    name: str
    family: Family
    kind: str = "product"  # product | option | service
    parent: str | None = None  # options: the product they need
    libre: bool = False
    aliases: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    description: str = ""
    confidence: str = ""  # mapping confidence of its table, as the analysis gives it
    to_confirm: str = ""  # printable note when the mapping awaits confirmation
    parameters: tuple[Parameter, ...] = ()
    components: tuple[Component, ...] = ()
    notes: tuple[str, ...] = ()  # shown on the line (e.g. "selon devis" items)
    tax_mode: str = ""  # "" = the tariff's; "TTC" for exceptions
    order: int = 0
    source: str = ""

    def parameter(self, key: str) -> Parameter | None:
        for p in self.parameters:
            if p.key == key:
                return p
        return None


@dataclass(frozen=True, slots=True)
class Constraint:
    """A rule between two products: one requires or excludes the other."""

    code: str
    kind: str  # "requires" | "excludes"
    product: str
    other: str
    message: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class Discount:
    """A percentage off one bucket of the lines it applies to, for some kinds of member."""

    code: str
    member_kinds: tuple[str, ...]
    bucket: Bucket
    pct: Decimal
    condition: str  # "commune_has_in_production"
    flag: str  # product flag the discount applies to ("libre")
    label: str
    term: str = ""  # code of the printed term explaining it
    source: str = ""


@dataclass(frozen=True, slots=True)
class Term:
    """A condition printed on the offer, always or when a rule applies."""

    code: str
    title: str
    text: str
    when: str = "always"  # "always" | a discount code | ...
    source: str = ""


def fold(text: str) -> str:
    """Case- and accent-insensitive key: 'iA.Délib' -> 'ia.delib'. Invisible characters (a
    zero width space, a soft hyphen pasted with a name) are left out, not read as a gap."""
    decomposed = unicodedata.normalize("NFKD", text)
    if not decomposed.isascii():  # ASCII letters are looked up no further (the directory's index)
        decomposed = "".join(
            c
            for c in decomposed
            if c < "\x80" or (not unicodedata.combining(c) and unicodedata.category(c) != "Cf")
        )
    return " ".join(decomposed.casefold().replace("’", "'").split())


def _loose(text: str) -> str:
    """Looser key for product names: drops the 'ia.' prefix and punctuation."""
    f = fold(text)
    for prefix in ("package ", "option "):
        if f.startswith(prefix):
            f = f[len(prefix) :]
    if f.startswith("ia.") or f.startswith("ia-") or f.startswith("ia "):
        f = f[3:]
    return "".join(c for c in f if c.isalnum())


@dataclass(frozen=True, slots=True)
class Tariff:
    """A whole price list: products, price tables, rates, rules, discounts and terms."""

    code: str  # "imio-2024"
    issuer: str  # "iMio"
    title: str
    year: int
    valid_from: date
    locale: str  # "fr_BE"
    currency: str  # "EUR"
    tax_label: str  # "HTVA" / "HT"
    categories: CategoryRules
    products: Mapping[str, Product]  # code -> product, in catalogue order
    tables: Mapping[str, PriceTable] = field(default_factory=dict)
    bands: Mapping[str, BandTable] = field(default_factory=dict)
    rates: Mapping[str, Rate] = field(default_factory=dict)
    constraints: tuple[Constraint, ...] = ()
    discounts: tuple[Discount, ...] = ()
    terms: tuple[Term, ...] = ()
    meta: Mapping[str, str] = field(default_factory=dict)  # approvals, letterhead defaults...

    def resolve_product(self, name: str) -> Product:
        """Find a product by code, name, alias or former name, ignoring case and accents."""
        wanted_exact = fold(name)
        wanted_loose = _loose(name)
        exact: list[Product] = []
        loose: list[Product] = []
        for p in self.products.values():
            keys = (p.code, p.name, *p.aliases, *p.former_names)
            if any(fold(k) == wanted_exact for k in keys):
                exact.append(p)
            elif wanted_loose and any(_loose(k) == wanted_loose for k in keys):
                loose.append(p)
        hits = exact or loose
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise Ambiguous(
                f"Le produit « {name} » désigne plusieurs produits : précisez.",
                [f"{p.code} ({p.name})" for p in hits],
            )
        raise NotFound(
            f"Produit inconnu : « {shown(name)} ». Produits disponibles : "
            + ", ".join(p.code for p in self.products.values())
            + "."
        )

    def term(self, code: str) -> Term | None:
        for t in self.terms:
            if t.code == code:
                return t
        return None


# --------------------------------------------------------------------------- validity

MAX_AMOUNT = Decimal(10_000_000)
"""The largest number a grid may hold (a price, a rate, days, users): far above any real
price, far below what makes totals absurd."""
AMOUNT_PLACES = 2  # to the cent, as every grid so far (iMio 2024, Somme Numérique 2025)
_CENT = Decimal(1).scaleb(-AMOUNT_PLACES)
_MEMBER_KINDS = frozenset(k.value for k in MemberKind)


@dataclass(frozen=True, slots=True)
class Problem:
    """One value of a grid that breaks a rule: ``where`` names it, ``why`` says what is wrong."""

    where: str
    why: str

    def __str__(self) -> str:
        return f"{self.where} : {self.why}"


def amount_problem(value: Decimal) -> str | None:
    """Why ``value`` cannot be a number of a grid (a price, a rate, a number of days or users,
    a band value), or ``None``: it must be finite, not negative, at most ``MAX_AMOUNT`` and
    have at most two decimals."""
    if not value.is_finite():
        return f"« {value} » n'est pas un nombre"
    if value < 0:
        return f"montant négatif {value}"
    if value > MAX_AMOUNT:
        return f"montant {value} supérieur au maximum admis (10 000 000)"
    if value != value.quantize(_CENT):
        return f"montant {value} : plus de {AMOUNT_PLACES} décimales"
    return None


def percent_problem(value: Decimal) -> str | None:
    """Why ``value`` cannot be a discount percentage (``50`` = 50 %), or ``None``."""
    if not value.is_finite() or not (0 < value <= 100):
        return f"pourcentage invalide « {value} » (entre 0 et 100)"
    return None


def parameter_problems(p: Parameter) -> list[str]:
    """What is wrong with the bounds and default of a product input (empty: nothing)."""
    bounds = {"minimum": p.minimum, "maximum": p.maximum, "default": p.default}
    bad = [
        f"{name} : « {v} » n'est pas un nombre"
        for name, v in bounds.items()
        if v is not None and not v.is_finite()
    ]
    if bad:
        return bad
    out = []
    lo, hi, default = p.minimum, p.maximum, p.default
    if lo is not None and hi is not None and lo > hi:
        out.append(f"minimum {lo} supérieur au maximum {hi}")
    if default is not None and (
        (lo is not None and default < lo) or (hi is not None and default > hi)
    ):
        out.append(f"valeur par défaut {default} hors des bornes")
    if p.required and default is not None:
        out.append("un paramètre obligatoire n'a pas de valeur par défaut")
    return out


def member_kinds_problem(kinds: tuple[str, ...]) -> str | None:
    """Why ``kinds`` cannot be the member kinds a discount is for, or ``None``."""
    if not kinds or any(k not in _MEMBER_KINDS for k in kinds):
        return f"types de membres invalides : « {'; '.join(kinds)} »"
    return None


def discount_problems(d: Discount) -> list[str]:
    """What is wrong with a discount's member kinds and percentage (empty: nothing)."""
    return [why for why in (member_kinds_problem(d.member_kinds), percent_problem(d.pct)) if why]


def tariff_problems(tariff: Tariff) -> list[Problem]:
    """Every value of ``tariff`` that breaks a rule above, then every break in its category
    scales (a gap, an overlap: a member whose count falls there gets no category)."""
    return value_problems(tariff) + scale_problems(tariff.categories)


def coverage_problems(tariff: Tariff) -> list[Problem]:
    """Every category a price table has no row for, and every cell a row lacks. The engine
    reads a price left out as not offered; a grid written in the seed files says « sur devis »
    or « non proposé » in so many words, so one that travels without them has lost prices."""
    out: list[Problem] = []
    for table in tariff.tables.values():
        if table.key_kind == "category":
            out += [
                Problem(
                    f"tableau {table.code}",
                    f"pas de ligne « {category} » : chaque catégorie a la sienne, « non proposé » "
                    "si la grille ne la prévoit pas",
                )
                for category in tariff.categories.categories
                if category not in table.rows
            ]
        for row in table.rows.values():
            out += [
                Problem(
                    f"tableau {table.code}, ligne « {row.key} », colonne {column}",
                    "case absente : un montant, « sur devis » ou « non proposé »",
                )
                for column in table.columns
                if column not in row.cells
            ]
    return out


def scale_problems(rules: CategoryRules) -> list[Problem]:
    return [
        Problem(f"échelle {scale.code}, catégorie « {threshold.category} »", why)
        for scale in rules.scales.values()
        for threshold, why in threshold_breaks(scale.thresholds)
    ]


def value_problems(tariff: Tariff) -> list[Problem]:
    """Every value of ``tariff`` that breaks a rule above, in catalogue order."""
    out: list[Problem] = []
    for table in tariff.tables.values():
        for row in table.rows.values():
            for column, cell in row.cells.items():
                where = f"tableau {table.code}, ligne « {row.key} », colonne {column}"
                if cell.state is PriceState.PRICED:
                    why = "montant manquant" if cell.amount is None else amount_problem(cell.amount)
                elif cell.amount is not None:
                    why = f"un montant ({cell.amount}) dans une case « {cell.state.label} »"
                else:
                    why = None
                if why:
                    out.append(Problem(where, why))
    for bands in tariff.bands.values():
        for band in bands.bands:
            span = f"{band.low}-{'' if band.high is None else band.high}"
            for column, value in band.values.items():
                why = amount_problem(value)
                if why:
                    out.append(Problem(f"tranches {bands.code} {span}, colonne {column}", why))
    for rate in tariff.rates.values():
        why = amount_problem(rate.amount)
        if why:
            out.append(Problem(f"taux {rate.code}", why))
    for product in tariff.products.values():
        for p in product.parameters:
            where = f"produit {product.code}, paramètre {p.key}"
            out += [Problem(where, why) for why in parameter_problems(p)]
    for d in tariff.discounts:
        out += [Problem(f"remise {d.code}", why) for why in discount_problems(d)]
    return out


def setup_breaks(tariff: Tariff) -> list[Problem]:
    """Rows whose one-time setup is not setup days x the day rate (+ their contribution), for
    a grid that declares that rule (``setup_rule = days_x_day_rate``, ``day_rate``)."""
    rate = tariff.rates.get(tariff.meta.get("day_rate", ""))
    if tariff.meta.get("setup_rule") != "days_x_day_rate" or rate is None:
        return []
    out: list[Problem] = []
    for table in tariff.tables.values():
        for row in table.rows.values():
            setup, days = row.cells.get("one_time"), row.cells.get("setup_days")
            if setup is None or days is None or setup.amount is None or days.amount is None:
                continue
            extra = row.cells.get("contribution")
            plus = extra.amount if extra is not None and extra.amount is not None else Decimal(0)
            expected = days.amount * rate.amount + plus
            if setup.amount != expected:
                with_extra = f" + {plus}" if plus else ""
                out.append(
                    Problem(
                        f"tableau {table.code}, ligne « {row.key} »",
                        f"mise en place {setup.amount} au lieu de {days.amount} jours × "
                        f"{rate.amount}{with_extra} = {expected}",
                    )
                )
    return out


MAX_SHOWN_PROBLEMS = 5


def check_tariff(tariff: Tariff, *, whole: bool = False) -> None:
    """Raise ``CatalogueError`` naming the values of ``tariff`` that break a rule, if any;
    ``whole``: and every price it leaves out (``coverage_problems``)."""
    problems = tariff_problems(tariff) + (coverage_problems(tariff) if whole else [])
    if not problems:
        return
    if len(problems) == 1:
        raise CatalogueError(problems[0].why, location=f"tarif {tariff.code}, {problems[0].where}")
    shown = " ; ".join(str(p) for p in problems[:MAX_SHOWN_PROBLEMS])
    more = len(problems) - MAX_SHOWN_PROBLEMS
    raise CatalogueError(
        f"{len(problems)} valeurs invalides dans le tarif {tariff.code} : {shown}"
        + (f" ; et {more} autre(s)" if more > 0 else "")
    )
