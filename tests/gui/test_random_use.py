"""Random use of the whole window: nothing raises, nothing logs a warning, the store stays sound.

A seeded sequence of what an impatient user does (search and open members, add products with
odd parameters, Delete, undo and redo, change the budget, finalise, send, accept, revise,
print, save, any visible button or field) runs against the real store and engine. Every
dialog answers at random. It found an edit slipping in while an offer was being finalised.
"""

from __future__ import annotations

import logging
import random
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialog,
    QLineEdit,
    QMenu,
    QWidget,
)

pytestmark = pytest.mark.gui

STEPS = 700
MEMBERS = ["nivelles", "cpas nivelles", "zone 5267", "liege", "namur", "5267", "province", "intercommunale"]
PRODUCTS = ["delib", "aes", "tech", "atal", "citizen", "smartweb", "stockage", "docs", "codes", "prestation", "town"]
TEXTS = ["nivelles", "cpas", "1400", "delib", "9", "0", "-1", "abc", "12,5", "1e9", "", "motif"]
PARAMETERS = ["0", "1", "9", "20", "-1", "abc", "2,5", "100000", ""]


def answer_at_random(dialogs, rng: random.Random, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """Every question of the test dialogs gets a random answer (files, and prints as PDF files,
    inside ``folder``)."""

    def next_answer(kind: str, title: str) -> object:
        dialogs.asked.append((kind, title))
        return {"confirm": rng.random() < 0.6, "ask_text": rng.choice(["", "motif", "x"])}.get(kind)

    def open_file(parent, title, filters):  # type: ignore[no-untyped-def]
        files = sorted(folder.glob("*"))
        return str(rng.choice(files)) if files and rng.random() < 0.7 else None

    def print_setup(parent, printer):  # type: ignore[no-untyped-def]
        from PySide6.QtGui import QPageSize
        from PySide6.QtPrintSupport import QPrinter

        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(folder / f"impression-{rng.randrange(2)}.pdf"))
        printer.setResolution(rng.choice([72, 150]))
        if rng.random() < 0.5:  # painted page by page rather than written whole
            printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
        kind = rng.random()
        if kind < 0.2:  # sometimes past the last page: refused in French
            first = rng.randint(1, 3)
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(first, first + rng.randrange(2))
        elif kind < 0.3:
            printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
        printer.setCopyCount(rng.choice([1, 1, 2]))
        if rng.random() < 0.2:
            printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
        return rng.random() < 0.8

    dialogs._next = next_answer
    dialogs.print_setup = print_setup
    dialogs.save_file = lambda parent, title, suggested, filters: str(
        folder / f"{rng.randrange(3)}-{Path(suggested).name or 'fichier'}"
    )
    dialogs.open_file = open_file



