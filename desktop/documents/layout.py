"""Shared page furniture for the PDF documents (reportlab): styles, letterhead, page footer
"… — page x/y", the PROJET watermark, signature boxes, and the text escaping rules.

This module imports reportlab at the top: only the renderers import it, on first use.

Two reportlab behaviours matter for French amounts and are handled here:

* reportlab's ``Paragraph`` treats U+202F (narrow no-break space, babel's thousands separator
  for fr_BE) as an ordinary breakable space: it would print "8 062,00 €" with a plain space
  and could break the line inside the amount. ``keep_narrow_no_break_space`` takes U+202F out
  of reportlab's set of breaking white space, so it is drawn with its own glyph and never
  breaks. U+00A0 is already non-breaking in reportlab (drawn with the space glyph).
* reportlab registers Helvetica as the initial canvas font, which would put a non-embedded
  font in the PDF: every canvas here starts with the embedded DejaVu Sans instead.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepInFrame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as _rl_paragraph

from desktop.core.format import french_spaces
from desktop.documents import fonts
from desktop.documents.offer import MISSING_ADDRESS, MISSING_CONTACT
from desktop.documents.printable import MAX_PRINTED, fit, fit_lines

# One render at a time: reportlab keeps process-wide state (font subsets per document,
# rl_config) and the preview renders on a worker thread while the CLI or a test may too.
RENDER_LOCK = threading.Lock()

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = MARGIN_RIGHT = 18 * mm
MARGIN_TOP = 16 * mm
MARGIN_BOTTOM = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
BODY_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

BRAND = colors.HexColor("#1F4E79")
BRAND_LIGHT = colors.HexColor("#E6EDF5")
GROUP_BG = colors.HexColor("#F2F5F9")
RULE = colors.HexColor("#9DB3CC")
MUTED = colors.HexColor("#555555")
MISSING_HEX = "#B03A2E"
MISSING_COLOUR = colors.HexColor(MISSING_HEX)

_patched = False


def keep_narrow_no_break_space() -> None:
    """Make reportlab's paragraphs treat U+202F as a non-breaking character (idempotent)."""
    global _patched
    if _patched:
        return
    wsc = _rl_paragraph._wsc.replace("\u202f", "")
    _rl_paragraph._wsc = wsc
    _rl_paragraph._wsc_re_split = re.compile(f"[{re.escape(wsc)}]+").split
    _rl_paragraph._wsc_end_search = re.compile(f"[{re.escape(wsc)}]+$").search
    original = _rl_paragraph.split
    splitter = _rl_paragraph._wsc_re_split

    def split(text: Any, delim: Any = None) -> list[str]:
        if delim is not None:
            return original(text, delim)  # type: ignore[no-any-return]
        if isinstance(text, bytes):
            text = text.decode("utf8")
        return [w for w in splitter(text) if w]

    _rl_paragraph.split = split
    _patched = True


def setup() -> fonts.FontSet:
    """Fonts registered and reportlab patched: call before building any flowable."""
    font_set = fonts.register_fonts()
    keep_narrow_no_break_space()
    return font_set


# --------------------------------------------------------------------------- text


# Height one of those blocks may take: half the page body. Whatever its text, a block taller
# than that is shrunk to fit (``bounded``) rather than made impossible to lay out.
MAX_BLOCK_HEIGHT = BODY_HEIGHT / 2


def bounded(content: list[Flowable], width: float, height: float = MAX_BLOCK_HEIGHT) -> Flowable:
    """``content`` for a table cell that cannot split: drawn as is when it fits ``height``,
    scaled down to fit otherwise (reportlab raises LayoutError for a row taller than a page)."""
    return KeepInFrame(width, height, content, mode="shrink")


def esc(text: object) -> str:
    """Text made safe for Paragraph markup ('&', '<', '>' print as such), its French spaces
    unbreakable (U+00A0, which reportlab keeps and draws with the space glyph)."""
    return french_spaces(_xml_escape(str(text))).replace("\n", "<br/>")


def missing_markup(text: str) -> str:
    """A '[à compléter : ...]' marker, bold and red so nobody sends it unnoticed."""
    return f'<font color="{MISSING_HEX}"><b>{esc(text)}</b></font>'


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    tiny: ParagraphStyle
    note: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_right: ParagraphStyle
    head_cell: ParagraphStyle
    head_cell_right: ParagraphStyle
    letter_name: ParagraphStyle
    letter_line: ParagraphStyle
    letter_right: ParagraphStyle
    bullet: ParagraphStyle


_styles: Styles | None = None


