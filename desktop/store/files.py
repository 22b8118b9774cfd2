"""Writing user-chosen files (PDFs, exports, backups) so that a failure never leaves half a
file, and so that no file the application writes ever lands on a database.

``refuse_database_files`` is the one rule every writer follows: a PDF, a bundle or a template
written over a database file (or over the journal, shared memory, numbers or lock file SQLite
and Comptoir keep beside it) would destroy it, or swap it under the open connection so that
every later edit went to a file about to disappear.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from desktop.core.errors import InvalidInput
from desktop.store.faults import WIN_BUSY, storage_errors

SQLITE_MAGIC = b"SQLite format 3\x00"
# Files kept beside a database: SQLite's journals and shared memory, then Comptoir's own
# (``NumbersGiven.SUFFIX``, the instance lock). Writing over any of them loses data.
SQLITE_SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
COMPTOIR_SIDE_SUFFIXES = (".numeros", ".lock")
SIDE_SUFFIXES = SQLITE_SIDE_SUFFIXES + COMPTOIR_SIDE_SUFFIXES
# How long a file Windows says is in use is waited for before giving up (seconds).
REPLACE_PATIENCE = 1.0


def replace_file(src: str | Path, dst: str | Path) -> None:
    """``os.replace``, tried again for a moment while Windows says a file is in use.

    Windows neither replaces nor removes a file another program holds open: an antivirus or
    the search indexer opens a file just written, and lets go within a moment; a PDF reader
    keeps the document it shows, and the error then says so (``faults.map_error``).
    """
    deadline = time.monotonic() + REPLACE_PATIENCE
    while True:
        try:
            os.replace(src, dst)
            return
        except PermissionError as e:
            if getattr(e, "winerror", None) not in WIN_BUSY or time.monotonic() >= deadline:
                raise
        time.sleep(0.1)


def is_sqlite_file(path: Path) -> bool:
    """Does ``path`` hold an SQLite database (its 16-byte header)?"""
    try:
        with open(path, "rb") as f:
            return f.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def _database_beside(target: Path) -> Path | None:
    """The database whose side file ``target`` is (``base.db-wal`` -> ``base.db``), if any."""
    for suffix in SIDE_SUFFIXES:
        if target.name.endswith(suffix) and len(target.name) > len(suffix):
            base = target.with_name(target.name[: -len(suffix)])
            if base.is_file() and is_sqlite_file(base):
                return base
    return None


def refuse_database_files(
    path: str | Path,
    *,
    database: str | Path | None = None,
    any_database: bool = True,
    field: str | None = None,
) -> None:
    """Refuse, in French, to write ``path`` when that would destroy a database.

    Always refused: ``database`` (the open one, when the caller knows it) and the files kept
    beside it, and the side files of any database (``x.db-wal``, ``x.db.numeros``...).
    With ``any_database`` (every export, PDF or template), also any existing SQLite file: no
    such document is ever meant to replace one. A backup passes ``any_database=False``: a
    backup may replace an older backup, but never a database that is in use.
    """
    target = Path(path).expanduser()
    if database is not None:
        db = Path(database).expanduser()
        if _same_file(target, db):
            raise InvalidInput(
                    f"{target} est la base de données elle-même : l'écrire ici la détruirait. "
                "Choisissez un autre nom ou un autre dossier.",
                field=field,
            )
        for suffix in SIDE_SUFFIXES:
            side = db.with_name(db.name + suffix)
            if _same_file(target, side):
                raise InvalidInput(
                    f"{target} fait partie de la base de données ouverte ({db.name}, son "
                    "fichier de travail) : l'écrire ici la détruirait. Choisissez un autre nom "
                    "ou un autre dossier.",
                    field=field,
                )
    base = _database_beside(target)
    if base is not None:
        raise InvalidInput(
            f"{target} fait partie de la base de données {base.name} (son fichier de travail) : "
            "l'écrire ici la détruirait. Choisissez un autre nom ou un autre dossier.",
            field=field,
        )
    if not target.is_file() or not is_sqlite_file(target):
        return
    in_use = any(target.with_name(target.name + s).exists() for s in SQLITE_SIDE_SUFFIXES)
    if any_database or in_use:
        raise InvalidInput(
            f"{target} est une base de données"
            + (" en cours d'utilisation" if in_use and not any_database else "")
            + " : l'écrire ici la détruirait. Choisissez un autre nom ou un autre dossier.",
            field=field,
        )


def check_target(path: str | Path, *, field: str | None = None) -> Path:
    """``path`` as a file to create: refused in French when it is a folder, its folder is
    missing (what a file dialog or a print dialog may hand over), or it is a database or one
    of its side files (``refuse_database_files``)."""
    out = Path(path).expanduser()
    if out.is_dir():
        raise InvalidInput(
            f"{out} est un dossier : indiquez le nom complet du fichier à créer.", field=field
        )
    if not out.parent.exists():
        raise InvalidInput(
            f"Le dossier {out.parent} n'existe pas : créez-le ou choisissez-en un autre.",
            field=field,
        )
    refuse_database_files(out, field=field)
    return out


def write_atomically(path: str | Path, data: bytes, *, what: str = "le fichier") -> Path:
    """Write ``data`` to ``path`` through a temporary file, fsync and rename.

    A half-written file never replaces a good one. A folder given as ``path``, a missing
    parent folder, or a database file is refused with a French message (``check_target``);
    OS errors (disk full, read-only, access denied) become ``StorageError`` messages naming
    ``what``.
    """
    with atomic_file(path, what=what) as f:
        f.write(data)
    return Path(path).expanduser()


@contextmanager
def atomic_file(path: str | Path, *, what: str = "le fichier") -> Iterator[BinaryIO]:
    """``write_atomically`` for a file written piece by piece: the block writes into a
    temporary file beside ``path``, which takes its name, fsynced, once the block ends, and
    is deleted if the block raises."""
    out = check_target(path)
    with storage_errors(f"écrire {what}", out):
        fd, tmp = tempfile.mkstemp(prefix=".comptoir-", suffix=out.suffix, dir=out.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                yield f
                f.flush()
                os.fsync(f.fileno())
            replace_file(tmp, out)
        except BaseException:
            with contextlib.suppress(OSError):  # the error said is the one that stopped us
                Path(tmp).unlink(missing_ok=True)
            raise
