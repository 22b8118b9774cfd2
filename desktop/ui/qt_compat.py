"""Work-arounds for defects of the Qt binding, each detected before it is applied.

PySide6 6.12 on CPython 3.11 returns ``None`` from every void method (``setText``,
``QTimer.start``, ``endResetModel``...) and ``True`` from ``Signal.emit`` without taking a
reference to them, as if they were immortal (they are only from CPython 3.12 on). Every such
call made from Python drops one reference; a session makes thousands per minute, and once the
count of ``None`` or ``True`` reaches zero the interpreter aborts ("none_dealloc",
"bool_dealloc"), taking unsaved work with it.

``pin_singletons()`` probes both defects and, where one is found, gives ``None``, ``True`` and
``False`` a very large reference count once (2**40: more calls than a process will ever make).
Nothing else changes; these objects are never freed anyway. The probe costs a few
microseconds at start-up, and nothing is done on an interpreter or binding without the defect.

Once ``PySide6.QtCore`` is imported, the binding hooks ``import``: for every module imported
afterwards it decides whether the module may use its optional ``__feature__`` switches by
reading the module's whole source with ``inspect.getsource`` (tokenized, and kept for the life
of the process in ``linecache``), just to look for the word "PySide6". On a start-up that is
about a hundred modules and 15 to 25 ms, and every module's text held in memory.
``scan_sources_cheaply()`` gives the binding the same answer (does the file mention
"PySide6"?) from one read of the file's bytes, cached nowhere. A module without a source
file gets the answer the binding gives it (no). Where the binding has no such scan, nothing
is done.
"""

from __future__ import annotations

import logging
import sys
from types import ModuleType

log = logging.getLogger(__name__)

_PIN = 1 << 40
_PROBES = 16
_pinned = False


def binding_drops_references() -> tuple[bool, bool]:
    """(void methods drop ``None``, ``Signal.emit`` drops ``True``), measured."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    none_before = sys.getrefcount(None)
    for _ in range(_PROBES):
        probe.setObjectName("sonde")
    none_dropped = sys.getrefcount(None) <= none_before - _PROBES
    true_before = sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.ping.emit()
    true_dropped = sys.getrefcount(True) <= true_before - _PROBES
    return none_dropped, true_dropped


def pin_singletons() -> bool:
    """Apply the work-around if the binding needs it; True when applied (once per process)."""
    global _pinned
    if _pinned:
        return True
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False  # None and True are immortal there: nothing to protect
    none_dropped, true_dropped = binding_drops_references()
    if not (none_dropped or true_dropped):
        return False
    import ctypes

    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _PIN
    _pinned = True
    log.info(
        "PySide6 perd des références à None/True (%s/%s) : références épinglées",
        none_dropped,
        true_dropped,
    )
    return True


def mentions_pyside(module: ModuleType) -> bool:
    """Whether the source file of ``module`` contains "PySide6" (False without one)."""
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None) if spec is not None else getattr(module, "__file__", None)
    if not isinstance(origin, str) or not origin.endswith(".py"):
        return False  # built in, compiled or frozen: inspect finds no source there either
    try:
        with open(origin, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def scan_sources_cheaply() -> bool:
    """Replace the binding's per-import source scan by ``mentions_pyside``; True if replaced.

    Call it right after importing ``PySide6.QtCore``: the modules imported before it have
    already been read.
    """
    try:
        from shibokensupport import feature  # type: ignore[import-not-found]  # the binding's, not public
    except ImportError:
        return False
    scan = getattr(feature, "_mod_uses_pyside", None)
    if scan is mentions_pyside:
        return True
    if not callable(scan) or getattr(scan, "__module__", None) != feature.__name__:
        return False  # another binding version: leave it alone
    feature._mod_uses_pyside = mentions_pyside
    return True
