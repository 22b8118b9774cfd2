"""The screens on the laptops account managers use: 1366 x 768, 1920 x 1080 at 150 % (a
1280 x 720 screen), the larger system font of a Linux desktop (11 points, where Windows has
9). What a look at them catches (``layout_checks``): a window past the screen, a text cut off
or drawn over another."""

from __future__ import annotations

import pytest
from layout_checks import (
    blank_lines,
    cut_cells,
    cut_texts,
    layout_problems,
    run_together,
    split_figures,
)
from PySide6.QtCore import QRect
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QApplication

from desktop.ui.room import WINDOW_FRAME, room

pytestmark = pytest.mark.gui

SMALL = QRect(0, 0, 1280, 720)  # 1920 x 1080 at 150 %
LAPTOP = QRect(0, 0, 1366, 728)  # 1366 x 768, less the task bar
WIDE = QRect(0, 0, 1920, 1040)  # 1920 x 1080 at 100 %, less the task bar


@pytest.fixture
def small_screen(monkeypatch):
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: SMALL)
    return SMALL


@pytest.fixture
def system_font(qapp):
    """``system_font(11)``: the application's font at that size, for the widgets built after."""
    before = qapp.font()

    def set_size(points: float) -> None:
        font = qapp.font()
        font.setPointSizeF(points)
        qapp.setFont(font)

    yield set_size
    qapp.setFont(before)


def listed_offer(qtbot, window, backend, member: str):
    """An offer of iA.Délib for the first member ``member`` finds, saved, in the offers list
    shown: the list."""
    window.new_offer_for(backend.index.search(member)[0].id)
    window.editor.add_product("delib")
    window.session.save_now(force=True)
    window.show_offers()
    offers = window.offers_list
    qtbot.waitUntil(lambda: offers.model.rowCount() == 1)
    return offers


def laid_out(qtbot, window, size):
    window.showNormal()
    window.resize(size)
    qtbot.waitUntil(lambda: window.size() == size or window.size() == window.minimumSize(), timeout=2000)
    qtbot.wait(50)  # wrapped labels get their height at the next layout pass
    QApplication.processEvents()


