"""The member panel around its forms: which form is open, what the search and the bar show."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument

from desktop.ui.member_panel import NOT_IN_DIRECTORY

MARKUP_NAME = "ASBL <b>Les Amis</b> & Co"


def show(window, text):
    member = window.backend.index.search(text)[0]
    window.members.show_member(member.id)
    return member


def on_screen(label) -> str:
    """What a label shows: its text as typed, or the text its markup renders."""
    fmt = label.textFormat()
    rich = fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(label.text())
    )
    if not rich:
        return label.text()
    doc = QTextDocument()
    doc.setHtml(label.text())
    return doc.toPlainText()


def create_other_body(window, name: str) -> None:
    window.members.create_member()
    dialog = window.members.dialog
    dialog.kind.setCurrentIndex(dialog.kind.findData("autre"))
    dialog.name.setText(name)
    dialog.category.setCurrentIndex(dialog.category.findData("Cat 2"))
    dialog.reason.setText("décision du CA")
    dialog.ok_button.click()


def test_a_name_with_brackets_is_shown_as_typed_never_as_markup(qtbot, window, dialogs):
    create_other_body(window, MARKUP_NAME)
    card = window.members.card
    assert on_screen(card.title) == MARKUP_NAME
    assert MARKUP_NAME in on_screen(card.trace)
    assert on_screen(window.bar._label) == f"{MARKUP_NAME} créé."
    # the category form quotes the trace, with the name, as typed
    window.members.choose_category()
    dialog = window.members.dialog
    shown = [on_screen(label) for label in dialog.findChildren(type(card.title))]
    assert any(MARKUP_NAME in t for t in shown)
    dialog.close()
    # the search says what was typed when nothing matches
    window.members.search.field.setText("<b>zz")
    window.members.search._search()
    qtbot.waitUntil(lambda: window.members.search.status.isVisible())
    assert "« <b>zz »" in on_screen(window.members.search.status)


def test_a_form_opened_over_another_stays_the_open_form(qtbot, window):
    """The first form is deleted after the second one is open: its end forgets only itself."""
    show(window, "nivelles")
    window.members.edit_member()
    first = window.members.dialog
    gone: list[bool] = []
    first.destroyed.connect(lambda *_: gone.append(True))
    window.members.choose_category()
    second = window.members.dialog
    assert second is not first
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.waitUntil(lambda: bool(gone))
    assert window.members.dialog is second
    second.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.waitUntil(lambda: window.members.dialog is None)


def test_one_more_postcode_or_commune_is_said_in_the_singular(qtbot, window, backend):
    """« et 1 autre », « et 2 autres »: French agrees below 2 in the singular."""
    show(window, "62063")  # Liège: five postcodes, four shown
    assert "4031 et 1 autre · " in window.members.card.kind.text()
    seven = next(m for m in backend.index if len(m.commune_ids) == 7)
    window.members.show_member(seven.id)
    assert " et 1 autre" in window.members.card.size_label.text()
    assert " et 1 autres" not in window.members.card.size_label.text()
    eight = next(m for m in backend.index if len(m.commune_ids) == 8)
    window.members.show_member(eight.id)
    assert " et 2 autres" in window.members.card.size_label.text()


def test_a_body_of_one_agent_says_agent_in_the_singular(qtbot, window, backend):
    window.members.create_member()
    dialog = window.members.dialog
    dialog.name.setText("RCA Minuscule")
    dialog.agents.setText("1")
    dialog.source.setText("rapport annuel 2025")
    dialog.ok_button.click()
    card = window.members.card
    assert card.size_label.text().startswith("1 agent (")
    assert "1 agent (" in card.trace.text()


def search(qtbot, window, text):
    panel = window.members.search
    panel.field.setText(text)
    panel._search()
    qtbot.waitUntil(lambda: panel._searched == text)
    return panel


def listed(panel) -> dict[str, str]:
    """Member id -> the category column, as the results list shows them."""
    model = panel.model
    return {model.hit(r).member.id: model.data(model.index(r, 2)) for r in range(model.rowCount())}


def test_results_follow_a_population_corrected_for_the_commune_and_its_zone(qtbot, window, backend):
    """Tubize at 41 000 inhabitants: Cat 6 in the list, for the commune, its CPAS and the
    police zone whose most populous commune it is, as on the card."""
    panel = search(qtbot, window, "1480")
    before = listed(panel)
    assert before["commune:25105"] == "Cat 5" and before["zp:5268"] == "Cat 5"
    panel.choose_current()
    window.members.edit_member()
    dialog = window.members.dialog
    dialog.size_field.setText("41 000")
    dialog.source.setText("Statbel 1/1/2026")
    dialog.ok_button.click()
    assert window.members.card.category.text() == "Catégorie 6"
    after = listed(panel)  # Ctrl+F then ↓ shows this list again, without a new search
    assert after["commune:25105"] == "Cat 6" and after["zp:5268"] == "Cat 6"
    assert panel.model.hit(panel.view.currentIndex().row()).member.id == "commune:25105"


def test_results_follow_a_category_chosen_by_hand_and_a_creation(qtbot, window, backend):
    panel = search(qtbot, window, "gembloux")
    panel.choose_current()
    window.members.choose_category()
    dialog = window.members.dialog
    dialog.category.setCurrentIndex(dialog.category.findData("Cat 2"))
    dialog.reason.setText("fusion prévue")
    dialog.ok_button.click()
    assert listed(panel)[window.members.member.id] == "Cat 2"
    panel = search(qtbot, window, "amis")
    assert not listed(panel)
    create_other_body(window, "ASBL Les Amis")
    assert list(listed(panel).values()) == ["Cat 2"]
    assert panel.status.text().startswith("1 membre")


def test_the_status_bar_counts_the_members_created(qtbot, window, backend):
    from desktop.core.format import group_int

    count = len(backend.index)
    assert f"{group_int(count)} membres" in window.data_status.text()
    create_other_body(window, "ASBL Les Amis")
    assert f"{group_int(count + 1)} membres" in window.data_status.text()


def test_the_status_bar_keeps_its_line_after_a_menu_tip(qtbot, window, backend):
    """A menu item's status tip replaced the line (tariff, members, database) for good."""
    window.show()
    line = window.data_status.text()
    assert backend.tariff.title in line and "base " in line
    window.statusBar().showMessage("Copier toute la base dans un fichier")  # what a hover does
    window.statusBar().clearMessage()  # the pointer leaves the menu
    assert window.data_status.isVisible() and window.data_status.text() == line


