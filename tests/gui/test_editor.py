"""The offer editor's behaviours a user notices: keys, parameters, overrides, autosave."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import pytest
from PySide6.QtCore import Qt

from desktop.core.errors import InvalidInput
from desktop.ui.offer_session import AUTOSAVE_MS, UNDO_LIMIT


def open_member(window, text):
    member = window.backend.index.search(text)[0]
    window.members.show_member(member.id)
    window.members.member_opened.emit(member.id)
    return member


def products(window):
    return [line.product for line in window.session.draft.lines]


def test_delete_key_removes_the_selected_line_and_undo_brings_it_back(qtbot, window):
    open_member(window, "nivelles")
    for code in ("delib", "gpec", "smartweb"):
        window.editor.add_product(code)
    window.editor.table.setFocus()
    window.editor.table.selectRow(1)
    qtbot.keyClick(window.editor.table, Qt.Key.Key_Delete)
    assert products(window) == ["delib", "smartweb"]
    qtbot.keyClick(window.editor.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert products(window) == ["delib", "gpec", "smartweb"]


def test_right_clicks_on_the_lines_leave_no_menu_behind(qtbot, window, monkeypatch):
    """Each right-click on a line left its menu among the editor's children for the day."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QMenu

    from desktop.ui import offer_editor

    class ClosedAtOnce(QMenu):
        def exec(self, *args):  # type: ignore[no-untyped-def]
            return None

    monkeypatch.setattr(offer_editor, "QMenu", ClosedAtOnce)
    open_member(window, "nivelles")
    window.editor.add_product("delib")
    where = window.editor.table.visualRect(window.editor.lines_model.index(0, 0)).center()
    before = len(window.editor.findChildren(QMenu))
    for _ in range(20):
        window.editor._context_menu(where)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(window.editor.findChildren(QMenu)) == before


def test_the_edit_menu_says_what_undo_and_redo_would_do(qtbot, window):
    assert (window.undo_action.text(), window.redo_action.text()) == ("&Annuler", "&Rétablir")
    open_member(window, "nivelles")
    window.editor.add_product("delib")
    assert window.undo_action.text() == "&Annuler : Ajouter iA.Délib"
    window.session.set_years(1)
    assert window.undo_action.text() == "&Annuler : Budget sur 1 an"
    window.undo_action.trigger()
    assert window.redo_action.text() == "&Rétablir : Budget sur 1 an"
    window.undo_action.trigger()
    window.undo_action.trigger()  # back to the empty draft
    assert window.undo_action.text() == "&Annuler"


def test_parameters_are_checked_next_to_the_field(qtbot, window):
    open_member(window, "nivelles")
    window.editor.add_product("aes")
    dialog = window.editor.params_dialog
    assert dialog is not None and dialog.isVisible()
    assert set(dialog.fields) == {"schools", "plans"}  # only what AES needs
    assert dialog.fields["plans"].text() == "1"  # the catalogue default
    dialog.fields["schools"].setText("0")
    dialog.ok_button.click()
    assert dialog.isVisible()
    message = dialog.errors.message("schools")
    assert "au moins 1" in message and "schools" not in message  # French, no key
    assert products(window) == []
    dialog.fields["schools"].setText("neuf")
    dialog.ok_button.click()
    assert dialog.errors.message("schools") == "La valeur « neuf » de « Nombre d’écoles » n'est pas un nombre."
    dialog.fields["schools"].setText("9")
    dialog.ok_button.click()
    assert products(window) == ["aes"]
    assert window.session.draft.lines[0].params["schools"] == Decimal(9)


def test_a_double_click_in_the_catalogue_adds_the_product_once(qtbot, window):
    """« Double-clic ou Entrée : ajouter à l'offre »: the double click added the line twice
    (once as a double click, once as the activation Qt also reports for it)."""
    from PySide6.QtTest import QTest

    open_member(window, "nivelles")
    catalogue = window.editor.catalogue
    catalogue.filter.setText("délib")
    view = catalogue.view
    at = view.visualRect(view.currentIndex()).center()
    none = Qt.KeyboardModifier.NoModifier
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, none, at)  # a double click's
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, none, at)  # events, in order
    assert products(window) == ["delib"]
    assert window.session.undo_stack.count() == 2  # the member, then one addition


