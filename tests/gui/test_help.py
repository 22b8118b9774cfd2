"""The « Aide » menu: the window's shortcuts (read from its actions) and « À propos »."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence

from desktop import __version__
from desktop.ui.help_dialogs import AboutDialog, ShortcutsDialog


def test_f1_lists_every_shortcut_of_the_window_in_french(qtbot, french, window) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    rows = dialog.rows()
    assert ("Fichier", "Nouvelle offre", "Ctrl+N") in rows
    assert ("Fichier", "Enregistrer", "Ctrl+S") in rows
    assert ("Édition", "Annuler", "Ctrl+Z") in rows
    assert ("Édition", "Rétablir", "Ctrl+Maj+Z ou Ctrl+Y") in rows  # Qt's own key names, in French
    assert ("Édition", "Retirer de l'offre", "Suppr") in rows  # the offer editor's, built for it
    assert ("Édition", "Chercher dans le catalogue", "Ctrl+Maj+F") in rows
    assert ("Aide", "Raccourcis clavier", "F1") in rows
    assert ("Champs et listes", "Parcourir les membres trouvés, puis ouvrir celui choisi", "↑ ↓ puis Entrée") in rows
    assert ("Champs et listes", "Modifier les paramètres de la ligne choisie", "Entrée") in rows
    assert ("Champs et listes", "Passer de l'offre en cours aux offres enregistrées, et retour", "Ctrl+Tab") in rows
    # the saved offers' own keys, which no menu holds
    offers_keys = "Parcourir les offres enregistrées trouvées, puis ouvrir celle choisie"
    assert ("Champs et listes", offers_keys, "↑ ↓ puis Entrée") in rows
    delete = window.offers_list.delete_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    assert ("Champs et listes", "Supprimer les brouillons choisis dans les offres enregistrées", delete) in rows
    assert delete == "Suppr"
    every_key = {keys for *_, keys in rows}
    assert not any(word in " ".join(every_key) for word in ("Shift", "Del", "Return"))
    qtbot.keyClick(window, Qt.Key.Key_F1)  # again: the same window comes forward
    assert window.findChildren(ShortcutsDialog) == [dialog]
    dialog.close()


def test_a_new_shortcut_shows_up_in_the_list_by_itself(qtbot, french, window) -> None:
    """The list is read from the actions, so it cannot drift from what the keys do."""
    window.offers_action.setShortcuts([QKeySequence("Ctrl+O"), QKeySequence("Ctrl+Shift+O")])
    window.show_shortcuts()
    rows = window.findChild(ShortcutsDialog).rows()
    assert ("Offre", "Offres enregistrées", "Ctrl+O ou Ctrl+Maj+O") in rows


def test_about_says_version_database_log_and_device_and_copies_them(qtbot, window, backend) -> None:
    backend.save_settings(backend.settings().with_changes(device_code="LAP7", seller_name="Anne Dupont"))
    window.about_action.trigger()
    dialog = window.findChild(AboutDialog)
    assert dialog is not None and dialog.isVisible()
    text = dialog.text
    assert text.startswith(f"Comptoir {__version__}\n")
    assert f"Base de données : {backend.db.path}" in text
    assert "Appareil : LAP7 · vendeur : Anne Dupont" in text
    assert "Tarif en vigueur : Tarification des services pour l’année 2024" in text
    assert "Journal : " in text and "Qt 6." in text
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == text
    assert dialog.copy_button.text() == "Copié"
    dialog.close()


def test_the_help_menu_has_its_key_and_each_entry_its_letter(window) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&Fichier", "É&dition", "&Membre", "&Offre", "&Aide"]
    help_menu = window.menuBar().actions()[-1].menu()
    assert [a.text() for a in help_menu.actions() if not a.isSeparator()] == [
        "&Raccourcis clavier",
        "À &propos de Comptoir",
    ]


def test_every_menu_item_says_what_it_does_in_the_status_bar(qtbot, window) -> None:
    """Aperçu, Imprimer, Réglages, Quitter, the Membre and Offre menus had no status tip, where
    their neighbours had one; nor had the offer editor's « Retirer de l'offre » and « Modifier
    les paramètres… » in Édition."""
    window.editor  # noqa: B018  # its line actions join the Édition menu
    window._fill_offer_menu()
    silent = [
        (menu.text(), action.text())
        for menu in window.menuBar().actions()
        for action in menu.menu().actions()
        if not action.isSeparator() and not action.statusTip()
    ]
    assert silent == []


def test_f1_lists_the_keys_of_the_preview_window_too(qtbot, french, window, runner) -> None:
    """The preview has no menu: its « Ouvrir dans le lecteur PDF » (Ctrl+Maj+O) was in no list,
    though F1 is said to list every key."""
    from desktop.ui.preview import PdfPreview

    preview = PdfPreview(None)
    qtbot.addWidget(preview)
    window.show_shortcuts()
    rows = window.findChild(ShortcutsDialog).rows()
    native = QKeySequence.SequenceFormat.NativeText
    for action in (preview.print_action, preview.save_action, preview.open_action):
        assert ("Aperçu", action.text(), action.shortcut().toString(native)) in rows
    assert ("Aperçu", "Ouvrir dans le lecteur PDF", "Ctrl+Maj+O") in rows
