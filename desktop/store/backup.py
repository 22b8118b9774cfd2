"""Backups with SQLite's online backup API, and restore that checks before it replaces.

- ``backup_at_start(db_path)``: the application calls it once per start (not the CLI), before
  opening the database for work. Copies go to ``<dossier de la base>/sauvegardes`` and the 10
  most recent start copies are kept. Every copy passes SQLite's quick check before it takes
  its place: a damaged database raises ``DatabaseCorrupt`` (said to the user at start) and
  its copy is not kept, so damage never rotates the last good copies out.
- ``backup_before_migration(db_path, conn)``: ``open_database`` calls it when migrations are
  pending on an existing database; the 10 most recent pre-migration copies are kept.
- ``backup(source, out)``: "Sauvegarder..." / ``comptoir backup --out FICHIER``.
- ``restore(db_path, file)``: "Restaurer..." / ``comptoir restore FICHIER``. The file is first
  copied aside and checked (SQLite header, ``PRAGMA integrity_check``, a Comptoir schema no
  newer than this version knows); only then is the current database copied to the backup
  folder (``...-avant-restauration``) and replaced, page by page, through the backup API, which
  keeps WAL and other connections consistent. A bad file changes nothing. A current database
  SQLite cannot read any more (the usual reason to restore) is kept byte for byte
  (``...-endommagee``) and replaced by the checked copy.

Every copy is written to a temporary file in the destination folder, flushed, then renamed: a
full disk or a crash never leaves a half-written backup under the final name.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop.core.errors import ComptoirError, InvalidInput
from desktop.store.faults import (
    RESTORE_ADVICE,
    BackupError,
    DatabaseCorrupt,
    map_error,
    storage_errors,
)
from desktop.store.files import SQLITE_MAGIC, refuse_database_files, replace_file

log = logging.getLogger(__name__)

KEEP = 10
FOLDER_NAME = "sauvegardes"
# ``<nom de la base>-<date>-<raison>.sqlite3``: every database of a folder shares its
# « sauvegardes » folder, so each copy names its database (the file name without its
# extension). Copies made before carry « comptoir », the default database's name.
_STAMP_REASON = r"-(\d{8}-\d{6}(?:-\d+)?)-([a-z-]+)\.sqlite3$"
_NAME = re.compile(r"^(.+?)" + _STAMP_REASON)


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    schema_version: int
    offers: int | None  # None when the backup predates the offers table
    size: int


@dataclass(frozen=True, slots=True)
class RestoreReport:
    restored_from: Path
    previous_copy: Path | None
    schema_version: int


def backup_dir(db_path: Path) -> Path:
    return Path(db_path).parent / FOLDER_NAME


def backup_prefix(db_path: Path) -> str:
    """What the automatic copies of ``db_path`` are named after: ``catA.db`` -> ``catA``."""
    return Path(db_path).stem or Path(db_path).name


def backup_pattern(db_path: Path) -> str:
    """The file-name pattern of ``db_path``'s automatic copies (``catA-*.sqlite3``)."""
    return f"{backup_prefix(db_path)}-*.sqlite3"


def _stamp(now: datetime | None = None) -> str:
    return (now or datetime.now()).strftime("%Y%m%d-%H%M%S")


# What each copy says when the database it copies is damaged (the copy is not kept).
DAMAGED_ON_BACKUP = (
    "La base de données est endommagée : la sauvegarde n'a pas été écrite, elle le serait "
    "tout autant. Gardez le fichier de la base tel quel (pour le support) et restaurez une "
    "sauvegarde antérieure (Fichier > Restaurer la base… ou « comptoir restore FICHIER »)."
)
DAMAGED_AT_START = (
    "La base de données est endommagée (le contrôle de la copie automatique de ce démarrage a "
    "échoué). Cette copie n'a pas été gardée : les sauvegardes précédentes restent intactes. "
    "Évitez d'y poursuivre le travail : restaurez la sauvegarde la plus récente (Fichier > "
    "Restaurer la base… ou « comptoir restore FICHIER ») ; la base actuelle sera gardée dans "
    "le dossier des sauvegardes pour le support."
)
# ends with RESTORE_ADVICE: the start, which offers the restore itself, leaves it out
DAMAGED_BEFORE_MIGRATION = (
    "La base de données est endommagée : Comptoir ne met pas à jour une base endommagée, elle "
    "n'a pas été modifiée et sera gardée pour le support lors de la restauration."
    + RESTORE_ADVICE
)


