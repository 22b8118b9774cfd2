"""Finalise (off the GUI thread), send, accept or refuse with a reason, revise, contract."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.core.offers import OfferState


def act(window, key):
    window._fill_offer_menu()
    action = window.documents._actions[key]
    assert action.isEnabled(), key
    action.trigger()


def finalise(qtbot, window, dialogs):
    dialogs.script("confirm", True)
    act(window, "finalise")
    qtbot.waitUntil(lambda: window.session.read_only and not window.session.finalising, timeout=10_000)
    return window.session.offer


def test_nothing_changes_the_offer_while_it_is_being_finalised(qtbot, ready_window, dialogs, backend):
    """Between « Finaliser » and the number, an edit (a product, Delete, Ctrl+Z) would be saved
    over the draft being frozen, or refused once it is: it waits, and what is frozen is what
    the user confirmed."""
    w = ready_window
    dialogs.script("confirm", True)
    act(w, "finalise")
    assert w.session.finalising and w.session.read_only  # the worker has not answered yet
    for action in (*w._undo_actions, *w._redo_actions, w.finalise_action):  # menu and tool bar
        assert not action.isEnabled(), action.text()
    assert not w.editor.catalogue.isEnabled() and not w.editor.remove_action.isEnabled()
    assert w.editor.frozen.text() == "Finalisation en cours : l'offre reçoit son numéro et son PDF."
    w.editor.add_product("urban")
    w.session.remove_lines([0])
    w.session.set_years(5)
    assert [line.product for line in w.session.draft.lines] == ["delib", "gpec"]
    qtbot.waitUntil(lambda: not w.session.finalising, timeout=10_000)
    frozen = w.session.offer
    assert frozen.state is OfferState.FINALISEE
    assert [line.product for line in frozen.request.lines] == ["delib", "gpec"]
    assert "non enregistré" not in w.bar.text and "finalisée" in w.bar.text
    assert not any(a.isEnabled() for a in w._undo_actions)  # a frozen offer has nothing to undo
    # nothing left to save or finalise: greyed in the tool bar as in the Offre menu, and said
    assert not w.finalise_action.isEnabled() and not w.save_action.isEnabled()
    assert w.finalise_action.toolTip().startswith("Cette offre n'est plus un brouillon")
    w.new_offer()  # a new draft: both are back
    assert w.finalise_action.isEnabled() and w.save_action.isEnabled()
    assert w.save_action.toolTip() == "Enregistrer le brouillon maintenant (Ctrl+S)"
    w.open_offer(frozen.id)  # reopened from the list
    assert not w.finalise_action.isEnabled() and not w.save_action.isEnabled()


def test_finalising_with_an_incomplete_letterhead_says_what_stays_to_fill(
    qtbot, ready_window, dialogs, backend
):
    dialogs.script("confirm", False)  # the manager goes to fill them in first
    act(ready_window, "finalise")
    assert dialogs.texts[-1].startswith(
        "L'en-tête n'est pas complet : forme juridique, numéro d'entreprise, IBAN resteront"
    )
    assert not ready_window.session.read_only and ready_window.session.offer.number is None
    backend.save_settings(backend.settings().with_changes(
        legal_form="SCRL", enterprise_number="0883964958", iban="BE71 0961 2345 6769"
    ))
    give_a_street(backend, "nivelles")
    finalise(qtbot, ready_window, dialogs)
    assert dialogs.texts[-1].startswith("L'offre reçoit son numéro")


def give_a_street(backend, name):
    member = backend.index.search(name)[0]
    backend.save_member(replace(member, address="Place Albert Ier 2\n1400 Nivelles"))


def test_finalising_for_a_member_without_a_street_says_where_to_give_it(qtbot, ready_window, dialogs, backend):
    """The directory knows no street: the frozen offer handed over read « à compléter » where
    the member's address goes, and nothing had said so before it was frozen."""
    backend.save_settings(backend.settings().with_changes(
        legal_form="SCRL", enterprise_number="0883964958", iban="BE71 0961 2345 6769"
    ))
    dialogs.script("confirm", False)  # the manager goes to give the address first
    act(ready_window, "finalise")
    assert dialogs.texts[-1].startswith(
        "L'adresse du membre n'a pas de rue : « à compléter » restera à sa place sur le PDF figé. "
        "Pour la saisir d'abord, annulez puis « Modifier… » sur la fiche du membre (menu Membre)."
    )
    assert ready_window.session.offer.number is None
    give_a_street(backend, "nivelles")
    finalise(qtbot, ready_window, dialogs)
    assert "adresse" not in dialogs.texts[-1]


