"""What a look at a screen catches, as functions: text cut or hidden, colours that do not read.

Shared by the GUI tests and ``scripts/screens.py`` (which grabs every screen as pictures).
"""

from __future__ import annotations

import re
from itertools import pairwise

from PySide6 import QtGui
from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
    QTextEdit,
    QTreeView,
    QWidget,
)

_SOLID = (QLabel, QAbstractButton, QAbstractItemView, QLineEdit, QAbstractSpinBox, QComboBox)


def _name(w: QWidget) -> str:
    text = w.text() if isinstance(w, QLabel | QAbstractButton) else ""
    return f"{type(w).__name__} « {re.sub(r'<[^>]+>', '', text)[:60]} »" if text else type(w).__name__


def _cut_by(w: QWidget, top: QWidget) -> str:
    """The widget between ``w`` and ``top`` that hides part of ``w`` (or "")."""
    rect = w.rect()  # in the coordinates of ``child``
    child: QWidget = w
    parent = w.parentWidget()
    while parent is not None:
        shown = QRect(child.mapTo(parent, rect.topLeft()), rect.size())
        area = parent.parentWidget()
        scrolls = isinstance(area, QAbstractScrollArea) and area.viewport() is parent
        inside = parent.rect()
        if scrolls:  # a scroll area shows the rest where it has a scroll bar for it
            assert isinstance(area, QAbstractScrollArea)
            off = Qt.ScrollBarPolicy.ScrollBarAlwaysOff
            if area.horizontalScrollBarPolicy() != off:
                inside.setLeft(-(1 << 20))
                inside.setRight(1 << 20)
            if area.verticalScrollBarPolicy() != off:
                inside.setTop(-(1 << 20))
                inside.setBottom(1 << 20)
        if not inside.contains(shown):
            return _name(area if scrolls and area is not None else parent)
        if scrolls:  # what is scrolled out of view is not cut: only what shows goes on
            shown = shown.intersected(parent.rect())
            if shown.isEmpty():
                return ""
        if parent is top:
            return ""
        rect, child, parent = shown, parent, parent.parentWidget()
    return ""


def _in_file_dialog(w: QWidget) -> bool:
    from PySide6.QtWidgets import QFileDialog

    while w is not None:
        if isinstance(w, QFileDialog):
            return True
        w = w.parentWidget()
    return False


def layout_problems(top: QWidget) -> list[str]:
    """Texts a user cannot read whole in ``top`` as it is laid out now: a label or a button
    narrower or shorter than its text, a column narrower than its header (« emb » for
    « Membre »), a widget cut off by the panel it sits in, two widgets drawn over each other."""
    problems: list[str] = []
    shown = [w for w in top.findChildren(QWidget) if w.isVisibleTo(top) and w.width() > 0 and w.height() > 0]
    for w in shown:
        if isinstance(w, QLabel | QAbstractButton) and w.text():
            if isinstance(w, QLabel) and w.wordWrap():
                need = w.heightForWidth(w.width())
                if need > w.height() + 1:
                    problems.append(f"{_name(w)} : {w.height()} pixels de haut pour {need}")
            elif w.minimumSizeHint().width() > w.width() + 1:
                problems.append(f"{_name(w)} : {w.width()} pixels de large pour {w.minimumSizeHint().width()}")
        # Qt's own file dialog (Linux without a desktop's dialog) sizes its columns itself
        horizontal = isinstance(w, QHeaderView) and w.orientation() == Qt.Orientation.Horizontal
        if horizontal and w.model() and not _in_file_dialog(w):
            for section in range(w.count()):
                text = w.model().headerData(section, Qt.Orientation.Horizontal)
                need = w.fontMetrics().horizontalAdvance(str(text or ""))
                if text and not w.isSectionHidden(section) and w.sectionSize(section) < need:
                    problems.append(f"colonne « {text} » : {w.sectionSize(section)} pixels de large pour {need}")
        if isinstance(w, _SOLID):
            cut = _cut_by(w, top)
            if cut:
                problems.append(f"{_name(w)} : coupé par {cut}")
    for parent in {id(w.parentWidget()): w.parentWidget() for w in shown if w.parentWidget()}.values():
        solid = [c for c in parent.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
                 if isinstance(c, _SOLID) and c.isVisibleTo(top) and c.width() > 0]
        for i, a in enumerate(solid):
            for b in solid[i + 1:]:
                if a.geometry().intersects(b.geometry()):
                    problems.append(f"{_name(a)} et {_name(b)} l'un sur l'autre")
    return problems


