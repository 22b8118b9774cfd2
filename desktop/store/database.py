"""The embedded SQLite database: where it lives, how it is opened, migrated and seeded.

``open_database`` is the only way in. It creates the folder, opens the file with foreign keys,
WAL and a busy timeout, applies the numbered SQL files of ``desktop/store/migrations`` it has
not applied yet (``schema_version`` records them) and seeds what the seed files of ``db/``
describe. Migrations and seeding of one start run in ONE transaction: a start that is
interrupted (power cut, crash, bad seed file) leaves the database as it was before, never
half-built, and the next start simply does the work again.

Transactions are explicit (``Database.transaction()``, ``BEGIN IMMEDIATE``); the connection is
in autocommit mode otherwise. Do not use sqlite-utils' own ``with conn:`` helpers inside a
``transaction()`` block: they would commit it early.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop.core.catalogue import fold
from desktop.core.errors import InvalidInput, StorageError
from desktop.store.faults import storage_errors

log = logging.getLogger(__name__)

ENV_VAR = "COMPTOIR_DB"
APP_NAME = "Comptoir"
APP_AUTHOR = "iMio"
DB_FILE_NAME = "comptoir.sqlite3"
BUSY_TIMEOUT_MS = 5000
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_([A-Za-z0-9_]+)\.sql$")
# the search key of ``desktop.core.catalogue.fold`` in SQL, on every connection: for the
# searches that fold stored text and the migrations that fold it again
FOLD_SQL = "comptoir_fold"

Progress = Callable[[float, str], None]


def resolve_db_path(arg: str | os.PathLike[str] | None = None) -> Path:
    """The database file: ``--db`` argument, else ``$COMPTOIR_DB``, else the user data folder."""
    if arg is not None and not str(arg).strip():  # « --db "" »: not a silent fall-back
        raise InvalidInput(
            "--db attend le chemin d'un fichier de base de données (reçu un texte vide).",
            field="db",
        )
    if arg:
        return _database_file(Path(arg).expanduser())
    # « set COMPTOIR_DB="C:\Users\Frédéric Dupont\comptoir.sqlite3" » (cmd) or a path pasted
    # by « Copier en tant que chemin d'accès » keeps its quotes, which Windows refuses in a name
    env = os.environ.get(ENV_VAR, "").strip().removeprefix('"').removesuffix('"').strip()
    if env:
        return _database_file(Path(env).expanduser())
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)) / DB_FILE_NAME


def _database_file(path: Path) -> Path:
    """``path``, unless it names a folder (« the database is in there »): said as such, where
    SQLite would only say it cannot open a file."""
    if path.is_dir():
        raise InvalidInput(
            f"{path} est un dossier : indiquez le fichier de la base de données, par exemple "
            f"{path / DB_FILE_NAME}.",
            field="db",
        )
    return path


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered SQL file of ``desktop/store/migrations``."""

    version: int
    name: str
    path: Path

    def statements(self) -> Iterator[str]:
        """The SQL statements of the file, one by one (triggers kept whole)."""
        yield from split_sql(self.path.read_text(encoding="utf-8"))


def split_sql(script: str) -> Iterator[str]:
    """Split a script into complete statements (``sqlite3.complete_statement`` decides)."""
    buffer: list[str] = []
    for line in script.splitlines(keepends=True):
        buffer.append(line)
        text = "".join(buffer)
        if sqlite3.complete_statement(text):
            statement = text.strip()
            buffer = []
            if statement:
                yield statement
    rest = "".join(buffer).strip()
    if rest and _has_sql(rest):
        raise StorageError(f"Migration incomplète : instruction SQL non terminée ({rest[:60]}…).")


def _has_sql(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in text.splitlines())


def discover_migrations(folder: Path | None = None) -> list[Migration]:
    """The migration files of ``folder`` (default ``MIGRATIONS_DIR``), in version order."""
    found: dict[int, Migration] = {}
    for path in sorted((folder or MIGRATIONS_DIR).glob("*.sql")):
        m = _MIGRATION_NAME.match(path.name)
        if m is None:
            raise StorageError(f"Nom de migration invalide : {path.name} (attendu : 0001_nom.sql).")
        version = int(m.group(1))
        if version in found:
            raise StorageError(
                f"Deux migrations portent le numéro {version:04d} : "
                f"{found[version].path.name} et {path.name}."
            )
        found[version] = Migration(version, m.group(2), path)
    return [found[v] for v in sorted(found)]