@pytest.mark.parametrize(
    ("screen", "points", "rows"),
    [
        (SMALL, 9, 5),  # Windows at 150 %
        (LAPTOP, 11, 2),  # a 1366 x 768 laptop under Ubuntu or GNOME
        (SMALL, 11, 1),  # both: everything fits, the lines scroll
    ],
)
def test_the_fullest_offer_fits_the_screen_whole(
    qtbot, monkeypatch, system_font, make_window, backend, busy_offer, screen, points, rows
):
    """At 150 % on 1920 x 1080 with Linux's 11-point font, the window was 1 329 pixels wide at
    the least: its right side past the screen, « Indexation supposée » cut to « Indexation s »,
    the estimate drawn over the budget's last year, the card's buttons cut at its edge (on a
    1366 x 768 laptop too)."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: screen)
    system_font(points)
    window = make_window(backend)
    busy_offer(window)
    space = room(window)
    least = window.minimumSizeHint()
    assert least.width() <= space.width() and least.height() <= space.height()
    laid_out(qtbot, window, space)
    assert layout_problems(window) == []
    table = window.editor.table  # the lines stay a list, not a slit
    assert table.viewport().height() >= rows * table.verticalHeader().defaultSectionSize()
    assert window.editor.catalogue.width() <= 320


@pytest.mark.parametrize(("screen", "points"), [(SMALL, 11), (LAPTOP, 11), (LAPTOP, 9)])
def test_the_members_found_show_their_names_whole(
    qtbot, monkeypatch, system_font, make_window, backend, busy_offer, screen, points
):
    """With Linux's 11-point font the type and the category grew with the font while the
    panel kept its width: the names found read « ZP 5267 Ni… », « ZP 5272 Ar… ». A long name
    now takes two lines, and the offer beside keeps its room."""
    from desktop.ui.models import QuoteLinesModel

    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: screen)
    system_font(points)
    window = make_window(backend)
    busy_offer(window)
    laid_out(qtbot, window, room(window))
    search = window.members.search
    search.field.setText("zp")  # the police zones, « ZP 5267 Nivelles/Genappe » and 49 more
    search._search()
    qtbot.waitUntil(lambda: search.showing_results)
    QApplication.processEvents()
    view, model = search.view, search.model
    assert model.rowCount() > 20
    assert cut_cells(view, 0) == []
    assert blank_lines(view, [model.index(r, 0) for r in range(model.rowCount())]) == []
    assert cut_cells(window.editor.table, QuoteLinesModel.PRODUCT) == []
    window.splitter.setSizes([400, window.width() - 400])  # a wider panel: names on one line again
    QApplication.processEvents()
    assert cut_cells(view, 0) == []
    assert blank_lines(view, [model.index(r, 0) for r in range(model.rowCount())]) == []
    search.field.setText("51004")  # Ath's NIS code, short names: one height, whatever the font
    search._search()
    qtbot.waitUntil(lambda: model.rowCount() > 0 and model.index(0, 0).data() == "Ath")
    assert view.uniformRowHeights()


@pytest.mark.parametrize(("screen", "points"), [(SMALL, 11), (LAPTOP, 11)])
def test_a_word_longer_than_the_names_column_breaks(
    qtbot, monkeypatch, system_font, make_window, backend, screen, points
):
    """With Linux's 11-point font the rescue zone of the German-speaking Community read « DG
    (Hilfeleistungs… » in the members found: the style wraps a name at its spaces only, and a
    word wider than the column was cut. It now breaks where its line ends."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: screen)
    system_font(points)
    window = make_window(backend)
    laid_out(qtbot, window, room(window))
    search = window.members.search
    search.field.setText("zone de secours")
    search._search()
    qtbot.waitUntil(lambda: search.showing_results)
    QApplication.processEvents()
    view, model = search.view, search.model
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "DG (Hilfeleistungszone DG, Liège zone 6)" in names
    assert not view.names.fits(model.index(names.index("DG (Hilfeleistungszone DG, Liège zone 6)"), 0))
    assert cut_cells(view, 0) == []
    assert blank_lines(view, [model.index(r, 0) for r in range(model.rowCount())]) == []
    # the names drawn through Python only while one has a word to break: at every other
    # search the view's own drawing, which each letter typed repaints, does without it
    assert view.itemDelegateForColumn(0) is not view.names
    search.field.setText("nivelles")
    search._search()
    qtbot.waitUntil(lambda: search.model.rowCount() and "Nivelles" in search.model.index(0, 0).data())
    assert view.itemDelegateForColumn(0) is view.names


def test_a_long_word_breaks_where_its_line_ends_and_a_name_nowhere_else(qapp):
    """Only a word wider than the column breaks, at the last letter its line holds; a name
    the style wraps already (after « Nivelles/ ») is drawn as it was."""
    from PySide6.QtGui import QFontMetricsF

    from desktop.ui.wrap_delegate import break_long_words

    metrics = QFontMetricsF(qapp.font())
    name = "ZP 5267 Nivelles/Genappe"
    assert break_long_words(name, metrics, metrics.horizontalAdvance("Nivelles/Gena")) == name
    room = metrics.horizontalAdvance("(Hilfeleistungs")
    broken = break_long_words("DG (Hilfeleistungszone DG, Liège zone 6)", metrics, room)
    assert broken == "DG (Hilfeleistungs\u200bzone DG, Liège zone 6)"


def test_the_screens_report_lists_a_name_cut_in_a_list_that_wraps_its_names(
    qtbot, monkeypatch, system_font, make_window, backend
):
    """The screens' report read empty while the members found showed « DG
    (Hilfeleistungs… »: it looked at labels and buttons, never at the cells of a list. A list
    of one line a row, as the offers list, still cuts a long member with « … » on purpose."""
    from desktop.ui import search_panel
    from desktop.ui.offers_list import MEMBER_COLUMN

    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: LAPTOP)
    system_font(11)
    window = make_window(backend)
    laid_out(qtbot, window, room(window))
    offers = listed_offer(qtbot, window, backend, "hilfeleistungszone")
    QApplication.processEvents()
    assert cut_cells(offers.table, MEMBER_COLUMN)  # « Zone de secours DG (Hilfelei… »
    assert cut_texts(window) == []
    monkeypatch.setattr(search_panel, "break_long_words", lambda text, metrics, room: text)  # as it was
    search = window.members.search
    search.field.setText("zone de secours")
    search._search()
    qtbot.waitUntil(lambda: search.showing_results)
    QApplication.processEvents()
    assert [p.split(" : ")[:2] for p in cut_texts(window)] == [
        ["memberResults", "« DG (Hilfeleistungszone DG, Liège zone 6) »"]
    ]


