"""The one-window-per-database lock as Windows applies it (``msvcrt.locking``), simulated.

Windows' byte-range locks are mandatory: while a process holds bytes of a file, another handle
can neither lock nor read them (``_locking``, LockFile). The fake below does the same.
"""

from __future__ import annotations

import builtins
import errno
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop.store import instance_lock
from desktop.store.faults import AlreadyRunning
from desktop.store.instance_lock import InstanceLock, held_elsewhere


class WindowsLocks:
    """``msvcrt`` as far as the lock uses it: bytes locked from the handle's position."""

    LK_UNLCK = 0
    LK_NBLCK = 2

    def __init__(self) -> None:
        self.held: list[tuple[int, int, int, int]] = []  # (file, first byte, end, handle)

    def _overlapping(self, fd: int, start: int, end: int) -> list[tuple[int, int, int, int]]:
        node = os.fstat(fd).st_ino
        return [h for h in self.held if h[0] == node and h[1] < end and start < h[2]]

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        start = os.lseek(fd, 0, os.SEEK_CUR)
        if mode == self.LK_NBLCK:
            if self._overlapping(fd, start, start + nbytes):
                raise OSError(errno.EDEADLK, "Resource deadlock avoided")
            self.held.append((os.fstat(fd).st_ino, start, start + nbytes, fd))
        elif mode == self.LK_UNLCK:
            self.held = [h for h in self.held if not (h[3] == fd and h[1] == start)]

    def check_read(self, fd: int, start: int, nbytes: int) -> None:
        if any(h[3] != fd for h in self._overlapping(fd, start, start + nbytes)):
            raise PermissionError(13, "Le processus ne peut pas accéder au fichier (verrouillé)")


class WindowsFile:
    """A file whose reads obey the locks other handles hold."""

    def __init__(self, raw: Any, locks: WindowsLocks) -> None:
        self._raw = raw
        self._locks = locks

    def read(self, size: int = -1) -> bytes:
        self._locks.check_read(self._raw.fileno(), self._raw.tell(), size if size >= 0 else 1 << 30)
        data: bytes = self._raw.read(size)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> WindowsLocks:
    locks = WindowsLocks()
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "msvcrt", locks)

    def opened(*args: Any, **kwargs: Any) -> WindowsFile:
        return WindowsFile(builtins.open(*args, **kwargs), locks)

    monkeypatch.setattr(instance_lock, "open", opened, raising=False)
    return locks


def test_a_second_window_on_windows_is_refused_and_told_who_holds_the_database(
    tmp_path: Path, windows: WindowsLocks
) -> None:
    """Locked on its first byte, the file hid from the second window the line naming the
    first one: the message lost « processus …, depuis le … »."""
    path = tmp_path / "comptoir.sqlite3"
    path.touch()
    with InstanceLock(path) as first:
        assert first.held and windows.held
        with pytest.raises(AlreadyRunning, match=rf"processus {os.getpid()}, depuis le "):
            InstanceLock(path).acquire()
        assert held_elsewhere(path)
    assert not windows.held
    assert not held_elsewhere(path)
    with InstanceLock(path) as again:
        assert again.held


def _earlier_version_locks(path: Path, windows: WindowsLocks) -> Any:
    """What a window of an earlier version does: its line at the start, its lock on byte 0."""
    f = builtins.open(instance_lock.lock_path(path), "a+b")  # noqa: SIM115 - held by the test
    f.seek(0)
    try:
        windows.locking(f.fileno(), windows.LK_NBLCK, 1)
    except OSError:
        f.close()
        return None
    f.truncate()
    f.write(b"4242 22/11/2026 09:00\n")
    f.flush()
    return f


def test_a_window_of_an_earlier_version_and_one_of_this_version_never_share_a_database(
    tmp_path: Path, windows: WindowsLocks
) -> None:
    """Earlier versions lock the first byte; this one locked only a byte far past it: a window
    of each opened on the same database, two autosaving editors on one draft."""
    path = tmp_path / "comptoir.sqlite3"
    path.touch()
    earlier = _earlier_version_locks(path, windows)
    assert earlier is not None
    try:
        with pytest.raises(AlreadyRunning) as refused:
            InstanceLock(path).acquire()
        assert "processus" not in str(refused.value)  # its line lies under its lock: not guessed
        assert held_elsewhere(path)
        earlier.seek(0)
        windows.locking(earlier.fileno(), windows.LK_UNLCK, 1)  # that window closes
    finally:
        earlier.close()
    with InstanceLock(path) as this:
        assert this.held
        assert _earlier_version_locks(path, windows) is None  # the earlier one is refused too
        with pytest.raises(AlreadyRunning, match=rf"processus {os.getpid()}, depuis le "):
            InstanceLock(path).acquire()