def run_together(view: QAbstractItemView) -> list[str]:
    """The right-aligned texts of ``view`` (its header's too) that start against the column
    before them, with less than a digit's room: « AnnuelJours » for two headers, « Sur
    devis11 450,00 € » for two amounts."""
    header = view.horizontalHeader() if isinstance(view, QTableView) else getattr(view, "header", lambda: None)()
    model = view.model()
    if header is None or model is None:
        return []
    bold = QFont(header.font())
    bold.setBold(True)  # the titles of the selected columns
    head, cells = QFontMetrics(bold), view.fontMetrics()
    shown = [header.logicalIndex(v) for v in range(header.count())]
    shown = [c for c in shown if not header.isSectionHidden(c)]
    horizontal = Qt.Orientation.Horizontal
    align = Qt.ItemDataRole.TextAlignmentRole
    problems = []
    for column in shown[1:]:
        texts = [(head, model.headerData(column, horizontal), model.headerData(column, horizontal, align))]
        texts += [(cells, model.index(r, column).data(), model.index(r, column).data(align))
                  for r in range(model.rowCount())]
        for metrics, text, alignment in texts:
            if not text or alignment is None or not int(alignment) & Qt.AlignmentFlag.AlignRight.value:
                continue
            room = header.sectionSize(column) - metrics.horizontalAdvance(str(text))
            if room < metrics.horizontalAdvance("0"):
                problems.append(f"« {text} » : {room} pixels après la colonne d'avant")
    return problems


def drawn_text(view: QAbstractItemView, index: QModelIndex) -> str:
    """The text of ``index`` as ``view``'s delegate draws it (a long word broken by a zero
    width space, where the model holds it whole)."""
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    view.itemDelegateForIndex(index).initStyleOption(option, index)
    return option.text


def cut_cells(view: QAbstractItemView, column: int) -> list[str]:
    """The texts of ``column`` that ``view`` shows cut, « Package iA.Cit… »: wider than their
    cell on one line, or more lines than the cell is tall when the view wraps them."""
    model = view.model()
    metrics = view.fontMetrics()
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    wraps = view.wordWrap() if isinstance(view, QTableView | QTreeView) else False
    problems = []
    for row in range(model.rowCount()):
        index = model.index(row, column)
        text, cell = drawn_text(view, index), view.visualRect(index)
        width = cell.width() - 2 * margin
        if wraps:
            need = metrics.boundingRect(QRect(0, 0, width, 1 << 20), Qt.TextFlag.TextWordWrap, text)
            cut = need.width() > width or need.height() > cell.height()
        else:
            cut = metrics.horizontalAdvance(text) > width
        if text and cut:
            problems.append(f"« {index.data()} » : {cell.width()} x {cell.height()} pixels")
    return problems


def _wraps_whole(view: QAbstractItemView) -> bool:
    """``view`` wraps its texts into rows as tall as they need: none of them is meant to be
    cut (a view of one line a row cuts its long texts with « … » on purpose)."""
    if isinstance(view, QTreeView):
        return view.wordWrap() and not view.uniformRowHeights()
    if isinstance(view, QTableView):
        rows = view.verticalHeader()
        fitted = rows.count() > 0 and rows.sectionResizeMode(0) == QHeaderView.ResizeMode.ResizeToContents
        return view.wordWrap() and fitted
    return False


