"""run_gui itself, in process: --check-startup on the seeded database, and its refusals."""

from __future__ import annotations

from argparse import Namespace

from desktop.store.instance_lock import InstanceLock
from desktop.ui.application import run_gui


def test_check_startup_shows_the_window_and_exits_0(qtbot, db_path, capsys):
    code = run_gui(Namespace(check_startup=True), db_path)
    assert code == 0
    assert "Comptoir prêt" in capsys.readouterr().out


def test_a_second_window_on_the_same_database_is_refused(qtbot, db_path, capsys):
    with InstanceLock(db_path):
        code = run_gui(Namespace(check_startup=True), db_path)
    assert code == 2
    assert "déjà ouvert" in capsys.readouterr().err


def test_a_file_that_is_not_a_database_fails_with_a_message(qtbot, tmp_path, capsys):
    bogus = tmp_path / "pas-une-base.db"
    bogus.write_bytes(b"ceci n'est pas une base SQLite" * 100)
    code = run_gui(Namespace(check_startup=True), bogus)
    assert code != 0
    err = capsys.readouterr().err
    assert err.strip() and "Traceback" not in err


def test_a_check_run_leaves_no_quit_event_queued_behind_it(qtbot, db_path, capsys):
    """A stale Quit would end whatever event loop runs next in the process."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    class QuitSpy(QObject):
        seen = 0

        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Quit:
                QuitSpy.seen += 1
                return True  # swallowed: this test must not end the session's loops
            return False

    assert run_gui(Namespace(check_startup=True), db_path) == 0
    app = QCoreApplication.instance()
    spy = QuitSpy()
    app.installEventFilter(spy)
    try:
        app.processEvents()
        qtbot.wait(20)
    finally:
        app.removeEventFilter(spy)
    assert QuitSpy.seen == 0
