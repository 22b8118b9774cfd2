"""Read generated PDFs back: text per page, fonts, embedding and glyph coverage."""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def pages_text(pdf: bytes) -> list[str]:
    return [p.extract_text() or "" for p in reader(pdf).pages]


def text(pdf: bytes) -> str:
    return "\n".join(pages_text(pdf))


def flat(pdf: bytes) -> str:
    """All text with line breaks and runs of ordinary spaces collapsed (for phrases that wrap).

    U+202F is kept as is: it is the thousands separator the tests look for. reportlab draws
    U+00A0 with the space glyph, so it reads back as an ordinary space.
    """
    return re.sub(r"[ \n]+", " ", text(pdf))


def _to_unicode(stream: Any) -> dict[int, str]:
    data = stream.get_data().decode("latin-1")
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            if len(uni) % 4:  # reportlab writes astral code points as plain hex: <1F600>
                out[int(code, 16)] = chr(int(uni, 16))
            else:
                out[int(code, 16)] = bytes.fromhex(uni).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, start in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            base = int(start, 16)
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(base + i)
    return out


def subset_glyphs(data: bytes) -> dict[int, int]:
    """Code -> glyph id of an embedded TrueType subset (cmap format 6 or 0: what reportlab writes)."""
    (num_tables,) = struct.unpack_from(">H", data, 4)
    tables = {}
    for i in range(num_tables):
        tag, _sum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        tables[tag] = (offset, length)
    base, _ = tables[b"cmap"]
    _version, count = struct.unpack_from(">HH", data, base)
    out: dict[int, int] = {}
    for i in range(count):
        _platform, _encoding, sub = struct.unpack_from(">HHI", data, base + 4 + 8 * i)
        at = base + sub
        (fmt,) = struct.unpack_from(">H", data, at)
        if fmt == 6:
            first, n = struct.unpack_from(">HH", data, at + 6)
            for k, gid in enumerate(struct.unpack_from(f">{n}H", data, at + 10)):
                out.setdefault(first + k, gid)
        elif fmt == 0:
            for code, gid in enumerate(data[at + 6 : at + 6 + 256]):
                out.setdefault(code, gid)
        else:
            raise AssertionError(f"cmap format {fmt} non lu par ce test")
    return out


def used_codes(pdf: bytes) -> dict[str, set[int]]:
    """Character codes drawn with each font (by base name), read from the content streams."""
    from pypdf.generic import ContentStream

    r = reader(pdf)
    used: dict[str, set[int]] = {}

    def scan(contents: Any, resources: Any) -> None:
        res = resources.get_object() if resources is not None else {}
        names = {k: str(v.get_object().get("/BaseFont")) for k, v in (res.get("/Font") or {}).items()}
        current = None
        for operands, op in ContentStream(contents, r).operations:
            if op == b"Tf":
                current = names.get(operands[0])
            elif op in (b"Tj", b"'", b'"', b"TJ") and current is not None:
                items = operands[0] if op == b"TJ" else operands[-1:]
                for item in items:
                    if hasattr(item, "original_bytes"):
                        used.setdefault(current, set()).update(item.original_bytes)
                    elif isinstance(item, str):
                        used.setdefault(current, set()).update(item.encode("latin-1"))
        for ref in (res.get("/XObject") or {}).values():
            xo = ref.get_object()
            if xo.get("/Subtype") == "/Form":
                scan(xo, xo.get("/Resources"))

    for page in r.pages:
        scan(page.get_contents(), page.get("/Resources"))
    return used


@dataclass(frozen=True)
class FontInfo:
    name: str
    subtype: str
    embedded: bool
    to_unicode: dict[int, str]
    used: frozenset[str]  # characters actually drawn with this font
    missing_glyphs: tuple[str, ...]  # characters drawn with glyph 0 (.notdef: a box)


def fonts(pdf: bytes) -> dict[str, FontInfo]:
    """Every font used on any page (and in form XObjects), by PDF base name."""
    out: dict[str, FontInfo] = {}
    used = used_codes(pdf)

    def visit(resources: Any) -> None:
        if resources is None:
            return
        res = resources.get_object()
        for ref in (res.get("/Font") or {}).values():
            font = ref.get_object()
            name = str(font.get("/BaseFont"))
            if name in out:
                continue
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else None
            embedded = bool(
                descriptor is not None
                and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            )
            tu = _to_unicode(font["/ToUnicode"].get_object()) if "/ToUnicode" in font else {}
            codes = used.get(name, set())
            missing: list[str] = []
            if descriptor is not None and "/FontFile2" in descriptor:
                glyphs = subset_glyphs(descriptor["/FontFile2"].get_object().get_data())
                missing = [tu.get(c, f"<{c:02X}>") for c in sorted(codes) if glyphs.get(c, 0) == 0]
            chars = frozenset(tu.get(c, "") for c in codes)
            out[name] = FontInfo(name, str(font.get("/Subtype")), embedded, tu, chars, tuple(missing))
        for ref in (res.get("/XObject") or {}).values():
            xo = ref.get_object()
            if xo.get("/Subtype") == "/Form":
                visit(xo.get("/Resources"))

    for page in reader(pdf).pages:
        visit(page.get("/Resources"))
    return out


@dataclass(frozen=True)
class Run:
    """A piece of text as drawn: its page (from 1), where it starts (points from the bottom
    left corner of the page), its font size."""

    page: int
    x: float
    y: float
    text: str
    size: float


def runs(pdf: bytes) -> list[Run]:
    """Every text run of every page, where it is drawn."""
    out: list[Run] = []
    for number, page in enumerate(reader(pdf).pages, start=1):

        def visit(text: str, cm: Any, tm: Any, _font: Any, size: float, number: int = number) -> None:
            if text.strip():
                x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
                out.append(Run(number, x, y, text.strip(), size))

        page.extract_text(visitor_text=visit)
    return out