class Database:
    """An open Comptoir database. ``conn`` is a plain ``sqlite3.Connection`` (autocommit)."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self._sqlite_utils: Any = None
        # drafts this opening re-priced on new seed files (``RequoteReport``), to be said
        self.requoted: Any = None

    @property
    def db(self) -> Any:
        """The same connection wrapped by sqlite-utils (imported on first use)."""
        if self._sqlite_utils is None:
            import sqlite_utils

            self._sqlite_utils = sqlite_utils.Database(self.conn)
        return self._sqlite_utils

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` if the block raises.

        Nested use opens a savepoint, so a repository method may call another one.
        """
        conn = self.conn
        if conn.in_transaction:
            name = f"sp_{id(object()):x}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield conn
            except BaseException:
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
                raise
            conn.execute(f"RELEASE {name}")
            return
        with storage_errors("écrire dans la base de données", self.path):
            conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            with storage_errors("enregistrer les modifications", self.path):
                conn.execute("COMMIT")
        except BaseException:
            # a COMMIT refused (a reader's lock without WAL) leaves the transaction open: every
            # later write would go into it, never committed, and keep the others locked out
            if conn.in_transaction:
                with suppress(sqlite3.Error):  # the error said is the one that stopped the COMMIT
                    conn.execute("ROLLBACK")
            raise

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
        return int(row[0])

    def close(self) -> None:
        try:
            self.conn.close()
        except sqlite3.Error:  # pragma: no cover - closing never matters to the user
            log.exception("closing %s", self.path)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(path: Path) -> sqlite3.Connection:
    """Open the file with the pragmas every connection needs (no migration, no seeding)."""
    with storage_errors("ouvrir la base de données", path):
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=True
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _refuse_foreign(conn, path)  # before anything is written to it
            conn.execute("PRAGMA foreign_keys = ON")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                log.warning("WAL unavailable for %s (journal_mode=%s)", path, mode)
            # FULL: a commit that returned survives a power cut, not only a killed process
            # (NORMAL in WAL mode may roll back the last commits on power loss). Autosave
            # is debounced, so the extra fsync per commit costs nothing the user can feel.
            conn.execute("PRAGMA synchronous = FULL")
            conn.create_function(FOLD_SQL, 1, fold, deterministic=True)
        except BaseException:
            conn.close()
            raise
    return conn


def _refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    """Another program's SQLite database (tables, none of them ``schema_version``) is left as it
    is: migrating it would add Comptoir's tables to it and seed them."""
    tables = {
        name
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not name.startswith("sqlite_")
    }
    if tables and "schema_version" not in tables:
        raise StorageError(
            f"{path} est une base SQLite, mais pas une base Comptoir (elle n'a pas de version de "
            "schéma) : Comptoir ne l'a pas modifiée. Indiquez le fichier de la base Comptoir "
            "(--db ou COMPTOIR_DB), ou un nom de fichier nouveau pour en créer une."
        )


def connect_read_only(path: Path) -> sqlite3.Connection:
    """Open an existing database for reading only, where nothing can be written (a
    write-protected USB key, a read-only share): SQLite could not create the journal files a
    normal open needs. Without a ``-wal`` beside it the file is opened as immutable (nothing
    else can change it there); with one, read-only, so that its last commits are seen."""
    from urllib.parse import quote

    from desktop.store.faults import DatabaseReadOnly

    if not path.is_file():
        raise InvalidInput(f"Base de données introuvable : {path}.", field="db")
    uri = "file:" + quote(str(path.resolve()))
    uri += "?mode=ro" if Path(f"{path}-wal").is_file() else "?mode=ro&immutable=1"
    with storage_errors("ouvrir la base de données en lecture seule", path):
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=True)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.create_function(FOLD_SQL, 1, fold, deterministic=True)
            pending = sorted({m.version for m in discover_migrations()} - _applied_versions(conn))
        except BaseException:
            conn.close()
            raise
    if pending:
        conn.close()
        from desktop.store.faults import READ_ONLY_ADVICE

        raise DatabaseReadOnly(
            f"La base de données {path} est en lecture seule et doit d'abord être mise à jour "
            f"pour cette version de Comptoir (schéma {pending[-1]:04d}), ce qui demande d'y "
            f"écrire.{READ_ONLY_ADVICE}"
        )
    return conn


