"""Every saved offer: search, filter by state, open, duplicate (also for another member), delete."""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
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
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import ComptoirError, NotFound, RuleViolation
from desktop.core.inputs import shown
from desktop.core.offers import OfferState
from desktop.ui.backend import Backend
from desktop.ui.columns import FigureDelegate, FigureHeader
from desktop.ui.dialogs import Dialogs, held_until_destroyed
from desktop.ui.message_bar import MessageBar, announce
from desktop.ui.models import OffersModel
from desktop.ui.money import MoneyText
from desktop.ui.search_panel import SearchPanel
from desktop.ui.tasks import TaskRunner
from desktop.ui.tones import Tone, css, set_tone
from desktop.ui.wrap import keep_figures

log = logging.getLogger(__name__)

LIST_LIMIT = 500
MEMBER_COLUMN = 1  # stretched: the other columns are as wide as their texts
MEMBER_CHARS = 30  # the member's column, where the others leave it less: its names up to this


def offer_details_html(backend: Backend, summary: Any, money: MoneyText) -> str:
    offers = backend.offers
    title = summary.number or f"Brouillon (modifié le {money.date(summary.updated.astimezone().date())})"
    parts = [f"<h3 style='margin:0'>{escape(title)} — {escape(summary.member_name or '')}</h3>"]
    facts = [f"État : <b>{escape(summary.state.label)}</b>"]
    if summary.valid_until:
        facts.append(f"valable jusqu'au {money.date(summary.valid_until)}")
    if summary.seller:
        facts.append(f"établie par {escape(summary.seller)}")
    facts.append(f"tarif {escape(backend.tariff_label(summary.tariff))}")
    parts.append("<p style='margin:2px 0'>" + " · ".join(facts) + "</p>")
    if summary.stored_state is OfferState.BROUILLON:
        outdated = {o.summary.id: o for o in offers.outdated_drafts()}
        item = outdated.get(summary.id)
        if item is not None:
            parts.append(
                f"<p style='color:{css(Tone.WARNING, on_base=True)}'>"
                f"Le tarif {escape(backend.tariff_label(item.tariff))} n'est "
                f"plus en vigueur ({escape(backend.tariff_label(item.active))}). "
                "<a href='reprix'>Recalculer sur le tarif en vigueur…</a></p>"
            )
    if summary.predecessor:
        try:
            diff = offers.diff(summary.predecessor, summary.id)
            lines = diff.descriptions(backend.tariff_names()) or ["aucune différence"]
            parts.append(f"<p style='margin:6px 0 0 0'><b>Par rapport à {escape(summary.predecessor)} :</b></p><ul>")
            parts.extend(f"<li>{escape(d)}</li>" for d in lines)
            parts.append("</ul>")
        except ComptoirError as exc:
            parts.append(f"<p style='color:{css(Tone.MUTED, on_base=True)}'>{escape(str(exc))}</p>")
    parts.append("<p style='margin:6px 0 0 0'><b>Historique</b></p><ul>")
    for entry in offers.audit(summary.id):
        when = entry.when.astimezone().strftime("%d/%m/%Y %H:%M")
        parts.append(f"<li>{when} — {escape(entry.who)} — {escape(entry.description)}</li>")
    parts.append("</ul>")
    return "".join(parts)


