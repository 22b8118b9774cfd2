"""Grab every screen and dialog of Comptoir as PNG files, on a throw-away database.

    .venv/bin/python scripts/screens.py OUT_DIR [--screen 1920x1080] [--scale 1.5] [--dark] [--font 11]

The screen is simulated with Qt's offscreen platform (``--screen`` in device pixels,
``--scale`` as Windows' display scaling: 1.5 on 1920 x 1080 is a 1280 x 720 screen);
``--dark`` asks Qt for the dark colour scheme (Fusion), as a dark Windows or GNOME theme does;
``--font 11`` sets the system font size (GNOME's and Ubuntu's default: 11 points, where
Windows has 9).
Every modal question the application asks is grabbed then answered, so the script never
waits. Besides the pictures, ``report.txt`` lists what a look can miss (the checks of
``tests/layout_checks.py``): a window larger than the screen, a text cut off or drawn over
another, a name cut in a list that wraps its names whole (« DG (Hilfeleistungs… »), a
figure cut at the end of a line (« 28 » above « 883 habitants »), two columns of figures
that read as one (« AnnuelJours »), a colour that does not stand out from its background, a
text Qt shows in English, a control a screen reader would announce without a name
(``tests/a11y_checks.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out", type=Path)
    p.add_argument("--screen", default="1366x768", help="device pixels, e.g. 1920x1080")
    p.add_argument("--scale", type=float, default=1.0, help="display scaling, e.g. 1.25 or 1.5")
    p.add_argument("--dark", action="store_true", help="the dark colour scheme")
    p.add_argument("--font", type=float, default=0, help="the system font size in points (GNOME: 11)")
    return p.parse_args()


def _platform(args: argparse.Namespace, work: Path) -> None:
    width, height = (int(x) for x in args.screen.lower().split("x"))
    config = work / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "s", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalDpiX": 96, "logicalDpiY": 96,
    }]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    os.environ["COMPTOIR_DB"] = str(work / "comptoir.sqlite3")
    os.environ["COMPTOIR_LOG_DIR"] = str(work / "log")


class Shots:
    """Saves grabs as NN-name.png and collects what does not fit."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.n = 0
        self.problems: list[str] = []
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob("*.png"):
            old.unlink()

    def grab(self, widget, name: str) -> None:  # type: ignore[no-untyped-def]
        from PySide6.QtWidgets import QApplication

        for _ in range(3):
            QApplication.processEvents()
        self.n += 1
        widget.grab().save(str(self.out / f"{self.n:02d}-{name}.png"))
        self.check(widget, name)

    def check(self, top, name: str) -> None:  # type: ignore[no-untyped-def]
        from a11y_checks import unnamed
        from layout_checks import (
            cut_texts,
            layout_problems,
            run_together,
            split_figures,
            unreadable,
        )
        from PySide6.QtWidgets import QTableView

        screen = top.screen().availableGeometry()
        frame = top.frameGeometry() if top.isWindow() else top.geometry()
        if top.isWindow() and (frame.width() > screen.width() or frame.height() > screen.height()):
            self.problems.append(
                f"{name} : fenêtre {frame.width()}x{frame.height()} > écran {screen.width()}x{screen.height()}"
            )
        self.problems.extend(
            f"{name} : {p}" for p in layout_problems(top) + cut_texts(top) + unreadable(top) + split_figures(top)
        )
        for table in top.findChildren(QTableView):  # figures against the column before them
            if table.isVisibleTo(top):
                self.problems.extend(f"{name} : {table.objectName()} : {p}" for p in run_together(table))
        self.problems.extend(f"{name} : sans nom pour un lecteur d'écran : {p}" for p in unnamed(top))


