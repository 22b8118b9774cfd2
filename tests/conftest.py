"""Fixtures shared by every test.

- Every test runs with its own ``COMPTOIR_DB`` (a file that does not exist yet) and
  ``COMPTOIR_LOG_DIR``, so nothing touches the user's real database or log, and with Qt on the
  offscreen platform.
- ``seeded_db_path``: one database created and seeded by the real store, once per session.
  Never write to it; use ``db_path``.
- ``db_path``: a private copy of the seeded database for one test (a file copy, fast);
  ``COMPTOIR_DB`` points at it.
- ``next_year``: publishes head office's next tariff grid into a test's database.
- ``brussels_time``: the local time zone set to Europe/Brussels for one test.
- ``run_comptoir``: runs ``python -m desktop ARGS...`` in a real process with this test's
  environment and returns the ``CompletedProcess`` (text, UTF-8).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# Before anything creates a QApplication (pytest-qt's qapp is session-wide).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
# the helpers every layer's tests share (``forged``: bundles and databases damaged on purpose)
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))
_SQLITE_SIDE_FILES = ("-wal", "-shm")


@dataclass(frozen=True)
class ComptoirEnv:
    """The isolated locations a test runs with."""

    db: Path
    log_dir: Path


@pytest.fixture(autouse=True)
def comptoir_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> ComptoirEnv:
    """Point the database and the log at fresh temporary places for each test."""
    base = tmp_path_factory.mktemp("env")
    env = ComptoirEnv(db=base / "comptoir.db", log_dir=base / "log")
    monkeypatch.setenv("COMPTOIR_DB", str(env.db))
    monkeypatch.setenv("COMPTOIR_LOG_DIR", str(env.log_dir))
    monkeypatch.setenv("QT_QPA_PLATFORM", os.environ.get("QT_QPA_PLATFORM") or "offscreen")
    return env


def _open_database() -> Callable[..., object]:
    try:
        from desktop.store.database import open_database
    except ModuleNotFoundError as error:
        if error.name in ("desktop.store", "desktop.store.database"):
            pytest.skip("desktop.store.database n'existe pas encore")
        raise
    return open_database


@pytest.fixture(scope="session")
def seeded_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database created and seeded once for the whole session. Read-only by convention."""
    open_database = _open_database()
    path = tmp_path_factory.mktemp("seeded") / "comptoir.db"
    database = open_database(path)
    database.close()  # type: ignore[attr-defined]
    return path


def copy_database(source: Path, target: Path) -> Path:
    """Copy an SQLite file with its WAL side files, if any."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    for suffix in _SQLITE_SIDE_FILES:
        side = source.with_name(source.name + suffix)
        if side.exists():
            shutil.copyfile(side, target.with_name(target.name + suffix))
    return target


@pytest.fixture
def db_path(
    seeded_db_path: Path,
    comptoir_env: ComptoirEnv,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """A private, already seeded database for this test; ``COMPTOIR_DB`` points at it."""
    path = copy_database(seeded_db_path, tmp_path_factory.mktemp("db") / "comptoir.db")
    monkeypatch.setenv("COMPTOIR_DB", str(path))
    return path


@pytest.fixture
def brussels_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The laptop's clock on Belgian time (CET, CEST in summer), as the users' are; the
    machine running the tests may be on UTC. POSIX only (``time.tzset``)."""
    import time

    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset n'existe pas sur ce système")
    monkeypatch.setenv("TZ", "Europe/Brussels")
    time.tzset()
    yield "Europe/Brussels"
    monkeypatch.undo()
    time.tzset()


RunComptoir = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture
def run_comptoir(comptoir_env: ComptoirEnv) -> RunComptoir:
    """``run_comptoir("members", "search", "liege", input=None, timeout=60, env={})``."""

    def run(
        *args: object,
        input: str | None = None,
        timeout: float = 60,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
        return subprocess.run(
            [sys.executable, "-m", "desktop", *(str(a) for a in args)],
            input=input,
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
            env=environment,
            timeout=timeout,
            check=False,
        )

    return run


def publish_next_year(db_path, code: str = "imio-2026", valid_from=None) -> str:
    """Head office's next grid: the seeded 2024 grid copied as ``code``, in force from
    ``valid_from`` (default: today), every whole price + 10 %. Written straight into the file."""
    import sqlite3
    from datetime import date

    start = (valid_from or date.today()).isoformat()
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("BEGIN IMMEDIATE")
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    plan = []
    for t in tables:
        cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')]
        if t == "tariff":
            plan.insert(0, (t, cols, "code"))
        elif "tariff" in cols and t != "offers":
            plan.append((t, cols, "tariff"))
    fixed = {
        ("tariff", "valid_from"): f"'{start}'",
        ("tariff", "year"): start[:4],
        ("tariff", "title"): f"'Grille {code} (essai)'",
    }
    for t, cols, key in plan:
        values = ", ".join(f"'{code}'" if c == key else fixed.get((t, c), f'"{c}"') for c in cols)
        names = ", ".join(f'"{c}"' for c in cols)
        conn.execute(f'INSERT INTO "{t}" ({names}) SELECT {values} FROM "{t}" WHERE "{key}" = \'imio-2024\'')
    conn.execute(
        "UPDATE price_cell SET amount = CAST(CAST(amount AS INTEGER) * 11 / 10 AS TEXT) "
        f"WHERE tariff = '{code}' AND state = 'priced' AND amount NOT LIKE '%.%'"
    )
    conn.execute("COMMIT")
    conn.close()
    return code


@pytest.fixture
def next_year(db_path):
    """Call it to publish head office's next grid into this test's database (or ``path``)."""
    return lambda path=None, **kw: publish_next_year(path or db_path, **kw)


def tamper_bundle(src: Path, dst: Path, table: str, row: dict | int, column: str, value: object) -> None:
    """Rewrite one cell of a bundle's ``table`` (the row matching ``row``, or that index) and
    re-sign the manifest, as someone editing a bundle by hand would."""
    import json
    import zipfile

    from forged import resign_manifest

    with zipfile.ZipFile(src) as z:
        files = {n: z.read(n) for n in z.namelist()}
    name = f"tables/{table}.json"
    doc = json.loads(files[name])
    cols = doc["columns"]
    if isinstance(row, int):
        rows = [doc["rows"][row]]
    else:
        rows = [r for r in doc["rows"] if all(r[cols.index(k)] == v for k, v in row.items())]
    assert len(rows) == 1, (table, row)
    rows[0][cols.index(column)] = value
    files[name] = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    resign_manifest(files)
    with zipfile.ZipFile(dst, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)


@pytest.fixture
def tamper():
    """``tamper(src, dst, table, row, column, value)``: see ``tamper_bundle``."""
    return tamper_bundle
