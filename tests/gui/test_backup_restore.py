"""Fichier > Sauvegarder… and Restaurer…: a copy on a worker; a restore that reloads the app."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication

from desktop.core.quote import LineRequest
from desktop.ui.application import Startup
from desktop.ui.backend import Draft


@pytest.fixture
def started(qtbot, db_path, runner, dialogs, ui_state_path):
    startup = Startup(db_path, runner, dialogs, settings_path=ui_state_path)
    windows = []
    startup.ready.connect(windows.append)
    startup.start()
    qtbot.waitUntil(lambda: bool(windows), timeout=10_000)
    yield startup
    if startup.window is not None:
        startup.window.close()
    runner.wait_idle(5000)
    if startup.backend is not None:
        startup.backend.close()
    startup.lock.release()


def add_draft(backend, text):
    member = backend.index.search(text)[0]
    draft = Draft(member_id=member.id, lines=(LineRequest("delib", {}),))
    return backend.save_draft(None, draft, backend.quote(draft))


def test_backup_then_restore_brings_the_data_back(qtbot, started, dialogs, tmp_path):
    window = started.window
    kept = add_draft(started.backend, "nivelles")
    copy = tmp_path / "copie.sqlite3"
    dialogs.script("save_file", str(copy))
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: "Sauvegarde écrite" in window.bar.text, timeout=10_000)
    assert copy.stat().st_size > 0

    lost = add_draft(started.backend, "tournai")
    assert {o.id for o in started.backend.list_offers()} == {kept.id, lost.id}
    window.state.last_draft = kept.id  # a draft the new window would offer to reopen
    window.state.sync()

    dialogs.script("open_file", str(copy))
    dialogs.script("confirm", True)
    # the replaced window closed, the new one not yet up: closing the last window then ended
    # the application, the restored database never shown
    quits = []
    reload = started._reload
    started._reload = lambda message: (quits.append(QGuiApplication.quitOnLastWindowClosed()), reload(message))
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: bool(quits), timeout=10_000)
    assert quits == [False]
    qtbot.waitUntil(lambda: started.window is not None and started.window is not window, timeout=10_000)
    new = started.window
    qtbot.waitUntil(lambda: "Base restaurée" in new.bar.text, timeout=5000)
    qtbot.wait(50)  # its first messages have run: the restore is still what the bar says
    assert new.bar.text.startswith("Base restaurée") and new.bar.isVisible()
    assert {o.id for o in started.backend.list_offers()} == {kept.id}
    assert QGuiApplication.quitOnLastWindowClosed()  # closing the new window quits, as ever


def test_a_restore_runs_off_the_window_s_thread_and_says_so(qtbot, started, dialogs, tmp_path, monkeypatch):
    """The copy and its checks ran on the window's thread: with a year of offers (250 MB) the
    window froze for four seconds, saying nothing. It runs on a worker; a small window says
    what is happening when it lasts."""
    import threading

    from desktop.store import backup

    window = started.window
    kept = add_draft(started.backend, "nivelles")
    copy = tmp_path / "copie.sqlite3"
    backup.backup(started.backend.db, copy)
    add_draft(started.backend, "tournai")
    threads, go = _held_restore(monkeypatch)
    dialogs.script("open_file", str(copy))
    dialogs.script("confirm", True)
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: started.splash is not None and started.splash.isVisible(), timeout=3000)
    assert started.splash.label.text() == "Restauration de la base…"
    go.set()
    qtbot.waitUntil(lambda: started.window is not None and started.window is not window, timeout=10_000)
    assert threads and threads[0] is not threading.main_thread()
    assert started.splash is None
    qtbot.waitUntil(lambda: "Base restaurée" in started.window.bar.text, timeout=5000)
    assert {o.id for o in started.backend.list_offers()} == {kept.id}


def test_a_restore_refused_on_its_worker_opens_the_database_again_and_says_why(
    qtbot, started, dialogs, tmp_path, monkeypatch
):
    from desktop.store import backup
    from desktop.store.faults import BackupError

    window = started.window
    kept = add_draft(started.backend, "nivelles")
    copy = tmp_path / "copie.sqlite3"
    backup.backup(started.backend.db, copy)

    def refused(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise BackupError("La sauvegarde « copie.sqlite3 » est endommagée.")

    monkeypatch.setattr(backup, "restore", refused)
    dialogs.script("open_file", str(copy))
    dialogs.script("confirm", True)
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: started.window is not None and started.window is not window, timeout=10_000)
    qtbot.waitUntil(lambda: "Restauration impossible" in started.window.bar.text, timeout=5000)
    assert "endommagée" in started.window.bar.text and "La base n'a pas changé" in started.window.bar.text
    assert [o.id for o in started.backend.list_offers()] == [kept.id]


def test_a_backup_named_without_extension_gets_one_and_the_name_proposed_is_bare(
    qtbot, started, dialogs, tmp_path
):
    window = started.window
    seen = []
    dialogs.save_file = lambda _p, _t, suggested, _f: seen.append(suggested) or str(tmp_path / "vendredi")
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: "Sauvegarde écrite" in window.bar.text, timeout=10_000)
    assert (tmp_path / "vendredi.sqlite3").stat().st_size > 0  # listed by the restore dialog
    assert "/" not in seen[0] and seen[0].startswith("comptoir-sauvegarde-")  # opens where backups go
    dialogs.save_file = lambda *_a: str(tmp_path / "sauvegarde du 22.11.2026")  # « .2026 »
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: (tmp_path / "sauvegarde du 22.11.2026.sqlite3").exists(), timeout=10_000)
    folder = tmp_path / "cle"
    folder.mkdir()
    dialogs.save_file = lambda *_a: str(folder)
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: "est un dossier" in window.bar.text, timeout=10_000)
    assert not (tmp_path / "cle.sqlite3").exists()


def test_a_file_that_is_not_a_backup_is_refused_before_anything(qtbot, started, dialogs, tmp_path):
    window = started.window
    bogus = tmp_path / "faux.sqlite3"
    bogus.write_bytes(b"pas une base" * 50)
    kept = add_draft(started.backend, "nivelles")
    dialogs.script("open_file", str(bogus))
    window.restore_action.trigger()  # checked off the window's thread
    qtbot.waitUntil(lambda: window.bar.isVisible() and window.bar.level.value == "error", timeout=5000)
    assert started.window is window
    assert [o.id for o in started.backend.list_offers()] == [kept.id]


def test_a_failed_start_up_copy_is_said_in_the_bar(qtbot, db_path, runner, dialogs, ui_state_path, monkeypatch):
    import desktop.ui.backend as backend_module

    monkeypatch.setattr(
        backend_module, "backup_at_start", lambda _path: "Sauvegarde automatique impossible : disque plein."
    )
    startup = Startup(db_path, runner, dialogs, settings_path=ui_state_path)
    startup.start()
    qtbot.waitUntil(lambda: startup.window is not None, timeout=10_000)
    try:
        qtbot.waitUntil(lambda: "Sauvegarde automatique impossible" in startup.window.bar.text, timeout=5000)
    finally:
        startup.window.close()
        runner.wait_idle(5000)
        startup.backend.close()
        startup.lock.release()


def test_a_damaged_database_at_start_is_restored_from_its_automatic_copy(
    qtbot, db_path, runner, dialogs, ui_state_path
):
    """The window (where Fichier > Restaurer… lives) cannot open: the start offers it."""
    from desktop.store.backup import backup_at_start, backup_dir

    startup = Startup(db_path, runner, dialogs, settings_path=ui_state_path)
    copy = backup_at_start(db_path)  # what each start leaves in « sauvegardes »
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 3])  # a power cut mid-write, a bad USB key…
    failed = []
    startup.failed.connect(failed.append)
    bogus = backup_dir(db_path) / "pas-une-sauvegarde.sqlite3"
    bogus.write_bytes(b"rien" * 100)
    dialogs.script("confirm", True, True)  # restore; then, after the bad pick, another one
    dialogs.script("open_file", str(bogus), str(copy))
    startup.start()
    qtbot.waitUntil(lambda: startup.window is not None or bool(failed), timeout=10_000)
    try:
        assert not failed
        assert dialogs.folders == [str(backup_dir(db_path))] * 2  # where the copies are
        assert "endommagé" in dialogs.texts[0] and "Restauration impossible" in dialogs.texts[1]
        assert "Fichier >" not in dialogs.texts[0]  # no menu of a window that cannot open
        qtbot.waitUntil(lambda: "Base restaurée depuis" in startup.window.bar.text, timeout=5000)
        assert "L'ancienne base est gardée" in startup.window.bar.text  # the damaged file is kept
        assert len(startup.backend.index) > 500
    finally:
        startup.window.close()
        runner.wait_idle(5000)
        startup.backend.close()
        startup.lock.release()


def test_a_damaged_database_at_start_is_restored_off_the_gui_thread_and_said(
    qtbot, db_path, runner, dialogs, ui_state_path, monkeypatch
):
    """The backup chosen at start, for a database that cannot be read, was restored on the
    GUI thread with nothing on screen: with a year of offers the start seemed to have died for
    seconds, as the restore from the window did. It runs on a worker, the small window saying
    what is happening when it lasts."""
    import threading

    from desktop.store import backup

    startup = Startup(db_path, runner, dialogs, settings_path=ui_state_path)
    copy = backup.backup_at_start(db_path)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 3])
    threads, go = _held_restore(monkeypatch)
    dialogs.script("confirm", True)
    dialogs.script("open_file", str(copy))
    startup.start()
    try:
        qtbot.waitUntil(lambda: startup.splash is not None and startup.splash.isVisible(), timeout=5000)
        assert startup.splash.label.text() == "Restauration de la base…"
        go.set()
        qtbot.waitUntil(lambda: startup.window is not None, timeout=10_000)
        assert threads and threads[0] is not threading.main_thread()
        assert startup.splash is None
        qtbot.waitUntil(lambda: "Base restaurée depuis" in startup.window.bar.text, timeout=5000)
    finally:
        go.set()
        if startup.window is not None:
            startup.window.close()
        runner.wait_idle(5000)
        if startup.backend is not None:
            startup.backend.close()
        startup.lock.release()


def test_a_damaged_database_without_a_restore_fails_with_its_message(
    qtbot, db_path, runner, dialogs, ui_state_path
):
    startup = Startup(db_path, runner, dialogs, settings_path=ui_state_path)
    db_path.write_bytes(b"pas une base" * 400)
    failed = []
    startup.failed.connect(failed.append)
    dialogs.script("confirm", False)  # « Quitter »
    startup.start()
    qtbot.waitUntil(lambda: bool(failed), timeout=10_000)
    assert "comptoir restore FICHIER" in failed[0] and startup.window is None
    startup.lock.release()


def test_a_crash_after_a_restore_saves_the_edit_of_the_new_window(
    qtbot, started, dialogs, tmp_path
):
    """The crash handler held every window's ``shutdown`` for the life of the application:
    each restore kept the replaced window, its backend and about 2 MB. It asks the start-up
    for the window on screen instead."""
    old = started.window
    copy = tmp_path / "copie.sqlite3"
    dialogs.script("save_file", str(copy))
    old.backup_action.trigger()
    qtbot.waitUntil(lambda: "Sauvegarde écrite" in old.bar.text, timeout=10_000)
    dialogs.script("open_file", str(copy))
    dialogs.script("confirm", True)
    old.restore_action.trigger()
    qtbot.waitUntil(lambda: started.window is not None and started.window is not old, timeout=10_000)
    new = started.window
    flushed = []
    new.shutdown = lambda: flushed.append(new)
    started.flush_window()
    assert flushed == [new]


def test_the_crash_handler_flushes_whichever_window_is_on_screen(qtbot, db_path, monkeypatch, capsys):
    from argparse import Namespace

    from desktop.ui import application
    from desktop.ui.crash import CrashHandler

    handlers = []
    install = CrashHandler.install
    monkeypatch.setattr(CrashHandler, "install", lambda self: (handlers.append(self), install(self))[1])
    assert application.run_gui(Namespace(check_startup=True), db_path) == 0
    flushes = handlers[0].before_report
    assert [type(getattr(f, "__self__", None)).__name__ for f in flushes] == ["Startup"]


def test_a_restore_asked_again_while_its_backup_is_checked_is_refused(
    qtbot, started, dialogs, tmp_path, monkeypatch
):
    """« Restaurer la base… » chosen again while the first backup was checked: both checks
    ended in a question, stacked, and the second « Restaurer » replaced a window already
    gone (a traceback). The first restore is the one asked; the second is refused, said."""
    import threading

    from desktop.store import backup

    window = started.window
    kept = add_draft(started.backend, "nivelles")
    copy = tmp_path / "copie.sqlite3"
    backup.backup(started.backend.db, copy)
    add_draft(started.backend, "tournai")
    check, go = backup.check_backup, threading.Event()

    def slow(file, **kwargs):  # type: ignore[no-untyped-def]
        go.wait(5)  # a backup from an older version, migrated on a copy to be checked
        return check(file, **kwargs)

    monkeypatch.setattr(backup, "check_backup", slow)
    dialogs.script("open_file", str(copy), str(copy))
    dialogs.script("confirm", True, True)
    window.restore_action.trigger()
    window.restore_action.trigger()
    assert "attendez sa question" in window.bar.text
    go.set()
    qtbot.waitUntil(lambda: started.window is not None and started.window is not window, timeout=10_000)
    qtbot.waitUntil(lambda: "Base restaurée" in started.window.bar.text, timeout=5000)
    assert dialogs.asked == [("open_file", "Restaurer une sauvegarde"), ("confirm", "Restaurer une sauvegarde")]
    assert {o.id for o in started.backend.list_offers()} == {kept.id}


def test_a_backup_that_fails_its_check_lets_another_be_chosen(qtbot, started, dialogs, tmp_path):
    window = started.window
    junk = tmp_path / "pas-une-base.sqlite3"
    junk.write_bytes(b"rien")
    dialogs.script("open_file", str(junk))
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: "Vérification" not in window.bar.text, timeout=5000)
    dialogs.script("open_file", "")
    window.restore_action.trigger()
    assert dialogs.asked == [("open_file", "Restaurer une sauvegarde")] * 2


def _slow_import(monkeypatch):  # type: ignore[no-untyped-def]
    """Imports of offers that last until the returned event is set (a big bundle on a key)."""
    import threading

    from desktop.ui import exchange

    job, go = exchange.import_offers_job, threading.Event()

    def slow(db_path, path):  # type: ignore[no-untyped-def]
        go.wait(10)
        return job(db_path, path)

    monkeypatch.setattr(exchange, "import_offers_job", slow)
    return go


def test_a_restore_waits_for_an_import_still_running(qtbot, started, dialogs, tmp_path, monkeypatch):
    """A restore chosen while a bundle was imported went on after five seconds of waiting,
    under the import writing to the database it replaced; the import's end then reached the
    replaced window (a traceback). The restore is refused while the import runs, and said."""
    window = started.window
    bundle = tmp_path / "lot.zip"
    bundle.write_bytes(b"pas un lot")
    go = _slow_import(monkeypatch)
    dialogs.script("open_file", str(bundle))
    window.import_offers_action.trigger()
    window.restore_action.trigger()
    assert "Import des offres en cours : restaurez la base une fois qu'il est terminé." in window.bar.text
    assert dialogs.asked == [("open_file", "Importer des offres")]  # no backup asked for
    go.set()
    qtbot.waitUntil(lambda: "Lot non importé" in window.bar.text, timeout=10_000)
    assert started.window is window


def test_an_import_started_while_the_backup_is_checked_holds_the_restore(
    qtbot, started, dialogs, tmp_path, monkeypatch
):
    import threading

    from desktop.store import backup

    window = started.window
    copy = tmp_path / "copie.sqlite3"
    backup.backup(started.backend.db, copy)
    check, checked = backup.check_backup, threading.Event()

    def slow_check(file, **kwargs):  # type: ignore[no-untyped-def]
        checked.wait(10)
        return check(file, **kwargs)

    monkeypatch.setattr(backup, "check_backup", slow_check)
    bundle = tmp_path / "lot.zip"
    bundle.write_bytes(b"pas un lot")
    go = _slow_import(monkeypatch)
    dialogs.script("open_file", str(copy), str(bundle))
    window.restore_action.trigger()
    window.import_offers_action.trigger()  # while the backup is checked
    checked.set()
    qtbot.waitUntil(lambda: "restaurez la base une fois" in window.bar.text, timeout=10_000)
    assert ("confirm", "Restaurer une sauvegarde") not in dialogs.asked
    go.set()
    qtbot.waitUntil(lambda: "Lot non importé" in window.bar.text, timeout=10_000)
    assert started.window is window


def test_a_restore_waits_for_a_finalisation_still_running(qtbot, ready_window, dialogs, monkeypatch):
    """A restore chosen while an offer was numbered and its PDF made went on after five seconds
    of waiting, under the finalisation writing to the database it replaced; the finalisation's
    end then reached the replaced window. The restore is refused while the offer is finalised,
    also once the user went to another offer, and said."""
    import threading

    from desktop.ui import offer_actions

    window = ready_window
    finalise, go = offer_actions.finalise_offer, threading.Event()

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        go.wait(10)
        return finalise(*args, **kwargs)

    monkeypatch.setattr(offer_actions, "finalise_offer", slow)
    dialogs.script("confirm", True)
    window.finalise_action.trigger()
    finalised = window.session.offer.id
    window.restore_action.trigger()
    said = "Finalisation de l'offre en cours : restaurez la base une fois l'offre finalisée."
    assert window.bar.text == said
    window.new_action.trigger()  # another offer on screen: the finalisation goes on
    assert window.session.offer is None or window.session.offer.id != finalised
    window.restore_action.trigger()
    assert window.bar.text == said
    assert ("open_file", "Restaurer une sauvegarde") not in dialogs.asked
    go.set()
    qtbot.waitUntil(lambda: "finalisée, valable jusqu'au" in window.bar.text, timeout=20_000)
    dialogs.script("open_file", "")  # now the backup is asked for (and not chosen)
    window.restore_action.trigger()
    assert dialogs.asked[-1] == ("open_file", "Restaurer une sauvegarde")


def _held_restore(monkeypatch):  # type: ignore[no-untyped-def]
    """``backup.restore`` held until the event returned is set, as a year of offers to copy and
    check holds it; with the list of the threads it ran on."""
    import threading

    from desktop.store import backup

    threads: list[threading.Thread] = []
    restore, go = backup.restore, threading.Event()

    def slow(db_path, file, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        go.wait(5)
        return restore(db_path, file, **kwargs)

    monkeypatch.setattr(backup, "restore", slow)
    return threads, go