def cut_texts(top: QWidget) -> list[str]:
    """The cells of ``top``'s views that wrap their texts whole (``cut_cells``) drawn cut all
    the same: « DG (Hilfeleistungs… », a word wider than its column."""
    problems = []
    for view in top.findChildren(QAbstractItemView):
        if not view.isVisibleTo(top) or view.model() is None or not _wraps_whole(view) or _in_file_dialog(view):
            continue
        header = view.header() if isinstance(view, QTreeView) else view.horizontalHeader()
        for column in range(header.count()):
            if not header.isSectionHidden(column) and header.sectionSize(column) > 0:
                problems += [f"{view.objectName() or type(view).__name__} : {p}" for p in cut_cells(view, column)]
    return problems


_FIGURE_END = re.compile(r"\d[\s\u00a0\u202f]*$")
_FIGURE_START = re.compile(r"^\d{3}\b")
_CODE_END = re.compile(r"\bNIS[\s\u00a0]*$")  # « NIS » then « 82005 » on the next line
_CODE_START = re.compile(r"^\d")
_SIGN_START = re.compile(r"^[:;!?»]")  # « source » then « : Statbel »: a French space broken


def _lines(document: QTextDocument) -> list[str]:
    """The lines ``document`` is laid out in, as the reader sees them."""
    document.size()  # lays it out
    lines = []
    block = document.begin()
    while block.isValid():
        layout, text = block.layout(), block.text()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            lines.append(text[line.textStart():line.textStart() + line.textLength()])
        block = block.next()
    return lines


