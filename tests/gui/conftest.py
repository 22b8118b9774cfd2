"""GUI tests run offscreen; dialogs are scripted, so no test ever blocks on a modal window."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from desktop.ui.dialogs import Dialogs
from desktop.ui.qt_compat import pin_singletons

# The application does this in make_application(); GUI tests build widgets without it.
pin_singletons()


class ScriptedDialogs(Dialogs):
    """Test double: answers come from queues; a question nobody scripted fails the test."""

    def __init__(self) -> None:
        self.answers: dict[str, list[object]] = {}
        self.asked: list[tuple[str, str]] = []
        self.crashes: list[str] = []
        self.informed: list[str] = []
        self.texts: list[str] = []  # what each confirm question said
        self.labels: list[str] = []  # what each text question asked for
        self.prefilled: list[str] = []  # the text each text question opened with
        self.folders: list[str | None] = []  # where each open-file dialog was asked to open
        self.filters: list[str] = []  # the file filters each open-file dialog offered

    def script(self, kind: str, *answers: object) -> None:
        self.answers.setdefault(kind, []).extend(answers)

    def _next(self, kind: str, title: str) -> object:
        self.asked.append((kind, title))
        queue = self.answers.get(kind)
        if not queue:
            raise AssertionError(f"dialogue non prévu par le test : {kind} « {title} »")
        return queue.pop(0)

    def confirm(self, parent, title, text, *, yes="Oui", no="Non"):  # type: ignore[override]
        self.texts.append(text)
        return bool(self._next("confirm", title))

    def ask_text(self, parent, title, label, *, text="", ok="Valider"):  # type: ignore[override]
        self.labels.append(label)
        self.prefilled.append(text)
        return self._next("ask_text", title)  # type: ignore[return-value]

    def save_file(self, parent, title, suggested, filters):  # type: ignore[override]
        return self._next("save_file", title)  # type: ignore[return-value]

    def open_file(self, parent, title, filters, *, folder=None):  # type: ignore[override]
        self.folders.append(folder)
        self.filters.append(filters)
        return self._next("open_file", title)  # type: ignore[return-value]

    def inform(self, parent, title, text):  # type: ignore[override]
        self.informed.append(text)

    def crash(self, parent, report):  # type: ignore[override]
        self.crashes.append(report)


@pytest.fixture
def dialogs() -> ScriptedDialogs:
    return ScriptedDialogs()


@pytest.fixture
def backend(db_path):
    """The real store and engine on this test's copy of the seeded database."""
    from desktop.ui.backend import Backend, load_startup_data

    data = load_startup_data(db_path)
    b = Backend.open(db_path, data)
    yield b
    b.close()


@pytest.fixture
def runner(qtbot):
    from desktop.ui.tasks import TaskRunner

    r = TaskRunner()
    yield r
    r.wait_idle(5000)


@pytest.fixture
def ui_state_path(tmp_path):
    return str(tmp_path / "ui.ini")


@pytest.fixture
def make_window(qtbot, runner, dialogs, ui_state_path):
    """Builds a shown main window on a backend (the app's own wiring, minus QApplication)."""
    from desktop.ui.main_window import MainWindow
    from desktop.ui.ui_state import UiState

    def make(backend, **kwargs):
        w = MainWindow(backend, runner, dialogs, UiState(ui_state_path), **kwargs)
        qtbot.addWidget(w)
        w.resize(1366, 740)
        w.show()
        qtbot.waitExposed(w)
        w.activateWindow()
        qtbot.waitUntil(w.isActiveWindow)
        return w

    return make


@pytest.fixture
def window(make_window, backend, runner):
    w = make_window(backend)
    yield w
    w.close()  # flushes the draft while the database is still open
    runner.wait_idle(5000)


@pytest.fixture
def ready_window(window, backend):
    """The window on Nivelles's offer with iA.Délib and iA.GPEC, on a laptop that numbers
    offers (device LAP1, seller Anne Dupont): ready to finalise."""
    backend.save_settings(backend.settings().with_changes(device_code="LAP1", seller_name="Anne Dupont"))
    member = backend.index.search("nivelles")[0]
    window.members.show_member(member.id)
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    window.editor.add_product("gpec")
    return window


@pytest.fixture
def other_db(seeded_db_path, tmp_path):
    """Another device's database (a laptop, head office): a fresh copy of the seeded one."""
    import sqlite3

    def make(name: str):
        target = tmp_path / f"{name}.db"
        with sqlite3.connect(seeded_db_path) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        src.close()
        dst.close()
        return target

    return make


@pytest.fixture
def busy_offer():
    """``busy_offer(window)``: Nivelles with seven lines, two blocking points, a budget over six
    years and a message with an action: the fullest the offer editor gets."""
    from decimal import Decimal

    from desktop.ui.message_bar import Level

    def fill(window) -> None:  # type: ignore[no-untyped-def]
        member = window.backend.index.search("nivelles")[0]
        window.members.show_member(member.id)
        window.members.member_opened.emit(member.id)
        for code in ("delib", "gpec", "citizen", "smartweb", "urban", "atal-mobile"):
            window.session.add_line(code, {})
        window.session.add_line("aes", {"schools": Decimal(9), "plans": Decimal(1)})
        window.session.set_years(6)
        window.bar.show_message(
            "Vous travailliez sur un brouillon pour Nivelles (7 lignes, modifié le 22/11/2026 à 18:15).",
            Level.INFO,
            actions=(("Rouvrir le brouillon", lambda: None),),
        )

    return fill


@pytest.fixture
def french(qapp):
    """Qt's French catalogue, as the application loads it: key names read « Maj », « Suppr »."""
    from PySide6.QtCore import QLocale

    from desktop.ui.translations import install_french

    locale = QLocale()
    translators = install_french(qapp)
    yield
    for translator in translators:
        qapp.removeTranslator(translator)
    QLocale.setDefault(locale)
