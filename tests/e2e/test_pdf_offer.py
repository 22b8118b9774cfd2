"""The offer PDF read back: amounts, dates, mentions, numbering, fonts, determinism, layout."""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "documents"))

import doc_factories as f
import pdf_inspect as pi

from desktop.core.members import MemberKind
from desktop.core.quote import LineStatus, QuoteLine
from desktop.documents import fonts as doc_fonts
from desktop.documents.offer import (
    Letterhead,
    OfferDocument,
    build_offer_document,
    render_offer,
)

NNBSP = "\u202f"
NUMBER = "OFF-2026-LAP1-0001"
D = Decimal
ZERO = re.compile(r"(?<![\d\u202f])0,00 €")


def offer(lines=None, *, number: str | None = NUMBER, member=None, tariff=None, **kw) -> OfferDocument:
    q = f.quote(lines, member=member, **kw.pop("quote_kw", {}))
    return build_offer_document(q, tariff or f.tariff(), kw.pop("letterhead", None), number=number,
                                issued=f.ISSUED, seller="Anne Dupont", **kw)


@pytest.fixture(scope="module")
def one_line_pdf() -> bytes:
    return render_offer(offer())


@pytest.fixture(scope="module")
def forty_lines_pdf() -> bytes:
    return render_offer(offer(f.many_lines(40)))


def test_amounts_print_with_narrow_no_break_space(one_line_pdf: bytes) -> None:
    text = pi.flat(one_line_pdf)
    # reportlab draws U+00A0 with the space glyph: it reads back as a space before €.
    assert f"2{NNBSP}718,00 €" in text
    assert f"5{NNBSP}344,00 €" in text
    assert f"8{NNBSP}062,00 €" in text  # year 1 = annual + one-time (seed 000 example 1)
    assert f"5{NNBSP}450,88 €" in text  # year 2, indexed 2 %
    assert not ZERO.search(text)  # no amount printed as a bare zero


def test_dates_validity_and_number(one_line_pdf: bytes) -> None:
    text = pi.flat(one_line_pdf)
    assert f"Offre n° {NUMBER}" in text
    assert "Date de l'offre : 22/11/2026" in text
    assert "Valable jusqu'au : 20/02/2027 inclus" in text  # 90 days by default


def test_member_block_category_and_trace(one_line_pdf: bytes) -> None:
    text = pi.flat(one_line_pdf)
    assert "La Bruyère" in text and "Rue de la Croix-Monet 2" in text and "5080 Rhisnes" in text
    assert "Catégorie retenue : Cat 3" in text
    assert f"12{NNBSP}500 habitants" in text
    assert "Gouvernance et dématérialisation" in text


def test_mentions_htva_vat_terms_and_approval(one_line_pdf: bytes) -> None:
    text = pi.flat(one_line_pdf)
    assert "HTVA" in text
    assert "la TVA n'est pas applicable aux montants dus à iMio" in text
    assert "indice des prix à la consommation (IPC)" in text
    assert "trente jours" in text and "1,5 % par mois" in text
    assert "pour les années suivantes, seul le coût annuel" in text
    assert "Conseil d’Administration du 10/10/2023" in text  # the tariff's own wording
    assert "Assemblée Générale du 12/12/2023" in text
    assert "Remise CPAS" not in text  # remark 6 only when the discount applied
    assert "Pour accord" in text and "Bourgmestre" in text and "Directeur général" in text
    assert "Estimation" in text and "2 % par an" in text


def test_terms_follow_the_codes_the_engine_selected() -> None:
    always = tuple(t.code for t in f.TERMS if t.when == "always")
    text = pi.flat(render_offer(offer(quote_kw={"terms": (*always, "remarque-6")})))
    assert "Remise CPAS" in text and "Une remise de 50 % est octroyée aux CPAS" in text
    text = pi.flat(render_offer(offer(quote_kw={"terms": ("remarque-7",)})))
    assert "trente jours" in text
    assert "Indexation." not in text  # not selected by the engine for this quote


