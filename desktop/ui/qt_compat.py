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
"""

from __future__ import annotations

import ctypes
import logging
import sys

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
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _PIN
    _pinned = True
    log.info(
        "PySide6 perd des références à None/True (%s/%s) : références épinglées",
        none_dropped,
        true_dropped,
    )
    return True