def _problems(conn: sqlite3.Connection) -> str:
    """"" when SQLite's quick check finds the file sound, else what it found (for the log)."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as e:
        return str(e)
    return "" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:5])


def _copy(src: sqlite3.Connection, out: Path, *, damaged: str) -> None:
    """Online copy of ``src`` to ``out`` (temporary file, quick check, fsync, rename).

    A copy that fails SQLite's quick check is deleted and never takes the name ``out``:
    ``DatabaseCorrupt(damaged)`` is raised instead (what was found goes to the log)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".comptoir-", suffix=".tmp", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        dst = sqlite3.connect(tmp, isolation_level=None)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            problems = _problems(dst)
        finally:
            dst.close()
        if problems:
            log.error("copy for %s fails the quick check: %s", out.name, problems)
            raise DatabaseCorrupt(damaged)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        replace_file(tmp, out)
    except BaseException:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise


def _open_source(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, isolation_level=None, timeout=5)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA schema_version").fetchone()  # SQLite opens the file here
    except sqlite3.OperationalError as e:
        conn.close()
        code = (getattr(e, "sqlite_errorcode", 0) or 0) & 0xFF
        if code not in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY):
            raise
        # a database on a write-protected key: copying it elsewhere is exactly what to do
        return _open_read_only(db_path)
    except BaseException:  # a damaged file: held open, Windows could not restore over it
        conn.close()
        raise
    return conn


def backup(source: Path | sqlite3.Connection | object, out: Path) -> Path:
    """A verified copy of the database at ``out`` (``source``: path, connection or Database)."""
    out = Path(out).expanduser()
    if out.exists() and out.is_dir():
        raise InvalidInput(
            f"{out} est un dossier : indiquez le nom du fichier de sauvegarde.", field="out"
        )
    if not out.parent.exists():
        raise InvalidInput(
            f"Le dossier {out.parent} n'existe pas : créez-le ou choisissez un autre emplacement.",
            field="out",
        )
    conn, owned, where = _source(source)
    try:
        # writing the copy over the database (or its journal) would swap the file under the
        # open connection: every later edit would go to the replaced file and be lost
        refuse_database_files(out, database=_database_file(conn), any_database=False, field="out")
        with storage_errors("sauvegarder la base de données", out):
            _copy(conn, out, damaged=DAMAGED_ON_BACKUP)
    finally:
        if owned:
            conn.close()
    log.info("backup of %s written to %s", where, out)
    return out


def _database_file(conn: sqlite3.Connection) -> Path | None:
    """The file behind ``conn`` (None for an in-memory database)."""
    row = conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row and row[2] else None


def _source(source: object) -> tuple[sqlite3.Connection, bool, object]:
    if isinstance(source, sqlite3.Connection):
        return source, False, "connection"
    conn = getattr(source, "conn", None)
    if isinstance(conn, sqlite3.Connection):
        return conn, False, getattr(source, "path", "database")
    path = Path(str(source))
    if not path.is_file():
        raise InvalidInput(f"Base de données introuvable : {path}.", field="db")
    with storage_errors("ouvrir la base de données", path):
        return _open_source(path), True, path


def _auto(
    db_path: Path,
    reason: str,
    conn: sqlite3.Connection | None,
    keep: int,
    folder: Path | None,
    now: datetime | None,
) -> Path | None:
    db_path = Path(db_path)
    if conn is None and (not db_path.is_file() or db_path.stat().st_size == 0):
        return None  # first start: nothing to protect yet
    target_dir = folder or backup_dir(db_path)
    prefix = backup_prefix(db_path)
    out = target_dir / f"{prefix}-{_stamp(now)}-{reason}.sqlite3"
    n = 1
    while out.exists():  # two backups in the same second
        n += 1
        out = target_dir / f"{prefix}-{_stamp(now)}-{n}-{reason}.sqlite3"
    own = conn is None
    damaged = {"demarrage": DAMAGED_AT_START, "avant-migration": DAMAGED_BEFORE_MIGRATION}.get(
        reason, DAMAGED_ON_BACKUP
    )
    with storage_errors("faire la sauvegarde automatique", out):
        src = _open_source(db_path) if conn is None else conn
        try:
            _copy(src, out, damaged=damaged)
        finally:
            if own:
                src.close()
    # only once the new copy is known good may the oldest good one go, never the new one:
    # named after a clock set back (a flat battery: 2000), it would sort first
    rotate(target_dir, reason, keep, database=db_path, sparing=out)
    log.info("automatic backup (%s): %s", reason, out)
    return out


