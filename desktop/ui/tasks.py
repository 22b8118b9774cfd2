"""The one way to run work off the GUI thread.

``TaskRunner.run(fn, *args, on_result=..., on_error=...)`` calls ``fn`` on a pool thread and
delivers its result (or exception) back on the GUI thread, through a relay that the worker
wakes with a posted event (``_Relay``). The work function receives plain values and returns
plain values (Anki's ``QueryOp``): it must not touch a widget, nor create, connect, emit or
delete a Qt object.

A task can be cancelled: its result is then dropped, the callbacks are not called. ``latest``
keeps only the newest task of a named stream (search-as-you-type: an old search that finishes
late never overwrites a newer result).
"""

from __future__ import annotations

import functools
import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThreadPool, Signal, Slot
from shiboken6 import isValid

log = logging.getLogger(__name__)

ResultCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


_WAKE = QEvent.Type(QEvent.registerEventType())  # « results are waiting », to the relay


class _Relay(QObject):
    """How workers hand results and progress back: one per process, never deleted.

    A worker puts what it has in the relay's inbox (a plain Python queue) and posts one event
    to wake the GUI thread, which then finds each task, where tasks are created and deleted.
    A worker never emits a Qt signal, connects or deletes a Qt object:

    - it used to emit a signal of its own task, which the GUI thread deletes once delivered,
      and Qt forbids deleting an object while another thread emits its signal (a
      segmentation fault in that emit, seen once under random use);
    - emitting to another thread takes one of the locks Qt shares between all objects, with
      the interpreter held, while the GUI thread, deleting an object, may hold that lock and
      wait for the interpreter: both would wait for good. Posting an event takes no such
      lock (the event queue's own lock is never held while Python runs).
    """

    def __init__(self) -> None:
        super().__init__()
        self.tasks: dict[int, Task] = {}  # started, not yet delivered (GUI thread only)
        self._ids = itertools.count(1)
        self._inbox: deque[tuple[int, bool, object, object]] = deque()  # any thread
        self._lock = threading.Lock()
        self._wake_pending = False

    def register(self, task: Task) -> int:
        task_id = next(self._ids)
        self.tasks[task_id] = task
        return task_id

    def post(self, task_id: int, final: bool, outcome: list[Any]) -> None:
        """Any thread: progress (``final`` False) or the end of a task, for the GUI thread.

        ``outcome`` is ``[value, error]``; it is emptied here, so that once the inbox holds
        the values nothing of the worker does: they are released on the GUI thread."""
        self._inbox.append((task_id, final, outcome[0], outcome[1]))
        outcome.clear()
        self._wake()

    def _wake(self) -> None:
        with self._lock:
            if self._wake_pending:
                return  # the GUI thread has yet to empty the inbox: it will find this too
            self._wake_pending = True
        QCoreApplication.postEvent(self, QEvent(_WAKE))

    def customEvent(self, event: QEvent) -> None:  # GUI thread
        if event.type() != _WAKE:
            return
        with self._lock:
            self._wake_pending = False  # anything posted from now on wakes it again
        try:
            while self._inbox:
                self._hand_over(*self._inbox.popleft())
        finally:
            if self._inbox:  # should a hand-over raise, the rest are not left waiting
                self._wake()

    def _hand_over(self, task_id: int, final: bool, value: object, error: object) -> None:
        if final:
            task = self.tasks.pop(task_id, None)
            if task is not None and isValid(task):  # its runner may be gone, task with it
                task._deliver(value, error)
        else:
            task = self.tasks.get(task_id)
            if task is not None and isValid(task) and not task.cancelled:
                task.progressed.emit(value)


_relay: _Relay | None = None


def _the_relay() -> _Relay:
    """The process's relay, created on the GUI thread by the first runner."""
    global _relay
    if _relay is None:
        _relay = _Relay()
    return _relay


class Task(QObject):
    """A unit of background work. Lives on the GUI thread; only its runnable runs elsewhere,
    and that never touches the task itself (see ``_Relay``)."""

    succeeded = Signal(object)  # result, on the GUI thread
    failed = Signal(object)  # exception, on the GUI thread
    finished = Signal()  # after succeeded/failed, unless cancelled
    ended = Signal()  # always, last (the runner forgets the task)
    progressed = Signal(object)  # what ``report`` was given, on the GUI thread

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._cancelled = threading.Event()
        self.done = False
        self.id = _the_relay().register(self)
        self.work: tuple[Callable[..., Any], tuple, dict] | None = None
        # what the worker may call: plain Python, no reference to this Qt object
        self.report: Callable[[object], None] = functools.partial(_report, self.id, self._cancelled)

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def _deliver(self, result: object, error: object) -> None:
        self.done = True
        self.work = None  # the function and its arguments go here, on the GUI thread
        try:
            if not self.cancelled:
                if error is not None:
                    self.failed.emit(error)
                else:
                    self.succeeded.emit(result)
                self.finished.emit()
        finally:
            self.ended.emit()
            self.deleteLater()


