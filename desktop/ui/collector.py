"""Cyclic garbage is collected on the GUI thread, never on a worker.

CPython runs its cyclic collector on whichever thread allocates when a threshold is crossed. A
worker rendering a PDF or finalising an offer can then free, in the middle of its own work,
Qt objects of the GUI thread that were waiting in a reference cycle (a closed window and the
callbacks that point back at it): their C++ destructors run on the wrong thread while the GUI
thread uses Qt, and the process dies with a segmentation fault ("Garbage-collecting" on the
worker's stack, seen under random use).

While the application runs, ``GuiCollector`` turns the automatic collector off and, from a
timer of the GUI thread, collects what the automatic one would have collected: the oldest
generation whose threshold is reached, once the youngest's is. Workers never collect.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class GuiCollector(QObject):
    """Stands in for the automatic collector, on the thread it lives in (the GUI thread)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._automatic_was_on = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        """Take over: the automatic collector is off until ``stop``."""
        if not self.active:
            self._automatic_was_on = gc.isenabled()
            gc.disable()
            self._timer.start()

    def stop(self) -> None:
        """Hand back: the automatic collector is as ``start`` found it."""
        if self.active:
            self._timer.stop()
            if self._automatic_was_on:
                gc.enable()

    def collect_due(self) -> int:
        """Collect the generation CPython would collect now (none if none is due); returns
        the number of unreachable objects found."""
        count, threshold = gc.get_count(), gc.get_threshold()
        if count[0] <= threshold[0]:
            return 0
        generation = 2 if count[2] > threshold[2] else 1 if count[1] > threshold[1] else 0
        return gc.collect(generation)
