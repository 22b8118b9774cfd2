"""French for Qt's own texts (dialog buttons, context menus, undo actions)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

LOCALE = QLocale(QLocale.Language.French, QLocale.Country.Belgium)


def _candidate_dirs() -> list[Path]:
    dirs = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    try:  # a frozen build may ship them under resources/translations
        from desktop.paths import resources_dir

        dirs.append(resources_dir() / "translations")
    except Exception:
        dirs.append(Path(__file__).resolve().parents[2] / "resources" / "translations")
    return dirs


def install_french(app: QApplication) -> list[QTranslator]:
    """Sets the fr_BE locale and loads qtbase_fr; returns the translators (keep them alive)."""
    QLocale.setDefault(LOCALE)
    installed: list[QTranslator] = []
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