@pytest.mark.parametrize("start", ["filter", "view"])
def test_enter_held_down_in_the_catalogue_adds_the_product_once(qtbot, window, start):
    """Entrée held a little long (the keyboard repeats it) added iA.Délib once per repeat:
    six lines of it for a key held half a second."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    open_member(window, "nivelles")
    catalogue = window.editor.catalogue
    catalogue.filter.setText("délib")
    widget = getattr(catalogue, start)
    widget.setFocus()
    if start == "view":
        catalogue.view.setCurrentIndex(catalogue._first_product())
    for repeated in (False, True, True, True, True, True):  # where the keyboard is, as it goes
        target = widget if not repeated else QApplication.focusWidget()
        key = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r", repeated)
        QApplication.sendEvent(target, key)
    assert products(window) == ["delib"]
    qtbot.keyClick(catalogue.filter, Qt.Key.Key_Return)  # pressed again: added again, as asked
    assert products(window) == ["delib", "delib"]


def test_edit_a_line_parameters_by_double_click(qtbot, window):
    open_member(window, "nivelles")
    window.session.add_line("aes", {"schools": Decimal(3), "plans": Decimal(1)})
    window.editor.edit_line(0)
    dialog = window.editor.params_dialog
    assert dialog.fields["schools"].text() == "3"
    dialog.fields["schools"].setText("16")
    dialog.ok_button.click()
    assert window.session.draft.lines[0].params["schools"] == Decimal(16)
    assert window.session.undo_stack.undoText() == "Modifier iA.AES"


def test_a_parameters_form_applies_to_its_own_line_whatever_changed_meanwhile(qtbot, window):
    """The form edited « row 1 »: once the first line was removed there was no row 1 any more
    (a crash), or another product stood there."""
    open_member(window, "nivelles")
    window.session.add_line("delib", {})
    window.session.add_line("aes", {"schools": Decimal(3), "plans": Decimal(1)})
    window.editor.edit_line(1)
    dialog = window.editor.params_dialog
    window.session.remove_lines([0])  # the lines change under the open form
    dialog.fields["schools"].setText("16")
    dialog.ok_button.click()
    assert [(x.product, x.params.get("schools")) for x in window.session.draft.lines] == [("aes", Decimal(16))]

    window.editor.edit_line(0)
    dialog = window.editor.params_dialog
    window.session.remove_lines([0])  # its line gone: said, nothing else touched
    dialog.fields["schools"].setText("20")
    dialog.ok_button.click()
    assert window.session.draft.lines == () and "n'est plus dans l'offre" in window.bar.text


def test_another_offer_closes_the_parameters_form_of_the_one_left(qtbot, window):
    open_member(window, "nivelles")
    window.session.add_line("aes", {"schools": Decimal(3), "plans": Decimal(1)})
    window.editor.edit_line(0)
    dialog = window.editor.params_dialog
    assert dialog.isVisible()
    window.new_offer()
    assert not dialog.isVisible() and window.editor.params_dialog is None


def test_f2_or_enter_on_a_line_opens_its_parameters(qtbot, window):
    open_member(window, "nivelles")
    window.editor.add_product("delib")
    window.session.add_line("aes", {"schools": Decimal(3), "plans": Decimal(1)})
    table = window.editor.table
    table.setFocus()
    for key in (Qt.Key.Key_F2, Qt.Key.Key_Return, Qt.Key.Key_Enter):
        table.selectRow(1)
        qtbot.keyClick(table, key)
        dialog = window.editor.params_dialog
        assert dialog is not None and dialog.fields["schools"].text() == "3", key
        dialog.reject()
    assert "F2" in window.editor.edit_action.shortcut().toString()  # shown in the menus


def test_citizen_with_smartweb_blocks_until_overridden_with_a_reason(qtbot, window, dialogs):
    open_member(window, "nivelles")
    window.editor.add_product("citizen")
    window.editor.add_product("smartweb")
    assert window.session.quote.blocking
    notices = window.editor.notices
    assert any("Bloquant" in t for t in notices.texts())
    [code] = [c for c in notices.buttons if not c.startswith("annuler:")]
    dialogs.script("ask_text", "  ", None)  # an empty reason is asked again; then cancelled
    notices.buttons[code].click()
    assert dialogs.labels[-1].startswith("Une dérogation doit être justifiée : indiquez un motif.")
    assert dialogs.prefilled[-1] == "  "  # what was typed comes back to be corrected
    assert not window.session.draft.overrides
    dialogs.script("ask_text", "SmartWeb déjà en place, Citizen pour les téléservices")
    window.show()
    notices.buttons[code].setFocus()
    notices.buttons[code].click()
    assert window.session.draft.overrides == {code: "SmartWeb déjà en place, Citizen pour les téléservices"}
    qtbot.waitUntil(window.editor.table.hasFocus, timeout=2000)  # not the member search
    assert not window.session.quote.blocking
    [waived] = [t for t in window.editor.notices.texts() if "Dérogation" in t]
    assert "Dérogation : SmartWeb déjà en place" in waived and code not in waived  # once, no code
    remove = window.editor.notices.buttons[f"annuler:{code}"]
    remove.click()
    assert window.session.quote.blocking
    # one name for the step, on the button as in « Édition > Annuler : … »: « Annuler la
    # dérogation » was undone by « Annuler : Retirer une dérogation »
    assert window.session.undo_stack.undoText() == remove.text() == "Retirer la dérogation"
    dialogs.script("ask_text", "SmartWeb déjà en place")
    notices.buttons[code].click()  # waived again, then the rule stops applying
    window.editor.session.remove_lines([1])
    [moot] = [t for t in window.editor.notices.texts() if "Dérogation" in t]
    assert "<b>Dérogation sans objet</b>" in moot and f"annuler:{code}" in window.editor.notices.buttons


def test_a_wrapped_line_never_starts_with_a_colon_nor_a_closing_guillemet(qtbot, window):
    """Word-wrapped at 1366 x 768, the catalogue's hint read « … · Échap » then « : effacer le
    filtre »: the spaces French puts before « : ; ! ? » and inside « » do not break."""
    from PySide6.QtWidgets import QLabel

    open_member(window, "nivelles")
    window.editor.add_product("citizen")
    window.editor.add_product("smartweb")
    window.bar.warning("Brouillon « Nivelles » non enregistré : le disque est plein ; libérez de la place !")
    shown = [window.bar._label.text(), *(label.text() for label in window.editor.notices.labels)]
    shown += [label.text() for label in window.editor.catalogue.findChildren(QLabel) if "Échap" in label.text()]
    assert len(shown) >= 3
    for text in shown:
        assert not re.search(r" [»:;!?]|« ", text), text
    assert window.bar.text.startswith("Brouillon « Nivelles » non enregistré : ")  # as said


def test_a_long_reason_without_spaces_wraps_and_a_pasted_page_is_refused(qtbot, window, dialogs):
    """A 300-character reason typed as one word kept the notice one line wide: the panel was
    cut off on the right, « Retirer la dérogation » out of view. It now wraps; a reason
    longer than that is refused with the count, and the draft stays as it was."""
    window.resize(1100, 740)
    open_member(window, "nivelles")
    window.editor.add_product("citizen")
    window.editor.add_product("smartweb")
    notices = window.editor.notices
    [code] = [c for c in notices.buttons if not c.startswith("annuler:")]
    dialogs.script("ask_text", "X" * 3000, "X" * 300)  # too long: asked again with the text typed
    notices.buttons[code].click()
    assert dialogs.labels[-1].startswith("Motif de la dérogation : 300 caractères au plus ; le texte saisi en compte 3")
    assert "Raccourcissez-le." in dialogs.labels[-1] and dialogs.prefilled[-1] == "X" * 3000
    assert window.session.draft.overrides == {code: "X" * 300}
    qtbot.wait(50)  # the panel lays out its new row
    cancel = notices.buttons[f"annuler:{code}"]
    assert cancel.isVisible()
    right = cancel.mapTo(notices.viewport(), cancel.rect().topRight()).x()
    assert right <= notices.viewport().width()
    [label] = [lab for lab in notices.labels if "Dérogation" in lab.text()]
    assert label.mapTo(notices.viewport(), label.rect().topRight()).x() <= notices.viewport().width()
    assert notices.horizontalScrollBar().maximum() == 0


def test_years_and_indexation_change_the_budget_table(qtbot, window):
    open_member(window, "nivelles")
    window.editor.add_product("delib")
    window.editor.totals.years.setValue(5)
    assert window.session.draft.years == 5
    assert window.editor.totals.years_model.rowCount() == 5
    window.editor.totals.indexation.setValue(3.5)
    assert window.session.draft.indexation == Decimal("0.035")
    assert window.session.quote.totals.indexation == Decimal("0.035")
    window.session.undo_stack.undo()
    window.session.undo_stack.undo()
    assert window.session.draft.years == 3
    assert window.editor.totals.years.text() == "3 ans"
    window.editor.totals.years.setValue(1)
    assert window.editor.totals.years.text() == "1 an"  # not « 1 ans »
    assert "Années 2" not in window.editor.totals.estimate.text()  # one year: no year two


def test_an_offer_without_budget_does_not_keep_the_assumption_of_the_one_before(qtbot, window):
    """Ctrl+N after a budget at 10 %: the box said 2 %, the text under it still « 10 % »."""
    open_member(window, "nivelles")
    window.editor.add_product("delib")
    window.session.set_indexation(Decimal("0.1"))
    assert "10" in window.editor.totals.estimate.text()
    window.new_action.trigger()  # Ctrl+N
    assert window.editor.totals.indexation.value() == 2.0
    assert window.editor.totals.estimate.text().startswith("Estimation : l'indexation réelle suit l'IPC.")


@pytest.mark.parametrize("rate", ["0.5", "-0.05", "0.0225", "1"])
def test_the_indexation_box_shows_the_rate_the_budget_uses(qtbot, window, rate):
    """A draft from the command line may assume any rate the engine takes: the box showed 10 %
    for 50 % while the years went up by half, and 2,3 % for 2,25 %."""
    open_member(window, "nivelles")
    window.editor.add_product("delib")
    window.session.set_indexation(Decimal(rate))
    assert window.session.quote.totals.indexation == Decimal(rate)
    assert Decimal(str(window.editor.totals.indexation.value())) / 100 == Decimal(rate)


def test_an_edit_reaches_the_database_within_a_second_without_saving(qtbot, window, backend):
    assert AUTOSAVE_MS <= 1000
    open_member(window, "nivelles")
    window.editor.add_product("delib")
    qtbot.waitUntil(lambda: window.session.offer is not None and not window.session.dirty, timeout=1500)
    stored = backend.get_offer(window.session.offer.id)
    assert [line.product for line in stored.request.lines] == ["delib"]
    window.editor.add_product("gpec")
    qtbot.wait(AUTOSAVE_MS + 200)
    stored = backend.get_offer(window.session.offer.id)
    assert [line.product for line in stored.request.lines] == ["delib", "gpec"]


def test_edits_in_quick_succession_reach_the_database_within_a_second(qtbot, window, backend):
    """Every edit put the autosave off again: clicking the indexation up every quarter of a
    second, nothing reached the database however long it went on, and a crash lost it all."""
    import time

    open_member(window, "nivelles")
    window.editor.add_product("delib")
    assert window.session.save_now()
    box = window.editor.totals.indexation
    box.setFocus()
    shown: list[tuple[float, Decimal]] = []  # when each value was put on screen
    start = time.monotonic()
    while time.monotonic() - start < 2.5:
        qtbot.keyClick(box, Qt.Key.Key_Up)
        shown.append((time.monotonic(), window.session.draft.indexation))
        qtbot.wait(AUTOSAVE_MS // 2)
    stored = backend.get_offer(window.session.offer.id).request.indexation
    now = time.monotonic()
    until = [when for when, _ in shown[1:]] + [now]
    recent = {value for (_, value), end in zip(shown, until, strict=True) if end > now - 1}
    assert stored in recent, (stored, shown)  # on screen less than a second ago


def test_looking_members_up_stores_no_empty_drafts(qtbot, window, backend):
    for name in ("nivelles", "genappe", "namur"):
        open_member(window, name)
        qtbot.wait(AUTOSAVE_MS + 100)
    assert window.session.offer is None
    assert backend.offers.list_offers() == []  # a fair day of look-ups leaves no clutter
    assert window.editor.status.text() == ""  # and does not claim to be saving anything
    window.editor.add_product("delib")
    assert window.editor.status.text() == "Enregistrement automatique…"
    qtbot.waitUntil(lambda: window.session.offer is not None, timeout=AUTOSAVE_MS + 1000)
    assert len(backend.offers.list_offers()) == 1


def test_a_day_of_members_looked_up_keeps_a_bounded_undo_history(qtbot, window):
    looked_up = [open_member(window, ("nivelles", "genappe", "namur")[turn % 3]) for turn in range(UNDO_LIMIT + 50)]
    assert window.session.undo_stack.count() == UNDO_LIMIT  # each look-up was a step: the oldest went
    assert window.undo_action.text() == f"&Annuler : Membre : {looked_up[-1].display_name}"
    window.undo_action.trigger()  # the last steps still go back, member by member
    assert window.session.member == looked_up[-2]


def test_ctrl_n_starts_an_empty_offer_for_the_member_shown(qtbot, window):
    member = open_member(window, "nivelles")
    window.editor.add_product("delib")
    first = window.session.offer
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert products(window) == []
    assert window.session.draft.member_id == member.id
    assert window.session.offer is None or window.session.offer is not first


def test_opening_another_member_offers_a_choice_in_the_bar(qtbot, window):
    open_member(window, "nivelles")
    window.editor.add_product("delib")
    other = open_member(window, "tournai")
    assert window.session.draft.member_id != other.id  # the offer is not silently moved
    labels = [b.text() for b in window.bar.action_buttons()]
    assert any(text.startswith("Nouvelle offre pour") for text in labels)
    next(b for b in window.bar.action_buttons() if b.text().startswith("Passer cette offre")).click()
    assert window.session.draft.member_id == other.id
    assert products(window) == ["delib"]
    window.session.undo_stack.undo()
    assert window.session.draft.member_id != other.id


def test_a_huge_parameter_is_refused_next_to_the_field_and_the_offer_is_unchanged(qtbot, window, dialogs):
    """1e30 schools opened the crash dialog, stayed in the draft and crashed every later edit."""
    open_member(window, "nivelles")
    window.editor.add_product("aes")
    dialog = window.editor.params_dialog
    for typed in ("1e30", "99999999999999999999", "501"):
        dialog.fields["schools"].setText(typed)
        dialog.ok_button.click()
        assert dialog.isVisible()
        assert "au plus 500" in dialog.errors.message("schools")
    assert products(window) == [] and dialogs.crashes == []
    dialog.fields["schools"].setText("500")
    dialog.ok_button.click()
    assert products(window) == ["aes"] and window.session.quote is not None


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        (InvalidOperation([InvalidOperation]), "n'a pas pu être chiffrée"),
        (InvalidInput("Paramètre refusé par le moteur."), "Paramètre refusé par le moteur."),
    ],
)
def test_an_edit_the_engine_cannot_price_is_refused_and_the_draft_stays(
    qtbot, window, monkeypatch, failure, said
):
    open_member(window, "nivelles")
    window.session.add_line("delib", {})
    before, quote = window.session.draft, window.session.quote
    real = window.backend.quote

    def pricing(draft):
        if any(line.product == "gpec" for line in draft.lines):
            raise failure
        return real(draft)

    monkeypatch.setattr(window.backend, "quote", pricing)
    told: list[str] = []
    window.session.problem.connect(told.append)
    window.session.add_line("gpec", {})
    assert window.session.draft is before and window.session.quote is quote
    assert window.session.undo_stack.undoText() == "Ajouter iA.Délib"
    assert told and said in told[-1]
    window.session.add_line("smartweb", {})  # the next edit works
    assert products(window) == ["delib", "smartweb"] and window.session.error == ""


def test_a_line_parameters_are_shown_whole_on_a_laptop_screen(qtbot, window):
    from desktop.ui.models import QuoteLinesModel

    open_member(window, "nivelles")
    window.editor.session.add_line("tech", {"users": Decimal(0)})
    window.editor.session.add_line("aes", {"schools": Decimal(9), "plans": Decimal(1)})
    table = window.editor.table
    qtbot.waitUntil(table.isVisible)
    metrics = table.fontMetrics()
    for row, text in enumerate(("0 utilisateur supplémentaire", "9 écoles, 1 plan")):
        assert window.editor.lines_model.data(window.editor.lines_model.index(row, QuoteLinesModel.PARAMS)) == text
        assert table.columnWidth(QuoteLinesModel.PARAMS) > metrics.horizontalAdvance(text)  # not « … »


def test_a_parameter_label_does_not_repeat_its_unit(qtbot, window):
    from PySide6.QtWidgets import QLabel

    def labels(code):
        window.editor.add_product(code)
        dialog = window.editor.params_dialog
        shown = [w.text() for w in dialog.findChildren(QLabel) if w.text().endswith(" :")]
        dialog.reject()
        return shown

    open_member(window, "nivelles")
    assert labels("tech") == ["Utilisateurs SaaS supplémentaires :"]  # not « (utilisateurs supplémentaires) »
    assert labels("aes") == ["Nombre d’écoles :", "Nombre de plans tarifaires :"]


def test_removing_the_last_line_leaves_the_keyboard_in_the_catalogue(qtbot, window):
    open_member(window, "nivelles")
    window.editor.add_product("delib")
    table = window.editor.table
    table.setFocus()
    window.editor._select_rows([0])
    window.editor.remove_action.trigger()  # Suppr
    assert products(window) == []
    assert window.editor.catalogue.filter.hasFocus()  # not the budget's years, typed into by mistake
    window.editor.add_product("delib")
    window.editor.add_product("docs")
    table.setFocus()
    window.undo_action.trigger()  # Ctrl+Z
    assert products(window) == ["delib"] and table.hasFocus()  # lines left: the table keeps it
    window.undo_action.trigger()
    assert products(window) == []
    assert window.editor.catalogue.filter.hasFocus()


def test_undoing_a_stored_draft_back_to_nothing_is_saved_too(qtbot, window, backend):
    """Undone to an empty offer, the draft kept its lines in the database while the screen
    said « Brouillon enregistré »: they came back at the next opening."""
    open_member(window, "nivelles")
    window.editor.add_product("delib")
    window.editor.add_product("aes")
    assert window.session.save_now()
    stored = window.session.offer
    while window.session.undo_stack.canUndo():
        window.session.undo_stack.undo()
    assert window.session.draft.empty
    qtbot.waitUntil(lambda: not window.session.dirty, timeout=2000)
    again = backend.offers.get(stored.id)
    assert again.request.lines == () and again.member is None


def test_ctrl_s_writes_a_stored_draft_undone_back_to_nothing(window, backend):
    """Ctrl+S said « Rien à enregistrer » and wrote nothing: with the key pulled out, the
    stored draft kept lines the screen no longer showed, and Ctrl+S never tried again."""
    open_member(window, "nivelles")
    window.editor.add_product("delib")
    assert window.session.save_now()
    stored = window.session.offer
    while window.session.undo_stack.canUndo():
        window.session.undo_stack.undo()
    window.save()  # Ctrl+S, before the autosave
    assert window.bar.text == "Brouillon enregistré."
    assert not window.session.dirty
    assert backend.offers.get(stored.id).request.lines == ()


@pytest.mark.parametrize("typed", ["2.5", "2,5"])
def test_the_indexation_takes_the_keypad_dot_as_a_decimal_point(qtbot, window, typed):
    """The numeric keypad's decimal key types a dot on a Belgian keyboard: « 2.5 » became 25 %."""
    open_member(window, "nivelles")
    window.editor.add_product("delib")
    box = window.editor.totals.indexation
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, typed)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert window.session.draft.indexation == Decimal("0.025")