@pytest.mark.parametrize("seed", [7, 2026])
def test_random_use_raises_nothing_and_keeps_the_store_sound(
    qtbot, monkeypatch, tmp_path, backend, runner, dialogs, ui_state_path, seed
) -> None:
    from desktop.ui.collector import GuiCollector
    from desktop.ui.main_window import MainWindow
    from desktop.ui.qt_logging import ProblemCounter
    from desktop.ui.ui_state import UiState

    rng = random.Random(seed)
    folder = tmp_path / "fichiers"
    folder.mkdir()
    backend.save_settings(backend.settings().with_changes(device_code="LAP1", seller_name="Anne Dupont"))
    errors: list[str] = []
    monkeypatch.setattr("sys.excepthook", lambda *exc: errors.append(repr(exc[1])))
    problems = ProblemCounter()  # what is logged at WARNING and above
    logging.getLogger().addHandler(problems)
    collector = GuiCollector()  # as in the application: workers never collect Qt objects
    collector.start()
    answer_at_random(dialogs, rng, folder)
    w = MainWindow(backend, runner, dialogs, UiState(ui_state_path), check_mode=True)
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    done: list[str] = []
    try:
        # deep enough: past STEPS, it goes on (up to three times as far) until offers are stored
        # and numbered, which a loaded machine's timing can keep a walk from reaching early
        for i in range(3 * STEPS):
            done.append(_step(rng, w, runner))
            QApplication.processEvents()
            assert not errors and not problems.count, (errors, problems.first, done[-15:])
            if i >= STEPS and i % 50 == 0 and _deep_enough(backend.db.path):
                break
        runner.wait_idle(10_000)
        QApplication.processEvents()
        assert not errors and not problems.count, (errors, problems.first, done[-15:])
    finally:
        collector.stop()
        logging.getLogger().removeHandler(problems)
        for top in QApplication.topLevelWidgets():
            if isinstance(top, QDialog) and top.isVisible():
                top.reject()
        w.close()
        runner.wait_idle(10_000)

    assert _deep_enough(backend.db.path), done[-15:]
    conn = sqlite3.connect(backend.db.path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    numbers = [n for (n,) in conn.execute("SELECT number FROM offers WHERE number IS NOT NULL")]
    firsts = sorted(int(n.split("-")[3]) for n in numbers if n.count("-") == 3)
    assert firsts == list(range(1, len(firsts) + 1))  # no gap, no duplicate
    conn.close()


def _deep_enough(db_path: Path) -> bool:
    """Offers stored and numbered (how many varies with the workers' timing)."""
    with closing(sqlite3.connect(db_path)) as conn:
        stored, numbered = conn.execute("SELECT count(*), count(number) FROM offers").fetchone()
    return bool(stored >= 3 and numbered)


def _step(rng: random.Random, w, runner) -> str:  # type: ignore[no-untyped-def]
    """One thing a user does; returns what, for the failure message."""
    from PySide6.QtTest import QTest

    ed = w._editor
    roll = rng.random()
    if roll < 0.12:
        search = w.members.search
        text = rng.choice(MEMBERS)
        search.field.setFocus()
        search.field.clear()
        QTest.keyClicks(search.field, text)
        search.choose_current()  # Enter, the search in flight included
        runner.wait_idle(3000)
        return f"open member {text!r}"
    if roll < 0.27 and ed is not None and ed.isVisible():
        text = rng.choice(PRODUCTS)
        ed.catalogue.filter.clear()
        QTest.keyClicks(ed.catalogue.filter, text)
        QTest.keyClick(ed.catalogue.filter, Qt.Key.Key_Return)
        return f"add product {text!r}"
    if roll < 0.35 and ed is not None and ed.params_dialog is not None and ed.params_dialog.isVisible():
        dialog = ed.params_dialog
        for field in dialog.fields.values():
            field.clear()
            QTest.keyClicks(field, rng.choice(PARAMETERS))
        QTest.keyClick(next(iter(dialog.fields.values())), rng.choice([Qt.Key.Key_Return, Qt.Key.Key_Escape]))
        return "parameters"
    if roll < 0.40 and ed is not None and ed.isVisible() and ed.lines_model.rowCount():
        ed.table.setFocus()
        ed.table.selectRow(rng.randrange(ed.lines_model.rowCount()))
        QTest.keyClick(ed.table, Qt.Key.Key_Delete)
        return "Delete"
    if roll < 0.48:
        modifiers = Qt.KeyboardModifier.ControlModifier
        if rng.random() < 0.4:
            modifiers |= Qt.KeyboardModifier.ShiftModifier
        QTest.keyClick(w, Qt.Key.Key_Z, modifiers)
        return "undo/redo"
    if roll < 0.52 and ed is not None and ed.isVisible():
        ed.totals.years.setValue(rng.randint(1, 6))
        ed.totals.indexation.setValue(rng.choice([0.0, 2.0, 3.5, 10.0]))
        return "budget"
    if roll < 0.60:
        w._fill_offer_menu()
        actions = [a for a in w.documents._actions.values() if a.isEnabled()]
        if actions:
            action = rng.choice(actions)
            action.trigger()
            return f"offer menu {action.text()!r}"
        return "offer menu (empty)"
    if roll < 0.64:
        w.tabs.setCurrentIndex(rng.randrange(w.tabs.count()))
        return "tab"
    if roll < 0.68:
        for top in QApplication.topLevelWidgets():
            if isinstance(top, QDialog) and top.isVisible():
                top.reject()
        return "close dialogs"
    widgets = [
        c
        for top in QApplication.topLevelWidgets()
        if top.isVisible() and not isinstance(top, QMenu)
        for c in top.findChildren(QWidget)
        if c.isVisible() and c.isEnabled()
    ]
    if roll < 0.78:
        fields = [c for c in widgets if isinstance(c, QLineEdit)]
        if fields:
            field = rng.choice(fields)
            text = rng.choice(TEXTS)
            field.setFocus()
            QTest.keyClicks(field, text)
            return f"type {text!r} in {field.objectName() or type(field).__name__}"
    elif roll < 0.88:
        buttons = [c for c in widgets if isinstance(c, QAbstractButton) and c.text() not in ("Quitter",)]
        if buttons:
            button = rng.choice(buttons)
            button.click()
            return f"click {button.text()!r}"
    else:
        views = [c for c in widgets if isinstance(c, QAbstractItemView) and c.model() and c.model().rowCount()]
        if views:
            view = rng.choice(views)
            rect = view.visualRect(view.model().index(rng.randrange(view.model().rowCount()), 0))
            if rect.isValid():
                no_key = Qt.KeyboardModifier.NoModifier
                QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, no_key, rect.center())
            return f"double-click in {view.objectName() or type(view).__name__}"
    key = rng.choice([Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_Down, Qt.Key.Key_Tab, Qt.Key.Key_Delete])
    QTest.keyClick(QApplication.focusWidget() or w, key)
    return f"key {key.name}"
