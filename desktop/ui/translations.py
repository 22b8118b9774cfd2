"""French for Qt's own texts (dialog buttons, context menus, undo actions, file and print
dialogs).

Qt's French catalogue (``qtbase_fr``) leaves a few texts of its file and print dialogs in
English; ``MISSING_FRENCH`` translates them, asked only after the catalogue.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

LOCALE = QLocale(QLocale.Language.French, QLocale.Country.Belgium)

_NBSP = "\u00a0"  # before a colon, as in qtbase_fr
# (context, source text, disambiguation) -> French, for what qtbase_fr does not translate.
MISSING_FRENCH: dict[tuple[str, str, str | None], str] = {
    ("QFileDialog", "&Look in:", None): f"Regarder &dans{_NBSP}:",
    ("QFileDialog", "Files of &type:", None): f"Fichiers de &type{_NBSP}:",
    ("QAbstractFileIconProvider", "Folder", "All other platforms"): "Dossier",
    ("QAbstractFileIconProvider", "Drive", None): "Lecteur",
    ("QPrintSettingsOutput", "Page &Set:", None): f"Pages &incluses{_NBSP}:",
    ("QPageSetupWidget", "Page &order:", None): f"&Ordre des pages{_NBSP}:",
    ("QPageSetupWidget", "Pages &per sheet:", None): f"Pages par &feuille{_NBSP}:",
    ("QCupsJobWidget", "Scheduled &printing:", None): f"Impression &planifiée{_NBSP}:",
    ("QCupsJobWidget", "&Billing information:", None): f"Informations de &facturation{_NBSP}:",
    ("QCupsJobWidget", "Job &priority:", None): f"P&riorité de la tâche{_NBSP}:",
    ("QCupsJobWidget", "&Start:", "Banner page at start"): f"&Début{_NBSP}:",
    ("QCupsJobWidget", "&End:", "Banner page at end"): f"&Fin{_NBSP}:",
}


class MissingFrench(QTranslator):
    """The texts of ``MISSING_FRENCH``; nothing (the next translator, or English) otherwise."""

    def translate(
        self, context: str, source_text: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return MISSING_FRENCH.get((context, source_text, disambiguation or None))

    def isEmpty(self) -> bool:
        return False


def _candidate_dirs() -> list[Path]:
    dirs = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    try:  # a frozen build may ship them under resources/translations
        from desktop.paths import resources_dir

        dirs.append(resources_dir() / "translations")
    except Exception:
        dirs.append(Path(__file__).resolve().parents[2] / "resources" / "translations")
    return dirs


def install_french(app: QApplication) -> list[QTranslator]:
    """Sets the fr_BE locale and loads qtbase_fr with the texts it lacks; returns the
    translators (keep them alive; ``app.removeTranslator`` undoes)."""
    QLocale.setDefault(LOCALE)
    supplement = MissingFrench(app)
    app.installTranslator(supplement)  # installed first: asked after the catalogue
    installed: list[QTranslator] = [supplement]
    for name in ("qtbase",):
        translator = QTranslator(app)
        for directory in _candidate_dirs():
            if translator.load(LOCALE, name, "_", str(directory)):
                app.installTranslator(translator)
                installed.append(translator)
                break
        else:
            log.warning("Traductions Qt « %s_fr » introuvables : boutons Qt en anglais.", name)
    return installed
