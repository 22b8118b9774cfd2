"""The binding defect work-around: thousands of Qt calls must not wear out None or True."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.ui.qt_compat import pin_singletons


class _Emitter(QObject):
    ping = Signal()


def test_ten_thousand_void_calls_and_emits_leave_the_process_alive(qtbot):
    pin_singletons()  # idempotent; the application calls it at start
    timer = QTimer()
    emitter = _Emitter()
    for _ in range(10_000):
        timer.setInterval(5)  # a void method: returns None
        emitter.ping.emit()  # returns True
    # Without the pin, None's and True's counts would have dropped by 10 000 each: a
    # process starts with far fewer, so it would already have aborted.
    assert sys.getrefcount(None) > 10_000
    assert sys.getrefcount(True) > 10_000
