"""Unexpected errors: logged with their traceback, then shown with what to send.

``CrashHandler.install()`` replaces ``sys.excepthook`` (errors raised in Qt slots reach it
too) and ``threading.excepthook``. The report holds the version, the platform, the traceback
and the tail of the log file; the dialog (``desktop.ui.crash_dialog``, loaded when a report is
first shown) has a "Copier" button.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

log = logging.getLogger(__name__)

LOG_TAIL_LINES = 40


def log_file_path() -> Path | None:
    """The file the root logger writes to, if any (configured by the application)."""
    from desktop.logging_setup import log_file

    configured = log_file()
    if configured is not None:
        return configured
    for handler in logging.getLogger().handlers:
        name = getattr(handler, "baseFilename", None)
        if name:
            return Path(name)
    return None


def log_tail(lines: int = LOG_TAIL_LINES) -> str:
    path = log_file_path()
    if path is None:
        return "(pas de fichier journal)"
    for handler in logging.getLogger().handlers:
        if getattr(handler, "baseFilename", None) == str(path):
            handler.flush()
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as exc:
        return f"(journal illisible : {exc})"


def build_report(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    import platform

    from PySide6.QtCore import qVersion

    from desktop import __version__

    path = log_file_path()
    parts = [
        f"Comptoir {__version__}",
        f"Date : {datetime.now().isoformat(timespec='seconds')}",
        f"Système : {platform.platform()}",
        f"Python {platform.python_version()}, Qt {qVersion()}",
        f"Journal : {path if path else '(aucun)'}",
        "",
        "".join(traceback.format_exception(exc_type, exc, tb)).rstrip(),
        "",
        "Fin du journal :",
        log_tail().rstrip(),
    ]
    return "\n".join(parts)


class CrashHandler:
    """Installs the hooks; ``show`` is how a report reaches the user (injectable)."""

    def __init__(self, show: Callable[[str], None]) -> None:
        self._show = show
        self._showing = False
        self.count = 0
        self.before_report: list[Callable[[], None]] = []  # e.g. save the draft being edited
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook

    def handle(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_hook(exc_type, exc, tb)
            return
        self.count += 1
        if threading.current_thread() is not threading.main_thread():
            # reported by the binding on a worker thread (an error in a QRunnable's own code):
            # logged, never a dialog or a save from there (the window's objects are not its own)
            log.critical(
                "Erreur inattendue dans le fil %s",
                threading.current_thread().name,
                exc_info=(exc_type, exc, tb),
            )
            return
        log.critical("Erreur inattendue", exc_info=(exc_type, exc, tb))
        for flush in self.before_report:
            try:
                flush()
            except Exception:
                log.exception("Enregistrement d'urgence impossible")
        if self._showing:  # an error while the dialog is up: logged only
            return
        self._showing = True
        try:
            self._show(build_report(exc_type, exc, tb))
        except Exception:
            log.exception("Impossible d'afficher le rapport d'erreur")
        finally:
            self._showing = False

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        log.critical(
            "Erreur inattendue dans le fil %s",
            args.thread.name if args.thread else "?",
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )
        self.count += 1


def __getattr__(name: str) -> Any:
    """``CrashDialog`` stays importable from here; its module loads on first use."""
    if name == "CrashDialog":
        from desktop.ui.crash_dialog import CrashDialog

        return CrashDialog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