def test_every_page_is_numbered_x_of_y(one_line_pdf: bytes, forty_lines_pdf: bytes) -> None:
    for pdf in (one_line_pdf, forty_lines_pdf):
        pages = pi.pages_text(pdf)
        assert len(pages) >= 2
        for i, page in enumerate(pages, start=1):
            assert f"Offre n° {NUMBER} — page {i}/{len(pages)}" in page


def test_fonts_are_embedded_and_cover_every_character(one_line_pdf: bytes, forty_lines_pdf: bytes) -> None:
    for pdf in (one_line_pdf, forty_lines_pdf, render_offer(offer(number=None))):
        found = pi.fonts(pdf)
        assert found, "aucune police"
        for name, info in found.items():
            assert info.embedded, f"police non incorporée : {name}"
            assert info.subtype == "/TrueType"
            assert "DejaVuSans" in name
            assert not info.missing_glyphs, f"{name} : glyphes manquants {info.missing_glyphs}"
        assert "\ufffd" not in pi.text(pdf)
        drawn = set().union(*(i.used for i in found.values()))
        assert NNBSP in drawn and "€" in drawn


def test_shipped_font_covers_what_babel_prints() -> None:
    from reportlab.pdfbase.ttfonts import TTFontFile

    for name in doc_fonts.FONT_FILES:
        cmap = TTFontFile(str(doc_fonts.font_path(name))).charToGlyph
        for ch in "\u202f\u00a0€’«»éèêëàâçôûùîïÉÈÀÇ—–…°":
            assert cmap.get(ord(ch), 0) != 0, f"{name} n'a pas {ch!r}"
    licence = doc_fonts.fonts_dir() / doc_fonts.LICENCE_FILE
    assert "Bitstream" in licence.read_text(encoding="utf-8")


def test_same_offer_gives_the_same_bytes() -> None:
    doc = offer(f.many_lines(12))
    assert render_offer(doc) == render_offer(doc)
    other = replace(doc, number="OFF-2026-LAP1-0002")
    assert render_offer(other) != render_offer(doc)


def test_forty_lines_repeat_the_header_and_keep_the_totals_together(forty_lines_pdf: bytes) -> None:
    pages = pi.pages_text(forty_lines_pdf)
    table_pages = [p for p in pages if "Produit " in p and "Nombre de" in p]
    assert len(table_pages) >= 2, "le tableau traverse une page : l'en-tête doit se répéter"
    for n in range(1, 41):
        name = re.compile(rf"(Produit {n} —|module {n}\b)")
        assert sum(len(name.findall(p)) for p in pages) == 1, f"ligne {n} absente ou répétée"
    # the totals block is on one page
    holder = [p for p in pages if "Total mise en place (coût unique) HTVA" in p]
    assert len(holder) == 1
    assert "Budget de la première année" in holder[0]
    assert "Sauf avis contraire de l'administration de la TVA" in pi.flat(forty_lines_pdf)


def test_sur_devis_lines_are_explained_and_never_zero() -> None:
    pdf = render_offer(offer((f.delib_line(), f.sur_devis_line())))
    text = pi.flat(pdf)
    assert "Sur devis" in text
    assert "ne sont pas chiffrés dans la grille tarifaire" in text  # the tariff's sur-devis term
    assert "Totaux partiels" in text
    assert f"8{NNBSP}062,00 €" in text  # totals of the priced line only


def test_offer_with_only_sur_devis_shows_no_zero_total() -> None:
    pdf = render_offer(offer((f.sur_devis_line(),)))
    text = pi.flat(pdf)
    assert not ZERO.search(text)
    assert "Aucune ligne de cette offre n'est chiffrée" in text


