"""The offer being edited: its draft, its quote, undo/redo and autosave.

Every edit replaces the ``Draft`` value through an undo command, so undo/redo cover all of
them; the engine re-prices the draft after each change, and the draft is written to the store
at most ``AUTOSAVE_MS`` after an edit, however many follow (closing or a crash flushes it at
once).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop.core.categories import CategoryDecision
from desktop.core.errors import ComptoirError, InvalidInput, RuleViolation
from desktop.core.inputs import override_reason
from desktop.core.members import Member
from desktop.core.quote import LineRequest, Quote
from desktop.ui.backend import Backend, Draft

log = logging.getLogger(__name__)

AUTOSAVE_MS = 500  # well under the one second a crash may cost
# steps Édition > Annuler goes back: members looked up on an empty offer at the booth add one
# each, all day long, and the oldest go once this many are kept
UNDO_LIMIT = 100

NOT_PRICED = (
    "Cette modification n'a pas pu être chiffrée : elle n'est pas appliquée et l'offre reste "
    "telle qu'elle était. Le détail est dans le journal."
)


class DraftCommand(QUndoCommand):
    def __init__(self, session: OfferSession, before: Draft, after: Draft, text: str) -> None:
        super().__init__(text)
        self._session = session
        self._before = before
        self._after = after

    def redo(self) -> None:
        self._session._step(self._after)

    def undo(self) -> None:
        self._session._step(self._before)

    def names(self, member_id: str) -> bool:
        """The step makes the offer ``member_id``'s, or undoes that."""
        return member_id in (self._before.member_id, self._after.member_id)


