"""Page layout of the offer (reportlab platypus). Imported by ``render_offer`` on first use.

Reading order of the page: letterhead; title with the number (or PROJET); member block and
offer dates; category and its trace; the product table grouped by family (header repeated on
every page it crosses); the "Sur devis" sentence; totals and the VAT statement (never split);
the years budget (table and bar chart, labelled as an estimate); remarks; the printed terms
and the tariff approval; "Pour accord" with two signatories, on the page of the last
condition.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from desktop.documents import fonts
from desktop.documents.formatting import Formatter
from desktop.documents.layout import (
    BRAND,
    BRAND_LIGHT,
    CONTENT_WIDTH,
    GROUP_BG,
    MUTED,
    RENDER_LOCK,
    RULE,
    bounded,
    build_pdf,
    esc,
    fit,
    fit_lines,
    letterhead,
    missing_markup,
    para,
    signature_boxes,
    styles,
    table_style,
    text,
    with_table,
)
from desktop.documents.offer import (
    MISSING,
    PARTLY_SUR_DEVIS,
    OfferDocument,
    OfferLine,
    ParamValue,
)

log = logging.getLogger(__name__)

# Product | setup days | one-time | annual
COL_WIDTHS = (CONTENT_WIDTH - 58 - 2 * 96, 58, 96, 96)
# The years budget: year (« Année 1 (avec mise en place) » on one line) | amount; the chart
# takes the rest of the width, a gutter apart.
BUDGET_COL_WIDTHS = (140, 95)
BUDGET_SIDE = sum(BUDGET_COL_WIDTHS) + 10


def render(doc: OfferDocument, formatter: Formatter | None = None) -> bytes:
    fmt = formatter or Formatter(doc.locale, doc.currency)
    with RENDER_LOCK:
        story = _story(doc, fmt)
        head = doc.letterhead
        return build_pdf(
            story,
            title=doc.title,
            author=head.display_name,
            subject=f"Offre {doc.issuer} — {doc.member.name}",
            running_label=doc.running_label,
            left_label=" · ".join(x for x in (head.display_name, head.web) if x),
            locale=doc.locale,
            watermark="PROJET" if doc.draft else None,
        )


def _story(doc: OfferDocument, fmt: Formatter) -> list[Flowable]:
    st = styles()
    story: list[Flowable] = []
    story += letterhead(doc.letterhead)
    story += _title(doc)
    story.append(_parties(doc, fmt))
    story += _category(doc)
    lead = [
        para(esc("Produits et services"), st.heading),
        para(
            esc(f"Montants en euros, {doc.tax_label}. Offre établie sur la grille "
                f"« {doc.tariff_title or doc.tariff_code} »."),
            st.small,
        ),
    ]
    story += with_table(lead, _lines_table(doc, fmt), rows=3)  # its header, a family, its first line
    if doc.has_sur_devis or doc.has_not_offered:
        story.append(Spacer(0, 2 * mm))
        story.append(para(esc(doc.sur_devis_text), st.small))
    story.append(_totals(doc, fmt))
    story.append(_budget(doc, fmt))
    story += _remarks(doc)
    terms = _terms(doc)
    # the signature block never stands alone on a page: the last condition goes with it
    story += terms[:-1]
    story.append(_agreement(doc, lead=terms[-1:]))
    return story


# --------------------------------------------------------------------------- blocks


def _title(doc: OfferDocument) -> list[Flowable]:
    st = styles()
    if doc.draft:
        sub = (
            "Document de travail non numéroté : ce projet ne vaut pas offre tant qu'il n'est "
            "pas finalisé."
        )
    else:
        sub = f"Offre de services {doc.issuer} — tarif {doc.tariff_year}"
    return [para(esc(doc.title), st.title), para(esc(sub), st.subtitle)]


def _parties(doc: OfferDocument, fmt: Formatter) -> Flowable:
    st = styles()
    m = doc.member
    left: list[Flowable] = [para("<b>Destinataire</b>", st.small)]
    if m.known:
        left.append(para(f"<b>{esc(fit(m.name))}</b>", st.body))
    else:
        left.append(para(missing_markup(m.name), st.body))
    if m.kind_said:
        left.append(text(fit(m.kind_said), st.small))
    if m.street_missing:  # as the order form marks it
        what = "rue et numéro" if m.address_lines else "adresse du membre"
        left.append(para(missing_markup(MISSING.format(what=what)), st.small))
    for line in fit_lines(m.address_lines):
        left.append(text(line, st.small))
    if m.identifiers:
        left.append(text(fit(" · ".join(m.identifiers)), st.small))

    rows = [
        ("Date de l'offre", fmt.date(doc.issued)),
        ("Valable jusqu'au", f"{fmt.date(doc.valid_until)} inclus"),
        ("Catégorie tarifaire", doc.category or "à déterminer"),
        ("Tarif", doc.tariff_title or doc.tariff_code),
    ]
    if doc.seller:
        rows.append(("Établie par", doc.seller))
    if doc.replaces:  # the member must not sign both versions
        rows.append(("Remplace l'offre", doc.replaces))
    right: list[Flowable] = [para("<b>Références</b>", st.small)]
    for label, value in rows:
        right.append(para(f"{esc(label)} : <b>{esc(fit(value))}</b>", st.small))
    widths = [CONTENT_WIDTH * 0.55 - 3 * mm, CONTENT_WIDTH * 0.45 - 3 * mm]
    pad = 2 * 7  # left + right padding of each cell
    return Table(
        [[bounded(left, widths[0] - pad), bounded(right, widths[1] - pad)]],
        colWidths=widths,
        spaceAfter=2 * mm,
        style=table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (0, 0), 0.6, RULE),
                ("BOX", (1, 0), (1, 0), 0.6, RULE),
                ("BACKGROUND", (1, 0), (1, 0), BRAND_LIGHT),
                ("LEFTPADDING", (0, 0), (-1, -1), 7),
                ("RIGHTPADDING", (0, 0), (-1, -1), 7),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        ),
        hAlign="LEFT",
    )


def _category(doc: OfferDocument) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para(esc("Catégorie tarifaire"), st.heading)]
    if doc.category:
        how = " (choisie à la main, motif ci-dessous)" if doc.category_overridden else ""
        out.append(para(f"Catégorie retenue : <b>{esc(doc.category)}</b>{esc(how)}", st.body))
    else:
        out.append(para(missing_markup("[à compléter : catégorie tarifaire]"), st.body))
    for line in doc.category_trace:
        out.append(_bullet(line))
    return out


def _bullet(line: str) -> Flowable:
    from reportlab.platypus import Paragraph

    return Paragraph(esc(line), styles().bullet, bulletText="•")


def _amount(fmt: Formatter, value: Decimal | None, line: OfferLine, doc: OfferDocument) -> tuple[str, bool]:
    """(cell text, italic): the amount, or why there is none (never 0 for a missing price)."""
    if value is None:
        if line.priced:
            return "—", False
        return line.status.label, True
    if not value:  # no such cost for the product (no set-up, no yearly fee): not « 0,00 € »
        return "—", False
    shown = fmt.money(value)
    if line.tax_mode and line.tax_mode != doc.tax_label:
        shown = f"{shown} {line.tax_mode}"
    return shown, False


def _singular(unit: str) -> str:
    """'utilisateurs supplémentaires' -> 'utilisateur supplémentaire', word by word."""
    return " ".join(w[:-1] if len(w) > 2 and w.endswith("s") else w for w in unit.split())


def param_text(p: ParamValue, fmt: Formatter) -> str:
    """'Nombre d'écoles : 9', 'Volume : 40 Go', 'Postes : 1 lecteur'.

    The unit is left out when the label already says it ('Utilisateurs SaaS supplémentaires :
    5', not '… : 5 utilisateurs supplémentaires'); it is singular below 2, as French writes it.
    """
    unit = " ".join(p.unit.split())
    label = p.label.casefold()
    if not unit or all(w.casefold() in label for w in _singular(unit).split()):
        return f"{p.label} : {fmt.number(p.value)}"
    if abs(p.value) < 2:
        unit = _singular(unit)
    return f"{p.label} : {fmt.number(p.value)} {unit}"


def _product_cell(line: OfferLine, fmt: Formatter) -> list[Flowable]:
    st = styles()
    cell: list[Flowable] = [para(f"<b>{esc(line.name)}</b>", st.cell)]
    details = [param_text(p, fmt) for p in line.params]
    if details:
        cell.append(para(esc(" · ".join(details)), st.note))
    if line.sur_devis_hidden:
        cell.append(para(f"<b>{esc(PARTLY_SUR_DEVIS)}</b>", st.note))
    # a discount is explained by its notice, which is among the notes and names the amount
    for n in line.notes:
        cell.append(para(f"<i>{esc(n)}</i>", st.note))
    return cell


def _lines_table(doc: OfferDocument, fmt: Formatter) -> Flowable:
    st = styles()
    tax = doc.tax_label
    header = [
        para("Produit", st.head_cell),
        # the names the tariff's terms (« Explication des montants ») give the columns
        para("Nombre de jours de mise en place", st.head_cell_right),
        para(esc(f"Mise en place (coût unique) {tax}"), st.head_cell_right),
        para(esc(f"Coût annuel de maintenance & hébergement {tax}"), st.head_cell_right),
    ]
    data: list[list[Any]] = [header]
    cmds: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("LEADING", (0, 0), (-1, -1), 10.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("BACKGROUND", (0, 0), (-1, 0), BRAND_LIGHT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, BRAND),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for group in doc.groups:
        r = len(data)
        data.append([para(f"<b>{esc(group.label)}</b>", st.cell), "", "", ""])
        cmds += [
            ("SPAN", (0, r), (-1, r)),
            ("BACKGROUND", (0, r), (-1, r), GROUP_BG),
            ("LINEABOVE", (0, r), (-1, r), 0.4, RULE),
            # a family heading never ends a page alone: keep it with its first line
            ("NOSPLIT", (0, r), (-1, r + 1)),
        ]
        for line in group.lines:
            r = len(data)
            days = fmt.number(line.setup_days) if line.setup_days is not None else (
                "—" if line.priced and not line.days_in_notes else ""
            )
            one, one_it = _amount(fmt, line.one_time, line, doc)
            ann, ann_it = _amount(fmt, line.annual, line, doc)
            data.append([_product_cell(line, fmt), days, one, ann])
            cmds.append(("LINEBELOW", (0, r), (-1, r), 0.25, colors.HexColor("#D5DDE6")))
            if one_it:
                cmds.append(("FONTNAME", (2, r), (2, r), fonts.ITALIC))
            if ann_it:
                cmds.append(("FONTNAME", (3, r), (3, r), fonts.ITALIC))
    return Table(
        data,
        colWidths=COL_WIDTHS,
        repeatRows=1,
        style=table_style(cmds),
        hAlign="LEFT",
        splitByRow=1,
    )


def _totals(doc: OfferDocument, fmt: Formatter) -> Flowable:
    st = styles()
    t = doc.totals
    cov = doc.coverage
    tax = doc.tax_label
    # nothing priced above zero: no budget at all (each total says « Sur devis » on its own)
    nothing_priced = not cov.year1

    def money(value: Decimal, priced: bool, partial: bool) -> str:
        return partly(fmt.money(value), partial) if priced else "Sur devis"

    year1_holds = "coût annuel" if _no_set_up(doc) else "coût annuel + mise en place"

    rows = [
        [
            para(esc(f"Total mise en place (coût unique) {tax}"), st.cell),
            money(t.one_time, cov.one_time, cov.one_time_partial),
        ],
        [
            para(esc(f"Total annuel (maintenance et hébergement) {tax}"), st.cell),
            money(t.annual, cov.annual, cov.annual_partial),
        ],
        [
            para(esc(f"Budget de la première année ({year1_holds}) {tax}"), st.cell_bold),
            money(t.year1, cov.year1, cov.year1_partial),
        ],
    ]
    fonts_by_row = [
        ("FONTNAME", (1, r), (1, r), font if priced else fonts.ITALIC)
        for r, (priced, font) in enumerate(
            ((cov.one_time, fonts.REGULAR), (cov.annual, fonts.REGULAR), (cov.year1, fonts.BOLD))
        )
    ]
    table = Table(
        rows,
        colWidths=(CONTENT_WIDTH - 120, 120),
        hAlign="LEFT",
        style=table_style(
            [
                *fonts_by_row,
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, 1), 0.3, RULE),
                ("BACKGROUND", (0, 2), (-1, 2), BRAND_LIGHT),
                ("BOX", (0, 0), (-1, -1), 0.8, BRAND),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ]
        ),
    )
    flow: list[Flowable] = [para(esc(f"Totaux ({tax})"), st.heading), table, Spacer(0, 2 * mm)]
    if nothing_priced:
        nothing = "Aucune ligne de cette offre n'est chiffrée : les montants suivront sur devis."
        flow.append(para(esc(nothing), st.small))
    elif doc.partial:
        which = "« Sur devis »" if doc.has_sur_devis or doc.has_not_offered else "non chiffrés"
        flow.append(
            para(
                f"<b>{PARTIAL_MARK} Totaux partiels</b> : "
                + esc(f"les montants {which} n'y sont pas compris."),
                st.small,
            )
        )
    if _no_annual_cost(doc):  # days of service only: « seul le coût annuel, soit 0,00 € » misled
        flow.append(para(esc(NO_ANNUAL_COST), st.small))
    elif cov.annual:
        due = f"seul le coût annuel est dû, soit {fmt.money(t.annual)} {tax} par an avant indexation."
        if _no_set_up(doc):  # yearly fees only: no set-up for year 1 to include
            said = f"Cette offre ne comporte pas de mise en place : chaque année, {due}"
        else:
            said = f"La première année comprend le coût annuel et la mise en place ; les années suivantes, {due}"
        flow.append(para(esc(said), st.small))
    if doc.vat_statement:
        flow.append(para(f"<b>TVA</b> : {esc(doc.vat_statement)}", st.small))
    return KeepTogether(flow)


NO_ANNUAL_COST = (
    "Cette offre ne comporte pas de coût annuel : la mise en place est un coût unique, rien "
    "n'est dû les années suivantes."
)


def _no_annual_cost(doc: OfferDocument) -> bool:
    """The offer has no yearly fee at all (days of service only), not one left sur devis."""
    return doc.coverage.no_annual_cost(doc.totals)


def _no_set_up(doc: OfferDocument) -> bool:
    """The offer has no set-up at all (yearly fees only: storage...), not one left sur devis."""
    return doc.coverage.no_set_up(doc.totals)


# After a total or a year that leaves out a « sur devis » part, as the screen marks it; the
# sentence under the table says what it means.
PARTIAL_MARK = "*"


def partly(amount: str, partial: bool) -> str:
    """« 11 450,00 € * » for a total that leaves out a « sur devis » part."""
    return f"{amount}\u00a0{PARTIAL_MARK}" if partial else amount


def _budget(doc: OfferDocument, fmt: Formatter) -> Flowable:
    st = styles()
    t = doc.totals
    years = t.years
    n = len(years)
    tax = doc.tax_label
    head = para(esc(f"Budget estimé sur {n} an{'s' if n > 1 else ''} ({tax})"), st.heading)
    cov = doc.coverage
    if not cov.year1 or n == 0:
        return KeepTogether([head, para(esc("Budget non chiffré : les lignes sont sur devis."), st.small)])
    rows: list[list[Any]] = [[para("Année", st.head_cell), para(esc(f"Montant {tax}"), st.head_cell_right)]]
    priced_years: list[Decimal | None] = []
    unpriced_rows: list[int] = []
    marked = False  # a year that leaves out a « sur devis » part, as the screen marks it
    for i, amount in enumerate(years, start=1):
        with_setup = i == 1 and cov.one_time and t.one_time
        label = f"Année {i}" + (" (avec mise en place)" if with_setup else "")
        if cov.year(i):
            rows.append([label, partly(fmt.money(amount), cov.year_partial(i))])
            priced_years.append(amount)
            marked = marked or cov.year_partial(i)
        else:  # the annual cost is wholly sur devis: later years have no amount
            rows.append([label, "Sur devis"])
            priced_years.append(None)
            unpriced_rows.append(i)
    known = sum((y for y in priced_years if y is not None), Decimal("0"))
    rows.append([para("<b>Total</b>", st.cell), partly(fmt.money(known), marked)])
    table = Table(
        rows,
        colWidths=BUDGET_COL_WIDTHS,
        style=table_style(
            [
                ("FONTNAME", (0, 1), (-1, -1), fonts.REGULAR),
                ("FONTNAME", (1, -1), (1, -1), fonts.BOLD),
                ("FONTSIZE", (0, 1), (-1, -1), 8.5),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("BACKGROUND", (0, 0), (-1, 0), BRAND_LIGHT),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, BRAND),
                ("LINEABOVE", (0, -1), (-1, -1), 0.6, BRAND),
                ("LINEBELOW", (0, 1), (-1, -2), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                *(("FONTNAME", (1, r), (1, r), fonts.ITALIC) for r in unpriced_rows),
            ]
        ),
    )
    chart = _chart(priced_years, fmt)
    side = Table(
        [[table, chart]],
        colWidths=(BUDGET_SIDE, CONTENT_WIDTH - BUDGET_SIDE),
        style=table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
        hAlign="LEFT",
    )
    if _no_annual_cost(doc):  # nothing to index, nor to pay after year 1, however many years
        caption = (
            "Estimation : l'année 1 comprend la mise en place ; sans coût annuel, rien n'est dû "
            "les années suivantes."
        )
    elif n > 1:
        year1 = (
            "sans mise en place, l'année 1 ne comprend que le coût annuel" if _no_set_up(doc)
            else "l'année 1 comprend la mise en place"
        )
        caption = (
            f"Estimation : {year1} ; à partir de l'année 2, le coût "
            f"annuel est indexé de {fmt.percent(t.indexation)} par an (hypothèse de calcul). "
            "L'indexation réelle suit l'indice des prix à la consommation (IPC)."
        )
    else:  # one year: no « année 2 » to speak of
        year1 = "le coût annuel, sans mise en place" if _no_set_up(doc) else "la mise en place et le coût annuel"
        caption = (
            f"Estimation : l'année 1 comprend {year1}. Les années "
            "suivantes, le coût annuel suit l'indice des prix à la consommation (IPC)."
        )
    if marked:
        caption += f" {PARTIAL_MARK} Les montants sur devis n'y sont pas compris."
    elif doc.partial:
        caption += " Les montants sur devis n'y sont pas compris."
    return KeepTogether([head, side, Spacer(0, 1.5 * mm), para(esc(caption), st.note)])


def _chart(years: list[Decimal | None], fmt: Formatter) -> Drawing:
    """Bars of the budget per year; a year with no amount (None) has no bar, not a zero one."""
    width, height = CONTENT_WIDTH - BUDGET_SIDE - 10, 120
    d = Drawing(width, height)
    d.initialFontName = fonts.REGULAR  # the renderer's first font (else Helvetica, unembedded)
    d.initialFontSize = 7
    chart = VerticalBarChart()
    chart.x = 62
    chart.y = 22
    chart.width = width - 80
    chart.height = height - 36
    # drawing coordinates only, amounts print from Decimal
    chart.data = [[None if y is None else float(y) for y in years]]
    chart.categoryAxis.categoryNames = [f"An {i}" for i in range(1, len(years) + 1)]
    chart.categoryAxis.labels.fontName = fonts.REGULAR
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.dy = -2
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = fonts.REGULAR
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.labelTextFormat = lambda v: f"{fmt.integer(int(v))}\u00a0€"
    chart.valueAxis.gridStrokeColor = colors.HexColor("#E3E8EE")
    chart.valueAxis.visibleGrid = 1
    chart.bars[0].fillColor = BRAND
    chart.bars[0].strokeColor = None
    chart.barWidth = 8
    chart.groupSpacing = 8
    d.add(chart)
    caption = "Budget par année (estimation)"
    d.add(String(chart.x, height - 9, caption, fontName=fonts.REGULAR, fontSize=7, fillColor=MUTED))
    return d


def _remarks(doc: OfferDocument) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = []
    if doc.remarks:
        out.append(para(esc("Remarques"), st.heading))
        out += [_bullet(r) for r in doc.remarks]
    if doc.open_points:
        out.append(para(esc("Points à régler avant l'envoi"), st.heading))
        out += [_bullet(r) for r in doc.open_points]
    return out


def _terms(doc: OfferDocument) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para(esc("Conditions"), st.heading)]
    if not doc.terms and doc.issuer.casefold() == "imio":
        log.warning("offre sans conditions imprimées : la grille %s n'a pas de termes", doc.tariff_code)
    for t in doc.terms:
        title = f"<b>{esc(t.title)}.</b> " if t.title else ""
        out.append(para(title + esc(t.text), st.small))
    if doc.approval:
        out.append(para(f"<b>Tarification {doc.tariff_year}.</b> " + esc(doc.approval), st.small))
    return out


def _agreement(doc: OfferDocument, lead: list[Flowable]) -> Flowable:
    """« Pour accord » and the signatures, kept on one page with ``lead``."""
    who = fit(doc.member.who)
    intro = (
        f"<b>Pour accord</b> — pour {esc(who)}, les soussignés marquent leur accord sur la "
        f"présente offre{(' n° ' + esc(doc.number)) if doc.number else ''}."
    )
    titles = [f"Signataire {i}" for i in range(1, len(doc.signatories) + 1)]
    caps = [s.capacity for s in doc.signatories]
    return KeepTogether([*lead, Spacer(0, 4 * mm), *signature_boxes(titles, caps, intro=intro)])