class MemberPicker(QDialog):
    """Choose a member with the same search as the main window (non-blocking)."""

    def __init__(
        self, backend: Backend, runner: TaskRunner, on_chosen: Callable[[str], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("memberPicker")
        self.setWindowTitle("Dupliquer l'offre pour un autre membre")  # as its action says
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.search = SearchPanel(runner, lambda: (backend.index, backend.tariff), enter="choisir")
        self._on_chosen = on_chosen
        self.search.member_chosen.connect(self._chosen)
        buttons = QDialogButtonBox()
        cancel = buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        # Enter belongs to the search (open the highlighted member), never to « Annuler »
        cancel.setAutoDefault(False)
        cancel.setDefault(False)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Le membre pour qui dupliquer l'offre (les prix suivent sa catégorie) :"))
        layout.addWidget(self.search, 1)
        layout.addWidget(buttons)
        self.resize(560, 420)
        self.search.focus_search()

    def _chosen(self, member_id: str) -> None:
        self._on_chosen(member_id)
        self.accept()


class OffersList(QWidget):
    open_requested = Signal(str)  # offer id
    changed = Signal()
    export_requested = Signal(object)  # the selected OfferSummary list

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
        self.money = money
        self.runner = runner
        self.dialogs = dialogs
        self.bar = bar
        self.picker: MemberPicker | None = None

        self.filter = QLineEdit()
        self.filter.setObjectName("offersFilter")
        self.filter.setPlaceholderText("Rechercher : numéro, membre, produit, vendeur ou ses initiales")
        self.filter.setAccessibleName("Rechercher une offre")
        self.filter.setClearButtonEnabled(True)
        self.filter.installEventFilter(self)  # type, ↑↓, Entrée: as in the member search
        self.state = QComboBox()
        self.state.setObjectName("offersState")
        self.state.addItem("Tous les états", None)
        for s in OfferState:
            self.state.addItem(s.label, s.value)
        self.count = QLabel()
        set_tone(self.count, Tone.MUTED)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        state_label = QLabel("État :")
        state_label.setBuddy(self.state)  # read as the list's name
        top.addWidget(state_label)
        top.addWidget(self.state)
        top.addWidget(self.count)

        self.model = OffersModel(money, self)
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setObjectName("offersTable")
        self.table.setAccessibleName("Offres enregistrées")
        self.table.setModel(self.model)
        # the amounts, set to the right, keep a gap from the column before them
        self.table.setHorizontalHeader(FigureHeader(self.table))
        self.table.setItemDelegate(FigureDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # fitted at each reload
        head.setSectionResizeMode(MEMBER_COLUMN, QHeaderView.ResizeMode.Stretch)
        self._member_least = 0  # the member's column, at the least (see _fit_member)
        self.table.viewport().installEventFilter(self)  # its width: the member's column's
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
        self.reprice_action = QAction("Recalculer sur le tarif en vigueur…", self)
        self.reprice_action.setStatusTip("Voir les différences, puis recalculer ce brouillon")
        self.reprice_action.triggered.connect(self.reprice_selected)
        self.export_action = QAction("Exporter la sélection…", self)
        self.export_action.setStatusTip("Écrire les offres finalisées sélectionnées dans un lot")
        self.export_action.triggered.connect(lambda: self.export_requested.emit(self.selected()))

        buttons = QHBoxLayout()
        for action in (self.open_action, self.duplicate_action, self.duplicate_other_action, self.delete_action):
            b = QPushButton(action.text())
            b.setAutoDefault(True)  # Enter presses the focused button, as Space does
            b.clicked.connect(action.trigger)
            action.changed.connect(lambda b=b, a=action: (b.setEnabled(a.isEnabled()), b.setText(a.text())))
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.details = QTextBrowser()
        self.details.setObjectName("offerDetails")
        self.details.setAccessibleName("Détails de l'offre sélectionnée")
        self.details.setOpenLinks(False)
        self.details.anchorClicked.connect(self._link)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.reload)
        self.filter.textChanged.connect(lambda _t: self._timer.start())
        self.state.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self._update_actions()

    def reload(self, select: str | None = None) -> None:
        state = self.state.currentData()
        current = select or self._current_id()
        try:
            offers = self.backend.list_offers(
                self.filter.text(), OfferState(state) if state else None, limit=LIST_LIMIT
            )
            outdated = self.backend.outdated_drafts()
        except ComptoirError as exc:
            self.bar.error(str(exc))
            return
        self.model.set_offers(offers, outdated)
        self._fit_columns()
        n = len(offers)
        if n >= LIST_LIMIT:  # a laptop with years of offers: the list stays instant
            self.count.setText(f"les {LIST_LIMIT} plus récentes : précisez la recherche")
        else:
            self.count.setText(f"{n} offre{'s' if n > 1 else ''}")
        row = self.model.row_of(current) if current else -1
        if row < 0 and n:
            row = 0
        if row >= 0:
            self._select_row(row)
        else:  # no row to select, so no « selectionChanged »: the offer the list hid stays described
            self.show_details()
        self._update_actions()

    def _fit_columns(self) -> None:
        """Each column as wide as its widest text, the member's taking the rest. Resizing to
        contents read every cell of the list role by role at each search: with hundreds of
        offers the window froze for a tenth of a second. Only the widest cell is measured."""
        head = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        grid = 1 if self.table.showGrid() else 0
        for column in range(self.model.columnCount()):
            width = head.sectionSizeHint(column)
            rows = {self.model.text(row, column): row for row in range(self.model.rowCount())}
            if rows:
                widest = rows[max(rows, key=metrics.horizontalAdvance)]
                cell = self.table.sizeHintForIndex(self.model.index(widest, column))
                width = max(width, cell.width() + grid)
            if column == MEMBER_COLUMN:
                cap = MEMBER_CHARS * metrics.averageCharWidth()
                self._member_least = min(width, max(head.sectionSizeHint(column), cap))
            else:
                head.resizeSection(column, width)
        self._fit_member()

    def _fit_member(self) -> None:
        """The member's column takes what the others leave, but never less than its names
        need (up to ``MEMBER_CHARS`` characters): on a narrow screen with a large font the
        others took it all, the header read « emb » and every member « … ». The list scrolls
        sideways instead."""
        head = self.table.horizontalHeader()
        others = sum(head.sectionSize(c) for c in range(head.count()) if c != MEMBER_COLUMN)
        stretch = self.table.viewport().width() - others >= self._member_least
        mode = QHeaderView.ResizeMode.Stretch if stretch else QHeaderView.ResizeMode.Fixed
        if head.sectionResizeMode(MEMBER_COLUMN) != mode:
            head.setSectionResizeMode(MEMBER_COLUMN, mode)
        if not stretch:
            head.resizeSection(MEMBER_COLUMN, self._member_least)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_member()
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key == Qt.Key.Key_Escape and self.filter.text():  # as in the member search
                self.filter.clear()
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self._timer.isActive():  # the list of what was typed, not of the text before
                    self._timer.stop()
                    self.reload()
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self.open_selected()
                elif self.model.rowCount():
                    row = self.table.currentIndex().row() + (1 if key == Qt.Key.Key_Down else -1)
                    row = max(0, min(self.model.rowCount() - 1, row))
                    self._select_row(row)
                    self.table.scrollTo(self.table.currentIndex())
                    announce(self.filter, self._row_text(row))  # the keyboard stays in the field
                return True
        return super().eventFilter(watched, event)

    def _row_text(self, row: int) -> str:
        """The offer on ``row`` as a screen reader says it: its number, member, state and
        budget of year 1, then where it is in the list."""
        number, member, state, year1 = (self.model.text(row, c) for c in (0, 1, 7, 6))
        return f"{number}, {member}, {state}, année 1 : {year1} ({row + 1} sur {self.model.rowCount()})"

    def select_offer(self, offer_id: str) -> bool:
        """Make this offer the only selected one (whatever keys are held down)."""
        row = self.model.row_of(offer_id)
        if row >= 0:
            self._select_row(row)
        return row >= 0

    def _select_row(self, row: int) -> None:
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(self.model.index(row, 0), flags)

    def _current_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.offer(rows[0].row()).id if rows else None

    def _current(self) -> Any:
        """The offer the details are about: the current row if selected, else the first."""
        selection = self.table.selectionModel()
        rows = selection.selectedRows()
        if not rows:
            return None
        current = self.table.currentIndex()
        row = current.row() if current.isValid() and selection.isRowSelected(current.row()) else rows[0].row()
        return self.model.offer(row)

    def selected(self) -> list[Any]:
        """Every selected offer (``OfferSummary``), in the order of the list."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.offer(r) for r in rows]

    def _selection_changed(self) -> None:
        self._update_actions()
        self.show_details()

    def show_details(self) -> None:
        """History of the selected offer, what changed since its previous version, and
        whether its tariff is still the one in force (with a link to re-price it)."""
        summary = self._current()
        if summary is None:
            self.details.setHtml(
                f"<p style='color:{css(Tone.MUTED, on_base=True)}'>{escape(self._nothing_shown())}</p>"
            )
            return
        try:
            html = offer_details_html(self.backend, summary, self.money)
        except ComptoirError as exc:
            html = f"<p style='color:{css(Tone.ERROR, on_base=True)}'>{escape(str(exc))}</p>"
        self.details.setHtml(keep_figures(html))

    def _nothing_shown(self) -> str:
        """What the details say with no offer chosen: how to choose one, why the list is empty
        (no offer yet, or the search or the state hiding them) and how to show them."""
        if self.model.rowCount():
            return "Choisissez une offre pour voir son historique."
        typed, state = self.filter.text().strip(), self.state.currentIndex()
        if not typed and state <= 0:
            return (
                "Aucune offre enregistrée. Une offre s'y ajoute dès sa première ligne : cherchez "
                "un membre (Ctrl+F), ouvrez-le, puis ajoutez des produits du catalogue."
            )
        hidden = f"Aucune offre ne correspond à « {shown(typed)} »" if typed else "Aucune offre"
        if state > 0:
            hidden += f" à l'état « {self.state.currentText()} »"
        ways = ("effacez la recherche (Échap)" if typed else "", "choisissez « Tous les états »" if state > 0 else "")
        return f"{hidden}. Pour les voir, {' ou '.join(w for w in ways if w)}."

    def retone(self) -> None:
        """The details written again in the palette's colours (a switch to the dark theme)."""
        self.show_details()

    def _link(self, url: QUrl) -> None:
        if url.toString() == "reprix":
            self.reprice_selected()

    def reprice_selected(self) -> None:
        summary = self._current()
        if summary is None:
            return
        from desktop.ui.reprice import reprice_after_preview

        if reprice_after_preview(self, self.backend, self.dialogs, self.bar, summary.id, summary.member_name):
            self.reload(select=summary.id)
            self.changed.emit()

    def _update_actions(self) -> None:
        o = self._current()
        for a in (self.open_action, self.duplicate_action, self.duplicate_other_action):
            a.setEnabled(o is not None)
        drafts = len(self._drafts_selected())
        self.delete_action.setEnabled(bool(drafts))
        self.delete_action.setText("Supprimer le brouillon" if drafts < 2 else f"Supprimer les {drafts} brouillons")
        self.reprice_action.setEnabled(o is not None and self.model.outdated(o.id) is not None)
        self.export_action.setEnabled(any(s.number for s in self.selected()))

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        for a in (self.open_action, self.duplicate_action, self.duplicate_other_action, self.delete_action):
            menu.addAction(a)
        menu.addSeparator()
        o = self._current()
        if o is not None and self.model.outdated(o.id) is not None:
            menu.addAction(self.reprice_action)
        menu.addAction(self.export_action)
        return menu

    def _menu(self, pos) -> None:  # type: ignore[no-untyped-def]
        if self.table.indexAt(pos).row() < 0:
            return
        menu = self.context_menu()
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def open_selected(self) -> None:
        o = self._current()
        if o is not None:
            self.open_requested.emit(o.id)

    def duplicate_selected(self, member_id: str | None, source: str | None = None) -> None:
        """Copy ``source`` (default: the selected offer) for ``member_id`` (default: its own
        member)."""
        if source is None:
            o = self._current()
            if o is None:
                return
            source = o.id
        member = self.backend.member(member_id) if member_id else None
        try:
            copy = self.backend.duplicate_offer(source, member)
        except ComptoirError as exc:
            self.bar.error(str(exc))
            return
        who = copy.member.display_name if copy.member else ""
        self.bar.success(f"Copie créée pour {who} : brouillon ouvert.")
        self.reload(select=copy.id)
        self.changed.emit()
        self.open_requested.emit(copy.id)

    def duplicate_for_other(self) -> None:
        o = self._current()
        if o is None:
            return
        if self.picker is not None:
            self.picker.close()
        # the offer copied is the one selected now: the list may reload while the picker is
        # open (at midnight an offer that expires leaves the state shown) and select another
        picker = MemberPicker(
            self.backend, self.runner, lambda mid: self.duplicate_selected(mid, o.id), self
        )
        held_until_destroyed(self, "picker", picker)
        picker.open()

    def _drafts_selected(self) -> list[Any]:
        return [o for o in self.selected() if o.stored_state is OfferState.BROUILLON]

    def delete_selected(self) -> None:
        """Every selected draft, once confirmed (Suppr on several took the first alone); the
        offers of the selection that are no longer drafts are kept, and the question says so."""
        drafts = self._drafts_selected()
        if not drafts:
            return
        if len(drafts) == 1:
            question = f"Supprimer le brouillon pour {drafts[0].member_name or 'aucun membre'} ?"
        else:
            question = f"Supprimer les {len(drafts)} brouillons sélectionnés ?"
        kept = len(self.selected()) - len(drafts)
        if kept == 1:
            question += " L'autre offre sélectionnée n'est pas un brouillon : elle est gardée."
        elif kept:
            question += f" Les {kept} autres offres sélectionnées ne sont pas des brouillons : elles sont gardées."
        if not self.dialogs.confirm(
            self,
            "Supprimer le brouillon" if len(drafts) == 1 else "Supprimer les brouillons",
            f"{question} Cette action est définitive.",
            yes="Supprimer",
            no="Garder",
        ):
            return
        gone, kept_since = self._delete(drafts)
        if gone or kept_since:  # what the list shows of them is no longer so
            self.reload()
            self.changed.emit()
        for offer_id in gone:
            self.deleted.emit(offer_id)

    def _delete(self, drafts: list[Any]) -> tuple[list[str], list[str]]:
        """Delete ``drafts`` one by one, and say how it went: the ids deleted (one deleted
        elsewhere meanwhile among them: gone, as asked) and why each of those finalised
        elsewhere meanwhile stays; a failure of the database stops there, said with what was
        deleted before it."""
        gone: list[str] = []
        kept_since: list[str] = []
        failure = ""
        for o in drafts:
            try:
                self.backend.delete_draft(o.id)
            except NotFound:
                pass
            except RuleViolation as exc:  # finalised by another window or the command line
                kept_since.append(str(exc))
                continue
            except ComptoirError as exc:
                failure = str(exc)
                break
            gone.append(o.id)
        done = "Brouillon supprimé." if len(gone) == 1 else f"{len(gone)} brouillons supprimés."
        if not (kept_since or failure):
            self.bar.success(done)
        else:
            said = " ".join((*kept_since, failure)).strip()
            self.bar.error(f"{done} {said}" if gone else said)
        return gone, kept_since

    deleted = Signal(str)
