"""The window opens on a start page; the offer editor is built the first time it is needed."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import Qt


def _line_actions(window) -> list[str]:
    return [a.text().replace("&", "") for a in window.edit_menu.actions() if not a.isSeparator()]


def test_the_editor_is_built_when_a_member_is_opened(qtbot, window, backend):
    assert window._editor is None  # the first window has no editor yet
    assert window.tabs.currentWidget() is window.editor_placeholder
    assert "Retirer de l'offre" not in _line_actions(window)
    member = next(m for m in backend.index.members() if m.kind.name == "COMMUNE")
    window.members.member_opened.emit(member.id)
    editor = window._editor
    assert editor is not None and window.tabs.currentWidget() is editor
    assert window.tabs.tabText(window.tabs.indexOf(editor)) == "Offre en cours"
    assert window.session.draft.member_id == member.id
    assert editor.lines_model.rowCount() == 0 and member.display_name in editor.header.text()
    assert _line_actions(window).count("Retirer de l'offre") == 1
    window.members.member_opened.emit(member.id)  # built once
    assert window.editor is editor and _line_actions(window).count("Retirer de l'offre") == 1


def test_new_offer_from_the_start_page_keeps_the_settings_defaults(qtbot, make_window, backend):
    backend.save_settings(replace(backend.settings(), years=5, indexation=Decimal("0.03")))
    window = make_window(backend)
    assert window._editor is None
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window._editor is not None and window.tabs.currentWidget() is window.editor
    assert (window.session.draft.years, window.session.draft.indexation) == (5, Decimal("0.03"))
    assert window.editor.totals.years.value() == 5
    assert window.editor.catalogue.filter.hasFocus()
    window.close()


def test_the_offers_tab_does_not_build_the_editor(qtbot, window):
    window.show_offers()
    assert window.tabs.currentIndex() == 1
    assert window._editor is None
    window.tabs.setCurrentIndex(0)
    assert window.tabs.currentWidget() is window.editor_placeholder


def test_the_first_window_fits_the_screen(qtbot, backend, runner, dialogs, tmp_path, monkeypatch):
    """No remembered geometry: 1280 x 760 where there is room, else maximised and no larger
    than the screen (offscreen, the screen is smaller than that)."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QScreen

    from desktop.ui import main_window as mw
    from desktop.ui.room import WINDOW_FRAME
    from desktop.ui.ui_state import UiState

    def first_window(screen: QRect):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(QScreen, "availableGeometry", lambda self: screen)
        window = mw.MainWindow(backend, runner, dialogs, UiState(str(tmp_path / f"{screen.width()}.ini")))
        qtbot.addWidget(window)
        return window

    small = first_window(QRect(0, 0, 1280, 720))  # 1920 x 1080 at 150 %
    assert small.isMaximized()
    assert small.width() <= 1280 - WINDOW_FRAME[0] and small.height() <= 720 - WINDOW_FRAME[1]
    large = first_window(QRect(0, 0, 1920, 1040))
    assert not large.isMaximized() and (large.width(), large.height()) == mw.DEFAULT_SIZE


def test_the_window_title_ends_with_the_application_name(qtbot, window, backend):
    """Qt adds « — Comptoir » to a title that does not end with it: the start read « Comptoir
    — offres iMio — Comptoir » in the task bar."""
    assert window.windowTitle() == "Offres iMio — Comptoir"
    window.members.member_opened.emit(backend.index.search("nivelles")[0].id)
    assert window.windowTitle() == "Nivelles — Comptoir"
