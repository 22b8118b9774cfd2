"""Columns of figures that read apart.

A column sized to its contents is exactly as wide as its widest text: set to the right, that
text starts where the column starts, against the text of the column before it, and two
headers read as one word (« AnnuelJours »), two amounts as one figure (« Sur devis11 450,00 € »).
The header and the delegate here leave the room of a digit more before every right-aligned
text.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHeaderView, QStyledItemDelegate, QStyleOptionViewItem, QWidget

ALIGN = Qt.ItemDataRole.TextAlignmentRole


def figure_gap(metrics: QFontMetrics) -> int:
    """The room added before a right-aligned text (to the style's margins): a digit of its font."""
    return metrics.horizontalAdvance("0")


def _right(alignment: Any) -> bool:
    if alignment is None:
        return False
    value = alignment.value if hasattr(alignment, "value") else alignment
    return bool(int(value) & Qt.AlignmentFlag.AlignRight.value)


class FigureHeader(QHeaderView):
    """A horizontal header whose right-aligned sections, sized to their contents, keep a gap
    on their left (as a table's own header: clickable, the selected columns' titles bold)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)
        self.setHighlightSections(True)

    def sectionSizeFromContents(self, logical: int) -> QSize:
        size = super().sectionSizeFromContents(logical)
        model = self.model()
        if model is not None and _right(model.headerData(logical, self.orientation(), ALIGN)):
            size.setWidth(size.width() + figure_gap(self.fontMetrics()))
        return size


class FigureDelegate(QStyledItemDelegate):
    """Cells whose right-aligned texts, in a column sized to its contents, keep a gap on
    their left."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        if _right(index.data(ALIGN)):
            size.setWidth(size.width() + figure_gap(option.fontMetrics))
        return size