def backup_at_start(
    db_path: Path,
    *,
    keep: int = KEEP,
    folder: Path | None = None,
    now: datetime | None = None,
) -> Path | None:
    """Copy the database to the rotating backup folder (once per application start).

    Returns the copy, or None on a first start. Raises typed storage errors (disk full...;
    ``DatabaseCorrupt`` when the copy fails its quick check, which means the database itself
    is damaged): the caller should show the message and carry on, the database itself is
    untouched and the earlier copies are kept.
    """
    return _auto(db_path, "demarrage", None, keep, folder, now)


def backup_before_migration(
    db_path: Path,
    conn: sqlite3.Connection | None = None,
    *,
    keep: int = KEEP,
    folder: Path | None = None,
    now: datetime | None = None,
) -> Path | None:
    """Copy the database before migrations change its schema (called by open_database)."""
    return _auto(db_path, "avant-migration", conn, keep, folder, now)


def list_backups(
    folder: Path, reason: str | None = None, *, database: Path | None = None
) -> list[Path]:
    """Automatic backups in ``folder``, oldest first: those of ``database`` only when given
    (its name starts theirs), else every database's."""
    if not folder.is_dir():
        return []
    pattern = (
        _NAME
        if database is None
        else re.compile("^(" + re.escape(backup_prefix(database)) + ")" + _STAMP_REASON)
    )
    found = []
    for p in folder.iterdir():
        m = pattern.match(p.name)
        if m and (reason is None or m.group(3) == reason):
            found.append((m.group(2), p.name, p))
    return [p for _, _, p in sorted(found)]


def rotate(
    folder: Path,
    reason: str,
    keep: int = KEEP,
    *,
    database: Path | None = None,
    sparing: Path | None = None,
) -> list[Path]:
    """Delete the oldest automatic backups of ``reason`` (of ``database`` only, when given)
    beyond ``keep``, ``sparing`` (the copy just made) never; returns them. Another
    database's copies in the same folder are never counted nor deleted."""
    found = list_backups(folder, reason, database=database)
    doomed = [p for p in found if p != sparing][: max(len(found) - keep, 0)]
    for p in doomed:
        with contextlib.suppress(OSError):
            p.unlink()
    return doomed


# --- checking and restoring ----------------------------------------------------------------


def _known_versions() -> set[int]:
    from desktop.store.database import discover_migrations

    return {m.version for m in discover_migrations()}


def _known_schema() -> int:
    return max(_known_versions(), default=0)


def check_backup(file: Path, *, try_migrations: bool = True) -> BackupInfo:
    """Is ``file`` a sound Comptoir database this version can open? ``BackupError`` if not.

    A backup from an older version is opened as the application will open it (migrations,
    seeding) on a throwaway copy first: one this version cannot bring up to date is refused
    now, not after it has replaced the database. ``try_migrations=False`` skips that step
    (``restore`` checks the file quickly first, then its own copy in full)."""
    file = Path(file).expanduser()
    name = file.name
    if not file.exists():
        raise InvalidInput(f"Fichier introuvable : {file}. Vérifiez le chemin.", field="file")
    if file.is_dir():
        raise InvalidInput(
            f"{file} est un dossier : indiquez le fichier de sauvegarde.", field="file"
        )
    with storage_errors("lire la sauvegarde", file), open(file, "rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        zipped = (
            " C'est une archive zip : un lot d'offres s'importe par Fichier > Importer des "
            "offres… (comptoir offers import), un catalogue par Fichier > Importer le "
            "catalogue… (comptoir catalogue import)."
            if head.startswith(b"PK\x03\x04")
            else ""
        )
        raise BackupError(
            f"« {name} » n'est pas une sauvegarde Comptoir (ce n'est pas une base SQLite).{zipped} "
            "Rien n'a été modifié."
        )
    damaged = BackupError(
        f"La sauvegarde « {name} » est endommagée : choisissez une autre sauvegarde (la plus récente avant "
        "celle-ci, par exemple). Rien n'a été modifié."
    )
    conn: sqlite3.Connection | None = None
    try:
        conn = _open_read_only(file)
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.Error as e:
        if conn is not None:
            conn.close()
        log.warning("backup %s cannot be read: %s", file, e)
        error = map_error(e, "lire la sauvegarde", file)
        raise (damaged if isinstance(error, DatabaseCorrupt) else error) from None
    try:
        if rows != [("ok",)]:
            log.warning("backup %s fails its integrity check: %s", file, rows[:5])
            raise damaged
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "schema_version" not in tables:
            raise BackupError(
                f"« {name} » est une base SQLite, mais pas une base Comptoir (pas de version de "
                "schéma). Rien n'a été modifié."
            )
        applied = {int(r[0]) for r in conn.execute("SELECT version FROM schema_version")}
        version = max(applied, default=0)
        offers = (
            conn.execute("SELECT count(*) FROM offers").fetchone()[0]
            if "offers" in tables
            else None
        )
    finally:
        conn.close()
    known = _known_schema()
    if int(version) > known:
        raise BackupError(
            f"« {name} » vient d'une version plus récente de Comptoir (schéma {version}, cette "
            f"version connaît {known}) : mettez Comptoir à jour pour la restaurer."
        )
    if try_migrations and _known_versions() - applied:
        _try_migrations(file, version)
    return BackupInfo(file, int(version), offers, file.stat().st_size)


