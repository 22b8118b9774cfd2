"""Opening the database: location, pragmas, migrations, idempotent and all-or-nothing seeding."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.core.errors import CatalogueError, StorageError
from desktop.store import database as database_module
from desktop.store import seed as seed_module
from desktop.store.catalogue_repo import list_tariffs, load_tariff, write_tariff
from desktop.store.database import (
    DB_FILE_NAME,
    discover_migrations,
    open_database,
    resolve_db_path,
    split_sql,
)
from desktop.store.seed_files import SeedError

ROOT = Path(__file__).resolve().parents[3]

COUNTED_TABLES = (
    "tariff",
    "product",
    "price_cell",
    "component",
    "rate",
    "band",
    "term",
    "member",
    "member_postcode",
    "zone_commune",
)


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in COUNTED_TABLES
            if t in present
        }
    finally:
        conn.close()


def tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


# --------------------------------------------------------------------------- location


def test_db_path_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COMPTOIR_DB", str(tmp_path / "env.sqlite3"))
    assert resolve_db_path(str(tmp_path / "arg.sqlite3")) == tmp_path / "arg.sqlite3"
    assert resolve_db_path(None) == tmp_path / "env.sqlite3"
    monkeypatch.delenv("COMPTOIR_DB")
    default = resolve_db_path(None)
    assert default.name == DB_FILE_NAME and "omptoir" in str(default.parent)
    assert resolve_db_path("~/x.sqlite3") == Path.home() / "x.sqlite3"


def test_a_database_path_set_with_its_quotes_is_the_file_inside_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """« set COMPTOIR_DB="C:\\Users\\Frédéric Dupont\\comptoir.sqlite3" » in cmd keeps the
    quotes in the value, as does a path pasted from « Copier en tant que chemin d'accès »:
    Windows refuses such a name, and the laptop opened no database at all."""
    wanted = tmp_path / "Frédéric Dupont" / "comptoir.sqlite3"
    monkeypatch.setenv("COMPTOIR_DB", f' "{wanted}" ')
    assert resolve_db_path(None) == wanted


def test_open_creates_folders_and_sets_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "comptoir.sqlite3"
    db = open_database(path)
    try:
        conn = db.conn
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: survives power cuts
        assert not conn.in_transaction
        assert db.schema_version() == max(m.version for m in discover_migrations())
    finally:
        db.close()
    assert path.is_file()


def test_catalogue_and_member_tables_are_strict(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        sql = dict(
            conn.execute("SELECT name, sql FROM sqlite_master WHERE type='table'").fetchall()
        )
    finally:
        conn.close()
    for name in (
        "tariff",
        "product",
        "price_cell",
        "component",
        "member",
        "setting",
        "schema_version",
    ):
        assert sql[name].rstrip().endswith("STRICT"), name


def test_a_strict_table_refuses_a_wrong_type(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError), db.transaction() as conn:
            conn.execute("UPDATE member SET ref_size = 'beaucoup' WHERE id = 'commune:25072'")
        with pytest.raises(sqlite3.IntegrityError), db.transaction() as conn:
            conn.execute("UPDATE member SET commune_id = 'commune:00000' WHERE id = 'cpas:25072'")
    finally:
        db.close()


# --------------------------------------------------------------------------- migrations


def test_migrations_are_numbered_and_recorded(db_path: Path) -> None:
    migrations = discover_migrations()
    versions = [m.version for m in migrations]
    assert versions == sorted(set(versions))
    assert versions[:3] == [1, 2, 3]
    conn = sqlite3.connect(db_path)
    try:
        recorded = [
            r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version")
        ]
    finally:
        conn.close()
    assert recorded == versions


def test_a_new_migration_is_applied_once(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "migrations"
    shutil.copytree(database_module.MIGRATIONS_DIR, folder)
    (folder / "0099_test_note.sql").write_text(
        "-- a later migration; with a ; in a comment\nCREATE TABLE test_note (x TEXT) STRICT;\n"
        "INSERT INTO test_note VALUES ('a;b');\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(database_module, "MIGRATIONS_DIR", folder)
    for _ in range(2):
        db = open_database(db_path)
        try:
            assert db.conn.execute("SELECT x FROM test_note").fetchall() == [("a;b",)]
            assert db.schema_version() == 99
        finally:
            db.close()


def test_a_failing_migration_changes_nothing(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "migrations"
    shutil.copytree(database_module.MIGRATIONS_DIR, folder)
    (folder / "0098_broken.sql").write_text(
        "CREATE TABLE half_done (x TEXT) STRICT;\nINSERT INTO no_such_table VALUES (1);\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(database_module, "MIGRATIONS_DIR", folder)
    with pytest.raises(StorageError, match=r"0098_broken\.sql"):
        open_database(db_path)
    assert "half_done" not in tables(db_path)
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] < 98
    finally:
        conn.close()


def test_a_database_from_a_newer_version_is_refused(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO schema_version VALUES (9999, 'future', '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="version plus récente"):
        open_database(db_path)


def test_split_sql_keeps_triggers_whole() -> None:
    script = (
        "CREATE TABLE t (a TEXT); -- first\n"
        "CREATE TRIGGER tr BEFORE DELETE ON t BEGIN\n  SELECT RAISE(ABORT, 'no; never');\nEND;\n"
        "-- trailing comment; with semicolon\n"
    )
    statements = list(split_sql(script))
    assert len(statements) == 2 and statements[1].endswith("END;")
    with pytest.raises(StorageError):
        list(split_sql("CREATE TABLE x (a TEXT)"))


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "comptoir.sqlite3"
    path.write_bytes(b"this is not an SQLite file at all" * 100)
    with pytest.raises(StorageError, match="endommagé"):
        open_database(path)


def test_another_programs_database_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    """``--db`` naming another program's SQLite file: it was given Comptoir's tables and the
    whole catalogue, and switched to WAL."""
    path = tmp_path / "autre.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (texte TEXT)")
    conn.execute("INSERT INTO notes VALUES ('à garder')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StorageError) as info:
        open_database(path)
    assert str(info.value) == (
        f"{path} est une base SQLite, mais pas une base Comptoir (elle n'a pas de version de "
        "schéma) : Comptoir ne l'a pas modifiée. Indiquez le fichier de la base Comptoir "
        "(--db ou COMPTOIR_DB), ou un nom de fichier nouveau pour en créer une."
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["autre.sqlite3"]


# --------------------------------------------------------------------------- seeding


def test_seeding_builds_everything_once(tmp_path: Path) -> None:
    path = tmp_path / "comptoir.sqlite3"
    open_database(path).close()
    first = counts(path)
    assert first["tariff"] == 1 and first["member"] == 612
    assert first["product"] == 36 and first["price_cell"] > 300
    open_database(path).close()
    assert counts(path) == first


def test_seeding_is_skipped_when_the_files_did_not_change(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("seed files parsed again")

    monkeypatch.setattr(seed_module, "parse_tariff_dir", boom)
    monkeypatch.setattr(seed_module, "parse_directory", boom)
    open_database(db_path).close()


def test_progress_is_reported(tmp_path: Path) -> None:
    seen: list[tuple[float, str]] = []
    open_database(tmp_path / "x.sqlite3", progress=lambda f, m: seen.append((f, m))).close()
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(isinstance(m, str) and m for _, m in seen)


def test_an_interrupted_first_start_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seeding fails after the catalogue is written: nothing of it (nor the schema) remains."""
    real = seed_module.seed_directory

    def crash(conn: sqlite3.Connection, members: list) -> None:
        real(conn, members[:100])  # half of the work...
        raise KeyboardInterrupt  # ...then the power goes

    monkeypatch.setattr(seed_module, "seed_directory", crash)
    path = tmp_path / "comptoir.sqlite3"
    with pytest.raises(KeyboardInterrupt):
        open_database(path)
    assert tables(path) == set()  # not even the schema: the next start begins from scratch
    monkeypatch.setattr(seed_module, "seed_directory", real)
    open_database(path).close()
    assert counts(path)["member"] == 612 and counts(path)["tariff"] == 1


