"""Logging, configured once per process: a rotating file in the platform log directory.

The folder is ``platformdirs.user_log_dir("Comptoir", "iMio")`` unless ``COMPTOIR_LOG_DIR``
names another one. Library code only does ``logging.getLogger(__name__)``; this module is called
by the entry points (``desktop.app`` and ``desktop.cli``). Nothing is written to the console: a
command's stderr is reserved for the French messages meant for the user.
"""

from __future__ import annotations

import logging
import logging.handlers
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

    handler = logging.handlers.RotatingFileHandler(
        target, maxBytes=_MAX_BYTES, backupCount=_BACKUPS, encoding="utf-8", delay=True
    )
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