def police_zones_found(qtbot, window):  # type: ignore[no-untyped-def]
    """The window laid out on its screen, « zp » typed in the member search: the police zones,
    « ZP 5267 Nivelles/Genappe » and 49 more, listed; the results' view and model."""
    laid_out(qtbot, window, room(window))
    search = window.members.search
    search.field.setText("zp")
    search._search()
    qtbot.waitUntil(lambda: search.showing_results)
    return search.view, search.model


def test_the_members_found_on_one_line_have_rows_of_one_height(
    qtbot, monkeypatch, system_font, make_window, backend
):
    """With some names wrapped, a name just short of its column's width (« ZP 5290
    Stavelot/Malmedy ») took a row a few pixels taller than the other names of one line,
    though it was drawn on one line too: the list read unevenly, at any width of the panel."""
    from PySide6.QtWidgets import QStyle

    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: SMALL)
    system_font(11)
    window = make_window(backend)
    view, model = police_zones_found(qtbot, window)
    metrics = view.fontMetrics()
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    for panel in (260, 330, 400, 460):
        window.splitter.setSizes([panel, window.width() - panel])
        QApplication.processEvents()
        cells = [view.visualRect(model.index(r, 0)) for r in range(model.rowCount())]
        one_line = {
            model.index(r, 0).data(): cell.height()
            for r, cell in enumerate(cells)
            if metrics.horizontalAdvance(model.index(r, 0).data()) <= cell.width() - 2 * margin
        }
        assert len(set(one_line.values())) <= 1, (panel, one_line)