def styles() -> Styles:
    global _styles
    if _styles is not None:
        return _styles
    f = setup()
    base = ParagraphStyle(
        "body", fontName=f.regular, bulletFontName=f.regular, fontSize=9, leading=12,
        alignment=TA_LEFT, spaceAfter=3,
    )

    def s(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    _styles = Styles(
        body=base,
        small=s("small", fontSize=8, leading=10.5),
        tiny=s("tiny", fontSize=7, leading=9, textColor=MUTED, spaceAfter=0),
        note=s("note", fontSize=7.5, leading=9.5, textColor=MUTED, spaceAfter=0),
        title=s("title", fontName=f.bold, fontSize=16, leading=20, textColor=BRAND, spaceAfter=2),
        subtitle=s("subtitle", fontSize=9, leading=12, textColor=MUTED, spaceAfter=6),
        heading=s(
            "heading", fontName=f.bold, fontSize=11, leading=14, textColor=BRAND,
            spaceBefore=9, spaceAfter=4, keepWithNext=1,
        ),
        subheading=s(
            "subheading", fontName=f.bold, fontSize=9, leading=12, spaceBefore=4, spaceAfter=1,
            keepWithNext=1,
        ),
        cell=s("cell", fontSize=8.5, leading=10.5, spaceAfter=0),
        cell_bold=s("cell_bold", fontName=f.bold, fontSize=8.5, leading=10.5, spaceAfter=0),
        cell_right=s("cell_right", fontSize=8.5, leading=10.5, spaceAfter=0, alignment=TA_RIGHT),
        head_cell=s(
            "head_cell", fontName=f.bold, fontSize=7.5, leading=9, spaceAfter=0, textColor=BRAND
        ),
        head_cell_right=s(
            "head_cell_right", fontName=f.bold, fontSize=7.5, leading=9, spaceAfter=0,
            textColor=BRAND, alignment=TA_RIGHT,
        ),
        letter_name=s("letter_name", fontName=f.bold, fontSize=15, leading=18, textColor=BRAND, spaceAfter=1),
        letter_line=s("letter_line", fontSize=8, leading=10, spaceAfter=0),
        letter_right=s("letter_right", fontSize=7.5, leading=10, spaceAfter=0, alignment=TA_RIGHT),
        bullet=s("bullet", fontSize=8, leading=10.5, leftIndent=9, bulletIndent=0, spaceAfter=1),
    )
    return _styles


def para(text_markup: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(french_spaces(text_markup), style)


def text(value: object, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of data text (escaped)."""
    return Paragraph(esc(value), style)


def table_style(commands: Sequence[tuple[Any, ...]]) -> TableStyle:
    """A TableStyle whose cells default to the embedded font (reportlab's default is
    Helvetica, which would be referenced, unembedded, even by an empty cell)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR), *commands])


class _TableStart(CondPageBreak):
    """A page break when what is left of the page cannot hold ``lead`` and the first ``rows``
    rows of ``table`` (measured when laid out, at the width they get)."""

    def __init__(self, lead: Sequence[Flowable], table: Table, rows: int) -> None:
        super().__init__(0)
        self._lead = lead
        self._table = table
        self._rows = rows

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        needed = sum(
            f.wrap(availWidth, BODY_HEIGHT)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in self._lead
        )
        self._table.wrap(availWidth, BODY_HEIGHT)
        needed += sum(self._table._rowHeights[: self._rows])
        # what a whole page cannot hold either would only leave a page blank
        self.height = needed if needed <= BODY_HEIGHT else 0
        return super().wrap(availWidth, availHeight)  # type: ignore[no-any-return]


def with_table(lead: Sequence[Flowable], table: Table, rows: int) -> list[Flowable]:
    """``lead`` (a heading, the sentence that presents the table) then ``table``, starting on the
    next page together when this one has no room for the table's first ``rows`` rows: a
    heading never ends a page whose table begins on the next."""
    return [_TableStart(lead, table, rows), *lead, table]


# --------------------------------------------------------------------------- letterhead


def letterhead(head: Any) -> list[Flowable]:
    """The issuer block: name, address, contacts; legal identifiers on the right.

    ``head`` is a ``desktop.documents.offer.Letterhead``.
    """
    st = styles()
    left: list[Flowable] = [text(fit(head.display_name), st.letter_name)]
    if head.address_lines:
        left.append(text(fit(" · ".join(fit_lines(head.address_lines)), 2 * MAX_PRINTED), st.letter_line))
    else:  # emptied in the settings: shown to complete, as the order form's parties do
        left.append(para(missing_markup(MISSING_ADDRESS), st.letter_line))
    contacts = [fit(x) for x in (f"Tél. {head.phone}" if head.phone else "", head.email, head.web) if x]
    if contacts:
        left.append(text(" · ".join(contacts), st.letter_line))
    else:  # the member would have no way to reach the issuer
        left.append(para(missing_markup(MISSING_CONTACT), st.letter_line))
    right: list[Flowable] = []
    for label, attr in (
        ("Forme juridique", "legal_form"),
        ("N° d'entreprise", "enterprise_number"),
        ("IBAN", "iban"),
    ):
        value, missing = head.value_or_marker(attr)
        if attr == "legal_form" and not missing:
            continue  # printed after the name
        shown = missing_markup(value) if missing else esc(fit(value))
        right.append(para(f"{esc(label)} : {shown}", st.letter_right))
    widths = [CONTENT_WIDTH * 0.46, CONTENT_WIDTH * 0.54]
    table = Table(
        [[bounded(left, widths[0]), bounded(right, widths[1])]],
        colWidths=widths,
        style=table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, BRAND),
            ]
        ),
    )
    return [table, Spacer(0, 5 * mm)]


