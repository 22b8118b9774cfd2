"""The « Aide » menu: every keyboard shortcut of the window, and « À propos de Comptoir ».

The shortcuts are read from the window's own actions (menus, tool bar, offer editor), so the
list never drifts from what the keys do, and the preview window's from the keys it is built
with; a few keys that belong to a field rather than an action (arrows and Enter in the search
results, Échap) are added by hand. « À propos » says
what support asks first: the version, the database and the log file, this device.
"""

from __future__ import annotations

import platform
import sys
from typing import Any

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from desktop.core.format import group_int
from desktop.ui.room import fit, room

# The preview window's actions and their keys: that window has no menu to read them from, so
# it is built from this list, which the shortcuts dialog lists too (kept here, where reading it
# loads no PDF viewer).
PREVIEW_KEYS: tuple[tuple[str, str], ...] = (
    ("Imprimer…", "Ctrl+P"),
    ("Enregistrer en PDF…", "Ctrl+Shift+S"),
    ("Ouvrir dans le lecteur PDF", "Ctrl+Shift+O"),
)

# Keys of a field, not of an action: said here, as the search panel and lists handle them.
FIELD_KEYS: tuple[tuple[str, str], ...] = (
    ("Parcourir les membres trouvés, puis ouvrir celui choisi", "↑ ↓ puis Entrée"),
    ("Ajouter le produit choisi dans le catalogue", "Entrée"),
    ("Modifier les paramètres de la ligne choisie", "Entrée"),
    ("Parcourir les offres enregistrées trouvées, puis ouvrir celle choisie", "↑ ↓ puis Entrée"),
    ("Supprimer les brouillons choisis dans les offres enregistrées", "Suppr"),
    ("Effacer la recherche ou le filtre, fermer une fenêtre", "Échap"),
    ("Passer d'une zone à l'autre", "Tab / Maj+Tab"),
    ("Passer de l'offre en cours aux offres enregistrées, et retour", "Ctrl+Tab"),
)


def action_text(action: QAction) -> str:
    """« &Nouvelle offre » -> « Nouvelle offre »; « Finaliser… » keeps its dots."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")


def shortcut_rows(window: Any) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every action of the window that has a shortcut, in menu order
    (the offer editor's included, built if need be)."""
    window.editor  # noqa: B018  # its actions (Retirer, Modifier...) join the Édition menu
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if not isinstance(menu, QMenu):
            continue
        menu.aboutToShow.emit()  # menus filled on show (Offre) list their actions now
        title = action_text(menu_action)
        for action in menu.actions():
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
            if action.isSeparator() or not keys or id(action) in seen:
                continue
            seen.add(id(action))
            rows.append((title, action_text(action).split(" : ")[0], " ou ".join(keys)))
    return rows


def preview_rows() -> list[tuple[str, str, str]]:
    """(« Aperçu », action, keys) for the preview window's actions, which no menu holds: in it,
    Ctrl+P and Ctrl+Maj+S act on the document shown (an order form too)."""
    native = QKeySequence.SequenceFormat.NativeText
    return [("Aperçu", text, QKeySequence(keys).toString(native)) for text, keys in PREVIEW_KEYS]


class ShortcutsDialog(QDialog):
    """A table of the window's shortcuts, non-modal (it can stay open beside the work)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setWindowTitle("Raccourcis clavier — Comptoir")
        rows = [
            *shortcut_rows(window),
            *preview_rows(),
            *(("Champs et listes", what, keys) for what, keys in FIELD_KEYS),
        ]
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Touches"])
        self.table.setAccessibleName("Raccourcis clavier")
        self.table.setTabKeyNavigation(False)  # Tab goes on to « Fermer »; arrows move in it
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        # one line of text per row, as in the offer's lines: the whole list on a laptop at 150 %
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        fit(self, 640, 640)

    def rows(self) -> list[tuple[str, ...]]:
        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [
            tuple(text(r, c) for c in range(self.table.columnCount())) for r in range(self.table.rowCount())
        ]


def about_text(window: Any) -> str:
    """What « À propos » shows, as plain text (also what « Copier » puts on the clipboard)."""
    from desktop import __version__
    from desktop.logging_setup import log_file

    backend = window.backend
    try:
        settings = backend.settings()
        device = settings.device_code or "non réglé"
        seller = settings.seller_name or "non réglé"
    except Exception:  # the settings cannot be read: the rest is still worth showing
        device = seller = "illisibles"
    log = log_file()
    return "\n".join(
        [
            f"Comptoir {__version__}",
            "Offres et bons de commande des services iMio, sans réseau.",
            "",
            f"Tarif en vigueur : {backend.tariff.title}",
            f"Annuaire : {group_int(len(backend.index))} membres",
            f"Appareil : {device} · vendeur : {seller}",
            f"Base de données : {backend.db.path}",
            f"Journal : {log if log else '(aucun)'}",
            "",
            f"Python {platform.python_version()} · Qt {qVersion()} · PySide6 {pyside_version} · "
            f"{platform.system()} {platform.release()} ({sys.platform})",
        ]
    )


class AboutDialog(QDialog):
    """Version, tariff, device, database and log file; « Copier » for a message to support."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setWindowTitle("À propos de Comptoir")
        self.text = about_text(window)
        title, *rest = self.text.split("\n")
        heading = QLabel(f"<b style='font-size:15pt'>{title}</b>")
        self.body = QLabel("\n".join(rest))
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setWordWrap(True)
        self.copy_button = QPushButton("&Copier ces informations")
        self.copy_button.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.body)
        layout.addWidget(buttons)
        self.setMinimumWidth(min(560, room(window).width()))

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text)
        self.copy_button.setText("Copié")


def open_dialog(window: Any, kind: type[QDialog]) -> QDialog:
    """Show one ``kind`` dialog for the window (raised again if already open)."""
    child: QDialog
    for child in window.findChildren(kind):
        if child.isVisible():
            child.raise_()
            child.activateWindow()
            return child
    dialog = kind(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.show()
    return dialog
