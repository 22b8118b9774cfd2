"""Where the files shipped with the application live: seed data (``db/``) and ``resources/``.

From a source checkout they sit next to the ``desktop`` package; in a PyInstaller build they
are unpacked beside the executable and ``sys._MEIPASS`` points there. User data (the database,
the log) is elsewhere: see ``desktop.store.database.resolve_db_path`` and
``desktop.logging_setup``. ``system_environment`` keeps a frozen build's own search paths away
from the programs of the system it starts.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Search paths a PyInstaller build points at its own libraries and Qt plug-ins (the bootloader
# sets LD_LIBRARY_PATH, PySide6's start-up hook QT_PLUGIN_PATH, QML2_IMPORT_PATH and, on
# Windows, PATH). A program of the system started from the build inherits them.
BUILD_SEARCH_PATHS = ("LD_LIBRARY_PATH", "QT_PLUGIN_PATH", "QML2_IMPORT_PATH", "PATH")


def project_root() -> Path:
    """The folder that holds ``db/`` and ``resources/``."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def db_seed_dir() -> Path:
    """Seed files that build the embedded default database (tariff grids, reference data)."""
    return project_root() / "db"


def resources_dir() -> Path:
    """Fonts, icons, logo and document templates."""
    return project_root() / "resources"


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([os.path.abspath(path), folder]) == folder
    except ValueError:  # another drive
        return False


@contextmanager
def system_environment() -> Iterator[None]:
    """While it lasts, the search paths a frozen build added for itself are taken out of the
    environment, for starting a program of the system (the PDF reader): started from the build,
    it loaded the build's Qt and libraries in place of its own. Nothing changes from a checkout.
    """
    frozen = getattr(sys, "_MEIPASS", None)
    saved: dict[str, str] = {}
    if frozen:
        folder = os.path.abspath(frozen)
        for name in BUILD_SEARCH_PATHS:
            value = os.environ.get(name)
            if not value:
                continue
            entries = value.split(os.pathsep)
            kept = [entry for entry in entries if not (entry and _inside(entry, folder))]
            if len(kept) == len(entries):
                continue
            saved[name] = value
            if kept:
                os.environ[name] = os.pathsep.join(kept)
            else:
                del os.environ[name]
    try:
        yield
    finally:
        os.environ.update(saved)