def test_finalise_numbers_freezes_and_reads_only(qtbot, ready_window, dialogs, backend):
    w = ready_window
    offer = finalise(qtbot, w, dialogs)
    assert offer.number.startswith("OFF-") and "-LAP1-" in offer.number
    assert offer.state is OfferState.FINALISEE
    assert backend.offers.pdf(offer.id)[:5] == b"%PDF-"
    assert "finalisée" in w.bar.text
    assert w.editor.frozen.isVisible() and not w.editor.catalogue.isEnabled()
    assert not w.editor.catalogue.isVisible()  # nothing can be added: the lines get its room
    w.editor.add_product("urban")  # refused quietly: nothing changes
    assert [line.product for line in w.session.draft.lines] == ["delib", "gpec"]


def test_reopening_the_offer_being_finalised_keeps_it_locked(qtbot, ready_window, dialogs, backend):
    w = ready_window
    dialogs.script("confirm", True)
    act(w, "finalise")  # saves the draft first
    draft_id = w.session.offer.id
    w.session.open_offer(backend.get_offer(draft_id))  # from the offers list, meanwhile
    assert w.session.finalising and w.session.read_only
    w.editor.add_product("urban")
    assert [line.product for line in w.session.draft.lines] == ["delib", "gpec"]
    qtbot.waitUntil(lambda: not w.session.finalising, timeout=10_000)
    assert w.session.offer.state is OfferState.FINALISEE
    assert "non enregistré" not in w.bar.text


def test_going_to_another_offer_while_finalising_stays_there(qtbot, ready_window, dialogs, backend):
    w = ready_window
    dialogs.script("confirm", True)
    act(w, "finalise")  # saves the draft first
    draft_id = w.session.offer.id
    w.new_offer()  # the user starts the next offer at once
    assert not w.session.finalising and not w.session.read_only
    w.editor.add_product("urban")
    qtbot.waitUntil(lambda: backend.get_offer(draft_id).state is OfferState.FINALISEE, timeout=10_000)
    qtbot.waitUntil(lambda: "finalisée" in w.bar.text, timeout=5000)
    assert [line.product for line in w.session.draft.lines] == ["urban"]  # still on the new one
    assert [b.text() for b in w.bar.action_buttons()] == ["Ouvrir"]
    w.bar.action_buttons()[0].click()
    assert w.session.offer.id == draft_id and w.session.offer.state is OfferState.FINALISEE


def test_finalise_without_device_code_says_so_instead_of_asking_to_confirm(qtbot, window, backend, dialogs):
    """The confirmation listed the letterhead gaps, then « Finaliser » failed on the device
    code: a question that could not succeed. Now nothing is asked; the bar says where to set
    the code, and its button opens the settings with the cursor in that field."""
    member = backend.index.search("nivelles")[0]
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    act(window, "finalise")  # no confirmation scripted: asking one would fail the test
    assert dialogs.asked == []
    assert window.bar.text.startswith("Offre non finalisée : le code de cet appareil n'est pas encore indiqué")
    assert "Fichier > Réglages… (Ctrl+,), champ « Code de cet appareil » (par exemple LAP1)" in window.bar.text
    assert "forme juridique, numéro d'entreprise, IBAN" in window.bar.text  # to fill while there
    assert not window.session.read_only and not window.session.finalising
    assert window.session.offer.number is None
    (button,) = window.bar.action_buttons()
    assert button.text() == "Réglages…"
    button.click()
    dialog = window._settings_dialog
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.fields["device_code"]
    dialog.fields["device_code"].setText("LAP1")
    dialog.ok_button.click()
    finalise(qtbot, window, dialogs)
    assert window.session.offer.number.startswith("OFF-") and "-LAP1-" in window.session.offer.number