def _try_migrations(file: Path, version: int) -> None:
    """Bring a throwaway copy of ``file`` up to date as ``open_database`` will; BackupError
    (French, the detail in the log) when that fails. Nothing but the copy is written."""
    from desktop.store.database import open_database
    from desktop.store.faults import DiskFull

    with tempfile.TemporaryDirectory(prefix="comptoir-essai-") as folder:
        trial = Path(folder) / "essai.sqlite3"
        with storage_errors("préparer l'essai de mise à jour de la sauvegarde", trial):
            _copy_with_journal(file, trial)
        try:
            open_database(trial, backup_first=False).close()
        except DiskFull:
            raise
        except Exception as e:  # whatever stops the update stops the restore
            log.error("backup %s (schema %s) cannot be brought up to date", file, version, exc_info=e)
            raise BackupError(
                f"« {file.name} » vient d'une version plus ancienne de Comptoir (schéma {version}) "
                "et cette version ne parvient pas à la mettre à jour : elle n'a pas été restaurée "
                "et la base actuelle n'a pas changé. Choisissez une autre sauvegarde, ou gardez "
                "ce fichier pour le support (le détail est dans le journal)."
            ) from None


def _open_read_only(file: Path) -> sqlite3.Connection:
    """``file`` opened for reading only, even on a write-protected USB key: without a ``-wal``
    beside it, as an immutable file (SQLite then needs no shared-memory file, which it could
    not create there); with one, read-only, so that its pages are seen."""
    from urllib.parse import quote

    uri = "file:" + quote(str(file.resolve()))
    has_wal = Path(f"{file}-wal").is_file()
    return sqlite3.connect(
        f"{uri}?mode=ro" if has_wal else f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None
    )


def _copy_with_journal(file: Path, tmp: Path) -> None:
    """Copy ``file`` to ``tmp`` as SQLite reads it: with the pages still in its ``-wal`` (a
    copy of a database taken while it was open), folded into one self-contained file.
    The check reads the file through SQLite, so the restore must put back what it saw."""
    for suffix in ("", "-wal"):
        source = Path(f"{file}{suffix}")
        if suffix and not source.is_file():
            continue
        with open(source, "rb") as src_f, open(f"{tmp}{suffix}", "wb") as dst_f:
            while chunk := src_f.read(1 << 20):
                dst_f.write(chunk)
            dst_f.flush()
            os.fsync(dst_f.fileno())
    if Path(f"{tmp}-wal").is_file():
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")  # checkpoints, then drops the -wal
        finally:
            conn.close()
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{tmp}{suffix}").unlink()


def _keep_damaged(db_path: Path, folder: Path, now: datetime | None) -> Path:
    """A byte copy of a database SQLite cannot read (with its journal), for whoever can."""
    out = folder / f"{backup_prefix(db_path)}-{_stamp(now)}-endommagee.sqlite3"
    with storage_errors("garder une copie de la base endommagée", out):
        for suffix in ("", "-wal"):
            side = Path(f"{db_path}{suffix}")
            if side.is_file():
                shutil.copyfile(side, f"{out}{suffix}")
    return out


