"""Writing user-chosen files (PDFs, exports) so that a failure never leaves half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from desktop.core.errors import InvalidInput
from desktop.store.faults import storage_errors


def check_target(path: str | Path) -> Path:
    """``path`` as a file to create: refused in French when it is a folder or its folder is
    missing (what a file dialog or a print dialog may hand over)."""
    out = Path(path).expanduser()
    if out.is_dir():
        raise InvalidInput(f"{out} est un dossier : indiquez le nom complet du fichier à créer.")
    if not out.parent.exists():
        raise InvalidInput(
            f"Le dossier {out.parent} n'existe pas : créez-le ou choisissez-en un autre."
        )
    return out


def write_atomically(path: str | Path, data: bytes, *, what: str = "le fichier") -> Path:
    """Write ``data`` to ``path`` through a temporary file, fsync and rename.

    A half-written file never replaces a good one. A folder given as ``path``, or a missing
    parent folder, is refused with a French message; OS errors (disk full, read-only, access
    denied) become ``StorageError`` messages naming ``what``.
    """
    out = check_target(path)
    with storage_errors(f"écrire {what}", out):
        fd, tmp = tempfile.mkstemp(prefix=".comptoir-", suffix=out.suffix, dir=out.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return out
