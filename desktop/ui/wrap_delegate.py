"""An item delegate whose rows are as tall as their text wrapped at the cell's width (the
catalogue's long product names, the long names of the members found)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QTreeView


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

    def cell_width(self, index: QModelIndex | QPersistentModelIndex) -> int:
        """The width the text of ``index`` wraps at (0: it keeps one line)."""
        depth = 1 if index.parent().isValid() else 0
        return self._view.viewport().width() - self._view.indentation() * (depth + 1)
