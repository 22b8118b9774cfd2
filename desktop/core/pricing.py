"""The pricing engine: one evaluator for every product, driven by catalogue data.

A product's price is a list of ``Component`` rules (``kind`` + ``params``). Each kind is a
function in ``RULES``; none of them knows a product. The engine evaluates the components of
a line against a ``PricingContext`` (member kind, category, membership status, size, what
the CPAS's commune already has) and folds the results into a ``QuoteLine``:

- an amount is ``None`` when it is not priced ("sur devis", or no row for the category): it is
  never turned into 0, it is left out of the totals, and the totals say they are partial;
- a line may be partly priced (iA.Citizen Cat 6: annual 19 293, set-up sur devis);
- amounts are rounded half-up to the cent at line level.

``build_quote`` adds what concerns the quote as a whole: options without their parent,
exclusive products, the CPAS discount, the printed terms and the multi-year totals.

Parameter reference for catalogue authors (``Component.params``, all strings):

Values: a number (``906``, ``0.10`` or ``0,10``); a rate code (``prestations`` or
``rate:prestations``); a table cell ``T6/per_school`` (row = the member's category, or
``membre``/``non_membre`` for tables keyed by status); a parameter key (``schools``);
``inhabitants``/``agents``/``size`` (the member's size).

Kinds: ``matrix`` (table, column, [quantity]); ``setup_days`` (table, [column]);
``base_plus_rate`` (base, table+column or rate, quantity); ``band_days`` (bands, quantity,
value, rate, [sur_devis_if]); ``days_x_rate`` (days or table+column, rate); ``per_block``
(quantity, block, rate, [included]); ``unit_x_qty`` (quantity, unit); ``sur_devis`` ([note],
[label]); ``sur_devis_if`` (condition, [note], [indicative, quantity]); ``note`` (text,
[table, column]); ``band`` (bands, on, value); ``tiers`` (bands, quantity, [value]);
``formula`` (expr); ``cost_plus`` (supplier, markup_pct, [quantity]); ``eligibility``
(condition, [note]); ``fixed`` (amount). Every amount kind also takes ``when`` (a
condition), ``multiplier``, ``minimum``, ``maximum`` (or ``cap``), ``discount_pct`` and
``discountable`` (``non``: the tariff's discounts leave its amount whole).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from desktop.core import expr
from desktop.core.catalogue import (
    Band,
    BandTable,
    Bucket,
    Component,
    Constraint,
    Discount,
    Parameter,
    PriceState,
    Product,
    Tariff,
)
from desktop.core.categories import CategoryDecision
from desktop.core.errors import CatalogueError, InvalidInput, NotFound
from desktop.core.format import agree, euros, group_int
from desktop.core.format import decimal_text as _num
from desktop.core.inputs import shown as _shown
from desktop.core.inputs import visible
from desktop.core.members import Member, MemberKind, MembershipStatus, of_place
from desktop.core.quote import (
    DEFAULT_INDEXATION,
    DEFAULT_YEARS,
    INDEXATION_RANGE,
    MAX_YEARS,
    LineRequest,
    LineStatus,
    Notice,
    Quote,
    QuoteLine,
    QuoteRequest,
    Severity,
    Totals,
    counts_in_totals,
    round_cents,
)

log = logging.getLogger(__name__)

ZERO = Decimal(0)
HUNDRED = Decimal(100)


# --------------------------------------------------------------------------- context


def status_key(status: MembershipStatus) -> str:
    """Row key of a price table keyed by membership status: 'membre' or 'non_membre'."""
    if status in (MembershipStatus.ASSOCIE, MembershipStatus.ADHESION_EN_COURS):
        return "membre"
    return "non_membre"


@dataclass(frozen=True, slots=True)
class PricingContext:
    """What the price of a line may depend on, besides its own parameters."""

    member_kind: MemberKind
    category: str | None
    membership: MembershipStatus = MembershipStatus.ASSOCIE
    size: int | None = None  # inhabitants, or agents for intercommunales/RCA
    commune_has: frozenset[str] = frozenset()  # products the CPAS's commune has in production

    @property
    def status(self) -> str:
        return status_key(self.membership)


# --------------------------------------------------------------------------- parameters


_NUMBER_START = frozenset("0123456789+-.,")

# Upper bound of a parameter the catalogue gives no maximum for (schools, readers, GB...):
# far above any real quantity, far below what would make amounts meaningless or overflow the
# rounding to the cent. A tariff owner sets a tighter (or a larger) one in parameters.csv.
PARAMETER_CAP = Decimal(100_000)
# the notice of a catalogue caveat (« Tarif à confirmer »): for the seller, not the member
TO_CONFIRM_PREFIX = "to_confirm:"


_THOUSANDS_DOT = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")  # « 1.000 », « 12.500.000 »
_PLACES = Decimal("0.01")  # a quantity that is not whole (days, a price) goes to the hundredth


def _to_decimal(text: str) -> Decimal | None:
    if not text or text.lstrip()[:1] not in _NUMBER_START:
        return None  # a code or a name: no need to try (exceptions are slow)
    cleaned = text.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    cleaned = cleaned.replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value




def eur(d: Decimal) -> str:
    """Plain-text euro amount for notes built in core: '5 973 €', '1 200,12 €'."""
    return euros(d, whole_without_cents=True)


def _describe_params(product: Product) -> str:
    if not product.parameters:
        return f"{product.name} n'accepte aucun paramètre"
    return (
        "paramètres acceptés pour "
        + product.name
        + " : "
        + ", ".join(f"{p.key} ({p.label})" if p.label else p.key for p in product.parameters)
    )


def _what(p: Parameter) -> str:
    """« schools » (Nombre d'écoles): the key typed on the command line, and what it means."""
    return f"« {p.key} » ({p.label})" if p.label else f"« {p.key} »"


def _check_value(product: Product, p: Parameter, value: Decimal, shown: str) -> Decimal:
    what = _what(p)
    shown = _shown(shown)
    if value < 0:
        raise InvalidInput(
            f"{product.name} : {what} ne peut pas être négatif (valeur reçue : {shown}).",
            field=p.key,
        )
    if p.integer and value != value.to_integral_value():
        raise InvalidInput(
            f"{product.name} : {what} doit être un nombre entier (valeur reçue : {shown}).",
            field=p.key,
        )
    if not p.integer and value != value.quantize(_PLACES):
        # the line would show 2,56 jours and be priced on 2,555
        raise InvalidInput(
            f"{product.name} : {what} se donne avec deux décimales au plus, p. ex. 2,5 ou "
            f"2,25 (valeur reçue : {shown}).",
            field=p.key,
        )
    if p.minimum is not None and value < p.minimum:
        raise InvalidInput(
            f"{product.name} : {what} doit valoir au moins {_num(p.minimum)} "
            f"(valeur reçue : {shown}).",
            field=p.key,
        )
    maximum = p.maximum if p.maximum is not None else PARAMETER_CAP
    if value > maximum:
        raise InvalidInput(
            f"{product.name} : {what} doit valoir au plus {_num(maximum)} "
            f"(valeur reçue : {shown}).",
            field=p.key,
        )
    return value.to_integral_value() if p.integer else value


def _complete(product: Product, values: dict[str, Decimal]) -> dict[str, Decimal]:
    for p in product.parameters:
        if p.key in values:
            continue
        if p.default is not None:
            values[p.key] = p.default
        elif p.required:
            raise InvalidInput(
                f"{product.name} : le paramètre {_what(p)} est obligatoire ; indiquez sa valeur.",
                field=p.key,
            )
    ordered = {p.key: values[p.key] for p in product.parameters if p.key in values}
    return ordered


QUANTITY = "quantity"  # the generic key: the one parameter of a product that has only one


def _find_param(product: Product, key: str) -> Parameter:
    wanted = key.strip().lower()
    for p in product.parameters:
        if p.key.lower() == wanted:
            return p
    if wanted == QUANTITY and len(product.parameters) == 1:
        # « codes-barres:quantity=2 » is its readers, « stockage:quantity=100 » its Go: a
        # script need not know each product's own word when there is only one
        return product.parameters[0]
    raise InvalidInput(
        f"Paramètre inconnu « {key.strip()} » pour {product.name} ; {_describe_params(product)}.",
        field=key.strip(),
    )


def parse_params(product: Product, raw: Mapping[str, str]) -> dict[str, Decimal]:
    """Read text parameters (CLI, form fields) into validated Decimals, defaults filled in.

    Raises ``InvalidInput`` with a French message for an unknown key, a value that is not a
    number, negative, not whole where a whole number is needed, out of bounds, or a missing
    required parameter.
    """
    values: dict[str, Decimal] = {}
    named: dict[str, str] = {}
    for key, typed in raw.items():
        p = _find_param(product, key)
        if p.key in named:
            # « gb=20 » and « quantity=41 » name the same Go: the later one was priced silently
            raise InvalidInput(
                f"{product.name} : {_what(p)} est donné deux fois (« {named[p.key]} » et "
                f"« {key.strip()} ») ; gardez une seule valeur.",
                field=p.key,
            )
        named[p.key] = key.strip()
        text = visible(str(typed))  # « 9 » copied from a web page may hold a zero width space
        if not text.strip():
            raise InvalidInput(
                f"{product.name} : valeur manquante pour {_what(p)} ; indiquez un nombre.",
                field=p.key,
            )
        # « 1_0 » is Python's digit grouping, not a way people write 10
        value = None if "_" in str(text) else _to_decimal(str(text))
        if value is None:
            raise InvalidInput(
                f"{product.name} : la valeur « {_shown(text)} » de {_what(p)} n'est pas un nombre.",
                field=p.key,
            )
        if _THOUSANDS_DOT.fullmatch(str(text).strip()):
            # « 1.000 » is a thousand for many Belgians and one for Python: neither is guessed
            whole, small = str(text).strip().replace(".", ""), _num(value.normalize())
            raise InvalidInput(
                f"{product.name} : « {_shown(text)} » pour {_what(p)} se lit de deux façons. "
                f"Pour {group_int(int(whole))}, écrivez {whole} (sans point de milliers) ; "
                f"pour {small}, écrivez {small}.",
                field=p.key,
            )
        values[p.key] = _check_value(product, p, value, str(text).strip())
    return _complete(product, values)


def validate_params(product: Product, params: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Same checks as ``parse_params`` on values that are already Decimal."""
    values: dict[str, Decimal] = {}
    for key, value in params.items():
        p = _find_param(product, key)
        if not isinstance(value, Decimal):
            try:
                value = Decimal(str(value))
            except InvalidOperation:
                raise InvalidInput(
                    f"{product.name} : la valeur « {value} » de {_what(p)} n'est pas un nombre.",
                    field=p.key,
                ) from None
        if not value.is_finite():
            raise InvalidInput(
                f"{product.name} : la valeur de {_what(p)} n'est pas un nombre.", field=p.key
            )
        values[p.key] = _check_value(product, p, value, _num(value))
    return _complete(product, values)


# --------------------------------------------------------------------------- rule results


@dataclass(slots=True)
class Part:
    """What one component contributes to a line."""

    bucket: Bucket | None  # None: applies to both buckets (whole-line sur devis)
    amount: Decimal | None = None
    state: PriceState = PriceState.PRICED
    days: Decimal | None = None  # one-time days it accounts for
    notes: tuple[str, ...] = ()
    no_amount: bool = False  # a setup_days or note component: no amount
    auto: bool = False  # its note was made up by the engine (a bare "sur devis" cell)
    discountable: bool = True  # False: the tariff's discounts leave its amount whole


class Unpriced(Exception):
    """Raised inside a rule when a value it needs is not priced (sur devis / no row)."""

    def __init__(self, state: PriceState, note: str = "") -> None:
        super().__init__(note)
        self.state = state
        self.note = note


Rule = Callable[["Evaluation", Component], Part | Sequence[Part] | None]
RULES: dict[str, Rule] = {}


def rule(kind: str) -> Callable[[Rule], Rule]:
    """Register a rule function for a component kind."""

    def deco(fn: Rule) -> Rule:
        RULES[kind] = fn
        return fn

    return deco


def rule_kinds() -> frozenset[str]:
    return frozenset(RULES)


@dataclass(slots=True)
class Evaluation:
    """Helpers a rule uses to read its parameters against the tariff, the line and the context."""

    tariff: Tariff
    product: Product
    params: Mapping[str, Decimal]
    ctx: PricingContext
    _vars: dict[str, expr.Value] | None = field(default=None)

    # -- errors
    def bad(self, comp: Component, why: str) -> CatalogueError:
        return CatalogueError(
            f"{self.product.name}, règle « {comp.kind} » : {why}", location=comp.source or None
        )

    def need(self, comp: Component, key: str, *aliases: str) -> str:
        v = self.opt(comp, key, *aliases)
        if v is None:
            raise self.bad(comp, f"le paramètre « {key} » manque")
        return v

    def opt(self, comp: Component, key: str, *aliases: str) -> str | None:
        params = comp.params
        v = params.get(key)
        if v:
            v = v.strip()
            if v:
                return v
        for k in aliases:
            v = params.get(k)
            if v:
                v = v.strip()
                if v:
                    return v
        return None

    # -- rows and cells
    def row_key(self, table_code: str) -> str:
        table = self.tariff.tables[table_code]
        if table.key_kind == "status":
            return self.ctx.status
        if self.ctx.category is None:
            raise Unpriced(PriceState.NOT_OFFERED, "catégorie non déterminée")
        return self.ctx.category

    def cell(self, comp: Component, table_code: str, column: str) -> Decimal:
        table = self.tariff.tables.get(table_code)
        if table is None:
            raise self.bad(comp, f"table « {table_code} » inconnue")
        if column not in table.columns:
            raise self.bad(comp, f"colonne « {column} » absente de la table {table_code}")
        key = self.row_key(table_code)
        c = table.cell(key, column)
        if c.state is not PriceState.PRICED and table.key_kind == "status":
            # a single-value line (same price for every status) may be stored under one key
            for alt in (self.ctx.membership.value, "tous", "*"):
                alt_cell = table.cell(alt, column)
                if alt_cell.state is PriceState.PRICED:
                    c = alt_cell
                    break
        if c.state is not PriceState.PRICED or c.amount is None:
            state = c.state if c.state is not PriceState.PRICED else PriceState.NOT_OFFERED
            raise Unpriced(state)
        return c.amount

    def bands(self, comp: Component, code: str) -> BandTable:
        bt = self.tariff.bands.get(code)
        if bt is None:
            raise self.bad(comp, f"barème « {code} » inconnu")
        return bt

    # -- values
    def size(self, comp: Component) -> Decimal:
        if "inhabitants" in self.params:
            return self.params["inhabitants"]
        if self.ctx.size is None:
            raise InvalidInput(
                f"{self.product.name} : le prix dépend du nombre d'habitants ou d'agents du "
                "membre, qui est inconnu ; indiquez-le.",
                field="size",
            )
        return Decimal(self.ctx.size)

    def quantity(self, comp: Component, name: str) -> Decimal:
        if name in self.params:
            return self.params[name]
        if name in ("inhabitants", "agents", "size"):
            return self.size(comp)
        p = self.product.parameter(name)
        if p is None:
            raise self.bad(comp, f"quantité « {name} » : paramètre non déclaré pour ce produit")
        raise InvalidInput(
            f"{self.product.name} : indiquez « {p.key} » ({p.label}).".replace(" ()", ""),
            field=p.key,
        )

    def value(self, comp: Component, ref: str) -> Decimal:
        """Resolve a value reference: number, rate, table cell, parameter or member size."""
        ref = ref.strip()
        number = _to_decimal(ref)
        if number is not None:
            return number
        if ref.startswith("rate:"):
            code = ref[5:]
            if code not in self.tariff.rates:
                raise self.bad(comp, f"taux « {code} » inconnu")
            return self.tariff.rates[code].amount
        if ref.startswith("table:"):
            ref = ref[6:]
        if "/" in ref:
            table_code, _, column = ref.partition("/")
            return self.cell(comp, table_code.strip(), column.strip())
        if ref.startswith("param:"):
            return self.quantity(comp, ref[6:])
        if ref in self.tariff.rates:
            return self.tariff.rates[ref].amount
        if ref in self.params or self.product.parameter(ref) is not None:
            return self.quantity(comp, ref)
        if ref in ("inhabitants", "agents", "size"):
            return self.size(comp)
        raise self.bad(comp, f"valeur « {ref} » illisible (ni nombre, ni taux, ni table)")

    def variables(self) -> dict[str, expr.Value]:
        if self._vars is None:
            v: dict[str, expr.Value] = {}
            for p in self.product.parameters:
                v[p.key] = ZERO
            v.update(self.params)
            if self.ctx.size is not None:
                size = Decimal(self.ctx.size)
                v.setdefault("inhabitants", size)
                v.setdefault("agents", size)
                v.setdefault("size", size)
            v["kind"] = self.ctx.member_kind.value
            v["status"] = self.ctx.status
            v["category"] = self.ctx.category or ""
            self._vars = v
        return self._vars

    def condition(self, comp: Component, source: str) -> bool:
        variables = self._with_size(comp, source)
        try:
            return expr.evaluate_condition(source, variables)
        except expr.FormulaError as e:
            raise self.bad(comp, e.reason) from None

    def _with_size(self, comp: Component, source: str) -> Mapping[str, expr.Value]:
        variables = self.variables()
        try:
            used = expr.names(expr.normalise_condition(source))
        except expr.FormulaError as e:
            raise self.bad(comp, e.reason) from None
        if used & {"inhabitants", "agents", "size"}:
            size = self.size(comp)  # a French error when the member's size is unknown
            variables = {**variables, "inhabitants": size, "agents": size, "size": size}
        return variables

    def formula(self, comp: Component, source: str) -> Decimal:
        variables = self._with_size(comp, source)
        try:
            return expr.evaluate_number(source, variables)
        except expr.FormulaError as e:
            raise self.bad(comp, e.reason) from None


# --------------------------------------------------------------------------- modifiers


_MODIFIERS = frozenset({"multiplier", "minimum", "maximum", "cap", "discount_pct"})


def _modify(ev: Evaluation, comp: Component, amount: Decimal) -> Decimal:
    """Apply the common modifiers: multiplier, minimum, maximum/cap, discount_pct."""
    if comp.params.keys().isdisjoint(_MODIFIERS):
        return amount
    mult = ev.opt(comp, "multiplier")
    if mult is not None:
        amount = amount * ev.value(comp, mult)
    ref = ev.opt(comp, "minimum")
    if ref is not None:
        with suppress(Unpriced):  # an unpriced bound cell = no minimum for this row
            amount = max(amount, ev.value(comp, ref))
    ref = ev.opt(comp, "maximum", "cap")
    if ref is not None:
        with suppress(Unpriced):  # no cap for this row
            amount = min(amount, ev.value(comp, ref))
    pct = ev.opt(comp, "discount_pct")
    if pct is not None:
        amount = amount * (HUNDRED - ev.value(comp, pct)) / HUNDRED
    return amount


def _priced(
    ev: Evaluation, comp: Component, amount: Decimal, *notes: str, days: Decimal | None = None
) -> Part:
    if comp.bucket is None:
        raise ev.bad(comp, "cette règle produit un montant : indiquez s'il est unique ou annuel")
    amount = _modify(ev, comp, amount)
    if amount < 0:
        raise ev.bad(comp, f"montant négatif ({_num(amount)})")
    return Part(
        comp.bucket,
        amount,
        PriceState.PRICED,
        days,
        tuple(n for n in notes if n),
        discountable=comp.params.get("discountable", "").strip().lower() != "non",
    )


def _note_param(ev: Evaluation, comp: Component) -> str:
    return ev.opt(comp, "note", "text") or ""


# --------------------------------------------------------------------------- iMio kinds


def _qty_detail(ev: Evaluation, comp: Component, qname: str, q: Decimal, unit: Decimal) -> str:
    """'Maintenance & hébergement par lecteur : 3 lecteurs × 865 €' (nothing for 1 unit)."""
    if q == 1:
        return ""
    what = _unit(ev, qname)
    calc = (
        f"{_num(q)} {what} × {eur(unit)}" if what and what != qname else f"{_num(q)} × {eur(unit)}"
    )
    label = _short_label(comp)
    return f"{label} : {calc}" if label else calc


@rule("matrix")
def _matrix(ev: Evaluation, comp: Component) -> Part:
    table = ev.need(comp, "table")
    column = ev.need(comp, "column")
    amount = ev.cell(comp, table, column)
    qname = ev.opt(comp, "quantity")
    if qname is None:
        return _priced(ev, comp, amount, _note_param(ev, comp))
    q = ev.quantity(comp, qname)
    note = _qty_detail(ev, comp, qname, q, amount)
    return _priced(ev, comp, amount * q, note, _note_param(ev, comp))


@rule("fixed")
def _fixed(ev: Evaluation, comp: Component) -> Part:
    return _priced(
        ev, comp, ev.value(comp, ev.need(comp, "amount", "value")), _note_param(ev, comp)
    )


@rule("setup_days")
def _setup_days(ev: Evaluation, comp: Component) -> Part:
    table = ev.need(comp, "table")
    column = ev.opt(comp, "column") or "setup_days"
    try:
        days: Decimal | None = ev.cell(comp, table, column)
    except Unpriced:
        days = None
    return Part(Bucket.ONE_TIME, None, PriceState.PRICED, days, no_amount=True)


@rule("base_plus_rate")
def _base_plus_rate(ev: Evaluation, comp: Component) -> Part:
    base = ev.value(comp, ev.need(comp, "base"))
    table = ev.opt(comp, "table")
    if table is not None:
        rate = ev.cell(comp, table, ev.need(comp, "column"))
    else:
        rate = ev.value(comp, ev.need(comp, "rate", "unit"))
    qname = ev.need(comp, "quantity")
    q = ev.quantity(comp, qname)
    note = f"{_num(q)} {_unit(ev, qname)} × {eur(rate)}"
    if comp.label:
        note = f"{_short_label(comp)} : {eur(base)} + {note}"
    else:
        note = f"{eur(base)} + {note}"
    return _priced(ev, comp, base + q * rate, note, _note_param(ev, comp))


def _band_lookup(bt: BandTable, n: Decimal) -> Band | None:
    """Find the band of ``n``; where bands leave a gap, the lower band's upper bound is inclusive."""
    for b in bt.bands:
        if n >= b.low and (b.high is None or n <= b.high):
            return b
    below = [b for b in bt.bands if b.high is not None and b.high < n]
    above = [b for b in bt.bands if b.low > n]
    if below and above:
        return max(below, key=lambda b: b.high or 0)
    return None


def _band_label(b: Band, unit: str = "") -> str:
    if b.label:
        return b.label
    tail = f" {unit}" if unit else ""
    if b.high is None:
        return f"{group_int(b.low)}{tail} et plus"
    return f"{group_int(b.low)} à {group_int(b.high)}{tail}"


@rule("band_days")
def _band_days(ev: Evaluation, comp: Component) -> Part:
    cond = ev.opt(comp, "sur_devis_if")
    if cond is not None and ev.condition(comp, cond):
        note = ev.opt(comp, "sur_devis_note", "note") or _default_sur_devis(ev, comp, cond)
        return Part(comp.bucket, None, PriceState.SUR_DEVIS, None, (note,))
    # with sur_devis_if, `note` explains the sur devis case (unless sur_devis_note does)
    note = _note_param(ev, comp) if cond is None or ev.opt(comp, "sur_devis_note") else ""
    bt = ev.bands(comp, ev.need(comp, "bands", "band"))
    qname = ev.need(comp, "quantity")
    q = ev.quantity(comp, qname)
    band = _band_lookup(bt, q)
    key = ev.need(comp, "value", "column")
    if band is None or key not in band.values:
        raise Unpriced(PriceState.NOT_OFFERED, f"{_num(q)} : hors des tranches du barème {bt.code}")
    days = band.values[key]
    rate = ev.value(comp, ev.need(comp, "rate"))
    what = "par an" if comp.bucket is Bucket.ANNUAL else "unique"
    detail = (
        f"{_short_label(comp, 'Prestations')} ({what}) : {_num(days)} {agree(days, 'jours')} × {eur(rate)} "
        f"(tranche {_band_label(band, _unit(ev, qname))})"
    )
    return _priced(
        ev,
        comp,
        days * rate,
        detail,
        note,
        days=days if comp.bucket is Bucket.ONE_TIME else None,
    )


def _unit(ev: Evaluation, qname: str) -> str:
    p = ev.product.parameter(qname)
    if p is None:
        return qname
    return p.unit or p.label.lower()


def _short_label(comp: Component, default: str = "") -> str:
    """'Mise en œuvre (jours selon le nombre d'écoles)' -> 'Mise en œuvre'."""
    label = comp.label.split(" : ")[0].split(" (")[0].strip()
    return label or default


_OPS_FR = {
    ">": "supérieur à",
    ">=": "d'au moins",
    "<": "inférieur à",
    "<=": "d'au plus",
    "==": "égal à",
    "=": "égal à",
    "!=": "différent de",
}
_SIMPLE_CONDITION = re.compile(r"^\s*([A-Za-z_]\w*)\s*(>=|<=|==|!=|>|<|=)\s*(-?[\d.,]+)\s*$")


def describe_condition(product: Product, cond: str) -> str:
    """'plans>3' -> 'nombre de plans tarifaires supérieur à 3' (else the condition as written)."""
    m = _SIMPLE_CONDITION.match(cond)
    if m is None:
        return cond
    key, op, value = m.groups()
    p = product.parameter(key)
    what = p.label[:1].lower() + p.label[1:] if p and p.label else key
    return f"{what} {_OPS_FR[op]} {value}"


def _default_sur_devis(ev: Evaluation, comp: Component, cond: str) -> str:
    label = _short_label(comp, "Cette partie")
    return f"{label} : sur devis ({describe_condition(ev.product, cond)})"


def days_times(days: Decimal) -> str:
    """The start of a day-rate line's detail, « 1,5 jour × » (« 1,5 jour », as French says
    it): the documents read the days there rather than saying them again."""
    return f"{_num(days)} {agree(days, 'jours')} ×"


@rule("days_x_rate")
def _days_x_rate(ev: Evaluation, comp: Component) -> Part:
    table = ev.opt(comp, "table")
    if table is not None:
        days = ev.cell(comp, table, ev.opt(comp, "column") or "setup_days")
    else:
        days = ev.value(comp, ev.need(comp, "days", "quantity"))
    rate = ev.value(comp, ev.need(comp, "rate"))
    detail = f"{days_times(days)} {eur(rate)}"
    return _priced(
        ev,
        comp,
        days * rate,
        detail,
        _note_param(ev, comp),
        days=days if comp.bucket is Bucket.ONE_TIME else None,
    )


@rule("per_block")
def _per_block(ev: Evaluation, comp: Component) -> Part:
    q = ev.quantity(comp, ev.need(comp, "quantity"))
    block = ev.value(comp, ev.need(comp, "block", "size"))
    if block <= 0:
        raise ev.bad(comp, "la taille d'un palier doit être positive")
    included = ev.value(comp, ev.opt(comp, "included") or "0")
    rate = ev.value(comp, ev.need(comp, "rate", "unit"))
    over = max(ZERO, q - included)
    blocks = (over / block).to_integral_value(rounding=ROUND_CEILING)
    plural = "s" if blocks > 1 else ""
    unit = _unit(ev, ev.need(comp, "quantity"))
    detail = (
        f"{_num(blocks)} palier{plural} de {_num(block)} {unit} × {eur(rate)}" if blocks else ""
    )
    return _priced(ev, comp, blocks * rate, detail, _note_param(ev, comp))


@rule("unit_x_qty")
def _unit_x_qty(ev: Evaluation, comp: Component) -> Part:
    q = ev.quantity(comp, ev.need(comp, "quantity"))
    unit = ev.value(comp, ev.need(comp, "unit", "rate", "amount"))
    detail = _qty_detail(ev, comp, ev.need(comp, "quantity"), q, unit)
    return _priced(ev, comp, q * unit, detail, _note_param(ev, comp))


@rule("sur_devis")
def _sur_devis(ev: Evaluation, comp: Component) -> Part:
    label = ev.opt(comp, "label") or "Sur devis"
    note = _note_param(ev, comp) or (f"{comp.label} : {label.lower()}" if comp.label else label)
    return Part(comp.bucket, None, PriceState.SUR_DEVIS, None, (note,))


def _indicative(ev: Evaluation, comp: Component) -> str:
    ref = ev.opt(comp, "indicative")
    if ref is None:
        return ""
    unit = ev.value(comp, ref)
    qname = ev.opt(comp, "quantity")
    if qname is None:
        return f"Montant indicatif : {eur(unit)}"
    q = ev.quantity(comp, qname)
    return f"Montant indicatif : {_num(q)} × {eur(unit)} = {eur(q * unit)}"


@rule("sur_devis_if")
def _sur_devis_if(ev: Evaluation, comp: Component) -> Part | None:
    cond = ev.need(comp, "condition", "if")
    if not ev.condition(comp, cond):
        return None
    note = _note_param(ev, comp) or _default_sur_devis(ev, comp, cond)
    extra = _indicative(ev, comp)
    notes = (note, extra) if extra else (note,)
    return Part(comp.bucket, None, PriceState.SUR_DEVIS, None, notes)


@rule("note")
def _note(ev: Evaluation, comp: Component) -> Part | None:
    text = ev.need(comp, "text", "note")
    table = ev.opt(comp, "table")
    if table is not None and "{value}" in text:
        try:
            value = ev.cell(comp, table, ev.need(comp, "column"))
        except Unpriced:
            return None
        text = text.replace("{value}", _num(value))
    return Part(None, None, PriceState.PRICED, None, (text,), no_amount=True)


@rule("eligibility")
def _eligibility(ev: Evaluation, comp: Component) -> Part | None:
    cond = ev.need(comp, "condition", "if")
    if ev.condition(comp, cond):
        return None
    note = _note_param(ev, comp) or f"Sans prix : condition « {cond} » non remplie"
    return Part(None, None, PriceState.NOT_OFFERED, None, (note,))


# --------------------------------------------------------------------------- SN kinds


@rule("band")
def _band(ev: Evaluation, comp: Component) -> Part:
    """A flat amount looked up in a band table on a quantity (e.g. a population band)."""
    bt = ev.bands(comp, ev.need(comp, "bands", "band"))
    qname = ev.opt(comp, "on", "quantity") or "inhabitants"
    n = ev.quantity(comp, qname)
    band = _band_lookup(bt, n)
    key = ev.opt(comp, "value") or "@status"
    if key == "@status":
        key = ev.ctx.status
    if band is None or key not in band.values:
        raise Unpriced(PriceState.NOT_OFFERED, f"{_num(n)} : hors des tranches du barème {bt.code}")
    return _priced(ev, comp, band.values[key], _note_param(ev, comp))


@rule("tiers")
def _tiers(ev: Evaluation, comp: Component) -> Part:
    """Graduated tiers by unit rank: each unit is priced by the band its rank falls in."""
    bt = ev.bands(comp, ev.need(comp, "bands", "band"))
    q = ev.quantity(comp, ev.need(comp, "quantity"))
    if q != q.to_integral_value():
        raise ev.bad(comp, "un barème progressif compte des unités entières")
    key = ev.opt(comp, "value") or "unit"
    if key == "@status":
        key = ev.ctx.status
    total = ZERO
    parts: list[str] = []
    for b in sorted(bt.bands, key=lambda b: b.low):
        top = q if b.high is None else min(q, Decimal(b.high))
        count = top - Decimal(b.low) + 1
        if count <= 0:
            continue
        if key not in b.values:
            raise Unpriced(PriceState.NOT_OFFERED)
        total += count * b.values[key]
        parts.append(f"{_num(count)} × {eur(b.values[key])}")
    covered = (
        max((Decimal(b.high) if b.high is not None else q) for b in bt.bands) if bt.bands else ZERO
    )
    if q > covered:
        raise Unpriced(PriceState.NOT_OFFERED, f"{_num(q)} : au-delà du barème {bt.code}")
    return _priced(
        ev, comp, total, " + ".join(parts) if len(parts) > 1 else "", _note_param(ev, comp)
    )


@rule("formula")
def _formula(ev: Evaluation, comp: Component) -> Part:
    source = ev.need(comp, "expr", "formula")
    return _priced(ev, comp, ev.formula(comp, source), _note_param(ev, comp))


@rule("cost_plus")
def _cost_plus(ev: Evaluation, comp: Component) -> Part:
    """A supplier price entered on the line plus a percentage (which may depend on status)."""
    supplier = ev.quantity(comp, ev.need(comp, "supplier"))
    pct = ev.value(comp, ev.need(comp, "markup_pct", "markup"))
    qname = ev.opt(comp, "quantity")
    q = ev.quantity(comp, qname) if qname else Decimal(1)
    amount = supplier * (HUNDRED + pct) / HUNDRED * q
    detail = f"prix fournisseur {eur(supplier)} + {_num(pct)} %"
    if q != 1:
        detail += f", × {_num(q)}"
    return _priced(ev, comp, amount, detail, _note_param(ev, comp))


# --------------------------------------------------------------------------- one line


def _product(tariff: Tariff, code: str) -> Product:
    p = tariff.products.get(code)
    if p is None:
        try:
            return tariff.resolve_product(code)
        except NotFound:
            raise NotFound(
                f"Le tarif {tariff.code} n'a pas (ou plus) le produit « {_shown(code)} » : retirez "
                "cette ligne ou remplacez-la par un produit du catalogue."
            ) from None
    return p


_BUCKET_LABELS = {Bucket.ONE_TIME: "Mise en place", Bucket.ANNUAL: "Maintenance annuelle"}


def _evaluate(ev: Evaluation, comp: Component) -> list[Part]:
    fn = RULES.get(comp.kind)
    if fn is None:
        raise CatalogueError(
            f"{ev.product.name} : règle de prix inconnue « {comp.kind} » "
            f"(règles connues : {', '.join(sorted(RULES))}).",
            location=comp.source or None,
        )
    when = comp.params.get("when")
    if when and not ev.condition(comp, str(when)):
        return []
    try:
        result = fn(ev, comp)
    except Unpriced as u:
        note = u.note
        auto = not note
        if not note and u.state is PriceState.SUR_DEVIS:
            what = comp.label or (_BUCKET_LABELS[comp.bucket] if comp.bucket else "")
            note = f"{what} : sur devis" if what else "Sur devis"
        if not note and u.state is PriceState.NOT_OFFERED:
            note = (
                f"Sur devis : la grille {ev.tariff.year} ne donne pas de prix pour la catégorie "
                f"{ev.ctx.category}"
                if ev.ctx.category
                else "Sans prix : catégorie non déterminée"
            )
        return [Part(comp.bucket, None, u.state, None, (note,), auto=auto)]
    if result is None:
        return []
    if isinstance(result, Part):
        return [result]
    return list(result)


def price_line(tariff: Tariff, req: LineRequest, ctx: PricingContext) -> QuoteLine:
    """Price one line: evaluate every component of the product and fold the results."""
    return _price_line(tariff, req, ctx)[0]


def _price_line(
    tariff: Tariff, req: LineRequest, ctx: PricingContext
) -> tuple[QuoteLine, dict[Bucket, Decimal]]:
    """The line, and by bucket the amount of its parts that no discount reduces (iA.AES's
    support days: days of service, not maintenance)."""
    product = _product(tariff, req.product)
    params = validate_params(product, req.params)
    ev = Evaluation(tariff, product, params, ctx)
    parts: list[Part] = []
    for comp in product.components:
        parts.extend(_evaluate(ev, comp))
    kept: dict[Bucket, Decimal] = {}
    for part in parts:
        if not part.discountable and part.amount is not None and part.bucket is not None:
            kept[part.bucket] = kept.get(part.bucket, ZERO) + part.amount
    return _fold(tariff, product, params, parts, ctx, req.note), kept


_BOTH = (Bucket.ONE_TIME, Bucket.ANNUAL)
_ZERO_CENTS = round_cents(ZERO)


def _bucket_amount(
    b: Bucket, sums: Mapping[Bucket, Decimal], unpriced: Mapping[Bucket, PriceState]
) -> Decimal | None:
    """Sum of what is priced; None when only unpriced parts; 0.00 when the bucket is empty."""
    if b in sums:
        return round_cents(sums[b])
    if b in unpriced:
        return None
    return _ZERO_CENTS


def _fold(
    tariff: Tariff,
    product: Product,
    params: Mapping[str, Decimal],
    parts: Sequence[Part],
    ctx: PricingContext,
    req_note: str = "",
) -> QuoteLine:
    sums: dict[Bucket, Decimal] = {}
    unpriced: dict[Bucket, PriceState] = {}
    explicit_days: list[Decimal | None] = []  # setup_days components: they win
    other_days: list[Decimal] = []
    any_sur_devis_note = False  # a sur devis part with a note written by the catalogue
    for part in parts:
        state = part.state
        if part.no_amount:
            if part.bucket is Bucket.ONE_TIME:
                explicit_days.append(part.days)
            continue
        if state is PriceState.PRICED:
            if part.days is not None:
                other_days.append(part.days)
            if part.amount is not None:
                if part.bucket is None:
                    raise CatalogueError(f"{product.name} : montant sans période (unique/annuel).")
                sums[part.bucket] = sums.get(part.bucket, ZERO) + part.amount
            continue
        if state is PriceState.SUR_DEVIS and not part.auto:
            any_sur_devis_note = True
        for b in (part.bucket,) if part.bucket is not None else _BOTH:
            if unpriced.get(b) is not PriceState.NOT_OFFERED:
                unpriced[b] = state
    if PriceState.NOT_OFFERED in unpriced.values():
        status = LineStatus.NOT_OFFERED
    elif unpriced:
        status = LineStatus.SUR_DEVIS
    else:
        status = LineStatus.PRICED

    notes: dict[str, None] = {}
    if status is LineStatus.NOT_OFFERED:
        shown: Iterable[Part] = (p for p in parts if p.state is PriceState.NOT_OFFERED)
    else:
        notes.update(dict.fromkeys(product.notes))
        shown = parts
        if not sums and len(unpriced) == 2 and not any_sur_devis_note:
            shown = [p for p in parts if p.state is PriceState.PRICED]
            notes["Sur devis"] = None
    if req_note:
        notes[req_note] = None
    for part in shown:
        for n in part.notes:
            if n:
                notes.setdefault(n, None)

    one_time: Decimal | None
    annual: Decimal | None
    days: Decimal | None
    if status is LineStatus.NOT_OFFERED:
        one_time = annual = days = None
    else:
        one_time = _bucket_amount(Bucket.ONE_TIME, sums, unpriced)
        annual = _bucket_amount(Bucket.ANNUAL, sums, unpriced)
        if explicit_days:
            known = [d for d in explicit_days if d is not None]
            days = sum(known, ZERO) if len(known) == len(explicit_days) else None
        else:
            days = sum(other_days, ZERO) if other_days else None

    notices: list[Notice] = []
    if product.to_confirm:
        notices.append(Notice(f"{TO_CONFIRM_PREFIX}{product.code}", Severity.WARNING, product.to_confirm))
    return QuoteLine(
        product=product.code,
        name=product.name,
        family=product.family.value,
        params=dict(params),
        one_time=one_time,
        annual=annual,
        setup_days=days,
        status=status,
        notes=tuple(notes),
        notices=tuple(notices),
        discount=None,
        tax_mode=product.tax_mode,
        unpriced=tuple(b.value for b in Bucket if b in unpriced),
    )


# --------------------------------------------------------------------------- totals


def compute_totals(
    lines: Iterable[QuoteLine],
    years: int = DEFAULT_YEARS,
    indexation: Decimal = DEFAULT_INDEXATION,
    *,
    tax_mode: str = "",
) -> Totals:
    """Totals of the priced amounts; ``partial`` when any line is not (fully) priced.

    Year 1 = annual + one-time; year k = annual x (1 + indexation)^(k-1), each rounded to the
    cent. Lines whose ``tax_mode`` differs from ``tax_mode`` (e.g. TTC lines in an HT grid)
    are kept out of the sums so that HT and TTC amounts never mix; they still make the
    totals partial. A total with no priced contribution at all is 0 here: ``totals_coverage``
    (``Quote.coverage``) says which totals those are, so that nobody shows them as 0 €.
    """
    check_years(years)
    check_indexation(indexation)
    one_time = ZERO
    annual = ZERO
    partial = False
    for line in lines:
        if line.status is not LineStatus.PRICED:
            partial = True
        if not counts_in_totals(line, tax_mode):
            partial = True
            continue
        if line.one_time is not None:
            one_time += line.one_time
        if line.annual is not None:
            annual += line.annual
    one_time = round_cents(one_time)
    annual = round_cents(annual)
    factor = Decimal(1) + indexation
    series = []
    for k in range(1, years + 1):
        amount = round_cents(annual * factor ** (k - 1))
        if k == 1:
            amount += one_time
        series.append(amount)
    return Totals(
        one_time=one_time,
        annual=annual,
        year1=annual + one_time,
        years=tuple(series),
        partial=partial,
        indexation=indexation,
    )


def check_years(years: int) -> int:
    if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= MAX_YEARS:
        raise InvalidInput(
            f"Le nombre d'années doit être un entier de 1 à {MAX_YEARS} (valeur reçue : {years}).",
            field="years",
        )
    return years


def check_indexation(indexation: Decimal) -> Decimal:
    if (
        not isinstance(indexation, Decimal)
        or not indexation.is_finite()
        or not (INDEXATION_RANGE[0] <= indexation <= INDEXATION_RANGE[1])
    ):
        raise InvalidInput(
            "L'indexation doit être un pourcentage entre -50 % et 100 % "
            f"(valeur reçue : {indexation}).",
            field="indexation",
        )
    return indexation


# --------------------------------------------------------------------------- the quote


def _discount_applies(d: Discount, product: Product, ctx: PricingContext) -> bool:
    if d.member_kinds and ctx.member_kind.value not in d.member_kinds:
        return False
    if d.flag and not getattr(product, d.flag, False):
        return False
    if d.condition == "commune_has_in_production":
        return product.code in ctx.commune_has
    if d.condition in ("", "always"):
        return True
    log.warning("condition de remise inconnue %r (%s)", d.condition, d.code)
    return False


def apply_discounts(
    tariff: Tariff,
    line: QuoteLine,
    ctx: PricingContext,
    kept: Mapping[Bucket, Decimal] | None = None,
) -> tuple[QuoteLine, list[str]]:
    """Apply the tariff's conditional discounts to a priced line; return the codes applied.

    ``kept``: by bucket, the part of the line's amount that no discount reduces."""
    product = tariff.products.get(line.product)
    if product is None:
        return line, []
    applied: list[str] = []
    for d in tariff.discounts:
        if not _discount_applies(d, product, ctx):
            continue
        field_name = "annual" if d.bucket is Bucket.ANNUAL else "one_time"
        base = getattr(line, field_name)
        if base is None:
            continue
        whole = (kept or {}).get(d.bucket, ZERO)
        off = round_cents((base - whole) * d.pct / HUNDRED)
        if off <= 0:
            continue
        what = "maintenance annuelle" if d.bucket is Bucket.ANNUAL else "mise en place"
        label = d.label or f"Remise de {_num(d.pct)} % sur la {what}"
        # an amount off a line: with its cents, as the line's column shows it
        message = f"{label} : −{euros(off)} sur la {what} {of_place(product.name)}"
        if whole > 0:  # what the amount is a share of, where it is not the whole column
            message += (
                f", soit {_num(d.pct)} % de {euros(base - whole)} ({euros(whole)} de cette ligne "
                "ne sont pas remisés)"
            )
        if d.condition == "commune_has_in_production":
            message += f", car la commune utilise déjà {product.name} en production"
        line = _replace_line(
            line,
            **{field_name: base - off},
            discount=(line.discount or ZERO) + off,
            notices=(*line.notices, Notice(f"discount:{d.code}", Severity.INFO, message + ".")),
        )
        applied.append(d.code)
    return line, applied


def _replace_line(line: QuoteLine, **changes: object) -> QuoteLine:
    return replace(line, **changes)  # type: ignore[arg-type]


def _constraint_code(c: Constraint) -> str:
    return c.code if ":" in c.code else f"{c.kind}:{c.code}"


DUPLICATE_PREFIX = "duplicate:"
INSTALLED_PREFIX = "installe:"  # a product of the offer the member already has
INSTALLED_SUFFIX = ":installe"  # a product of the offer excluding one the member has


def rule_codes(tariff: Tariff) -> list[str]:
    """The codes a dérogation can name: every rule of ``tariff`` that can block an offer (an
    option without its product, a product that requires or excludes another, a subscription
    twice in one offer)."""
    codes = [f"requires:{p.code}" for p in tariff.products.values() if p.parent]
    codes += [_constraint_code(c) for c in tariff.constraints if c.other != "*"]  # "*": a warning
    codes += [f"{DUPLICATE_PREFIX}{p.code}" for p in tariff.products.values()]
    return list(dict.fromkeys(codes))


def rule_products(tariff: Tariff, code: str) -> tuple[str, ...]:
    """The products whose lines a notice about the offer as a whole concerns, from its rule's
    ``code``: the option without its product, the product that requires another, both products
    that exclude each other (also when the member has one of them), the product twice or one
    the member already has. None for a rule about no product (the category) or unknown to ``tariff``."""
    for prefix in (DUPLICATE_PREFIX, INSTALLED_PREFIX):
        if code.startswith(prefix):
            product = code[len(prefix):]
            return (product,) if product in tariff.products else ()
    for c in tariff.constraints:
        rule = _constraint_code(c)
        if code == rule and c.kind == "requires":
            return (c.product,)
        if code in (rule, f"{rule}{INSTALLED_SUFFIX}") and c.kind == "excludes":
            return (c.product, c.other)
    if code.startswith("requires:") and code[9:] in tariff.products:
        return (code[9:],)
    return ()


def waived_rules(tariff: Tariff, quote: Quote) -> tuple[str, ...]:
    """The dérogations in force on ``quote``, worded for the member (the notices speak to the
    seller): which rule of the offer is set aside, and why. A dérogation whose rule no longer
    applies (the offer changed since it was given) is left out: it waives nothing."""
    in_force = {
        n.code for n in (*quote.notices, *(x for line in quote.lines for x in line.notices)) if n.waived
    }
    rules = {_constraint_code(c): c for c in tariff.constraints}

    def name(code: str) -> str:
        p = tariff.products.get(code)
        return p.name if p else code

    out = []
    for code, reason in quote.overrides.items():
        if code not in in_force:
            continue
        rule = rules.get(code)
        if rule is not None and rule.kind == "excludes":
            what = f"{name(rule.product)} et {name(rule.other)} figurent tous deux dans l'offre"
        elif rule is not None and rule.kind == "requires":
            what = f"{name(rule.product)} est proposé sans {name(rule.other)}"
        elif code.startswith(DUPLICATE_PREFIX) and code[len(DUPLICATE_PREFIX):] in tariff.products:
            what = f"{name(code[len(DUPLICATE_PREFIX):])} figure plusieurs fois dans l'offre"
        elif code.startswith("requires:") and code[9:] in tariff.products:
            option = tariff.products[code[9:]]
            what = f"{option.name} est proposé sans {name(option.parent or '')}"
        else:  # a rule this version does not know how to word: its code, never silence
            what = f"Règle « {code} » levée"
        out.append(f"{what}. Motif : {reason.strip().rstrip('.')}.")
    return tuple(out)


def _check_constraints(
    tariff: Tariff,
    codes: Sequence[str],
    member: Member | None,
    overrides: Mapping[str, str],
) -> list[Notice]:
    present = set(codes)
    installed = {p.product for p in member.installed} if member else set()
    notices: list[Notice] = []
    seen: set[str] = set()

    def blocking(code: str, message: str) -> None:
        if code in seen:
            return
        seen.add(code)
        reason = overrides.get(code)
        if reason:
            notices.append(Notice(code, Severity.INFO, f"{message} Dérogation : {reason}", reason))
        else:
            notices.append(Notice(code, Severity.BLOCKING, message))

    def name(code: str) -> str:
        p = tariff.products.get(code)
        return p.name if p else code

    for item in member.installed if member else ():
        p = tariff.products.get(item.product)
        if item.product in present and p is not None and p.kind == "product":
            notices.append(
                Notice(
                    f"{INSTALLED_PREFIX}{item.product}",
                    Severity.WARNING,
                    f"Le membre a déjà {p.name} ({item.state.label.lower()}) : "
                    "vérifiez que l'offre ne fait pas double emploi.",
                )
            )
    explicit_requires = {(c.product, c.other) for c in tariff.constraints if c.kind == "requires"}
    for code in dict.fromkeys(codes):
        p = tariff.products.get(code)
        if p is None or not p.parent or (code, p.parent) in explicit_requires:
            continue
        if p.parent in present:
            continue
        if p.parent in installed:
            notices.append(
                Notice(
                    f"requires:{code}",
                    Severity.INFO,
                    f"{p.name} : le produit parent {name(p.parent)} est déjà installé chez le membre.",
                )
            )
            continue
        blocking(
            f"requires:{code}",
            f"{p.name} est une option de {name(p.parent)} : ajoutez {name(p.parent)} à l'offre.",
        )
    for c in tariff.constraints:
        code = _constraint_code(c)
        if c.kind == "requires" and c.other == "*" and c.product in present:
            # "any product": satisfied by another product of the quote or of the installed base
            others = {
                x
                for x in present | installed
                if x != c.product
                and (tariff.products[x].kind == "product" if x in tariff.products else True)
            }
            if not others:
                notices.append(
                    Notice(
                        code,
                        Severity.WARNING,
                        c.message
                        or f"{name(c.product)} complète un produit : ajoutez le produit concerné.",
                    )
                )
        elif c.kind == "requires" and c.product in present and c.other not in present:
            if c.other in installed:
                notices.append(
                    Notice(
                        code,
                        Severity.INFO,
                        f"{name(c.product)} : {name(c.other)} est déjà installé chez le membre.",
                    )
                )
            else:
                blocking(
                    code, c.message or f"{name(c.product)} nécessite {name(c.other)} dans l'offre."
                )
        elif c.kind == "excludes":
            if c.product in present and c.other in present:
                blocking(
                    code,
                    c.message
                    or f"{name(c.product)} et {name(c.other)} ne peuvent pas figurer ensemble dans l'offre.",
                )
            for a, b in ((c.product, c.other), (c.other, c.product)):
                if a in present and b in installed:
                    notices.append(
                        Notice(
                            f"{code}{INSTALLED_SUFFIX}",
                            Severity.WARNING,
                            f"Le membre a déjà {name(b)} ; {name(a)} "
                            f"{'le contient' if a == c.product else 'est contenu dans ' + name(b)} : "
                            "vérifiez que l'offre ne fait pas double emploi.",
                        )
                    )
        elif c.kind not in ("requires", "excludes"):
            log.warning("contrainte de type inconnu %r (%s)", c.kind, c.code)
    return notices


def _terms(
    tariff: Tariff, codes: Sequence[str], discounts: set[str], partial: bool, ctx: PricingContext
) -> tuple[str, ...]:
    present = set(codes)
    out: list[str] = []
    for t in tariff.terms:
        when = (t.when or "always").strip()
        ok = False
        for cond in (w.strip() for w in when.split("|")):
            if cond in ("always", "") or cond in discounts:
                ok = True
            elif cond == "partial":
                ok = partial
            elif cond.startswith("kind:"):
                ok = ctx.member_kind.value == cond[5:]
            elif cond.startswith("product:"):
                ok = cond[8:] in present
            elif cond in present:
                ok = True
            if ok:
                break
        if ok:
            out.append(t.code)
    return tuple(out)


def commune_products(
    member: Member | None, lookup: Callable[[str], Member | None]
) -> frozenset[str]:
    """Products the commune of a CPAS has in production (what the CPAS discount looks at).

    Empty for any other member, or when the commune is unknown. Callers add what the user
    declares by hand (``QuoteRequest.commune_has``) to this set.
    """
    if member is None or member.kind is not MemberKind.CPAS or not member.commune_id:
        return frozenset()
    commune = lookup(member.commune_id)
    if commune is None:
        return frozenset()
    return commune.in_production()


def context_for(
    member: Member | None,
    decision: CategoryDecision,
    *,
    kind: MemberKind | None = None,
    membership: MembershipStatus | None = None,
    size: int | None = None,
    commune_has: Iterable[str] = (),
) -> PricingContext:
    """The pricing context of a member (or of a hypothetical member of ``kind``)."""
    if member is None and kind is None:
        raise InvalidInput("Choisissez un membre ou un type de membre.", field="member")
    member_kind = member.kind if member is not None else kind
    assert member_kind is not None
    if membership is None:
        membership = member.membership.status if member is not None else MembershipStatus.ASSOCIE
    if size is None and member is not None and member.size is not None:
        size = member.size.value
    return PricingContext(
        member_kind=member_kind,
        category=decision.category,
        membership=membership,
        size=size,
        commune_has=frozenset(commune_has),
    )


def build_quote(
    tariff: Tariff,
    req: QuoteRequest,
    member: Member | None,
    decision: CategoryDecision,
    membership: MembershipStatus | None = None,
    *,
    kind: MemberKind | None = None,
    size: int | None = None,
) -> Quote:
    """Price every line of ``req`` for ``member`` (or a hypothetical member of ``kind``).

    ``membership`` defaults to the member's own status (associé for a hypothetical member).
    """
    check_years(req.years)
    check_indexation(req.indexation)
    for code, reason in req.overrides.items():
        if not str(reason).strip():
            raise InvalidInput(
                f"La dérogation « {code} » doit être justifiée : indiquez un motif.",
                field="overrides",
            )
    ctx = context_for(
        member, decision, kind=kind, membership=membership, size=size, commune_has=req.commune_has
    )
    lines: list[QuoteLine] = []
    applied: set[str] = set()
    for lr in req.lines:
        line, kept = _price_line(tariff, lr, ctx)
        line, codes = apply_discounts(tariff, line, ctx, kept)
        applied.update(codes)
        lines.append(line)
    codes_in_quote = [line.product for line in lines]
    notices: list[Notice] = []
    if decision.category is None and tariff.categories.categories:
        notices.append(
            Notice(
                "category:undecided",
                Severity.BLOCKING,
                "Catégorie non déterminée : choisissez une catégorie et indiquez le motif.",
            )
        )
    dupes = sorted({c for c in codes_in_quote if codes_in_quote.count(c) > 1})
    for code in dupes:
        product, dup = tariff.products[code], f"{DUPLICATE_PREFIX}{code}"
        if req.overrides.get(dup):  # two missions of days, two instances: said, with why
            message = f"{product.name} figure plusieurs fois dans l'offre. Dérogation : {req.overrides[dup]}"
            notices.append(Notice(dup, Severity.INFO, message, req.overrides[dup]))
        else:  # a subscription charged twice: blocks, as a rule of the offer, until lifted
            notices.append(
                Notice(
                    dup,
                    Severity.BLOCKING,
                    f"{product.name} figure plusieurs fois dans l'offre et serait facturé autant de "
                    "fois : retirez la ligne en double ou regroupez-les, ou passez outre avec un "
                    "motif.",
                )
            )
    notices.extend(_check_constraints(tariff, codes_in_quote, member, req.overrides))
    totals = compute_totals(lines, req.years, req.indexation)
    terms = _terms(tariff, codes_in_quote, applied, totals.partial, ctx)
    return Quote(
        tariff=tariff.code,
        member=member,
        decision=decision,
        lines=tuple(lines),
        totals=totals,
        notices=tuple(notices),
        overrides=dict(req.overrides),
        terms=terms,
    )