def test_a_revision_whose_offer_was_accepted_meanwhile_is_not_offered_to_finalise(
    qtbot, ready_window, dialogs, backend
):
    w = ready_window
    offer = finalise(qtbot, w, dialogs)
    act(w, "revise")
    revision = w.session.offer
    backend.offers.set_state(offer.id, OfferState.ENVOYEE)
    backend.offers.set_state(offer.id, OfferState.ACCEPTEE, "Collège du 12/03")  # another screen
    asked = len(dialogs.asked)
    act(w, "finalise")
    assert len(dialogs.asked) == asked  # no « Finaliser ? » that the store would refuse
    assert w.bar.text == (
        f"Offre non finalisée : cette révision ne peut plus remplacer l'offre {offer.number}, "
        "devenue « Acceptée » entre-temps. Le brouillon est gardé : dupliquez-le (Offres "
        "enregistrées) pour en faire une nouvelle offre."
    )
    assert backend.get_offer(revision.id).is_draft


def test_send_refuse_needs_a_reason(qtbot, ready_window, dialogs, backend):
    w = ready_window
    offer = finalise(qtbot, w, dialogs)
    act(w, "envoyee")
    assert w.session.offer.state is OfferState.ENVOYEE
    dialogs.script("ask_text", "", None)  # no reason: asked again, then cancelled
    act(w, "refusee")
    assert dialogs.labels[-1].startswith("Indiquez le motif du refus")
    assert backend.get_offer(offer.id).state is OfferState.ENVOYEE
    dialogs.script("ask_text", "budget 2027 non voté")
    act(w, "refusee")
    assert backend.get_offer(offer.id).state is OfferState.REFUSEE
    assert backend.offers.audit(offer.id)[-1].why == "budget 2027 non voté"


def test_accept_then_contract_converts(qtbot, ready_window, dialogs, backend):
    w = ready_window
    offer = finalise(qtbot, w, dialogs)
    # the next step of the offer's life is said, as for an accepted one
    assert w.editor.frozen.text().endswith(
        "Une fois remise au membre, marquez-la comme envoyée ; pour la modifier, révisez-la (menu Offre)."
    )
    act(w, "envoyee")
    assert w.editor.frozen.text().endswith(
        "Sa réponse venue, marquez-la comme acceptée ou refusée ; pour la modifier, révisez-la (menu Offre)."
    )
    dialogs.script("ask_text", "délibération du Collège du 12/03")
    act(w, "acceptee")
    assert w.session.offer.state is OfferState.ACCEPTEE
    assert "faites une nouvelle offre (Ctrl+N)" in w.editor.frozen.text()  # not « révisez-la »
    assert "Établissez son bon de commande (menu Offre)" in w.editor.frozen.text()  # the next step
    act(w, "contract")
    w.documents.contract_form.ok_button.click()  # the dates and term as proposed
    qtbot.waitUntil(lambda: w.documents.preview_widget.ready, timeout=15_000)
    assert w.documents.preview_widget.pdf[:5] == b"%PDF-"
    assert backend.get_offer(offer.id).state is OfferState.CONVERTIE
    assert w.editor.frozen.text() == (
        f"Offre {offer.number} — convertie : elle ne change plus. "
        "Son bon de commande est établi (menu Offre)."
    )
    w.documents.preview_widget.window().close()


