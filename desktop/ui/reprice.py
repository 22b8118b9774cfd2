"""Drafts priced on a tariff no longer in force: show the differences, then re-price.

Used by the offers list (context menu, details link) and when such a draft is opened in the
editor (which prices with the tariff in force: the user is told, and offered the differences).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from desktop.core.errors import ComptoirError
from desktop.ui.message_bar import Level

if TYPE_CHECKING:
    from desktop.ui.backend import Backend
    from desktop.ui.dialogs import Dialogs
    from desktop.ui.message_bar import MessageBar


def reprice_after_preview(
    parent: QWidget, backend: Backend, dialogs: Dialogs, bar: MessageBar, offer_id: str, who: str
) -> bool:
    """Ask with the differences shown; True once the draft is re-priced (and stored)."""
    try:
        previews = backend.offers.reprice_preview([offer_id])
    except ComptoirError as exc:
        bar.error(str(exc))
        return False
    if not previews:
        bar.info("Ce brouillon suit déjà le tarif en vigueur.")
        return False
    p = previews[0]
    described = p.diff.descriptions(backend.tariff_names())
    changes = "\n".join(f"• {d}" for d in described) or "• aucun montant ne change"
    if not dialogs.confirm(
        parent,
        "Recalculer sur le tarif en vigueur",
        f"Brouillon pour {who or 'aucun membre'}, calculé sur un tarif qui n'est plus en "
        f"vigueur.\n\nCe qui change :\n{changes}\n\nRecalculer ce brouillon ?",
        yes="Recalculer",
        no="Annuler",
    ):
        return False
    try:
        backend.offers.reprice_apply(previews)
    except ComptoirError as exc:
        bar.error(str(exc))
        return False
    bar.success("Brouillon recalculé sur le tarif en vigueur.")
    return True


def warn_if_outdated(window: Any) -> None:
    """The draft just opened in the editor was priced on another tariff: say so, offer the
    differences (the editor shows it on the tariff in force, and saves it so at the next edit)."""
    offer = window.session.offer
    backend = window.backend
    if offer is None or not offer.is_draft or offer.request.tariff == backend.tariff.code:
        return
    try:
        stale = backend.outdated_drafts().get(offer.id)
    except ComptoirError:
        return
    if stale is None:
        return

    def reprice() -> None:
        who = offer.member.display_name if offer.member else ""
        if reprice_after_preview(window, backend, window.dialogs, window.bar, offer.id, who):
            window.session.open_offer(backend.get_offer(offer.id))
            window.refresh_offers()

    window.bar.show_message(
        f"Ce brouillon a été calculé sur le tarif {backend.tariff_label(stale.tariff)}, qui n'est "
        f"plus en vigueur : les montants affichés suivent le tarif en vigueur "
        f"({backend.tariff_label(stale.active)}) et seront "
        "enregistrés à la prochaine modification.",
        Level.WARNING,
        actions=(("Voir les différences…", reprice),),
    )


def warn_withdrawn(window: Any, before: str = "") -> None:
    """The draft just opened (or re-priced on an imported catalogue) holds products the tariff
    in force no longer has: the editor shows it without them, priced on that tariff; say which,
    and offer to store it so. ``before``: what the bar says first (the import's report)."""
    backend, session = window.backend, window.session
    names = session.withdrawn
    tariff = backend.tariff_label(backend.tariff.code)
    many = len(names) > 1
    listed = ", ".join(names)

    def save() -> None:
        if session.save_now(force=True):
            window.refresh_offers()
            window.bar.success(f"Brouillon enregistré sans {listed}, sur le tarif {tariff}.")

    window.bar.show_message(
        (f"{before} " if before else "")
        + f"Le tarif en vigueur ({tariff}) ne propose plus {listed} : "
        f"{'ces lignes sont retirées' if many else 'cette ligne est retirée'} "
        f"{'du brouillon ouvert' if before else 'de ce brouillon'}, "
        f"dont les montants suivent {tariff}. Enregistrez-le ainsi, ou remplacez "
        f"{'ces produits' if many else 'ce produit'} par un autre du catalogue.",
        Level.WARNING,
        actions=(("Enregistrer ainsi", save),),
    )
