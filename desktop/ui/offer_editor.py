"""The offer editor: catalogue, lines as the engine priced them, notices and totals.

Slots read the widgets and call the session (which pushes an undo command); the engine's
quote comes back through ``OfferSession.changed`` and the models show it.
"""

from __future__ import annotations

import logging
from html import escape
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.catalogue import Tariff
from desktop.core.errors import ComptoirError
from desktop.core.inputs import override_reason
from desktop.ui.backend import Backend
from desktop.ui.catalogue_panel import CataloguePanel
from desktop.ui.columns import FigureDelegate, FigureHeader
from desktop.ui.dialogs import Dialogs
from desktop.ui.form import plain_enter
from desktop.ui.message_bar import MessageBar
from desktop.ui.models import NoticesModel, QuoteLinesModel
from desktop.ui.money import MoneyText
from desktop.ui.notices_panel import NoticesPanel
from desktop.ui.offer_session import OfferSession
from desktop.ui.tones import Tone, set_font, set_tone, surface
from desktop.ui.totals_panel import TotalsPanel
from desktop.ui.wrap_delegate import text_margin

log = logging.getLogger(__name__)

CATALOGUE_WIDTH = (240, 320)  # pixels, the narrowest and the widest the catalogue opens with


class OfferEditor(QWidget):
    def __init__(
        self,
        session: OfferSession,
        backend: Backend,
        money: MoneyText,
        dialogs: Dialogs,
        bar: MessageBar,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("offerEditor")
        self.session = session
        self.backend = backend
        self.money = money
        self.dialogs = dialogs
        self.bar = bar
        self.params_dialog: Any = None  # ParamsDialog, imported when first needed
        self._offer_undo_keys: tuple[QWidget, ...] = ()

        self.header = QLabel()
        self.header.setObjectName("offerHeader")
        self.header.setWordWrap(True)
        set_font(self.header, points=12)
        self.status = QLabel()
        self.status.setObjectName("offerStatus")
        set_tone(self.status, Tone.MUTED)
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.frozen = QLabel()
        self.frozen.setObjectName("offerFrozen")
        self.frozen.setWordWrap(True)
        self.frozen.hide()

        self.lines_model = QuoteLinesModel(money, backend.tariff, self)
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setObjectName("offerLines")
        self.table.setAccessibleName("Lignes de l'offre")
        self.table.setModel(self.lines_model)
        # the amounts and the days, set to the right, keep a gap from the column before them
        self.table.setHorizontalHeader(FigureHeader(self.table))
        self.table.setItemDelegate(FigureDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        # a product's name too long for its column (« Package iA.Citizen » at 150 % with a
        # large font) takes two lines instead of being cut; the figures' columns fit theirs
        self.table.setWordWrap(True)
        rows = self.table.verticalHeader()
        rows.hide()
        # one line of text per row, not the style's taller default: more lines on a laptop
        rows.setMinimumSectionSize(self.table.fontMetrics().height() + 10)
        rows.setDefaultSectionSize(rows.minimumSectionSize())
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(lambda idx: self.edit_line(idx.row()))
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QuoteLinesModel.PRODUCT, QHeaderView.ResizeMode.Stretch)
        # The parameters are short (« 9 écoles, 1 plan »): shown whole, the name takes the rest
        for col in (QuoteLinesModel.PARAMS, QuoteLinesModel.ONE_TIME, QuoteLinesModel.ANNUAL,
                    QuoteLinesModel.DAYS):
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        # the status as wide as « Sur devis » where the lines are narrow: « En partie sur
        # devis » takes two lines, and the product's name the room it would have held on every
        # row; where they have the room, it takes one (see _fit_status)
        metrics = self.table.fontMetrics()
        status = max(metrics.horizontalAdvance(w) for w in ("Tarifé", "Sur devis", "En partie"))
        head.setSectionResizeMode(QuoteLinesModel.STATUS, QHeaderView.ResizeMode.Fixed)
        self._status_least = max(head.sectionSizeHint(QuoteLinesModel.STATUS), status + 2 * metrics.averageCharWidth())
        head.resizeSection(QuoteLinesModel.STATUS, self._status_least)
        head.sectionResized.connect(self._other_column_resized)
        self.table.viewport().installEventFilter(self)  # its width: the status's room

        self.remove_action = QAction("Re&tirer de l'offre", self)
        self.remove_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.remove_action.setStatusTip("Retirer de l'offre la ligne choisie (Ctrl+Z la remet)")
        self.remove_action.triggered.connect(self.remove_selected)
        self.edit_action = QAction("&Modifier les paramètres…", self)
        # F2 as in a file manager or a spreadsheet; Enter (as a double click: eventFilter)
        # only when the table itself gets the key, never as a shortcut that could take an
        # Enter meant for the parameters dialog
        self.edit_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.edit_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.edit_action.setStatusTip("Paramètres de la ligne choisie : écoles, lecteurs, jours, Go…")
        self.edit_action.triggered.connect(lambda: self.edit_line(self._current_row()))
        self.table.addAction(self.remove_action)
        self.table.addAction(self.edit_action)
        self.table.installEventFilter(self)

        self.empty_hint = QLabel(
            "Offre vide. Choisissez un produit dans le catalogue (à droite) : double-clic ou Entrée."
        )
        set_tone(self.empty_hint, Tone.MUTED)
        self.empty_hint.setWordWrap(True)

        self.notices_model = NoticesModel(self)
        self.notices = NoticesPanel(self.notices_model)
        self.notices.override_requested.connect(self.ask_override)
        self.notices.override_cancelled.connect(lambda code: self.session.set_override(code, None))

        self.totals = TotalsPanel(money)
        self.notices.tab_between = (self.table, self.totals.years)
        self.totals.years_changed.connect(self.session.set_years)
        self.totals.indexation_changed.connect(self.session.set_indexation)

        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.status)

        center = QWidget()
        lines_layout = QVBoxLayout(center)
        lines_layout.setContentsMargins(0, 0, 0, 0)
        lines_layout.addLayout(top)
        lines_layout.addWidget(self.frozen)
        lines_layout.addWidget(self.table, 1)
        lines_layout.addWidget(self.empty_hint, 1, Qt.AlignmentFlag.AlignTop)
        lines_layout.addWidget(self.notices)
        lines_layout.addWidget(self.totals)

        self.catalogue = CataloguePanel(backend.tariff)
        # Ctrl+Z and Ctrl+Maj+Z where the keyboard stands after adding a product (the catalogue
        # filter) or changing the budget undo and redo that change, not the typing in the field
        self._offer_undo_keys = (self.catalogue.filter, self.totals.years, self.totals.indexation)
        for field in self._offer_undo_keys:
            field.installEventFilter(self)
        self.catalogue.product_chosen.connect(self.add_product)
        self.catalogue.setMinimumWidth(CATALOGUE_WIDTH[0])

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(center)
        self.splitter.addWidget(self.catalogue)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([700, 320])
        self._sized = False  # the catalogue's width is set at the first show (see showEvent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        session.changed.connect(self.refresh)
        session.opened.connect(self._close_params)  # a form of the offer left behind
        session.saved.connect(self._saved)
        session.save_failed.connect(self._save_failed)
        self._save_failure = ""  # what the bar says about a failed save, until one succeeds
        self._lines_shown: tuple[Any, ...] = ()  # the draft's lines as last shown
        self.refresh()

    # -- showing -------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        """The catalogue takes about 28 % of the editor, 240 to 320 pixels: the lines and the
        totals keep the rest on a small screen (1280 pixels at 150 %), where the catalogue
        took what the totals did not hold on to."""
        super().showEvent(event)
        if not self._sized and self.splitter.width() > 0:
            self._sized = True
            total = self.splitter.width() - self.splitter.handleWidth()
            catalogue = max(CATALOGUE_WIDTH[0], min(CATALOGUE_WIDTH[1], int(total * 0.28)))
            self.splitter.setSizes([total - catalogue, catalogue])

    def set_tariff(self, tariff: Tariff) -> None:
        """The catalogue was replaced (import): list its products, name lines with it."""
        self.lines_model.set_tariff(tariff)
        self.catalogue.set_tariff(tariff)
        self.refresh()

    def refresh(self) -> None:
        s = self.session
        quote = s.quote
        selected = self._selected_rows()
        self.lines_model.set_quote(quote)
        self.notices.overrides = dict(s.draft.overrides)
        self.notices.read_only = s.read_only
        self.notices_model.set_quote(quote)  # the panel rebuilds on the model's reset
        self.totals.show_quote(quote, s.draft.years, s.draft.indexation)
        self.header.setText(self._header_text())
        self._fit_status()
        has_lines = bool(s.draft.lines)
        if not has_lines and self.table.hasFocus() and self.catalogue.isVisible():
            # the last line gone (Suppr, Ctrl+Z): the keyboard goes where the next product is
            # chosen, not to whatever follows the hidden table (the years of the budget)
            self.catalogue.filter.setFocus(Qt.FocusReason.OtherFocusReason)
        self.table.setVisible(has_lines)
        self.empty_hint.setVisible(not has_lines and not s.read_only)
        if s.draft.member_id is None and has_lines:
            self.empty_hint.setText("Choisissez un membre (Ctrl+F) pour calculer les prix.")
            self.empty_hint.setVisible(True)
        elif not has_lines:
            self.empty_hint.setText(
                "Offre vide. Choisissez un produit dans le catalogue (à droite) : double-clic ou Entrée."
            )
        read_only = s.read_only
        typing = self.window().focusWidget()
        frozen_away = (self.catalogue, self.totals.years, self.totals.indexation)
        if read_only and has_lines and typing is not None and any(
            w is typing or w.isAncestorOf(typing) for w in frozen_away
        ):
            # finalised from the catalogue or the budget, which leave or go grey: the keyboard
            # goes to the lines, not nowhere (arrows and Tab then did nothing)
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.catalogue.setEnabled(not read_only)
        self.catalogue.setVisible(not read_only)  # nothing to add: the lines get its width
        self.totals.years.setEnabled(not read_only)
        self.totals.indexation.setEnabled(not read_only)
        self.remove_action.setEnabled(not read_only)
        self.edit_action.setEnabled(not read_only)
        if s.finalising:
            self.frozen.setText("Finalisation en cours : l'offre reçoit son numéro et son PDF.")
        elif read_only:
            self.frozen.setText(self._frozen_text())
        if read_only:
            self.retone()
        self.frozen.setVisible(read_only)
        if s.dirty and s.save_error:  # never « Enregistrement automatique… » while it fails
            self.status.setText("Brouillon non enregistré")
        elif s.dirty and s.stored_when_saved:
            self.status.setText("Enregistrement automatique…")
        else:
            self.status.setText(self._saved_text())
        # lines that came back (Ctrl+Z of a removal, Ctrl+Shift+Z of an addition) are the
        # ones selected, not the neighbours of where they were
        before, self._lines_shown = self._lines_shown, s.draft.lines
        back = [i for i, line in enumerate(s.draft.lines) if not any(line is x for x in before)]
        if back and s.stepping:
            self._select_rows(back, show=True)
        elif selected:
            self._select_rows([r for r in selected if r < self.lines_model.rowCount()])

    def retone(self) -> None:
        """The banner of a finalised offer: a pale panel on a light theme, a dark one on a
        dark theme (and again after a switch)."""
        bg, fg, border = (c.name() for c in surface(Tone.INFO))
        self.frozen.setStyleSheet(
            f"background: {bg}; color: {fg}; border: 1px solid {border}; padding: 6px; border-radius: 4px;"
        )

    def _frozen_text(self) -> str:
        """What a finalised offer is, and what can still be done with it."""
        from desktop.core.offers import OfferState, effective_state

        offer = self.session.offer
        state = effective_state(offer.state, offer.valid_until, self.backend.today())
        revise = "pour la modifier, révisez-la (menu Offre)."
        next_step = {
            OfferState.FINALISEE: f"Une fois remise au membre, marquez-la comme envoyée ; {revise}",
            OfferState.ENVOYEE: f"Sa réponse venue, marquez-la comme acceptée ou refusée ; {revise}",
            # a Collège decides late: its acceptance is still marked, with why it came late
            OfferState.EXPIREE: "Une réponse tardive se marque encore : acceptée (avec sa raison) ou "
            f"refusée ; {revise}",
            OfferState.ACCEPTEE: "Établissez son bon de commande (menu Offre) ; pour proposer autre "
            "chose, faites une nouvelle offre (Ctrl+N).",
            OfferState.CONVERTIE: "Son bon de commande est établi (menu Offre).",
            OfferState.REMPLACEE: "Une version plus récente la remplace : c'est elle qu'on révise.",
        }.get(state, f"P{revise[1:]}")
        return f"Offre {offer.number} — {state.label.lower()} : elle ne change plus. {next_step}"

    def _header_text(self) -> str:
        s = self.session
        member = s.member
        if member is None:
            return "<b>Nouvelle offre</b> — choisissez un membre (Ctrl+F)"
        frozen = s.offer is not None and not s.offer.is_draft
        decision = s.offer.decision if frozen else s.decision  # a frozen offer keeps its own
        cat = decision.category if decision and decision.category else "catégorie à choisir"
        if cat.startswith("Cat "):
            cat = f"catégorie {cat[4:]}"
        if s.offer is None:
            label = "Nouvelle offre"
        else:
            revision = f"Révision de {s.offer.predecessor} (brouillon)" if s.offer.predecessor else ""
            label = s.offer.number or revision or "Brouillon"
        tariff = self.backend.tariff
        if frozen:
            try:
                tariff = self.backend.tariff_for(s.offer.tariff)
            except ComptoirError:
                log.warning("tarif %s introuvable pour l'en-tête", s.offer.tariff)
        # a narrow window wraps between the parts, never inside « tarif iMio 2024 »
        parts = (escape(cat), escape(f"tarif {tariff.issuer} {tariff.year}"))
        return f"<b>{escape(label)}</b> — {escape(member.display_name)} · " + " · ".join(
            p.replace(" ", "\u00a0") for p in parts
        )

    def _saved_text(self) -> str:
        offer = self.session.offer
        if offer is None:
            return ""
        if not offer.is_draft:  # as its banner and the offers list say: expired once past validity
            return str(offer.state_on(self.backend.today()).label)
        when = offer.updated.astimezone().strftime("%H:%M:%S") if offer.updated else ""
        return f"Brouillon enregistré à {when}" if when else "Brouillon enregistré"

    def _saved(self, _offer: object) -> None:
        self.status.setText(self._saved_text())
        self.header.setText(self._header_text())
        if self._save_failure and self.bar.isVisible() and self.bar.text == self._save_failure:
            self.bar.dismiss()  # the disk has room again: « non enregistré » is no longer true
        self._save_failure = ""

    def _save_failed(self, why: str) -> None:
        self._save_failure = f"Brouillon non enregistré : {why}"
        self.bar.error(self._save_failure)
        self.status.setText("Brouillon non enregistré")

    # -- editing -------------------------------------------------------------------------
    def add_product(self, code: str) -> None:
        if self.session.read_only:
            return
        product = self.backend.product(code)
        if not product.parameters:
            self._added(code, {})
            return
        self._open_params(product, None, lambda params: self._added(code, params))

    def _added(self, code: str, params: dict) -> None:
        """The line goes in, selected; the keyboard goes back to the catalogue filter with
        what was typed selected, whatever the product: the next name replaces it (it was left
        unselected after a product without parameters, and on the lines after another)."""
        self.session.add_line(code, params)
        self._select_rows([len(self.session.draft.lines) - 1])
        self.catalogue.focus_filter()

    def _fit_status(self) -> None:
        """The status on one line (« En partie sur devis ») when the lines leave it the room
        with every product's name on one line; else as wide as « Sur devis », the partial
        status on two lines: on a wide screen its row was twice as tall as the others for
        nothing, on a narrow one the names come first."""
        model, head = self.lines_model, self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        grid = 1 if self.table.showGrid() else 0  # a cell is its column less the grid's line
        margin = text_margin(self.table)

        def widest(column: int) -> int:
            texts = {str(model.index(row, column).data() or "") for row in range(model.rowCount())}
            return max((metrics.horizontalAdvance(t) for t in texts), default=0)

        width = self._status_least
        status = widest(QuoteLinesModel.STATUS) + 2 * metrics.averageCharWidth()
        if status > width:
            others = sum(
                head.sectionSize(c) for c in range(head.count())
                if c not in (QuoteLinesModel.PRODUCT, QuoteLinesModel.STATUS) and not head.isSectionHidden(c)
            )
            if self.table.viewport().width() - others - status >= widest(QuoteLinesModel.PRODUCT) + 2 * margin + grid:
                width = status
        if head.sectionSize(QuoteLinesModel.STATUS) != width:
            head.resizeSection(QuoteLinesModel.STATUS, width)

    def _other_column_resized(self, column: int, _old: int, _new: int) -> None:
        """A column fitted to its contents took more or less room (an amount, parameters)."""
        if column not in (QuoteLinesModel.PRODUCT, QuoteLinesModel.STATUS):
            self._fit_status()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_status()
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and watched in self._offer_undo_keys
            and isinstance(event, QKeyEvent)
            and (event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo))
        ):
            event.ignore()  # the field lets the window's Annuler / Rétablir have the key
            return True
        if watched is self.table and plain_enter(event):
            self.edit_action.trigger()
            return True
        return super().eventFilter(watched, event)

    def edit_line(self, row: int) -> None:
        if self.session.read_only or not 0 <= row < len(self.session.draft.lines):
            return
        line = self.session.draft.lines[row]
        product = self.backend.product(line.product)
        if not product.parameters:
            self.bar.info(f"{product.name} n'a pas de paramètre à modifier.")
            return
        self._open_params(product, line.params, lambda params: self._edited(line, params))

    def _edited(self, line: Any, params: Any) -> None:
        """The parameters the form gave for ``line``, found again by identity: the lines may
        have changed since the form opened (a line removed, another offer)."""
        rows = [i for i, x in enumerate(self.session.draft.lines) if x is line]
        if not rows:
            self.bar.info("Cette ligne n'est plus dans l'offre : paramètres non appliqués.")
            return
        self.session.edit_line(rows[0], params)

    def _close_params(self) -> None:
        if self.params_dialog is not None:
            self.params_dialog.discard()

    def _open_params(self, product, current, on_done) -> None:  # type: ignore[no-untyped-def]
        from desktop.ui.params_dialog import ParamsDialog

        if self.params_dialog is not None:
            self.params_dialog.discard()
        dialog = ParamsDialog(
            product, self.backend.parse_params, self.money, on_done, current=current, parent=self
        )
        dialog.finished.connect(lambda _r: setattr(self, "params_dialog", None))
        self.params_dialog = dialog
        dialog.open()

    def remove_selected(self) -> None:
        rows = self._selected_rows()
        if rows and not self.session.read_only:
            self.session.remove_lines(rows)
            remaining = len(self.session.draft.lines)
            if remaining:
                self._select_rows([min(rows[0], remaining - 1)], show=True)

    def ask_override(self, code: str, message: str) -> None:
        reason = self.dialogs.ask_checked_text(
            self,
            "Passer outre",
            f"{message}\n\nMotif (obligatoire, conservé dans l'offre) :",
            override_reason,
        )
        if reason is not None:
            self.session.set_override(code, reason)
        # the notices are built again and the button that had the keyboard is gone: the
        # keyboard goes back to the lines, not to the first field of the window
        self.table.setFocus()

    def _context_menu(self, pos) -> None:  # type: ignore[no-untyped-def]
        row = self.table.indexAt(pos).row()
        if row < 0:
            return
        menu = QMenu(self)
        menu.addAction(self.edit_action)
        menu.addAction(self.remove_action)
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()  # a child of the editor: kept for the day otherwise, one per click

    # -- selection helpers ---------------------------------------------------------------
    def _current_row(self) -> int:
        return self.table.currentIndex().row()

    def _selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def _select_rows(self, rows: list[int], *, show: bool = False) -> None:
        """``show``: scrolled to the first of them, a line added at the end of a long offer
        (or brought back by Ctrl+Z) selected out of sight otherwise."""
        sel = self.table.selectionModel()
        sel.clearSelection()
        for r in rows:
            if 0 <= r < self.lines_model.rowCount():
                sel.select(
                    self.lines_model.index(r, 0),
                    QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
                )
                sel.setCurrentIndex(self.lines_model.index(r, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
        if show and rows and 0 <= rows[0] < self.lines_model.rowCount():
            # once laid out: the notices and totals under the table change its height after
            shown = QPersistentModelIndex(self.lines_model.index(rows[0], 0))
            QTimer.singleShot(0, self.table, lambda: self._scroll_to(shown))

    def _scroll_to(self, index: QPersistentModelIndex) -> None:
        if index.isValid():
            # the notices and totals under the table take their new heights first (each one
            # laid out may ask again), then the table its own: else the row scrolled to is
            # pushed out of sight by the layout that follows
            for _ in range(3):
                QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            self.table.doItemsLayout()  # the scroll range of the rows just added, not of those before
            self.table.scrollTo(self.lines_model.index(index.row(), 0))
