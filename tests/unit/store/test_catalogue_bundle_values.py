"""A catalogue bundle is held to the rules of the seed files: a value that cannot be read, or
that would break every later quote (NaN, infinite, huge, negative, finer than a cent), refuses
the whole bundle in French, naming the row and the value, and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from desktop.store.bundles import catalogue_tables, export_catalogue, import_catalogue
from desktop.store.catalogue_repo import load_tariff
from desktop.store.database import Database, open_database
from desktop.store.faults import BundleError


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def bundle(db: Database, tmp_path: Path) -> Path:
    """Head office's catalogue as exported from the seeded database."""
    out = tmp_path / "catalogue.zip"
    export_catalogue(db, out, device="SIEGE")
    return out


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    return {
        t: db.conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()
        for t in catalogue_tables(db.conn)
    }


T1_CAT3_ANNUAL = {"price_table": "T1", "key": "Cat 3", "column_name": "annual"}
DAY_RATE = {"code": "prestations_produits"}
DELIB_FIRST = {"product": "delib", "position": 0}
AES_SCHOOLS = {"product": "aes", "key": "schools"}
BEAUVECHAIN = {"id": "commune:25005"}

# (table, row, column, tampered value, what the message must name)
CASES = [
    ("price_cell", T1_CAT3_ANNUAL, "amount", "NaN", ("tableau T1", "« Cat 3 »", "annual", "NaN")),
    ("price_cell", T1_CAT3_ANNUAL, "amount", "Infinity", ("tableau T1", "Infinity")),
    ("price_cell", T1_CAT3_ANNUAL, "amount", "1e30", ("tableau T1", "1E+30", "maximum")),
    ("price_cell", T1_CAT3_ANNUAL, "amount", "10000001", ("tableau T1", "maximum")),
    ("price_cell", T1_CAT3_ANNUAL, "amount", "-5", ("tableau T1", "négatif -5")),
    ("price_cell", T1_CAT3_ANNUAL, "amount", "5344.001", ("tableau T1", "2 décimales")),
    ("price_cell", T1_CAT3_ANNUAL, "amount", "abc", ("tableau T1", "« abc » n'est pas un nombre")),
    ("rate", DAY_RATE, "amount", "abc", ("taux prestations_produits", "« abc »")),
    ("rate", DAY_RATE, "amount", "NaN", ("taux prestations_produits", "NaN")),
    ("rate", DAY_RATE, "amount", "-906", ("taux prestations_produits", "négatif")),
    (
        "band",
        {"band_table": "aes_schools", "position": 0},
        "band_values",
        '{"setup_days": "Infinity", "support_days": "1"}',
        ("tranches aes_schools", "setup_days"),
    ),
    ("discount", {"code": "cpas-libre"}, "pct", "500", ("remise cpas-libre", "500")),
    ("component", DELIB_FIRST, "params", "{not json", ("produit delib", "composant", "JSON")),
    ("component", DELIB_FIRST, "params", '["T1"]', ("produit delib", "objet JSON")),
    ("component", DELIB_FIRST, "params", "[" * 100_000, ("produit delib", "« [[[", "JSON lisible")),
    ("parameter", AES_SCHOOLS, "minimum", "abc", ("produit aes", "paramètre schools", "« abc »")),
    ("parameter", AES_SCHOOLS, "minimum", "NaN", ("paramètre schools", "NaN")),
    ("member", BEAUVECHAIN, "other_names", "Bevekom", ("commune:25005", "autres noms", "Bevekom")),
    ("member", BEAUVECHAIN, "other_names", '"Bevekom"', ("commune:25005", "liste JSON")),
]


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "named"),
    CASES,
    ids=[f"{c[0]}.{c[2]}={c[3][:30]}" for c in CASES],
)
def test_a_bad_value_refuses_the_bundle_by_name_and_changes_nothing(
    db: Database,
    tamper: Any,
    bundle: Path,
    tmp_path: Path,
    table: str,
    row: dict[str, Any],
    column: str,
    value: str,
    named: tuple[str, ...],
) -> None:
    bad = tmp_path / "trafique.zip"
    tamper(bundle, bad, table, row, column, value)
    before = snapshot(db)
    with pytest.raises(BundleError) as info:
        import_catalogue(db, bad)
    message = str(info.value)
    assert message.startswith("« trafique.zip » : ")
    for fragment in named:
        assert fragment in message, message
    assert message.endswith("Rien n'a été modifié.")
    assert len(message) < 500  # a pasted page is cut, not printed back
    assert snapshot(db) == before
    assert load_tariff(db).rates["prestations_produits"].amount == 906


