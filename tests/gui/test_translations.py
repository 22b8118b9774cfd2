"""Qt's own texts are French: buttons, context menus, and the file and print dialogs, where
Qt's French catalogue alone leaves a few labels in English."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from desktop.ui.translations import MISSING_FRENCH, install_french

pytestmark = pytest.mark.gui


class Untranslated(QTranslator):
    """Installed before every other translator, so asked last: sees what nobody translated."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[str, str, str | None]] = set()

    def translate(self, context, source_text, disambiguation=None, n=-1):  # type: ignore[no-untyped-def]
        self.seen.add((context, source_text, disambiguation))
        return None

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def french(qapp):
    spy = Untranslated()
    qapp.installTranslator(spy)
    locale = QLocale()
    translators = install_french(qapp)
    spy.seen.clear()
    yield spy
    for translator in [*translators, spy]:
        qapp.removeTranslator(translator)
    QLocale.setDefault(locale)


def texts(widget: QWidget) -> list[str]:
    return [w.text() for w in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton) if w.text()]


def test_the_file_dialog_of_qt_is_all_french(qtbot, french, tmp_path) -> None:
    (tmp_path / "dossier").mkdir()
    dialog = QFileDialog(None, "Enregistrer en PDF", str(tmp_path), "Documents PDF (*.pdf)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: ("QAbstractFileIconProvider", "Folder", "All other platforms") in french.seen
                    or "Dossier" in _type_column(dialog), timeout=3000)
    shown = texts(dialog)
    assert "Regarder &dans\u00a0:" in shown and "Fichiers de &type\u00a0:" in shown
    assert "Dossier" in _type_column(dialog)
    # file type names come from the system's MIME database, in whatever languages it has
    assert {seen for seen in french.seen if seen[0] != "QMimeType"} == set()


def _type_column(dialog: QFileDialog) -> list[str]:
    from PySide6.QtWidgets import QTreeView

    view = dialog.findChild(QTreeView, "treeView")
    model = view.model()
    root = view.rootIndex()
    return [model.index(row, 2, root).data() for row in range(model.rowCount(root))]


def test_the_print_dialog_of_qt_is_all_french(qtbot, french) -> None:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName("OFF-2026-LAP1-0001")
    dialog = QPrintDialog(printer)
    dialog.setMinMax(1, 3)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintCurrentPage, True)
    qtbot.addWidget(dialog)
    dialog.show()
    [expand] = [b for b in dialog.findChildren(QPushButton) if b.text().startswith("&Options")]
    expand.click()  # the copies and page range options
    shown = texts(dialog)
    assert "Pages &incluses\u00a0:" in shown and "Page courante" in shown and "Imprimer tout" in shown
    assert french.seen == set()


def test_buttons_and_context_menus_are_french(qtbot, french) -> None:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert sorted(b.text().replace("&", "") for b in box.buttons()) == ["Annuler", "OK"]
    field = QLineEdit("texte")
    qtbot.addWidget(field)
    menu = field.createStandardContextMenu()
    entries = [a.text().split("\t")[0] for a in menu.actions() if a.text()]
    assert entries == ["&Annuler", "&Rétablir", "Co&uper", "Cop&ier", "Co&ller", "Supprimer", "Tout sélectionner"]
    assert french.seen == set()


def test_every_missing_text_resolves_to_its_french(french) -> None:
    for (context, source, disambiguation), text in MISSING_FRENCH.items():
        assert QCoreApplication.translate(context, source, disambiguation) == text


ENGLISH = re.compile(
    r"\b(Cancel|Close|Save|Open|Yes|No|Apply|Help|Reset|Discard|Retry|Abort|Ignore|Undo|Redo|Cut|"
    r"Copy|Paste|Delete|Select All|Print|Preview|Error|Warning|Show Details|Look in|Files of type|"
    r"Back|Forward|Step up|Step down|Scroll here|What's This)\b"
)


def shown_texts(top: QWidget) -> list[str]:
    """Every text ``top`` shows or says: labels, buttons, titles, tips, placeholders, actions."""
    from PySide6.QtGui import QAction

    out = [top.windowTitle()]
    for w in top.findChildren(QWidget):
        out += [w.toolTip(), w.windowTitle() if w.isWindow() else ""]
        if isinstance(w, QLabel | QAbstractButton):
            out.append(w.text())
        if isinstance(w, QLineEdit):
            out.append(w.placeholderText())
    for action in top.findChildren(QAction):
        out += [action.text(), action.toolTip(), action.statusTip()]
    return [t.replace("&", "") for t in out if t]


def test_every_screen_and_dialog_is_french(qtbot, french, make_window, backend, runner) -> None:
    """The window with an offer, the member forms, the settings, the help, the offers list and
    its member picker, the crash report: no text in English, and nothing Qt itself was asked
    to show that its French catalogue lacks."""
    from desktop.ui.crash_dialog import CrashDialog
    from desktop.ui.help_dialogs import AboutDialog, ShortcutsDialog, open_dialog
    from desktop.ui.offers_list import MemberPicker

    window = make_window(backend)
    member = backend.index.search("nivelles")[0]
    window.members.show_member(member.id)
    window.members.member_opened.emit(member.id)
    for code in ("delib", "citizen", "smartweb"):
        window.session.add_line(code, {})
    window.session.save_now(force=True)
    english: list[tuple[str, str]] = []

    def look(top: QWidget) -> None:
        top.show()
        qtbot.wait(10)
        english.extend((type(top).__name__, t) for t in shown_texts(top) if ENGLISH.search(t))

    look(window)
    for open_form in (window.members.edit_member, window.members.choose_category,
                      window.members.edit_membership, window.members.create_member):
        open_form()  # each closes the one before
        look(window.members.dialog)
    window.open_settings()
    look(window._settings_dialog)
    for menu in (window.members.search.field.createStandardContextMenu(),
                 window._settings_dialog.fields["address_lines"].createStandardContextMenu()):
        look(menu)
        menu.close()
    window._settings_dialog.close()
    for kind in (ShortcutsDialog, AboutDialog):
        dialog = open_dialog(window, kind)
        look(dialog)
        dialog.close()
    crash = CrashDialog("Traceback (most recent call last): ...", window)
    look(crash)
    crash.close()
    window.show_offers()
    look(window.offers_list.context_menu())
    picker = MemberPicker(backend, runner, lambda _id: None, window)
    look(picker)
    picker.close()
    assert english == []
    asked = {seen for seen in french.seen if seen[0] != "QMimeType" and seen[1] != "QT_LAYOUT_DIRECTION"}
    assert asked == set()
