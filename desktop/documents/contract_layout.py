"""Page layout of the contract (reportlab). Imported by ``render_contract`` on first use.

The wording comes from the template: headings, paragraphs and items are set in the house
styles; ``[[produits]]`` draws the ordered products, ``[[signatures]]`` the signature boxes of
iMio and of the member (kept on one page with the paragraph that leads to them). What the
template writes under ``[[si …]]`` prints when the order meets the condition
(``contract_conditions``: an order of service days has no annual cost to speak of).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from desktop.core import doctemplate
from desktop.documents import fonts
from desktop.documents.contract import ContractDocument, contract_conditions, contract_values
from desktop.documents.formatting import Formatter
from desktop.documents.layout import (
    BRAND,
    BRAND_LIGHT,
    CONTENT_WIDTH,
    MISSING_HEX,
    RENDER_LOCK,
    RULE,
    build_pdf,
    esc,
    fit,
    letterhead,
    para,
    signature_boxes,
    styles,
    table_style,
    with_table,
)
from desktop.documents.offer import PARTLY_SUR_DEVIS, OfferLine
from desktop.documents.offer_layout import param_text

COL_WIDTHS = (CONTENT_WIDTH - 62 - 2 * 96, 62, 96, 96)


def render(doc: ContractDocument, formatter: Formatter | None = None) -> bytes:
    fmt = formatter or Formatter(doc.locale, doc.currency)
    with RENDER_LOCK:
        story = _story(doc, fmt)
        head = doc.letterhead
        return build_pdf(
            story,
            title=f"{doc.title} — offre {doc.offer_number}",
            author=head.display_name,
            subject=f"{doc.title} — {doc.member.name}",
            running_label=doc.running_label,
            left_label=" · ".join(x for x in (head.display_name, head.web) if x),
            locale=doc.locale,
        )


_MARKER = re.compile(r"\[à compléter[^\]]*\]")


def _missing(text: str) -> str:
    return f'<font color="{MISSING_HEX}"><b>{esc(text)}</b></font>'


def _markup(spans: tuple[doctemplate.Span, ...]) -> str:
    out = []
    for s in spans:
        piece = esc(s.text)
        if s.missing and _MARKER.search(s.text) and not _MARKER.fullmatch(s.text):
            # a value complete but for a part (« [à compléter : rue et numéro], 5000 Namur »):
            # the part to complete stands out, the rest reads as the known value it is
            pieces = _MARKER.split(s.text)
            markers = [_missing(m) for m in _MARKER.findall(s.text)] + [""]
            piece = "".join(esc(p) + m for p, m in zip(pieces, markers, strict=True))
            if s.bold:
                piece = f"<b>{piece}</b>"
        elif s.missing:
            piece = _missing(s.text)
        elif s.bold:
            piece = f"<b>{piece}</b>"
        out.append(piece)
    return "".join(out)


def _story(doc: ContractDocument, fmt: Formatter) -> list[Flowable]:
    st = styles()
    values, missing = contract_values(doc, fmt)
    filled = doctemplate.fill(doc.template, values, missing, contract_conditions(doc))
    story: list[Flowable] = list(letterhead(doc.letterhead))
    # The last paragraph and the headings above it are held back: the signature block keeps
    # them on its page (reportlab's keepWithNext does not reach into a KeepTogether).
    pending: list[Flowable] = []
    for block in filled:
        if block.kind == "insert":
            if block.name == "produits":
                story += with_table(pending, _products(doc, fmt), rows=2)  # header, first product
                pending = []
                if doc.remarks:  # what the offer was accepted with, as it printed it
                    story.append(Spacer(0, 1.5 * mm))
                    story += [para(esc(f"Dérogation : {r}"), st.note) for r in doc.remarks]
                story.append(Spacer(0, 2 * mm))
            elif block.name == "signatures":
                story.append(KeepTogether([*pending, Spacer(0, 3 * mm), *_signatures(doc)]))
                pending = []
            continue
        if not block.text.strip():
            continue  # a paragraph made only of an empty optional field
        markup = _markup(block.spans)
        heading = block.kind in ("title", "heading", "subheading")
        if block.kind == "title":
            flow: Flowable = para(markup, st.title)
        elif block.kind == "heading":
            flow = para(markup, st.heading)
        elif block.kind == "subheading":
            flow = para(markup, st.subheading)
        elif block.kind == "item":
            flow = Paragraph(markup, st.bullet, bulletText="•")
        else:
            flow = para(markup, st.body)
        if pending and all(getattr(f, "_heading", False) for f in pending):
            pending.append(flow)
        else:
            story += pending
            pending = [flow]
        if heading:
            flow._heading = True
    story += pending
    return story


def _amount(fmt: Formatter, value: Decimal | None, line: OfferLine) -> tuple[str, bool]:
    if value is None:
        return ("—", False) if line.priced else (line.status.label, True)
    if not value:  # no such cost for the product (no set-up, no yearly fee): not « 0,00 € »
        return "—", False
    return fmt.money(value), False


def _products(doc: ContractDocument, fmt: Formatter) -> Flowable:
    st = styles()
    tax = doc.tax_label
    data: list[list[Any]] = [
        [
            para("Produit", st.head_cell),
            para("Catégorie", st.head_cell),
            para(esc(f"Mise en place (coût unique) {tax}"), st.head_cell_right),
            para(esc(f"Coût annuel {tax}"), st.head_cell_right),
        ]
    ]
    cmds: list[tuple[Any, ...]] = [
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
        ("BACKGROUND", (0, 0), (-1, 0), BRAND_LIGHT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, BRAND),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    category = doc.category or "—"
    for line in doc.lines:
        r = len(data)
        cell: list[Flowable] = [para(f"<b>{esc(line.name)}</b>", st.cell)]
        details = [param_text(p, fmt) for p in line.params]
        if line.setup_days is not None:
            details.append(f"{days_text(line.setup_days, fmt)} de mise en place")
        if details:
            cell.append(para(esc(" · ".join(details)), st.note))
        if line.sur_devis_hidden:
            cell.append(para(f"<b>{esc(PARTLY_SUR_DEVIS)}</b>", st.note))
        if line.discounts:  # which discount and why (« Remise CPAS de 50 % … car la commune … »)
            cell += [para(esc(d), st.note) for d in line.discounts]
        elif line.discount:
            cell.append(para(esc(f"Remise appliquée : −{fmt.money(line.discount)}"), st.note))
        one, one_it = _amount(fmt, line.one_time, line)
        ann, ann_it = _amount(fmt, line.annual, line)
        data.append([cell, para(esc(category), st.cell), one, ann])
        cmds.append(("LINEBELOW", (0, r), (-1, r), 0.25, RULE))
        if one_it:
            cmds.append(("FONTNAME", (2, r), (2, r), fonts.ITALIC))
        if ann_it:
            cmds.append(("FONTNAME", (3, r), (3, r), fonts.ITALIC))
    total_label = "Total (partiel)" if any(not x.priced for x in doc.lines) else "Total"
    t = doc.totals
    cov = doc.coverage
    r = len(data)

    def total(value: Decimal, priced: bool, none: bool) -> str:
        if not priced:
            return "Sur devis"
        return "—" if none else fmt.money(value)  # as its lines say it: no such cost, not 0,00 €

    data.append(
        [
            para(f"<b>{esc(total_label)}</b>", st.cell),
            "",
            total(t.one_time, cov.one_time, cov.no_set_up(t)),
            total(t.annual, cov.annual, cov.no_annual_cost(t)),
        ]
    )
    cmds += [
        ("FONTNAME", (2, r), (2, r), fonts.BOLD if cov.one_time else fonts.ITALIC),
        ("FONTNAME", (3, r), (3, r), fonts.BOLD if cov.annual else fonts.ITALIC),
        ("LINEABOVE", (0, r), (-1, r), 0.8, BRAND),
        ("BACKGROUND", (0, r), (-1, r), BRAND_LIGHT),
        # the total never starts a page alone under the repeated header: the last line goes with it
        ("NOSPLIT", (0, max(r - 1, 1)), (-1, r)),
    ]
    return Table(data, colWidths=COL_WIDTHS, repeatRows=1, style=table_style(cmds), hAlign="LEFT")


def days_text(days: Decimal, fmt: Formatter) -> str:
    """« 0,5 jour », « 1,5 jour », « 2 jours »: in French the singular goes up to 2."""
    return f"{fmt.number(days)} jour{'s' if abs(days) >= 2 else ''}"


def _signatures(doc: ContractDocument) -> list[Flowable]:
    st = styles()
    member = fit(doc.member.who)
    out: list[Flowable] = []
    for who, signatories in (
        (fit(doc.letterhead.display_name), doc.issuer_signatories),
        (member, doc.member_signatories),
    ):
        out.append(para(f"Pour {esc(who)}", st.subheading))
        titles = [f"Signataire {i}" for i in range(1, len(signatories) + 1)]
        out += signature_boxes(titles, [s.capacity for s in signatories])
        out.append(Spacer(0, 2 * mm))
    return out
