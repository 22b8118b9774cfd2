"""The background helper: results and errors come back on the GUI thread; stale ones drop."""

from __future__ import annotations

import threading
import time

import pytest

from desktop.ui.tasks import TaskRunner


@pytest.fixture
def runner(qtbot):
    r = TaskRunner()
    yield r
    r.wait_idle(2000)


def test_result_is_delivered_on_the_gui_thread(qtbot, runner):
    gui = threading.get_ident()
    seen = {}

    def work(x):
        seen["worker"] = threading.get_ident()
        return x * 2

    got = []
    runner.run(work, 21, on_result=lambda r: got.append((r, threading.get_ident())))
    qtbot.waitUntil(lambda: bool(got), timeout=2000)
    assert got == [(42, gui)]
    assert seen["worker"] != gui
    qtbot.waitUntil(lambda: not runner.busy, timeout=2000)


def test_error_goes_to_on_error(qtbot, runner):
    errors = []

    def boom():
        raise ValueError("non")

    runner.run(boom, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=2000)
    assert isinstance(errors[0], ValueError)


def test_latest_drops_an_older_result(qtbot, runner):
    got = []
    gate = threading.Event()

    def slow():
        gate.wait(2)
        return "ancien"

    runner.latest("search", slow, on_result=got.append)
    runner.latest("search", lambda: "récent", on_result=got.append)
    qtbot.waitUntil(lambda: got == ["récent"], timeout=2000)
    gate.set()
    runner.wait_idle(2000)
    time.sleep(0.05)
    qtbot.wait(50)
    assert got == ["récent"]
    qtbot.waitUntil(lambda: not runner.busy, timeout=2000)


def test_busy_signal(qtbot, runner):
    states = []
    runner.busy_changed.connect(states.append)
    with qtbot.waitSignal(runner.busy_changed, timeout=2000, check_params_cb=lambda b: b == 0):
        runner.run(lambda: None)
    assert states == [1, 0]



def test_progress_reaches_the_gui_thread_in_order_before_the_result(qtbot, runner):
    gui = threading.get_ident()
    seen: list[object] = []

    def work(n, progress):
        for i in range(n):
            progress(i)
        return "fini"

    runner.run(
        work, 5, on_progress=lambda v: seen.append((v, threading.get_ident())), on_result=seen.append
    )
    qtbot.waitUntil(lambda: "fini" in seen, timeout=2000)
    assert seen == [(i, gui) for i in range(5)] + ["fini"]


def test_progress_to_a_widget_closed_meanwhile_is_dropped_quietly(qtbot, runner):
    """The print of a closed preview goes on; its page count must not reach the dead widget."""
    from PySide6.QtWidgets import QLabel

    class Status(QLabel):
        def show_progress(self, value):
            self.setText(str(value))

    label = Status()
    gate = threading.Event()
    errors: list[BaseException] = []
    import sys

    previous, sys.excepthook = sys.excepthook, lambda *exc: errors.append(exc[1])
    try:

        def work(progress):
            gate.wait(2)
            progress("page 1")
            return None

        runner.run(work, on_progress=label.show_progress)
        label.deleteLater()
        qtbot.waitUntil(lambda: _deleted(label), timeout=2000)
        gate.set()
        qtbot.waitUntil(lambda: not runner.busy, timeout=2000)
    finally:
        sys.excepthook = previous
    assert errors == []


def _deleted(widget) -> bool:
    from shiboken6 import isValid

    return not isValid(widget)