def test_the_untouched_bundle_imports(db: Database, bundle: Path) -> None:
    report = import_catalogue(db, bundle)
    assert report.tables["price_cell"] > 0
    assert load_tariff(db).tables["T1"].rows["Cat 3"].cells["annual"].amount == 5344


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ([1, 2], "« [1, 2] »"),
        ({"montant": 1}, '« {"montant": 1} »'),
        ({"$b": "zz"}, '« {"$b": "zz"} »'),
        (2**80, "« 1208925819614629174706176 »"),
    ],
    ids=["list", "object", "bytes-not-hex", "past-64-bits"],
)
def test_a_cell_no_database_holds_refuses_the_bundle_by_table(
    db: Database, tamper: Any, bundle: Path, tmp_path: Path, value: object, named: str
) -> None:
    """A list, an object or a number past 64 bits where a text or a number goes: refused in
    French, not an unexpected error or « réessayez »."""
    bad = tmp_path / "trafique.zip"
    tamper(bundle, bad, "price_cell", T1_CAT3_ANNUAL, "amount", value)
    before = snapshot(db)
    with pytest.raises(BundleError) as info:
        import_catalogue(db, bad)
    assert str(info.value) == (
        f"« trafique.zip » : la table price_cell contient une valeur illisible ({named}). Rien "
        "n'a été importé ; demandez au siège un nouvel export."
    )
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("# Bon\n[[annexes]]\n", "bloc inconnu [[annexes]]"),
        ("# Bon\n\n[[produits]]\n", "le bloc [[signatures]]"),
        ("Texte.\n" * 20_000, "il dépasse 100\u202f000 caractères"),
    ],
    ids=["unknown-block", "no-signatures", "too-long"],
)
def test_a_contract_wording_that_cannot_print_refuses_the_bundle(
    db: Database, tamper: Any, tmp_path: Path, body: str, named: str
) -> None:
    """Imported, it stopped every contract on the laptop until the next catalogue."""
    from desktop.store.templates_repo import TemplateRepository

    TemplateRepository(db).get("contrat")  # the default wording, in the catalogue as version 1
    bundle = tmp_path / "catalogue.zip"
    export_catalogue(db, bundle, device="SIEGE")
    bad = tmp_path / "modele.zip"
    tamper(bundle, bad, "document_templates", 0, "body", body)
    before = snapshot(db)
    with pytest.raises(BundleError) as info:
        import_catalogue(db, bad)
    message = str(info.value)
    assert message.startswith(
        "« modele.zip » : le catalogue importé n'est pas valide : le texte du bon de commande "
        "qu'il apporte ne s'imprimerait pas (Modèle refusé"
    )
    # the author's advice (« Raccourcissez le texte ») is head office's to follow, and said so
    assert named in message and message.endswith(
        "demandez au siège de le corriger puis un nouvel export. Rien n'a été modifié."
    )
    assert snapshot(db) == before


def test_a_setup_off_the_grids_rule_is_imported_and_reported(
    db: Database, tamper: Any, bundle: Path, tmp_path: Path
) -> None:
    """Set-up = days x 906 (the product owner's invariant): a grid edited at head office that
    breaks it is head office's call, but the laptop says which rows to check."""
    from desktop.core.catalogue import setup_breaks

    assert setup_breaks(load_tariff(db)) == []  # the seed grid keeps its rule
    edited = tmp_path / "edite.zip"
    row = {"price_table": "T1", "key": "Cat 3", "column_name": "one_time"}
    tamper(bundle, edited, "price_cell", row, "amount", "2719")  # 3 days x 906 = 2718
    report = import_catalogue(db, edited)
    assert report.setup_breaks == (
        "tarif imio-2024, tableau T1, ligne « Cat 3 » : mise en place 2719 au lieu de 3 jours × 906 = 2718",
    )
    assert report.lines()[-2:] == [
        "À vérifier, mise en place ≠ jours × taux journalier (1) :",
        "  - " + report.setup_breaks[0],
    ]
    many = replace(report, setup_breaks=report.setup_breaks * 66)  # a whole grid made one line
    assert len(many.lines()) == len(report.lines()) + 10 and many.lines()[-1].startswith("  - … et 56 autres")


