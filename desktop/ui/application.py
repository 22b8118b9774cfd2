"""The desktop application: QApplication, French, logging, crash handler, start-up.

``run_gui(args, db_path)`` is called by ``desktop.app`` once arguments and logging are set up.
Start-up opens the database on a worker thread (migrations and seeding can take a while the
first time) and shows a small progress window only if that takes more than a moment.

``--check-startup`` shows the main window on the database and exits as soon as the event loop
is idle: 0 when nothing was logged at WARNING or above, 1 otherwise (the start-up benchmark
and the packaged-build smoke test use it).
"""

from __future__ import annotations

import gc
import logging
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QProgressBar, QVBoxLayout, QWidget

from desktop.ui import qt_compat

qt_compat.scan_sources_cheaply()  # before the imports below (see qt_compat)

from desktop.ui.collector import GuiCollector  # noqa: E402
from desktop.ui.crash import CrashHandler  # noqa: E402
from desktop.ui.dialogs import Dialogs  # noqa: E402
from desktop.ui.qt_logging import (  # noqa: E402
    ProblemCounter,
    install_qt_message_handler,
    uninstall_qt_message_handler,
)
from desktop.ui.tasks import TaskRunner  # noqa: E402
from desktop.ui.translations import install_french  # noqa: E402

log = logging.getLogger(__name__)

_T0 = time.perf_counter()
SPLASH_DELAY_MS = 400
PRINT_GRACE_MS = 30_000  # a print started just before the window closed still gets sent
CANNOT_START = "Comptoir ne peut pas démarrer"  # the title of what stops the start


def make_application(argv: list[str] | None = None) -> QApplication:
    qt_compat.pin_singletons()  # before any other call into the binding (see qt_compat)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    from desktop import __version__

    app.setApplicationName("Comptoir")
    app.setApplicationDisplayName("Comptoir")
    app.setOrganizationName("iMio")
    app.setOrganizationDomain("imio.be")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("comptoir")
    from PySide6.QtGui import QIcon

    from desktop.paths import resources_dir

    # read from the file when a window first shows it: nothing decoded before
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "comptoir.png")))
    from desktop.ui.tones import follow_palette

    follow_palette(app)  # a switch to the dark theme recolours warnings and hints
    return app


class Splash(QWidget):
    """Small progress window while the database opens (only when it is slow)."""

    def __init__(self) -> None:
        super().__init__(None, Qt.WindowType.SplashScreen | Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowTitle("Comptoir")
        self.label = QLabel("Ouverture de la base de données…")
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setFormat("%p\u00a0%")  # « 40 % », as French writes it
        title = QLabel("<b>Comptoir</b> — offres iMio")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(title)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.setFixedWidth(420)

    def report(self, fraction: float | None, text: str) -> None:
        """``fraction`` done, or None for work that cannot tell (the bar moves to and fro)."""
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 100)
            self.bar.setValue(int(max(0.0, min(1.0, fraction)) * 100))
        self.label.setText(text)


def _load_reporting(load: Any, db_path: Path, progress: Any) -> Any:
    """Worker side: ``load(db_path, report)``, each ``report(fraction, text)`` handed to the
    runner's ``progress`` (which takes one value)."""
    return load(db_path, lambda fraction, text: progress((fraction, text)))


