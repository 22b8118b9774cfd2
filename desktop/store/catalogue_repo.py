"""Tariff catalogues in SQLite: write a core ``Tariff`` into the tables, read it back.

``load_tariff(db, code)`` rebuilds exactly the ``Tariff`` that ``seed_tariff.parse_tariff_dir``
built from the seed files (tested as a round trip), so pricing never reads files at run time
and a tariff imported or edited later is used the same way. A stored value that cannot be
read back (text where a number is expected, broken JSON, an unknown code) raises
``UnreadableData`` naming the row and the value, never a bare ``ValueError``.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

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
)
from desktop.core.categories import CategoryRules, KindRule, Method, Scale, Threshold
from desktop.core.errors import NotFound
from desktop.core.inputs import shown
from desktop.core.members import MemberKind
from desktop.store.database import Database, now_iso
from desktop.store.faults import UnreadableData, storage_errors

log = logging.getLogger(__name__)
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class TariffInfo:
    """A tariff stored in the database, as the lists show it."""

    code: str
    issuer: str
    title: str
    year: int
    valid_from: date
    origin: str


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


# --------------------------------------------------------------------------- decoding


def _number(text: object, where: str) -> Decimal:
    """A stored decimal string as a finite ``Decimal``."""
    try:
        value = Decimal(text) if isinstance(text, str) else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise UnreadableData(f"{where} : « {shown(text)} » n'est pas un nombre")
    return value


def _to_dec(text: str | None, where: str) -> Decimal | None:
    return None if text is None else _number(text, where)


def _json(text: Any, where: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError, RecursionError):
        raise UnreadableData(f"{where} : « {shown(text)} » n'est pas du JSON lisible") from None


def _texts(text: object, where: str) -> tuple[str, ...]:
    """A stored JSON list of texts."""
    value = _json(text, where)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UnreadableData(f"{where} : « {shown(text)} » n'est pas une liste de textes (JSON)")
    return tuple(value)


def _text_map(text: object, where: str) -> dict[str, str]:
    """A stored JSON object whose values are texts."""
    value = _json(text, where)
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise UnreadableData(f"{where} : « {shown(text)} » n'est pas un objet JSON de textes")
    return value


def _choice(kind: type[E], value: Any, where: str) -> E:
    try:
        return kind(value)
    except ValueError:
        known = ", ".join(k.value for k in kind)
        raise UnreadableData(f"{where} : « {shown(value)} » inconnu (possible : {known})") from None


def _day(text: Any, where: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise UnreadableData(f"{where} : date « {shown(text)} » illisible (AAAA-MM-JJ)") from None


# --------------------------------------------------------------------------- write


def write_tariff(
    conn: sqlite3.Connection,
    tariff: Tariff,
    *,
    origin: str = "seed",
    meta_sources: Mapping[str, str] | None = None,
    note_sources: Mapping[tuple[str, int], str] | None = None,
) -> None:
    """Insert ``tariff``, replacing any tariff with the same code. Call inside a transaction."""
    meta_sources = meta_sources or {}
    note_sources = note_sources or {}
    code = tariff.code
    conn.execute("DELETE FROM tariff WHERE code = ?", (code,))
    conn.execute(
        "INSERT INTO tariff (code, issuer, title, year, valid_from, locale, currency, tax_label,"
        " origin, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            code,
            tariff.issuer,
            tariff.title,
            tariff.year,
            tariff.valid_from.isoformat(),
            tariff.locale,
            tariff.currency,
            tariff.tax_label,
            origin,
            now_iso(),
        ),
    )
    conn.executemany(
        "INSERT INTO tariff_meta (tariff, key, value, source) VALUES (?, ?, ?, ?)",
        [(code, k, v, meta_sources.get(k, "")) for k, v in tariff.meta.items()],
    )
    rules = tariff.categories
    conn.executemany(
        "INSERT INTO tariff_category (tariff, position, name) VALUES (?, ?, ?)",
        [(code, i, name) for i, name in enumerate(rules.categories)],
    )
    if rules.source:
        conn.execute(
            "INSERT OR REPLACE INTO tariff_meta (tariff, key, value, source) VALUES (?, ?, ?, ?)",
            (code, "categories_source", rules.source, ""),
        )
    for i, scale in enumerate(rules.scales.values()):
        conn.execute(
            "INSERT INTO category_scale (tariff, code, position, label, unit) VALUES (?, ?, ?, ?, ?)",
            (code, scale.code, i, scale.label, scale.unit),
        )
        conn.executemany(
            "INSERT INTO category_threshold (tariff, scale, position, category, low, high, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (code, scale.code, j, t.category, t.low, t.high, t.source)
                for j, t in enumerate(scale.thresholds)
            ],
        )
    conn.executemany(
        "INSERT INTO category_rule (tariff, member_kind, method, scale, fixed_category, source)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (code, r.kind.value, r.method.value, r.scale, r.fixed_category, r.source)
            for r in rules.rules.values()
        ],
    )
    for i, table in enumerate(tariff.tables.values()):
        conn.execute(
            "INSERT INTO price_table (tariff, code, position, title, key_kind, columns, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                code,
                table.code,
                i,
                table.title,
                table.key_kind,
                json.dumps(list(table.columns)),
                table.source,
            ),
        )
        for j, row in enumerate(table.rows.values()):
            conn.execute(
                "INSERT INTO price_row (tariff, price_table, key, position, source)"
                " VALUES (?, ?, ?, ?, ?)",
                (code, table.code, row.key, j, row.source),
            )
            conn.executemany(
                "INSERT INTO price_cell (tariff, price_table, key, column_name, state, amount)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (code, table.code, row.key, col, cell.state.value, _dec(cell.amount))
                    for col, cell in row.cells.items()
                ],
            )
    for band_table in tariff.bands.values():
        conn.executemany(
            "INSERT INTO band (tariff, band_table, position, low, high, label, band_values, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    code,
                    band_table.code,
                    j,
                    b.low,
                    b.high,
                    b.label,
                    json.dumps({k: _dec(v) for k, v in b.values.items()}),
                    b.source,
                )
                for j, b in enumerate(band_table.bands)
            ],
        )
    conn.executemany(
        "INSERT INTO rate (tariff, code, position, name, amount, unit, source)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (code, r.code, i, r.name, _dec(r.amount), r.unit, r.source)
            for i, r in enumerate(tariff.rates.values())
        ],
    )
    for p in tariff.products.values():
        conn.execute(
            "INSERT INTO product (tariff, code, position, name, family, kind, parent, libre,"
            " description, confidence, to_confirm, tax_mode, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                code,
                p.code,
                p.order,
                p.name,
                p.family.value,
                p.kind,
                p.parent,
                int(p.libre),
                p.description,
                p.confidence,
                p.to_confirm,
                p.tax_mode,
                p.source,
            ),
        )
        names = [("alias", j, n) for j, n in enumerate(p.aliases)]
        names += [("former", j, n) for j, n in enumerate(p.former_names)]
        conn.executemany(
            "INSERT INTO product_name (tariff, product, role, position, name) VALUES (?, ?, ?, ?, ?)",
            [(code, p.code, role, j, n) for role, j, n in names],
        )
        conn.executemany(
            "INSERT INTO product_note (tariff, product, position, text, source) VALUES (?, ?, ?, ?, ?)",
            [
                (code, p.code, j, text, note_sources.get((p.code, j), ""))
                for j, text in enumerate(p.notes)
            ],
        )
        conn.executemany(
            "INSERT INTO parameter (tariff, product, key, position, label, integer_only, minimum,"
            " maximum, default_value, required, unit, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    code,
                    p.code,
                    q.key,
                    j,
                    q.label,
                    int(q.integer),
                    _dec(q.minimum),
                    _dec(q.maximum),
                    _dec(q.default),
                    int(q.required),
                    q.unit,
                    q.source,
                )
                for j, q in enumerate(p.parameters)
            ],
        )
        conn.executemany(
            "INSERT INTO component (tariff, product, position, kind, bucket, params, label, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    code,
                    p.code,
                    j,
                    c.kind,
                    c.bucket.value if c.bucket else None,
                    json.dumps(dict(c.params), ensure_ascii=False),
                    c.label,
                    c.source,
                )
                for j, c in enumerate(p.components)
            ],
        )
    conn.executemany(
        "INSERT INTO rule_constraint (tariff, code, position, kind, product, other, message, source)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (code, c.code, i, c.kind, c.product, c.other, c.message, c.source)
            for i, c in enumerate(tariff.constraints)
        ],
    )
    conn.executemany(
        "INSERT INTO discount (tariff, code, position, member_kinds, bucket, pct, condition, flag,"
        " label, term, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                code,
                d.code,
                i,
                json.dumps(list(d.member_kinds)),
                d.bucket.value,
                _dec(d.pct),
                d.condition,
                d.flag,
                d.label,
                d.term,
                d.source,
            )
            for i, d in enumerate(tariff.discounts)
        ],
    )
    conn.executemany(
        "INSERT INTO term (tariff, code, position, title, text, shown_when, source)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(code, t.code, i, t.title, t.text, t.when, t.source) for i, t in enumerate(tariff.terms)],
    )


# --------------------------------------------------------------------------- read


def list_tariffs(db: Database) -> list[TariffInfo]:
    """Every tariff in the database, in loading order."""
    with storage_errors("lire les tarifs", db.path):
        rows = db.conn.execute(
            "SELECT code, issuer, title, year, valid_from, origin FROM tariff ORDER BY rowid"
        ).fetchall()
    return [
        TariffInfo(r[0], r[1], r[2], r[3], _day(r[4], f"tarif {r[0]}, début de validité"), r[5])
        for r in rows
    ]


def active_tariff_code(db: Database, today: date | None = None, issuer: str | None = None) -> str:
    """The tariff in force ``today`` for ``issuer`` (default: the first tariff's issuer).

    In force = the latest ``valid_from`` not after today; if none has started yet, the
    earliest one.
    """
    tariffs = list_tariffs(db)
    if not tariffs:
        raise NotFound("Aucun tarif dans la base de données : le catalogue n'a pas été chargé.")
    wanted = issuer or tariffs[0].issuer
    mine = [t for t in tariffs if t.issuer == wanted]
    if not mine:
        raise NotFound(f"Aucun tarif de l'émetteur « {wanted} » dans la base de données.")
    day = today or date.today()
    started = [t for t in mine if t.valid_from <= day]
    if started:
        return max(started, key=lambda t: (t.valid_from, t.year)).code
    return min(mine, key=lambda t: t.valid_from).code


def load_tariff(db: Database, code: str | None = None, *, today: date | None = None) -> Tariff:
    """The tariff ``code`` as a core ``Tariff``; ``None`` = the tariff in force today."""
    if code is None:
        code = active_tariff_code(db, today)
    with storage_errors("lire le catalogue", db.path):
        return _load(db.conn, code)


def parameter_labels(db: Database, codes: Sequence[str]) -> dict[tuple[str, str], str]:
    """(product code, parameter key) -> the parameter's name in the tariffs ``codes`` (a later
    tariff's name wins): what a user reads for a key such as « schools »."""
    labels: dict[tuple[str, str], str] = {}
    with storage_errors("lire le catalogue", db.path):
        for code in dict.fromkeys(codes):
            for product, key, label in _rows(
                db.conn, "SELECT product, key, label FROM parameter WHERE tariff = ?", code
            ):
                labels[(product, key)] = label
    return labels


def _rows(conn: sqlite3.Connection, sql: str, code: str) -> list[Any]:
    return conn.execute(sql, (code,)).fetchall()


def _load(conn: sqlite3.Connection, code: str) -> Tariff:
    head = conn.execute(
        "SELECT issuer, title, year, valid_from, locale, currency, tax_label FROM tariff"
        " WHERE code = ?",
        (code,),
    ).fetchone()
    if head is None:
        known = [r[0] for r in conn.execute("SELECT code FROM tariff ORDER BY rowid")]
        raise NotFound(
            f"Tarif inconnu : « {code} » n'est pas dans cette base (tarifs présents : "
            f"{', '.join(known) or 'aucun'}). Importez le catalogue du siège qui le contient "
            "(Fichier > Importer le catalogue…)."
        )
    at = f"tarif {code}"
    meta = dict(
        _rows(conn, "SELECT key, value FROM tariff_meta WHERE tariff = ? ORDER BY rowid", code)
    )
    categories_source = meta.pop("categories_source", "")
    categories = tuple(
        r[0]
        for r in _rows(
            conn, "SELECT name FROM tariff_category WHERE tariff = ? ORDER BY position", code
        )
    )
    thresholds: dict[str, list[Threshold]] = {}
    for scale, cat, low, high, source in _rows(
        conn,
        "SELECT scale, category, low, high, source FROM category_threshold WHERE tariff = ?"
        " ORDER BY scale, position",
        code,
    ):
        thresholds.setdefault(scale, []).append(Threshold(cat, low, high, source))
    scales = {
        c: Scale(c, label, unit, tuple(thresholds.get(c, ())))
        for c, label, unit in _rows(
            conn,
            "SELECT code, label, unit FROM category_scale WHERE tariff = ? ORDER BY position",
            code,
        )
    }
    rules: dict[MemberKind, KindRule] = {}
    for kind, method, scale, fixed, source in _rows(
        conn,
        "SELECT member_kind, method, scale, fixed_category, source FROM category_rule"
        " WHERE tariff = ? ORDER BY rowid",
        code,
    ):
        where = f"{at}, règle de catégorie « {kind} »"
        member_kind = _choice(MemberKind, kind, f"{where}, type de membre")
        rules[member_kind] = KindRule(
            member_kind, _choice(Method, method, f"{where}, méthode"), scale, fixed, source
        )
    category_rules = CategoryRules(code, categories, scales, rules, categories_source)

    cells: dict[tuple[str, str], dict[str, Cell]] = {}
    row_sources: dict[tuple[str, str], str] = {}
    for table, key, source in _rows(
        conn,
        "SELECT price_table, key, source FROM price_row WHERE tariff = ? ORDER BY price_table, position",
        code,
    ):
        row_sources[(table, key)] = source
        cells[(table, key)] = {}
    for table, key, column, state, amount in _rows(
        conn,
        "SELECT price_table, key, column_name, state, amount FROM price_cell WHERE tariff = ?"
        " ORDER BY rowid",
        code,
    ):
        where = f"{at}, tableau {table}, ligne « {key} », colonne {column}"
        cells[(table, key)][column] = Cell(
            _choice(PriceState, state, where), _to_dec(amount, where), row_sources[(table, key)]
        )
    tables: dict[str, PriceTable] = {}
    for t_code, title, key_kind, columns, source in _rows(
        conn,
        "SELECT code, title, key_kind, columns, source FROM price_table WHERE tariff = ? ORDER BY position",
        code,
    ):
        keys = [k for (t, k) in row_sources if t == t_code]
        tables[t_code] = PriceTable(
            code=t_code,
            columns=_texts(columns, f"{at}, tableau {t_code}, liste des colonnes"),
            rows={k: PriceRow(k, cells[(t_code, k)], row_sources[(t_code, k)]) for k in keys},
            key_kind=key_kind,
            title=title,
            source=source,
        )
    band_groups: dict[str, list[Band]] = {}
    for bt, low, high, label, values, source in _rows(
        conn,
        "SELECT band_table, low, high, label, band_values, source FROM band WHERE tariff = ?"
        " ORDER BY band_table, position",
        code,
    ):
        where = f"{at}, tranches {bt} {low}-{'' if high is None else high}"
        parsed = {
            k: _number(v, f"{where}, colonne {k}") for k, v in _text_map(values, where).items()
        }
        band_groups.setdefault(bt, []).append(Band(low, high, parsed, label, source))
    bands = {
        bt: BandTable(
            bt, tuple(items), ", ".join(dict.fromkeys(b.source for b in items if b.source))
        )
        for bt, items in band_groups.items()
    }
    rates = {
        r[0]: Rate(r[0], r[1], _number(r[2], f"{at}, taux {r[0]}"), r[3], r[4])
        for r in _rows(
            conn,
            "SELECT code, name, amount, unit, source FROM rate WHERE tariff = ? ORDER BY position",
            code,
        )
    }
    names: dict[str, dict[str, list[str]]] = {}
    for product, role, name in _rows(
        conn,
        "SELECT product, role, name FROM product_name WHERE tariff = ? ORDER BY product, role, position",
        code,
    ):
        names.setdefault(product, {}).setdefault(role, []).append(name)
    notes: dict[str, list[str]] = {}
    for product, text in _rows(
        conn,
        "SELECT product, text FROM product_note WHERE tariff = ? ORDER BY product, position",
        code,
    ):
        notes.setdefault(product, []).append(text)
    params: dict[str, list[Parameter]] = {}
    for r in _rows(
        conn,
        "SELECT product, key, label, integer_only, minimum, maximum, default_value, required,"
        " unit, source FROM parameter WHERE tariff = ? ORDER BY product, position",
        code,
    ):
        where = f"{at}, produit {r[0]}, paramètre {r[1]}"
        params.setdefault(r[0], []).append(
            Parameter(
                r[1],
                r[2],
                bool(r[3]),
                _to_dec(r[4], f"{where}, minimum"),
                _to_dec(r[5], f"{where}, maximum"),
                _to_dec(r[6], f"{where}, valeur par défaut"),
                bool(r[7]),
                r[8],
                r[9],
            )
        )
    components: dict[str, list[Component]] = {}
    for product, position, kind, bucket, p, label, source in _rows(
        conn,
        "SELECT product, position, kind, bucket, params, label, source FROM component"
        " WHERE tariff = ? ORDER BY product, position",
        code,
    ):
        where = f"{at}, produit {product}, composant n° {position + 1} ({kind})"
        components.setdefault(product, []).append(
            Component(
                kind,
                _choice(Bucket, bucket, f"{where}, période") if bucket else None,
                _text_map(p, f"{where}, paramètres"),
                label,
                source,
            )
        )
    products: dict[str, Product] = {}
    for r in _rows(
        conn,
        "SELECT code, position, name, family, kind, parent, libre, description, confidence,"
        " to_confirm, tax_mode, source FROM product WHERE tariff = ? ORDER BY position, rowid",
        code,
    ):
        pc = r[0]
        products[pc] = Product(
            code=pc,
            name=r[2],
            family=_choice(Family, r[3], f"{at}, produit {pc}, famille"),
            kind=r[4],
            parent=r[5],
            libre=bool(r[6]),
            aliases=tuple(names.get(pc, {}).get("alias", ())),
            former_names=tuple(names.get(pc, {}).get("former", ())),
            description=r[7],
            confidence=r[8],
            to_confirm=r[9],
            parameters=tuple(params.get(pc, ())),
            components=tuple(components.get(pc, ())),
            notes=tuple(notes.get(pc, ())),
            tax_mode=r[10],
            order=r[1],
            source=r[11],
        )
    constraints = tuple(
        Constraint(r[0], r[1], r[2], r[3], r[4], r[5])
        for r in _rows(
            conn,
            "SELECT code, kind, product, other, message, source FROM rule_constraint"
            " WHERE tariff = ? ORDER BY position",
            code,
        )
    )
    discounts = tuple(
        Discount(
            r[0],
            _texts(r[1], f"{at}, remise {r[0]}, types de membres"),
            _choice(Bucket, r[2], f"{at}, remise {r[0]}, période"),
            _number(r[3], f"{at}, remise {r[0]}, pourcentage"),
            r[4],
            r[5],
            r[6],
            r[7],
            r[8],
        )
        for r in _rows(
            conn,
            "SELECT code, member_kinds, bucket, pct, condition, flag, label, term, source"
            " FROM discount WHERE tariff = ? ORDER BY position",
            code,
        )
    )
    terms = tuple(
        Term(r[0], r[1], r[2], r[3], r[4])
        for r in _rows(
            conn,
            "SELECT code, title, text, shown_when, source FROM term WHERE tariff = ? ORDER BY position",
            code,
        )
    )
    return Tariff(
        code=code,
        issuer=head[0],
        title=head[1],
        year=head[2],
        valid_from=_day(head[3], f"{at}, début de validité"),
        locale=head[4],
        currency=head[5],
        tax_label=head[6],
        categories=category_rules,
        products=products,
        tables=tables,
        bands=bands,
        rates=rates,
        constraints=constraints,
        discounts=discounts,
        terms=terms,
        meta=meta,
    )
