"""Every saved offer: search, filter by state, open, duplicate (also for another member), delete."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import ComptoirError
from desktop.core.offers import OfferState
from desktop.ui.backend import Backend
from desktop.ui.dialogs import Dialogs
from desktop.ui.message_bar import MessageBar
from desktop.ui.models import OffersModel
from desktop.ui.money import MoneyText
from desktop.ui.search_panel import SearchPanel
from desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class MemberPicker(QDialog):
    """Choose a member with the same search as the main window (non-blocking)."""

    def __init__(
        self, backend: Backend, runner: TaskRunner, on_chosen: Callable[[str], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("memberPicker")
        self.setWindowTitle("Copier l'offre pour un autre membre")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.search = SearchPanel(runner, lambda: (backend.index, backend.tariff))
        self.search.member_chosen.connect(lambda mid: (on_chosen(mid), self.accept()))
        buttons = QDialogButtonBox()
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Le membre pour qui copier l'offre (les prix suivent sa catégorie) :"))
        layout.addWidget(self.search, 1)
        layout.addWidget(buttons)
        self.resize(560, 420)
        self.search.focus_search()


class OffersList(QWidget):
    open_requested = Signal(str)  # offer id
    changed = Signal()

    def __init__(
        self,
        backend: Backend,
        runner: TaskRunner,
        money: MoneyText,
        dialogs: Dialogs,
        bar: MessageBar,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("offersList")
        self.backend = backend
        self.runner = runner
        self.dialogs = dialogs
        self.bar = bar
        self.picker: MemberPicker | None = None

        self.filter = QLineEdit()
        self.filter.setObjectName("offersFilter")
        self.filter.setPlaceholderText("Rechercher : numéro, membre, produit, vendeur")
        self.filter.setClearButtonEnabled(True)
        self.state = QComboBox()
        self.state.setObjectName("offersState")
        self.state.addItem("Tous les états", None)
        for s in OfferState:
            self.state.addItem(s.label, s.value)
        self.count = QLabel()
        self.count.setStyleSheet("color: #555;")
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(QLabel("État :"))
        top.addWidget(self.state)
        top.addWidget(self.count)

        self.model = OffersModel(money, self)
        self.table = QTableView()
        self.table.setObjectName("offersTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)

        self.open_action = QAction("Ouvrir", self)
        self.open_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        self.open_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.open_action.triggered.connect(self.open_selected)
        self.table.addAction(self.open_action)
        self.duplicate_action = QAction("Dupliquer", self)
        self.duplicate_action.triggered.connect(lambda: self.duplicate_selected(None))
        self.duplicate_other_action = QAction("Dupliquer pour un autre membre…", self)
        self.duplicate_other_action.triggered.connect(self.duplicate_for_other)
        self.delete_action = QAction("Supprimer le brouillon", self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        self.table.addAction(self.delete_action)

        buttons = QHBoxLayout()
        for action in (self.open_action, self.duplicate_action, self.duplicate_other_action, self.delete_action):
            b = QPushButton(action.text())
            b.clicked.connect(action.trigger)
            action.changed.connect(lambda b=b, a=action: b.setEnabled(a.isEnabled()))
            buttons.addWidget(b)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.reload)
        self.filter.textChanged.connect(lambda _t: self._timer.start())
        self.state.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self._update_actions()

    def reload(self, select: str | None = None) -> None:
        state = self.state.currentData()
        current = select or self._current_id()
        try:
            offers = self.backend.list_offers(self.filter.text(), OfferState(state) if state else None)
        except ComptoirError as exc:
            self.bar.error(str(exc))
            return
        self.model.set_offers(offers)
        n = len(offers)
        self.count.setText(f"{n} offre{'s' if n > 1 else ''}")
        row = self.model.row_of(current) if current else -1
        if row < 0 and n:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        self._update_actions()

    def _current_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.offer(rows[0].row()).id if rows else None

    def _current(self):  # type: ignore[no-untyped-def]
        rows = self.table.selectionModel().selectedRows()
        return self.model.offer(rows[0].row()) if rows else None

    def _update_actions(self) -> None:
        o = self._current()
        for a in (self.open_action, self.duplicate_action, self.duplicate_other_action):
            a.setEnabled(o is not None)
        self.delete_action.setEnabled(o is not None and o.stored_state is OfferState.BROUILLON)

    def _menu(self, pos) -> None:  # type: ignore[no-untyped-def]
        if self.table.indexAt(pos).row() < 0:
            return
        menu = QMenu(self)
        for a in (self.open_action, self.duplicate_action, self.duplicate_other_action, self.delete_action):
            menu.addAction(a)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def open_selected(self) -> None:
        o = self._current()
        if o is not None:
            self.open_requested.emit(o.id)

    def duplicate_selected(self, member_id: str | None) -> None:
        o = self._current()
        if o is None:
            return
        member = self.backend.member(member_id) if member_id else None
        try:
            copy = self.backend.duplicate_offer(o.id, member)
        except ComptoirError as exc:
            self.bar.error(str(exc))
            return
        who = copy.member.display_name if copy.member else ""
        self.bar.success(f"Copie créée pour {who} : brouillon ouvert.")
        self.reload(select=copy.id)
        self.changed.emit()
        self.open_requested.emit(copy.id)

    def duplicate_for_other(self) -> None:
        if self._current() is None:
            return
        if self.picker is not None:
            self.picker.close()
        self.picker = MemberPicker(self.backend, self.runner, lambda mid: self.duplicate_selected(mid), self)
        self.picker.destroyed.connect(lambda *_: setattr(self, "picker", None))
        self.picker.open()

    def delete_selected(self) -> None:
        o = self._current()
        if o is None or o.stored_state is not OfferState.BROUILLON:
            return
        if not self.dialogs.confirm(
            self,
            "Supprimer le brouillon",
            f"Supprimer le brouillon pour {o.member_name or 'aucun membre'} ? Cette action est définitive.",
            yes="Supprimer",
            no="Garder",
        ):
            return
        try:
            self.backend.delete_draft(o.id)
        except ComptoirError as exc:
            self.bar.error(str(exc))
            return
        self.bar.success("Brouillon supprimé.")
        self.reload()
        self.changed.emit()
        self.deleted.emit(o.id)

    deleted = Signal(str)
