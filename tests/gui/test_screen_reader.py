"""What a screen reader (NVDA, Narrator, Orca) gets: every control named in French, a form's
message said with its field, what appears away from the keyboard said as it appears."""

from __future__ import annotations

import pytest
from a11y_checks import accessible_name, unnamed
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QFormLayout, QLineEdit, QToolButton, QWidget

from desktop.ui.message_bar import Level, MessageBar


@pytest.fixture
def spoken(monkeypatch):
    """What the application asks the screen reader to say: (text, interrupts)."""
    said: list[tuple[str, bool]] = []
    real = QAccessible.updateAccessibility

    def record(event):  # type: ignore[no-untyped-def]
        if event.type() == QAccessible.Event.Announcement:
            urgent = event.politeness() == QAccessible.AnnouncementPoliteness.Assertive
            said.append((event.message(), urgent))
        real(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", record)
    return said


def open_member(window, text):  # type: ignore[no-untyped-def]
    member = window.backend.index.search(text)[0]
    window.members.show_member(member.id)
    window.members.member_opened.emit(member.id)
    return member


def test_the_check_lists_a_field_whose_label_is_not_its_buddy(qtbot):
    top = QWidget()
    qtbot.addWidget(top)
    form = QFormLayout(top)
    named, boxed, icon = QLineEdit(), QLineEdit(), QToolButton()
    form.addRow("&Nom :", named)  # the label is its buddy: read as its name, without the &
    box = QWidget()
    box.setObjectName("box")
    QFormLayout(box).addRow(boxed)
    form.addRow("Code :", box)  # the label's buddy is the box, not the field in it
    icon.setText("✕")
    form.addRow(icon)
    assert accessible_name(named) == "Nom :"
    assert unnamed(top) == ["QLineEdit «  » box", "QToolButton « ✕ »"]


def test_every_control_of_the_main_window_has_a_name(qtbot, window, busy_offer):
    busy_offer(window)
    window.members.search.field.setText("zone")
    window.members.search._search()
    qtbot.waitUntil(lambda: window.members.search.showing_results)
    assert unnamed(window) == []
    assert accessible_name(window.editor.table) == "Lignes de l'offre"
    assert accessible_name(window.members.search.field) == "Rechercher un membre"
    window.show_offers()
    qtbot.waitUntil(lambda: window.offers_list.isVisible())
    assert unnamed(window) == []
    assert accessible_name(window.offers_list.state) == "État :"


def test_every_field_of_the_forms_is_read_with_its_label(qtbot, window):
    open_member(window, "nivelles")
    panel = window.members
    for opener in (panel.edit_member, panel.choose_category, panel.edit_membership, panel.create_member):
        opener()
        assert unnamed(panel.dialog) == [], panel.dialog.windowTitle()
        panel.dialog.reject()
    panel.create_member()
    assert accessible_name(panel.dialog.name) == "Nom"
    panel.dialog.reject()
    window.open_settings()
    assert unnamed(window._settings_dialog) == []
    assert accessible_name(window._settings_dialog.fields["device_code"]).startswith("Code")
    window._settings_dialog.reject()
    window.editor.add_product("aes")
    params = window.editor.params_dialog
    assert unnamed(params) == []
    assert accessible_name(params.fields["schools"]) == "Nombre d’écoles"
    params.reject()


def test_a_message_under_a_field_is_read_with_it_until_corrected(qtbot, window):
    window.members.create_member()
    dialog = window.members.dialog
    dialog.ok_button.click()
    message = dialog.errors.message("name")
    assert message and dialog.focusWidget() is dialog.name
    assert QAccessible.queryAccessibleInterface(dialog.name).text(QAccessible.Text.Description) == message
    dialog.name.setText("IDEA Test")
    dialog.ok_button.click()
    assert dialog.errors.message("name") == ""
    assert dialog.name.accessibleDescription() == ""


def test_a_message_for_a_group_of_fields_is_said_at_once(qtbot, window, spoken):
    open_member(window, "nivelles")
    window.members.edit_member()
    dialog = window.members.dialog
    dialog.product.setCurrentIndex(dialog.product.findData("delib"))
    dialog._add_installed()
    spoken.clear()
    dialog._add_installed()
    assert spoken == [("Ce produit figure déjà dans la liste.", True)]
    assert unnamed(dialog) == []
    dialog.discard()


def test_the_message_bar_is_said_and_its_close_button_named(qtbot, spoken):
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show()
    [close] = bar.findChildren(QToolButton)
    assert accessible_name(close) == "Fermer ce message"
    bar.show_message("Brouillon enregistré.", Level.SUCCESS)
    bar.show_message("Export impossible : le dossier n'existe pas.", Level.ERROR)
    assert spoken == [
        ("Brouillon enregistré.", False),  # waits for what is being said
        ("Export impossible : le dossier n'existe pas.", True),  # interrupts it
    ]


def test_the_member_search_says_its_results_and_the_one_highlighted(qtbot, window, spoken):
    search = window.members.search
    search.field.setFocus()
    qtbot.keyClicks(search.field, "nivelles")
    qtbot.waitUntil(lambda: search.showing_results)
    assert spoken and spoken[-1][0] == search.status.text()
    rows = search.model.rowCount()
    assert rows > 1
    qtbot.keyClick(search.field, Qt.Key.Key_Down)
    said = spoken[-1][0]
    assert said.endswith(f"(2 sur {rows})") and "catégorie" in said
    assert search.model.data(search.model.index(1, 0)) in said


def test_the_offers_filter_says_the_offer_highlighted(qtbot, window, backend, spoken):
    open_member(window, "nivelles")
    window.editor.add_product("delib")
    window.new_offer_for(backend.index.search("namur")[0].id)
    window.editor.add_product("delib")
    window.session.save_now(force=True)
    window.show_offers()
    offers = window.offers_list
    qtbot.waitUntil(lambda: offers.model.rowCount() > 1)
    offers.filter.setFocus()
    qtbot.keyClick(offers.filter, Qt.Key.Key_Down)
    row = offers.table.currentIndex().row()
    said = spoken[-1][0]
    assert offers.model.text(row, 1) in said and said.endswith(f"({row + 1} sur {offers.model.rowCount()})")


def test_a_notice_button_says_which_point_it_lifts(qtbot, window):
    open_member(window, "nivelles")
    window.editor.add_product("citizen")
    window.editor.add_product("smartweb")
    notices = window.editor.notices
    [code] = [c for c in notices.buttons if not c.startswith("annuler:")]
    button = notices.buttons[code]
    description = QAccessible.queryAccessibleInterface(button).text(QAccessible.Text.Description)
    assert description.startswith("Bloquant : ") and "SmartWeb" in description


def test_the_dialogs_name_what_they_show(qtbot, window):
    from desktop.ui.crash import CrashDialog
    from desktop.ui.exchange import ReportDialog
    from desktop.ui.help_dialogs import ShortcutsDialog, open_dialog
    from desktop.ui.preview import PdfPreview, PreviewWindow

    crash = CrashDialog("rapport d'essai")
    qtbot.addWidget(crash)
    crash.show()
    assert unnamed(crash) == []
    shortcuts = open_dialog(window, ShortcutsDialog)
    assert unnamed(shortcuts) == []
    shortcuts.close()
    window.export_offers_action.trigger()
    export = window.exchange.form
    assert unnamed(export) == []
    assert accessible_name(export.since) == "Depuis le"
    export.reject()
    report = ReportDialog("Import des offres", lambda: "<p>2 offres importées.</p>", window)
    report.show()
    assert unnamed(report) == []
    report.close()
    preview = PreviewWindow(window, PdfPreview(None), "Aperçu — essai")
    qtbot.addWidget(preview)
    preview.show()
    assert unnamed(preview) == []


def test_the_print_dialog_names_its_file_button(qtbot):
    """Qt's own print dialog (Linux) has a « … » button to choose the PDF file: a screen
    reader said « bouton » and nothing more."""
    from PySide6.QtPrintSupport import QPrinter

    from desktop.ui.preview import print_dialog

    printer = QPrinter()
    dialog = print_dialog(printer, None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert unnamed(dialog) == []
    dialog.close()
