"""Cyclic garbage is collected on the GUI thread, never on a worker."""

from __future__ import annotations

import gc
import threading

import pytest

from desktop.ui.collector import GuiCollector
from desktop.ui.tasks import TaskRunner


class Cycle:
    """A reference cycle that says on which thread it is freed."""

    freed_on: list[int] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cycle.freed_on.append(threading.get_ident())


@pytest.fixture
def collector(qtbot):
    was_on = gc.isenabled()
    c = GuiCollector(interval_ms=20)
    yield c
    c.stop()
    assert gc.isenabled() == was_on  # handed back as it was


def test_a_worker_never_collects_the_gui_thread_does(qtbot, collector):
    Cycle.freed_on.clear()
    collector.start()
    assert not gc.isenabled() and collector.active
    gui = threading.get_ident()
    runner = TaskRunner()

    kept: list[list[object]] = []

    def churn() -> int:
        for _ in range(3):
            Cycle()
            kept.append([[] for _ in range(5000)])  # far past the young generation's threshold
        return threading.get_ident()

    done: list[int] = []
    runner.run(churn, on_result=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    worker = done[0]
    assert worker not in Cycle.freed_on  # the worker allocated a lot and collected nothing
    qtbot.waitUntil(lambda: len(Cycle.freed_on) >= 3, timeout=5000)  # the timer did
    assert set(Cycle.freed_on) == {gui}
    runner.wait_idle(2000)


def test_nothing_is_collected_before_it_is_due(collector):
    gc.collect()
    assert collector.collect_due() == 0


def test_stop_hands_the_automatic_collector_back(collector):
    assert gc.isenabled()
    collector.start()
    collector.start()  # twice: still one take-over
    assert not gc.isenabled()
    collector.stop()
    assert gc.isenabled() and not collector.active