def test_the_import_report_names_every_table_in_french(db: Database, bundle: Path, tmp_path: Path) -> None:
    from desktop.store.bundles import TABLE_LABELS

    assert set(catalogue_tables(db.conn)) <= set(TABLE_LABELS)  # a new table needs its label
    other = open_database(tmp_path / "autre.db")
    try:
        lines = import_catalogue(other, bundle).lines()
    finally:
        other.close()
    assert "Membres : 612 lignes" in lines
    assert "Tarifs : 1 ligne" in lines
    assert not any("_" in line.partition(" : ")[0] for line in lines)


def drop_rows(src: Path, dst: Path, cut: dict[str, dict[str, Any]]) -> None:
    """Leave out of ``table`` the rows matching ``cut[table]`` and re-sign the manifest, as
    someone editing a bundle by hand would."""
    import json
    import zipfile

    from forged import resign_manifest

    with zipfile.ZipFile(src) as z:
        files = {n: z.read(n) for n in z.namelist()}
    for table, row in cut.items():
        doc = json.loads(files[f"tables/{table}.json"])
        cols = doc["columns"]
        kept = [r for r in doc["rows"] if not all(r[cols.index(k)] == v for k, v in row.items())]
        assert len(kept) < len(doc["rows"]), (table, row)
        doc["rows"] = kept
        files[f"tables/{table}.json"] = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    resign_manifest(files)
    with zipfile.ZipFile(dst, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)


T1_CAT3 = {"price_table": "T1", "key": "Cat 3"}
LEFT_OUT = [
    ({"price_cell": T1_CAT3, "price_row": T1_CAT3}, "tableau T1 : pas de ligne « Cat 3 »"),
    ({"price_cell": T1_CAT3_ANNUAL}, "tableau T1, ligne « Cat 3 », colonne annual : case absente"),
]


@pytest.mark.parametrize(("cut", "named"), LEFT_OUT, ids=["row", "cell"])
def test_a_price_left_out_refuses_the_bundle_rather_than_quoting_it_sur_devis(
    db: Database, bundle: Path, tmp_path: Path, cut: dict[str, dict[str, Any]], named: str
) -> None:
    """The grid says « sur devis » or « non proposé » in so many words: a row or a cell missing
    from a bundle is a damaged bundle, not a price turned into « sur devis » on every laptop."""
    bad = tmp_path / "incomplet.zip"
    drop_rows(bundle, bad, cut)
    before = snapshot(db)
    with pytest.raises(BundleError) as info:
        import_catalogue(db, bad)
    message = str(info.value)
    assert named in message and "« non proposé »" in message, message
    assert message.endswith("Rien n'a été modifié.")
    assert len(message) < 500  # a pasted page is cut, not printed back
    assert snapshot(db) == before


@pytest.mark.parametrize("edited", [False, True])
def test_head_office_s_earlier_default_wording_gives_way_on_the_laptop_its_own_stays(
    db: Database, tmp_path: Path, edited: bool
) -> None:
    """A catalogue from head office still on an earlier version carries the default wording of
    that version: untouched, the laptop prints its own default; edited, head office's text."""
    from desktop.documents.contract import default_template_text
    from desktop.store.templates_repo import TemplateRepository

    earlier = (Path(__file__).parents[1] / "documents" / "earlier_contract_fr.txt").read_text(encoding="utf-8")
    theirs = earlier.replace("Article 2 — Objet et cadre", "Article 2 — Objet")
    with db.transaction() as conn:
        conn.execute("DELETE FROM document_templates")
        conn.executemany(
            "INSERT INTO document_templates (code, version, body, origin, saved_at, saved_by) "
            "VALUES ('contrat', ?, ?, ?, '2026-11-22T10:00:00+01:00', '')",
            [(1, earlier, "defaut"), *([(2, theirs, "modifie")] if edited else [])],
        )
    bundle = tmp_path / "catalogue.zip"
    export_catalogue(db, bundle, device="SIEGE")
    TemplateRepository(db).reset()  # the laptop's own wording, replaced by head office's
    import_catalogue(db, bundle)
    t = TemplateRepository(db).get()
    if edited:
        assert (t.version, t.body) == (2, theirs)
    else:
        assert (t.version, t.body, t.origin) == (2, default_template_text(), "defaut")
