"""An item delegate whose rows are as tall as their text wrapped at the cell's width (the
catalogue's long product names, the long names of the members found)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, QTextBoundaryFinder
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
)

from desktop.ui.wrap import ZERO_WIDTH_SPACE


def break_long_words(text: str, metrics: QFontMetricsF, room: float) -> str:
    """``text`` with a zero width space inside each word wider than ``room`` (« (Hilfeleistungszone »
    in a narrow column), where a line that wide must end: the style wraps text where a line
    may end and cut such a word to « (Hilfeleistungs… ». The other words, and the places a
    line may end already (after « Nivelles/ », « Warche- »), are left as they are."""
    if metrics.horizontalAdvance(text) <= room:
        return text
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Line, text)
    pieces: list[str] = []
    start = 0
    while (end := finder.toNextBoundary()) > 0:
        word = text[start:end]
        start = end
        if metrics.horizontalAdvance(word.rstrip()) <= room:
            pieces.append(word)
            continue
        line = ""
        for char in word:
            if line.strip() and metrics.horizontalAdvance((line + char).rstrip()) > room:
                pieces.append(line + ZERO_WIDTH_SPACE)
                line = ""
            line += char
        pieces.append(line)
    return "".join(pieces)


def text_margin(view: QAbstractItemView) -> int:
    """The room the style keeps on each side of a cell's text in ``view``."""
    return view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1


class WrapDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text at the view's current width (long product names)."""

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)  # one line, with the style's padding
        cell = self.cell_width(index)
        if cell <= 40:
            return size
        # The style wraps the text at the cell's width as it paints it (its margins, its
        # fractional font metrics at 125 %): a guess of ours made rows a line too tall where
        # the name just fitted, a blank line under it.
        sized = QStyleOptionViewItem(option)
        sized.rect = QRect(0, 0, cell, max(1, option.rect.height()))
        wrapped = super().sizeHint(sized, index)
        return QSize(size.width(), max(size.height(), wrapped.height() + 4))

    def text_width(self, cell: int) -> int:
        """What the style leaves to the text of a cell ``cell`` pixels wide, less its margins."""
        return cell - 2 * text_margin(self._view)

    def cell_width(self, index: QModelIndex | QPersistentModelIndex) -> int:
        """The width the text of ``index`` wraps at (0: it keeps one line)."""
        depth = 1 if index.parent().isValid() else 0
        return self._view.viewport().width() - self._view.indentation() * (depth + 1)
