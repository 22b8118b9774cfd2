"""The catalogue in SQLite rebuilds exactly the tariff of the seed files."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from desktop.core.errors import NotFound, StorageError
from desktop.store.catalogue_repo import active_tariff_code, list_tariffs, load_tariff, write_tariff
from desktop.store.database import open_database
from desktop.store.faults import UnreadableData
from desktop.store.seed_tariff import parse_tariff_dir

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def db(db_path: Path):
    database = open_database(db_path)
    yield database
    database.close()


def test_round_trip_equals_the_seed_files(db) -> None:
    from_files = parse_tariff_dir(ROOT / "db" / "tariffs" / "imio-2024", ROOT / "db").tariff
    from_db = load_tariff(db, "imio-2024")
    assert from_db == from_files
    assert list(from_db.products) == list(from_files.products)  # catalogue order kept
    assert list(from_db.tables["T1"].rows) == list(from_files.tables["T1"].rows)


def test_sources_are_kept_in_the_database(db) -> None:
    conn = db.conn
    assert conn.execute(
        "SELECT source FROM price_row WHERE price_table = 'T1' AND key = 'Cat 3'"
    ).fetchone() == ("000:L149",)
    assert conn.execute("SELECT source FROM tariff_meta WHERE key = 'approval_ca'").fetchone() == (
        "000:L5-L6",
    )
    assert conn.execute("SELECT source FROM product_note WHERE product = 'vision'").fetchone() == (
        "000:L205",
    )


def test_none_loads_the_tariff_in_force(db) -> None:
    assert load_tariff(db).code == "imio-2024"
    assert active_tariff_code(db, date(2020, 1, 1)) == "imio-2024"  # none started yet: earliest


def test_a_later_grid_takes_over_on_its_start_date(db) -> None:
    current = load_tariff(db)
    nxt = replace(
        current,
        code="imio-2025",
        year=2025,
        valid_from=date(2025, 1, 1),
        categories=replace(current.categories, tariff="imio-2025"),
    )
    with db.transaction() as conn:
        write_tariff(conn, nxt, origin="import")
    assert [t.code for t in list_tariffs(db)] == ["imio-2024", "imio-2025"]
    assert active_tariff_code(db, date(2024, 6, 1)) == "imio-2024"
    assert active_tariff_code(db, date(2025, 1, 1)) == "imio-2025"
    assert load_tariff(db, today=date(2026, 3, 1)).code == "imio-2025"
    assert load_tariff(db, "imio-2025") == nxt


def test_an_unknown_tariff(db) -> None:
    with pytest.raises(NotFound, match="imio-2024"):
        load_tariff(db, "imio-1999")


def test_replacing_a_tariff_removes_its_old_rows(db) -> None:
    tariff = load_tariff(db)
    smaller = replace(
        tariff, products={"delib": tariff.products["delib"]}, constraints=(), discounts=()
    )
    with db.transaction() as conn:
        write_tariff(conn, smaller, origin="edit")
    assert load_tariff(db) == smaller
    assert db.conn.execute("SELECT count(*) FROM component").fetchone()[0] == 3


def test_an_unreadable_price_in_the_database_is_named_not_a_crash(db) -> None:
    conn = sqlite3.connect(db.path)
    with conn:
        conn.execute(
            "UPDATE price_cell SET amount = 'abc' WHERE price_table = 'T1' AND key = 'Cat 3'"
            " AND column_name = 'annual'"
        )
    conn.close()
    with pytest.raises(UnreadableData) as info:
        load_tariff(db, "imio-2024")
    assert isinstance(info.value, StorageError)  # a French message, status 2
    assert str(info.value) == (
        "tarif imio-2024, tableau T1, ligne « Cat 3 », colonne annual : « abc » n'est pas un nombre"
    )
