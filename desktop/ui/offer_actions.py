"""Documents and lifecycle of the offer being edited: preview, print, PDF, finalise, states.

Loaded on first use (it pulls in the PDF code). Rendering runs on the task helper; the
lifecycle moves come from the offer store and its French errors go to the message bar.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction

from desktop.core.errors import ComptoirError
from desktop.core.offers import MANUAL_TRANSITIONS, OfferState, check_revisable

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def render_offer_pdf(tariff: Any, offer: Any, settings: Any, today: date) -> bytes:
    """PDF bytes of an offer (draft: "PROJET", no number). Pure; runs on a worker thread."""
    from desktop.documents.offer import document_for_offer, render_offer

    return render_offer(document_for_offer(offer, tariff, settings, today=today))


class OfferActions:
    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self.preview_widget: Any = None
        self._actions: dict[str, QAction] = {}

    # -- helpers ---------------------------------------------------------------------------
    @property
    def session(self) -> Any:
        return self.w.session

    @property
    def backend(self) -> Any:
        return self.w.backend

    def _offer_for_document(self) -> Any:
        """The offer as it is now (the draft is saved first); None with a message if empty."""
        s = self.session
        if s.quote is None or not s.draft.lines:
            self.w.bar.info("Choisissez un membre et ajoutez au moins un produit avant d'imprimer.")
            return None
        if not s.read_only and not s.save_now():
            return None
        if s.offer is None:
            s._dirty = True
            if not s.save_now():
                return None
        return s.offer

    def _action(self, key: str, text: str, slot: Callable[[], None]) -> QAction:
        if key not in self._actions:
            a = QAction(text, self.w)
            a.triggered.connect(slot)
            self._actions[key] = a
        return self._actions[key]

    # -- documents -------------------------------------------------------------------------
    def _pdf_bytes(self, offer: Any) -> Callable[[], bytes]:
        """A function (for a worker) returning the PDF: frozen bytes or a fresh draft print."""
        if offer.is_draft:
            tariff, settings, today = self.backend.tariff, self.backend.settings(), self.backend.today()
            return lambda: render_offer_pdf(tariff, offer, settings, today)
        pdf = self.backend.offers.pdf(offer.id)  # frozen: the bytes that were sent
        return lambda: pdf

    def preview(self) -> None:
        offer = self._offer_for_document()
        if offer is None:
            return
        try:
            make = self._pdf_bytes(offer)
        except ComptoirError as exc:
            self.w.bar.error(str(exc))
            return
        self._open_preview(offer, make)

    def _open_preview(self, offer: Any, make: Callable[[], bytes], then: str = "") -> None:
        from desktop.ui import preview

        name = f"{offer.number or 'projet-offre'}.pdf"
        self.preview_widget = preview.show_preview(
            self.w, self.w.runner, make, suggested_name=name, dialogs=self.w.dialogs, then=then
        )

    def print_offer(self) -> None:
        offer = self._offer_for_document()
        if offer is not None:
            self._open_preview(offer, self._pdf_bytes(offer), then="print")

    def save_pdf(self) -> None:
        offer = self._offer_for_document()
        if offer is not None:
            self._open_preview(offer, self._pdf_bytes(offer), then="save")

    # -- lifecycle -------------------------------------------------------------------------
    def lifecycle_actions(self) -> list[QAction]:
        s = self.session
        offer = s.offer
        today = self.backend.today()
        acts = []
        finalise = self._action("finalise", "Finaliser l'offre…", self.finalise)
        finalise.setEnabled(bool(offer is None or offer.is_draft) and bool(s.draft.lines))
        acts.append(finalise)
        state = offer.state_on(today) if offer is not None else OfferState.BROUILLON
        allowed = MANUAL_TRANSITIONS.get(state, frozenset())
        for target, text in (
            (OfferState.ENVOYEE, "Marquer comme envoyée"),
            (OfferState.ACCEPTEE, "Marquer comme acceptée…"),
            (OfferState.REFUSEE, "Marquer comme refusée…"),
            (OfferState.CONVERTIE, "Bon de commande (convertir)…"),
        ):
            a = self._action(target.value, text, lambda t=target: self.set_state(t))
            a.setEnabled(offer is not None and target in allowed)
            acts.append(a)
        revise = self._action("revise", "Réviser (nouvelle version)", self.revise)
        try:
            if offer is None:
                raise ComptoirError("")
            check_revisable(offer.state, offer.valid_until, today)
            revise.setEnabled(True)
        except ComptoirError:
            revise.setEnabled(False)
        acts.append(revise)
        return acts

    def finalise(self) -> None:
        s = self.session
        if s.read_only:
            self.w.bar.info("Cette offre est déjà finalisée.")
            return
        offer = self._offer_for_document()
        if offer is None:
            return
        try:
            offer.check_finalisable() if s.offer.quote is not None else None
        except ComptoirError as exc:
            self.w.bar.error(str(exc))
            return
        if not self.w.dialogs.confirm(
            self.w,
            "Finaliser l'offre",
            "L'offre reçoit son numéro et son PDF est figé : elle ne pourra plus être modifiée "
            "(seulement révisée). Finaliser maintenant ?",
            yes="Finaliser",
            no="Annuler",
        ):
            return
        tariff, settings, today = self.backend.tariff, self.backend.settings(), self.backend.today()
        try:
            frozen = self.backend.offers.finalise(
                offer.id, lambda o: render_offer_pdf(tariff, o, settings, today)
            )
        except ComptoirError as exc:
            self.w.bar.error(str(exc))
            return
        self.session.open_offer(frozen)
        self.w.bar.success(f"Offre {frozen.number} finalisée.")

    def set_state(self, target: OfferState) -> None:
        offer = self.session.offer
        if offer is None:
            return
        reason = ""
        if target in (OfferState.REFUSEE, OfferState.ACCEPTEE):
            needs = target is OfferState.REFUSEE or offer.state_on(self.backend.today()) is OfferState.EXPIREE
            label = "Motif du refus :" if target is OfferState.REFUSEE else "Motif ou référence de la décision :"
            answer = self.w.dialogs.ask_text(self.w, target.label, label)
            if answer is None:
                return
            reason = answer.strip()
            if needs and not reason:
                self.w.bar.error("Indiquez le motif : il est conservé dans l'historique de l'offre.")
                return
        try:
            updated = self.backend.offers.set_state(offer.id, target, reason)
        except ComptoirError as exc:
            self.w.bar.error(str(exc))
            return
        self.session.open_offer(self.backend.get_offer(updated.id))
        self.w.bar.success(f"Offre {updated.number} : {target.label.lower()}.")

    def revise(self) -> None:
        offer = self.session.offer
        if offer is None or offer.number is None:
            return
        try:
            draft = self.backend.offers.revise(offer.number)
        except ComptoirError as exc:
            self.w.bar.error(str(exc))
            return
        self.session.open_offer(draft)
        self.w.bar.success(f"Révision de {offer.number} ouverte : modifiez-la puis finalisez-la.")
