"""One tariff folder of ``db/tariffs/`` -> a validated core ``Tariff``.

The file formats are described in ``db/README.md``. ``parse_tariff_dir`` reads every file,
checks every rule listed there (references, duplicates, shapes, amounts, the setup = days x
day rate invariant, a row or an explicit "non proposé" for every category...) and raises a
``SeedError`` naming the ``file:line`` of each violation. The rules on values (amounts,
percentages, parameter bounds) are those of ``desktop.core.catalogue``, which an imported
catalogue obeys too. Nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

from desktop.core.catalogue import (
    Band,
    BandTable,
    Bucket,
    Cell,
    Component,
    Constraint,
    Discount,
    Family,
    Parameter,
    PriceRow,
    PriceState,
    PriceTable,
    Product,
    Rate,
    Tariff,
    Term,
    amount_problem,
    fold,
    member_kinds_problem,
    parameter_problems,
    percent_problem,
    value_problems,
)
from desktop.core.categories import (
    CategoryRules,
    KindRule,
    Method,
    Scale,
    Threshold,
    threshold_breaks,
)
from desktop.core.members import MemberKind
from desktop.store.seed_files import (
    Row,
    Violations,
    display_path,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_params,
    read_rows,
    split_list,
)

SUR_DEVIS = "sur devis"
APPROVAL_TERMS = ("approbation", "approval")  # the term printed as the grid's approval
NON_PROPOSE = "non proposé"
CELL_WORDS = {fold(SUR_DEVIS): PriceState.SUR_DEVIS, fold(NON_PROPOSE): PriceState.NOT_OFFERED}

PRODUCT_KINDS = ("product", "option", "service")
KEY_KINDS = ("category", "status")
STATUS_KEYS = ("membre", "non_membre")  # rows of a table priced by membership status
SETUP_RULES = ("days_x_day_rate",)
DISCOUNT_CONDITIONS = ("commune_has_in_production",)
DISCOUNT_FLAGS = ("libre",)
TERM_WHEN_WORDS = ("always", "partial", "manual")
CONTEXT_NAMES = {"inhabitants", "agents", "size", "kind", "status", "category"}
_CORE_KEYS = ("code", "issuer", "title", "year", "valid_from", "locale", "currency", "tax_label")
_REQUIRED_KEYS = _CORE_KEYS  # "categories" may be empty: a grid priced by status only


@dataclass(frozen=True, slots=True)
class KindSpec:
    """What a component kind needs: allowed buckets and its parameters, by role."""

    buckets: frozenset[str | None]
    required: frozenset[str]
    optional: frozenset[str] = frozenset()
    uses_table: bool = False


# every amount kind also takes these (see desktop.core.pricing)
_AMOUNT_EXTRAS = frozenset(
    {"when", "multiplier", "minimum", "maximum", "cap", "discount_pct", "discountable", "note"}
)
_MONEY = frozenset({"one_time", "annual"})

# The component kinds of db/README.md (the contract with desktop.core.pricing).
KINDS: dict[str, KindSpec] = {
    "matrix": KindSpec(
        _MONEY, frozenset({"table", "column"}), frozenset({"quantity"}) | _AMOUNT_EXTRAS, True
    ),
    "setup_days": KindSpec(frozenset({None}), frozenset({"table", "column"}), frozenset(), True),
    "base_plus_rate": KindSpec(
        _MONEY, frozenset({"base", "table", "column", "quantity"}), _AMOUNT_EXTRAS, True
    ),
    "band_days": KindSpec(
        _MONEY,
        frozenset({"bands", "column", "quantity", "rate"}),
        frozenset({"sur_devis_if", "note"}) | _AMOUNT_EXTRAS,
    ),
    "days_x_rate": KindSpec(_MONEY, frozenset({"rate", "days"}), _AMOUNT_EXTRAS),
    "per_block": KindSpec(
        _MONEY, frozenset({"quantity", "block", "rate"}), frozenset({"included"}) | _AMOUNT_EXTRAS
    ),
    "unit_x_qty": KindSpec(_MONEY, frozenset({"rate", "quantity"}), _AMOUNT_EXTRAS),
    "sur_devis": KindSpec(
        frozenset({None, "one_time", "annual"}), frozenset({"note"}), frozenset({"label"})
    ),
    "sur_devis_if": KindSpec(
        frozenset({None, "one_time", "annual"}),
        frozenset({"condition", "note"}),
        frozenset({"indicative", "quantity"}),
    ),
    "note": KindSpec(
        frozenset({None}), frozenset({"text"}), frozenset({"table", "column", "when"})
    ),
    # kinds of grids like Somme Numérique 2025 (member/non-member, population bands...)
    "fixed": KindSpec(_MONEY, frozenset({"amount"}), _AMOUNT_EXTRAS),
    "band": KindSpec(_MONEY, frozenset({"bands"}), frozenset({"on", "value"}) | _AMOUNT_EXTRAS),
    "tiers": KindSpec(
        _MONEY, frozenset({"bands", "quantity"}), frozenset({"value"}) | _AMOUNT_EXTRAS
    ),
    "formula": KindSpec(_MONEY, frozenset({"expr"}), _AMOUNT_EXTRAS),
    "cost_plus": KindSpec(
        _MONEY, frozenset({"supplier", "markup_pct"}), frozenset({"quantity"}) | _AMOUNT_EXTRAS
    ),
    "eligibility": KindSpec(frozenset({None}), frozenset({"condition"}), frozenset({"note"})),
}
# params naming something: how to check them
_VALUE_PARAMS = (
    "base",
    "rate",
    "indicative",
    "block",
    "included",
    "multiplier",
    "minimum",
    "maximum",
    "cap",
    "discount_pct",
    "amount",
    "markup_pct",
)
_QUANTITY_PARAMS = ("quantity", "days", "on", "supplier")
_CONDITION_PARAMS = ("sur_devis_if", "condition", "when")
# which band column a kind reads, and its default
_BAND_COLUMN = {
    "band_days": ("column", None),
    "band": ("value", "@status"),
    "tiers": ("value", "unit"),
}


@dataclass
class ParsedTariff:
    """A validated tariff plus what the core model has no field for (kept in the database)."""

    tariff: Tariff
    meta_sources: dict[str, str] = field(default_factory=dict)
    note_sources: dict[tuple[str, int], str] = field(default_factory=dict)
    folder: Path | None = None


def parse_tariff_dir(folder: Path, root: Path) -> ParsedTariff:
    """Read and validate ``folder`` (a ``db/tariffs/<code>`` folder); ``root`` is ``db/``."""
    return _Parser(folder, root).parse()


class _Parser:
    def __init__(self, folder: Path, root: Path) -> None:
        self.folder = folder
        self.root = root
        self.v = Violations()

    def rows(self, name: str, required: list[str], optional: tuple[str, ...] = ()) -> list[Row]:
        return read_rows(self.folder / name, self.root, required, optional, self.v)

    # ------------------------------------------------------------------ orchestration
    def parse(self) -> ParsedTariff:
        meta, meta_rows, meta_sources = self._tariff_file()
        categories = self._categories(meta, meta_rows)
        rules = self._category_rules(meta, categories, meta_rows)
        rates = self._rates()
        tables = self._tables(categories)
        bands = self._bands()
        self._setup_invariant(meta, meta_rows, tables, rates)
        products = self._products(tables)
        parameters = self._parameters(products)
        notes, note_sources = self._notes(products)
        components = self._components(products, tables, rates, bands, parameters)
        terms = self._terms_rows()
        discounts = self._discounts(terms)
        constraints = self._constraints(products)
        self._check_terms(terms, discounts, products)
        self._check_approval(meta, terms)
        self._check_tables_used(tables)
        self.v.raise_if_any()

        built: dict[str, Product] = {}
        for position, (code, row) in enumerate(products.items()):
            built[code] = Product(
                code=code,
                name=row["name"],
                family=Family(row["family"]),
                kind=row["kind"] or "product",
                parent=row["parent"] or None,
                libre=bool(parse_bool(row["libre"])),
                aliases=split_list(row["aliases"]),
                former_names=split_list(row["former_names"]),
                description=row["description"],
                confidence=row["confidence"],
                to_confirm=row["to_confirm"],
                parameters=tuple(parameters.get(code, ())),
                components=tuple(components.get(code, ())),
                notes=tuple(notes.get(code, ())),
                tax_mode=row["tax_mode"],
                order=position,
                source=row["source"],
            )
        tariff = Tariff(
            code=meta["code"],
            issuer=meta["issuer"],
            title=meta["title"],
            year=int(meta["year"]),
            valid_from=parse_date(meta["valid_from"]),  # type: ignore[arg-type]
            locale=meta["locale"],
            currency=meta["currency"],
            tax_label=meta["tax_label"],
            categories=rules,
            products=built,
            tables=tables,
            bands=bands,
            rates=rates,
            constraints=tuple(constraints),
            discounts=tuple(discounts),
            terms=tuple(terms.values()),
            meta={k: v for k, v in meta.items() if k not in (*_CORE_KEYS, "categories")},
        )
        # the rows were checked one by one above; this holds the files to the very rule an
        # imported catalogue is held to, should the two ever drift apart
        shown = display_path(self.folder, self.root)
        for problem in value_problems(tariff):  # the scales were checked row by row above
            self.v.add(shown, str(problem))
        self.v.raise_if_any()
        return ParsedTariff(tariff, meta_sources, note_sources, self.folder)

    # ------------------------------------------------------------------ tariff.csv
    def _tariff_file(self) -> tuple[dict[str, str], dict[str, Row], dict[str, str]]:
        meta: dict[str, str] = {}
        rows: dict[str, Row] = {}
        for row in self.rows("tariff.csv", ["key", "value", "source"]):
            key = row["key"]
            if key in meta:
                self.v.add(row.loc, f"clé « {key} » en double (déjà ligne {rows[key].line})")
                continue
            meta[key] = row["value"]
            rows[key] = row
        shown = display_path(self.folder / "tariff.csv", self.root)
        for key in _REQUIRED_KEYS:
            if not meta.get(key):
                self.v.add(shown, f"clé « {key} » manquante ou vide")
        if meta.get("year") and parse_int(meta["year"]) is None:
            self.v.add(rows["year"].loc, f"année invalide : « {meta['year']} »")
        if meta.get("valid_from") and parse_date(meta["valid_from"]) is None:
            self.v.add(
                rows["valid_from"].loc,
                f"date invalide (attendu AAAA-MM-JJ) : « {meta['valid_from']} »",
            )
        if meta.get("code") and meta["code"] != self.folder.name:
            self.v.add(
                rows["code"].loc,
                f"le code « {meta['code']} » doit être le nom du dossier « {self.folder.name} »",
            )
        rule = meta.get("setup_rule")
        if rule and rule not in SETUP_RULES:
            self.v.add(
                rows["setup_rule"].loc,
                f"règle inconnue « {rule} » (connue : {', '.join(SETUP_RULES)})",
            )
        if rule and not meta.get("day_rate"):
            self.v.add(
                rows["setup_rule"].loc, "la règle de mise en place demande la clé « day_rate »"
            )
        for key in ("approval_ca", "approval_ag"):
            if meta.get(key) and parse_date(meta[key]) is None:
                self.v.add(rows[key].loc, f"date invalide (attendu AAAA-MM-JJ) : « {meta[key]} »")
        return meta, rows, {k: r["source"] for k, r in rows.items()}

    # ------------------------------------------------------------------ categories
    def _categories(self, meta: dict[str, str], meta_rows: dict[str, Row]) -> tuple[str, ...]:
        names = split_list(meta.get("categories", ""))
        seen: set[str] = set()
        for n in names:
            if n in seen:
                self.v.add(meta_rows["categories"].loc, f"catégorie « {n} » en double")
            seen.add(n)
        return names

    def _category_rules(
        self, meta: dict[str, str], categories: tuple[str, ...], meta_rows: dict[str, Row]
    ) -> CategoryRules:
        scales_rows: dict[str, Row] = {}
        for row in self.rows("scales.csv", ["code", "label", "unit", "source"]):
            if row["code"] in scales_rows:
                self.v.add(row.loc, f"échelle « {row['code']} » en double")
                continue
            if not row["code"] or not row["label"] or not row["unit"]:
                self.v.add(row.loc, "code, libellé et unité sont obligatoires")
            scales_rows[row["code"]] = row
        thresholds: dict[str, list[tuple[Row, Threshold]]] = {code: [] for code in scales_rows}
        for row in self.rows("categories.csv", ["scale", "category", "low", "high", "source"]):
            scale, cat = row["scale"], row["category"]
            if scale not in scales_rows:
                self.v.add(row.loc, f"échelle inconnue « {scale} » (voir scales.csv)")
                continue
            if cat not in categories:
                self.v.add(
                    row.loc, f"catégorie inconnue « {cat} » (voir la clé categories de tariff.csv)"
                )
                continue
            low = parse_int(row["low"])
            high = parse_int(row["high"]) if row["high"] else None
            if low is None or low < 0:
                self.v.add(
                    row.loc, f"borne basse invalide « {row['low']} » (nombre entier positif)"
                )
                continue
            if row["high"] and (high is None or high < low):
                self.v.add(
                    row.loc, f"borne haute invalide « {row['high']} » (entier >= {low}, ou vide)"
                )
                continue
            if any(t.category == cat for _, t in thresholds[scale]):
                self.v.add(row.loc, f"catégorie « {cat} » en double dans l'échelle « {scale} »")
                continue
            thresholds[scale].append((row, Threshold(cat, low, high, row["source"])))
        for items in thresholds.values():
            items.sort(key=lambda rt: rt[1].low)
            row_of = {id(t): row for row, t in items}
            for threshold, why in threshold_breaks([t for _, t in items]):
                self.v.add(row_of[id(threshold)].loc, why)
        scales = {
            code: Scale(code, r["label"], r["unit"], tuple(t for _, t in thresholds[code]))
            for code, r in scales_rows.items()
        }
        rules: dict[MemberKind, KindRule] = {}
        for row in self.rows(
            "category_rules.csv", ["member_kind", "method", "scale", "fixed_category", "source"]
        ):
            try:
                kind = MemberKind(row["member_kind"])
            except ValueError:
                self.v.add(
                    row.loc,
                    f"type de membre inconnu « {row['member_kind']} » ({', '.join(k.value for k in MemberKind)})",
                )
                continue
            try:
                method = Method(row["method"])
            except ValueError:
                self.v.add(
                    row.loc,
                    f"méthode inconnue « {row['method']} » ({', '.join(m.value for m in Method)})",
                )
                continue
            if kind in rules:
                self.v.add(row.loc, f"règle en double pour « {kind.value} »")
                continue
            scale_code = row["scale"] or None
            fixed = row["fixed_category"] or None
            needs_scale = method in (
                Method.INHABITANTS,
                Method.COMMUNE_POPULATION,
                Method.LARGEST_COMMUNE,
                Method.AGENTS,
            )
            if needs_scale and scale_code not in scales:
                self.v.add(
                    row.loc,
                    f"la méthode « {method.value} » demande une échelle connue (reçu « {scale_code or ''} »)",
                )
            if not needs_scale and scale_code:
                self.v.add(row.loc, f"la méthode « {method.value} » n'utilise pas d'échelle")
            if method is Method.FIXED and fixed not in categories:
                self.v.add(row.loc, f"catégorie fixe inconnue « {fixed or ''} »")
            if method is not Method.FIXED and fixed:
                self.v.add(row.loc, "seule la méthode « fixed » a une catégorie fixe")
            rules[kind] = KindRule(kind, method, scale_code, fixed, row["source"])
        return CategoryRules(
            tariff=meta.get("code", ""),
            categories=categories,
            scales=scales,
            rules=rules,
            source=meta_rows["categories"]["source"] if "categories" in meta_rows else "",
        )

    # ------------------------------------------------------------------ rates
    def _rates(self) -> dict[str, Rate]:
        rates: dict[str, Rate] = {}
        lines: dict[str, int] = {}
        for row in self.rows("rates.csv", ["rate", "name", "amount", "unit", "source"]):
            code = row["rate"]
            if not _is_code(code):
                self.v.add(row.loc, f"code de taux invalide « {code} » (minuscules, chiffres, _)")
                continue
            if code in rates:
                self.v.add(row.loc, f"taux « {code} » en double (déjà ligne {lines[code]})")
                continue
            amount = self._amount(row, "amount")
            if amount is None:
                continue
            rates[code] = Rate(code, row["name"], amount, row["unit"], row["source"])
            lines[code] = row.line
        return rates

    def _amount(self, row: Row, column: str) -> Decimal | None:
        value = parse_decimal(row[column])
        if value is None:
            self.v.add(row.loc, f"{column} : « {row[column]} » n'est pas un nombre")
            return None
        why = amount_problem(value)
        if why:
            self.v.add(row.loc, f"{column} : {why}")
            return None
        return value

    # ------------------------------------------------------------------ price tables
    def _tables(self, categories: tuple[str, ...]) -> dict[str, PriceTable]:
        defs: dict[str, tuple[Row, tuple[str, ...]]] = {}
        for row in self.rows("tables.csv", ["table", "title", "columns", "key_kind", "source"]):
            code = row["table"]
            if code in defs:
                self.v.add(
                    row.loc, f"tableau « {code} » en double (déjà ligne {defs[code][0].line})"
                )
                continue
            columns = split_list(row["columns"])
            if not columns:
                self.v.add(row.loc, "aucune colonne")
            for c in columns:
                if not _is_code(c):
                    self.v.add(row.loc, f"nom de colonne invalide « {c} »")
            if row["key_kind"] not in KEY_KINDS:
                self.v.add(
                    row.loc, f"key_kind inconnu « {row['key_kind']} » ({', '.join(KEY_KINDS)})"
                )
            defs[code] = (row, columns)
        self.table_rows = {code: r for code, (r, _) in defs.items()}
        rows_by_table: dict[str, dict[str, PriceRow]] = {code: {} for code in defs}
        self.price_rows: dict[tuple[str, str], Row] = {}
        data = read_rows(
            self.folder / "price_tables.csv",
            self.root,
            ["table", "key", "source"],
            (),
            self.v,
            allow_extra=True,
        )
        for row in data:
            code, key = row["table"], row["key"]
            if code not in defs:
                self.v.add(row.loc, f"tableau inconnu « {code} » (voir tables.csv)")
                continue
            table_row, columns = defs[code]
            if table_row["key_kind"] == "category" and key not in categories:
                self.v.add(
                    row.loc, f"catégorie inconnue « {key} » (catégories : {', '.join(categories)})"
                )
                continue
            if table_row["key_kind"] == "status" and key not in STATUS_KEYS:
                self.v.add(row.loc, f"statut inconnu « {key} » ({', '.join(STATUS_KEYS)})")
                continue
            if key in rows_by_table[code]:
                self.v.add(
                    row.loc,
                    f"ligne « {key} » en double dans {code} (déjà ligne {self.price_rows[(code, key)].line})",
                )
                continue
            cells: dict[str, Cell] = {}
            for column in row.values:
                if column in ("table", "key", "source"):
                    continue
                text = row[column]
                if column not in columns:
                    if text:
                        self.v.add(
                            row.loc,
                            f"{code} n'a pas de colonne « {column} » (colonnes : "
                            f"{', '.join(columns)}) : laissez la case vide",
                        )
                    continue
                cell = self._cell(row, column, text)
                if cell is not None:
                    cells[column] = cell
            for column in columns:
                if column not in row.values:
                    self.v.add(row.loc, f"colonne « {column} » absente du fichier")
            rows_by_table[code][key] = PriceRow(key, cells, row["source"])
            self.price_rows[(code, key)] = row
        tables: dict[str, PriceTable] = {}
        for code, (table_row, columns) in defs.items():
            present = rows_by_table[code]
            if table_row["key_kind"] == "category":
                for cat in categories:
                    if cat not in present:
                        self.v.add(
                            table_row.loc,
                            f"{code} : pas de ligne « {cat} » dans price_tables.csv ; ajoutez-la, "
                            f"avec « {NON_PROPOSE} » si la grille ne la prévoit pas",
                        )
                ordered = {c: present[c] for c in categories if c in present}
            else:
                ordered = dict(present)
            tables[code] = PriceTable(
                code=code,
                columns=columns,
                rows=ordered,
                key_kind=table_row["key_kind"],
                title=table_row["title"],
                source=table_row["source"],
            )
        return tables

    def _cell(self, row: Row, column: str, text: str) -> Cell | None:
        if not text:
            self.v.add(
                row.loc,
                f"{column} : case vide ; écrivez un montant, « {SUR_DEVIS} » ou « {NON_PROPOSE} »",
            )
            return None
        state = CELL_WORDS.get(fold(text))
        if state is not None:
            return Cell(state, None, row["source"])
        amount = parse_decimal(text)
        if amount is None:
            self.v.add(
                row.loc,
                f"{column} : « {text} » n'est ni un montant, ni « {SUR_DEVIS} », ni « {NON_PROPOSE} »",
            )
            return None
        why = amount_problem(amount)
        if why:
            self.v.add(row.loc, f"{column} : {why}")
            return None
        return Cell(PriceState.PRICED, amount, row["source"])

    def _setup_invariant(
        self,
        meta: dict[str, str],
        meta_rows: dict[str, Row],
        tables: dict[str, PriceTable],
        rates: dict[str, Rate],
    ) -> None:
        """Every one-time setup = setup days x day rate (+ the contribution column, if any)."""
        if meta.get("setup_rule") != "days_x_day_rate":
            return
        rate = rates.get(meta.get("day_rate", ""))
        if rate is None:
            if "day_rate" in meta_rows:
                self.v.add(
                    meta_rows["day_rate"].loc,
                    f"taux journalier inconnu « {meta.get('day_rate')} » (voir rates.csv)",
                )
            return
        for code, table in tables.items():
            if "one_time" not in table.columns or "setup_days" not in table.columns:
                continue
            for key, price_row in table.rows.items():
                loc = self.price_rows[(code, key)].loc
                setup = price_row.cells.get("one_time")
                days = price_row.cells.get("setup_days")
                if setup is None or days is None:
                    continue
                contribution = price_row.cells.get("contribution")
                if (setup.state is PriceState.PRICED) != (days.state is PriceState.PRICED):
                    self.v.add(
                        loc,
                        f"{code} {key} : la mise en place et le nombre de jours doivent être tous "
                        "deux chiffrés ou tous deux non chiffrés",
                    )
                    continue
                if setup.amount is None or days.amount is None:
                    continue
                extra = Decimal(0)
                if contribution is not None and contribution.amount is not None:
                    extra = contribution.amount
                expected = days.amount * rate.amount + extra
                if setup.amount != expected:
                    plus = f" + contribution {extra}" if extra else ""
                    self.v.add(
                        loc,
                        f"{code} {key} : mise en place {setup.amount} ≠ {days.amount} jours × "
                        f"{rate.amount} ({rate.name}){plus} = {expected}",
                    )

    # ------------------------------------------------------------------ bands
    def _bands(self) -> dict[str, BandTable]:
        fixed = ("bands", "low", "high", "label", "source")
        data = read_rows(
            self.folder / "bands.csv", self.root, list(fixed), (), self.v, allow_extra=True
        )
        groups: dict[str, list[tuple[Row, Band]]] = {}
        for row in data:
            code = row["bands"]
            low = parse_int(row["low"])
            high = parse_int(row["high"]) if row["high"] else None
            if low is None or (row["high"] and (high is None or high < low)):
                self.v.add(row.loc, f"bornes invalides « {row['low']} » - « {row['high']} »")
                continue
            values: dict[str, Decimal] = {}
            for column in row.values:
                if column in fixed or not row[column]:
                    continue  # an empty cell: a column another band table uses
                amount = self._amount(row, column)
                if amount is not None:
                    values[column] = amount
            groups.setdefault(code, []).append(
                (row, Band(low, high, values, row["label"], row["source"]))
            )
        out: dict[str, BandTable] = {}
        for code, items in groups.items():
            items.sort(key=lambda rb: rb[1].low)
            for (_, a), (row_b, b) in pairwise(items):
                if a.high is None or b.low != a.high + 1:
                    self.v.add(
                        row_b.loc,
                        f"tranche {b.low}-{b.high or ''} : doit commencer juste après la "
                        f"précédente ({a.low}-{a.high or ''})",
                    )
            columns = set().union(*(b.values.keys() for _, b in items))
            for row_b, b in items:
                lacking = sorted(columns - b.values.keys())
                if lacking:
                    self.v.add(row_b.loc, f"tranche sans valeur pour : {', '.join(lacking)}")
            sources = ", ".join(dict.fromkeys(b.source for _, b in items if b.source))
            out[code] = BandTable(code, tuple(b for _, b in items), sources)
        self.band_columns = {
            code: set().union(*(b.values.keys() for _, b in items))
            for code, items in groups.items()
        }
        return out

    # ------------------------------------------------------------------ products
    def _products(self, tables: dict[str, PriceTable]) -> dict[str, Row]:
        cols = [
            "code",
            "name",
            "family",
            "kind",
            "parent",
            "table",
            "libre",
            "aliases",
            "former_names",
            "description",
            "confidence",
            "to_confirm",
            "tax_mode",
            "source",
        ]
        products: dict[str, Row] = {}
        for row in self.rows("products.csv", cols):
            code = row["code"]
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", code):
                self.v.add(
                    row.loc, f"code produit invalide « {code} » (minuscules, chiffres, tirets)"
                )
                continue
            if code in products:
                self.v.add(
                    row.loc, f"produit « {code} » en double (déjà ligne {products[code].line})"
                )
                continue
            if not row["name"]:
                self.v.add(row.loc, "nom manquant")
            if row["family"] not in {f.value for f in Family}:
                self.v.add(
                    row.loc,
                    f"famille inconnue « {row['family']} » ({', '.join(f.value for f in Family)})",
                )
            if (row["kind"] or "product") not in PRODUCT_KINDS:
                self.v.add(row.loc, f"genre inconnu « {row['kind']} » ({', '.join(PRODUCT_KINDS)})")
            if parse_bool(row["libre"]) is None:
                self.v.add(row.loc, f"libre : « {row['libre']} » (attendu oui ou non)")
            if row["table"] and row["table"] not in tables:
                self.v.add(row.loc, f"tableau inconnu « {row['table']} » (voir tables.csv)")
            products[code] = row
        names: dict[str, str] = {}
        for code, row in products.items():
            for key in (code, row["name"]):
                names.setdefault(fold(key), code)
        for code, row in products.items():
            parent = row["parent"]
            if parent and parent not in products:
                self.v.add(row.loc, f"produit parent inconnu « {parent} »")
            elif parent == code:
                self.v.add(row.loc, "un produit ne peut pas être sa propre option")
            elif parent and products[parent]["parent"]:
                self.v.add(row.loc, f"le parent « {parent} » est lui-même une option")
            if row["kind"] == "option" and not parent:
                self.v.add(row.loc, "une option doit nommer son produit parent")
            for alias in (*split_list(row["aliases"]), *split_list(row["former_names"])):
                owner = names.get(fold(alias))
                if owner is not None and owner != code:
                    self.v.add(
                        row.loc,
                        f"le nom « {alias} » est déjà le code ou le nom du produit « {owner} »",
                    )
        return products

    def _parameters(self, products: dict[str, Row]) -> dict[str, list[Parameter]]:
        out: dict[str, list[Parameter]] = {}
        cols = [
            "product",
            "key",
            "label",
            "integer",
            "minimum",
            "maximum",
            "default",
            "required",
            "unit",
            "source",
        ]
        for row in self.rows("parameters.csv", cols):
            product, key = row["product"], row["key"]
            if product not in products:
                self.v.add(row.loc, f"produit inconnu « {product} »")
                continue
            if not _is_code(key):
                self.v.add(row.loc, f"clé de paramètre invalide « {key} »")
                continue
            if any(p.key == key for p in out.get(product, ())):
                self.v.add(row.loc, f"paramètre « {key} » en double pour « {product} »")
                continue
            if key in CONTEXT_NAMES:
                self.v.add(row.loc, f"« {key} » est réservé (taille ou type du membre)")
            integer = parse_bool(row["integer"] or "oui")
            required = parse_bool(row["required"])
            if integer is None or required is None:
                self.v.add(row.loc, "integer et required valent oui ou non")
                continue
            bounds: dict[str, Decimal | None] = {}
            for name in ("minimum", "maximum", "default"):
                text = row[name]
                bounds[name] = parse_decimal(text) if text else None
                if text and bounds[name] is None:
                    self.v.add(row.loc, f"{name} : « {text} » n'est pas un nombre")
            parameter = Parameter(
                key,
                row["label"],
                integer,
                bounds["minimum"],
                bounds["maximum"],
                bounds["default"],
                required,
                row["unit"],
                row["source"],
            )
            for why in parameter_problems(parameter):
                self.v.add(row.loc, why)
            out.setdefault(product, []).append(parameter)
        return out

    def _notes(
        self, products: dict[str, Row]
    ) -> tuple[dict[str, list[str]], dict[tuple[str, int], str]]:
        notes: dict[str, list[str]] = {}
        sources: dict[tuple[str, int], str] = {}
        for row in self.rows("product_notes.csv", ["product", "note", "source"]):
            if row["product"] not in products:
                self.v.add(row.loc, f"produit inconnu « {row['product']} »")
                continue
            if not row["note"]:
                self.v.add(row.loc, "note vide")
                continue
            items = notes.setdefault(row["product"], [])
            sources[(row["product"], len(items))] = row["source"]
            items.append(row["note"])
        return notes, sources

    # ------------------------------------------------------------------ components
    def _components(
        self,
        products: dict[str, Row],
        tables: dict[str, PriceTable],
        rates: dict[str, Rate],
        bands: dict[str, BandTable],
        parameters: dict[str, list[Parameter]],
    ) -> dict[str, list[Component]]:
        out: dict[str, list[Component]] = {}
        self.component_tables: dict[str, set[str]] = {}
        for row in self.rows(
            "components.csv", ["product", "kind", "bucket", "params", "label", "source"]
        ):
            product = row["product"]
            if product not in products:
                self.v.add(row.loc, f"produit inconnu « {product} »")
                continue
            spec = KINDS.get(row["kind"])
            if spec is None:
                self.v.add(
                    row.loc,
                    f"genre de composant inconnu « {row['kind']} » ({', '.join(KINDS)} ; voir db/README.md)",
                )
                continue
            bucket = row["bucket"] or None
            if bucket not in spec.buckets:
                allowed = ", ".join(
                    b or "(vide)" for b in sorted(spec.buckets, key=lambda b: b or "")
                )
                self.v.add(
                    row.loc,
                    f"{row['kind']} : bucket « {bucket or ''} » impossible (possible : {allowed})",
                )
                continue
            params, problems = parse_params(row["params"])
            for p in problems:
                self.v.add(row.loc, p)
            reads_table = spec.uses_table or (row["kind"] == "note" and "column" in params)
            if reads_table and "table" not in params:
                table = products[product]["table"]
                if not table:
                    self.v.add(
                        row.loc,
                        f"pas de « table= » et le produit « {product} » n'a pas de tableau "
                        "(colonne table de products.csv)",
                    )
                    continue
                params = {"table": table, **params}
            missing = sorted(spec.required - params.keys())
            if missing:
                self.v.add(
                    row.loc, f"{row['kind']} : paramètre(s) manquant(s) : {', '.join(missing)}"
                )
            unknown = sorted(params.keys() - spec.required - spec.optional)
            if unknown:
                self.v.add(
                    row.loc, f"{row['kind']} : paramètre(s) inconnu(s) : {', '.join(unknown)}"
                )
            keys = {p.key for p in parameters.get(product, ())}
            self._check_refs(row, params, tables, rates, bands, keys)
            if "table" in params:
                self.component_tables.setdefault(params["table"], set()).add(product)
            out.setdefault(product, []).append(
                Component(
                    row["kind"],
                    Bucket(bucket) if bucket else None,
                    params,
                    row["label"],
                    row["source"],
                )
            )
        for code, row in products.items():
            if code not in out:
                self.v.add(
                    row.loc,
                    f"« {code} » n'a aucun composant de prix (components.csv) : ajoutez au moins « sur_devis »",
                )
        return out

    def _check_refs(
        self,
        row: Row,
        params: dict[str, str],
        tables: dict[str, PriceTable],
        rates: dict[str, Rate],
        bands: dict[str, BandTable],
        param_keys: set[str],
    ) -> None:
        table = params.get("table")
        if table is not None:
            if table not in tables:
                self.v.add(row.loc, f"tableau inconnu « {table} »")
            elif "column" in params and params["column"] not in tables[table].columns:
                self.v.add(
                    row.loc,
                    f"{table} n'a pas de colonne « {params['column']} » "
                    f"(colonnes : {', '.join(tables[table].columns)})",
                )
        if "bands" in params:
            name, default = _BAND_COLUMN.get(row["kind"], ("column", None))
            column = params.get(name) or default
            if params["bands"] not in bands:
                self.v.add(row.loc, f"tranches inconnues « {params['bands']} » (voir bands.csv)")
            elif column != "@status" and column not in self.band_columns.get(
                params["bands"], set()
            ):
                self.v.add(
                    row.loc,
                    f"les tranches « {params['bands']} » n'ont pas de colonne « {column} »",
                )
        if "expr" in params:
            self._check_condition(row, "expr", params["expr"], param_keys, comparison=False)
        for name in _VALUE_PARAMS:
            if name in params:
                self._check_value(row, name, params[name], tables, rates, param_keys)
        for name in _QUANTITY_PARAMS:
            value = params.get(name)
            if (
                value is not None
                and value not in param_keys
                and value not in CONTEXT_NAMES
                and parse_decimal(value) is None
            ):
                self.v.add(
                    row.loc,
                    f"{name}=« {value} » : ni un paramètre du produit (parameters.csv), ni un nombre",
                )
        for name in _CONDITION_PARAMS:
            if name in params:
                self._check_condition(row, name, params[name], param_keys)
        if params.get("discountable", "oui").strip().lower() not in ("oui", "non"):
            self.v.add(row.loc, f"discountable=« {params['discountable']} » (attendu oui ou non)")
        if "text" in params and "{value}" in params["text"] and "column" not in params:
            self.v.add(row.loc, "« {value} » dans le texte demande table= et column=")

    def _check_value(
        self,
        row: Row,
        name: str,
        value: str,
        tables: dict[str, PriceTable],
        rates: dict[str, Rate],
        param_keys: set[str],
    ) -> None:
        if parse_decimal(value) is not None:
            return
        text = value.removeprefix("rate:")
        if text in rates or value in param_keys or value in CONTEXT_NAMES:
            return
        cell = value.removeprefix("table:")
        if "/" in cell:
            table, _, column = cell.partition("/")
            if table in tables and column in tables[table].columns:
                return
        self.v.add(
            row.loc,
            f"{name}=« {value} » : taux inconnu (rates.csv), ni nombre, ni paramètre, ni case de tableau",
        )

    def _check_condition(
        self, row: Row, name: str, expr: str, param_keys: set[str], *, comparison: bool = True
    ) -> None:
        stripped = re.sub(r"'[^']*'|\"[^\"]*\"", "''", expr)
        if not re.fullmatch(r"[\w\s.,'\"<>=!()+\-*/]+", stripped):
            self.v.add(row.loc, f"{name} : condition illisible « {expr} »")
            return
        if comparison and not re.search(r"[<>=!]", stripped):
            self.v.add(row.loc, f"{name} : « {expr} » n'est pas une comparaison (ex. plans>3)")
        for word in re.findall(r"[A-Za-z_]\w*", stripped):
            if word in ("and", "or", "not", "in", "True", "False"):
                continue
            if word not in param_keys and word not in CONTEXT_NAMES:
                self.v.add(
                    row.loc,
                    f"{name} : « {word} » n'est pas un paramètre du produit (parameters.csv)",
                )

    def _check_tables_used(self, tables: dict[str, PriceTable]) -> None:
        for code in tables:
            if code not in self.component_tables:
                self.v.add(
                    self.table_rows[code].loc,
                    f"le tableau {code} n'est lu par aucun produit (colonne table de "
                    "products.csv ou table= de components.csv)",
                )

    # ------------------------------------------------------------------ rules and terms
    def _constraints(self, products: dict[str, Row]) -> list[Constraint]:
        out: list[Constraint] = []
        seen: dict[str, int] = {}
        requires: set[tuple[str, str]] = set()
        for row in self.rows(
            "constraints.csv", ["code", "kind", "product", "other", "message", "source"]
        ):
            code, kind, product, other = row["code"], row["kind"], row["product"], row["other"]
            if code in seen:
                self.v.add(row.loc, f"règle « {code} » en double (déjà ligne {seen[code]})")
                continue
            seen[code] = row.line
            if kind not in ("requires", "excludes"):
                self.v.add(row.loc, f"genre de règle inconnu « {kind} » (requires, excludes)")
                continue
            if product not in products:
                self.v.add(row.loc, f"produit inconnu « {product} »")
                continue
            if other == "*":
                if kind != "requires":
                    self.v.add(row.loc, "« * » (n'importe quel produit) ne vaut que pour requires")
                    continue
            elif other not in products:
                self.v.add(row.loc, f"produit inconnu « {other} »")
                continue
            if other == product:
                self.v.add(row.loc, "un produit ne peut pas se demander ou s'exclure lui-même")
                continue
            if not row["message"]:
                self.v.add(row.loc, "message manquant (texte montré à l'utilisateur)")
            if kind == "requires":
                requires.add((product, other))
            out.append(Constraint(code, kind, product, other, row["message"], row["source"]))
        for code, row in products.items():
            parent = row["parent"]
            if parent and parent in products and (code, parent) not in requires:
                self.v.add(
                    row.loc,
                    f"l'option « {code} » a pour parent « {parent} » mais constraints.csv "
                    f"n'a pas de règle requires {code} -> {parent}",
                )
        return out

    def _discounts(self, terms: Mapping[str, Term]) -> list[Discount]:
        out: list[Discount] = []
        seen: set[str] = set()
        cols = [
            "code",
            "member_kinds",
            "bucket",
            "pct",
            "condition",
            "flag",
            "label",
            "term",
            "source",
        ]
        for row in self.rows("discounts.csv", cols):
            if row["code"] in seen:
                self.v.add(row.loc, f"remise « {row['code']} » en double")
                continue
            seen.add(row["code"])
            kinds = split_list(row["member_kinds"])
            if member_kinds_problem(kinds):
                self.v.add(row.loc, f"types de membres invalides : « {row['member_kinds']} »")
            if row["bucket"] not in {b.value for b in Bucket}:
                self.v.add(row.loc, f"bucket inconnu « {row['bucket']} » (one_time, annual)")
                continue
            pct = parse_decimal(row["pct"])
            if pct is None or percent_problem(pct):
                self.v.add(row.loc, f"pourcentage invalide « {row['pct']} » (entre 0 et 100)")
                continue
            if row["condition"] not in DISCOUNT_CONDITIONS:
                self.v.add(
                    row.loc,
                    f"condition inconnue « {row['condition']} » ({', '.join(DISCOUNT_CONDITIONS)})",
                )
            if row["flag"] not in DISCOUNT_FLAGS:
                self.v.add(
                    row.loc, f"indicateur inconnu « {row['flag']} » ({', '.join(DISCOUNT_FLAGS)})"
                )
            if row["term"] and row["term"] not in terms:
                self.v.add(row.loc, f"texte inconnu « {row['term']} » (voir terms.csv)")
            out.append(
                Discount(
                    row["code"],
                    kinds,
                    Bucket(row["bucket"]),
                    pct,
                    row["condition"],
                    row["flag"],
                    row["label"],
                    row["term"],
                    row["source"],
                )
            )
        return out

    def _terms_rows(self) -> dict[str, Term]:
        out: dict[str, Term] = {}
        self.term_rows: dict[str, Row] = {}
        for row in self.rows("terms.csv", ["code", "title", "text", "when", "source"]):
            if row["code"] in out:
                self.v.add(row.loc, f"texte « {row['code']} » en double")
                continue
            if not row["text"]:
                self.v.add(row.loc, "texte vide")
            out[row["code"]] = Term(
                row["code"], row["title"], row["text"], row["when"] or "always", row["source"]
            )
            self.term_rows[row["code"]] = row
        return out

    def _check_terms(
        self, terms: dict[str, Term], discounts: list[Discount], products: dict[str, Row]
    ) -> None:
        known = set(TERM_WHEN_WORDS) | {d.code for d in discounts} | set(products)
        for code, term in terms.items():
            if term.when not in known:
                self.v.add(
                    self.term_rows[code].loc,
                    f"when=« {term.when} » : ni {', '.join(TERM_WHEN_WORDS)}, ni une remise, ni un produit",
                )


    def _check_approval(self, meta: dict[str, str], terms: dict[str, Term]) -> None:
        """The printed approval sentence (term ``approbation``) is written once per grid: a
        grid copied for next year with a new year and approval dates in tariff.csv and the
        old sentence would print last year's approval on this year's offers."""
        code = next((c for c in APPROVAL_TERMS if c in terms), None)
        if code is None:
            return
        wanted = [meta.get("year", "")]
        for key in ("approval_ca", "approval_ag"):
            day = parse_date(meta.get(key, ""))
            if day is not None:
                wanted.append(day.strftime("%d/%m/%Y"))
        missing = [w for w in wanted if w and w not in terms[code].text]
        if missing:
            self.v.add(
                self.term_rows[code].loc,
                f"le texte d'approbation ne cite pas {', '.join(missing)} (année et dates "
                "d'approbation de tariff.csv) : mettez-le à jour, ou retirez cette ligne pour "
                "qu'il soit écrit d'après tariff.csv",
            )


def _is_code(text: str) -> bool:
    return bool(re.fullmatch(r"[a-z][a-z0-9_]*", text))
