"""Left panel: the member search (always at hand) above the member card and its forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.core.errors import ComptoirError
from desktop.core.members import Member
from desktop.ui.backend import Backend
from desktop.ui.dialogs import Dialogs, held_until_destroyed
from desktop.ui.member_card import MemberCard
from desktop.ui.message_bar import Level, MessageBar
from desktop.ui.models import InstalledModel
from desktop.ui.money import MoneyText
from desktop.ui.search_panel import SearchPanel
from desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.ui.form import FormDialog

# Said under « Aucun membre ne correspond » : the directory holds the communes, CPAS, zones
# and provinces; any other body is created where the window's menu says.
NOT_IN_DIRECTORY = (
    "Intercommunale, RCA ou autre organisme absent de l'annuaire : créez-le avec "
    "Membre > Nouveau membre… (Ctrl+Maj+N)."
)


class MemberPanel(QWidget):
    member_opened = Signal(str)  # chosen in the search
    member_changed = Signal(str)  # edited, category changed or created
    new_offer_requested = Signal(str)
    member_deleted = Signal(str)  # a member created by hand, removed from the directory

    def __init__(
        self,
        backend: Backend,
        runner: TaskRunner,
        money: MoneyText,
        bar: MessageBar,
        parent: QWidget | None = None,
        dialogs: Dialogs | None = None,
    ) -> None:
        super().__init__(parent)
        self.backend = backend
        self.money = money
        self.bar = bar
        self.dialogs = dialogs if dialogs is not None else Dialogs()
        # set by the window: writes the offer on screen (True once written), so that a line
        # added a moment ago for the member counts before it is deleted
        self.save_open_offer: Callable[[], bool] = lambda: True
        self.dialog: FormDialog | None = None
        # what the edit just saved changed in the offer on screen (set by the window as it
        # prices it again), said after « modifications enregistrées »
        self.offer_effect = ""
        self.search = SearchPanel(
            runner, lambda: (self.backend.index, self.backend.tariff), missing=NOT_IN_DIRECTORY
        )
        self.installed_model = InstalledModel(backend.tariff, money, self)
        self.card = MemberCard(money, self.installed_model, lookup=lambda i: self.backend.member(i))
        self.search.member_chosen.connect(self._chosen)
        self.search.results_shown.connect(lambda _n: self.card.setVisible(False))
        self.search.field.textChanged.connect(self._text_changed)
        self.card.edit_requested.connect(self.edit_member)
        self.card.category_requested.connect(self.choose_category)
        self.card.membership_requested.connect(self.edit_membership)
        self.card.new_offer_requested.connect(self.new_offer_requested)
        self.card.delete_requested.connect(self.delete_member)
        self.member_changed.connect(lambda _id: self.search.refresh())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.card, 1)
        self.setMinimumWidth(280)

    @property
    def member(self) -> Member | None:
        return self.card.member

    def _text_changed(self, text: str) -> None:
        if not text.strip():
            self.search.clear()
            self.card.setVisible(True)

    def _chosen(self, member_id: str) -> None:
        self.show_member(member_id)
        self.member_opened.emit(member_id)

    def show_member(self, member_id: str | None) -> None:
        member = self.backend.member(member_id) if member_id else None
        decision = self.backend.decision(member) if member is not None else None
        self.installed_model.set_items(member.installed if member else ())
        self.card.show_member(member, decision)
        self.card.setVisible(True)

    def reload(self) -> None:
        """The directory and catalogue were replaced (import): show the member as it is now."""
        self.installed_model.set_tariff(self.backend.tariff)
        current = self.member
        self.show_member(current.id if current is not None and self.backend.member(current.id) else None)
        self.search.refresh()

    # -- forms ---------------------------------------------------------------------------
    def _open(self, dialog: FormDialog) -> None:
        if self.dialog is not None:
            self.dialog.discard()
        held_until_destroyed(self, "dialog", dialog)
        dialog.open()

    def _target(self, member_id: str | None) -> Member | None:
        member = self.backend.member(member_id) if member_id else self.member
        if member is None:
            self.bar.info("Choisissez d'abord un membre (Ctrl+F).")
        return member

    def _saving(self, before: Member) -> Callable[[Member], None]:
        """The callback of a form editing ``before``: show, then offer to undo."""
        return lambda saved: self._saved(saved, before)

    def edit_member(self, member_id: str | None = None) -> None:
        member = self._target(member_id)
        if member is None:
            return
        from desktop.ui.member_forms import MemberEditDialog

        self._open(MemberEditDialog(member, self.backend, self.money, self._saving(member), self))

    def choose_category(self, member_id: str | None = None) -> None:
        member = self._target(member_id)
        if member is None:
            return
        from desktop.ui.member_forms import CategoryDialog

        self._open(CategoryDialog(member, self.backend, self._saving(member), self))

    def edit_membership(self, member_id: str | None = None) -> None:
        member = self._target(member_id)
        if member is None:
            return
        from desktop.ui.member_forms import MembershipDialog

        self._open(MembershipDialog(member, self.backend, self._saving(member), self))

    def create_member(self) -> None:
        from desktop.ui.member_forms import MemberCreateDialog

        self._open(MemberCreateDialog(self.backend, self._created, self))

    def delete_member(self, member_id: str | None = None) -> None:
        """Remove a body created by hand, once confirmed; the question is not asked when the
        answer would be a refusal (reference directory, offers written for it)."""
        member = self._target(member_id)
        if member is None or not self.save_open_offer():
            return
        try:
            self.backend.check_deletable(member.id)
        except ComptoirError as exc:
            self.bar.error(str(exc))
            return
        name = member.display_name
        if not self.dialogs.confirm(
            self,
            "Supprimer le membre",
            f"Supprimer {name} de l'annuaire ? Il ne sera plus proposé dans la recherche. "
            "Cette action est définitive.",
            yes="Supprimer",
            no="Garder",
        ):
            return
        try:
            self.backend.delete_member(member.id)
        except ComptoirError as exc:  # an offer written for it by another program meanwhile
            self.bar.error(str(exc))
            return
        if self.member is not None and self.member.id == member.id:
            listed = self.search.showing_results  # the results stay in the card's place
            self.show_member(None)
            self.card.setVisible(not listed)
        self.search.refresh()
        self.member_deleted.emit(member.id)
        self.bar.success(f"{name} est supprimé de l'annuaire.")

    def _saved(self, member: Member, before: Member | None = None) -> None:
        self.show_member(member.id)
        self.member_changed.emit(member.id)
        text = f"{member.display_name} : modifications enregistrées.{self._offer_effect()}"
        if before is None:
            self.bar.success(text)
            return
        self.bar.show_message(
            text,
            Level.SUCCESS,
            actions=(("Annuler la modification", lambda: self.undo_edit(before)),),
            timeout_ms=15000,
        )

    def undo_edit(self, before: Member) -> None:
        """Put back the member as it was before the last card edit (stored again)."""
        try:
            restored = self.backend.save_member(before)
        except ComptoirError as exc:
            self.bar.error(f"Modification non annulée : {exc}")
            return
        self.show_member(restored.id)
        self.member_changed.emit(restored.id)
        self.bar.success(f"{restored.display_name} : modification annulée.{self._offer_effect()}")

    def _offer_effect(self) -> str:
        said, self.offer_effect = self.offer_effect, ""
        return f" {said}" if said else ""

    def _created(self, member: Member) -> None:
        self.show_member(member.id)
        self.bar.success(f"{member.display_name} créé.")
        self.member_changed.emit(member.id)
        self.member_opened.emit(member.id)
