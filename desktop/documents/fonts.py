"""The TTF fonts embedded in every PDF, and their registration with reportlab.

One family, DejaVu Sans (regular, bold, oblique, bold oblique), shipped in
``resources/fonts`` with its licence. It covers what babel prints for fr_BE/fr_FR: U+202F
(narrow no-break space, the thousands separator), U+00A0, €, accented capitals, ’ and « ».

reportlab is imported inside ``register_fonts`` only, so importing this module is free.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

FAMILY = "DejaVuSans"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
BOLD_ITALIC = "DejaVuSans-BoldOblique"

FONT_FILES: dict[str, str] = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
LICENCE_FILE = "LICENSE-DejaVu.txt"

_lock = threading.Lock()
_registered = False


@dataclass(frozen=True, slots=True)
class FontSet:
    regular: str = REGULAR
    bold: str = BOLD
    italic: str = ITALIC
    bold_italic: str = BOLD_ITALIC


def fonts_dir() -> Path:
    """``<resources>/fonts``, frozen build or source tree alike."""
    try:
        from desktop.paths import resources_dir
    except ImportError:  # pragma: no cover - paths.py is part of the application
        return Path(__file__).resolve().parents[2] / "resources" / "fonts"
    return Path(resources_dir()) / "fonts"


def font_path(name: str) -> Path:
    return fonts_dir() / FONT_FILES[name]


def register_fonts() -> FontSet:
    """Register the family with reportlab once per process (thread-safe, idempotent)."""
    global _registered
    if _registered:
        return FontSet()
    with _lock:
        if _registered:
            return FontSet()
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for name in FONT_FILES:
            path = font_path(name)
            if not path.is_file():
                from desktop.core.errors import StorageError

                raise StorageError(
                    f"Police introuvable : {path}. Réinstallez l'application "
                    "(les polices des documents PDF sont dans resources/fonts)."
                )
            pdfmetrics.registerFont(TTFont(name, str(path)))
        pdfmetrics.registerFontFamily(
            FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
        )
        for bold, italic, name in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, ITALIC), (1, 1, BOLD_ITALIC)):
            addMapping(FAMILY, bold, italic, name)
        _registered = True
    return FontSet()