def main() -> int:
    args = _parse()
    work = Path(tempfile.mkdtemp(prefix="comptoir-ecrans-"))
    _platform(args, work)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))  # the tests' checks and fixtures' helpers
    from layout_checks import dark_palette
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QDialog, QMenu, QMessageBox

    from desktop.ui.application import make_application
    from desktop.ui.translations import install_french

    app = make_application(["comptoir"])
    if args.dark:
        app.setStyle("Fusion")
        app.styleHints().setColorScheme(Qt.ColorScheme.Dark)
        app.setPalette(dark_palette())  # the offscreen platform has no dark theme of its own
    from PySide6.QtCore import QTranslator

    class Untranslated(QTranslator):
        """Asked after every other translator: what none of them translates, Qt shows in English."""

        seen: set[tuple[str, str]] = set()

        def translate(self, context, source, disambiguation=None, n=-1):  # type: ignore[no-untyped-def]
            if context != "QMimeType":  # file type names come from the system, in its languages
                self.seen.add((context, source))
            return None

        def isEmpty(self) -> bool:
            return False

    spy = Untranslated()
    app.installTranslator(spy)  # first installed, last asked
    keep = install_french(app)  # noqa: F841  # the translators live as long as the app
    if args.font:
        font = app.font()
        font.setPointSizeF(args.font)
        app.setFont(font)

    from desktop.store.database import open_database

    open_database(Path(os.environ["COMPTOIR_DB"])).close()  # created and seeded
    shots = Shots(args.out)

    from desktop.ui import dialogs as dialogs_module
    from desktop.ui.backend import Backend, load_startup_data
    from desktop.ui.main_window import MainWindow
    from desktop.ui.tasks import TaskRunner
    from desktop.ui.ui_state import UiState

    answers: dict[str, list[object]] = {}

    def answer(kind: str, default: object) -> object:
        queue = answers.get(kind)
        return queue.pop(0) if queue else default

    # Every modal dialog: shown, grabbed, then answered without waiting for a click.
    def exec_and_grab(self) -> int:  # type: ignore[no-untyped-def]
        self.show()
        name = (self.windowTitle() or type(self).__name__).split(" — ")[0]
        shots.grab(self, f"modal-{name}")
        result = answer("exec", 0)
        from PySide6.QtWidgets import QInputDialog

        if isinstance(self, QInputDialog) and result:
            self.setTextValue(str(answer("text", "Décision du Collège du 12 mars")))
        if isinstance(self, QMessageBox):
            buttons = self.buttons()
            chosen = answer("button", None)
            pick = next((b for b in buttons if b.text() == chosen), None)
            if pick is not None:
                pick.click()
                return 0
        self.done(int(result))  # type: ignore[call-overload]
        return int(result)  # type: ignore[call-overload]

    QDialog.exec = exec_and_grab  # type: ignore[method-assign]

    def file_dialog(parent, title, start, filters, save):  # type: ignore[no-untyped-def]
        from PySide6.QtWidgets import QFileDialog

        d = QFileDialog(parent, title, start, filters)
        d.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        if save:
            d.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        d.show()
        shots.grab(d, f"fichier-{title}")
        d.close()
        return answer("file", None)

    class GrabbingDialogs(dialogs_module.Dialogs):
        def save_file(self, parent, title, suggested, filters):  # type: ignore[no-untyped-def,override]
            return file_dialog(parent, title, self.start_folder(filters), filters, True)

        def open_file(self, parent, title, filters, *, folder=None):  # type: ignore[no-untyped-def,override]
            return file_dialog(parent, title, folder or self.start_folder(filters), filters, False)

        def print_setup(self, parent, printer):  # type: ignore[no-untyped-def]
            from desktop.ui.preview import print_dialog

            d = print_dialog(printer, parent)
            d.show()
            shots.grab(d, "impression")
            d.close()
            return False

        def open_external(self, path):  # type: ignore[no-untyped-def]
            return True

    db_path = Path(os.environ["COMPTOIR_DB"])
    backend = Backend.open(db_path, load_startup_data(db_path))
    backend.save_settings(backend.settings().with_changes(device_code="LAP1", seller_name="Anne Dupont"))
    runner = TaskRunner(parent=app)
    dialogs = GrabbingDialogs(UiState(str(work / "ui.ini")))
    window = MainWindow(backend, runner, dialogs, UiState(str(work / "ui.ini")))
    window.show()

    def wait(condition, ms: int = 15000) -> None:  # type: ignore[no-untyped-def]
        import time

        end = time.monotonic() + ms / 1000
        while not condition() and time.monotonic() < end:
            QApplication.processEvents()
            time.sleep(0.01)
        QApplication.processEvents()

    def menu(m: QMenu, name: str) -> None:
        m.popup(window.geometry().center())
        shots.grab(m, f"menu-{name}")
        m.close()

    wait(lambda: window.isVisible(), 2000)
    shots.grab(window, "fenetre-depart")

    # -- the member search and card ----------------------------------------------------------
    search = window.members.search
    search.field.setText("zone")
    search._search()
    wait(lambda: search.showing_results)
    shots.grab(window, "recherche")
    nivelles = backend.index.search("nivelles")[0]
    window.members.show_member(nivelles.id)
    window.members.member_opened.emit(nivelles.id)
    search.clear()
    shots.grab(window, "membre-offre-vide")

    # -- an offer: lines, a blocking point, totals over six years ----------------------------
    ed = window.editor
    for code in ("delib", "gpec", "citizen", "smartweb", "urban", "atal-mobile"):
        ed.add_product(code)
        if ed.params_dialog is not None:
            shots.grab(ed.params_dialog, f"parametres-{code}")
            ed.params_dialog._try_submit()
    ed.add_product("aes")
    if ed.params_dialog is not None:
        ed.params_dialog.fields["schools"].setText("abc")
        ed.params_dialog._try_submit()
        shots.grab(ed.params_dialog, "parametres-erreur")
        ed.params_dialog.fields["schools"].setText("9")
        ed.params_dialog._try_submit()
    shots.grab(window, "offre-bloquante")
    window.session.set_years(6)
    shots.grab(window, "offre-6-ans")
    menu(_lines_menu(window), "lignes")

    # -- context menus Qt builds itself (fields, spin boxes, scroll bars, text views) --------
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QContextMenuEvent

    def context_menu(target, name: str) -> None:  # type: ignore[no-untyped-def]
        def grab_popup() -> None:  # a menu Qt runs with its own exec(): grabbed from inside it
            popup = QApplication.activePopupWidget()
            if popup is not None:
                shots.grab(popup, f"menu-qt-{name}")
                popup.close()

        QTimer.singleShot(50, grab_popup)
        pos = target.rect().center()
        event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, target.mapToGlobal(pos))
        QApplication.sendEvent(target, event)
        wait(lambda: False, 200)

    window.tabs.setCurrentIndex(0)
    QApplication.processEvents()
    for target, name in (
        (search.field, "champ"),
        (window.editor.totals.years, "compteur"),
        (window.editor.catalogue.view.verticalScrollBar(), "barre-de-defilement"),
        (window.editor.table.horizontalHeader(), "en-tete-de-tableau"),
    ):
        context_menu(target, name)
    code = next(c for c in ed.notices.buttons if not c.startswith("annuler:"))
    answers["exec"] = [0]
    ed.notices.buttons[code].click()  # the reason question, grabbed, cancelled

    # -- the message bar at each level -------------------------------------------------------
    from desktop.ui.message_bar import Level

    for level in Level:
        window.bar.show_message(
            f"Message de niveau {level.value} : le texte que la barre affiche.",
            level,
            actions=(("Rouvrir le brouillon", lambda: None),),
        )
        shots.grab(window.bar, f"barre-{level.value}")
    window.bar.dismiss()

    # -- member forms ------------------------------------------------------------------------
    panel = window.members
    for opener, name in (
        (panel.edit_member, "membre-modifier"),
        (panel.choose_category, "membre-categorie"),
        (panel.edit_membership, "membre-affiliation"),
        (panel.create_member, "membre-nouveau"),
    ):
        opener()
        wait(lambda: panel.dialog is not None and panel.dialog.isVisible(), 2000)
        shots.grab(panel.dialog, name)
        panel.dialog._try_submit()  # the errors an empty form shows, if any
        if panel.dialog is not None and panel.dialog.isVisible():
            shots.grab(panel.dialog, name + "-erreurs")
            panel.dialog.close()
    zone = next(m for m in backend.index.search("zone de police") if m.commune_ids)
    panel.show_member(zone.id)
    shots.grab(window, "membre-zone")
    panel.show_member(nivelles.id)

    # -- settings, help ----------------------------------------------------------------------
    window.open_settings()
    shots.grab(window._settings_dialog, "reglages")
    window._settings_dialog.fields["device_code"].setText("?")
    window._settings_dialog.fields["enterprise_number"].setText("12")
    window._settings_dialog._try_submit()
    shots.grab(window._settings_dialog, "reglages-erreurs")
    for name, field in window._settings_dialog.fields.items():  # a message under every field
        if hasattr(field, "setText") and name not in ("seller_name", "letterhead_name"):
            field.setText("??")
    window._settings_dialog._try_submit()
    shots.grab(window._settings_dialog, "reglages-toutes-erreurs")
    answers["button"] = ["Abandonner les modifications"]  # asked first: what was typed goes
    window._settings_dialog.close()
    assert window._settings_dialog is None or not window._settings_dialog.isVisible()
    from desktop.ui.help_dialogs import AboutDialog, ShortcutsDialog, open_dialog

    for kind, name in ((ShortcutsDialog, "raccourcis"), (AboutDialog, "a-propos")):
        d = open_dialog(window, kind)
        shots.grab(d, name)
        d.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        d.close()
    dialogs.crash(window, "Traceback (most recent call last):\n  File ...\nValueError: exemple " + "x" * 200)

    # -- preview, print, finalise ------------------------------------------------------------
    window.session.remove_lines([2, 3, 5])  # no blocking point left
    window.documents.preview()
    preview = window.documents.preview_widget
    wait(lambda: preview.ready)
    wait(lambda: False, 1500)  # the pages are painted as they are rendered
    shots.grab(preview.window(), "apercu")
    preview.print_pdf()
    preview.window().close()
    answers["button"] = ["Finaliser"]
    answers["exec"] = [1]
    window.documents.finalise()
    wait(lambda: window.session.read_only and not window.session.finalising)
    shots.grab(window, "offre-finalisee")

    # -- offers list: details, context menu, copy for another member, delete -----------------
    window.show_offers()
    offers = window.offers_list
    wait(lambda: offers.model.rowCount() > 0, 2000)
    shots.grab(window, "offres")
    menu(offers.context_menu(), "offres")
    offers.duplicate_for_other()
    shots.grab(offers.picker, "copier-pour")
    offers.picker.search.field.setText("namur")
    offers.picker.search._search()
    wait(lambda: offers.picker.search.showing_results)
    shots.grab(offers.picker, "copier-pour-resultats")
    offers.picker.close()
    offers.duplicate_selected(None)  # a draft, to be deleted
    window.show_offers()
    wait(lambda: offers.model.rowCount() > 1, 2000)
    answers["exec"] = [0]
    offers.delete_selected()

    # -- lifecycle: send, accept, order form -------------------------------------------------
    offers.reload()
    frozen = next(o for o in (offers.model.offer(r) for r in range(offers.model.rowCount())) if o.number)
    window.open_offer(frozen.id)
    from desktop.core.offers import OfferState

    answers["button"] = ["Oui"]
    answers["exec"] = [1]
    try:
        window.documents.set_state(OfferState.ENVOYEE)
        window.documents.set_state(OfferState.ACCEPTEE)
    except Exception as exc:
        shots.problems.append(f"cycle de vie : {exc}")
    window.documents.contract()
    wait(lambda: window.findChild(QDialog, "contractForm") is not None, 2000)
    form = window.findChild(QDialog, "contractForm")
    if form is not None:
        shots.grab(form, "bon-de-commande")
        form.close()

    # -- exchange: export, import, catalogue -------------------------------------------------
    window.exchange.export_offers()
    export = window.findChild(QDialog, "exportForm")
    if export is not None:
        shots.grab(export, "export")
        answers["file"] = [str(work / "lot.zip")]
        export._try_submit()
        wait(lambda: (work / "lot.zip").exists())
        wait(lambda: not runner.busy)
    answers["file"] = [str(work / "lot.zip")]
    window.exchange.import_offers()
    wait(lambda: window.exchange.report is not None and window.exchange.report.isVisible())
    if window.exchange.report is not None:
        shots.grab(window.exchange.report, "import-rapport")
        window.exchange.report.close()
    answers["file"] = [None]
    window.exchange.import_catalogue()
    answers["file"] = [None]
    window.save_backup()
    answers["file"] = [None]
    window.restore_backup()

    # -- context menus of fields -------------------------------------------------------------

    window.show_offers()
    context_menu(window.offers_list.details.viewport(), "historique")
    window.open_settings()
    context_menu(window._settings_dialog.fields["address_lines"].viewport(), "texte-multiligne")
    window._settings_dialog.close()
    runner.wait_idle(5000)

    # -- head office's next grid: a draft on last year's tariff ------------------------------
    window.new_offer_for(nivelles.id)
    window.editor.add_product("delib")
    window.session.save_now(force=True)
    draft_id = window.session.offer.id
    window.discard_on_close = True
    window.close()
    backend.close()
    from conftest import publish_next_year  # the tests' way (scripts/test installs pytest)

    publish_next_year(db_path, "imio-2026")
    backend = Backend.open(db_path, load_startup_data(db_path))
    window = MainWindow(backend, runner, dialogs, UiState(str(work / "ui2.ini")))
    window.show()
    window.show_offers()
    offers = window.offers_list
    wait(lambda: offers.model.rowCount() > 0, 2000)
    offers.select_offer(draft_id)
    shots.grab(window, "offres-tarif-ancien")
    window.open_offer(draft_id)
    shots.grab(window, "brouillon-tarif-ancien")
    runner.wait_idle(5000)
    never_shown = {  # asked for by Qt, never on screen: a setting, a hidden text, an error it keeps
        ("QGuiApplication", "QT_LAYOUT_DIRECTION"),
        ("QProgressBar", "%p%"),
        ("QIODevice", "No such file or directory"),
    }
    shots.problems.extend(f"en anglais : {c} « {t} »" for c, t in sorted(spy.seen - never_shown))
    (args.out / "report.txt").write_text("\n".join(shots.problems) + "\n", encoding="utf-8")
    print("\n".join(shots.problems) or "aucun problème détecté")
    print(f"{shots.n} images dans {args.out}")
    window.discard_on_close = True
    window.close()
    backend.close()
    return 0


def _lines_menu(window):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMenu

    m = QMenu(window)
    m.addAction(window.editor.edit_action)
    m.addAction(window.editor.remove_action)
    return m


if __name__ == "__main__":
    sys.exit(main())
