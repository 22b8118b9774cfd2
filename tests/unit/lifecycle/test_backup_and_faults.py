"""Backups (rotation, verified copies), restore that checks first, faults in French, one window."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from forged import symbolic_link
from lifecycle_factories import (
    FakePricer,
    FakeSettings,
    draft,
    fake_pdf,
    hold_lock,
    open_test_db,
)

from desktop.core.errors import InvalidInput, RuleViolation, StorageError
from desktop.store.backup import (
    backup,
    backup_at_start,
    backup_before_migration,
    backup_dir,
    check_backup,
    list_backups,
    restore,
)
from desktop.store.database import Database
from desktop.store.faults import (
    AlreadyRunning,
    BackupError,
    DatabaseCorrupt,
    DatabaseLocked,
    DatabaseReadOnly,
    DiskFull,
    map_error,
    storage_errors,
)
from desktop.store.instance_lock import InstanceLock, held_elsewhere
from desktop.store.offers_repo import OfferRepository

T0 = datetime(2026, 3, 2, 9, 0, 0)


def _repo(db: Database) -> OfferRepository:
    return OfferRepository(db, settings=FakeSettings, pricer=FakePricer())


# --- automatic backups ---------------------------------------------------------------------


def test_no_backup_on_a_first_start(tmp_path: Path) -> None:
    assert backup_at_start(tmp_path / "nouvelle.sqlite3") is None
    assert not backup_dir(tmp_path / "nouvelle.sqlite3").exists()


def test_start_backups_rotate_and_keep_ten(db: Database, repo: OfferRepository) -> None:
    repo.save_draft(draft())
    made = [backup_at_start(db.path, now=T0 + timedelta(minutes=i)) for i in range(13)]
    kept = list_backups(backup_dir(db.path), "demarrage")
    assert len(kept) == 10
    assert kept == made[3:]
    copy = sqlite3.connect(kept[-1])
    assert copy.execute("SELECT count(*) FROM offers").fetchone() == (1,)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    copy.close()


def test_a_start_on_a_clock_set_back_keeps_its_copy(db: Database) -> None:
    """A laptop whose clock went back to 2000 (a flat battery): the copy of that start is
    named after it, the oldest name of all, and is still kept; the oldest other one goes."""
    made = [backup_at_start(db.path, now=T0 + timedelta(days=i)) for i in range(10)]
    late = backup_at_start(db.path, now=datetime(2000, 1, 1, 0, 5))
    assert late is not None and late.exists()
    kept = list_backups(backup_dir(db.path), "demarrage")
    assert kept == [late, *made[1:]]


def test_pre_migration_backups_have_their_own_rotation(db: Database) -> None:
    for i in range(3):
        backup_at_start(db.path, now=T0 + timedelta(minutes=i))
    p = backup_before_migration(db.path, db.conn, now=T0)
    assert p is not None and p.name == f"{db.path.stem}-20260302-090000-avant-migration.sqlite3"
    assert len(list_backups(backup_dir(db.path), "demarrage")) == 3
    assert list_backups(backup_dir(db.path), "avant-migration") == [p]


def test_two_backups_in_the_same_second_do_not_overwrite_each_other(db: Database) -> None:
    a = backup_at_start(db.path, now=T0)
    b = backup_at_start(db.path, now=T0)
    assert a != b and a is not None and b is not None and a.exists() and b.exists()


def test_open_database_backs_up_before_pending_migrations(tmp_path: Path) -> None:
    """An existing database with a migration left to apply is copied first."""
    from desktop.store import database

    path = tmp_path / "ancienne.sqlite3"
    db = open_test_db(path)
    with db.transaction():
        db.conn.execute("DELETE FROM schema_version WHERE version = 11")
        db.conn.execute("DROP TABLE audit_log")
    db.close()
    try:
        reopened = database.open_database(path, seed=False)
    except ImportError:  # pragma: no cover - seed module not there yet
        pytest.skip("open_database needs the seed module")
    reopened.close()
    copies = list_backups(backup_dir(path), "avant-migration")
    assert len(copies) == 1
    old = sqlite3.connect(copies[0])
    # the copy is the database as it was before the migration ran
    assert old.execute("SELECT count(*) FROM schema_version WHERE version = 11").fetchone() == (0,)
    assert old.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'audit_log'"
    ).fetchone() == (0,)
    old.close()


def test_open_database_backs_up_before_a_new_versions_seed_files_price_its_drafts_again(
    db_path: Path,
) -> None:
    """A new version's seed files re-price the drafts as they load: the copy keeps the
    database as the previous version left it, for a laptop that goes back to it. A later
    opening, with nothing to load, copies nothing."""
    from upgrades import seeded_by_the_previous_version

    from desktop.store.database import open_database

    seeded_by_the_previous_version(db_path)
    open_database(db_path).close()
    open_database(db_path).close()
    copies = list_backups(backup_dir(db_path), "avant-migration")
    assert len(copies) == 1
    old = sqlite3.connect(copies[0])
    assert old.execute("SELECT checksum FROM seed_state WHERE name = 'tariff:imio-2024'").fetchone() == (
        "version-precedente",
    )
    old.close()


# --- manual backup and restore ------------------------------------------------------------


def test_backup_then_restore_brings_the_data_back_and_keeps_the_previous_database(
    db: Database, tmp_path: Path
) -> None:
    repo = _repo(db)
    kept = repo.finalise(repo.save_draft(draft()).id, fake_pdf)
    out = tmp_path / "copie.sqlite3"
    assert backup(db, out) == out
    info = check_backup(out)
    assert info.offers == 1 and info.schema_version >= 11
    later = repo.save_draft(draft())
    db.close()
    report = restore(db.path, out)
    assert report.previous_copy is not None and report.previous_copy.exists()
    again = open_test_db(db.path)
    try:
        r2 = _repo(again)
        assert r2.pdf(kept.number or "") == fake_pdf(kept)
        assert r2.find(later.id) is None
    finally:
        again.close()
    prev = sqlite3.connect(report.previous_copy)
    assert prev.execute("SELECT count(*) FROM offers").fetchone() == (2,)
    prev.close()


def _garbage(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _corrupted_copy(db: Database, tmp_path: Path) -> Path:
    repo = _repo(db)
    for _ in range(30):
        repo.save_draft(draft())
    out = backup(db, tmp_path / "bonne.sqlite3")
    data = bytearray(out.read_bytes())
    page = 4096
    for i in range(2 * page, len(data) - page, page):  # scribble over every page but the first two
        data[i + 100 : i + 400] = b"\xff" * 300
    return _garbage(tmp_path / "abimee.sqlite3", bytes(data))


def test_a_copy_taken_with_its_wal_restores_what_the_check_counted(
    db: Database, tmp_path: Path
) -> None:
    """A database copied with its -wal (taken while open): the check reads both through
    SQLite, so the restore must put back both, not the main file's bytes alone."""
    import shutil

    repo = _repo(db)
    source = tmp_path / "autre.sqlite3"
    other = open_test_db(source)
    try:
        other.conn.execute("PRAGMA wal_autocheckpoint = 0")  # the offers stay in the -wal
        kept = _repo(other).finalise(_repo(other).save_draft(draft()).id, fake_pdf)
        copy = tmp_path / "copie.sqlite3"
        shutil.copyfile(source, copy)
        shutil.copyfile(f"{source}-wal", f"{copy}-wal")
    finally:
        other.close()
    assert check_backup(copy).offers == 1
    repo.save_draft(draft())
    db.close()
    restore(db.path, copy)
    again = open_test_db(db.path)
    try:
        assert [o.id for o in _repo(again).list_offers()] == [kept.id]  # what was announced
    finally:
        again.close()