def test_line_priced_in_part_keeps_its_known_amount_in_the_totals_and_budget() -> None:
    # iA.GPEC: annual maintenance known, set-up sur devis (the product rule for GPEC)
    pdf = render_offer(offer((f.gpec_line(),)))
    text = pi.flat(pdf)
    assert f"Sur devis 11{NNBSP}450,00 €" in text  # the line itself
    assert "Total mise en place (coût unique) HTVA Sur devis" in text
    assert f"Total annuel (maintenance et hébergement) HTVA 11{NNBSP}450,00 €" in text
    assert f"Budget de la première année (coût annuel + mise en place) HTVA 11{NNBSP}450,00 € *" in text
    assert "* Totaux partiels" in text
    assert "Aucune ligne de cette offre n'est chiffrée" not in text
    assert "Budget non chiffré" not in text
    # the years budget: the known annual, indexed 2 %, marked as leaving out what is sur devis
    assert f"Année 1 11{NNBSP}450,00 € * Année 2 11{NNBSP}679,00 € Année 3 11{NNBSP}912,58 € " in text
    assert f"Total 35{NNBSP}041,58 € *" in text
    assert "* Les montants sur devis n'y sont pas compris." in text
    assert not ZERO.search(text)


def test_totals_and_years_leaving_out_a_sur_devis_part_are_marked_as_on_screen() -> None:
    # iA.GPEC's set-up is sur devis: the screen marks the one-time total, year 1 and the budget's
    # total « partiel »; the complete annual total and years 2 and later stay unmarked
    text = pi.flat(render_offer(offer((f.delib_line(), f.gpec_line()))))
    assert f"Total mise en place (coût unique) HTVA 2{NNBSP}718,00 € * " in text
    assert f"Total annuel (maintenance et hébergement) HTVA 16{NNBSP}794,00 € " in text
    assert f"Budget de la première année (coût annuel + mise en place) HTVA 19{NNBSP}512,00 € *" in text
    assert f"Année 1 (avec mise en place) 19{NNBSP}512,00 € * Année 2 17{NNBSP}129,88 € Année 3" in text
    assert "* Totaux partiels : les montants « Sur devis » n'y sont pas compris." in text
    assert "* Les montants sur devis n'y sont pas compris." in text
    # a complete offer has no mark at all
    assert "*" not in pi.flat(render_offer(offer()))


def test_line_with_both_amounts_yet_partly_sur_devis_says_so_on_the_line() -> None:
    # iA.Tech with extra users: set-up and annual known, the extra users sur devis
    tech = replace(f.delib_line(), status=LineStatus.SUR_DEVIS)
    text = pi.flat(render_offer(offer((tech, f.delib_line()))))
    assert text.count("En partie sur devis") == 1  # on that line only
    assert "Totaux partiels" in text


def test_set_up_priced_and_annual_sur_devis_budgets_year_one_only() -> None:
    line = replace(f.delib_line(), annual=None, status=LineStatus.SUR_DEVIS)
    text = pi.flat(render_offer(offer((line,))))
    assert f"Total mise en place (coût unique) HTVA 2{NNBSP}718,00 €" in text
    assert "Total annuel (maintenance et hébergement) HTVA Sur devis" in text
    assert f"Budget de la première année (coût annuel + mise en place) HTVA 2{NNBSP}718,00 €" in text
    assert f"Année 1 (avec mise en place) 2{NNBSP}718,00 € * Année 2 Sur devis Année 3 Sur devis" in text
    assert "par an avant indexation" not in text  # no annual amount to quote
    assert not ZERO.search(text)


def test_offer_of_one_time_services_only_says_nothing_is_due_later() -> None:
    # days of service: set-up priced, no yearly fee at all (not a fee left sur devis)
    days = replace(f.delib_line(), name="Prestations sur produits", annual=D("0.00"))
    text = pi.flat(render_offer(offer((days,))))
    assert "seul le coût annuel est dû" not in text  # « soit 0,00 € HTVA par an »
    assert "le coût annuel est indexé" not in text
    assert "Cette offre ne comporte pas de coût annuel" in text
    assert "sans coût annuel, rien n'est dû les années suivantes" in text
    # an offer with a yearly fee keeps saying what is due after year 1
    text = pi.flat(render_offer(offer()))
    assert f"seul le coût annuel est dû, soit 5{NNBSP}344,00 € HTVA par an" in text
    assert "ne comporte pas de coût annuel" not in text