def test_revise_opens_a_v2_draft(qtbot, ready_window, dialogs, backend):
    w = ready_window
    offer = finalise(qtbot, w, dialogs)
    act(w, "revise")
    draft = w.session.offer
    assert draft.is_draft and draft.predecessor == offer.number and draft.version == 2
    assert not w.session.read_only
    assert f"Révision de {offer.number} (brouillon)" in w.editor.header.text()  # of which offer
    w.editor.add_product("urban")
    assert w.session.save_now()
    assert [line.product for line in backend.get_offer(draft.id).request.lines] == ["delib", "gpec", "urban"]
    # the offers list shows what changed since v1, and the history
    w.show_offers()
    offers = w.offers_list
    assert offers.select_offer(draft.id)
    text = offers.details.toPlainText()
    assert f"Par rapport à {offer.number}" in text and "iA.Urban" in text
    assert "Historique" in text and "Révision" in text


def test_preview_and_save_pdf_of_the_draft(qtbot, ready_window, dialogs, tmp_path):
    w = ready_window
    w.preview_action.trigger()
    qtbot.waitUntil(lambda: w.documents.preview_widget is not None and w.documents.preview_widget.ready,
                    timeout=15_000)
    preview = w.documents.preview_widget
    assert preview.document.pageCount() >= 1
    assert w.session.offer is not None  # the draft was saved before printing
    preview.window().close()
    target = tmp_path / "projet.pdf"
    dialogs.script("save_file", str(target))
    w.pdf_action.trigger()  # "Enregistrer en PDF…": preview, then the save question
    qtbot.waitUntil(target.exists, timeout=15_000)
    assert target.read_bytes()[:5] == b"%PDF-"
    w.documents.preview_widget.window().close()


def test_print_goes_through_the_injected_dialog(qtbot, ready_window, dialogs):
    w = ready_window
    asked = []
    dialogs.print_setup = lambda parent, printer: asked.append(printer) or False  # cancelled
    w.print_action.trigger()
    qtbot.waitUntil(lambda: bool(asked), timeout=15_000)
    w.documents.preview_widget.window().close()


def test_a_draft_preview_is_named_after_its_member_and_day(qtbot, ready_window, backend):
    """Every draft used to be « projet-offre.pdf »: saving two overwrote the first."""
    ready_window.documents.preview()
    preview = ready_window.documents.preview_widget
    qtbot.waitUntil(lambda: preview.ready, timeout=15_000)
    name = f"projet-offre Nivelles {backend.today():%Y-%m-%d}.pdf"
    assert preview.suggested_name == name
    assert preview.window().windowTitle() == f"Aperçu — {name[:-4]}"
    preview.window().close()


def test_an_offer_past_its_validity_reads_expired_and_is_accepted_late_with_a_reason(
    qtbot, ready_window, dialogs, backend
):
    """Past its validity a sent offer reads « Expirée » in the editor as in its banner and the
    offers list (the editor said « Envoyée »); accepting it then asks for a reason, and says why."""
    from datetime import datetime, time, timedelta

    w = ready_window
    offer = finalise(qtbot, w, dialogs)
    act(w, "envoyee")
    later = offer.valid_until + timedelta(days=1)
    backend.today = lambda: later
    backend.offers.clock = lambda: datetime.combine(later, time(12)).astimezone()
    w.open_offer(offer.id)
    assert w.editor.status.text() == "Expirée"
    assert w.editor.frozen.text().startswith(f"Offre {offer.number} — expirée")
    # a late answer is common (a Collège meets monthly): the banner says it is still marked
    assert w.editor.frozen.text().endswith(
        "Une réponse tardive se marque encore : acceptée (avec sa raison) ou refusée ; pour la "
        "modifier, révisez-la (menu Offre)."
    )
    w.show_offers()
    model = w.offers_list.model
    assert model.data(model.index(model.row_of(offer.id), 7)) == "Expirée"
    w.open_offer(offer.id)

    ended = offer.valid_until.strftime("%d/%m/%Y")
    dialogs.script("ask_text", "", "délibération du Collège du 12/02, reçue tard")
    act(w, "acceptee")
    assert dialogs.labels[-2].startswith(f"Cette offre a expiré le {ended}.")
    assert dialogs.labels[-1].startswith(
        f"Cette offre a expiré le {ended}. Pour l'accepter quand même, indiquez un motif"
    )
    assert backend.get_offer(offer.id).state is OfferState.ACCEPTEE
    assert w.editor.status.text() == "Acceptée"