def _replace_damaged(db_path: Path, restored: Path) -> None:
    """Put the checked copy in place of a damaged database (no connection is open on it)."""
    with storage_errors("restaurer la base de données", db_path):
        fd, staging_name = tempfile.mkstemp(prefix=".restauration-", suffix=".tmp", dir=db_path.parent)
        os.close(fd)
        staging = Path(staging_name)
        try:
            shutil.copyfile(restored, staging)
            with open(staging, "rb+") as f:
                os.fsync(f.fileno())
            for suffix in ("-wal", "-shm", "-journal"):  # they belong to the damaged file
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{db_path}{suffix}").unlink()
            replace_file(staging, db_path)
        finally:
            with contextlib.suppress(OSError):
                staging.unlink()


def restore(
    db_path: Path,
    file: Path,
    *,
    folder: Path | None = None,
    now: datetime | None = None,
    before_replace: Callable[[], None] | None = None,
) -> RestoreReport:
    """Replace the database at ``db_path`` by the backup ``file``, after checking it.

    The previous database is kept as ``sauvegardes/<nom>-<date>-avant-restauration.sqlite3``.
    Close the application's own connections first: other connections would see the restored
    data mid-work. ``before_replace`` is a test hook.
    """
    db_path = Path(db_path)
    file = Path(file).expanduser()
    if file.exists() and db_path.exists() and file.resolve() == db_path.resolve():
        raise InvalidInput(
            f"{file.name} est la base de données elle-même : choisissez une sauvegarde (un fichier "
            "écrit par Sauvegarder, ou une copie du dossier « sauvegardes »)."
        )
    check_backup(file, try_migrations=False)  # refuse early, before copying anything
    target_dir = folder or backup_dir(db_path)
    # Work on a private copy: the file checked is the file restored, even if it is replaced meanwhile.
    with storage_errors("préparer la restauration", target_dir):
        target_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".restauration-", suffix=".sqlite3", dir=target_dir)
        os.close(fd)
    tmp = Path(tmp_name)
    try:
        with storage_errors("préparer la restauration", tmp):
            _copy_with_journal(file, tmp)
        info = check_backup(tmp)
        previous: Path | None = None
        if db_path.is_file() and db_path.stat().st_size > 0:
            try:
                previous = _auto(db_path, "avant-restauration", None, KEEP, target_dir, now)
            except DatabaseCorrupt:  # the very case a restore is for: keep its bytes as they are
                previous = _keep_damaged(db_path, target_dir, now)
                if before_replace is not None:
                    before_replace()
                _replace_damaged(db_path, tmp)
                log.info("restored damaged %s from %s (kept as %s)", db_path, file, previous)
                return RestoreReport(file, previous, info.schema_version)
        if before_replace is not None:
            before_replace()
        src = sqlite3.connect(tmp, isolation_level=None)
        try:
            with storage_errors("restaurer la base de données", db_path):
                db_path.parent.mkdir(parents=True, exist_ok=True)
                dst = sqlite3.connect(db_path, isolation_level=None, timeout=5)
                try:
                    dst.execute("PRAGMA busy_timeout = 5000")
                    src.backup(dst)
                    problems = _problems(dst)
                    if problems:
                        log.error("restored %s fails the quick check: %s", db_path, problems)
                        raise BackupError(
                            "La base restaurée ne passe pas le contrôle d'intégrité. Restaurez "
                            f"la copie de la base d'avant la restauration (dossier {target_dir}) "
                            "ou une autre sauvegarde, et gardez ces fichiers pour le support."
                        )
                finally:
                    dst.close()
        finally:
            src.close()
    except ComptoirError:
        raise
    except (sqlite3.Error, OSError) as e:
        raise map_error(e, "restaurer la base de données", db_path) from e
    finally:
        for leftover in (tmp, *(tmp.with_name(tmp.name + s) for s in ("-journal", "-wal", "-shm"))):
            with contextlib.suppress(OSError):
                leftover.unlink()
    log.info("restored %s from %s (previous kept as %s)", db_path, file, previous)
    return RestoreReport(file, previous, info.schema_version)