def test_offer_of_one_time_services_over_one_year_does_not_say_a_yearly_fee_follows() -> None:
    """Budgeted over one year, days of service printed « Cette offre ne comporte pas de coût
    annuel » above a budget whose caption read « l'année 1 comprend la mise en place et le coût
    annuel. Les années suivantes, le coût annuel suit l'indice des prix »."""
    days = replace(f.delib_line(), name="Prestations sur produits", annual=D("0.00"))
    one_year = replace(f.quote((days,)), totals=f.totals((days,), years=1))
    doc = build_offer_document(one_year, f.tariff(), None, number=NUMBER, issued=f.ISSUED)
    budget = " ".join(pi.flat(render_offer(doc)).split("Budget estimé sur 1 an")[1].split())
    assert "sans coût annuel, rien n'est dû les années suivantes" in budget
    assert "le coût annuel suit" not in budget and "comprend la mise en place et le coût annuel" not in budget


def test_an_offer_without_set_up_does_not_speak_of_one() -> None:
    """Extra storage alone: « La première année comprend le coût annuel et la mise en place »
    and a budget « l'année 1 comprend la mise en place », for an offer that has none."""
    storage = replace(f.delib_line(), name="Espace de stockage supplémentaire", one_time=D("0.00"),
                      setup_days=None)  # fmt: skip
    words = " ".join(pi.flat(render_offer(offer((storage,)))).split())
    assert "comprend le coût annuel et la mise en place" not in words
    assert "l'année 1 comprend la mise en place" not in words
    assert "(coût annuel + mise en place)" not in words
    # (the narrow no-break space of « 5 344 » reads back as a space once the words are joined)
    assert ("Cette offre ne comporte pas de mise en place : chaque année, seul le coût annuel est "
            "dû, soit 5 344,00 € HTVA par an avant indexation.") in words
    assert "Budget de la première année (coût annuel) HTVA 5 344,00 €" in words
    assert "Estimation : sans mise en place, l'année 1 ne comprend que le coût annuel ; à partir de l'année 2" in words
    # an offer with a set-up keeps saying what year 1 holds
    words = " ".join(pi.flat(render_offer(offer())).split())
    assert "La première année comprend le coût annuel et la mise en place" in words
    assert "ne comporte pas de mise en place" not in words


def test_draft_has_projet_watermark_and_no_number() -> None:
    pdf = render_offer(offer(number=None))
    pages = pi.pages_text(pdf)
    text = pi.flat(pdf)
    assert "PROJET" in pages[0]
    assert "OFF-" not in text
    assert "Projet d'offre" in text
    assert all(f"page {i}/{len(pages)}" in p for i, p in enumerate(pages, start=1))


def test_data_text_is_escaped() -> None:
    member = f.commune(name="Ville & Co <test>", address="Rue <A> & B 1\n5000 Namur")
    line = replace(f.delib_line(), name="Module <beta> & « spécial »")
    pdf = render_offer(offer((line,), member=member))
    text = pi.flat(pdf)
    assert "Ville & Co <test>" in text
    assert "Module <beta> & « spécial »" in text
    assert "Rue <A> & B 1" in text
    assert "&amp;" not in text and "&lt;" not in text


def test_long_names_wrap_inside_their_cells() -> None:
    long_member = "Intercommunale de Mutualisation Informatique et Organisationnelle " * 3
    long_product = "Solution de gestion intégrée des délibérations, des collèges et des conseils " * 3
    line = replace(f.delib_line(), name=long_product.strip())
    pdf = render_offer(offer((line,), member=f.commune(name=long_member.strip())))
    text = pi.flat(pdf)
    assert "Organisationnelle" in text and "conseils" in text
    # every word of the long names is printed (nothing clipped)
    assert text.count("Mutualisation") >= 3
    assert text.count("délibérations") >= 3