class Startup(QObject):
    """Loads the data off the GUI thread, then builds and shows the main window."""

    ready = Signal(object)  # the main window
    failed = Signal(str)

    def __init__(
        self,
        db_path: Path,
        runner: TaskRunner,
        dialogs: Dialogs,
        *,
        check: bool = False,
        settings_path: str | None = None,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.runner = runner
        self.dialogs = dialogs
        self.check = check
        self.settings_path = settings_path
        self.window: Any = None
        self.backend: Any = None
        self.lock: Any = None
        self.splash: Splash | None = None
        self._splash_timer = QTimer(self)
        self._splash_timer.setSingleShot(True)
        self._splash_timer.timeout.connect(self._show_splash)
        self._last_progress: tuple[float | None, str] = (0.0, "Ouverture de la base de données…")
        self._restoring = Path()
        self._start_failure = ""  # why the database could not be opened, while a backup is restored

    def start(self) -> None:
        """Take the instance lock and start loading the data (call with the loop not running:
        results arrive once it runs)."""
        from desktop.core.errors import ComptoirError
        from desktop.store.instance_lock import InstanceLock
        from desktop.ui.backend import load_startup_data

        log.info("Démarrage de l'interface, base %s", self.db_path)
        self._between_windows(True)  # the question of a damaged database is no window to quit on
        self.lock = InstanceLock(self.db_path)
        try:  # one window per database: two autosaving editors would fight
            self.lock.acquire()
        except ComptoirError as exc:
            QTimer.singleShot(0, lambda error=exc: self._load_failed(error))
            return
        self._splash_timer.start(SPLASH_DELAY_MS)
        self.runner.run(
            _load_reporting,
            load_startup_data,
            self.db_path,
            on_result=self._loaded,
            on_error=self._load_failed,
            on_progress=self._on_progress,
            name="démarrage",
        )

    def _on_progress(self, step: tuple[float, str]) -> None:
        fraction, text = step
        self._last_progress = (fraction, text)
        if self.splash is not None:
            self.splash.report(fraction, text)

    def _show_splash(self) -> None:
        if self.window is None and not self.check:
            self.splash = Splash()
            self.splash.report(*self._last_progress)
            self.splash.show()

    def _close_splash(self) -> None:
        self._splash_timer.stop()
        if self.splash is not None:
            self.splash.close()
            self.splash.deleteLater()
            self.splash = None

    def _loaded(self, data: Any) -> None:
        from desktop.ui.backend import Backend
        from desktop.ui.main_window import MainWindow
        from desktop.ui.ui_state import UiState

        self.backend = Backend.open(self.db_path, data)
        state = UiState(self.settings_path)
        self.window = MainWindow(self.backend, self.runner, self.dialogs, state, check_mode=self.check)
        self.window.on_restore = self.restore
        self.window.first_message = data.notice or None
        self._close_splash()
        self.window.show()
        self._between_windows(False)  # from now on, closing the window quits
        log.info("Fenêtre principale affichée en %.0f ms", (time.perf_counter() - _T0) * 1000)
        self.ready.emit(self.window)
        if not self.check:  # the rotating start-up copy, once the window is up
            from desktop.ui.backend import backup_at_start

            self.runner.run(
                backup_at_start,
                self.db_path,
                on_result=self.window.start_up_backup_done,
                name="sauvegarde",
            )

    def flush_window(self) -> None:
        """Save the pending edit of the window on screen (before a crash report)."""
        if self.window is not None:
            self.window.shutdown()

    def restore(self, file: Path) -> None:
        """Replace the database by a backup, then reload every screen from it.

        The copies and checks run on a worker (seconds for a year of offers), the small
        window saying so when it lasts."""
        from desktop.store import backup

        old = self.window
        old.discard_on_close = True  # its draft belongs to the replaced database
        self.runner.wait_idle(5000)
        self.backend.close()  # the restore must not happen under an open connection
        self.window = None
        self._between_windows(True)  # the old window goes before the new one comes
        old.close()
        old.deleteLater()
        self._restoring = file
        self._last_progress = (None, "Restauration de la base…")
        self._splash_timer.start(SPLASH_DELAY_MS)
        self.runner.run(
            backup.restore,
            self.db_path,
            file,
            on_result=self._restored,
            on_error=self._restore_failed,
            name="restauration",
        )

    def _restored(self, report: Any) -> None:
        message = f"Base restaurée depuis {self._restoring.name}."
        if report.previous_copy is not None:
            message += f" L'ancienne base est gardée : {report.previous_copy}"
        self._reload(message)

    def _restore_failed(self, error: BaseException) -> None:
        from desktop.core.errors import ComptoirError

        if isinstance(error, ComptoirError):
            log.error("Restauration refusée : %s", error)
            message = f"Restauration impossible : {error} La base n'a pas changé."
        else:  # the database as it is now is opened again all the same: said, and logged
            log.error("Restauration interrompue", exc_info=(type(error), error, error.__traceback__))
            message = (
                "Restauration interrompue par une erreur inattendue : Comptoir rouvre la base "
                "telle qu'elle est maintenant. Le détail est dans le journal."
            )
        self._reload(message)

    @staticmethod
    def _between_windows(between: bool) -> None:
        """While no main window is up (loading, a restore swapping the database), closing the
        last window (a question, the replaced window) must not end the application: it
        quits when the load fails, or when the user closes the main window."""
        QGuiApplication.setQuitOnLastWindowClosed(not between)

    def _reload(self, message: str) -> None:
        """Load the database again, then show ``message`` in the new window."""

        def reopened(window: Any) -> None:
            self.ready.disconnect(reopened)
            # before its first messages, which would cover it; after what the opening said
            window.first_message = " ".join(filter(None, (message, window.first_message)))

        self.ready.connect(reopened)
        from desktop.ui.backend import load_startup_data

        self.runner.run(load_startup_data, self.db_path, on_result=self._loaded,
                        on_error=self._load_failed, name="rechargement")

    def _load_failed(self, error: BaseException) -> None:
        self._close_splash()
        from desktop.core.errors import ComptoirError
        from desktop.store.faults import DatabaseCorrupt

        if isinstance(error, ComptoirError):
            log.error("Ouverture impossible : %s", error)  # counted: --check-startup fails
            message = str(error)
        else:
            log.error("Ouverture impossible", exc_info=(type(error), error, error.__traceback__))
            message = f"Erreur inattendue : {error}"
        if isinstance(error, DatabaseCorrupt) and not self.check:
            self._offer_restore(message)
            return
        self.failed.emit(message)

    def _offer_restore(self, message: str, question: str = "") -> None:
        """The database cannot be read: offer to restore a backup (the window, where
        Fichier > Restaurer la base… lives, cannot open); ``message`` is what the start fails
        with when the user quits, ``question`` what to ask (by default, from ``message``). The
        backup chosen is restored on a worker, the small window saying so when it lasts, as
        a restore from the window is."""
        from desktop.store import backup
        from desktop.store.faults import RESTORE_ADVICE
        from desktop.ui.dialogs import backup_filter

        folder = backup.backup_dir(self.db_path)
        # what is wrong, without the advice to use a menu of the window that cannot open
        what = message.removesuffix(RESTORE_ADVICE)
        question = question or (
            f"{what}\n\nRestaurer une sauvegarde maintenant ? Comptoir copie la base à chaque "
            f"démarrage dans {folder}."
        )
        title = CANNOT_START
        while self.dialogs.confirm(None, title, question, yes="Restaurer une sauvegarde…", no="Quitter"):
            path = self.dialogs.open_file(
                None, "Restaurer une sauvegarde", backup_filter(self.db_path), folder=str(folder)
            )
            if not path:
                continue
            self._restoring, self._start_failure = Path(path), message
            self._last_progress = (None, "Restauration de la base…")
            self._splash_timer.start(SPLASH_DELAY_MS)
            self.runner.run(
                backup.restore,
                self.db_path,
                Path(path),
                on_result=self._restored_at_start,
                on_error=self._restore_at_start_failed,
                name="restauration",
            )
            return
        self.failed.emit(message)

    def _restored_at_start(self, report: Any) -> None:
        note = f"Base restaurée depuis {self._restoring.name}."
        if report.previous_copy is not None:
            note += f" L'ancienne base est gardée : {report.previous_copy}"
        log.info("Base endommagée restaurée depuis %s", self._restoring)
        self._reload(note)

    def _restore_at_start_failed(self, error: BaseException) -> None:
        """A backup the user picked was refused: said, and asked again (the start still fails
        with what stopped it if the user quits); anything else fails the start, as a load does."""
        from desktop.core.errors import ComptoirError

        self._close_splash()  # the question is not left under a window that stays on top
        if not isinstance(error, ComptoirError):
            self._load_failed(error)
            return
        log.warning("Restauration refusée : %s", error)
        self._offer_restore(self._start_failure, f"Restauration impossible : {error}\n\nChoisir une autre sauvegarde ?")


def refuse_start(message: str) -> int:
    """Say in a window why Comptoir cannot start before it has a database to open (``--db`` or
    COMPTOIR_DB naming a folder): the window's build has no terminal to print it on. The exit
    code, 2."""
    app = make_application()
    install_french(app)
    Dialogs().inform(None, CANNOT_START, message)
    return 2


def _hold_typed_forms(manager: Any) -> None:
    from desktop.ui.form import hold_typed_forms  # the forms load when first opened

    hold_typed_forms(manager)


def run_gui(args: Any, db_path: Path) -> int:
    """Run the application until its window closes; the process exit code.

    The cyclic garbage collector is held off during start-up, then collects on the GUI
    thread only while the application runs (``desktop.ui.collector``), and is handed back as
    it was when this returns.
    """
    gc_paused = _pause_gc()
    try:
        return _run(args, db_path, gc_paused)
    finally:
        _resume_gc(gc_paused)


def _run(args: Any, db_path: Path, gc_paused: bool) -> int:
    check = bool(getattr(args, "check_startup", False))
    app = make_application()
    problems = ProblemCounter()
    logging.getLogger().addHandler(problems)
    install_qt_message_handler()
    dialogs = Dialogs()
    crash = CrashHandler(show=lambda report: _show_crash(dialogs, report, check))
    crash.install()
    runner = TaskRunner(parent=app)
    collector = GuiCollector(app)
    startup = Startup(Path(db_path), runner, dialogs, check=check)
    # a crash loses at most the pending edit of the window on screen; registered once, not per
    # window: a window replaced by a restore is let go
    crash.before_report.append(startup.flush_window)
    outcome: dict[str, int] = {}

    def on_failed(message: str) -> None:
        _resume_gc(gc_paused)
        if check:
            sys.stderr.write(f"{message}\n")
        else:
            dialogs.inform(None, CANNOT_START, message)
        outcome["code"] = 2
        app.exit(2)

    def on_ready(window: Any) -> None:
        if not collector.active:  # the first window (a restore brings another)
            _resume_gc(gc_paused)  # what start-up allocated goes to the oldest generation
            collector.start()  # from now on, cyclic garbage is collected on this thread only
        if check:
            QTimer.singleShot(0, lambda: _finish_check(app, window, runner, problems, crash, outcome))

    startup.failed.connect(on_failed)
    startup.ready.connect(on_ready)
    app.commitDataRequest.connect(_hold_typed_forms)
    startup.start()  # the database opens on a worker while the GUI thread gets ready
    install_french(app)
    _preload_screens()
    try:
        code = app.exec()
    finally:
        printing = sys.modules.get("desktop.ui.printing")
        if printing is not None:  # pages still going to the printer: sent before leaving
            printing.wait_for_print_jobs(PRINT_GRACE_MS)
        runner.wait_idle(5000)
        collector.stop()
        if startup.window is not None:
            startup.window.shutdown()
        if startup.backend is not None:
            startup.backend.close()
        if startup.lock is not None:
            startup.lock.release()
        crash.uninstall()
        uninstall_qt_message_handler()
        logging.getLogger().removeHandler(problems)
        # Closing the last window posts a Quit event that exec() no longer consumes once
        # app.exit() returned: left queued it would end the next event loop run in this
        # process at once (a later dialog, or the next test's waits).
        QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)
    code = outcome.get("code", code)
    if check and code == 0 and (problems.count or crash.count):
        code = 1
    if check and code == 1:
        for line in problems.first:
            sys.stderr.write(f"{line}\n")
    return code