def test_a_bad_seed_file_leaves_nothing_and_names_the_line(tmp_path: Path) -> None:
    seeds = tmp_path / "db"
    shutil.copytree(ROOT / "db", seeds)
    prices = seeds / "tariffs" / "imio-2024" / "price_tables.csv"
    text = prices.read_text(encoding="utf-8")
    line = text[: text.index("T1,Cat 3,")].count("\n") + 1
    prices.write_text(
        text.replace("T1,Cat 3,5344,2718,3", "T1,Cat 3,5344,2718,4"), encoding="utf-8"
    )
    path = tmp_path / "comptoir.sqlite3"
    with pytest.raises(CatalogueError) as info:
        open_database(path, seed_dir=seeds)
    assert info.value.location == f"db/tariffs/imio-2024/price_tables.csv:{line}"
    assert tables(path) == set()


def test_changed_seed_files_refresh_the_catalogue_and_keep_user_data(tmp_path: Path) -> None:
    from desktop.store.members_repo import MemberRepository

    seeds = tmp_path / "db"
    shutil.copytree(ROOT / "db", seeds)
    path = tmp_path / "comptoir.sqlite3"
    db = open_database(path, seed_dir=seeds)
    from datetime import date

    repo = MemberRepository(db)
    nivelles = repo.get("commune:25072")
    repo.save(nivelles.with_size_correction(29000, date(2024, 1, 1), "Statbel 2024", today=date(2024, 6, 1)))
    db.close()
    prices = seeds / "tariffs" / "imio-2024" / "price_tables.csv"
    prices.write_text(
        prices.read_text(encoding="utf-8").replace("T1,Cat 1,3735,", "T1,Cat 1,3800,"),
        encoding="utf-8",
    )
    db = open_database(path, seed_dir=seeds)
    try:
        assert load_tariff(db, "imio-2024").tables["T1"].cell("Cat 1", "annual").amount == 3800
        nivelles = MemberRepository(db).get("commune:25072")
        assert nivelles.size_correction is not None and nivelles.size_correction.value == 29000
        assert nivelles.reference_size.value == 28883
    finally:
        db.close()