def split_figures(top: QWidget) -> list[str]:
    """The figures of ``top`` cut in two at the end of a line, « 28 » then « 883 habitants »
    below it: a wrapped label or a text view whose rich text made their thousands separator
    a space a line may break at; a NIS code away from its « NIS », in those or in the
    cells of a list that wraps its texts (« ancien code NIS » then « 82005 (Bertogne) »); and
    a line that starts with « : », « ; », « ? », « ! » or « » », the space before it broken."""
    problems = []
    texts: list[tuple[QWidget, QTextDocument]] = []
    for view in top.findChildren(QAbstractItemView):
        if not view.isVisibleTo(top) or view.model() is None or not _wraps_whole(view):
            continue
        margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        model = view.model()
        for column in range(model.columnCount()):
            for row in range(model.rowCount()):
                index = model.index(row, column)
                width = view.visualRect(index).width() - 2 * margin
                if width > 0:
                    document = QTextDocument()
                    document.setDocumentMargin(0)
                    document.setDefaultFont(view.font())
                    document.setPlainText(drawn_text(view, index))
                    document.setTextWidth(width)
                    texts.append((view, document))
    for label in top.findChildren(QLabel):
        if not label.isVisibleTo(top) or not label.wordWrap() or not label.text():
            continue
        rich = label.textFormat() == Qt.TextFormat.RichText or (
            label.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(label.text())
        )
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setDefaultFont(label.font())
        if rich:
            document.setHtml(label.text())
        else:
            document.setPlainText(label.text())
        document.setTextWidth(label.contentsRect().width() - 2 * label.margin())
        texts.append((label, document))
    for view in top.findChildren(QTextEdit):
        if view.isVisibleTo(top):
            texts.append((view, view.document()))
    for widget, document in texts:
        lines = _lines(document)
        for before, after in pairwise(lines):
            cut = f"« {before.strip()[-12:]} » | « {after[:12]} »"
            if _FIGURE_END.search(before) and _FIGURE_START.search(after):
                problems.append(f"{type(widget).__name__} : un nombre coupé en fin de ligne, {cut}")
            elif _CODE_END.search(before) and _CODE_START.search(after):
                problems.append(f"{type(widget).__name__} : un code NIS séparé de « NIS », {cut}")
            elif _SIGN_START.search(after):
                problems.append(f"{type(widget).__name__} : une ligne commence par un signe, {cut}")
    return problems


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 to 21; 4.5 reads as body text)."""

    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


_COLOUR = re.compile(r"color\s*:\s*(#[0-9a-fA-F]{3,6}|[a-z]+)")


def text_colours(label: QLabel) -> list[QColor]:
    """The colours ``label``'s text is drawn in: its palette's, and every colour its rich
    text names."""
    colours = [label.palette().color(QPalette.ColorGroup.Active, label.foregroundRole())]
    if label.textFormat() != Qt.TextFormat.PlainText:
        colours += [QColor(c) for c in _COLOUR.findall(label.text())]
    return colours


def backdrop(w: QWidget) -> QColor:
    """The colour behind ``w``: the first of its parents that paints its own background (a
    style sheet's « background », a filled panel), else the window's."""
    node: QWidget | None = w
    while node is not None:
        sheet = node.styleSheet()
        found = re.search(r"background\s*:\s*(#[0-9a-fA-F]{3,6})", sheet)
        if found:
            return QColor(found.group(1))
        if node.autoFillBackground():
            return node.palette().color(node.backgroundRole())
        node = node.parentWidget()
    return w.palette().color(QPalette.ColorRole.Window)


def unreadable(top: QWidget, least: float = 4.5) -> list[str]:
    """The labels of ``top`` shown in a colour that does not stand out from what is behind."""
    problems = []
    for label in top.findChildren(QLabel):
        if not label.isVisibleTo(top) or not label.text() or not label.isEnabled():
            continue
        back = backdrop(label)
        for colour in text_colours(label):
            ratio = contrast(colour, back)
            if ratio < least:
                problems.append(f"{_name(label)} : {colour.name()} sur {back.name()} ({ratio:.1f}:1)")
    return problems


def dark_palette() -> QPalette:
    """What Fusion shows under a dark Windows 11 or GNOME theme, about."""
    role = QPalette.ColorRole
    p = QPalette()
    for r, colour in (
        (role.Window, "#202020"), (role.WindowText, "#ffffff"), (role.Base, "#191919"),
        (role.AlternateBase, "#2b2b2b"), (role.Text, "#ffffff"), (role.Button, "#2d2d2d"),
        (role.ButtonText, "#ffffff"), (role.BrightText, "#ff6b6b"), (role.Highlight, "#0063b1"),
        (role.HighlightedText, "#ffffff"), (role.ToolTipBase, "#2b2b2b"), (role.ToolTipText, "#ffffff"),
        (role.PlaceholderText, "#9a9a9a"), (role.Link, "#66b3ff"), (role.LinkVisited, "#c08cff"),
        (role.Light, "#4a4a4a"), (role.Midlight, "#3a3a3a"), (role.Mid, "#303030"),
        (role.Dark, "#151515"), (role.Shadow, "#000000"),
    ):
        p.setColor(r, QColor(colour))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, QColor("#7a7a7a"))
    return p


def blank_lines(view: QAbstractItemView, rows) -> list[str]:  # type: ignore[no-untyped-def]
    """The ``rows`` (model indexes) of ``view`` a line or more taller than the text drawn in
    them: a name that fits on one line, centred in a row two lines tall."""
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    base = view.palette().color(QPalette.ColorRole.Base)
    line = view.fontMetrics().lineSpacing()
    found = []
    for index in rows:
        rect = view.visualRect(index)
        if rect.height() <= line + 8 or rect.bottom() >= view.viewport().height():
            continue  # one line, or out of view: nothing to leave blank
        left, right = round(rect.left() * ratio), round(rect.right() * ratio)
        inked = [
            y for y in range(round(rect.top() * ratio), round(rect.bottom() * ratio) + 1)
            if any(image.pixelColor(x, y) != base for x in range(left, right, 2))
        ]
        ink = (inked[-1] - inked[0] + 1) / ratio if inked else 0
        if rect.height() - ink >= line + 4:
            found.append(f"« {index.data()} » : {rect.height()} pixels de haut pour {ink:.0f} d'écrit")
    return found
