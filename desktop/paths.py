"""Where the files shipped with the application live: seed data (``db/``) and ``resources/``.

From a source checkout they sit next to the ``desktop`` package; in a PyInstaller build they
are unpacked beside the executable and ``sys._MEIPASS`` points there. User data (the database,
the log) is elsewhere: see ``desktop.store.database.resolve_db_path`` and
``desktop.logging_setup``.
"""

from __future__ import annotations

import sys
from pathlib import Path


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