def _report(task_id: int, cancelled: threading.Event, value: object) -> None:
    """Worker side of ``Task.report``: tell the GUI thread how far the work is (dropped once
    the task is cancelled). The work may call it until it returns, whatever the GUI does."""
    if not cancelled.is_set():
        _the_relay().post(task_id, False, [value, None])


class _Runnable:
    """Runs on a pool thread: plain values only, the relay for the way back.

    The work and its arguments are let go on the GUI thread: the task keeps them until its
    result is delivered, and the worker drops its own references before it posts the result.
    A work function bound to a Qt object, dropped last by the worker, would destroy that
    object on the wrong thread.

    A plain callable, not a ``QRunnable`` subclass: the binding's pool keeps a reference to
    such a runnable, and for short work (a search) it often never lets it go once run: about
    one task in two stayed in memory for the rest of the day, each with its event."""

    def __init__(self, task: Task, work: tuple[Callable[..., Any], tuple, dict]) -> None:
        self._task_id = task.id
        self._name = task.name
        self._cancelled = task._cancelled
        self._relay = _the_relay()
        self._work: tuple[Callable[..., Any], tuple, dict] | None = work

    def __call__(self) -> None:  # pool thread: no widget access here
        work, self._work = self._work, None
        if work is None or self._cancelled.is_set():
            del work
            self._relay.post(self._task_id, True, [None, None])
            return
        fn, args, kwargs = work
        del work
        try:
            outcome = [fn(*args, **kwargs), None]  # [result, error]
        except BaseException as exc:  # delivered to the GUI thread, never lost
            log.debug("tâche %s en erreur", self._name, exc_info=True)
            outcome = [None, exc]
        del fn, args, kwargs  # the task still holds them: released on the GUI thread
        self._relay.post(self._task_id, True, outcome)  # hands the outcome over, keeps nothing


class TaskRunner(QObject):
    """Runs functions on a thread pool and calls back on the GUI thread."""

    busy_changed = Signal(int)  # 1 = work running, 0 = idle

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._running: set[Task] = set()
        self._latest: dict[str, Task] = {}

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: ResultCallback | None = None,
        on_error: ErrorCallback | None = None,
        on_progress: Callable[[Any], None] | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> Task:
        """Run ``fn(*args, **kwargs)`` off the GUI thread.

        ``on_result(result)`` / ``on_error(exception)`` are called on the GUI thread. Without
        ``on_error`` an exception is re-raised on the GUI thread, so it reaches the crash
        handler instead of vanishing. With ``on_progress``, ``fn`` also gets ``progress=``, a
        function it may call from the worker with any value: ``on_progress(value)`` follows
        on the GUI thread. Give methods of the widget concerned, not lambdas holding it: Qt
        disconnects a method of a widget that is gone before the work ends.
        """
        task = Task(name or str(getattr(fn, "__name__", "tâche")), self)
        if on_progress is not None:
            task.progressed.connect(on_progress)
            kwargs["progress"] = task.report
        if on_result is not None:
            task.succeeded.connect(on_result)
        task.failed.connect(on_error if on_error is not None else _reraise)
        was_idle = not self._running
        self._running.add(task)
        task.ended.connect(self._on_task_ended)
        if was_idle:
            self.busy_changed.emit(1)
        task.work = (fn, args, kwargs)  # released with the task, on the GUI thread
        self._pool.start(_Runnable(task, task.work))
        return task

    def latest(self, stream: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Task:
        """Like ``run``, cancelling the previous task of ``stream`` if it is still running."""
        self.cancel(stream)
        task = self.run(fn, *args, name=stream, **kwargs)
        self._latest[stream] = task
        return task

    def cancel(self, stream: str) -> None:
        """Drop the result of the task of ``stream`` still running: the user moved on."""
        previous = self._latest.get(stream)
        if previous is not None and not previous.done:
            previous.cancel()

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def wait_idle(self, msecs: int = 5000) -> bool:
        """Block until every queued function has run (shutdown and tests)."""
        return self._pool.waitForDone(msecs)

    @Slot()
    def _on_task_ended(self) -> None:
        task = self.sender()
        if isinstance(task, Task):
            self._forget(task)

    def _forget(self, task: Task) -> None:
        self._running.discard(task)
        if self._latest.get(task.name) is task:
            del self._latest[task.name]
        if not self._running:
            self.busy_changed.emit(0)


def _reraise(error: BaseException) -> None:
    raise error
