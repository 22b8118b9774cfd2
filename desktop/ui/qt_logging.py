"""Qt's own messages go to our log; a counter of warnings and errors for ``--check-startup``."""

from __future__ import annotations

import logging

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

qt_log = logging.getLogger("qt")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


# Platform plugins' notes about features they lack: not a problem of the application.
_BENIGN = ("This plugin does not support propagateSizeHints()",)


def _handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _LEVELS.get(kind, logging.WARNING)
    if level == logging.WARNING and message.startswith(_BENIGN):
        level = logging.INFO
    where = ""
    if context is not None and context.file:
        where = f" ({context.file}:{context.line})"
    qt_log.log(level, "%s%s", message, where)


_previous: list[object] = []


def install_qt_message_handler() -> None:
    """Route qDebug/qWarning/qCritical to the ``qt`` logger (and so to the log file)."""
    _previous.append(qInstallMessageHandler(_handler))


def uninstall_qt_message_handler() -> None:
    """Put back the handler that was there before (pytest-qt's, in tests)."""
    qInstallMessageHandler(_previous.pop() if _previous else None)  # type: ignore[arg-type]


class ProblemCounter(logging.Handler):
    """Counts records at WARNING and above; keeps the first few for a short report."""

    def __init__(self, level: int = logging.WARNING) -> None:
        super().__init__(level)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.first) < 10:
            try:
                self.first.append(f"{record.levelname} {record.name}: {record.getMessage()}")
            except Exception:  # a bad format string must not hide the count
                self.first.append(f"{record.levelname} {record.name}: {record.msg!r}")