def test_a_body_missing_from_the_directory_is_said_how_to_create_by_keyboard(qtbot, window, backend):
    """An intercommunale looked up at the booth: « Essayez le code postal, le code NIS » was all
    the search said, and « Nouveau membre… » had no key."""
    from desktop.ui.member_forms import MemberCreateDialog

    window.show()
    search = window.members.search
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(search.field, "idefin")
    qtbot.waitUntil(lambda: search.status.isVisible() and "idefin" in search.status.text(), timeout=3000)
    assert "Membre > Nouveau membre… (Ctrl+Maj+N)" in search.status.text()
    qtbot.keyClick(search.field, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert isinstance(window.members.dialog, MemberCreateDialog)
    window.members.dialog.close()
    search.field.clear()
    qtbot.keyClicks(search.field, "nivelles")  # found: no word about creating
    qtbot.waitUntil(lambda: search.model.rowCount() > 0, timeout=3000)
    assert "Nouveau membre" not in search.status.text()


def test_a_cpas_card_says_its_discount_follows_the_products_of_its_commune(qtbot, window, backend):
    """At a CPAS's visit its own « Produits installés » were empty and said nothing of the
    discount, which reads what its commune has in production: recorded on the CPAS, it was
    lost."""
    from dataclasses import replace

    from desktop.core.members import InstalledProduct, InstallState

    card = window.members.card
    show(window, "cpas gembloux")
    # « Remise CPAS » and its colon kept on one line (a line began with « : » at 11 points)
    assert card.discount_hint.isVisibleTo(card) and card.discount_hint.text() == (
        "Remise CPAS\u00a0: aucun produit en production n'est enregistré pour Gembloux. S'il en a, "
        "indiquez-les sur la fiche de la commune."
    )
    commune = show(window, "gembloux")
    assert not card.discount_hint.isVisibleTo(card)  # a commune: no word of it
    backend.save_member(replace(commune, installed=(InstalledProduct("delib", InstallState.PRODUCTION, None),)))
    show(window, "cpas gembloux")
    assert card.discount_hint.text() == "Remise CPAS\u00a0: selon les produits en production à Gembloux — iA.Délib."


def test_a_search_cleared_while_it_runs_lists_nothing_under_the_empty_field(qtbot, window, runner):
    """Échap while the worker searched: its hits came after, listed under an empty field in
    place of the member card."""
    search = window.members.search
    search.field.setFocus()
    qtbot.keyClicks(search.field, "liege")
    search._timer.stop()
    search._search()  # the typing pause is over: the search runs on the worker
    qtbot.keyClick(search.field, Qt.Key.Key_Escape)
    assert runner.wait_idle(5000)
    qtbot.wait(50)  # whatever the worker hands back is delivered by now
    assert (search.field.text(), search.model.rowCount(), search.view.isVisible()) == ("", 0, False)
    assert window.members.card.isVisible()


def test_entree_then_echap_before_the_hits_opens_nothing_later(qtbot, window, runner):
    """Entrée on « liege » before its hits came, then Échap: the next name typed opened its
    first member by itself, without Entrée, as soon as its hits came."""
    search = window.members.search
    opened: list[str] = []
    search.member_chosen.connect(opened.append)
    search.field.setFocus()
    qtbot.keyClicks(search.field, "liege")
    qtbot.keyClick(search.field, Qt.Key.Key_Return)  # the search starts: chosen once it answers
    qtbot.keyClick(search.field, Qt.Key.Key_Escape)  # before it does
    assert runner.wait_idle(5000)
    qtbot.wait(50)
    with qtbot.waitSignal(search.results_shown, timeout=5000):
        qtbot.keyClicks(search.field, "namur")
    assert opened == [] and search.view.isVisible()


def test_a_slip_lists_the_closest_members_and_says_nothing_is_spelled_so(qtbot, window, backend):
    """« Namr » typed at the booth: Namur is listed first, and the list says it holds the
    closest names, with what to do about a body that is not in the directory."""
    panel = search(qtbot, window, "Namr")
    assert list(listed(panel))[:2] == ["commune:92094", "cpas:92094"]
    assert panel.status.text().startswith("Aucun membre ne s'écrit « Namr » : voici les plus proches.")
    assert NOT_IN_DIRECTORY in panel.status.text()
    panel.refresh()  # the same list after an edit: still said as close
    assert panel.status.text().startswith("Aucun membre ne s'écrit « Namr »")
    panel = search(qtbot, window, "Namur")
    assert panel.status.text().startswith("4 membres")
    assert NOT_IN_DIRECTORY not in panel.status.text()


def test_entree_typed_before_the_hits_of_a_slip_opens_no_member(qtbot, window, runner):
    """« Namr » then Entrée at once, before its hits came: Namur, only one slip away, was
    opened by itself, a member never seen nor typed; the closest are listed, said as such."""
    search = window.members.search
    opened: list[str] = []
    search.member_chosen.connect(opened.append)
    search.field.setFocus()
    with qtbot.waitSignal(search.results_shown, timeout=5000):
        qtbot.keyClicks(search.field, "Namr")
        qtbot.keyClick(search.field, Qt.Key.Key_Return)  # the search starts: chosen once it answers
    assert opened == [] and search.view.isVisible()
    assert search.status.text().startswith("Aucun membre ne s'écrit « Namr »")
    qtbot.keyClick(search.field, Qt.Key.Key_Return)  # seen, then chosen: the one highlighted
    assert opened == ["commune:92094"]


def test_a_draft_for_no_member_opens_beside_no_other_member_s_card(qtbot, window, backend):
    """A draft started before any member was chosen, opened from the offers list while
    Nivelles was looked at, kept Nivelles's card and category beside « choisissez un membre »,
    and « Modifier le membre » edited Nivelles."""
    window.new_offer_for(None)
    window.editor.add_product("delib")
    assert window.session.save_now()
    memberless = window.session.offer
    window.new_offer_for(show(window, "liège").id)
    window.open_offer(memberless.id)
    assert window.session.offer.id == memberless.id
    assert window.members.card.member is None and window.members.card.empty.isVisible()
    window.members.edit_member()
    assert window.members.dialog is None and "Choisissez d'abord un membre" in window.bar.text


def test_a_former_commune_s_name_lists_the_commune_it_merged_into_and_says_why(qtbot, window):
    """« Bertogne » typed at the booth: Bastogne, which Bertogne merged into on 1 January 2025,
    its CPAS and its police zone are listed, each saying why, as is the tooltip and what a
    screen reader says of the row."""
    panel = search(qtbot, window, "Bertogne")
    model = panel.model
    rows = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert rows == [
        "Bastogne — anciennement Bertogne",
        "CPAS de Bastogne — anciennement Bertogne",
        "ZP 5301 Centre Ardenne — Bastogne, anciennement Bertogne",
    ]
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "Anciennement Bertogne" in tip
    assert panel._hit_text(0).startswith("Bastogne — anciennement Bertogne, Commune, catégorie 4")
    panel = search(qtbot, window, "82005")
    # the code on the line of its « NIS » (a no-break space)
    assert model.data(model.index(0, 0)) == "Bastogne — ancien code NIS\u00a082005 (Bertogne)"
    panel = search(qtbot, window, "Bastogne")
    assert model.data(model.index(0, 0)) == "Bastogne"


def test_the_card_of_a_merged_commune_names_the_communes_it_was_formed_from(qtbot, window):
    merger = (
        "La commune de Bastogne est née le 01/01/2025 de la fusion des communes de Bastogne "
        "(NIS\u00a082003) et de Bertogne (NIS\u00a082005)."
    )  # each code on the line of its « NIS » (a no-break space)
    card = window.members.card
    window.members.show_member("commune:82039")
    assert card.merger.isVisibleTo(card) and card.merger.text() == merger
    assert card.kind.text().startswith("Commune · NIS\u00a082039 · ")
    window.members.show_member("cpas:82039")  # found under « Bertogne » too: said on its card
    assert card.merger.isVisibleTo(card) and card.merger.text() == merger
    window.members.show_member("commune:82009")
    assert not card.merger.isVisibleTo(card)
