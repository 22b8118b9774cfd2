"""Keyboard access: Tab walks every control of a screen and comes back to the start (no table
or text box keeps the focus), and every menu entry has its own access key."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from desktop.core.quote import LineRequest
from desktop.ui.backend import Draft


def tab_cycle(qtbot, start: QWidget, limit: int = 40) -> list[QWidget]:
    """The widgets Tab gives the focus to, from ``start`` until it comes back to it."""
    start.setFocus()
    qtbot.waitUntil(start.hasFocus, timeout=2000)
    visited: list[QWidget] = []
    for _ in range(limit):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        current = QApplication.focusWidget()
        if current is start:
            return visited
        visited.append(current)
    raise AssertionError(f"Tab never came back: stuck on {[type(w).__name__ for w in visited[-3:]]}")


def test_tab_goes_through_the_editor_and_back(qtbot, window, backend) -> None:
    member = backend.index.search("nivelles")[0]
    window.members.show_member(member.id)
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    window.editor.add_product("gpec")
    visited = tab_cycle(qtbot, window.members.search.field)
    editor = window.editor
    for widget in (editor.table, editor.catalogue.filter, window.members.card):
        assert any(w is widget or widget.isAncestorOf(w) for w in visited), widget
    assert visited.count(editor.table) == 1  # one stop, not one per cell


def test_tab_reaches_the_notice_buttons_where_they_sit_right_after_the_lines(qtbot, window, backend) -> None:
    member = backend.index.search("nivelles")[0]
    window.members.member_opened.emit(member.id)
    window.editor.add_product("citizen")
    window.editor.add_product("smartweb")  # a blocking notice with its « Passer outre… »
    editor = window.editor
    visited = tab_cycle(qtbot, window.members.search.field)
    after_lines = visited[visited.index(editor.table) + 1 :][:2]
    assert after_lines == [editor.notices.buttons[next(iter(editor.notices.buttons))], editor.totals.years]
    assert editor.notices not in visited  # the frame is no stop of its own


def test_tab_goes_through_the_offers_list_and_back(qtbot, window, backend) -> None:
    member = backend.index.search("nivelles")[0]
    draft = Draft(member_id=member.id, lines=(LineRequest("delib", {}),))
    backend.save_draft(None, draft, backend.quote(draft))
    window.show_offers()
    offers = window.offers_list
    qtbot.waitUntil(lambda: offers.model.rowCount() == 1, timeout=2000)
    visited = tab_cycle(qtbot, offers.filter)
    assert offers.state in visited and offers.table in visited
    assert visited.count(offers.table) == 1


def test_tab_goes_through_the_settings_without_typing_into_the_address(qtbot, window) -> None:
    window.settings_action.trigger()  # as Ctrl+, and the menu do: its « checked » flag opened nothing
    dialog = window._settings_dialog
    address = dialog.fields["address_lines"]
    before = address.toPlainText()
    visited = tab_cycle(qtbot, dialog.fields["seller_name"])
    assert visited.count(address) == 1 and address.toPlainText() == before
    assert dialog.fields["iban"] in visited
    fields = {id(w): name for name, w in dialog.fields.items()}
    order = [fields[id(w)] for w in visited if id(w) in fields]
    assert order[:5] == ["seller_initials", "device_code", "validity_days", "years", "indexation"]
    assert order[5] == "letterhead_name"  # the left column, then the right one, as they read
    dialog.reject()


def test_every_menu_entry_has_an_access_key_of_its_own(qtbot, window, backend) -> None:
    member = backend.index.search("nivelles")[0]
    window.members.member_opened.emit(member.id)  # the editor's entries join the Édition menu
    window.editor.add_product("delib")  # and « Annuler » names what it undoes
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        menu.aboutToShow.emit()  # the Offre menu is filled when it opens
        texts = [a.text() for a in menu.actions() if not a.isSeparator()]
        keys = [re.search(r"&(\w)", t) for t in texts]
        assert all(keys), (menu_action.text(), [t for t in texts if not re.search(r"&\w", t)])
        letters = [k.group(1).lower() for k in keys if k]
        assert len(letters) == len(set(letters)), (menu_action.text(), texts)


def test_enter_presses_the_focused_button_as_space_does(qtbot, window, backend) -> None:
    from PySide6.QtWidgets import QPushButton

    from desktop.ui.member_forms import MemberEditDialog
    from desktop.ui.message_bar import Level

    def enter_on(button: QPushButton) -> None:
        button.setFocus()  # where Tab leaves it
        qtbot.waitUntil(button.hasFocus, timeout=2000)
        qtbot.keyClick(button, Qt.Key.Key_Return)

    enter_on(window.findChild(QPushButton, "startOffer"))  # « Nouvelle offre » on the start page
    assert window.tabs.currentWidget() is window.editor

    pressed: list[bool] = []
    window.bar.show_message("Un brouillon attend.", Level.INFO, actions=(("Rouvrir", lambda: pressed.append(True)),))
    enter_on(window.bar.action_buttons()[0])
    assert pressed == [True]

    window.members.show_member(backend.index.search("nivelles")[0].id)
    enter_on(window.members.card.edit_button)  # « Modifier… » on the member card
    assert isinstance(window.members.dialog, MemberEditDialog)
    window.members.dialog.reject()


def test_ctrl_z_undoes_the_offer_change_where_the_keyboard_stands(qtbot, window, backend) -> None:
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    window.members.member_opened.emit(backend.index.search("nivelles")[0].id)
    session, editor = window.session, window.editor
    field = editor.catalogue.filter  # where Enter leaves the keyboard once a product is added
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClicks(field, "delib")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert [line.product for line in session.draft.lines] == ["delib"]
    qtbot.keyClick(field, Qt.Key.Key_Z, ctrl)
    assert session.draft.lines == () and field.text() == "delib"  # the line, not the typing
    qtbot.keyClick(field, Qt.Key.Key_Z, ctrl | shift)
    assert [line.product for line in session.draft.lines] == ["delib"]

    years = editor.totals.years
    before = session.draft.years
    years.setFocus()
    qtbot.waitUntil(years.hasFocus, timeout=2000)
    qtbot.keyClick(years, Qt.Key.Key_Up)
    assert session.draft.years == before + 1
    qtbot.keyClick(years, Qt.Key.Key_Z, ctrl)
    assert session.draft.years == before and years.value() == before
    qtbot.keyClick(years, Qt.Key.Key_Escape)  # QTest keeps Ctrl held after a shortcut: let it go


def test_the_offers_filter_takes_arrows_and_enter_and_the_offer_opens_on_its_lines(qtbot, window, backend) -> None:
    for name in ("nivelles", "genappe"):
        member = backend.index.search(name)[0]
        draft = Draft(member_id=member.id, lines=(LineRequest("delib", {}),))
        backend.save_draft(None, draft, backend.quote(draft))
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    offers = window.offers_list
    qtbot.waitUntil(lambda: offers.model.rowCount() == 2, timeout=2000)
    assert offers.filter.hasFocus()
    second = offers.model.offer(1)
    qtbot.keyClick(offers.filter, Qt.Key.Key_Down)
    assert offers.selected() == [second] and offers.filter.hasFocus()  # typing goes on
    qtbot.keyClick(offers.filter, Qt.Key.Key_Return)
    assert window.session.offer.id == second.id
    assert window.editor.table.hasFocus()  # not the budget's years, behind the list left

    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(offers.filter, "nivel")
    qtbot.keyClick(offers.filter, Qt.Key.Key_Return)  # at once: the list of what was typed
    assert window.session.offer.member.name == "Nivelles"

    field = window.editor.catalogue.filter  # a product added from the catalogue, by keyboard
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClicks(field, "docs")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    for _ in range(2):  # past the state, to the list
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert offers.table.hasFocus()
    qtbot.keyClick(offers.table, Qt.Key.Key_Return)
    assert window.editor.table.hasFocus()


def test_the_offer_shown_opened_again_from_the_list_keeps_its_undo_and_its_selection(qtbot, window, backend) -> None:
    """Ctrl+O to look at the list, Entrée on the offer being edited (the one selected there):
    it was read again from the database, its undo history emptied and its lines unselected."""
    member = backend.index.search("nivelles")[0]
    window.members.show_member(member.id)
    window.members.member_opened.emit(member.id)
    for code in ("delib", "gpec", "smartweb"):
        window.editor.add_product(code)
    window.editor.table.setFocus()
    window.editor.table.selectRow(1)
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    offers = window.offers_list
    assert [o.id for o in offers.selected()] == [window.session.offer.id]
    qtbot.keyClick(offers.filter, Qt.Key.Key_Return)
    assert window.editor.table.hasFocus() and window.editor._selected_rows() == [1]
    qtbot.keyClick(window.editor.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [x.product for x in window.session.draft.lines] == ["delib", "gpec"]


def test_ctrl_shift_f_goes_back_to_the_catalogue_from_anywhere(qtbot, window, backend) -> None:
    """After a product with parameters the keyboard is on the lines; the next product is one
    shortcut away (Ctrl+F is the member search, Ctrl+Maj+F the catalogue), from a text field too."""
    member = backend.index.search("nivelles")[0]
    window.members.show_member(member.id)
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    window.editor.table.setFocus()
    qtbot.waitUntil(window.editor.table.hasFocus, timeout=2000)
    filter_ = window.editor.catalogue.filter
    filter_.setText("aes")
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.editor.table, Qt.Key.Key_F, ctrl_shift)
    assert filter_.hasFocus() and filter_.selectedText() == "aes"  # ready to type over
    search = window.members.search.field
    search.setFocus()
    qtbot.waitUntil(search.hasFocus, timeout=2000)
    qtbot.keyClick(search, Qt.Key.Key_F, ctrl_shift)
    assert filter_.hasFocus()
    assert "Ctrl+Shift+F" in window.catalogue_action.shortcut().toString()
    qtbot.keyClick(filter_, Qt.Key.Key_Escape)  # let go of the modifiers for the next test


def test_tab_from_the_search_reaches_the_card_buttons_without_an_invisible_stop(qtbot, window, backend) -> None:
    """The card's scrolling area took a Tab of its own and showed no focus at all."""
    from PySide6.QtWidgets import QAbstractButton

    member = backend.index.search("nivelles")[0]
    window.members.show_member(member.id)
    search = window.members.search.field
    search.setFocus()
    qtbot.waitUntil(search.hasFocus, timeout=2000)
    qtbot.keyClick(search, Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert isinstance(focused, QAbstractButton) and window.members.card.isAncestorOf(focused), focused


def test_tab_from_the_search_reaches_the_bar_buttons_first(qtbot, window) -> None:
    """« Rouvrir le brouillon » is one Tab away from where the window starts, not after
    every tab and button of the window."""
    from desktop.ui.message_bar import Level

    pressed: list[str] = []
    window.bar.show_message(
        "Un brouillon attend.",
        Level.INFO,
        actions=(("Rouvrir", lambda: pressed.append("rouvrir")), ("Autre", lambda: pressed.append("autre"))),
    )
    rouvrir, autre = window.bar.action_buttons()
    field = window.members.search.field
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert rouvrir.hasFocus()
    qtbot.keyClick(rouvrir, Qt.Key.Key_Tab)
    assert autre.hasFocus()
    qtbot.keyClick(autre, Qt.Key.Key_Backtab)
    qtbot.keyClick(rouvrir, Qt.Key.Key_Return)
    assert pressed == ["rouvrir"]


def test_the_catalogue_filter_finds_a_family_says_when_nothing_matches_and_escape_clears_it(
    qtbot, window, backend
) -> None:
    member = backend.index.search("nivelles")[0]
    window.members.member_opened.emit(member.id)
    panel = window.editor.catalogue
    panel.filter.setFocus()
    qtbot.keyClicks(panel.filter, "options")  # a family's name: its products, not an empty heading
    options = panel.proxy.index(0, 0)
    assert panel.proxy.rowCount() == 1 and panel.proxy.rowCount(options) >= 3
    assert not panel.empty.isVisible()
    panel.filter.clear()
    qtbot.keyClicks(panel.filter, "xyz")
    assert panel.empty.isVisible() and "« xyz »" in panel.empty.text()
    qtbot.keyClick(panel.filter, Qt.Key.Key_Down)  # into an empty list: the keyboard stays
    assert panel.filter.hasFocus()
    qtbot.keyClick(panel.filter, Qt.Key.Key_Escape)
    assert panel.filter.text() == "" and not panel.empty.isVisible()
    panel.view.setCurrentIndex(panel.proxy.index(0, 0))  # a heading, as a click leaves it
    panel.filter.setFocus()
    qtbot.keyClick(panel.filter, Qt.Key.Key_Down)  # lands on a product: Enter then adds it
    assert panel.model.product(panel.proxy.mapToSource(panel.view.currentIndex())) is not None


def test_after_any_product_the_keyboard_is_back_in_the_catalogue_ready_for_the_next(qtbot, window, backend) -> None:
    """« delib » then « docs » typed after it read « delibdocs »; after a product with
    parameters the keyboard was on the lines instead."""
    window.members.member_opened.emit(backend.index.search("nivelles")[0].id)
    field = window.editor.catalogue.filter
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClicks(field, "delib")
    qtbot.keyClick(field, Qt.Key.Key_Return)  # no parameter
    assert field.hasFocus() and field.selectedText() == "delib"
    qtbot.keyClicks(field, "aes")  # replaces what was typed
    assert field.text() == "aes"
    qtbot.keyClick(field, Qt.Key.Key_Return)  # its parameters first
    dialog = window.editor.params_dialog
    dialog.fields["schools"].setText("9")
    dialog.ok_button.click()
    assert [line.product for line in window.session.draft.lines] == ["delib", "aes"]
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    assert field.selectedText() == "aes"


def test_ctrl_tab_back_to_an_empty_offer_lands_where_products_are_chosen(qtbot, window, backend) -> None:
    """It landed on « Budget sur », where a stray arrow changed the years."""
    window.show()
    window.members.member_opened.emit(backend.index.search("nivelles")[0].id)
    window.show_offers()
    window.tabs.setCurrentIndex(0)  # what Ctrl+Tab does
    qtbot.waitUntil(window.editor.catalogue.filter.hasFocus, timeout=2000)
    assert not window.editor.totals.years.hasFocus()


def test_the_next_visitor_s_offer_starts_from_the_whole_catalogue(qtbot, window, backend) -> None:
    """Ctrl+N for the next member kept the last product typed in the filter, unselected: « tech »
    typed for the new offer read « delibtech » and found nothing."""
    window.show()
    window.members.member_opened.emit(backend.index.search("nivelles")[0].id)
    field = window.editor.catalogue.filter
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClicks(field, "delib")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    next_member = backend.index.search("gembloux")[0]
    window.members.show_member(next_member.id)
    window.members.member_opened.emit(next_member.id)  # the offer on screen is Nivelles's
    assert window.bar.text == (
        "L'offre en cours est pour Nivelles et reste dans les offres enregistrées. "
        "Ctrl+N : nouvelle offre pour Gembloux."
    )
    search = window.members.search.field
    search.setFocus()
    qtbot.waitUntil(search.hasFocus, timeout=2000)
    qtbot.keyClick(search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    assert field.text() == "" and not window.editor.catalogue.empty.isVisible()
    qtbot.keyClicks(field, "docs")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.session.draft.member_id == next_member.id
    assert [line.product for line in window.session.draft.lines] == ["docs"]


def test_a_member_opened_on_an_empty_offer_lets_the_next_name_replace_the_filter(qtbot, window, backend) -> None:
    window.show()
    field = window.editor.catalogue.filter
    field.setText("delib")  # typed on an empty offer, then the member was looked up
    window.members.member_opened.emit(backend.index.search("nivelles")[0].id)
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClicks(field, "docs")
    assert field.text() == "docs"


@pytest.mark.parametrize("where", ["catalogue", "years"])
def test_finalised_from_the_catalogue_or_the_budget_the_keyboard_is_on_the_lines(
    qtbot, ready_window, dialogs, where
) -> None:
    """Both leave or go grey once the offer is frozen: the focus went nowhere, and arrows and
    Tab did nothing on the offer just finalised."""
    window = ready_window
    start = window.editor.catalogue.filter if where == "catalogue" else window.editor.totals.years
    start.setFocus()
    qtbot.waitUntil(start.hasFocus, timeout=2000)
    dialogs.script("confirm", True)
    window.documents.finalise()
    qtbot.waitUntil(lambda: window.session.read_only and not window.session.finalising, timeout=15_000)
    assert window.editor.table.hasFocus()


def test_tab_goes_from_the_shortcuts_list_to_its_close_button(qtbot, window) -> None:
    """Tab walked the list's cells, three per shortcut, before reaching « Fermer »."""
    from PySide6.QtWidgets import QPushButton

    from desktop.ui.help_dialogs import ShortcutsDialog

    window.show_shortcuts()
    dialog = window.findChild(ShortcutsDialog)
    qtbot.waitExposed(dialog)
    visited = tab_cycle(qtbot, dialog.table)
    assert [type(w) for w in visited] == [QPushButton]
    dialog.close()
