"""run_gui itself, in process: --check-startup on the seeded database, and its refusals."""

from __future__ import annotations

from argparse import Namespace

import pytest

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
    said = capsys.readouterr().err
    assert "déjà ouvert" in said
    assert "La ligne de commande (comptoir offers …) reste utilisable." in said  # not « en ligne »


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


def test_the_start_up_reports_its_progress_to_the_splash_on_the_gui_thread(qtbot, tmp_path):
    """A first start creates and seeds the database: the splash (shown when that is slow)
    follows each step, told on the GUI thread."""
    import threading

    from desktop.ui.application import Splash, Startup
    from desktop.ui.dialogs import Dialogs
    from desktop.ui.tasks import TaskRunner

    gui = threading.get_ident()
    runner = TaskRunner()
    startup = Startup(tmp_path / "neuve.db", runner, Dialogs(), check=True)
    steps: list[tuple[float, str, int]] = []
    real = startup._on_progress
    startup._on_progress = lambda step: (steps.append((*step, threading.get_ident())), real(step))[1]
    splash = startup.splash = Splash()  # as if the start were slow (not shown in a check)
    qtbot.addWidget(splash)
    with qtbot.waitSignal(startup.ready, timeout=30_000) as sig:
        startup.start()
    window = sig.args[0]
    qtbot.addWidget(window)
    assert steps[0][:2] == (0.0, "Ouverture de la base de données…")
    assert steps[-1][:2] == (1.0, "Prêt")
    assert {thread for *_, thread in steps} == {gui}
    assert [f for f, *_ in steps] == sorted(f for f, *_ in steps)  # in order
    splash.bar.setValue(40)
    assert splash.bar.text() == "40\u00a0%"  # French: a space before the sign
    runner.wait_idle(5000)
    window.shutdown()
    startup.backend.close()
    startup.lock.release()


def test_the_application_has_its_icon(qtbot):
    """The task bar and the installers showed no icon: resources/icons did not exist."""
    from desktop.paths import resources_dir
    from desktop.ui.application import make_application

    app = make_application()
    assert not app.windowIcon().isNull()
    for name in ("comptoir.png", "comptoir.ico"):  # the Linux menu entry's, the Windows build's
        assert (resources_dir() / "icons" / name).stat().st_size > 1000


def test_a_folder_given_as_the_database_is_said_in_a_window(qtbot, tmp_path, monkeypatch):
    """The window's build has no terminal: with --db or COMPTOIR_DB naming a folder, the
    refusal went to a stderr nobody sees and the application closed without a word."""
    from desktop import app, logging_setup
    from desktop.ui.dialogs import Dialogs

    said: list[tuple[str, str]] = []
    monkeypatch.setattr(Dialogs, "inform", lambda self, parent, title, text: said.append((title, text)))
    monkeypatch.setattr(logging_setup, "configure_logging", lambda *a, **k: None)
    monkeypatch.setattr(app, "_ensure_streams", lambda: True)  # the window's build: no stderr
    assert app.main(["--db", str(tmp_path)]) == 2
    monkeypatch.setenv("COMPTOIR_DB", str(tmp_path))
    assert app.main([]) == 2
    assert [title for title, _ in said] == ["Comptoir ne peut pas démarrer"] * 2
    assert all(f"{tmp_path} est un dossier" in text for _, text in said)


def test_from_a_terminal_a_folder_given_as_the_database_is_said_there(qtbot, tmp_path, monkeypatch, capsys):
    from desktop import app, logging_setup
    from desktop.ui.dialogs import Dialogs

    monkeypatch.setattr(Dialogs, "inform", lambda *a: pytest.fail("no window from a terminal"))
    monkeypatch.setattr(logging_setup, "configure_logging", lambda *a, **k: None)
    assert app.main(["--db", str(tmp_path)]) == 2
    assert f"{tmp_path} est un dossier" in capsys.readouterr().err
