"""The catalogue grouped by family, filterable (accents ignored); Enter adds a product."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.catalogue import Tariff, fold
from desktop.core.format import french_spaces
from desktop.ui.models import USER, CatalogueModel
from desktop.ui.tones import Tone, set_font, set_tone
from desktop.ui.wrap_delegate import WrapDelegate


class FoldFilterProxy(QSortFilterProxyModel):
    """Keeps products whose name, code, aliases or family contain every typed word (no
    accents)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self.setRecursiveFilteringEnabled(True)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = fold(text).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._words:
            return True
        index = self.sourceModel().index(row, 0, parent)
        if not parent.isValid():  # a family: kept when one of its products is (recursive)
            family = fold(str(index.data() or ""))
            return all(w in family for w in self._words)
        # the family's name finds its products too: « options » lists the options, not an
        # empty heading
        family = fold(str(parent.data() or ""))
        hay = fold(str(index.data(USER + 2) or "")) + " " + family
        return all(w in hay for w in self._words)


class _WrappingTree(QTreeView):
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.scheduleDelayedItemsLayout()  # heights follow the new width


class CataloguePanel(QWidget):
    product_chosen = Signal(str)  # product code

    def __init__(self, tariff: Tariff, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CatalogueModel(tariff, self)
        self.proxy = FoldFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit()
        self.filter.setObjectName("catalogueFilter")
        self.filter.setPlaceholderText("Filtrer le catalogue")
        self.filter.setAccessibleName("Filtrer le catalogue")  # a placeholder is not read as a name
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.filter.installEventFilter(self)
        self.view = _WrappingTree()
        self.view.setObjectName("catalogue")
        self.view.setAccessibleName("Catalogue")
        self.view.setItemDelegate(WrapDelegate(self.view))
        self.view.setModel(self.proxy)
        self.view.setHeaderHidden(True)
        self.view.setWordWrap(True)  # long names wrap instead of being cut
        self.view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setIndentation(14)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.expandAll()
        # a double click is also an activation (or a single click, where the desktop says
        # so): the product is added once, never twice by the two signals
        self.view.activated.connect(self._activated)
        title = QLabel("Catalogue")
        set_font(title, weight=600)
        self.empty = QLabel()  # said, not an empty list: the filter matches no product
        self.empty.setObjectName("catalogueEmpty")
        self.empty.setWordWrap(True)
        set_tone(self.empty, Tone.WARNING)
        self.empty.hide()
        hint = QLabel(french_spaces("Double-clic ou Entrée : ajouter à l'offre · Échap : effacer le filtre"))
        set_tone(hint, Tone.MUTED)
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.filter)
        layout.addWidget(self.empty)
        layout.addWidget(self.view, 1)
        layout.addWidget(hint)

    def set_tariff(self, tariff: Tariff) -> None:
        """Show another catalogue (after a catalogue import), keeping the filter typed."""
        self.model.set_tariff(tariff)
        self._filter(self.filter.text())

    def focus_filter(self, *, fresh: bool = False) -> None:
        """The keyboard to the filter, what it holds selected so that the next name typed
        replaces it; ``fresh``: emptied first (a new offer starts from the whole catalogue)."""
        if fresh:
            self.filter.clear()
        self.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter.selectAll()

    def _filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self.view.expandAll()
        first = self._first_product()
        if first.isValid():
            self.view.setCurrentIndex(first)
        self.empty.setText(
            f"Aucun produit ne correspond à « {text.strip()} » : effacez ou corrigez le filtre."
        )
        self.empty.setVisible(not first.isValid())

    def _first_product(self) -> QModelIndex:
        for r in range(self.proxy.rowCount()):
            family = self.proxy.index(r, 0)
            if self.proxy.rowCount(family):
                return self.proxy.index(0, 0, family)
        return QModelIndex()

    def _activated(self, index: QModelIndex) -> None:
        product = self.model.product(self.proxy.mapToSource(index))
        if product is not None:
            self.product_chosen.emit(product.code)

    def choose_current(self) -> None:
        self._activated(self.view.currentIndex())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                if not self._first_product().isValid():
                    return True  # nothing matches: the keyboard stays where the filter is fixed
                self.view.setFocus()
                if self.model.product(self.proxy.mapToSource(self.view.currentIndex())) is None:
                    self.view.setCurrentIndex(self._first_product())  # a product, not a heading
                return True
            if event.key() == Qt.Key.Key_Escape and self.filter.text():
                self.filter.clear()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if not event.isAutoRepeat():  # Entrée held down adds the product once
                    self.choose_current()
                return True
        return super().eventFilter(watched, event)
