"""Logging, configured once per process: a rotating file in the platform log directory.

The folder is ``platformdirs.user_log_dir("Comptoir", "iMio")`` unless ``COMPTOIR_LOG_DIR``
names another one. Library code only does ``logging.getLogger(__name__)``; this module is called
by the entry points (``desktop.app`` and ``desktop.cli``). Nothing is written to the console: a
command's stderr is reserved for the French messages meant for the user.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

LOG_DIR_ENV = "COMPTOIR_LOG_DIR"
LOG_FILE_NAME = "comptoir.log"
_MAX_BYTES = 1_000_000
_BACKUPS = 5
_FORMAT = "%(asctime)s %(levelname)-8s [%(process)d] %(name)s: %(message)s"

_handler: logging.Handler | None = None
_log_file: Path | None = None


def log_dir() -> Path:
    """The folder the log goes to (not created here)."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_log_dir("Comptoir", "iMio"))


def log_file() -> Path | None:
    """The file the log is written to, or ``None`` before ``configure_logging``."""
    return _log_file


def configure_logging(level: int = logging.INFO) -> Path:
    """Send the root logger to a rotating file and return its path.

    Calling it again is a no-op, unless the target folder changed in between (tests point
    ``COMPTOIR_LOG_DIR`` at a new folder for each test): the file handler is then replaced.
    If the platform folder cannot be created, the log goes to the temporary folder instead,
    so an error report can always name a file.
    """
    global _handler, _log_file
    target = _writable_log_file(log_dir())
    if _handler is not None and target == _log_file:
        return target

    handler = SizeRotatingFileHandler(target, max_bytes=_MAX_BYTES, backups=_BACKUPS)
    handler.setFormatter(logging.Formatter(_FORMAT))
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    _handler, _log_file = handler, target
    return target


class SizeRotatingFileHandler(logging.FileHandler):
    """A file that is renamed ``.1`` (``.1`` to ``.2``...) when it would exceed ``max_bytes``.

    The policy of ``logging.handlers.RotatingFileHandler``, without importing that module at
    start-up (it loads sockets, pickle and queues for handlers the application never uses).
    """

    def __init__(self, path: Path, *, max_bytes: int, backups: int) -> None:
        # a command line in another encoding than UTF-8 (a file name, a pasted name) is
        # written with escapes: the log never prints its own failure on the user's terminal
        super().__init__(path, encoding="utf-8", delay=True, errors="backslashreplace")
        self.max_bytes = max_bytes
        self.backups = backups

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._would_overflow(record):
                self.rotate()
        except OSError:
            # Windows renames no file another process holds open (the window, while a command
            # runs, or the other way round): the record goes on in the current file, and the
            # next one tries again
            pass
        except Exception:
            self.handleError(record)
            return
        super().emit(record)

    def _would_overflow(self, record: logging.LogRecord) -> bool:
        if self.max_bytes <= 0 or not os.path.isfile(self.baseFilename):
            return False
        if self.stream is None:
            self.stream = self._open()
        self.stream.seek(0, os.SEEK_END)
        return self.stream.tell() + len(f"{self.format(record)}\n") >= self.max_bytes

    def rotate(self) -> None:
        """comptoir.log -> comptoir.log.1 -> ... -> comptoir.log.<backups> (dropped after).

        The live file moves first: when it cannot (OSError), the old files keep their places.
        """
        if self.stream is not None:
            self.stream.close()
            self.stream = None
        base = self.baseFilename
        if self.backups <= 0:
            os.remove(base)
            return
        aside = f"{base}.rotation"
        os.replace(base, aside)
        try:
            for i in range(self.backups - 1, 0, -1):
                if os.path.exists(f"{base}.{i}"):
                    os.replace(f"{base}.{i}", f"{base}.{i + 1}")
        finally:
            os.replace(aside, f"{base}.1")


def _writable_log_file(folder: Path) -> Path:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / LOG_FILE_NAME
        with probe.open("a", encoding="utf-8"):
            pass
        return probe
    except OSError:
        import tempfile

        fallback = Path(tempfile.gettempdir()) / "comptoir-logs"
        fallback.mkdir(parents=True, exist_ok=True)
        return fallback / LOG_FILE_NAME
