"""One application window per database: an OS-level lock next to the database file.

Decision: the *application* (GUI) takes ``InstanceLock(db_path)`` at start. A second window on
the same database gets ``AlreadyRunning`` with a French message and exits (the first one keeps
working, nothing is opened twice: two autosaving editors on one draft would fight). Command
line commands do **not** take the lock: head office scripts them while the app is open, and
SQLite's own locking (WAL, ``BEGIN IMMEDIATE``, busy timeout) keeps every write consistent.
Only ``comptoir restore`` checks it (``held_elsewhere``): replacing the database under an open
window would pull the data from under its feet.

The lock is ``flock`` (POSIX) or ``msvcrt.locking`` (Windows) on ``<base>.lock``: the OS drops
it when the process dies, so a crash never leaves a stale lock behind. The file holds the
process id and start time, only to make the message precise. No Qt here (QLockFile would
work too, but the CLI must be able to test the lock without Qt).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import IO

from desktop.store.faults import AlreadyRunning

log = logging.getLogger(__name__)


def lock_path(db_path: Path) -> Path:
    # Beside the real file: a second path to the same database (a link) finds the same lock.
    real = Path(db_path).resolve()
    return real.with_name(real.name + ".lock")


# Windows' byte-range locks are mandatory: no other process may even read the bytes locked.
# Earlier versions locked the first byte of the lock file, over the line that says who holds it;
# a window still takes that byte, so that a window of either version refuses to open beside the
# other, and writes its line from the second byte on. It also locks one byte far past that line
# (the lock may lie beyond the end of the file): a second window that finds that byte locked
# knows the line is there to read; found free, the holder is an earlier version, whose line
# cannot be read.
_WINDOWS_LOCKED_BYTE = 1 << 20
_WINDOWS_BYTES = (0, _WINDOWS_LOCKED_BYTE)
_WINDOWS_LINE_AT = 1


def _lock_byte(f: IO[bytes], at: int) -> bool:
    """Windows: lock byte ``at`` of ``f``; False when another process holds it."""
    if sys.platform == "win32":
        import msvcrt

        try:
            f.seek(at)
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
    return True


def _unlock_byte(f: IO[bytes], at: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        with contextlib.suppress(OSError):
            f.seek(at)
            msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)


def _try_lock(f: IO[bytes]) -> bool:
    if sys.platform == "win32":
        for i, at in enumerate(_WINDOWS_BYTES):
            if not _lock_byte(f, at):
                for taken in _WINDOWS_BYTES[:i]:
                    _unlock_byte(f, taken)
                return False
        return True
    import fcntl

    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as e:
        if e.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise
    return True


def _unlock(f: IO[bytes]) -> None:
    if sys.platform == "win32":
        for at in _WINDOWS_BYTES:
            _unlock_byte(f, at)
        return
    import fcntl

    with contextlib.suppress(OSError):
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)


class InstanceLock:
    """``with InstanceLock(db_path):`` or ``acquire()`` / ``release()``."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.path = lock_path(self.db_path)
        self._file: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> bool:
        """Take the lock, or raise ``AlreadyRunning``. Returns False when no lock file can be
        written (read-only folder): the database open that follows reports that problem."""
        if self._file is not None:
            return True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            f = open(self.path, "a+b")  # noqa: SIM115 - kept open while the lock is held
        except OSError as e:
            log.warning("no instance lock (%s): %s", self.path, e)
            return False
        if not _try_lock(f):
            who = _describe(f)
            f.close()
            raise AlreadyRunning(
                "Comptoir est déjà ouvert sur cette base de données"
                + (f" ({who})" if who else "")
                + ". Revenez à la fenêtre déjà ouverte, ou fermez-la avant d'en ouvrir une autre. "
                "La ligne de commande (comptoir offers …) reste utilisable."
            )
        with contextlib.suppress(OSError):
            f.seek(0)
            f.truncate()
            stamp = datetime.now().strftime("%d/%m/%Y %H:%M")
            # from the second byte: on Windows the first one is locked (see _WINDOWS_BYTES)
            f.write(f"\n{os.getpid()} {stamp}\n".encode())
            f.flush()
        self._file = f
        return True

    def release(self) -> None:
        f, self._file = self._file, None
        if f is None:
            return
        with contextlib.suppress(OSError):
            f.seek(0)
            f.truncate()
        _unlock(f)
        f.close()

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _describe(f: IO[bytes]) -> str:
    start = 0
    if sys.platform == "win32":
        if _lock_byte(f, _WINDOWS_LOCKED_BYTE):  # an earlier version: its line is under its lock
            _unlock_byte(f, _WINDOWS_LOCKED_BYTE)
            return ""
        start = _WINDOWS_LINE_AT
    try:
        f.seek(start)
        text = f.read(200).decode("utf-8", "replace").split()
    except OSError:
        return ""
    if len(text) >= 3:
        return f"processus {text[0]}, depuis le {text[1]} à {text[2]}"
    return ""


def held_elsewhere(db_path: Path) -> bool:
    """True when another process holds the instance lock of ``db_path`` (an open window)."""
    lock = InstanceLock(db_path)
    if not lock.path.exists():
        return False
    try:
        ok = lock.acquire()
    except AlreadyRunning:
        return True
    if ok:
        lock.release()
    return False