def test_finalising_an_offer_without_products_says_finalise_not_print(qtbot, window, backend, dialogs):
    """« Finaliser » of the tool bar on an offer with no product said « … avant d'imprimer »."""
    member = backend.index.search("nivelles")[0]
    window.members.member_opened.emit(member.id)
    assert window.finalise_action.isEnabled()
    window.finalise_action.trigger()
    assert window.bar.text == "Choisissez un membre et ajoutez au moins un produit avant de finaliser."
    assert dialogs.asked == [] and window.session.offer is None
    window.preview_action.trigger()
    assert window.bar.text == "Choisissez un membre et ajoutez au moins un produit avant d'imprimer."


def test_the_offers_list_left_on_screen_overnight_shows_what_expired(
    qtbot, ready_window, dialogs, backend
):
    """The list on screen kept « Envoyée » for an offer that expired at midnight until someone
    reloaded it; the window's minute timer now refreshes it on a new day."""
    from datetime import datetime, time, timedelta

    w = ready_window
    offer = finalise(qtbot, w, dialogs)
    act(w, "envoyee")
    w.show_offers()
    model = w.offers_list.model
    assert model.data(model.index(model.row_of(offer.id), 7)) == "Envoyée"
    later = offer.valid_until + timedelta(days=1)
    backend.today = lambda: later
    backend.offers.clock = lambda: datetime.combine(later, time(0, 1)).astimezone()

    w.follow_the_date()  # what the window's timer does every minute

    assert model.data(model.index(model.row_of(offer.id), 7)) == "Expirée"


def test_a_closed_window_stops_following_the_date(ready_window):
    """A window closed (replaced by a restore, or at the end of a test) kept its minute timer,
    which read the closed database and logged errors."""
    assert ready_window.calendar_timer.isActive()
    ready_window.close()
    assert not ready_window.calendar_timer.isActive()


def test_a_date_before_the_last_offer_is_said_before_finalising_and_confirmed(
    qtbot, ready_window, dialogs, backend
):
    """The last offer of this laptop bears a later day than today's (its clock was ahead then,
    or is behind now): « Finaliser » says so and what the offer will bear; confirmed, it is
    numbered (the store alone refuses such a day)."""
    from datetime import UTC, datetime

    from desktop.core.quote import LineRequest
    from desktop.ui.backend import Draft

    w = ready_window
    member = w.session.member
    draft = Draft(member_id=member.id, lines=(LineRequest("delib", {}),))
    ahead = backend.save_draft(None, draft, backend.quote(draft))
    real = backend.offers.clock
    backend.offers.clock = lambda: datetime(2099, 1, 1, 10, tzinfo=UTC)
    assert backend.offers.finalise(ahead.id, lambda o: b"%PDF-1.4 essai").number == "OFF-2099-LAP1-0001"
    backend.offers.clock = real

    second = finalise(qtbot, w, dialogs)

    today = backend.today()
    assert dialogs.texts[-1].startswith(
        f"La date de cet ordinateur ({today:%d/%m/%Y}) est antérieure à celle de la dernière "
        f"offre finalisée sur cet appareil (01/01/2099) : l'offre sera datée du {today:%d/%m/%Y}"
    )
    assert second.number == f"OFF-{today.year}-LAP1-0001"


