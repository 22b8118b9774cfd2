"""Editing, creating and categorising members: what is wrong is said next to the field."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QLabel

from desktop.core.members import Headcount, MemberKind


def show(window, text):
    member = window.backend.index.search(text)[0]
    window.members.show_member(member.id)
    return member


def create_intercommunale(window, agents: str):
    """« IDEA Test » with ``agents`` typed in, submitted; the dialog."""
    window.members.create_member()
    dialog = window.members.dialog
    dialog.name.setText("IDEA Test")
    dialog.source.setText("rapport annuel 2025")
    dialog.agents.setText(agents)
    dialog.ok_button.click()
    return dialog


def test_population_correction_needs_a_source_then_changes_the_category(qtbot, window, backend):
    member = show(window, "nivelles")
    assert backend.decision(member).category == "Cat 5"
    window.members.edit_member()
    dialog = window.members.dialog
    dialog.size_field.setText("41 000")
    dialog.ok_button.click()
    assert dialog.isVisible()
    assert "source" in dialog.errors.message("source")
    dialog.source.setText("Statbel 1/1/2026")
    dialog.as_of.setDate(QDate(2026, 1, 1))
    dialog.ok_button.click()
    assert not dialog.isVisible()
    saved = backend.member(member.id)
    assert saved.size.value == 41_000 and saved.size.as_of == date(2026, 1, 1)
    assert saved.reference_size.value != 41_000  # the reference is kept
    card = window.members.card
    assert card.category.text() == "Catégorie 6"
    assert "41" in card.size_label.text() and "référence" in card.size_label.text()
    assert "corrigé" in card.trace.text().lower()


def said_then_undone(window, name: str, moved: str, moved_back: str) -> None:  # type: ignore[no-untyped-def]
    """The bar after a member's edit says what moved in the offer on screen; its « Annuler la
    modification » says the way back."""
    recalculated = "L'offre ouverte est recalculée"
    assert window.bar.text == f"{name} : modifications enregistrées. {recalculated} : {moved}."
    window.bar.action_buttons()[0].click()  # « Annuler la modification »
    assert window.bar.text == f"{name} : modification annulée. {recalculated} : {moved_back}."


def test_a_correction_says_what_it_changed_in_the_offer_on_screen(qtbot, window, backend):
    """« Nivelles : modifications enregistrées. » and nothing else, while the open offer had just
    moved to catégorie 6 and 4 426 € more a year: said now, and its undo too."""
    member = show(window, "nivelles")
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    before = window.money.money(window.session.quote.totals.annual)
    window.members.edit_member()
    dialog = window.members.dialog
    dialog.size_field.setText("41 000")
    dialog.source.setText("Statbel 1/1/2026")
    dialog.as_of.setDate(QDate(2026, 1, 1))
    dialog.ok_button.click()
    after = window.money.money(window.session.quote.totals.annual)
    said_then_undone(
        window,
        "Nivelles",
        f"catégorie 6, coût annuel {after} (au lieu de {before})",
        f"catégorie 5, coût annuel {before} (au lieu de {after})",
    )
    window.members.edit_member()  # an edit that moves nothing in the offer says only itself
    window.members.dialog.address.setText("Place Albert Ier 2, 1400 Nivelles")
    window.members.dialog.ok_button.click()
    assert window.bar.text == "Nivelles : modifications enregistrées."


def test_an_offer_priced_on_a_chosen_category_says_its_cost_was_sur_devis_not_0(qtbot, window, backend):
    """A body with no headcount has its offer « Sur devis »: the category chosen by hand prices
    it, and the bar said « au lieu de 0,00 € »; its undo « coût annuel 0,00 € »."""
    member = backend.create_member(kind=MemberKind.INTERCOMMUNALE, name="IDEA Vide")
    window.members.show_member(member.id)
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    window.members.choose_category()
    dialog = window.members.dialog
    dialog.category.setCurrentIndex(dialog.category.findData("Cat 3"))
    dialog.reason.setText("petite structure")
    dialog.ok_button.click()
    priced = window.money.money(window.session.quote.totals.annual)
    said_then_undone(
        window,
        "IDEA Vide",
        f"catégorie 3, coût annuel {priced} (au lieu de sur devis)",
        f"catégorie à choisir, coût annuel sur devis (au lieu de {priced})",
    )


def test_a_police_zone_card_lists_its_communes_with_their_population(qtbot, window, backend):
    """Its category is its most populous commune's: the card shows them all, not only the
    one the trace names."""
    zone = show(window, "5267")
    text = window.members.card.size_label.text()
    # rich text: the figures' no-break spaces are U+00A0, which it never breaks at
    assert text.startswith("44\u00a0443 habitants")  # the zone's own figure first
    assert "Communes (habitants)\u00a0: Nivelles 28\u00a0883, Genappe" in text  # the colon kept on its line
    assert zone.commune_ids
    assert "Chiffre de référence" not in text


def test_a_police_zone_card_says_its_figure_leaves_out_a_commune_s_correction(qtbot, window, backend):
    """Nivelles corrected to 30 000: the zone's card still read « 44 443 habitants » above
    « Nivelles 30 000, Genappe 15 560 », two figures that no longer add up, unexplained."""
    nivelles = window.backend.index.search("nivelles")[0]
    window.backend.save_member(
        nivelles.with_size_correction(30_000, date(2025, 1, 1), "registre communal", today=date(2026, 1, 1))
    )
    show(window, "5267")
    text = window.members.card.size_label.text()
    assert text.startswith("44\u00a0443 habitants")
    assert "Nivelles 30\u00a0000" in text
    assert "Chiffre de référence de la zone\u00a0: la population corrigée de Nivelles n'y est pas comptée." in text


def test_address_and_installed_products(qtbot, window, backend):
    member = show(window, "nivelles")
    window.members.edit_member()
    dialog = window.members.dialog
    dialog.address.setText("Place Albert Ier 2, 1400 Nivelles")
    dialog.product.setCurrentIndex(dialog.product.findData("delib"))
    dialog._add_installed()
    dialog._add_installed()  # twice: refused next to the list
    assert "déjà" in dialog.errors.message("installed")
    dialog.ok_button.click()
    saved = backend.member(member.id)
    assert saved.address == "Place Albert Ier 2, 1400 Nivelles"
    assert [p.product for p in saved.installed] == ["delib"]
    assert window.members.installed_model.rowCount() == 1


def test_a_product_said_installed_while_its_offer_is_open_marks_its_line(qtbot, window, backend):
    """« We already have iA.Délib »: entered on the card, the offer open for the member says
    on the line and in the notices that it may be sold twice; taken off, the mark goes."""
    from desktop.ui.models import QuoteLinesModel

    member = show(window, "nivelles")
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    model = window.editor.lines_model
    assert not model.data(model.index(0, QuoteLinesModel.PRODUCT)).endswith("⚠")
    window.members.edit_member()
    dialog = window.members.dialog
    dialog.product.setCurrentIndex(dialog.product.findData("delib"))
    dialog._add_installed()
    dialog.ok_button.click()
    assert model.data(model.index(0, QuoteLinesModel.PRODUCT)).endswith("⚠")
    assert any("déjà iA.Délib (en production)" in t for t in window.editor.notices.texts())
    window.bar.action_buttons()[0].click()  # « Annuler la modification »
    assert not any("déjà iA.Délib" in t for t in window.editor.notices.texts())


def test_create_an_intercommunale_by_agents(qtbot, window, backend):
    window.members.create_member()
    dialog = window.members.dialog
    dialog.name.setText("IDEA Test")
    dialog.ok_button.click()
    assert "agents" in dialog.errors.message("agents")
    dialog.agents.setText("80")
    dialog.ok_button.click()
    assert "source" in dialog.errors.message("source")
    dialog.source.setText("rapport annuel 2025")
    later = backend.today() + timedelta(days=40)  # a count not made yet
    dialog.as_of.setDate(QDate(later.year, later.month, later.day))
    dialog.ok_button.click()
    assert "dans le futur" in dialog.errors.message("as_of") and dialog.isVisible()
    dialog.as_of.setDate(QDate(2025, 6, 30))
    dialog.ok_button.click()
    assert not dialog.isVisible()
    created = window.members.card.member
    assert created.name == "IDEA Test" and created.kind.value == "intercommunale"
    assert created.size is not None and created.size.as_of == date(2025, 6, 30)
    assert backend.decision(created).category == "Cat 4"
    assert window.session.draft.member_id == created.id  # an empty offer takes it
    assert [m.id for m in backend.index.search("idea test")] == [created.id]


def test_a_created_body_s_name_typed_wrong_is_corrected_in_modifier(qtbot, window, backend):
    """A name mistyped at creation could not be corrected anywhere: « Modifier » had no name
    field. It has one for a body created here (not for the directory's), and a name another
    member has is refused next to it; the offer on screen and the search follow the new one."""
    create_intercommunale(window, "80")
    created = window.members.card.member
    window.editor.add_product("delib")
    assert window.session.save_now()
    show(window, "nivelles")
    window.members.edit_member()
    assert window.members.dialog.name is None  # reference data: not renamed here
    window.members.dialog.discard()
    window.members.show_member(created.id)
    window.members.edit_member()
    dialog = window.members.dialog
    assert dialog.name.text() == "IDEA Test"
    dialog.name.setText("Nivelles")
    dialog.ok_button.click()
    assert dialog.isVisible() and "déjà" in dialog.errors.message("name")
    assert "qui distingue celui-ci" in dialog.errors.message("name")  # renamed, not a new one
    dialog.name.setText("  ")
    dialog.ok_button.click()
    assert dialog.isVisible() and dialog.errors.message("name")
    dialog.name.setText("IDETA Test")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert backend.member(created.id).name == "IDETA Test"
    assert [m.id for m in backend.index.search("ideta test")] == [created.id]
    assert not backend.index.search("idea test", close=False)
    assert backend.offers.get(window.session.offer.id).member.name == "IDETA Test"
    window.members.edit_member()
    window.members.dialog.name.setText("ideta test")  # its own name, in other letters
    window.members.dialog.ok_button.click()
    assert backend.member(created.id).name == "ideta test"


def test_a_finalised_offer_on_screen_keeps_its_frozen_name_when_its_member_is_renamed(
    qtbot, window, backend
):
    """An offer finalised for « IDEA Test », open, read « OFF-… — IDETA Test » in its header and
    the window title once the member was renamed: its PDF and the offers list say « IDEA Test »."""
    create_intercommunale(window, "80")
    window.editor.add_product("delib")
    assert window.session.save_now()
    backend.save_settings(backend.settings().with_changes(device_code="LAP1", seller_name="Anne"))
    frozen = backend.offers.finalise(window.session.offer.id, lambda o: b"%PDF-1.4 essai")
    window.open_offer(frozen.number)
    window.members.edit_member()
    window.members.dialog.name.setText("IDETA Test")
    window.members.dialog.ok_button.click()
    assert window.members.card.member.name == "IDETA Test"
    assert "IDEA Test" in window.editor.header.text() and "IDETA" not in window.editor.header.text()
    assert window.windowTitle().startswith("IDEA Test")
    window.new_offer_for(frozen.member.id)
    assert "IDETA Test" in window.editor.header.text()  # a new offer is for the member as it is


def test_create_another_body_needs_a_category_and_a_reason(qtbot, window, backend):
    window.members.create_member()
    dialog = window.members.dialog
    dialog.kind.setCurrentIndex(dialog.kind.findData("autre"))
    dialog.name.setText("GAL Meuse-Campagne")
    dialog.ok_button.click()
    assert dialog.errors.message("category")
    dialog.category.setCurrentIndex(dialog.category.findData("Cat 2"))
    dialog.ok_button.click()
    assert "motif" in dialog.errors.message("reason")
    dialog.reason.setText("taille comparable à une commune de 8 000 habitants")
    dialog.ok_button.click()
    created = window.members.card.member
    decision = backend.decision(created)
    assert decision.category == "Cat 2" and decision.overridden
    assert window.members.card.category.text() == "Catégorie 2 (choisie à la main)"
    assert window.members.card.size_label.text() == "Nombre d'agents inconnu"  # as the form asked
    window.members.create_member()  # with the agents the form asks for
    dialog = window.members.dialog
    dialog.kind.setCurrentIndex(dialog.kind.findData("autre"))
    assert dialog.agents.placeholderText().startswith("facultatif")
    dialog.name.setText("ASBL Sports Hesbaye")
    dialog.agents.setText("80")
    dialog.source.setText("rapport annuel 2025")
    dialog.category.setCurrentIndex(dialog.category.findData("Cat 1"))
    dialog.reason.setText("petite structure")
    dialog.ok_button.click()
    assert window.members.card.size_label.text().startswith("80 agents")  # not « 80 habitants »


def test_override_a_category_with_a_mandatory_reason_reprices_the_offer(qtbot, window, backend):
    member = show(window, "nivelles")
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    before = window.session.quote.totals.annual
    window.members.choose_category()
    dialog = window.members.dialog
    items = [dialog.category.itemText(i) for i in range(dialog.category.count())]
    assert items[:3] == ["Selon les règles (catégorie 5)", "Catégorie 1", "Catégorie 2"]  # as on the card
    [rules] = [w.text() for w in dialog.findChildren(QLabel) if w.text().startswith("Selon les règles")]
    assert rules.startswith("Selon les règles : catégorie 5\nCommune Nivelles : 28") and "→ catégorie 5" in rules
    assert "Cat " not in " ".join(items)
    dialog.category.setCurrentIndex(dialog.category.findData("Cat 4"))
    dialog.ok_button.click()
    assert dialog.errors.message("reason").endswith("justifiée : indiquez-en le motif.")  # « Motif : »
    dialog.reason.setText("fusion de communes au 1/1/2027")
    dialog.ok_button.click()
    decision = backend.decision(backend.member(member.id))
    assert decision.category == "Cat 4" and decision.derived == "Cat 5"
    assert window.session.quote.totals.annual < before  # re-priced on the chosen category
    assert "fusion" in window.members.card.trace.text()


def test_enter_in_a_field_saves_and_never_presses_a_button_of_the_form(qtbot, window, backend):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    member = show(window, "nivelles")
    window.members.edit_member()
    dialog = window.members.dialog
    dialog.product.setCurrentIndex(dialog.product.findData("delib"))
    dialog._add_installed()
    dialog.installed_list.setCurrentRow(0)  # « Retirer » would take this one
    dialog.address.setFocus()
    qtbot.keyClicks(dialog.address, "Place Albert Ier 2")
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    saved = backend.member(member.id)
    assert saved.address == "Place Albert Ier 2"
    assert [p.product for p in saved.installed] == ["delib"]
    # every form: its « Enregistrer » (or « Valider »…) is the one Enter presses
    opened = [
        window.members.edit_member, window.members.choose_category,
        window.members.edit_membership, window.members.create_member, window.open_settings,
    ]
    for open_form in opened:
        open_form()
        form = window.members.dialog if open_form != window.open_settings else window._settings_dialog
        defaults = [b for b in form.findChildren(QPushButton) if b.isDefault()]
        assert defaults == [form.ok_button], type(form).__name__
        form.reject()


@pytest.mark.parametrize("where", ["product", "state", "since"])
def test_enter_on_the_product_to_add_adds_it_and_keeps_the_form_open(qtbot, window, backend, where):
    """It saved and closed the form, without the product the keyboard had just chosen."""
    from PySide6.QtCore import Qt

    member = show(window, "nivelles")
    window.members.edit_member()
    dialog = window.members.dialog
    qtbot.waitExposed(dialog)
    dialog.product.setCurrentIndex(dialog.product.findData("delib"))
    field = getattr(dialog, where)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert dialog.isVisible() and [p.product for p in dialog.installed] == ["delib"]
    assert backend.member(member.id).installed == member.installed  # saved with the form only
    qtbot.keyClick(field, Qt.Key.Key_Return)  # twice: said next to the list, not added again
    assert "déjà" in dialog.errors.message("installed") and len(dialog.installed) == 1
    dialog.ok_button.click()
    assert [p.product for p in backend.member(member.id).installed] == ["delib"]


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("²", "nombre entier positif"),  # str.isdigit() let it through: ValueError
        ("99999999999999999999", "au plus 10\u202f000\u202f000"),  # OverflowError from SQLite
        ("10000001", "au plus 10\u202f000\u202f000"),
        ("1.5", "décimales"),  # was read as 15
        ("1,5", "décimales"),
    ],
)
def test_agents_are_a_plausible_whole_number_said_next_to_the_field(qtbot, window, backend, dialogs, typed, fragment):
    dialog = create_intercommunale(window, typed)
    assert dialog.isVisible() and dialogs.crashes == []
    assert fragment in dialog.errors.message("agents")
    assert backend.index.search("idea test") == []


@pytest.mark.parametrize(("typed", "agents"), [("1.500", 1500), ("1 500", 1500), ("1500", 1500)])
def test_agents_may_group_thousands(qtbot, window, backend, typed, agents):
    dialog = create_intercommunale(window, typed)
    assert not dialog.isVisible()
    assert window.members.card.member.size.value == agents


def test_an_overlong_name_or_address_is_refused_next_to_the_field(qtbot, window, backend, dialogs):
    """A 5000-character name was stored, then that member's offer PDF failed."""
    window.members.create_member()
    dialog = window.members.dialog
    dialog.agents.setText("80")
    dialog.source.setText("rapport annuel 2025")
    dialog.name.setText("I" * 5000)
    dialog.ok_button.click()
    assert dialog.isVisible() and "120 caractères au plus" in dialog.errors.message("name")
    dialog.name.setText("IDEA Test")
    dialog.address.setText("Rue " * 60)
    dialog.ok_button.click()
    assert dialog.isVisible() and "200 caractères au plus" in dialog.errors.message("address")
    assert backend.index.search("idea test") == [] and dialogs.crashes == []


def test_a_name_that_cannot_print_is_refused_next_to_it_and_what_is_pasted_is_cleaned(
    qtbot, window, backend, dialogs
):
    """A thumb pasted from a mail printed as an empty box on the offer; a soft hyphen and a
    zero width space pasted from a web page kept the member from being found by its name."""
    window.members.create_member()
    dialog = window.members.dialog
    dialog.agents.setText("80")
    dialog.source.setText("rapport annuel 2025\u200b")
    dialog.address.setText(" Rue de l’Église 12,\t4000\u00a0Liège ")
    dialog.name.setText("Intercommunale d’Œuvres 👍")
    dialog.ok_button.click()
    assert dialog.isVisible() and dialogs.crashes == []
    assert "« 👍 » (U+1F44D) ne peut pas s'imprimer" in dialog.errors.message("name")
    assert dialog.address.text() == " Rue de l’Église 12,\t4000\u00a0Liège "  # nothing lost
    dialog.name.setText("Intercommunale d’Œu\u00advres\u200b de Liège")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    member = backend.index.search("intercommunale d'oeuvres liege")[0]
    assert member.name == "Intercommunale d’Œuvres de Liège"
    assert member.address == "Rue de l’Église 12, 4000 Liège"
    assert member.size.source == "rapport annuel 2025"


def test_a_population_correction_is_bounded(qtbot, window, backend):
    member = show(window, "nivelles")
    window.members.edit_member()
    dialog = window.members.dialog
    dialog.source.setText("Statbel 1/1/2026")
    for typed in ("²", "99999999999999999999", "28.5"):
        dialog.size_field.setText(typed)
        dialog.ok_button.click()
        assert dialog.isVisible() and dialog.errors.message("size"), typed
    assert backend.member(member.id).size_correction is None


def test_a_cpas_or_a_police_zone_says_where_to_correct_its_population(qtbot, window, backend):
    """Their category reads their communes' figures: no correction of their own is offered
    (it showed on the card and changed nothing)."""
    cpas = show(window, "cpas de namur")
    window.members.edit_member()
    dialog = window.members.dialog
    assert dialog.size_field is None and dialog.source is None
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert (
        "La catégorie suit celle de la commune de Namur : corrigez la population de la commune."
        in texts
    )
    dialog.address.setText("Rue de Dave 165, 5100 Jambes")
    dialog.ok_button.click()  # the rest of the form still saves
    assert not dialog.isVisible()
    assert backend.member(cpas.id).address.startswith("Rue de Dave")
    show(window, "5268")
    window.members.edit_member()
    dialog = window.members.dialog
    assert dialog.size_field is None
    assert any(
        "commune la plus peuplée de la zone, aujourd'hui Tubize" in label.text()
        for label in dialog.findChildren(QLabel)
    )


def test_a_correction_is_dated_between_the_reference_figure_and_today(qtbot, window, backend):
    member = show(window, "nivelles")
    window.members.edit_member()
    dialog = window.members.dialog
    dialog.size_field.setText("30 000")
    dialog.source.setText("courriel du DG")
    today = backend.today()
    dialog.as_of.setDate(QDate(today.year + 5, 1, 1))
    dialog.ok_button.click()
    assert dialog.isVisible() and "dans le futur" in dialog.errors.message("as_of")
    dialog.as_of.setDate(QDate(1990, 1, 1))
    dialog.ok_button.click()
    assert dialog.isVisible() and "à partir du 01/01/2020" in dialog.errors.message("as_of")
    assert backend.member(member.id).size_correction is None
    dialog.as_of.setDate(QDate(today.year, today.month, today.day))
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert backend.member(member.id).size.value == 30_000


def test_a_correction_can_be_taken_back_to_the_reference_figure(qtbot, window, backend):
    member = show(window, "nivelles")
    backend.save_member(member.with_size_correction(41_000, date(2025, 1, 1), "DG", today=backend.today()))
    window.members.show_member(member.id)
    assert window.members.card.category.text() == "Catégorie 6"
    window.members.edit_member()
    dialog = window.members.dialog
    assert dialog.back_to_reference.text() == "Revenir au chiffre de référence : 28\u202f883 habitants (Statbel)"
    dialog.back_to_reference.setChecked(True)
    assert not dialog.size_field.isEnabled()
    dialog.ok_button.click()
    saved = backend.member(member.id)
    assert saved.size_correction is None and saved.size == member.reference_size
    assert window.members.card.category.text() == "Catégorie 5"
    assert "référence" not in window.members.card.size_label.text()
    window.bar.action_buttons()[0].click()  # « Annuler la modification » puts it back
    assert backend.member(member.id).size.value == 41_000


def test_a_correction_left_on_a_cpas_is_said_to_count_for_nothing_and_can_be_removed(
    qtbot, window, backend
):
    """Recorded before such corrections were refused: the card shows the commune's figure."""
    cpas = show(window, "cpas de namur")
    backend.save_member(replace(cpas, size_correction=Headcount(9000, date(2025, 1, 1), "test")))
    window.members.show_member(cpas.id)
    text = window.members.card.size_label.text()
    assert text.startswith("Population de la commune (Namur)\u00a0: 111")
    assert "ne compte pas pour la catégorie" in text
    window.members.edit_member()
    dialog = window.members.dialog
    assert dialog.back_to_reference.text() == "Retirer le chiffre corrigé"
    dialog.back_to_reference.setChecked(True)
    dialog.ok_button.click()
    assert backend.member(cpas.id).size_correction is None
    assert "ne compte pas" not in window.members.card.size_label.text()