def _pause_gc() -> bool:
    """Hold off cyclic garbage collection until the window is shown; True if it was paused.

    Start-up creates many objects that live as long as the application (modules, classes,
    the catalogue, the directory) and almost no cyclic garbage: the collector would scan
    them several times for nothing on the way to the first window.
    """
    if not gc.isenabled():
        return False
    gc.disable()
    return True


def _resume_gc(paused: bool) -> None:
    """Collect again; what start-up allocated goes straight to the oldest generation.

    Freezing then unfreezing moves every tracked object to the oldest generation without a
    scan: the next young collections stay small instead of scanning the whole start-up, and
    a full collection still finds whatever of it becomes garbage later.
    """
    if paused and not gc.isenabled():
        gc.freeze()
        gc.unfreeze()
        gc.enable()


def _preload_screens() -> None:
    """Import the main window's modules now, while the worker reads the database."""
    import desktop.ui.main_window  # noqa: F401


def _finish_check(
    app: QApplication,
    window: Any,
    runner: TaskRunner,
    problems: ProblemCounter,
    crash: CrashHandler,
    outcome: dict[str, int],
) -> None:
    """Idle after showing the window: the start-up is complete."""
    app.processEvents()
    if runner.busy:  # work started by the window (e.g. a restored search): wait for it
        QTimer.singleShot(10, lambda: _finish_check(app, window, runner, problems, crash, outcome))
        return
    ok = window.isVisible() and not problems.count and not crash.count
    log.info(
        "Vérification du démarrage : %s en %.0f ms",
        "réussie" if ok else "échec",
        (time.perf_counter() - _T0) * 1000,
    )
    outcome["code"] = 0 if ok else 1
    if ok:  # the benchmark times the process up to this line (teardown excluded)
        sys.stdout.write("Comptoir prêt : fenêtre affichée, base ouverte, aucune alerte.\n")
        sys.stdout.flush()
    window.close()
    app.exit(outcome["code"])


def _show_crash(dialogs: Dialogs, report: str, check: bool) -> None:
    if check:  # counted and logged; no dialog in the smoke test
        return
    dialogs.crash(QApplication.activeWindow(), report)