def test_a_line_brought_back_by_undo_is_the_one_selected(qtbot, window):
    """After Suppr then Ctrl+Z the selection stayed on the neighbour of the line restored."""
    open_member(window, "nivelles")
    for code in ("delib", "gpec", "urban"):
        window.editor.add_product(code)
    editor = window.editor
    editor._select_rows([0])
    editor.remove_selected()
    assert [line.product for line in window.session.draft.lines] == ["gpec", "urban"]
    window.session.undo_stack.undo()
    assert editor._selected_rows() == [0] and editor.lines_model.line(0).product == "delib"
    editor._select_rows([2])
    editor.remove_selected()
    window.session.undo_stack.undo()
    assert editor._selected_rows() == [2]


def test_a_line_added_or_brought_back_at_the_end_of_a_long_offer_is_in_sight(qtbot, window):
    """More lines than the table shows: the line just added, or brought back by Ctrl+Z, was
    selected below the last line in sight, and the user saw nothing happen."""
    open_member(window, "nivelles")
    editor, table = window.editor, window.editor.table
    for code in ("delib", "docs", "urban", "intranet", "vision", "gpec", "atal-mobile", "connecteur-grc",
                 "opendata", "townstreet", "smartweb", "bibliotheca", "ideabox", "teleservices"):
        window.session.add_line(code, {})
    last = editor.lines_model.rowCount()

    def in_sight(row: int) -> bool:
        rect = table.visualRect(editor.lines_model.index(row, 0))
        return rect.top() >= 0 and rect.bottom() <= table.viewport().height()

    def comes_in_sight(row: int) -> None:
        """In sight once the editor is laid out again (the notices and totals under the table
        change its height): every event the edit posted handled, however loaded the machine."""
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtWidgets import QApplication

        for _ in range(10):
            QCoreApplication.sendPostedEvents()
            QApplication.processEvents()
        qtbot.wait(50)
        assert in_sight(row)

    comes_in_sight(last - 1)
    table.scrollToTop()
    assert not in_sight(last - 1)  # the offer is longer than the table
    editor.add_product("docs-ocr")
    assert editor._selected_rows() == [last]
    comes_in_sight(last)
    editor.remove_selected()
    table.scrollToTop()
    window.session.undo_stack.undo()
    assert editor._selected_rows() == [last]
    comes_in_sight(last)


def test_ctrl_s_on_a_member_without_products_says_nothing_was_stored(window, backend):
    """A member looked up is not an offer begun: Ctrl+S said « Brouillon enregistré. » and the
    offers list had nothing."""
    open_member(window, "nivelles")
    window.save()
    assert window.bar.text == (
        "Rien à enregistrer : ajoutez un produit. Le brouillon est enregistré dès sa première ligne."
    )
    assert backend.list_offers() == []
    window.editor.add_product("delib")
    window.save()
    assert window.bar.text == "Brouillon enregistré."
    assert len(backend.list_offers()) == 1
