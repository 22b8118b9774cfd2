"""The background helper: results and errors come back on the GUI thread; stale ones drop."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThreadPool

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
        work,
        5,
        on_progress=lambda v: seen.append((v, threading.get_ident())),
        on_result=seen.append,
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


def test_a_worker_never_signals_its_task_which_the_gui_thread_may_delete(qtbot):
    """Qt forbids deleting an object on one thread while another emits its signal. The task
    is deleted on the GUI thread (its runner closed, or once delivered): the worker must
    finish through something that outlives it, and the result is dropped quietly."""
    import sys

    from shiboken6 import delete

    runner = TaskRunner()
    gate = threading.Event()
    started = threading.Event()
    got: list[object] = []
    errors: list[BaseException] = []

    def work(progress):
        started.set()
        gate.wait(2)
        progress("encore là")
        return "fini"

    previous, sys.excepthook = sys.excepthook, lambda *exc: errors.append(exc[1])
    try:
        task = runner.run(work, on_result=got.append, on_progress=got.append)
        assert started.wait(2)
        delete(runner)  # the runner and its task are gone, on the GUI thread, mid-work
        assert _deleted(task)
        gate.set()
        assert QThreadPool.globalInstance().waitForDone(2000)
        qtbot.wait(50)  # whatever the worker sent is delivered (or dropped) now
    finally:
        sys.excepthook = previous
    assert errors == []
    assert got == []


def test_results_and_progress_keep_their_task_under_many_concurrent_tasks(qtbot, runner):
    """Thousands of tasks through the one relay: each result reaches its own callback, with
    its own progress first."""
    seen: dict[int, list[object]] = {}

    def work(i, progress):
        progress(("avant", i))
        return ("fin", i)

    def callbacks(i):
        mine = seen.setdefault(i, [])
        return mine.append, mine.append

    for i in range(2000):
        on_progress, on_result = callbacks(i)
        runner.run(work, i, on_result=on_result, on_progress=on_progress)
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
    assert seen == {i: [("avant", i), ("fin", i)] for i in range(2000)}


def test_a_callback_that_raises_does_not_hold_back_the_other_results(qtbot, runner):
    """An error nobody handles goes to the crash handler; the results behind it still come."""
    import sys

    errors: list[BaseException] = []
    got: list[int] = []
    gate = threading.Event()

    def boom():
        gate.wait(2)
        raise ValueError("personne ne l'attend")

    def later(i):
        gate.wait(2)
        return i

    previous, sys.excepthook = sys.excepthook, lambda *exc: errors.append(exc[1])
    try:
        runner.run(boom)  # no on_error: re-raised on the GUI thread
        for i in range(3):
            runner.run(later, i, on_result=got.append)
        gate.set()
        assert QThreadPool.globalInstance().waitForDone(2000)
        qtbot.waitUntil(lambda: sorted(got) == [0, 1, 2], timeout=2000)
    finally:
        sys.excepthook = previous
    assert [type(e) for e in errors] == [ValueError]


def test_the_work_and_its_arguments_are_let_go_on_the_gui_thread(qtbot, runner):
    """A work function bound to a Qt object (or arguments holding one) is released on the GUI
    thread, never by the worker: the object would be destroyed on the wrong thread. The same
    when the work fails (its traceback holds the object too)."""
    import gc

    from PySide6.QtCore import QObject, Qt

    direct = Qt.ConnectionType.DirectConnection
    gui = threading.get_ident()
    destroyed_on: list[int] = []

    class Holder(QObject):
        def work(self, value):
            time.sleep(0.002)  # the worker usually finishes after the GUI took the result
            if value % 2:
                raise ValueError(value)
            return value

    gc.collect()
    for i in range(20):
        holder = Holder()  # owned by Python alone: its last reference destroys it
        holder.destroyed.connect(lambda *_: destroyed_on.append(threading.get_ident()), direct)
        got: list[object] = []
        runner.run(holder.work, i, on_result=got.append, on_error=got.append)
        del holder
        qtbot.waitUntil(lambda got=got: len(got) == 1, timeout=2000)
        got.clear()  # the error (and its traceback) too
        assert QThreadPool.globalInstance().waitForDone(2000)
        qtbot.wait(5)
    gc.collect()
    assert len(destroyed_on) == 20 and set(destroyed_on) == {gui}


def test_finished_tasks_leave_nothing_behind(qtbot, runner):
    """A day at the booth runs thousands of tasks (a search per pause in the typing, every
    preview, print and save): once delivered, nothing of them stays in memory."""
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    def batch() -> int:
        for i in range(500):
            runner.run(abs, i)
        qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
        assert QThreadPool.globalInstance().waitForDone(2000)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the tasks themselves
        gc.collect()
        return len(gc.get_objects())

    batch()  # the pool's threads are up and waiting, as after a few minutes of use
    before = batch()
    after = [batch() for _ in range(4)]
    assert max(after) - before < 100, (before, after)
