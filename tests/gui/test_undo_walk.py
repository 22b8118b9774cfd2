"""Undo, redo and autosave over seeded random walks through the real window.

Each walk does what an account manager does at the booth (a product added by keyboard or by
double click, its parameters changed, a line removed with Suppr, the budget's years and
indexation, another member, a blocking point waived then not, Ctrl+N, a draft duplicated or
opened from the list, the window closed and the draft reopened, Ctrl+Z and Ctrl+Maj+Z) and
checks after every step that:

1. undoing everything gives back the offer as it was opened, and redoing everything the offer
   as it was (lines, parameters, member, budget, dérogations, every amount shown; once the
   member's category was changed on its card, the amounts of its new category);
2. once the autosave delay has passed, the store holds the draft on screen, and a draft
   closed then reopened shows the same lines and totals;
3. the amounts shown are the engine's quote of the draft on screen;
4. Annuler and Rétablir are greyed exactly when there is nothing to undo or redo, and say what
   they would undo or redo.

``COMPTOIR_WALK=SEEDSxSTEPS`` (say ``300x120``) runs a longer walk.
"""

from __future__ import annotations

import logging
import os
import random
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop.core.errors import ComptoirError
from desktop.ui.backend import Draft
from desktop.ui.models import QuoteLinesModel
from desktop.ui.qt_logging import ProblemCounter
from desktop.ui.totals_panel import TotalsPanel

pytestmark = pytest.mark.gui

SEEDS, STEPS = (int(n) for n in os.environ.get("COMPTOIR_WALK", "30x40").split("x"))
MEMBERS = ["nivelles", "cpas nivelles", "zone 5267", "liege", "namur", "province", "tournai"]
PRODUCTS = ["delib", "aes", "tech", "atal mobile", "citizen", "smartweb", "stockage", "docs",
            "lecteur", "deliberations", "gpec", "urban", "teleservices", "prestations"]
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
AUTOSAVE_MS = 20  # the walk's autosave delay: the window's, shortened