def test_missing_letterhead_settings_show_visible_markers() -> None:
    text = pi.flat(render_offer(offer()))
    assert "[à compléter : numéro d'entreprise]" in text
    assert "[à compléter : IBAN]" in text
    assert "[à compléter : forme juridique]" in text
    filled = Letterhead(legal_form="SCRL", enterprise_number="0841.000.000", iban="BE00 0000 0000 0000")
    text = pi.flat(render_offer(offer(letterhead=filled)))
    assert "iMio SCRL" in text and "0841.000.000" in text and "BE00 0000 0000 0000" in text
    assert "à compléter" not in text
    assert "Rue Léon Morel 1" in text and "5032 Isnes" in text and "+32 81 58 61 00" in text
    assert "contact@imio.be" in text and "www.imio.be" in text


def test_a_letterhead_without_address_or_any_contact_is_marked_to_complete() -> None:
    """Address, phone, email and web emptied in the settings: the offer printed « iMio » alone
    at its top, the member left with no way to reach anyone and nothing showing it."""
    from datetime import date

    from desktop.documents.contract import build_contract_document, render_contract

    bare = Letterhead(address_lines=(), phone="", email="", web="")
    text = pi.flat(render_offer(offer(letterhead=bare)))
    assert "[à compléter : adresse de l'émetteur]" in text
    assert "[à compléter : téléphone, courriel ou site web]" in text
    # the order form's letterhead says so too
    order = build_contract_document(f.accepted_offer(), f.tariff(), bare, issued=date(2026, 12, 1),
                                    accepted_on=date(2026, 11, 30))  # fmt: skip
    assert "[à compléter : téléphone, courriel ou site web]" in pi.flat(render_contract(order))
    # one way to reach the issuer is enough
    text = pi.flat(render_offer(offer(letterhead=replace(bare, email="contact@imio.be"))))
    assert "contact@imio.be" in text and "téléphone, courriel ou site web" not in text


def test_offer_for_a_kind_without_member_marks_the_recipient_missing() -> None:
    q = replace(f.quote(), member=None)
    doc = build_offer_document(q, f.tariff(), None, number=None, issued=f.ISSUED, member_kind=MemberKind.CPAS)
    text = pi.flat(render_offer(doc))
    assert "[à compléter : destinataire]" in text
    assert "Président du CPAS" in text


def test_ttc_line_of_another_issuer_is_marked() -> None:
    t = f.tariff(code="sn-2025", issuer="Somme Numérique", title="Somme Numérique 2025", locale="fr_FR",
                 tax_label="HT", year=2025, terms=(), meta={})
    line = QuoteLine("delib", "Nom de domaine", "options", {}, Decimal("24.00"), Decimal("12.00"), None,
                     LineStatus.PRICED, tax_mode="TTC")
    doc = build_offer_document(f.quote((line,)), t, None, number="OFF-2026-LAP1-0003", issued=f.ISSUED)
    text = pi.flat(render_offer(doc))
    assert "24,00 € TTC" in text
    assert "HT" in text and "HTVA" not in text


def test_the_pdf_language_is_the_issuer_s() -> None:
    """Every PDF said fr-BE, a French issuer's offer too: readers and screen readers take
    the document's language from it."""
    t = f.tariff(code="sn-2025", issuer="Somme Numérique", title="Somme Numérique 2025", locale="fr_FR",
                 tax_label="HT", year=2025, terms=(), meta={})
    doc = build_offer_document(f.quote(), t, None, number="OFF-2026-LAP1-0003", issued=f.ISSUED)
    assert pi.reader(render_offer(doc)).trailer["/Root"]["/Lang"] == "fr-FR"
    assert pi.reader(render_offer(offer())).trailer["/Root"]["/Lang"] == "fr-BE"


def test_a_cost_the_product_does_not_have_prints_a_dash_not_zero() -> None:
    """Extra storage has no set-up: its one-time cell read « 0,00 € », next to « — » for its
    days. The totals still print their amounts."""
    storage = replace(f.delib_line(), product="stockage", name="Espace de stockage", one_time=Decimal("0.00"),
                      annual=Decimal("130.00"), setup_days=None)  # fmt: skip
    text = pi.flat(render_offer(offer((storage,))))
    assert "130,00 €" in text and "Espace de stockage —" in text.replace("\n", " ")
    assert not ZERO.search(text.split("Totaux")[0])  # the lines: no zero amount