# --------------------------------------------------------------------------- signatures


def signature_boxes(
    titles: Sequence[str],
    capacities: Sequence[str],
    *,
    names: Sequence[str] | None = None,
    intro: str = "",
) -> list[Flowable]:
    """Side-by-side signature boxes: 'Date', 'Nom', 'Qualité', then room to sign.

    Returned as a list: the caller wraps it (with what leads to it) in one KeepTogether.
    """
    st = styles()
    line = "_" * 34
    cells = []
    for i, title in enumerate(titles):
        name = fit(names[i]) if names and i < len(names) and names[i] else ""
        capacity = fit(capacities[i]) if i < len(capacities) and capacities[i] else ""
        cells.append(
            [
                para(f"<b>{esc(title)}</b>", st.small) if title else Spacer(0, 0),
                Spacer(0, 2 * mm),
                para(f"Date : {line[:24]}", st.small),
                para(f"Nom : {esc(name) if name else line}", st.small),
                para(f"Qualité : {esc(capacity) if capacity else line}", st.small),
                para("Signature :", st.small),
                Spacer(0, 18 * mm),
            ]
        )
    n = max(len(cells), 1)
    gap = 6 * mm
    width = (CONTENT_WIDTH - gap * (n - 1)) / n
    row: list[Any] = []
    widths: list[float] = []
    for i, c in enumerate(cells):
        if i:
            row.append("")
            widths.append(gap)
        row.append(c)
        widths.append(width)
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
    ]
    for i in range(0, len(row), 2):
        style.append(("BOX", (i, 0), (i, 0), 0.6, RULE))
    flow: list[Flowable] = []
    if intro:
        flow.append(para(intro, st.body))
    flow.append(Table([row], colWidths=widths, style=table_style(style)))
    return flow


# --------------------------------------------------------------------------- pages


def numbered_canvas(running_label: str, left_label: str) -> type[Canvas]:
    """A canvas class that writes '<running_label> — page x/y' at the foot of every page.

    Pages are kept until ``save`` so the total is known (one pass, no second build).
    """

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._page_states: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._page_states)
            for state in self._page_states:
                self.__dict__.update(state)
                self._footer(total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _footer(self, total: int) -> None:
            f = fonts.REGULAR
            size = 7.5
            y = 10 * mm
            right = f"{running_label} — page {self._pageNumber}/{total}"
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN_LEFT, y + 3.5 * mm, PAGE_WIDTH - MARGIN_RIGHT, y + 3.5 * mm)
            self.setFillColor(MUTED)
            self.setFont(f, size)
            self.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, y, right)
            room = CONTENT_WIDTH - self.stringWidth(right, f, size) - 6 * mm
            if left_label and self.stringWidth(left_label, f, size) <= room:
                self.drawString(MARGIN_LEFT, y, left_label)
            self.restoreState()

    return NumberedCanvas


def draw_watermark(canvas: Canvas, word: str = "PROJET") -> None:
    """A large, light diagonal word behind the page content (drafts)."""
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.75, 0.2, 0.2, alpha=0.12))
    canvas.setFont(fonts.BOLD, 110)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(45)
    canvas.drawCentredString(0, -38, word)
    canvas.restoreState()


def build_pdf(
    story: list[Flowable],
    *,
    title: str,
    author: str,
    subject: str,
    running_label: str,
    left_label: str,
    watermark: str | None = None,
    locale: str = "fr_BE",
) -> bytes:
    """Lay out ``story`` on A4 pages and return the PDF bytes (deterministic). ``locale`` is
    the document's language, as readers and screen readers take it (« fr_FR » -> fr-FR)."""
    import io

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author,
        subject=subject,
        creator="Comptoir",
        producer="Comptoir (reportlab)",
        invariant=1,
        initialFontName=fonts.REGULAR,
        lang=locale.replace("_", "-"),
    )
    frame = Frame(
        MARGIN_LEFT, MARGIN_BOTTOM, CONTENT_WIDTH, BODY_HEIGHT,
        id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
    )
    # The watermark is drawn over the content (translucent): table backgrounds would hide it.
    on_page_end: Callable[[Canvas, Any], None]
    if watermark:
        def on_page_end(canvas: Canvas, _doc: Any) -> None:
            draw_watermark(canvas, watermark)
    else:
        def on_page_end(canvas: Canvas, _doc: Any) -> None:
            return None
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=on_page_end)])
    doc.build(story, canvasmaker=numbered_canvas(running_label, left_label))
    return buffer.getvalue()


__all__ = [
    "BRAND",
    "BRAND_LIGHT",
    "CONTENT_WIDTH",
    "GROUP_BG",
    "MUTED",
    "RENDER_LOCK",
    "RULE",
    "TA_CENTER",
    "TA_RIGHT",
    "Styles",
    "bounded",
    "build_pdf",
    "esc",
    "fit",
    "fit_lines",
    "letterhead",
    "missing_markup",
    "para",
    "setup",
    "signature_boxes",
    "styles",
    "table_style",
    "text",
    "with_table",
]