class OfferSession(QObject):
    changed = Signal()  # draft and quote updated
    saved = Signal(object)  # the stored Offer, after an autosave
    save_failed = Signal(str)  # French message
    problem = Signal(str)  # the engine refused the draft (French message)
    opened = Signal()  # another offer (or a new one) is now being edited

    def __init__(
        self,
        backend: Backend,
        *,
        on_draft_id: Callable[[str | None], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.backend = backend
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)
        self.draft = Draft()
        self.quote: Quote | None = None
        self.offer: Any = None  # desktop.core.offers.Offer once stored
        self._finalising_id: str | None = None  # the stored draft being frozen right now
        self.error: str = ""
        # the draft just opened, or re-priced on an imported catalogue, had lines the tariff in
        # force no longer has: their names
        self.withdrawn: tuple[str, ...] = ()
        self.save_error: str = ""  # why the last save failed; empty once one succeeds
        # the store refused the draft itself (finalised or changed elsewhere), no fault of the
        # disk: trying again as it is would not help, ``save_error`` says what does
        self.save_refused = False
        self.stepping = False  # True while an edit, its undo or its redo is shown
        self._dirty = False
        self._priced: tuple[Draft, Quote | None] | None = None  # the edit being applied
        self._on_draft_id = on_draft_id or (lambda _id: None)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.save_now)

    # -- state ---------------------------------------------------------------------------
    @property
    def member(self) -> Member | None:
        if self.offer is not None and not self.offer.is_draft:  # as frozen: renamed since or not
            frozen: Member | None = self.offer.member
            return frozen
        return self.backend.member(self.draft.member_id) if self.draft.member_id else None

    @property
    def decision(self) -> CategoryDecision | None:
        member = self.member
        return self.backend.decision(member) if member is not None else None

    @property
    def finalising(self) -> bool:
        """The offer shown is being finalised: every edit (undo and redo included) waits, as an
        edit saved meanwhile would be refused, or frozen instead of what the user confirmed."""
        return self.offer is not None and self.offer.id == self._finalising_id

    @property
    def finalisation_running(self) -> bool:
        """An offer is being finalised on the worker, shown or not (the user may have gone to
        another offer meanwhile): its number and PDF are being written to the database."""
        return self._finalising_id is not None

    @property
    def read_only(self) -> bool:
        return self.finalising or (self.offer is not None and not self.offer.is_draft)

    def set_finalising(self, offer_id: str | None) -> None:
        """``offer_id`` is being finalised (None: no longer), wherever the user goes meanwhile."""
        self._finalising_id = offer_id
        self.changed.emit()

    @property
    def dirty(self) -> bool:
        return self._dirty

    # -- edits (each one undoable) -------------------------------------------------------
    def apply(self, after: Draft, text: str) -> None:
        """Make ``after`` the draft, undoably, once it prices. An edit the engine cannot price
        is refused with a message and the draft stays as it was: kept, it would fail again at
        every later edit (and at every undo). While the draft already has a problem, an edit
        the engine refuses too is let through, so that the user can still undo or fix it."""
        if self.read_only or after == self.draft:
            return
        try:
            quote = self.backend.quote(after)
        except ComptoirError as exc:
            if not self.error:
                self.problem.emit(f"Modification non appliquée : {exc}")
                return
            self._priced = None
        except Exception:  # an engine failure must not enter the draft, nor its history
            log.exception("Modification « %s » impossible à chiffrer : refusée", text)
            self.problem.emit(NOT_PRICED)
            return
        else:
            self._priced = (after, quote)
        self.undo_stack.push(DraftCommand(self, self.draft, after, text))

    def set_member(self, member_id: str) -> None:
        member = self.backend.member(member_id)
        name = member.display_name if member else member_id
        self.apply(replace(self.draft, member_id=member_id), f"Membre : {name}")

    def add_line(self, product: str, params: Mapping[str, Decimal]) -> None:
        line = LineRequest(product, dict(params))
        name = self.backend.product(product).name
        self.apply(replace(self.draft, lines=(*self.draft.lines, line)), f"Ajouter {name}")

    def edit_line(self, row: int, params: Mapping[str, Decimal]) -> None:
        lines = list(self.draft.lines)
        lines[row] = replace(lines[row], params=dict(params))
        name = self.backend.product(lines[row].product).name
        self.apply(replace(self.draft, lines=tuple(lines)), f"Modifier {name}")

    def remove_lines(self, rows: list[int]) -> None:
        keep = tuple(line for i, line in enumerate(self.draft.lines) if i not in set(rows))
        if len(rows) == 1:
            text = f"Retirer {self.backend.product(self.draft.lines[rows[0]].product).name}"
        else:
            text = f"Retirer {len(rows)} lignes"
        self.apply(replace(self.draft, lines=keep), text)

    def set_years(self, years: int) -> None:
        self.apply(replace(self.draft, years=years), f"Budget sur {years} an{'s' if years > 1 else ''}")

    def set_indexation(self, indexation: Decimal) -> None:
        self.apply(replace(self.draft, indexation=indexation), "Hypothèse d'indexation")

    def set_override(self, code: str, reason: str | None) -> None:
        overrides = dict(self.draft.overrides)
        if reason:
            try:
                reason = override_reason(reason)
            except InvalidInput as exc:
                self.problem.emit(f"{exc} La dérogation n'est pas enregistrée.")
                return
            overrides[code] = reason
            text = "Passer outre un point bloquant"
        else:
            overrides.pop(code, None)
            text = "Retirer la dérogation"
        self.apply(replace(self.draft, overrides=overrides), text)

    def refresh(self) -> None:
        """Re-price after a change outside the draft (member edited, category chosen)."""
        self._set(self.draft, touch=self.draft.member_id is not None)

    def requote(self) -> None:
        """Show the draft priced on the catalogue in force now (after a catalogue import),
        without writing it: the stored draft changes at the next edit. Lines of products the
        catalogue no longer has are left out, as when the draft is opened (``withdrawn``)."""
        draft = self.draft
        self.withdrawn = ()
        if not self.read_only:
            lines, self.withdrawn = self.in_force(draft.lines, self.quote)
            if self.withdrawn:  # an undo would bring back a line nothing can price
                self.undo_stack.clear()
                draft = replace(draft, lines=lines)
        self._set(draft, touch=False)

    def forget_member(self, member_id: str) -> None:
        """``member_id`` left the directory: an undo (or redo) of a step that named it would
        make the offer its again, and the offer would be saved for no one. The history goes,
        as its steps are undone in order."""
        steps = (self.undo_stack.command(i) for i in range(self.undo_stack.count()))
        if any(isinstance(step, DraftCommand) and step.names(member_id) for step in steps):
            self.undo_stack.clear()

    # -- opening -------------------------------------------------------------------------
    def new(self, draft: Draft | None = None) -> bool:
        """Start ``draft``, an empty offer (``Backend.new_draft``); False (the offer shown kept)
        when its last edit cannot be written: opening another would lose it, its undo history
        with it."""
        if not self.save_now():
            return False
        self._open(draft if draft is not None else self.backend.new_draft(), None)
        return True

    def open_offer(self, offer: Any) -> bool:
        """Edit a stored offer (a draft), or show a finalised one read-only; False, as ``new``,
        while the offer shown cannot be saved."""
        if not self.save_now():
            return False
        shown = self.offer
        if offer.is_draft and shown is not None and shown.id == offer.id and shown.updated > offer.updated:
            # the draft on screen, read by the caller before its last edit was just saved:
            # opened as written, not as it was (the edit gone from the screen)
            offer = shown
        req = offer.request
        lines: tuple[LineRequest, ...] = tuple(req.lines)
        gone: tuple[str, ...] = ()
        if offer.is_draft:  # a product head office withdrew: shown without it, and said
            lines, gone = self.in_force(lines, offer.quote)
        self.backend.know_offer_member(offer.member)
        draft = Draft(
            member_id=offer.member.id if offer.member else None,
            lines=lines,
            years=req.years,
            indexation=req.indexation,
            overrides=dict(req.overrides),
        )
        self._open(draft, offer, gone)
        return True

    def in_force(
        self, lines: tuple[LineRequest, ...], quote: Quote | None
    ) -> tuple[tuple[LineRequest, ...], tuple[str, ...]]:
        """The lines whose product the tariff in force has, and the names of the others (as
        ``quote``, priced before, called them)."""
        products = self.backend.tariff.products
        names = {q.product: q.name for q in quote.lines} if quote else {}
        gone = tuple(names.get(x.product, x.product) for x in lines if x.product not in products)
        return tuple(x for x in lines if x.product in products), gone

    def _open(self, draft: Draft, offer: Any, withdrawn: tuple[str, ...] = ()) -> None:
        """``withdrawn``: the names of the lines left out of ``draft`` (``open_offer``); any
        other opening has none, and says none."""
        self._timer.stop()
        self._dirty = False
        # a refusal said for the offer shown before (a finalisation refused for a change made
        # elsewhere leaves nothing unsaved) is not one said for this one
        self.save_error = ""
        self.save_refused = False
        self.withdrawn = withdrawn
        self.offer = offer
        self.undo_stack.clear()
        self._set(draft, touch=False)
        self._on_draft_id(offer.id if offer is not None and offer.is_draft else None)
        self.opened.emit()

    def _step(self, draft: Draft) -> None:
        """The draft one step on (an edit, or its undo or redo), not another offer opened."""
        self.stepping = True
        try:
            self._set(draft)
        finally:
            self.stepping = False

    def _set(self, draft: Draft, touch: bool = True) -> None:
        self.draft = draft
        priced, self._priced = self._priced, None
        try:
            if self.read_only and self.offer.quote is not None:
                self.quote = self.offer.quote  # frozen: the prices it was sent with
            elif priced is not None and priced[0] is draft:
                self.quote = priced[1]  # priced by ``apply`` a moment ago
            else:
                self.quote = self.backend.quote(draft)
            self.error = ""
        except ComptoirError as exc:
            self.quote = None
            self.error = str(exc)
            self.problem.emit(self.error)
        if touch and not self.read_only:
            self._dirty = True
            if not self._timer.isActive():  # put off by every edit, it never came in a burst
                self._timer.start()
        self.changed.emit()

    # -- saving --------------------------------------------------------------------------
    @property
    def stored_when_saved(self) -> bool:
        """Looking a member up is not starting an offer: a draft is stored from its first
        line on, then every edit is saved, down to undoing it back to nothing (else the
        stored draft would come back with the lines the screen no longer shows)."""
        return self.offer is not None or bool(self.draft.lines)

    def save_now(self, *, force: bool = False, overwrite: bool = False) -> bool:
        """Write the draft now if it changed (or anyway with ``force``: Ctrl+S, a draft the
        store does not hold yet, one shown re-priced but stored as it was); True when the
        store has the latest edit. ``overwrite`` (Ctrl+S, once a refusal was said): over a
        stored draft another program changed or deleted meanwhile, which every other save
        refuses."""
        self._timer.stop()
        if force and not self.read_only:
            self._dirty = True
        if not self._dirty or self.read_only:
            return True
        if not self.stored_when_saved:
            self._dirty = False
            return True
        try:
            offer = self.backend.save_draft(self.offer, self.draft, self.quote, overwrite=overwrite)
        except ComptoirError as exc:
            log.warning("Brouillon non enregistré : %s", exc)
            self.save_error = str(exc)
            self.save_refused = isinstance(exc, RuleViolation)
            self.save_failed.emit(str(exc))
            return False
        first = self.offer is None
        self.offer = offer
        self.save_error = ""
        self.save_refused = False
        self._dirty = False
        if first:
            self._on_draft_id(offer.id)
        self.saved.emit(offer)
        return True

    def drop_unsaved(self) -> None:
        """The user lets go the edit the store refused: the next opening no longer waits for it."""
        self._timer.stop()
        self._dirty = False
        self.save_error = ""
        self.save_refused = False

    def forget_offer(self, offer_id: str) -> None:
        """The stored draft was deleted elsewhere (offers list): start a new one."""
        if self.offer is not None and self.offer.id == offer_id:
            self._dirty = False
            self._open(self.backend.new_draft(), None)