def test_a_damaged_database_can_be_restored_and_its_bytes_are_kept(
    db: Database, tmp_path: Path
) -> None:
    repo = _repo(db)
    kept = repo.finalise(repo.save_draft(draft()).id, fake_pdf)
    out = tmp_path / "copie.sqlite3"
    backup(db, out)
    db.close()
    damaged = db.path.read_bytes()[:5000] + b"\x00" * 3000  # torn: header left, pages gone
    db.path.write_bytes(damaged)
    with pytest.raises(DatabaseCorrupt):
        open_test_db(db.path).close()
    report = restore(db.path, out, now=T0)
    assert report.previous_copy is not None
    assert report.previous_copy.name == f"{db.path.stem}-20260302-090000-endommagee.sqlite3"
    assert report.previous_copy.read_bytes() == damaged  # for whoever can still rescue it
    again = open_test_db(db.path)
    try:
        assert _repo(again).pdf(kept.number or "") == fake_pdf(kept)
    finally:
        again.close()


def test_a_damaged_database_is_restored_with_no_connection_left_on_it(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows neither deletes nor replaces a file SQLite holds open. The copy taken before a
    restore opened the damaged file, failed, and left that connection open: on Windows the
    restore (at start, or « comptoir restore ») then stopped, « le fichier est ouvert dans un
    autre programme », and the damaged database stayed in place."""
    import os

    repo = _repo(db)
    kept = repo.finalise(repo.save_draft(draft()).id, fake_pdf)
    out = tmp_path / "copie.sqlite3"
    backup(db, out)
    db.close()
    data = db.path.read_bytes()
    db.path.write_bytes(data[: len(data) // 3])  # a power cut mid-write, a bad USB key…
    opened: list[sqlite3.Connection] = []
    real_connect, real_replace, real_unlink = sqlite3.connect, os.replace, os.unlink

    def connect(database, *args, **kwargs):  # type: ignore[no-untyped-def]
        conn = real_connect(database, *args, **kwargs)
        if Path(str(database)) == db.path:
            opened.append(conn)
        return conn

    def held(path: object) -> None:
        if not Path(str(path)).name.startswith(db.path.name):
            return
        for conn in opened:
            try:
                conn.execute("SELECT 1")
            except sqlite3.ProgrammingError:  # closed
                continue
            except sqlite3.DatabaseError:
                pass
            error = PermissionError(13, "Le processus ne peut pas accéder au fichier", str(path))
            error.winerror = 32  # type: ignore[attr-defined]
            raise error

    def replace(src: object, dst: object) -> None:
        held(dst)
        real_replace(src, dst)  # type: ignore[arg-type]

    def unlink(path: object, *args: object, **kwargs: object) -> None:
        held(path)
        real_unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite3, "connect", connect)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "unlink", unlink)
    report = restore(db.path, out, now=T0)
    assert report.previous_copy is not None and report.previous_copy.name.endswith("-endommagee.sqlite3")
    assert opened  # the damaged file was opened, and let go before it was replaced
    again = open_test_db(db.path)
    try:
        assert _repo(again).pdf(kept.number or "") == fake_pdf(kept)
    finally:
        again.close()


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda db, tmp: _garbage(tmp / "texte.sqlite3", b"bonjour"), "pas une base SQLite"),
        (
            lambda db, tmp: _garbage(
                tmp / "tronquee.sqlite3", b"SQLite format 3\x00" + b"\x00" * 50
            ),
            "endommagée|ne peut pas",
        ),
        (_corrupted_copy, "endommagée"),
    ],
)
def test_a_corrupt_backup_is_refused_and_nothing_changes(
    db: Database,
    tmp_path: Path,
    make,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    repo = _repo(db)
    d = repo.save_draft(draft())
    bad = make(db, tmp_path)
    before = db.path.read_bytes()
    with pytest.raises(BackupError, match=message):
        restore(db.path, bad)
    assert repo.get(d.id) == d
    assert db.path.read_bytes() == before
    assert list_backups(backup_dir(db.path)) == []  # not even the "before restore" copy


def test_a_foreign_or_newer_database_is_refused(db: Database, tmp_path: Path) -> None:
    foreign = tmp_path / "autre.sqlite3"
    c = sqlite3.connect(foreign)
    c.execute("CREATE TABLE t (x)")
    c.commit()
    c.close()
    with pytest.raises(BackupError, match="pas une base Comptoir"):
        restore(db.path, foreign)
    newer = backup(db, tmp_path / "future.sqlite3")
    c = sqlite3.connect(newer)
    c.execute("INSERT INTO schema_version VALUES (9999, 'futur', '2030-01-01')")
    c.commit()
    c.close()
    with pytest.raises(BackupError, match="version plus récente"):
        restore(db.path, newer)
    with pytest.raises(InvalidInput, match="introuvable"):
        restore(db.path, tmp_path / "absente.sqlite3")


def test_backup_refuses_bad_output_paths(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="est un dossier"):
        backup(db, tmp_path)
    with pytest.raises(InvalidInput, match="n'existe pas"):
        backup(db, tmp_path / "nulle" / "part.sqlite3")


def test_a_backup_over_the_open_database_is_refused_and_later_edits_are_kept(
    db: Database, repo: OfferRepository
) -> None:
    for out in (db.path, Path(f"{db.path}-wal"), db.path.parent / "." / db.path.name):
        with pytest.raises(InvalidInput, match=r"(est|fait partie de) la base de données"):
            backup(db, out)
        with pytest.raises(InvalidInput, match=r"(est|fait partie de) la base de données"):
            backup(db.path, out)  # by path too, as the command line does
    link = symbolic_link(db.path.with_name("lien.sqlite3"), db.path)
    if link is not None:
        with pytest.raises(InvalidInput, match="elle-même"):
            backup(db, link)
    saved = repo.save_draft(draft())  # the connection still writes to the file on disk
    fresh = sqlite3.connect(db.path)
    try:
        assert fresh.execute("SELECT count(*) FROM offers WHERE id = ?", (saved.id,)).fetchone() == (1,)
    finally:
        fresh.close()


# --- faults --------------------------------------------------------------------------------


def test_read_only_database_gives_a_clear_message(db: Database) -> None:
    _repo(db).save_draft(draft())
    ro = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True, isolation_level=None)
    ro_db = Database(db.path, ro)
    with pytest.raises(DatabaseReadOnly, match="lecture seule"):
        _repo(ro_db).save_draft(draft())
    ro.close()


def test_locked_database_gives_a_clear_message_and_loses_nothing(db: Database) -> None:
    repo = _repo(db)
    d = repo.save_draft(draft())
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    db.conn.execute("PRAGMA busy_timeout = 50")
    try:
        with pytest.raises(DatabaseLocked, match="occupée par un autre programme"):
            repo.save_draft(replace(d, note="pendant le verrou"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert repo.get(d.id).note == ""
    repo.save_draft(replace(d, note="après"))
    assert repo.get(d.id).note == "après"


def test_disk_full_gives_a_clear_message_and_keeps_the_last_good_state(db: Database) -> None:
    repo = _repo(db)
    d = repo.save_draft(draft())
    (pages,) = db.conn.execute("PRAGMA page_count").fetchone()
    db.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFull, match="disque est plein"):
        for i in range(200):
            repo.save_draft(draft(m=replace(d.member, name="x" * 2000 + str(i))))  # type: ignore[arg-type]
    db.conn.execute("PRAGMA max_page_count = 1073741823")
    assert repo.get(d.id) == d
    assert db.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_corrupt_database_file_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "abimee.sqlite3"
    path.write_bytes(b"ceci n'est pas une base" * 100)
    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(DatabaseCorrupt, match="endommagé"), storage_errors("lire", path):
        conn.execute("SELECT * FROM offers")
    conn.close()


def test_error_mapping_covers_os_errors_and_triggers() -> None:
    assert isinstance(map_error(OSError(28, "full"), "écrire"), DiskFull)
    assert isinstance(map_error(OSError(30, "ro"), "écrire"), DatabaseReadOnly)
    assert "accès refusé" in str(map_error(PermissionError(13, "no"), "écrire"))
    import errno

    assert "un élément du chemin est un fichier" in str(map_error(OSError(errno.ENOTDIR, "Not a directory"), "écrire"))
    assert "Not a" not in str(map_error(OSError(errno.ENOTDIR, "Not a directory"), "écrire"))
    e = map_error(sqlite3.IntegrityError("comptoir: offre finalisee en lecture seule"), "x")
    assert isinstance(e, RuleViolation) and "Révisez-la" in str(e)
    other = map_error(sqlite3.OperationalError("no such table: x"), "lire la table")
    assert type(other) is StorageError and str(other).startswith("Impossible de lire la table")


# --- one window per database -------------------------------------------------------------


def test_a_second_window_is_refused_with_a_french_message(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    first = InstanceLock(path)
    assert first.acquire()
    assert held_elsewhere(path)
    with pytest.raises(AlreadyRunning, match="déjà ouvert sur cette base") as err:
        InstanceLock(path).acquire()
    assert "processus" in str(err.value)
    first.release()
    assert not held_elsewhere(path)
    with InstanceLock(path) as again:
        assert again.held


def test_a_link_to_the_database_finds_the_same_lock(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    path.touch()
    link = symbolic_link(tmp_path / "lien.sqlite3", path)
    if link is None:
        pytest.skip("this system makes no symbolic link for this user")
    with InstanceLock(path):
        assert held_elsewhere(link)
        with pytest.raises(AlreadyRunning):
            InstanceLock(link).acquire()


def test_the_lock_dies_with_its_process(tmp_path: Path) -> None:
    import multiprocessing as mp

    path = tmp_path / "c.sqlite3"
    ctx = mp.get_context("spawn")
    ready = ctx.Event()
    p = ctx.Process(target=hold_lock, args=(str(path), ready))
    p.start()
    assert ready.wait(30)
    assert held_elsewhere(path)
    p.kill()
    p.join(10)
    assert not held_elsewhere(path)


def test_a_backup_on_a_full_disk_fails_cleanly(db: Database, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.store import backup as backup_module

    def full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_module.os, "fsync", full)
    out = tmp_path / "copie.sqlite3"
    with pytest.raises(DiskFull, match="disque est plein"):
        backup(db, out)
    with pytest.raises(DiskFull):
        backup_at_start(db.path, now=T0)
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.startswith(".comptoir-")]
    assert not out.exists() and leftovers == []
    assert list_backups(backup_dir(db.path)) == []


def test_the_database_is_not_restored_from_itself(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """« comptoir restore base.db » on base.db itself was accepted."""
    import pytest

    from desktop.core.errors import InvalidInput
    from desktop.store.backup import restore
    from desktop.store.database import open_database

    path = tmp_path / "base.db"
    open_database(path).close()
    with pytest.raises(InvalidInput, match="est la base de données elle-même"):
        restore(path, path)