def shortcut(widget: Any, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    """``key`` with ``modifiers``, then the modifiers let go: QTest leaves them held down after a
    shortcut, and a later click in this walk or another test would extend a selection."""
    QTest.keyClick(widget, key, modifiers)
    QTest.keyRelease(widget, Qt.Key.Key_Control)


def draft_state(draft: Any) -> tuple:
    lines = tuple((x.product, tuple(sorted(x.params.items()))) for x in draft.lines)
    return draft.member_id, lines, draft.years, draft.indexation, tuple(sorted(draft.overrides.items()))


def cells(model: Any) -> tuple:
    return tuple(
        tuple(model.data(model.index(r, c)) for c in range(model.columnCount()))
        for r in range(model.rowCount())
    )


def amounts(totals: TotalsPanel) -> tuple:
    partial = totals.partial.text() if not totals.partial.isHidden() else ""
    labels = (totals.one_time, totals.annual, totals.year1)
    return (*(x.text() for x in labels), partial, totals.estimate.text(), cells(totals.years_model))


def screen(w: Any) -> dict[str, Any]:
    """What the user sees of the offer (not whether it is saved yet)."""
    ed, s = w.editor, w.session
    return {
        "draft": draft_state(s.draft),
        "member": s.member.display_name if s.member else None,
        "lines": cells(ed.lines_model),
        "totals": amounts(ed.totals),
        "budget": (ed.totals.years.value(), ed.totals.indexation.value()),
        "notices": tuple(ed.notices.texts()),
    }


class Walk:
    def __init__(self, qtbot, make_window, backend, runner, dialogs, seed: int) -> None:  # type: ignore[no-untyped-def]
        self.qtbot, self.make_window, self.backend, self.runner = qtbot, make_window, backend, runner
        self.dialogs = dialogs
        self.rng = random.Random(seed)
        self.w = make_window(backend)
        self.opened = False
        self.repriced = False  # the member's category changed since the offer was opened
        self._watch()
        self.base = screen(self.w)  # the offer as opened: where undoing everything leads
        self.done: list[str] = []
        self.fresh_lines = QuoteLinesModel(self.w.money, backend.tariff)
        self.fresh_totals = TotalsPanel(self.w.money)
        qtbot.addWidget(self.fresh_totals)

    def _watch(self) -> None:
        self.w.session.opened.connect(lambda: setattr(self, "opened", True))

    # -- the checks ------------------------------------------------------------------------
    def check(self) -> None:
        s = self.w.session
        self.check_actions()
        self.check_engine()
        self.check_stored()
        if self.opened or not s.undo_stack.count():
            self.opened = self.repriced = False
            self.base = screen(self.w)
        if self.rng.random() < 0.35:
            self.check_round_trip()

    def check_actions(self) -> None:
        w, stack = self.w, self.w.session.undo_stack
        blocked = self.w.session.finalising
        for verb, action, can, text in (
            ("&Annuler", w.undo_action, stack.canUndo(), stack.undoText()),
            ("&Rétablir", w.redo_action, stack.canRedo(), stack.redoText()),
        ):
            assert action.isEnabled() == (can and not blocked), (verb, self.done[-8:])
            assert action.text() == (f"{verb} : {text}" if can else verb), (action.text(), self.done[-8:])
        assert w._undo_actions[1].isEnabled() == w.undo_action.isEnabled()
        assert w._redo_actions[1].isEnabled() == w.redo_action.isEnabled()

    def check_engine(self) -> None:
        """The amounts shown, drawn again from a fresh quote of the draft on screen."""
        s, ed = self.w.session, self.w.editor
        try:
            quote = self.backend.quote(s.draft)
        except ComptoirError:
            quote = None
        self.fresh_lines.set_quote(quote)
        self.fresh_totals.show_quote(quote, s.draft.years, s.draft.indexation)
        assert cells(ed.lines_model) == cells(self.fresh_lines), self.done[-8:]
        assert amounts(ed.totals) == amounts(self.fresh_totals), self.done[-8:]
        assert ed.totals.years.value() == s.draft.years
        assert round(ed.totals.indexation.value(), 2) == float(s.draft.indexation * 100)
        if quote is not None:  # (without a member, nothing is priced: no line is listed)
            listed = [ed.lines_model.line(r).product for r in range(ed.lines_model.rowCount())]
            assert listed == [x.product for x in s.draft.lines], self.done[-8:]

    def check_stored(self) -> None:
        s = self.w.session
        if s.dirty:
            assert s._timer.isActive(), ("no autosave pending", self.done[-8:])
        self.qtbot.waitUntil(lambda: not s.dirty, timeout=3000)
        if s.offer is None:
            assert not s.draft.lines, self.done[-8:]  # an offer with lines is stored
            return
        stored = self.backend.offers.get(s.offer.id)
        req = stored.request
        kept = (stored.member.id if stored.member else None, req.lines, req.years, req.indexation, req.overrides)
        assert draft_state(Draft(*kept)) == draft_state(s.draft), self.done[-8:]

    def check_round_trip(self) -> None:
        w, stack = self.w, self.w.session.undo_stack
        here, steps = screen(w), stack.index()
        undone = 0
        while w.undo_action.isEnabled():
            w.undo_action.trigger()
            undone += 1
            self.check_actions()
        start = screen(w)
        if self.repriced:  # the same offer, on the member's new category
            self.check_engine()
            start = {k: v for k, v in start.items() if k in ("draft", "member", "budget")}
        assert start == {k: self.base[k] for k in start}, ("undo to the start", self.done[-8:])
        assert undone == steps
        for _ in range(steps):  # back where the user was, what is left to redo still there
            assert w.redo_action.isEnabled()
            w.redo_action.trigger()
            self.check_actions()
        assert screen(w) == here, ("redo to the end", self.done[-8:])
        self.check_stored()

    # -- the steps -------------------------------------------------------------------------
    def step(self) -> str:
        roll = self.rng.random()
        for limit, action in (
            (0.18, self.add_by_keyboard),
            (0.26, self.add_by_double_click),
            (0.34, self.change_parameters),
            (0.42, self.delete_lines),
            (0.48, self.change_years),
            (0.54, self.change_indexation),
            (0.64, self.pick_member),
            (0.70, self.waive),
            (0.72, self.change_category),
            (0.76, self.new_offer),
            (0.79, self.duplicate),
            (0.82, self.open_from_list),
            (0.85, self.close_and_reopen),
            (1.00, self.undo_or_redo),
        ):
            if roll < limit:
                return action()
        raise AssertionError("unreachable")

    def add_by_keyboard(self) -> str:
        ed = self.w.editor
        self.w.focus_catalogue()
        text = self.rng.choice(PRODUCTS)
        ed.catalogue.filter.selectAll()
        QTest.keyClicks(ed.catalogue.filter, text)
        QTest.keyClick(ed.catalogue.filter, Qt.Key.Key_Return)
        return f"add {text!r} by keyboard" + self.answer_parameters()

    def add_by_double_click(self) -> str:
        ed = self.w.editor
        self.w.focus_catalogue()
        text = self.rng.choice(PRODUCTS)
        ed.catalogue.filter.setText(text)
        view = ed.catalogue.view
        at = view.visualRect(view.currentIndex()).center()
        none = Qt.KeyboardModifier.NoModifier
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, none, at)
        QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, none, at)
        return f"add {text!r} by double click" + self.answer_parameters()

    def answer_parameters(self) -> str:
        dialog = self.w.editor.params_dialog
        if dialog is None or not dialog.isVisible():
            return ""
        values = {}
        for key, field in dialog.fields.items():
            value = self.rng.choice(["1", "2", "3", "9", "16", "0", "2,5", "abc"])
            values[key] = value
            field.selectAll()
            QTest.keyClicks(field, value)
        first = next(iter(dialog.fields.values()))
        key = self.rng.choice([Qt.Key.Key_Return, Qt.Key.Key_Return, Qt.Key.Key_Escape])
        self.give_up_asked(dialog, key is Qt.Key.Key_Escape)
        QTest.keyClick(first, key)
        if dialog.isVisible():  # refused next to the field: the user gives up
            self.give_up_asked(dialog)
            QTest.keyClick(first, Qt.Key.Key_Escape)
        return f" with {values}"

    def give_up_asked(self, dialog: Any, leaving: bool = True) -> None:
        """A form left with something typed asks first: the user abandons it."""
        if leaving and dialog.changed():
            self.dialogs.script("confirm", True)

    def _pick_rows(self, k: int) -> list[int]:
        ed = self.w.editor
        n = ed.lines_model.rowCount()
        rows = sorted(self.rng.sample(range(n), min(k, n)))
        ed.table.setFocus()
        ed._select_rows(rows)
        return rows

    def change_parameters(self) -> str:
        ed = self.w.editor
        if not ed.lines_model.rowCount() or self.w.session.read_only:
            return self.add_by_keyboard()
        [row] = self._pick_rows(1)
        QTest.keyClick(ed.table, self.rng.choice([Qt.Key.Key_F2, Qt.Key.Key_Return]))
        return f"parameters of row {row}" + self.answer_parameters()

    def delete_lines(self) -> str:
        ed = self.w.editor
        if not ed.lines_model.rowCount() or self.w.session.read_only:
            return self.undo_or_redo()
        rows = self._pick_rows(self.rng.choice([1, 1, 1, 2]))
        QTest.keyClick(ed.table, Qt.Key.Key_Delete)
        return f"Suppr rows {rows}"

    def change_years(self) -> str:
        box = self.w.editor.totals.years
        if not box.isVisible() or not box.isEnabled():
            return self.undo_or_redo()
        box.setFocus()
        key = self.rng.choice([Qt.Key.Key_Up, Qt.Key.Key_Down])
        QTest.keyClick(box, key)
        return f"years {key.name}"

    def change_indexation(self) -> str:
        box = self.w.editor.totals.indexation
        if not box.isVisible() or not box.isEnabled():
            return self.undo_or_redo()
        box.setFocus()
        box.lineEdit().selectAll()
        typed = self.rng.choice(["0", "2", "2,5", "3.5", "10", "1,25"])
        QTest.keyClicks(box, typed)
        QTest.keyClick(box, Qt.Key.Key_Return)
        return f"indexation {typed}"

    def pick_member(self) -> str:
        search = self.w.members.search
        text = self.rng.choice(MEMBERS)
        shortcut(self.w, Qt.Key.Key_F, CTRL)
        QTest.keyClicks(search.field, text)
        search.choose_current()
        self.runner.wait_idle(3000)
        QApplication.processEvents()
        said = f"member {text!r}"
        buttons = {b.text().split(" ")[0]: b for b in self.w.bar.action_buttons() if self.w.bar.isVisible()}
        choice = self.rng.choice(["Passer", "Nouvelle", None])
        if choice in buttons:
            buttons[choice].click()
            said += f", {choice}"
        return said

    def waive(self) -> str:
        notices = self.w.editor.notices
        codes = sorted(notices.buttons)
        if not codes:
            return self.add_by_keyboard()
        code = self.rng.choice(codes)
        if not code.startswith("annuler:"):
            self.dialogs.script("ask_text", self.rng.choice(["Déjà en place chez le membre", None]))
        notices.buttons[code].click()
        return f"notice {code}"

    def change_category(self) -> str:
        """Another category on the member's card, or the last card edit taken back from the bar."""
        members = self.w.members
        undo = [b for b in self.w.bar.action_buttons() if b.text() == "Annuler la modification"]
        if undo and self.w.bar.isVisible() and self.rng.random() < 0.4:
            undo[0].click()
            self.repriced = True
            return "card edit taken back"
        if members.member is None:
            return self.pick_member()
        members.choose_category()
        dialog = members.dialog
        index = self.rng.randrange(dialog.category.count())
        dialog.category.setCurrentIndex(index)
        dialog.reason.setText("Fusion de communes")
        dialog.ok_button.click()
        if dialog.isVisible():
            self.give_up_asked(dialog)
            dialog.reject()
        self.repriced = True
        return f"category {dialog.category.itemText(index)!r} on the card"

    def new_offer(self) -> str:
        shortcut(self.w, Qt.Key.Key_N, CTRL)
        return "Ctrl+N"

    def _list_row(self) -> Any:
        self.w.show_offers()
        offers = self.w.offers_list
        rows = offers.model.rowCount()
        if not rows:
            return None
        offers._select_row(self.rng.randrange(rows))
        return offers

    def duplicate(self) -> str:
        offers = self._list_row()
        if offers is None:
            return self.new_offer()
        offers.duplicate_action.trigger()
        self.w.tabs.setCurrentWidget(self.w.editor)
        return "duplicate"

    def open_from_list(self) -> str:
        offers = self._list_row()
        if offers is None:
            return self.new_offer()
        offers.open_action.trigger()
        self.w.tabs.setCurrentWidget(self.w.editor)
        return f"open {self.w.session.offer.id if self.w.session.offer else None}"

    def close_and_reopen(self) -> str:
        before = screen(self.w)
        self.w.close()
        self.runner.wait_idle(5000)
        self.w = self.make_window(self.backend)
        self._watch()
        if not before["draft"][1]:  # an offer without lines is not offered again
            return "close (nothing to reopen)"
        self.qtbot.waitUntil(lambda: bool(self.w.bar.action_buttons()), timeout=3000)
        reopen = [b for b in self.w.bar.action_buttons() if b.text() == "Rouvrir le brouillon"]
        assert reopen, ("the draft is not offered again", self.done[-8:])
        reopen[0].click()
        after = screen(self.w)
        assert {k: after[k] for k in ("draft", "lines", "totals")} == {
            k: before[k] for k in ("draft", "lines", "totals")
        }, self.done[-8:]
        self.opened = True
        return "close and reopen"

    def undo_or_redo(self) -> str:
        redo = self.rng.random() < 0.4
        times = self.rng.choice([1, 1, 2, 3])
        for _ in range(times):
            shortcut(QApplication.focusWidget() or self.w, Qt.Key.Key_Z, CTRL | SHIFT if redo else CTRL)
        return f"{'redo' if redo else 'undo'} x{times}"


@pytest.mark.parametrize("seed", range(SEEDS))
def test_undo_redo_and_autosave_hold_over_a_random_walk(
    qtbot, monkeypatch, make_window, backend, runner, dialogs, seed
) -> None:
    monkeypatch.setattr("desktop.ui.offer_session.AUTOSAVE_MS", AUTOSAVE_MS)
    problems = ProblemCounter()  # what is logged at WARNING and above
    logging.getLogger().addHandler(problems)
    walk = Walk(qtbot, make_window, backend, runner, dialogs, seed)
    try:
        walk.check()
        for _ in range(STEPS):
            walk.done.append(walk.step())
            QApplication.processEvents()
            walk.check()
            assert not problems.count, (problems.first, walk.done[-8:])
        walk.check_round_trip()
    finally:
        logging.getLogger().removeHandler(problems)
        walk.w.close()
        runner.wait_idle(5000)
