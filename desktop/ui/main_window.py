"""The main window: wiring only. Features live in their own modules.

Left: member search (Ctrl+F) and the member card. Right: the offer being edited (catalogue,
lines, totals) and the list of saved offers, in two tabs.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.categories import category_title
from desktop.core.errors import ComptoirError, NotFound
from desktop.core.format import agree, group_int
from desktop.ui.backend import Backend
from desktop.ui.dialogs import BACKUP_FILTER, Dialogs, held_until_destroyed
from desktop.ui.member_panel import MemberPanel
from desktop.ui.message_bar import Level, MessageBar
from desktop.ui.money import NOT_PRICED, MoneyText
from desktop.ui.offer_session import OfferSession
from desktop.ui.room import fit, room
from desktop.ui.tasks import TaskRunner
from desktop.ui.tones import Tone, set_tone
from desktop.ui.ui_state import UiState

if TYPE_CHECKING:
    from desktop.ui.offer_editor import OfferEditor

log = logging.getLogger(__name__)

SAVE_TIP = "Enregistrer le brouillon maintenant (Ctrl+S)"
FINALISE_TIP = "Numéroter l'offre et figer son PDF"
FROZEN_TIP = "Cette offre n'est plus un brouillon : elle est enregistrée et ne change plus."
DEFAULT_SIZE = (1280, 760)  # the first window, where the screen has room for it


class StackAction(QAction):
    """Undo or redo in the Édition menu, named after what it would do: « Annuler : Ajouter
    iA.Délib » (Qt's own undo action writes « Annuler Ajouter iA.Délib »)."""

    def __init__(self, verb: str, parent: QWidget) -> None:
        super().__init__(verb, parent)
        self._verb = verb
        self.setEnabled(False)

    @Slot(str)
    def name(self, text: str) -> None:
        self.setText(f"{self._verb} : {text}" if text else self._verb)


class MainWindow(QMainWindow):
    def __init__(
        self,
        backend: Backend,
        runner: TaskRunner,
        dialogs: Dialogs,
        state: UiState,
        *,
        check_mode: bool = False,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Offres iMio — Comptoir")
        self.backend = backend
        self.runner = runner
        self.dialogs = dialogs
        self.state = state
        self.check_mode = check_mode
        self.money = MoneyText(
            "fr_BE" if backend.tariff.issuer.casefold() == "imio" else backend.tariff.locale,
            backend.tariff.currency,
        )
        self._offers_list: Any = None
        # said first once the window is up, instead of the draft to reopen (« Base restaurée… »)
        self.first_message: str | None = None
        self._editor: OfferEditor | None = None  # built on first use: a faster start
        self._settings_dialog: Any = None
        self._documents: Any = None
        self._exchange: Any = None
        self._sized = False
        self.on_restore: Any = None  # set by the application: close, restore, reload
        self._restore_asked = False  # a backup chosen, checked then confirmed: one at a time
        self.discard_on_close = False  # after a restore: nothing of this window is saved

        self.bar = MessageBar()
        self.session = OfferSession(backend, on_draft_id=self._remember_draft, parent=self)
        self.members = MemberPanel(backend, runner, self.money, self.bar, dialogs=dialogs)
        self.members.save_open_offer = lambda: self.session.save_now()
        self.bar.tab_anchor = self.members.search.field  # Tab from the search: the bar's buttons
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.editor_placeholder = self._start_page()
        self.tabs.addTab(self.editor_placeholder, "Offre en cours")
        self.offers_placeholder = QWidget()
        self.tabs.addTab(self.offers_placeholder, "Offres enregistrées")
        self.tabs.currentChanged.connect(self._tab_changed)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("mainSplitter")
        split.setChildrenCollapsible(False)
        split.addWidget(self.members)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 1060])
        self.splitter = split
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.bar)
        layout.addWidget(split, 1)
        self.setCentralWidget(central)

        # a widget of the status bar, not a message: the menus' status tips wiped a message
        # at the first hover, and it never came back
        self.data_status = QLabel()
        self.data_status.setObjectName("dataStatus")
        self.statusBar().addWidget(self.data_status, 1)
        self._build_actions()
        self._connect()
        self._restore_geometry()
        self._show_data_status()
        self.session.new()
        # a window left open over midnight follows the date (next year's grid on 1 January)
        self._day = backend.today()  # the offers list's expiries are those of this day
        self.calendar_timer = QTimer(self)
        self.calendar_timer.setInterval(60_000)
        self.calendar_timer.timeout.connect(self.follow_the_date)
        self.calendar_timer.start()
        if not check_mode:
            QTimer.singleShot(0, self._first_messages)

    # -- actions and menus -----------------------------------------------------------------
    def _action(self, text: str, slot: Any, *shortcuts: Any, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        # called bare: « triggered » passes its « checked » flag to a slot taking an optional
        # argument (open_settings(field) got False)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        stack = self.session.undo_stack
        undo = StackAction("&Annuler", self)
        undo.setStatusTip("Défaire la dernière modification de l'offre")
        undo.triggered.connect(stack.undo)
        stack.canUndoChanged.connect(undo.setEnabled)
        stack.undoTextChanged.connect(undo.name)
        undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        redo = StackAction("&Rétablir", self)
        redo.triggered.connect(stack.redo)
        stack.canRedoChanged.connect(redo.setEnabled)
        stack.redoTextChanged.connect(redo.name)
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        redo.setStatusTip("Refaire la modification défaite")
        self.undo_action, self.redo_action = undo, redo
        self.addAction(undo)
        self.addAction(redo)
        a = self._action
        self.new_action = a("&Nouvelle offre", self.new_offer, "Ctrl+N", tip="Nouvelle offre pour le membre affiché")
        self.save_action = a("&Enregistrer", self.save, "Ctrl+S", tip=SAVE_TIP)
        self.find_action = a("Re&chercher un membre", self.members.search.focus_search, "Ctrl+F",
                             tip="Nom, code postal, code NIS ou numéro de zone")
        self.catalogue_action = a("Chercher dans le catal&ogue", self.focus_catalogue, "Ctrl+Shift+F",
                                  tip="Aller au filtre du catalogue pour ajouter un produit")
        self.offers_action = a("&Offres enregistrées", self.show_offers, "Ctrl+O",
                               tip="Toutes les offres : chercher, ouvrir, dupliquer, supprimer un brouillon")
        self.settings_action = a("Ré&glages…", self.open_settings, "Ctrl+,",
                                 tip="Vendeur, code de l'appareil, en-tête des documents, validité")
        self.backup_action = a("&Sauvegarder la base…", self.save_backup, tip="Copier toute la base dans un fichier")
        self.restore_action = a("&Restaurer la base…", self.restore_backup, tip="Remplacer la base par une sauvegarde")
        self.export_offers_action = a("E&xporter des offres…", lambda: self.exchange.export_offers(),
                                      tip="Écrire des offres finalisées dans un lot pour le siège")
        self.import_offers_action = a("I&mporter des offres…", lambda: self.exchange.import_offers(),
                                      tip="Ajouter les offres d'un lot venu d'un autre appareil")
        self.import_catalogue_action = a("Importer le &catalogue…", lambda: self.exchange.import_catalogue(),
                                         tip="Remplacer tarifs et annuaire par le lot du siège")
        self.quit_action = a("&Quitter", self.close, "Ctrl+Q", tip="Fermer Comptoir (le brouillon est enregistré)")
        self.create_member_action = a("&Nouveau membre…", self.members.create_member, "Ctrl+Shift+N",
                                       tip="Intercommunale, régie communale autonome ou autre organisme")
        self.edit_member_action = a("&Modifier le membre…", lambda: self.members.edit_member(),
                                     tip="Population ou agents, adresse, produits installés")
        self.category_action = a("C&atégorie du membre…", lambda: self.members.choose_category(),
                                   tip="Choisir une autre catégorie, avec un motif")
        self.membership_action = a("A&ffiliation du membre…", lambda: self.members.edit_membership(),
                                     tip="Membre associé ou non, depuis quand")
        self.delete_member_action = a("S&upprimer le membre…", lambda: self.members.delete_member(),
                                       tip="Retirer de l'annuaire un organisme créé à la main")
        self.preview_action = a("&Aperçu", lambda: self.documents.preview(), "Ctrl+Shift+P",
                                tip="Voir l'offre telle qu'elle sera imprimée")
        self.print_action = a("&Imprimer…", lambda: self.documents.print_offer(), "Ctrl+P", tip="Imprimer l'offre")
        self.pdf_action = a("Enregistrer en P&DF…", lambda: self.documents.save_pdf(), "Ctrl+Shift+S",
                            tip="Écrire l'offre dans un fichier PDF")
        self.finalise_action = a("Finaliser…", lambda: self.documents.finalise(), tip=FINALISE_TIP)
        self.shortcuts_action = a("&Raccourcis clavier", self.show_shortcuts, "F1",
                                  tip="Toutes les touches de la fenêtre")
        self.about_action = a("À &propos de Comptoir", self.show_about,
                              tip="Version, base de données, journal : ce que demande le support")

        bar = self.menuBar()
        file_menu = bar.addMenu("&Fichier")
        for act in (self.new_action, self.save_action, None, self.preview_action, self.print_action,
                    self.pdf_action, None, self.export_offers_action, self.import_offers_action,
                    self.import_catalogue_action, None, self.backup_action, self.restore_action, None,
                    self.settings_action, None, self.quit_action):
            file_menu.addSeparator() if act is None else file_menu.addAction(act)
        edit_menu = bar.addMenu("É&dition")
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        edit_menu.addSeparator()
        self._line_actions_at = edit_menu.addSeparator()  # the editor's, once it is built
        self.edit_menu = edit_menu
        edit_menu.addAction(self.find_action)
        edit_menu.addAction(self.catalogue_action)
        member_menu = bar.addMenu("&Membre")
        for act in (self.find_action, None, self.edit_member_action, self.category_action,
                    self.membership_action, None, self.create_member_action, self.delete_member_action):
            member_menu.addSeparator() if act is None else member_menu.addAction(act)
        self.offer_menu = bar.addMenu("&Offre")
        self.offer_menu.setToolTipsVisible(True)  # a greyed step says what comes first
        self.offer_menu.addAction(self.offers_action)
        self.offer_menu.aboutToShow.connect(self._fill_offer_menu)
        help_menu = bar.addMenu("&Aide")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

        # Toolbar twins of undo/redo with a fixed text (the menu ones say what they undo).
        tb_undo = QAction("Annuler", self)
        tb_undo.triggered.connect(stack.undo)
        tb_undo.setEnabled(False)
        stack.canUndoChanged.connect(tb_undo.setEnabled)
        stack.undoTextChanged.connect(lambda t: tb_undo.setToolTip(f"Annuler : {t} (Ctrl+Z)" if t else "Annuler"))
        tb_redo = QAction("Rétablir", self)
        tb_redo.triggered.connect(stack.redo)
        tb_redo.setEnabled(False)
        stack.canRedoChanged.connect(tb_redo.setEnabled)
        stack.redoTextChanged.connect(
            lambda t: tb_redo.setToolTip(f"Rétablir : {t} (Ctrl+Maj+Z)" if t else "Rétablir")
        )

        self._undo_actions, self._redo_actions = (undo, tb_undo), (redo, tb_redo)

        toolbar = self.addToolBar("Actions")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for act in (self.new_action, self.save_action, tb_undo, tb_redo, None, self.preview_action,
                    self.print_action, self.pdf_action, self.finalise_action, None, self.offers_action):
            toolbar.addSeparator() if act is None else toolbar.addAction(act)

    def _fill_offer_menu(self) -> None:
        self.offer_menu.clear()
        self.offer_menu.addAction(self.offers_action)
        self.offer_menu.addSeparator()
        for act in self.documents.lifecycle_actions():
            self.offer_menu.addAction(act)

    def _connect(self) -> None:
        self.members.member_opened.connect(self._member_opened)
        self.members.member_changed.connect(self._member_changed)
        self.members.new_offer_requested.connect(self.new_offer_for)
        self.members.member_deleted.connect(self._member_deleted)
        self.session.problem.connect(self.bar.error)
        self.session.saved.connect(self._saved)
        self.session.opened.connect(self._session_opened)
        self.session.changed.connect(self._update_title)
        self.session.changed.connect(self._update_undo)

    # -- the offer editor (built on first use: the window appears without it) ---------------
    @property
    def editor(self) -> OfferEditor:
        if self._editor is None:
            from desktop.ui.offer_editor import OfferEditor

            editor = OfferEditor(self.session, self.backend, self.money, self.dialogs, self.bar)
            self._editor = editor
            self.edit_menu.insertActions(self._line_actions_at, [editor.remove_action, editor.edit_action])
            index = self.tabs.indexOf(self.editor_placeholder)
            current = self.tabs.currentIndex()
            self.tabs.blockSignals(True)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, editor, "Offre en cours")
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(False)
            self.editor_placeholder.deleteLater()
        return self._editor

    # -- offline teams: bundles of offers, catalogue from head office (loaded on first use) ----
    @property
    def exchange(self) -> Any:
        if self._exchange is None:
            from desktop.ui.exchange import Exchange

            self._exchange = Exchange(self)
        return self._exchange

    def _member_changed(self, _member_id: str) -> None:
        """A member was edited: the open offer and the saved drafts (priced again by the
        backend) show its new category; what moved in the open offer is said with the edit."""
        before = self.session.quote
        self.session.refresh()
        self.members.offer_effect = self._offer_effect(before, self.session.quote)
        self.refresh_offers()
        self._show_data_status()  # a creation changes the count

    def _member_deleted(self, member_id: str) -> None:
        """A member created by hand is gone: an offer begun for it holds no line (one with a
        line is stored, and the store keeps its member), and starts again with no member."""
        if self.session.draft.member_id == member_id and not self.session.read_only:
            try:
                self.session.new(self.backend.new_draft(None))
            except ComptoirError as exc:
                self.bar.error(f"Nouvelle offre non ouverte : {exc}")
        self.session.forget_member(member_id)  # Ctrl+Z would give the offer back to it
        self._show_data_status()  # one member fewer

    def _offer_effect(self, before: Any, after: Any) -> str:
        """The category and annual amount of the offer on screen when a member's edit moved
        them (its header and totals change without a word otherwise)."""
        if before is None or after is None or self.session.read_only:
            return ""
        bits = []
        category = after.decision.category
        if category != before.decision.category:
            bits.append(category_title(category).lower() if category else "catégorie à choisir")
        annual, was = self._annual_text(after), self._annual_text(before)
        if annual != was:
            bits.append(f"coût annuel {annual} (au lieu de {was})")
        return f"L'offre ouverte est recalculée : {', '.join(bits)}." if bits else ""

    def _annual_text(self, quote: Any) -> str:
        """The offer's annual total as its totals show it (« sur devis » in the sentence)."""
        cov = quote.coverage
        return self.money.total(quote.totals.annual, cov.annual, cov.annual_partial, NOT_PRICED.lower())

    def reload_catalogue(self) -> None:
        """The catalogue and directory were replaced (import): every screen reads them again."""
        self.members.reload()
        if self._editor is not None:
            self._editor.set_tariff(self.backend.tariff)
        self.session.requote()
        self._show_data_status()

    def _show_data_status(self) -> None:
        b = self.backend
        path = getattr(b.db, "path", None)
        n = len(b.index)
        self.data_status.setText(
            f"{b.tariff.title} · {group_int(n)} {agree(n, 'membres')}" + (f" · base {path}" if path else "")
        )

    def _start_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("startPage")
        text = QLabel(
            "Aucune offre ouverte.\n\nCherchez un membre (Ctrl+F) et ouvrez-le pour commencer son "
            "offre, ou commencez une offre maintenant (Ctrl+N)."
        )
        text.setWordWrap(True)
        set_tone(text, Tone.MUTED)
        start = QPushButton("Nouvelle offre")
        start.setObjectName("startOffer")
        start.setAutoDefault(True)  # Enter presses it once Tab is on it, as Space does
        start.clicked.connect(self.new_offer)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addWidget(text)
        layout.addWidget(start, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return page

    # -- documents and lifecycle (lazy: PDF code loads on first use) -------------------------
    @property
    def documents(self) -> Any:
        if self._documents is None:
            from desktop.ui.offer_actions import OfferActions

            self._documents = OfferActions(self)
        return self._documents

    # -- slots -----------------------------------------------------------------------------
    def _member_opened(self, member_id: str) -> None:
        s = self.session
        self.tabs.setCurrentWidget(self.editor)
        if s.draft.member_id == member_id:
            return
        if s.read_only or s.draft.lines:
            member = self.backend.member(member_id)
            current = s.member
            name = member.display_name if member else member_id
            # the next visitor at the booth: the offer on screen is kept, and one key starts theirs
            self.bar.show_message(
                f"L'offre en cours est pour {current.display_name if current else 'aucun membre'} "
                f"et reste dans les offres enregistrées. Ctrl+N : nouvelle offre pour {name}.",
                Level.INFO,
                actions=(
                    (f"Nouvelle offre pour {name}", lambda: self.new_offer_for(member_id)),
                    *(
                        ()
                        if s.read_only
                        else ((f"Passer cette offre à {name}", lambda: self.session.set_member(member_id)),)
                    ),
                ),
            )
            return
        self.bar.dismiss_passing()  # the offer starts for this member: « not now » to the rest
        s.set_member(member_id)
        self.editor.catalogue.focus_filter()

    def new_offer(self) -> None:
        member = self.members.member
        self.new_offer_for(member.id if member else None)

    def new_offer_for(self, member_id: str | None) -> None:
        self.bar.dismiss_passing()
        try:  # its budget defaults come from the settings: read before the offer shown goes
            draft = self.backend.new_draft(member_id)
        except ComptoirError as exc:
            self.bar.error(f"Nouvelle offre non ouverte : {exc}")
            return
        if not self._leave_shown():
            return  # the offer shown stays, the bar saying why it could not be saved
        # read once saved: a first line added a moment ago is stored by that save only
        previous = self.session.offer  # it stays in the list, its undo history goes
        if not self.session.new(draft):
            return
        self.tabs.setCurrentWidget(self.editor)
        if self.bar.isHidden():  # a lasting message (a setting to correct...) stays
            text = "Nouvelle offre." if member_id is None else "Nouvelle offre : ajoutez des produits."
            if previous is None:
                self.bar.info(text)
            else:  # a Ctrl+N typed for another shortcut: the way back is one click
                who = f" ({previous.member.display_name})" if previous.member else ""
                self.bar.show_message(
                    f"{text} L'offre précédente{who} reste dans Offres enregistrées.",
                    actions=(("Y revenir", partial(self.open_offer, previous.id)),),
                    timeout_ms=8000,
                )
        self.editor.catalogue.focus_filter(fresh=True)

    def focus_catalogue(self) -> None:
        """Ctrl+Maj+F: back to the catalogue filter, to add the next product (from the lines,
        the totals or the member search)."""
        if self.session.read_only:
            self.bar.info("Cette offre est finalisée : on n'y ajoute plus de produit (menu Offre).")
            return
        self.tabs.setCurrentWidget(self.editor)
        self.editor.catalogue.focus_filter()

    def save(self) -> None:
        if self.session.read_only:
            self.bar.info("Cette offre est finalisée : elle est déjà enregistrée et ne change plus.")
            return
        if not self.session.stored_when_saved:  # a member looked up: no offer begun yet
            self.bar.info(
                "Rien à enregistrer : choisissez un membre et ajoutez des produits."
                if self.session.draft.empty
                else "Rien à enregistrer : ajoutez un produit. Le brouillon est enregistré dès "
                "sa première ligne."
            )
            return
        # Ctrl+S always writes, and says so; over a draft another program changed or deleted
        # only once that was said (a refused save): a Ctrl+S out of habit would undo it unsaid
        if self.session.save_now(force=True, overwrite=self.session.save_refused):
            self.bar.success("Brouillon enregistré.")

    def open_offer(self, offer_id: str) -> None:
        try:
            offer = self.backend.get_offer(offer_id)
        except NotFound:  # « Y revenir », a list not yet read again: its id says nothing
            self.bar.error(
                "Cette offre n'est plus enregistrée : elle a été supprimée depuis (dans la liste "
                "des offres ou par la ligne de commande)."
            )
            self.refresh_offers()
            return
        except ComptoirError as exc:
            self.bar.error(str(exc))
            return
        self.bar.dismiss_passing()  # « Offre finalisée » of the previous one, say
        # kept on screen once its last edit is written: one let go is read again as stored
        kept = self._shown_as_stored(offer) and self.session.save_now()
        if not kept and not (self._leave_shown() and self.session.open_offer(offer)):
            return
        # none, or one the directory lacks: no other member's card beside it
        listed = offer.member is not None and self.backend.in_directory(offer.member.id)
        self.members.show_member(offer.member.id if listed else None)
        self.tabs.setCurrentWidget(self.editor)
        self._focus_offer()

    def _shown_as_stored(self, offer: Any) -> bool:
        """``offer`` is the draft on screen, changed nowhere else since: it stays as it is, its
        undo history and its selected lines with it (Ctrl+O then Entrée on it emptied both)."""
        shown = self.session.offer
        return (
            offer.is_draft
            and shown is not None
            and shown.id == offer.id
            and shown.is_draft
            and shown.updated >= offer.updated
            and not self.session.withdrawn
        )

    def _focus_offer(self) -> None:
        """The keyboard goes to the offer's lines (else where products are chosen), never to
        whatever follows the list it leaves: the budget's years, changed by a stray arrow."""
        editor = self.editor
        target = editor.table if self.session.draft.lines else editor.catalogue.filter
        if target.isVisible():
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_offers(self) -> None:
        self.tabs.setCurrentIndex(1)
        self.offers_list.filter.setFocus()

    @property
    def offers_list(self) -> Any:
        if self._offers_list is None:
            from desktop.ui.offers_list import OffersList

            w = OffersList(self.backend, self.runner, self.money, self.dialogs, self.bar)
            w.open_requested.connect(self.open_offer)
            w.deleted.connect(self.session.forget_offer)
            w.export_requested.connect(lambda selection: self.exchange.export_offers(selection))
            self._offers_list = w
            index = self.tabs.indexOf(self.offers_placeholder)
            self.tabs.blockSignals(True)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, w, "Offres enregistrées")
            self.tabs.blockSignals(False)
            self.offers_placeholder.deleteLater()
        return self._offers_list

    def _tab_changed(self, index: int) -> None:
        if index == 1:
            self.session.save_now()
            self.offers_list.reload(select=self.session.offer.id if self.session.offer else None)
            self.tabs.setCurrentIndex(1)
        elif self._editor is not None and self.tabs.currentWidget() is self._editor:
            self._focus_offer()  # Ctrl+Tab back: as when an offer is opened

    def show_shortcuts(self) -> None:
        from desktop.ui.help_dialogs import ShortcutsDialog, open_dialog

        open_dialog(self, ShortcutsDialog)

    def show_about(self) -> None:
        from desktop.ui.help_dialogs import AboutDialog, open_dialog

        open_dialog(self, AboutDialog)

    def open_settings(self, field: str | None = None) -> None:
        """The settings form, with the cursor in ``field`` when given (« device_code »)."""
        from desktop.ui.settings_dialog import SettingsDialog

        try:
            dialog = SettingsDialog(self.backend, self._settings_saved, self)
        except ComptoirError as exc:  # the settings cannot be read: nothing to edit yet
            self.bar.error(f"Réglages non ouverts : {exc}")
            return
        if self._settings_dialog is not None:
            self._settings_dialog.discard()
        held_until_destroyed(self, "_settings_dialog", dialog)
        dialog.open()
        if field is not None:
            dialog.focus_field(field)

    # -- backup and restore (the offer store's functions, on a worker) ------------------------
    def save_backup(self) -> None:
        from datetime import datetime

        from desktop.store import backup

        # a bare name: the dialog opens where the last backup went (a USB key, most often),
        # else in the documents, not beside the database (a copy on the same disk, one
        # click away from writing over it)
        suggested = f"comptoir-sauvegarde-{datetime.now():%Y%m%d-%H%M}.sqlite3"
        path = self.dialogs.save_file(self, "Sauvegarder la base", suggested, BACKUP_FILTER)
        if not path:
            return
        chosen = Path(path)  # « vendredi », « sauvegarde du 22.11.2026 »: a file the restore
        if not chosen.is_dir() and chosen.suffix.lower() not in (".sqlite3", ".db", ".sqlite"):
            path += ".sqlite3"  # dialog lists (a folder is left to be refused as one)
        self.session.save_now()
        self.bar.info("Sauvegarde en cours…", timeout_ms=0)
        self.runner.run(
            backup.backup,
            self.backend.db.path,
            Path(path),
            on_result=self._backup_written,
            on_error=self._storage_failed,
            name="sauvegarde",
        )

    # Results of work on the task helper go to methods, not lambdas: Qt disconnects a method
    # of a window that is gone (closed, or replaced by a restore) before the work ends.
    def _backup_written(self, out: Path) -> None:
        if self.session.dirty and self.session.save_error:  # the copy lacks the edit refused
            self.bar.warning(
                f"Sauvegarde écrite : {out}, sans la dernière modification du brouillon, qui n'a "
                f"pas pu être enregistrée ({self.session.save_error})."
            )
            return
        self.bar.success(f"Sauvegarde écrite : {out}", timeout_ms=8000)

    def start_up_backup_done(self, problem: str | None) -> None:
        """The rotating copy made at start: silent unless it failed."""
        if problem:
            self.bar.show_message(problem, Level.ERROR, lasting=True)

    def restore_backup(self) -> None:
        from desktop.store import backup

        waits = self._restore_waits()
        if waits:
            self.bar.info(waits)
            return
        if self._restore_asked:  # its question comes: a second one would replace the base twice
            self.bar.info("La sauvegarde choisie est en cours de vérification : attendez sa question.")
            return
        path = self.dialogs.open_file(self, "Restaurer une sauvegarde", BACKUP_FILTER)
        if not path:
            return
        self._restore_asked = True
        # a bad file is refused before anything; the check of a backup from an older version
        # migrates a copy of it (half a second), off the window's thread
        self.bar.info(f"Vérification de {Path(path).name}…", timeout_ms=0)
        self.runner.run(
            backup.check_backup,
            Path(path),
            on_result=lambda info: self._restore_checked(Path(path), info),
            on_error=self._backup_check_failed,
            name="vérification de la sauvegarde",
        )

    def _restore_waits(self) -> str:
        """What work of this window must end before a restore, said; "" when none runs. The
        restore waits five seconds at most for the work running: an import, an export or a
        finalisation still going would write to the database being replaced, then report to a
        window gone."""
        if self.session.finalisation_running:
            return "Finalisation de l'offre en cours : restaurez la base une fois l'offre finalisée."
        if self._documents is not None and self._documents.issuing is not None:
            return "Un bon de commande est en préparation : restaurez la base une fois son aperçu affiché."
        running = self._exchange.running if self._exchange is not None else ""
        if running:
            return f"{running.removesuffix('…')} en cours : restaurez la base une fois qu'il est terminé."
        return ""

    def _backup_check_failed(self, error: BaseException) -> None:
        self._restore_asked = False
        self._storage_failed(error)

    def _restore_checked(self, path: Path, info: Any) -> None:
        try:
            self._ask_restore(path, info)
        finally:
            self._restore_asked = False

    def _ask_restore(self, path: Path, info: Any) -> None:
        waits = self._restore_waits()  # started while the backup was checked
        if waits:
            self.bar.info(waits)
            return
        self.bar.dismiss()
        offers = info.offers  # None for a backup older than the offers
        if not self.dialogs.confirm(
            self,
            "Restaurer une sauvegarde",
            f"La base actuelle sera remplacée par {Path(path).name}"
            + (f" ({offers} {agree(offers, 'offres')})" if offers is not None else "")
            + ". Une copie de la base actuelle est gardée dans le dossier des sauvegardes. "
            "Continuer ?",
            yes="Restaurer",
            no="Annuler",
        ):
            return
        if self.on_restore is None:
            self.bar.error("La restauration n'est pas disponible dans cette fenêtre.")
            return
        if not self.session.save_now() and not self._lose_unsaved(
            self._lost_unless("restaurez"),
            yes="Restaurer sans l'enregistrer",
            no="Ne pas restaurer",
        ):
            return
        self.on_restore(path)

    def _storage_failed(self, error: BaseException) -> None:
        if isinstance(error, ComptoirError):
            self.bar.error(str(error))
            return
        raise error

    def _settings_saved(self, _settings: Any) -> None:
        self.bar.success("Réglages enregistrés.")

    def _saved(self, _offer: Any) -> None:
        self.refresh_offers()

    def refresh_offers(self) -> None:
        if self._offers_list is not None and self.tabs.currentIndex() == 1:
            self._offers_list.reload()

    def _session_opened(self) -> None:
        self._update_title()
        self._warn_about_open_draft()

    def _warn_about_open_draft(self) -> bool:
        """The open draft holds products the tariff in force no longer has, or was priced on
        another tariff: said in the bar (True)."""
        offer = self.session.offer
        if self.session.withdrawn:
            from desktop.ui.reprice import warn_withdrawn

            warn_withdrawn(self)  # lines of products head office withdrew: said, left out
        elif offer is not None and offer.is_draft and offer.request.tariff != self.backend.tariff.code:
            from desktop.ui.reprice import warn_if_outdated

            warn_if_outdated(self)  # last year's draft: say so, offer the differences
        else:
            return False
        return True

    def follow_the_date(self) -> None:
        """Every minute, for a window left open over midnight: on a new day the offers list
        shows what expired overnight; when another tariff has come into force since the
        catalogue was read (1 January), every screen takes it, and the bar says so."""
        today = self.backend.today()
        if today != self._day:
            self._day = today
            self.refresh_offers()
        if not self.backend.follow_tariff_in_force():
            return
        self.reload_catalogue()
        self.refresh_offers()
        if not self._warn_about_open_draft():
            label = self.backend.tariff_label(self.backend.tariff.code)
            self.bar.show_message(
                f"Le tarif {label} est en vigueur depuis aujourd'hui : les nouvelles offres "
                "le suivent.",
                Level.INFO,
                lasting=True,
            )

    def _update_undo(self) -> None:
        """Undo and redo (menu and tool bar) follow the stack, except while the offer is being
        finalised: then they wait, as does a second « Finaliser ». A finalised offer has nothing
        to save or finalise: both are greyed, as « Finaliser l'offre… » is in the Offre menu."""
        stack, blocked = self.session.undo_stack, self.session.finalising
        for action in self._undo_actions:
            action.setEnabled(stack.canUndo() and not blocked)
        for action in self._redo_actions:
            action.setEnabled(stack.canRedo() and not blocked)
        frozen = self.session.read_only
        self.finalise_action.setEnabled(not blocked and not frozen)
        self.save_action.setEnabled(not frozen)
        for action, tip in ((self.finalise_action, FINALISE_TIP), (self.save_action, SAVE_TIP)):
            action.setToolTip(FROZEN_TIP if frozen and not blocked else tip)

    def _update_title(self) -> None:
        member = self.session.member
        self.setWindowTitle(f"{member.display_name} — Comptoir" if member else "Offres iMio — Comptoir")

    # -- drafts across restarts --------------------------------------------------------------
    def _remember_draft(self, offer_id: str | None) -> None:
        if offer_id:
            self.state.last_draft = offer_id

    def _first_messages(self) -> None:
        """Once the window is up: the draft to reopen, then (the bar holds one message) a
        stored setting that documents cannot use, as soon as that offer has gone."""
        if not self.isVisible():  # closed meanwhile (a restore replaced it): nothing to say
            return
        if self.first_message:  # what brought this window (a restore) or what its opening did
            self.bar.show_message(self.first_message, Level.INFO, lasting=True)  # said first, kept
            self.bar.closed.connect(self._after_first_message)
            return
        self._draft_then_settings()

    def _after_first_message(self) -> None:
        """The first message closed: the draft of last time, unless another offer was started
        meanwhile (« not now »), then the setting."""
        self.bar.closed.disconnect(self._after_first_message)
        s = self.session
        if s.offer is None and s.draft.member_id is None and not s.draft.lines:
            self._draft_then_settings()
        else:
            self._warn_unusable_settings()

    def _draft_then_settings(self) -> None:
        if not self._offer_last_draft():
            self._warn_unusable_settings()
        elif self.backend.settings_problem():
            self.bar.closed.connect(self._after_draft_offer)

    def _after_draft_offer(self) -> None:
        self.bar.closed.disconnect(self._after_draft_offer)
        self._warn_unusable_settings()

    def _warn_unusable_settings(self) -> None:
        problem = self.backend.settings_problem()
        if problem:
            self.bar.show_message(
                f"Un réglage enregistré n'est plus accepté. {problem} Les documents impriment la "
                "valeur par défaut en attendant.",
                Level.WARNING,
                actions=(("Ouvrir les réglages", self.open_settings),),
                lasting=True,
            )

    def _offer_last_draft(self) -> bool:
        """Offer to reopen the draft of the last session; True when offered."""
        offer_id = self.state.last_draft
        if not offer_id:
            return False
        try:
            offer = self.backend.offers.find(offer_id)
        except ComptoirError:
            offer = None
        if offer is None or not offer.is_draft or not offer.request.lines:
            self.state.last_draft = None  # nothing worth reopening
            return False
        who = offer.member.display_name if offer.member else "aucun membre"
        when = offer.updated.astimezone().strftime("%d/%m/%Y à %H:%M") if offer.updated else ""
        n = len(offer.request.lines)
        self.bar.show_message(
            f"Vous travailliez sur un brouillon pour {who} ({n} ligne{'s' if n > 1 else ''}, "
            f"modifié le {when}).",
            Level.INFO,
            actions=(("Rouvrir le brouillon", lambda: self.open_offer(offer_id)),),
        )
        return True

    # -- closing ---------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        """Where the window was; the first time, 1280 x 760 where the screen has room, else
        the whole screen (a 1366 x 768 laptop, or 1920 x 1080 at 150 %: 1280 x 720)."""
        geometry = self.state.geometry("main")
        if geometry is not None and self.restoreGeometry(geometry):
            return
        width, height = DEFAULT_SIZE
        space = room(self)
        fit(self, width, height, near=self)
        if space.width() < width or space.height() < height:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def shutdown(self) -> None:
        """Flush what is pending (called on close, and by the application on exit)."""
        if self.discard_on_close:
            return
        self.session.save_now()
        if not self.check_mode:
            self.state.set_geometry("main", self.saveGeometry())
        self.state.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:  # the member panel takes about a fifth of a wide screen
            self._sized = True
            left = max(320, min(420, int(self.width() * 0.2)))
            self.splitter.setSizes([left, max(600, self.width() - left)])

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.discard_on_close and not self.session.save_now() and not self._close_unsaved():
            event.ignore()  # the edit stays on screen; closing again tries the save again
            return
        self.calendar_timer.stop()  # a closed window (replaced by a restore) reads no database
        self.shutdown()
        super().closeEvent(event)

    def _close_unsaved(self) -> bool:
        """The last edit could not be written (a full disk, a removed key): closing now loses
        it. True when the user closes all the same."""
        return self._lose_unsaved(
            self._lost_unless("fermez"), yes="Fermer sans enregistrer", no="Ne pas fermer"
        )

    def _lost_unless(self, doing: str) -> str:
        """What is lost if the user ``doing`` (« fermez », « restaurez ») now, and how to keep
        it: room on the disk, then again; a draft the store refuses needs what its message says."""
        lost = f"Si vous {doing} maintenant, elle sera perdue."
        if self.session.save_refused:
            return lost
        return f"{lost} Libérez de la place (ou rebranchez la clé), puis {doing} à nouveau : Comptoir réessaiera."

    def _leave_shown(self) -> bool:
        """Another offer may take the place of the one shown: it is saved, or its last edit
        could not be written and the user lets it go (kept on screen otherwise): a draft the
        store refuses for good (finalised meanwhile by ``comptoir offers finalize``) would
        otherwise hold the window until it is closed."""
        if self.session.save_now():
            return True
        retry = "." if self.session.save_refused else " : Comptoir réessaiera à la prochaine modification (ou Ctrl+S)."
        if not self._lose_unsaved(
            "Si vous ouvrez une autre offre maintenant, elle sera perdue. Pour la garder, restez "
            f"sur ce brouillon{retry}",
            yes="Continuer sans enregistrer",
            no="Rester sur ce brouillon",
        ):
            return False
        self.session.drop_unsaved()
        self.bar.dismiss()  # « Brouillon non enregistré » spoke of the edit let go
        return True

    def _lose_unsaved(self, then: str, *, yes: str, no: str) -> bool:
        """Asked before what drops the edit the store refused (closing, a restore, another
        offer opened): True when the user goes on all the same; ``then`` says what is lost."""
        return self.dialogs.confirm(
            self,
            "Brouillon non enregistré",
            f"La dernière modification n'a pas pu être enregistrée : {self.session.save_error}\n\n{then}",
            yes=yes,
            no=no,
        )
