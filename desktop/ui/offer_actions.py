"""Documents and lifecycle of the offer being edited: preview, print, PDF, finalise, states.

Loaded on first use (it pulls in the PDF code). Rendering runs on the task helper; the
lifecycle moves come from the offer store and its French errors go to the message bar.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from shiboken6 import isValid

from desktop.core.errors import ChangedElsewhere, ComptoirError
from desktop.core.offers import MANUAL_TRANSITIONS, OfferState, check_revisable, check_transition
from desktop.ui.message_bar import Level

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def render_offer_pdf(tariff: Any, offer: Any, settings: Any, today: date) -> bytes:
    """PDF bytes of an offer (draft: "PROJET", no number). Pure; runs on a worker thread."""
    from desktop.documents.offer import document_for_offer, render_offer

    return render_offer(document_for_offer(offer, tariff, settings, today=today))


def finalise_offer(
    db_path: Any,
    offer_id: str,
    tariff: Any,
    settings: Any,
    today: date,
    date_confirmed: bool = False,
    seen: Any = None,
) -> Any:
    """Number, freeze and render on a worker, with a connection of its own (the PDF is made
    inside the numbering transaction). Returns the frozen ``Offer``; refused when the draft
    stored is no longer ``seen``, the one on screen."""
    from desktop.store.database import open_database
    from desktop.store.offers_repo import OfferRepository

    db = open_database(db_path)
    try:
        repo = OfferRepository(db, settings=lambda: settings)
        return repo.finalise(
            offer_id,
            lambda o: render_offer_pdf(tariff, o, settings, today),
            date_confirmed=date_confirmed,
            seen=seen,
        )
    finally:
        db.close()


def contract_pdf_maker(
    backend: Any, offer: Any, issued: date | None = None, start: date | None = None, years: int = 1
) -> tuple[Callable[[], bytes], int]:
    """Gather what the contract needs (GUI thread, a few reads), return the rendering (worker)
    and the version of the contract template it follows. ``issued`` (default today) dates the
    document; ``start`` (default ``issued``) and ``years`` are when it takes effect and its
    initial term."""
    from desktop.core.offers import accepted_on
    from desktop.documents.contract import build_contract_document, check_contractable
    from desktop.store.templates_repo import TemplateRepository

    check_contractable(offer)
    accepted = accepted_on(backend.offers.audit(offer.id))
    template = TemplateRepository(backend.db).get("contrat")
    doc = build_contract_document(
        offer,
        backend.tariff_for(offer.tariff),  # the grid the offer was priced on, not today's
        backend.settings(),
        template_text=template.body,
        issued=issued or backend.today(),
        start=start,
        term_years=years,
        accepted_on=accepted,
    )

    def make() -> bytes:
        from desktop.documents.contract import render_contract

        return render_contract(doc)

    return make, template.version


# what each action of the Offre menu does, in the status bar as the pointer passes over it
_TIPS = {
    "finalise": "Numéroter l'offre et figer son PDF : elle ne change plus",
    "envoyee": "L'offre a été remise ou envoyée au membre",
    "acceptee": "Le membre a accepté l'offre (avec la référence de sa décision)",
    "refusee": "Le membre a refusé l'offre (avec le motif)",
    "contract": "Le bon de commande d'une offre acceptée ; ensuite, redonné tel qu'établi",
    "revise": "Une nouvelle version de l'offre, qui remplacera celle-ci une fois finalisée",
}


DRAFT_FIRST = "Finalisez d'abord l'offre (Finaliser…) : son état se suit ensuite."
# the same on an offer with no line yet, whose « Finaliser » is greyed too
LINES_FIRST = "Ajoutez d'abord des produits, puis finalisez l'offre : son état se suit ensuite."


def _state_blocked(offer: Any, state: OfferState, target: OfferState, today: date) -> str:
    """Why the offer shown cannot be marked ``target`` now, and what comes first; empty when it
    can."""
    if offer is None or state is OfferState.BROUILLON:
        return DRAFT_FIRST
    if target in MANUAL_TRANSITIONS.get(state, frozenset()):
        return ""
    if state is OfferState.FINALISEE:
        return "Marquez d'abord l'offre comme envoyée (remise au membre)."
    if state is target:
        return f"Cette offre est déjà « {state.label} »."
    if not MANUAL_TRANSITIONS.get(state):
        return f"Cette offre est déjà {state.label.lower()} : son état ne change plus ici."
    try:
        check_transition(offer.state, target, valid_until=offer.valid_until, today=today)
    except ComptoirError as exc:
        return str(exc)
    return ""


class OfferActions:
    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self.preview_widget: Any = None
        self.contract_form: Any = None
        self.issuing: str | None = None  # the accepted offer whose order form is being made
        self._actions: dict[str, QAction] = {}

    # -- helpers ---------------------------------------------------------------------------
    @property
    def session(self) -> Any:
        return self.w.session

    @property
    def backend(self) -> Any:
        return self.w.backend

    def _offer_for_document(self, before: str = "d'imprimer") -> Any:
        """The offer as it is now (the draft is saved first); None with a message if empty
        (« … avant ``before`` »: d'imprimer, de finaliser)."""
        s = self.session
        if s.quote is None or not s.draft.lines:
            self.w.bar.info(f"Choisissez un membre et ajoutez au moins un produit avant {before}.")
            return None
        if not s.read_only and not s.save_now():
            return None
        if s.offer is None and not s.save_now(force=True):
            return None
        if s.offer.is_draft:  # stored with a line the editor left out: kept so, or not, first
            s.withdrawn = s.in_force(tuple(s.offer.request.lines), s.offer.quote)[1]
            if s.withdrawn:
                from desktop.ui.reprice import warn_withdrawn

                warn_withdrawn(self.w, before=f"À régler avant {before} ce brouillon.")
                return None
        if s.offer.is_draft and s.offer.request.tariff != self.backend.tariff.code:
            return self._repriced_first(s.offer)
        # shown re-priced (catalogue imported, member changed) but stored as it was: the
        # document is made from the store, so store what the editor shows first
        stale = s.offer.is_draft and s.quote is not None and s.offer.quote != s.quote
        if stale and not s.save_now(force=True):
            return None
        return s.offer

    def _repriced_first(self, offer: Any) -> Any:
        """A stored draft on a tariff no longer in force is printed (or finalised) only once
        re-priced, after its differences were shown: the document then says what the editor
        shows. None when the user keeps last year's prices."""
        try:
            stale = self.backend.outdated_drafts().get(offer.id)
        except ComptoirError as exc:
            self.w.bar.error(str(exc))
            return None
        if stale is None:
            return offer
        from desktop.ui.reprice import reprice_after_preview

        who = offer.member.display_name if offer.member else ""
        if not reprice_after_preview(self.w, self.backend, self.w.dialogs, self.w.bar, offer.id, who):
            self.w.bar.info(
                f"Ce brouillon est calculé sur le tarif {self.backend.tariff_label(stale.tariff)}, "
                "qui n'est plus en vigueur : "
                "recalculez-le sur le tarif en vigueur avant de l'imprimer ou de le finaliser."
            )
            return None
        self.session.open_offer(self.backend.get_offer(offer.id))
        return self.session.offer

    def _action(self, key: str, text: str, slot: Callable[[], None]) -> QAction:
        if key not in self._actions:
            a = QAction(text, self.w)
            a.triggered.connect(lambda _checked=False: slot())  # called bare, as the window's
            a.setStatusTip(_TIPS.get(key, ""))
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

    def preview(self, then: str = "") -> None:
        """The offer's PDF in its preview; ``then`` « print » or « save » goes on from there."""
        if self._preparing():  # one click too many: not a second window, nor a second question
            self.w.bar.info("Un aperçu est déjà en préparation : patientez un instant.")
            return
        offer = self._offer_for_document()
        if offer is None:
            return
        try:
            make = self._pdf_bytes(offer)
        except ComptoirError as exc:
            self.w.bar.error(str(exc))
            return
        self._open_preview(offer, make, then)

    def _preparing(self) -> bool:
        shown = self.preview_widget
        return shown is not None and isValid(shown) and shown.preparing

    def _open_preview(self, offer: Any, make: Callable[[], bytes], then: str = "") -> None:
        from desktop.ui import preview

        if offer.number:
            name = f"{offer.number}.pdf"
        else:  # drafts have no number: the member tells them apart (and their files)
            who = offer.member.display_name if offer.member else ""
            name = f"projet-offre {who} {self.backend.today():%Y-%m-%d}".replace("  ", " ") + ".pdf"
        self.preview_widget = preview.show_preview(
            self.w,
            self.w.runner,
            make,
            suggested_name=name,
            dialogs=self.w.dialogs,
            then=then,
            notify=self._print_outcome,
        )

    def _print_outcome(self, text: str, succeeded: bool) -> None:
        """A print that ended after its preview was closed: said in the window's bar."""
        if succeeded:
            self.w.bar.success(text, timeout_ms=8000)
        else:
            self.w.bar.error(text)

    def print_offer(self) -> None:
        self.preview(then="print")

    def save_pdf(self) -> None:
        self.preview(then="save")

    # -- lifecycle -------------------------------------------------------------------------
    def lifecycle_actions(self) -> list[QAction]:
        """The Offre menu's steps for the offer shown; a greyed one says on the pointer what
        comes first (its tool tip), the menu showing tool tips where it cannot show status tips."""
        s = self.session
        offer = s.offer
        today = self.backend.today()
        state = offer.state_on(today) if offer is not None else OfferState.BROUILLON
        if s.finalising:
            why = "Finalisation en cours : l'offre reçoit son numéro et son PDF."
        elif state is not OfferState.BROUILLON:
            why = "Cette offre est déjà finalisée : elle ne change plus."
        else:
            why = "" if s.draft.lines else "Ajoutez d'abord au moins un produit à l'offre."
        acts = [self._step("finalise", "&Finaliser l'offre…", self.finalise, why)]
        for target, text in (
            (OfferState.ENVOYEE, "Marquer comme &envoyée"),
            (OfferState.ACCEPTEE, "Marquer comme &acceptée…"),
            (OfferState.REFUSEE, "Marquer comme &refusée…"),
        ):
            why = _state_blocked(offer, state, target, today)
            if why == DRAFT_FIRST and not s.draft.lines:
                why = LINES_FIRST
            acts.append(self._step(target.value, text, partial(self.set_state, target), why))
        if state is OfferState.BROUILLON:
            first = DRAFT_FIRST if s.draft.lines else LINES_FIRST
            why = f"{first} Le bon de commande suit l'acceptation de l'offre envoyée."
        elif offer is not None and offer.state in (OfferState.ACCEPTEE, OfferState.CONVERTIE):
            why = ""
        elif state in (OfferState.FINALISEE, OfferState.ENVOYEE, OfferState.EXPIREE):
            why = "Le bon de commande suit l'acceptation : marquez d'abord l'offre comme acceptée."
        else:
            why = f"Le bon de commande suit l'acceptation : cette offre est {state.label.lower()}."
        acts.append(self._step("contract", "&Bon de commande…", self.contract, why))
        stored, until = (state, None) if offer is None else (offer.state, offer.valid_until)
        try:
            check_revisable(stored, until, today)
            why = ""
        except ComptoirError as exc:
            why = str(exc)
        acts.append(self._step("revise", "Ré&viser (nouvelle version)", self.revise, why))
        return acts

    def _step(self, key: str, text: str, slot: Callable[[], None], why: str) -> QAction:
        """The menu's action, greyed with ``why`` as its tool tip when not empty."""
        action = self._action(key, text, slot)
        action.setEnabled(not why)
        action.setToolTip(why or _TIPS[key])
        return action

    def finalise(self) -> None:
        try:
            self._finalise()
        except ComptoirError as exc:  # the settings or the last number cannot be read
            self.w.bar.error(f"Offre non finalisée : {exc}")

    def _finalise(self) -> None:
        s = self.session
        if s.finalising:
            self.w.bar.info("Finalisation déjà en cours…")
            return
        if s.read_only:
            self.w.bar.info("Cette offre est déjà finalisée.")
            return
        offer = self._offer_for_document("de finaliser")
        if offer is None:
            return
        try:
            offer.check_finalisable()
        except ComptoirError as exc:
            self.w.bar.error(str(exc))
            return
        # What would stop the finalisation is said now, with what to do, rather than after
        # a « Finaliser ? » the user confirmed for nothing.
        settings = self.backend.settings()
        if not settings.ready_to_number:
            self._no_device_code(settings.missing_labels())
            return
        if not self._predecessor_replaceable(offer):
            return
        try:  # changed by another program since it was read: the screen would not show it
            self.backend.offers.check_unchanged(offer, finalising=True)
        except ChangedElsewhere as exc:
            s.save_refused = True  # as a refused save: Ctrl+S keeps the window's version
            self._finalise_failed(exc)
            return
        question = (
            "L'offre reçoit son numéro et son PDF est figé : elle ne pourra plus être modifiée "
            "(seulement révisée). Finaliser maintenant ?"
        )
        if self._street_missing(offer):
            question = (
                "L'adresse du membre n'a pas de rue : « à compléter » restera à sa place sur le "
                "PDF figé. Pour la saisir d'abord, annulez puis « Modifier… » sur la fiche du "
                f"membre (menu Membre).\n\n{question}"
            )
        missing = settings.missing_labels()
        if missing:
            question = (
                f"L'en-tête n'est pas complet : {', '.join(missing)} resteront « à compléter » "
                "sur le PDF figé. Pour les remplir d'abord, annulez puis ouvrez Fichier > "
                f"Réglages… (Ctrl+,).\n\n{question}"
            )
        today = self.backend.today()
        last = self.backend.offers.last_finalised_day(settings.device_code)
        date_confirmed = last is not None and today < last
        if date_confirmed:  # a clock set back, or the last offer dated on one set ahead
            question = (
                f"La date de cet ordinateur ({today:%d/%m/%Y}) est antérieure à celle de la "
                f"dernière offre finalisée sur cet appareil ({last:%d/%m/%Y}) : l'offre sera "
                f"datée du {today:%d/%m/%Y} et numérotée en {today.year}. Si cette date est "
                "fausse, annulez et corrigez la date de l'ordinateur d'abord ; si elle est "
                f"juste, c'est la dernière offre qui a été datée à tort.\n\n{question}"
            )
        if not self.w.dialogs.confirm(self.w, "Finaliser l'offre", question, yes="Finaliser", no="Annuler"):
            return
        # read before the offer is said to be finalising: a read that fails leaves it editable
        tariff = self.backend.tariff_for(offer.request.tariff)  # what it is priced on
        settings = self.backend.settings()
        self.w.bar.info("Finalisation : numéro et PDF en cours…", timeout_ms=0)
        s.set_finalising(offer.id)
        self.w.runner.run(
            finalise_offer,
            self.backend.db.path,
            offer.id,
            tariff,
            settings,
            today,
            date_confirmed,
            offer,
            on_result=self._finalised,
            on_error=self._finalise_failed,
            name="finalisation",
        )

    def _street_missing(self, offer: Any) -> bool:
        """The member the offer is frozen for has no street in the directory."""
        from desktop.documents.offer import MemberBlock

        member = self.backend.member(offer.member.id) if offer.member is not None else None
        return member is not None and MemberBlock.from_member(member).street_missing

    def _no_device_code(self, missing: tuple[str, ...]) -> None:
        text = (
            "Offre non finalisée : le code de cet appareil n'est pas encore indiqué, et il fait "
            "partie du numéro de l'offre. Indiquez-le dans Fichier > Réglages… (Ctrl+,), champ "
            "« Code de cet appareil » (par exemple LAP1), puis finalisez."
        )
        if missing:
            text += f" Complétez-y aussi l'en-tête : {', '.join(missing)}."
        self.w.bar.show_message(
            text, Level.ERROR, actions=(("Réglages…", partial(self.w.open_settings, "device_code")),)
        )

    def _predecessor_replaceable(self, offer: Any) -> bool:
        """A revision replaces the offer it revises: not if that one was accepted, refused or
        replaced meanwhile (another laptop, the offers list). Said before the confirmation."""
        if not offer.predecessor:
            return True
        today = self.backend.today()
        previous = None
        try:
            previous = self.backend.offers.find(offer.predecessor)
            if previous is None:
                return True  # the store says what is wrong, as it finalises
            check_revisable(previous.state, previous.valid_until, today)
        except ComptoirError:
            if previous is None:
                return True
            self.w.bar.error(
                "Offre non finalisée : cette révision ne peut plus remplacer l'offre "
                f"{offer.predecessor}, devenue « {previous.state_on(today).label} » entre-temps. "
                "Le brouillon est gardé : dupliquez-le (Offres enregistrées) pour en faire une "
                "nouvelle offre."
            )
            return False
        return True

    def _finalised(self, frozen: Any) -> None:
        s = self.session
        s.set_finalising(None)
        message = (
            f"Offre {frozen.number} finalisée, valable jusqu'au {self.w.money.date(frozen.valid_until)}"
        )
        if s.offer is not None and s.offer.id == frozen.id:
            s.open_offer(frozen)
            self.w.bar.success(f"{message} : imprimez-la ou enregistrez-la en PDF.")
        else:  # the user went to another offer meanwhile: stay there
            self.w.bar.show_message(
                f"{message}.", Level.SUCCESS, actions=(("Ouvrir", partial(self._open_finalised, frozen.id)),)
            )
        self.w.refresh_offers()

    def _open_finalised(self, offer_id: str) -> None:
        self.w.open_offer(offer_id)  # as from the list: not while the draft shown is unsaved

    def _finalise_failed(self, error: BaseException) -> None:
        shown = self.session.finalising  # not when the user went to another offer meanwhile
        self.session.set_finalising(None)
        if isinstance(error, ChangedElsewhere) and shown:  # as a refused save: Ctrl+S keeps it
            self.session.save_refused = True
        if isinstance(error, ComptoirError):
            message = f"Offre non finalisée : {error}"
            if "réglages" in str(error):
                self.w.bar.show_message(message, Level.ERROR, actions=(("Réglages…", self.w.open_settings),))
            else:
                self.w.bar.error(message)
            return
        raise error

    def contract(self) -> None:
        """The "Bon de commande" of an accepted offer: its dates (and its term, when its wording
        prints one) asked first; producing it converts the offer. Once established, it is given
        again as it was printed; one converted before order forms were kept is made again with
        the dates recorded at its conversion, shown and not changed."""
        from desktop.core.offers import accepted_on, recorded_contract
        from desktop.documents.contract import check_contractable, order_conditions, prints_term
        from desktop.store.templates_repo import TemplateRepository
        from desktop.ui.contract_form import ContractChoice, ContractForm

        offer = self.session.offer
        if offer is None:
            return
        if self.issuing is not None:  # two order forms for one acceptance: never
            self.w.bar.info("Un bon de commande est en préparation : attendez son aperçu.")
            return
        asking = self.contract_form
        if asking is not None and isValid(asking) and asking.isVisible():  # a click too many
            asking.activateWindow()
            return
        try:
            quote = check_contractable(offer, self.backend.today())
        except ComptoirError as exc:
            self.w.bar.error(str(exc))
            return
        try:  # established already: given again as it was printed, whatever changed since
            kept = self.backend.offers.order_form(offer.id) if offer.state is OfferState.CONVERTIE else None
            history = self.backend.offers.audit(offer.id) if kept is None else ()
            # the term is asked when the wording prints it for this order (not for days of service)
            term = kept is None and prints_term(TemplateRepository(self.backend.db).get("contrat").parsed(), quote)
        except ComptoirError as exc:
            self.w.bar.error(str(exc))
            return
        if kept is not None:
            printed: bytes = kept[0]
            self._show_contract(offer, lambda: printed)
            return
        today = self.backend.today()
        accepted = accepted_on(history)
        recorded = recorded_contract(history)
        proposed = ContractChoice(*recorded) if recorded else ContractChoice(today, today, 1)
        offered = offer.finalised_on
        form = ContractForm(
            offer.number or "", proposed, lambda choice: self._make_contract(offer, choice), self.w,
            again=recorded is not None, offered=offered, accepted=accepted,
            renewed=order_conditions(quote)["cout_annuel"], term=term,
        )
        self.contract_form = form
        form.open()

    def _make_contract(self, offer: Any, choice: Any) -> None:
        try:
            make, version = contract_pdf_maker(self.backend, offer, choice.issued, choice.start, choice.years)
        except ComptoirError as exc:
            self.w.bar.error(str(exc))
            return
        shown = self._show_contract(offer, make)
        if offer.state is not OfferState.ACCEPTEE:  # converted before order forms were kept
            shown.when_ready(lambda: self._keep(offer, shown.pdf, version))
        if offer.state is OfferState.ACCEPTEE:  # converted once the document exists, not before
            self.issuing = offer.id
            shown.when_ready(lambda: self._converted(offer, choice, shown.pdf, version))
            shown.failed.connect(lambda message: self._not_issued(offer, message))
            shown.window().destroyed.connect(
                lambda *_: self._not_issued(offer, "l'aperçu a été fermé avant d'être prêt.")
            )

    def _show_contract(self, offer: Any, make: Callable[[], bytes]) -> Any:
        from desktop.ui import preview

        self.preview_widget = shown = preview.show_preview(
            self.w,
            self.w.runner,
            make,
            suggested_name=f"bon-de-commande-{offer.number}.pdf",
            dialogs=self.w.dialogs,
            title="Bon de commande",
            notify=self._print_outcome,
        )
        return shown

    def _keep(self, offer: Any, pdf: bytes | None, version: int) -> None:
        """The order form of an offer converted before order forms were kept: this one is, and
        is given again from now on."""
        try:
            if pdf is not None:
                self.backend.offers.keep_order_form(offer.id, pdf, version)
        except ComptoirError as exc:
            self.w.bar.error(str(exc))

    def _not_issued(self, offer: Any, why: str) -> None:
        if self.issuing != offer.id:
            return  # issued meanwhile, or already said
        self.issuing = None
        self.w.bar.error(f"Bon de commande non établi : {why} L'offre {offer.number} reste acceptée.")

    def _converted(self, offer: Any, choice: Any, pdf: bytes | None, version: int) -> None:
        from desktop.core.offers import contract_note

        self.issuing = None
        note = contract_note(choice.issued, choice.start, choice.years)  # what it was issued with
        try:  # the document printed is kept with the conversion: given again byte for byte
            self.backend.offers.convert(offer.id, note, pdf, version)
        except ComptoirError as exc:
            self.w.bar.error(str(exc))
            return
        if self.session.offer is not None and self.session.offer.id == offer.id:
            self.session.open_offer(self.backend.get_offer(offer.id))
        self.w.bar.success(
            f"Bon de commande établi : l'offre {offer.number} est convertie. "
            "Imprimez-le ou enregistrez-le en PDF depuis l'aperçu."
        )
        self.w.refresh_offers()

    def set_state(self, target: OfferState) -> None:
        offer = self.session.offer
        if offer is None:
            return
        reason = ""
        today = self.backend.today()
        if target in (OfferState.REFUSEE, OfferState.ACCEPTEE):
            if target is OfferState.REFUSEE:
                label = "Motif du refus :"
            elif offer.state_on(today) is OfferState.EXPIREE:  # accepted late: say why it is asked
                label = (
                    f"Cette offre a expiré le {self.w.money.date(offer.valid_until)}.\n"
                    "Motif de l'acceptation (obligatoire, par exemple la date de la décision du Collège) :"
                )
            else:
                label = "Motif ou référence de la décision :"
            title = f"Offre {offer.number} {target.label.lower()}"  # « Offre OFF-… acceptée »

            def checked(answer: str) -> str:  # a missing reason: the rule's own words, as on the command line
                reason = answer.strip()
                check_transition(offer.state, target, valid_until=offer.valid_until, today=today, reason=reason)
                return reason

            try:  # a missing reason is asked again; a move the rules refuse is said
                answer = self.w.dialogs.ask_checked_text(self.w, title, label, checked)
            except ComptoirError as exc:
                self.w.bar.error(str(exc))
                return
            if answer is None:
                return
            reason = answer
        try:
            updated = self.backend.offers.set_state(offer.id, target, reason)
        except ComptoirError as exc:
            self.w.bar.error(str(exc))
            return
        self.session.open_offer(self.backend.get_offer(updated.id))
        self.w.bar.success(f"Offre {updated.number} : {target.label.lower()}.")
        self.w.refresh_offers()

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
        self.w.refresh_offers()