def open_read_only(path: str | os.PathLike[str]) -> Database:
    """A ``Database`` that only reads (``connect_read_only``): no migration, no seeding; any
    write is refused by SQLite and reported as the read-only fault."""
    target = Path(path)
    return Database(target, connect_read_only(target))


def open_database(
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    seed_dir: Path | None = None,
    seed: bool = True,
    backup_first: bool = True,
) -> Database:
    """Open ``path``, creating, migrating and seeding it as needed; returns the ``Database``.

    ``progress(fraction, message)`` is told what happens (it may be called from the thread
    that opens the database). ``seed_dir`` defaults to ``desktop.paths.db_seed_dir()``.
    ``backup_first=False`` skips the copy made before migrations (for a throwaway copy).
    """
    report = progress or (lambda _f, _m: None)
    target = Path(path)
    report(0.0, "Ouverture de la base de données…")
    conn = connect(target)
    database = Database(target, conn)
    try:
        _prepare(database, report, seed_dir, seed, backup_first)
    except BaseException:
        database.close()
        raise
    report(1.0, "Base de données prête")
    return database


def _prepare(
    database: Database, report: Progress, seed_dir: Path | None, seed: bool, backup_first: bool = True
) -> None:
    from desktop.store import seed as seeding

    conn = database.conn
    migrations = discover_migrations()
    with storage_errors("lire la base de données", database.path):
        applied = _applied_versions(conn)
    known = {m.version for m in migrations}
    newer = sorted(v for v in applied if v not in known)
    if newer and newer[-1] > max(known, default=0):
        raise StorageError(
            f"La base de données {database.path} a été créée par une version plus récente de "
            f"Comptoir (schéma {newer[-1]:04d}). Mettez Comptoir à jour pour l'ouvrir."
        )
    pending = [m for m in migrations if m.version not in applied]
    plan = seeding.SeedPlan.for_dir(seed_dir) if seed else None
    if not pending and (plan is None or plan.up_to_date(conn)):
        return
    report(0.1, "Préparation de la base de données…")
    # a database in use whose schema, or whose catalogue and drafts (new seed files), change
    if applied and backup_first:
        from desktop.store.backup import backup_before_migration

        backup_before_migration(database.path, conn)
    with database.transaction():
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT"
        )
        applied = _applied_versions(conn)  # again, under the write lock
        for i, migration in enumerate(m for m in migrations if m.version not in applied):
            report(
                0.1 + 0.2 * i / max(len(pending), 1), f"Mise à jour du schéma ({migration.name})…"
            )
            _apply(conn, migration, database.path)
        if plan is not None:
            refreshed = plan.run(conn, lambda f, m: report(0.3 + 0.65 * f, m))
            if refreshed and applied:  # a database in use: its drafts follow the new data
                _requote_drafts(database)


def _requote_drafts(database: Database) -> None:
    """Price the saved drafts again on the catalogue and directory the seed files just
    refreshed (a corrected price of a new version), so that none is finalised on old figures."""
    from desktop.core.errors import ComptoirError
    from desktop.store.offers_repo import OfferRepository

    try:
        report = OfferRepository(database).requote_drafts("", action="recalcul-donnees")
    except ComptoirError:
        log.exception("brouillons non recalculés après la mise à jour des données de départ")
        return
    database.requoted = report
    if report.changed:
        log.info("brouillons recalculés sur les données de départ : %s", ", ".join(report.changed))
    if report.unpriced:
        log.info("brouillons que les données de départ ne calculent plus : %s", ", ".join(report.unpriced))


def _applied_versions(conn: sqlite3.Connection) -> set[int]:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if not exists:
        return set()
    return {int(r[0]) for r in conn.execute("SELECT version FROM schema_version")}


def _apply(conn: sqlite3.Connection, migration: Migration, path: Path) -> None:
    log.info("applying migration %04d_%s", migration.version, migration.name)
    with storage_errors(f"appliquer la migration {migration.path.name}", path):
        for statement in migration.statements():
            conn.execute(statement)
        conn.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
            (migration.version, migration.name, now_iso()),
        )