def test_an_imported_tariff_is_not_overwritten_by_seed_files(tmp_path: Path) -> None:
    seeds = tmp_path / "db"
    shutil.copytree(ROOT / "db", seeds)
    path = tmp_path / "comptoir.sqlite3"
    db = open_database(path, seed_dir=seeds)
    tariff = load_tariff(db)
    with db.transaction() as conn:
        write_tariff(conn, tariff, origin="import")
    db.close()
    prices = seeds / "tariffs" / "imio-2024" / "price_tables.csv"
    prices.write_text(
        prices.read_text(encoding="utf-8").replace("T1,Cat 1,3735,", "T1,Cat 1,3800,"),
        encoding="utf-8",
    )
    db = open_database(path, seed_dir=seeds)
    try:
        assert [t.origin for t in list_tariffs(db)] == ["import"]
        assert load_tariff(db).tables["T1"].cell("Cat 1", "annual").amount == 3735
    finally:
        db.close()
    # and the next start does not try again
    db = open_database(path, seed_dir=seeds)
    db.close()


def test_transaction_rolls_back_and_nests(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        with pytest.raises(RuntimeError), db.transaction() as conn:
            conn.execute("UPDATE member SET address = 'x' WHERE id = 'commune:25072'")
            raise RuntimeError
        assert (
            db.conn.execute("SELECT address FROM member WHERE id = 'commune:25072'").fetchone()[0]
            == ""
        )
        with db.transaction() as conn:
            conn.execute("UPDATE member SET address = 'a' WHERE id = 'commune:25072'")
            with pytest.raises(RuntimeError), db.transaction() as inner:
                inner.execute("UPDATE member SET address = 'b' WHERE id = 'commune:25072'")
                raise RuntimeError
        assert (
            db.conn.execute("SELECT address FROM member WHERE id = 'commune:25072'").fetchone()[0]
            == "a"
        )
    finally:
        db.close()


def test_a_commit_refused_leaves_no_transaction_open(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without WAL (a folder that refuses it), a reader's lock makes COMMIT fail: the
    transaction stayed open, so each later save went into it, said saved but never committed,
    and the database stayed locked for every other program until Comptoir closed."""
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 100)
    db = open_database(db_path)
    reader = sqlite3.connect(db_path, isolation_level=None)
    try:
        db.conn.execute("PRAGMA journal_mode = DELETE")
        db.conn.execute("PRAGMA busy_timeout = 100")
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM member").fetchone()  # holds its read lock
        with pytest.raises(StorageError, match="occupée par un autre programme"), db.transaction() as conn:
            conn.execute("UPDATE member SET address = 'x' WHERE id = 'commune:25072'")
        assert not db.conn.in_transaction
        reader.execute("COMMIT")
        with db.transaction() as conn:
            conn.execute("UPDATE member SET address = 'y' WHERE id = 'commune:25072'")
        assert not db.conn.in_transaction
        row = reader.execute("SELECT address FROM member WHERE id = 'commune:25072'").fetchone()
        assert row[0] == "y"
    finally:
        reader.close()
        db.close()


def test_seed_error_is_a_catalogue_error() -> None:
    error = SeedError([("db/x.csv:3", "montant négatif -1")])
    assert isinstance(error, CatalogueError)
    assert str(error) == "db/x.csv:3 : montant négatif -1" and error.location == "db/x.csv:3"


def test_the_seed_fingerprint_sees_a_changed_byte_and_a_renamed_file(tmp_path: Path) -> None:
    from desktop.store.seed import checksum

    folder = tmp_path / "belgium"
    folder.mkdir()
    (folder / "a.csv").write_bytes(b"nis;nom\n25072;Nivelles\n")
    (folder / "b.csv").write_bytes(b"zone;nom\n5267;Nivelles/Genappe\n")
    files = sorted(folder.glob("*.csv"))
    first = checksum(files, tmp_path)
    assert checksum(list(reversed(files)), tmp_path) == first  # order of listing aside
    (folder / "a.csv").write_bytes(b"nis;nom\n25072;Nivellez\n")  # one letter
    changed = checksum(sorted(folder.glob("*.csv")), tmp_path)
    assert changed != first
    (folder / "b.csv").rename(folder / "c.csv")
    assert checksum(sorted(folder.glob("*.csv")), tmp_path) != changed