def test_the_members_found_wrap_again_when_the_panel_narrows(qtbot, monkeypatch, system_font, make_window, backend):
    """The panel widened until every name fitted on a line, then narrowed again: the names
    read « ZP 5267 Nivelles/Gen… », every row as tall as the first, wrapped one. The rows were
    fitted to the width the column had before it changed."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: LAPTOP)
    system_font(9)
    window = make_window(backend)
    view, model = police_zones_found(qtbot, window)
    window.splitter.setSizes([700, window.width() - 700])
    QApplication.processEvents()
    assert all(view.names.fits(model.index(r, 0)) for r in range(model.rowCount()))
    assert view.uniformRowHeights() and not view.wordWrap()  # a line each: one height
    for panel in (300, 700, 250):
        window.splitter.setSizes([panel, window.width() - panel])
        QApplication.processEvents()
        assert cut_cells(view, 0) == [], panel
        assert blank_lines(view, [model.index(r, 0) for r in range(model.rowCount())]) == [], panel
    assert not view.uniformRowHeights() and view.wordWrap()

@pytest.mark.parametrize(("screen", "points"), [(SMALL, 11), (LAPTOP, 11), (SMALL, 9), (LAPTOP, 9)])
def test_the_lines_show_every_product_name_whole(
    qtbot, monkeypatch, system_font, make_window, backend, busy_offer, screen, points
):
    """At 150 % with Linux's 11-point font the product's column read « Package iA.Cit… »,
    the name whole only in its tooltip, and « iA.SmartWeb » lost its « ⚠ »: a long name now
    takes two lines, and « En partie sur devis » too instead of widening its column for all."""
    from desktop.ui.models import QuoteLinesModel

    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: screen)
    system_font(points)
    window = make_window(backend)
    busy_offer(window)
    laid_out(qtbot, window, room(window))
    table = window.editor.table
    assert cut_cells(table, QuoteLinesModel.PRODUCT) == []
    assert cut_cells(table, QuoteLinesModel.STATUS) == []
    rows = range(table.model().rowCount())
    assert blank_lines(table, [table.model().index(r, QuoteLinesModel.PRODUCT) for r in rows]) == []
    window.splitter.setSizes([200, window.width() - 200])  # the lines wider: a line each again
    QApplication.processEvents()
    assert cut_cells(table, QuoteLinesModel.PRODUCT) == []
    assert blank_lines(table, [table.model().index(r, QuoteLinesModel.PRODUCT) for r in rows]) == []


@pytest.mark.parametrize("points", [11, 9])
def test_a_partial_status_takes_one_line_where_the_lines_have_the_room(
    qtbot, monkeypatch, system_font, make_window, backend, busy_offer, points
):
    """On a 1920 x 1080 screen, the product's names far from their column's edge, « En partie
    sur devis » took two lines all the same and iA.GPEC's row was twice as tall as the others.
    It takes two lines only where the names would otherwise wrap, and the names stay whole."""
    from PySide6.QtWidgets import QStyle

    from desktop.ui.models import QuoteLinesModel

    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: WIDE)
    system_font(points)
    window = make_window(backend)
    busy_offer(window)
    laid_out(qtbot, window, room(window))
    table, model = window.editor.table, window.editor.lines_model
    partial = next(r for r in range(model.rowCount()) if model.line(r).product == "gpec")
    assert model.index(partial, QuoteLinesModel.STATUS).data() == "En partie sur devis"
    heights = {table.rowHeight(r) for r in range(model.rowCount())}
    assert heights == {table.rowHeight(0)}, heights
    assert cut_cells(table, QuoteLinesModel.STATUS) == []
    line, wide = table.rowHeight(0), window.editor.splitter.sizes()
    names = [model.index(r, QuoteLinesModel.PRODUCT).data() for r in range(model.rowCount())]
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    need = max(table.fontMetrics().horizontalAdvance(n) for n in names) + 2 * margin
    slack = table.horizontalHeader().sectionSize(QuoteLinesModel.PRODUCT) - need
    window.editor.splitter.setSizes([wide[0] - slack - 4, wide[1] + slack + 4])  # 4 pixels short
    QApplication.processEvents()
    assert table.rowHeight(partial) > line  # two lines again, the names whole
    assert cut_cells(table, QuoteLinesModel.PRODUCT) == []
    assert cut_cells(table, QuoteLinesModel.STATUS) == []
    window.editor.splitter.setSizes(wide)  # and the room again: one line
    QApplication.processEvents()
    assert table.rowHeight(partial) == line


@pytest.mark.parametrize(("screen", "points"), [(SMALL, 11), (LAPTOP, 9)])
def test_figures_of_neighbouring_columns_read_apart(
    qtbot, monkeypatch, system_font, make_window, backend, busy_offer, screen, points
):
    """Each column of the lines was exactly as wide as its widest text: set to the right,
    the headers read « AnnuelJours » and iA.GPEC's amounts « Sur devis11 450,00 € », the
    offers list its amounts « 38 530,00 €62 992,00 € * »."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: screen)
    system_font(points)
    window = make_window(backend)
    busy_offer(window)
    laid_out(qtbot, window, room(window))
    assert run_together(window.editor.table) == []
    window.session.save_now(force=True)
    window.show_offers()  # the offers list's amounts side by side: « 38 530,00 €62 992,00 € * »
    offers = window.offers_list
    qtbot.waitUntil(lambda: offers.model.rowCount() == 1)
    assert run_together(offers.table) == []


def _settings_refused_everywhere(qtbot, system_font, window):  # type: ignore[no-untyped-def]
    """The settings, in Linux's larger font, sent with « ?? » in every text field: a message
    under each."""
    system_font(11)
    window.open_settings()
    dialog = window._settings_dialog
    qtbot.waitExposed(dialog)
    for name, field in dialog.fields.items():
        if hasattr(field, "setText") and name not in ("seller_name", "letterhead_name"):
            field.setText("??")
    dialog.ok_button.click()
    qtbot.wait(50)
    return dialog


