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


def test_modules_imported_after_qtcore_are_not_read_into_linecache(tmp_path, monkeypatch):
    import linecache

    from desktop.ui.qt_compat import scan_sources_cheaply

    assert scan_sources_cheaply()  # the binding of this project has the scan
    source = tmp_path / "comptoir_scan_probe.py"
    source.write_text("from PySide6.QtCore import QObject\nVALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        import comptoir_scan_probe  # an import statement: what the binding hooks

        assert comptoir_scan_probe.VALUE == 1
        # the binding's own scan keeps every imported module's text for the process's life
        assert str(source) not in linecache.cache
    finally:
        sys.modules.pop("comptoir_scan_probe", None)


def test_the_cheap_scan_gives_the_bindings_answer(tmp_path):
    import types

    import desktop.core.quote
    import desktop.ui.main_window
    from desktop.ui.qt_compat import mentions_pyside

    assert mentions_pyside(desktop.ui.main_window)
    assert not mentions_pyside(desktop.core.quote)
    assert not mentions_pyside(sys)  # built in: no source
    gone = types.ModuleType("gone")
    gone.__file__ = str(tmp_path / "gone.py")  # its file no longer exists
    assert not mentions_pyside(gone)
