"""reportlab details the documents depend on: narrow no-break spaces, escaping, fonts."""

from __future__ import annotations

import doc_factories as f
import pdf_inspect as pi

from desktop.documents import layout

NNBSP = "\u202f"
AMOUNT = f"1{NNBSP}234{NNBSP}567,00\u00a0€"


def _lines(text: str, width: float) -> list[str]:
    st = layout.styles()
    p = layout.para(layout.esc(text), st.body)
    p.wrap(width, 1000)
    out = []
    for line in p.blPara.lines:
        words = getattr(line, "words", None)
        if words is None:  # simple paragraphs: (width, [words])
            out.append(" ".join(line[1]))
        else:
            out.append("".join(w.text for w in words if hasattr(w, "text")))
    return out


def test_an_amount_never_breaks_at_its_thousands_separator() -> None:
    lines = _lines(f"Montant total de l'offre : {AMOUNT} HTVA", 70)
    assert any(AMOUNT.replace("\u00a0", " ") in line.replace("\u00a0", " ") for line in lines), lines
    assert not any(line.endswith("1") or line.startswith("234") for line in lines), lines


def test_the_narrow_space_is_drawn_with_its_own_glyph() -> None:
    from desktop.documents.offer import build_offer_document, render_offer

    doc = build_offer_document(f.quote(), f.tariff(), None, number="OFF-1", issued=f.ISSUED)
    pdf = render_offer(doc)
    drawn = set().union(*(i.used for i in pi.fonts(pdf).values()))
    assert NNBSP in drawn
    # the sentence under the totals is a Paragraph: its amount keeps U+202F
    assert f"soit 5{NNBSP}344,00 € HTVA" in pi.flat(pdf)


def test_escape_keeps_data_text_literal() -> None:
    assert layout.esc("A & B <c> \n d") == "A &amp; B &lt;c&gt; <br/> d"