def test_a_form_taller_than_the_screen_scrolls_and_keeps_its_buttons_in_view(
    qtbot, small_screen, system_font, window
):
    """A message under every field of the settings made the form 886 pixels tall on a
    720-pixel screen: « Enregistrer » and « Annuler » were under the task bar."""
    dialog = _settings_refused_everywhere(qtbot, system_font, window)
    assert dialog.isVisible() and dialog.errors.message("device_code")
    space = room(dialog)
    assert dialog.height() <= space.height()
    assert dialog.rect().contains(dialog.ok_button.geometry().translated(dialog.buttons.pos()))
    assert dialog.ok_button.isVisible() and dialog.cancel_button.isVisible()
    bar = dialog.form_area.verticalScrollBar()
    assert bar.isVisible() and bar.maximum() > 0  # the last fields are a scroll away
    assert layout_problems(dialog) == []
    dialog.discard()


def test_the_first_field_to_fix_is_scrolled_into_view(qtbot, small_screen, system_font, window):
    """The focus went to the first field to fix, but a form scrolled down to its last fields
    stayed there: the cursor blinked in a field out of sight, its message with it."""
    from PySide6.QtCore import QPoint, Qt

    dialog = _settings_refused_everywhere(qtbot, system_font, window)
    bar = dialog.form_area.verticalScrollBar()
    bar.setValue(bar.maximum())
    last = dialog.fields["iban"]
    last.setFocus()
    qtbot.keyClick(last, Qt.Key.Key_Return)  # Enter still presses « Enregistrer »
    qtbot.wait(50)
    first = dialog.fields["seller_initials"]
    assert dialog.isVisible() and first.hasFocus()
    viewport = dialog.form_area.viewport()
    shown = QRect(first.mapTo(viewport, QPoint(0, 0)), first.size())
    assert viewport.rect().contains(shown)
    dialog.discard()


def test_a_short_form_opens_at_its_own_size_without_a_scroll_bar(qtbot, window, backend):
    member = backend.index.search("nivelles")[0]
    window.members.show_member(member.id)
    window.members.choose_category()
    dialog = window.members.dialog
    qtbot.waitExposed(dialog)
    assert not dialog.form_area.verticalScrollBar().isVisible()
    assert dialog.body.height() >= dialog.outer.totalMinimumSize().height()
    assert layout_problems(dialog) == []
    dialog.close()


def test_the_preview_and_the_help_open_within_the_screen(qtbot, small_screen, window):
    """The preview asked for the screen's height less 40 pixels: its title bar (about 45
    pixels at 150 %) pushed its bottom under the task bar."""
    from desktop.ui.help_dialogs import AboutDialog, ShortcutsDialog, open_dialog
    from desktop.ui.preview import PdfPreview, PreviewWindow

    space = QRect(0, 0, SMALL.width() - WINDOW_FRAME[0], SMALL.height() - WINDOW_FRAME[1]).size()
    preview = PreviewWindow(window, PdfPreview(None), "Aperçu — essai")
    qtbot.addWidget(preview)
    assert preview.width() <= space.width() and preview.height() <= space.height()
    for kind in (ShortcutsDialog, AboutDialog):
        dialog = open_dialog(window, kind)
        assert dialog.width() <= space.width() and dialog.height() <= space.height(), kind
        dialog.close()


def test_catalogue_rows_are_as_tall_as_their_wrapped_names(qtbot, backend):
    """Rows were sized for a text area 10 pixels narrower than the one the style paints: at
    some widths (the catalogue's at 125 %) « iA.Docs : dématérialisation et OCR » sat on one
    line in a row two lines tall, a blank line with it, the next rows pushed down."""
    from desktop.ui.catalogue_panel import CataloguePanel

    panel = CataloguePanel(backend.tariff)
    qtbot.addWidget(panel)
    panel.show()
    view, model = panel.view, panel.view.model()
    rows = [model.index(r, 0, model.index(f, 0)) for f in range(model.rowCount())
            for r in range(model.rowCount(model.index(f, 0)))]
    problems = []
    for width in range(240, 340):
        panel.resize(width, 900)
        QApplication.processEvents()
        view.setCurrentIndex(model.index(-1, -1))  # no highlighted row
        problems += [f"{width} : {p}" for p in blank_lines(view, rows)]
    assert problems == []


