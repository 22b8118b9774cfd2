"""Nothing the application writes may land on a database, a damaged database never pushes a
good backup out, and every fault reads as French advice."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from forged import damage_quietly, resign_manifest, symbolic_link
from lifecycle_factories import draft, fake_pdf, open_test_db

from desktop.core.errors import InvalidInput
from desktop.store.backup import (
    backup,
    backup_at_start,
    backup_dir,
    backup_pattern,
    check_backup,
    list_backups,
)
from desktop.store.bundles import export_catalogue, export_offers
from desktop.store.database import Database
from desktop.store.faults import DatabaseCorrupt
from desktop.store.files import SIDE_SUFFIXES, check_target, write_atomically
from desktop.store.offers_repo import NumbersGiven, OfferRepository

T0 = datetime(2026, 3, 2, 9, 0, 0)


def _count_offers(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM offers").fetchone()[0])
    finally:
        conn.close()


def _targets(db: Path) -> list[Path]:
    """The database, each file kept beside it, and the database through a symbolic link
    (where the system lets one be made)."""
    link = db.with_name("lien.db")
    links = [link] if link.exists() or symbolic_link(link, db) else []
    return [db, *(db.with_name(db.name + s) for s in SIDE_SUFFIXES), *links]


# --- 1. no file is written over a database ----------------------------------------------------


def test_the_numbers_and_lock_files_are_among_the_protected_side_files() -> None:
    assert NumbersGiven.SUFFIX in SIDE_SUFFIXES
    assert {"-wal", "-shm", "-journal", ".lock"} <= set(SIDE_SUFFIXES)


def test_no_pdf_or_export_is_written_over_the_database_or_its_side_files(
    db: Database, repo: OfferRepository
) -> None:
    offer = repo.finalise(repo.save_draft(draft()).id, fake_pdf)
    NumbersGiven(db.path).record("LAP1", 2026, 1)  # the numbers file beside the database
    before = _count_offers(db.path)
    for target in _targets(db.path):
        existed = target.read_bytes() if target.is_file() else None
        with pytest.raises(InvalidInput, match=r"base de données.*Choisissez un autre nom"):
            write_atomically(target, b"%PDF-1.4", what="le fichier PDF")
        with pytest.raises(InvalidInput, match="base de données"):
            export_offers(repo, target)
        with pytest.raises(InvalidInput, match="base de données"):
            export_catalogue(db, target)
        with pytest.raises(InvalidInput, match="base de données"):
            check_target(target)  # what « Imprimer dans un fichier » checks
        assert (target.read_bytes() if target.is_file() else None) == existed
    assert _count_offers(db.path) == before
    assert repo.pdf(offer.number or "")  # the frozen PDF is still there


def test_another_database_is_not_overwritten_by_an_export_but_a_plain_file_is(
    db: Database, repo: OfferRepository, tmp_path: Path
) -> None:
    other = tmp_path / "autre.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(InvalidInput, match="est une base de données"):
        export_offers(repo, other)
    assert other.read_bytes().startswith(b"SQLite format 3")
    old = tmp_path / "lot.zip"
    old.write_bytes(b"ancien lot")
    export_offers(repo, old)  # replacing an ordinary file stays possible
    assert old.read_bytes().startswith(b"PK")


def test_a_backup_may_replace_an_older_backup_but_not_a_database_in_use(
    db: Database, tmp_path: Path
) -> None:
    older = tmp_path / "ancienne-sauvegarde.sqlite3"
    backup(db, older)
    backup(db, older)  # a backup over a backup: allowed (the app has asked already)
    in_use = tmp_path / "autre.db"
    other = sqlite3.connect(in_use)
    other.execute("PRAGMA journal_mode = WAL")
    other.execute("CREATE TABLE t (x)")
    try:
        with pytest.raises(InvalidInput, match="en cours d'utilisation"):
            backup(db, in_use)
        with pytest.raises(InvalidInput, match=r"fait partie de la base de données autre\.db"):
            backup(db, Path(f"{in_use}-wal"))
    finally:
        other.close()


# --- 2. a damaged database never pushes a good start-up copy out -----------------------------


ENGLISH_FROM_SQLITE = ("malformed", "corruption", "Page ", "database disk image", "*** in")


def test_start_copies_of_a_damaged_database_are_refused_and_the_good_ones_kept(
    db: Database, repo: OfferRepository, tmp_path: Path
) -> None:
    repo.save_draft(draft())
    path = db.path
    db.close()
    good = [backup_at_start(path, now=T0 + timedelta(minutes=i)) for i in range(3)]
    damage_quietly(path)
    for i in range(12):  # more starts than copies kept
        with pytest.raises(DatabaseCorrupt) as caught:
            backup_at_start(path, now=T0 + timedelta(hours=1, minutes=i))
        message = str(caught.value)
        assert "endommagée" in message and "Restaurer la base" in message
        assert not any(e in message for e in ENGLISH_FROM_SQLITE), message
    folder = backup_dir(path)
    assert list_backups(folder, "demarrage") == good
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in good if p)  # no leftovers
    for copy in good:
        assert check_backup(copy).schema_version > 0  # each one still restores


def test_saving_a_backup_of_a_damaged_database_says_what_to_do(
    db: Database, tmp_path: Path
) -> None:
    path = db.path
    db.close()
    damage_quietly(path)
    out = tmp_path / "copie.sqlite3"
    with pytest.raises(DatabaseCorrupt) as caught:
        backup(path, out)
    message = str(caught.value)
    assert "restaurez une sauvegarde antérieure" in message and "support" in message
    assert not any(e in message for e in ENGLISH_FROM_SQLITE), message
    assert not out.exists()


def test_a_damaged_database_is_not_migrated(tmp_path: Path) -> None:
    from desktop.store.backup import backup_before_migration

    db = open_test_db(tmp_path / "ancienne.db")
    path = db.path
    db.close()
    damage_quietly(path)
    before = path.read_bytes()
    from desktop.store.faults import RESTORE_ADVICE

    with pytest.raises(DatabaseCorrupt, match="ne met pas à jour une base endommagée") as caught:
        backup_before_migration(path)
    assert str(caught.value).endswith(RESTORE_ADVICE)  # left out by the start, which offers it
    assert path.read_bytes() == before
    assert list_backups(backup_dir(path)) == []


# --- 6. each database of a folder has its own copies --------------------------------------------


def test_two_databases_in_one_folder_keep_their_own_copies(tmp_path: Path) -> None:
    paths = []
    for name in ("catA.db", "catB.db"):
        db = open_test_db(tmp_path / name)
        paths.append(db.path)
        db.close()
    a, b = paths
    b_copies = [backup_at_start(b, now=T0 + timedelta(minutes=i)) for i in range(3)]
    a_copies = [backup_at_start(a, now=T0 + timedelta(hours=1, minutes=i)) for i in range(12)]
    folder = backup_dir(a)
    assert folder == backup_dir(b)  # one folder beside the databases
    assert all(p and p.name.startswith("catA-") for p in a_copies)
    assert list_backups(folder, "demarrage", database=a) == a_copies[-10:]  # catA's rotation...
    assert list_backups(folder, "demarrage", database=b) == b_copies  # ...never touched catB's
    assert all(p and p.exists() for p in b_copies)
    assert backup_pattern(a) == "catA-*.sqlite3"


def test_copies_named_before_databases_had_their_own_names_stay_with_the_default_one(
    tmp_path: Path,
) -> None:
    default = open_test_db(tmp_path / "comptoir.sqlite3")
    other = open_test_db(tmp_path / "autre.db")
    for db in (default, other):
        db.close()
    folder = backup_dir(default.path)
    folder.mkdir()
    older = []
    for i in range(10):  # what earlier versions left, whatever database they copied
        p = folder / f"comptoir-20250101-0900{i:02d}-demarrage.sqlite3"
        p.write_bytes(default.path.read_bytes())
        older.append(p)
    backup_at_start(other.path, now=T0)
    assert all(p.exists() for p in older)  # another database never deletes them
    own = list_backups(folder, "demarrage", database=other.path)
    assert own == [folder / "autre-20260302-090000-demarrage.sqlite3"]
    mine = backup_at_start(default.path, now=T0)
    kept = list_backups(folder, "demarrage", database=default.path)
    assert kept == [*older[1:], mine]  # the default database's rotation ages them out


# --- 7. a backup from an older version is brought up to date on a copy first --------------------


def _database_at_schema(path: Path, last: int) -> Path:
    """A database as an older Comptoir left it: the migrations up to ``last`` only."""
    from desktop.store.database import Database, _apply, connect, discover_migrations

    conn = connect(path)
    db = Database(path, conn)
    with db.transaction():
        conn.execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL) STRICT"
        )
        for m in discover_migrations():
            if m.version <= last:
                _apply(conn, m, path)
    db.close()
    return path


def test_a_backup_that_cannot_be_brought_up_to_date_is_refused_before_anything_changes(
    db: Database, repo: OfferRepository, tmp_path: Path
) -> None:
    from desktop.store.backup import restore
    from desktop.store.faults import BackupError

    kept = repo.save_draft(draft())
    fake = tmp_path / "schema-11.sqlite3"
    backup(db, fake)
    conn = sqlite3.connect(fake)
    conn.execute("DELETE FROM schema_version WHERE version > 11")  # says 11, holds every table
    conn.commit()
    conn.close()
    with pytest.raises(BackupError) as caught:
        check_backup(fake)  # what « Restaurer… » asks before its confirmation
    message = str(caught.value)
    assert "schéma 11" in message and "n'a pas été restaurée" in message
    assert "already exists" not in message
    path = db.path
    db.close()
    with pytest.raises(BackupError, match="version plus ancienne"):
        restore(path, fake)
    reopened = open_test_db(path)
    try:
        assert OfferRepository(reopened).get(kept.id).id == kept.id  # the database is the same
    finally:
        reopened.close()
    assert list_backups(backup_dir(path)) == []  # nothing was even set aside


def test_a_backup_from_an_older_version_is_restored_and_opens(db: Database, tmp_path: Path) -> None:
    from desktop.store.backup import restore
    from desktop.store.database import discover_migrations, open_database

    old = _database_at_schema(tmp_path / "ancienne" / "v11.sqlite3", 11)
    assert check_backup(old).schema_version == 11
    path = db.path
    db.close()
    assert restore(path, old).schema_version == 11
    reopened = open_database(path)  # migrated at the next start, as the trial promised
    try:
        assert reopened.schema_version() == max(m.version for m in discover_migrations())
    finally:
        reopened.close()


# --- 4. no English from SQLite or Python reaches the user ---------------------------------------

ENGLISH = (
    *ENGLISH_FROM_SQLITE,
    "list indices",
    "Expecting",
    "is not a valid",
    "constraint failed",
    "decompressing",
    "Error",
    "unable to open",
)


def _french(message: str) -> str:
    assert not any(e in message for e in ENGLISH), message
    return message


def test_a_damaged_backup_is_refused_in_french_with_what_to_do(
    db: Database, tmp_path: Path
) -> None:
    from desktop.store.backup import restore
    from desktop.store.faults import BackupError

    copy = tmp_path / "copie.sqlite3"
    backup(db, copy)
    damage_quietly(copy)
    with pytest.raises(BackupError) as caught:
        check_backup(copy)
    assert "choisissez une autre sauvegarde" in _french(str(caught.value))
    path = db.path
    db.close()
    with pytest.raises(BackupError) as caught:
        restore(path, copy)
    _french(str(caught.value))
    half = tmp_path / "moitie.sqlite3"
    half.write_bytes(copy.read_bytes()[:5000])  # a copy cut short
    with pytest.raises(BackupError) as caught:
        check_backup(half)
    assert "endommagée" in _french(str(caught.value))


def _tampered_offers_bundle(tmp_path: Path, repo: OfferRepository, edit) -> Path:  # type: ignore[no-untyped-def]
    """An exported offers bundle, one of whose offer files is changed by ``edit`` and the
    manifest signed again (what someone editing the zip by hand would do)."""
    import zipfile

    repo.finalise(repo.save_draft(draft()).id, fake_pdf)
    out = tmp_path / "lot.zip"
    export_offers(repo, out)
    with zipfile.ZipFile(out) as z:
        files = {n: z.read(n) for n in z.namelist()}
    offer_file = next(n for n in files if n.endswith(".json") and n != "manifest.json")
    files[offer_file] = edit(files[offer_file])
    resign_manifest(files)
    tampered = tmp_path / "modifie.zip"
    with zipfile.ZipFile(tampered, "w") as z:
        for n, d in files.items():
            z.writestr(n, d)
    return tampered


def _set_state(raw: bytes) -> bytes:
    import json

    doc = json.loads(raw)
    doc["offer"]["state"] = "bogus"
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (lambda raw: b"[1,2]", "n'a pas la forme d'une offre"),
        (lambda raw: b"{not json", "JSON illisible (ligne 1, colonne 2)"),
        (lambda raw: b"\xff\xfe", "pas du texte UTF-8"),
        (_set_state, "valeur « bogus » inconnue à offre.state ; valeurs possibles : brouillon"),
        (lambda raw: raw.replace(b'"snapshot"', b'"instantane"'), "champ « snapshot » absent"),
    ],
)
def test_a_tampered_offers_bundle_is_refused_in_french(
    repo: OfferRepository, tmp_path: Path, edit, said: str  # type: ignore[no-untyped-def]
) -> None:
    from desktop.store.bundles import import_offers
    from desktop.store.faults import BundleError

    tampered = _tampered_offers_bundle(tmp_path, repo, edit)
    with pytest.raises(BundleError) as caught:
        import_offers(repo, tampered)
    message = _french(str(caught.value))
    assert said in message and "demandez un nouvel export" in message


def test_a_manifest_that_is_not_json_is_refused_in_french(
    repo: OfferRepository, tmp_path: Path
) -> None:
    import zipfile

    from desktop.store.bundles import import_offers
    from desktop.store.faults import BundleError

    bad = tmp_path / "lot.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("manifest.json", b"{not json")
    with pytest.raises(BundleError) as caught:
        import_offers(repo, bad)
    assert "manifest.json : JSON illisible (ligne 1, colonne 2)" in _french(str(caught.value))


def test_an_unexpected_sqlite_or_system_error_is_said_in_french() -> None:
    import errno

    from desktop.store.faults import map_error

    sqlite_error = sqlite3.DatabaseError("some brand new failure")
    assert "some brand new" not in str(map_error(sqlite_error, "lire les offres"))
    os_error = OSError(errno.EIO, "Input/output error")
    message = str(map_error(os_error, "écrire le lot"))
    assert "Input/output" not in message and "Vérifiez le support" in message


# --- 3. a read-only database, a full disk ---------------------------------------------------------


def _sqlite_error(text: str, code: int) -> sqlite3.OperationalError:
    e = sqlite3.OperationalError(text)
    e.sqlite_errorcode = code  # type: ignore[attr-defined]
    return e


def test_a_database_sqlite_cannot_open_on_a_read_only_medium_is_said_read_only(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from desktop.store.faults import DatabaseReadOnly, map_error

    cantopen = _sqlite_error("unable to open database file", sqlite3.SQLITE_CANTOPEN)
    elsewhere = map_error(cantopen, "ouvrir la base de données", db.path)
    assert not isinstance(elsewhere, DatabaseReadOnly)  # a folder that can be written: not that
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # what a protected key answers
    error = map_error(cantopen, "ouvrir la base de données", db.path)
    assert isinstance(error, DatabaseReadOnly)
    assert "lecture seule" in str(error) and "Copiez le fichier dans un dossier" in str(error)


def test_an_io_error_on_a_full_disk_is_said_disk_full(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from desktop.store.faults import DiskFull, map_error

    ioerr = _sqlite_error("disk I/O error", 4874)  # SQLITE_IOERR_SHMSIZE
    assert not isinstance(map_error(ioerr, "ouvrir la base de données", db.path), DiskFull)

    class Full:
        f_bavail = 0
        f_frsize = 4096

    monkeypatch.setattr(os, "statvfs", lambda path: Full(), raising=False)  # none on Windows
    error = map_error(ioerr, "ouvrir la base de données", db.path)
    assert isinstance(error, DiskFull) and "libérez de la place" in str(error)


def test_a_read_only_open_reads_and_refuses_writes_in_french(
    db: Database, repo: OfferRepository
) -> None:
    from desktop.store.database import open_read_only
    from desktop.store.faults import DatabaseReadOnly

    saved = repo.save_draft(draft())
    path = db.path
    db.close()
    reader = open_read_only(path)
    try:
        readonly = OfferRepository(reader)
        assert readonly.get(saved.id).id == saved.id
        with pytest.raises(DatabaseReadOnly, match="lecture seule"):
            readonly.save_draft(draft())
    finally:
        reader.close()


def test_the_command_line_falls_back_to_reading_a_read_only_database(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import desktop.store.database as database
    from desktop.cli import Services
    from desktop.store.faults import DatabaseReadOnly

    path = db.path
    db.close()

    def protected(*args: object, **kwargs: object) -> Database:
        raise DatabaseReadOnly("Impossible d'ouvrir la base de données : lecture seule.")

    monkeypatch.setattr(database, "open_database", protected)
    with Services(str(path)) as services:
        assert services.db.conn.execute("SELECT count(*) FROM offers").fetchone() == (0,)
    assert "lecture seule ; consultation seulement" in capsys.readouterr().err