@pytest.mark.parametrize("action", ["pdf_action", "print_action", "preview_action"])
def test_a_document_asked_twice_before_its_preview_is_ready_opens_once(
    qtbot, ready_window, dialogs, tmp_path, action
):
    """A double click on « Enregistrer en PDF » opened two previews, each then asking where to
    save (the second question stacked on the first, both files the same PDF); « Imprimer »
    asked twice for the printer."""
    from desktop.ui.preview import _OPEN_WINDOWS

    w = ready_window
    asked = []
    dialogs.print_setup = lambda parent, printer: asked.append(printer) or False
    dialogs.script("save_file", str(tmp_path / "offre.pdf"))
    before = set(_OPEN_WINDOWS)
    getattr(w, action).trigger()
    getattr(w, action).trigger()
    assert w.bar.text == "Un aperçu est déjà en préparation : patientez un instant."
    preview = w.documents.preview_widget
    qtbot.waitUntil(lambda: preview.ready, timeout=15_000)
    qtbot.wait(100)
    assert len(_OPEN_WINDOWS - before) == 1
    assert len(asked) == (action == "print_action")
    assert [kind for kind, _title in dialogs.asked] == (["save_file"] if action == "pdf_action" else [])
    preview.window().close()
    w.preview_action.trigger()  # once shown, a document is asked for again as ever
    assert w.documents.preview_widget is not preview
    qtbot.waitUntil(lambda: w.documents.preview_widget.ready, timeout=15_000)
    w.documents.preview_widget.window().close()


def test_a_greyed_step_of_the_offre_menu_says_what_comes_first(qtbot, ready_window, dialogs):
    """Greyed in the Offre menu, a step says on the pointer what enables it: a newcomer whose
    draft cannot be « envoyée » learns it is finalised first, not left to guess."""
    w = ready_window
    assert w.offer_menu.toolTipsVisible()

    def tips() -> dict[str, tuple[bool, str]]:
        w._fill_offer_menu()
        return {key: (a.isEnabled(), a.toolTip()) for key, a in w.documents._actions.items()}

    draft = tips()
    assert draft["finalise"] == (True, "Numéroter l'offre et figer son PDF : elle ne change plus")
    for key in ("envoyee", "acceptee", "refusee", "contract"):
        enabled, tip = draft[key]
        assert not enabled and tip.startswith("Finalisez d'abord l'offre (Finaliser…)"), key
    assert draft["revise"][1] == "Impossible de réviser une offre « Brouillon » : un brouillon se modifie directement."
    finalise(qtbot, w, dialogs)
    final = tips()
    assert final["finalise"] == (False, "Cette offre est déjà finalisée : elle ne change plus.")
    assert final["envoyee"] == (True, "L'offre a été remise ou envoyée au membre")
    assert final["acceptee"][1] == "Marquez d'abord l'offre comme envoyée (remise au membre)."
    assert final["contract"][1].startswith("Le bon de commande suit l'acceptation")
    act(w, "envoyee")
    dialogs.script("ask_text", "délibération du Collège du 12/03")
    act(w, "acceptee")
    accepted = tips()
    assert accepted["contract"] == (True, "Le bon de commande d'une offre acceptée ; ensuite, redonné tel qu'établi")
    assert accepted["refusee"][1] == "Cette offre est déjà acceptée : son état ne change plus ici."
    w.new_offer()  # nothing in it yet
    assert tips()["finalise"] == (False, "Ajoutez d'abord au moins un produit à l'offre.")


def test_on_an_offer_with_no_line_the_greyed_steps_send_to_adding_products(qtbot, window):
    """« Marquer comme envoyée » said « Finalisez d'abord » beside a « Finaliser » greyed too:
    on an offer with no line yet, the step before is adding products."""
    window._fill_offer_menu()
    actions = window.documents._actions
    assert actions["finalise"].toolTip() == "Ajoutez d'abord au moins un produit à l'offre."
    for key in ("envoyee", "acceptee", "refusee", "contract"):
        assert not actions[key].isEnabled(), key
        assert actions[key].toolTip().startswith("Ajoutez d'abord des produits, puis finalisez"), key