def test_a_figure_is_never_cut_at_the_end_of_a_line(qtbot, system_font, make_window, backend):
    """Rich text reads the narrow no-break space of « 28 883 » as a plain space: under Linux's
    11-point font the card of a police zone read « commune la plus peuplée Nivelles, 28 » then
    « 883 habitants », and the rule « de 20 001 à 40 » then « 000 habitants »."""
    system_font(11)
    window = make_window(backend)
    zone = next(m for m in backend.index.search("zone de police nivelles") if m.commune_ids)
    window.members.show_member(zone.id)
    card = window.members.card
    problems = []
    for width in range(280, 440, 4):
        window.splitter.setSizes([width, window.width() - width])
        QApplication.processEvents()
        problems += [f"{width} : {p}" for p in split_figures(card)]
    assert problems == []


def test_a_colon_never_starts_a_line_of_the_card(qtbot, system_font, make_window, backend):
    """Under Linux's 11-point font, on a 1280 x 720 screen, Bastogne's card read « 19 932
    habitants (au 01/01/2020, source » then « : Statbel) », and its rule « Commune Bastogne »
    could end a line with « : 19 932 habitants » on the next: the space before a colon broke."""
    system_font(11)
    window = make_window(backend)
    problems = []
    for member in ("commune:82039", "cpas:82039", "zp:5301"):
        window.members.show_member(member)
        for width in range(240, 440, 4):
            window.splitter.setSizes([width, window.width() - width])
            QApplication.processEvents()
            problems += [f"{member}, {width} : {p}" for p in split_figures(window.members.card) if "signe" in p]
    assert problems == []


def test_a_nis_code_stays_beside_its_nis(qtbot, system_font, make_window, backend):
    """Under Linux's 11-point font the members found for « 82005 » read « Bastogne — ancien
    code NIS » then « 82005 (Bertogne) », and the card's lines could end on « NIS » as well,
    its code on the next one. The code keeps its « NIS » at any width of the panel."""
    system_font(11)
    window = make_window(backend)
    search, members = window.members.search, window.members
    search.field.setText("82005")
    search._search()
    qtbot.waitUntil(lambda: search.showing_results)
    problems = []
    for width in range(240, 440, 4):
        window.splitter.setSizes([width, window.width() - width])
        QApplication.processEvents()
        problems += [f"{width} : {p}" for p in split_figures(search)]
    for member in ("commune:82039", "cpas:82039"):
        members.show_member(member)
        for width in range(240, 440, 4):
            window.splitter.setSizes([width, window.width() - width])
            QApplication.processEvents()
            problems += [f"{member}, {width} : {p}" for p in split_figures(members.card)]
    assert problems == []


def test_the_offers_list_never_squeezes_the_member_out(qtbot, system_font, make_window, backend):
    """At 150 % with Linux's 11-point font, a draft on last year's tariff (« Brouillon ·
    ancien tarif ») and amounts with their asterisk left the member's column 28 pixels wide:
    its header read « emb » and every member « … »."""
    from desktop.ui.offers_list import MEMBER_COLUMN

    system_font(11)
    window = make_window(backend)
    offers = listed_offer(qtbot, window, backend, "5267")
    head = offers.table.horizontalHeader()
    others = sum(head.sectionSize(c) for c in range(head.count()) if c != MEMBER_COLUMN)
    name = offers.model.index(0, MEMBER_COLUMN).data()
    assert name == backend.index.search("5267")[0].display_name
    offers.table.setFixedWidth(others + 20)  # the other columns take about the whole list
    QApplication.processEvents()
    assert head.sectionSize(MEMBER_COLUMN) > offers.table.fontMetrics().horizontalAdvance(name)
    assert head.sectionSize(MEMBER_COLUMN) > head.fontMetrics().horizontalAdvance("Membre")
    offers.table.setFixedWidth(others + 400)  # room again: the member takes what the others leave
    QApplication.processEvents()
    assert head.length() == offers.table.viewport().width()