def test_a_recipient_known_by_its_town_only_has_its_street_marked_to_complete() -> None:
    """The order form marked « [à compléter : rue et numéro] », the offer printed « 5080 La
    Bruyère » as if that were the whole address."""
    only_town = render_offer(offer(member=f.commune(address="")))
    assert "[à compléter : rue et numéro]" in pi.flat(only_town) and "5080 La Bruyère" in pi.flat(only_town)
    whole = pi.flat(render_offer(offer(member=f.commune()))).split("Destinataire")[1].split("Références")[0]
    assert "Rue de la Croix-Monet 2" in whole and "[à compléter" not in whole


def test_a_commune_agrees_as_the_commune_not_as_a_place() -> None:
    """« Pour accord — pour La Bruyère » named a place; a CPAS already read « pour le CPAS »."""
    text = pi.flat(render_offer(offer(member=f.commune())))
    assert "Pour accord — pour la commune de La Bruyère, les soussignés" in text


def test_the_columns_are_named_as_the_terms_explain_them(one_line_pdf: bytes) -> None:
    """The terms explain « Coût annuel de maintenance & hébergement » and « Nombre de jours de
    mise en place »: the table's headers said it otherwise."""
    words = " ".join(pi.flat(one_line_pdf).split())
    for name in ("Nombre de jours de mise en place", "Mise en place (coût unique) HTVA",
                 "Coût annuel de maintenance & hébergement HTVA"):  # fmt: skip
        assert name in words, name


def test_a_one_year_budget_does_not_speak_of_year_two() -> None:
    from desktop.core.pricing import compute_totals

    lines = (f.delib_line(),)
    q = replace(f.quote(lines), totals=compute_totals(lines, 1))
    one_year = render_offer(build_offer_document(q, f.tariff(), None, number=NUMBER, issued=f.ISSUED))
    words = " ".join(pi.flat(one_year).split())
    assert "à partir de l'année 2" not in words and "comprend la mise en place et le coût annuel" in words


@pytest.mark.parametrize("n", [23, 55])
def test_the_signature_block_never_stands_alone_on_the_last_page(n: int) -> None:
    """At 23 or 55 lines the « Pour accord » block went to a page of its own: the member signed
    a sheet that says nothing of what it agrees to. The last condition goes with it."""
    pages = pi.pages_text(render_offer(offer(f.many_lines(n))))
    last = pages[-1]
    assert "Pour accord" in last and last.count("Signature :") == 2
    before = last.split("Pour accord")[0]
    assert "Tarification 2024." in before, before


def test_the_products_heading_never_ends_a_page_without_its_table() -> None:
    """With a long category trace, « Produits et services » and its sentence were left at the
    foot of page 1 while the table began on page 2 under a blank half page."""
    for k in range(36, 44):
        trace = tuple(f"Étape {i} : la commune la plus peuplée décide de la catégorie" for i in range(k))
        pdf = render_offer(offer(f.many_lines(12), quote_kw={"decision": replace(f.decision(), trace=trace)}))
        page = next(p for p in pi.pages_text(pdf) if "Produits et services" in p)
        tail = page.split("Produits et services")[1]
        assert "Nombre de" in tail and "Produit 1 —" in tail, (k, tail)


def test_a_seven_figure_first_year_keeps_clear_of_its_label() -> None:
    """« Année 1 (avec mise en place) » ran out of its column in the budget table, to within
    a few points of a seven-figure amount: « … mise en place)9 881 887,21 € »."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    line = replace(f.delib_line(), one_time=Decimal("9876543.21"))
    drawn = pi.runs(render_offer(offer((line,))))
    label = next(r for r in drawn if r.text == "Année 1 (avec mise en place)")
    amount = next(r for r in drawn if r.y == label.y and r.x > label.x)
    assert amount.text == f"9{NNBSP}881{NNBSP}887,21 €"
    assert label.x + stringWidth(label.text, doc_fonts.REGULAR, label.size) + 12 <= amount.x
