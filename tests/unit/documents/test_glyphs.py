"""Text refused as unprintable is exactly what the documents' font cannot draw."""

from __future__ import annotations

import unicodedata

from reportlab.pdfbase.ttfonts import TTFont

from desktop.core import glyphs
from desktop.documents import fonts


def _table(codes: set[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for code in sorted(codes):
        if out and out[-1][1] == code - 1:
            out[-1] = (out[-1][0], code)
        else:
            out.append((code, code))
    return out


def test_the_printable_table_is_what_every_face_of_the_font_draws_left_to_right() -> None:
    """A character missing from one face (bold prints member names) printed as a box there;
    Arabic and Hebrew letters came out in reverse order."""
    faces = [TTFont(name, str(fonts.font_path(name))) for name in fonts.FONT_FILES]
    drawn = set.intersection(*({c for c, g in f.face.charToGlyph.items() if g} for f in faces))
    expected = {
        c for c in drawn
        if unicodedata.category(chr(c)) not in ("Cc", "Cf", "Co", "Cs", "Cn")
        and unicodedata.bidirectional(chr(c)) not in ("R", "AL")
    }
    assert glyphs.ranges() == _table(expected), " ".join(
        f"{a:04X}-{b:04X}" if a != b else f"{a:04X}" for a, b in _table(expected)
    )


def test_printable_reads_the_table() -> None:
    assert all(glyphs.printable(c) for c in "aZé€’«»—œ\u00a0\u202f😀")
    assert not any(glyphs.printable(c) for c in "👍✅中\uf0b7\x07\u200bא")
