"""The contract ("Bon de commande et dispositions particulières") PDF, read back."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "documents"))

import doc_factories as f
import pdf_inspect as pi

from desktop.core.errors import InvalidInput, RuleViolation
from desktop.documents.contract import (
    build_contract_document,
    default_template_text,
    render_contract,
)

NNBSP = "\u202f"


def contract(offer=None, **kw):
    return build_contract_document(
        offer or f.accepted_offer(),
        f.tariff(),
        kw.pop("letterhead", None),
        issued=date(2026, 12, 1),
        accepted_on=kw.pop("accepted_on", date(2026, 11, 30)),
        start=kw.pop("start", date(2027, 1, 1)),
        **kw,
    )


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_contract(contract())


def test_contract_content(pdf: bytes) -> None:
    text = pi.flat(pdf)
    assert "Bon de commande et dispositions particulières" in text
    assert "OFF-2026-LAP1-0001 du 22/11/2026, acceptée le 30/11/2026" in text
    assert "Entre iMio, Rue Léon Morel 1, 5032 Isnes" in text  # parties
    assert "La Bruyère (commune), Rue de la Croix-Monet 2, 5080 Rhisnes" in text  # in a sentence
    assert "convention cadre de services" in text
    assert "iA.Délib" in text and "Cat 3" in text
    assert f"2{NNBSP}718,00 €" in text and f"5{NNBSP}344,00 €" in text and f"8{NNBSP}062,00 €" in text
    assert "prend effet le 01/01/2027 pour une durée initiale de 1 an" in text
    assert "reconduit tacitement" in text
    assert "trente jours" in text and "1,5 % par mois" in text  # payment terms (remark 7)
    assert "indice des prix à la consommation (IPC)" in text  # indexation clause (remarks 3-4)
    assert "Fait en deux exemplaires à Isnes, le 01/12/2026" in text
    assert "Pour iMio" in text and "Pour la commune de La Bruyère" in text  # the body, not the place
    assert text.count("Signature :") == 4
    assert "[à compléter : numéro d'entreprise]" in text


def test_contract_pages_fonts_and_determinism(pdf: bytes) -> None:
    pages = pi.pages_text(pdf)
    for i, page in enumerate(pages, start=1):
        assert f"Bon de commande — offre n° OFF-2026-LAP1-0001 — page {i}/{len(pages)}" in page
    for name, info in pi.fonts(pdf).items():
        assert info.embedded and not info.missing_glyphs, name
    assert render_contract(contract()) == pdf


def test_long_contract_keeps_signatures_together() -> None:
    pdf = render_contract(contract(f.accepted_offer(f.many_lines(40))))
    pages = pi.pages_text(pdf)
    assert len(pages) >= 3
    last = pages[-1]
    assert "Pour iMio" in last and last.count("Signature :") == 4
    assert "Article 7 — Signatures" in last  # the heading travels with its block
    assert sum("Produit " in p and "Catégorie" in p for p in pages) >= 2  # header repeated


@pytest.mark.parametrize("state", ["finalisee", "envoyee", "refusee", "brouillon"])
def test_only_accepted_or_converted_offers(state: str) -> None:
    offer = f.accepted_offer(state=state)
    with pytest.raises(RuleViolation, match="acceptée"):
        contract(offer)
    assert render_contract(contract(f.accepted_offer(state="convertie")))[:4] == b"%PDF"


def test_edited_template_changes_the_wording_and_escapes_data() -> None:
    body = default_template_text().replace(
        "## Article 2 — Objet et cadre", "## Article 2 — Objet & cadre <modifié>"
    )
    member = f.commune(name="Ville & Co <test>")
    text = pi.flat(render_contract(contract(f.accepted_offer(member=member), template_text=body)))
    assert "Article 2 — Objet & cadre <modifié>" in text
    assert "Ville & Co <test>" in text


def test_broken_template_is_refused_before_rendering() -> None:
    with pytest.raises(InvalidInput, match="champ inconnu"):
        contract(template_text="# Contrat {inconnu}\n")


def test_missing_acceptance_date_is_visible() -> None:
    text = pi.flat(render_contract(contract(accepted_on=None)))
    assert "[à compléter : date d'acceptation]" in text


def test_sur_devis_only_order_prints_no_zero() -> None:
    offer = f.accepted_offer((f.sur_devis_line(),))
    text = pi.flat(render_contract(contract(offer)))
    assert "0,00 €" not in text
    assert "sur devis" in text.lower()


def test_line_priced_in_part_keeps_its_known_amount_in_the_order_totals() -> None:
    # iA.GPEC: annual maintenance known, set-up sur devis
    offer = f.accepted_offer((f.gpec_line(),))
    text = pi.flat(render_contract(contract(offer)))
    assert f"Total (partiel) Sur devis 11{NNBSP}450,00 €" in text
    # year 1 leaves the set-up out: said, so that the sentence does not read as the whole order
    assert (
        f"mise en place (coût unique) sur devis ; coût annuel 11{NNBSP}450,00 € ; "
        f"budget de la première année 11{NNBSP}450,00 € (hors postes sur devis)"
    ) in text
    assert "coût annuel sur devis" not in text


def test_line_with_both_amounts_yet_partly_sur_devis_says_so_on_the_order() -> None:
    from dataclasses import replace

    from desktop.core.quote import LineStatus

    tech = replace(f.delib_line(), status=LineStatus.SUR_DEVIS)
    text = pi.flat(render_contract(contract(f.accepted_offer((tech, f.delib_line())))))
    assert text.count("En partie sur devis") == 1
    assert "Total (partiel)" in text


def test_the_member_signs_with_its_article() -> None:
    """« Pour le CPAS de Nivelles », as the offer's « Pour accord » says it."""
    from dataclasses import replace

    doc = contract()
    cpas = replace(doc, member=replace(doc.member, name="CPAS de Nivelles", article="le ", signing=""))
    assert "Pour le CPAS de Nivelles" in pi.flat(render_contract(cpas))
    ath = contract(f.accepted_offer(member=f.commune(name="Ath")))
    assert "Pour la commune d’Ath" in pi.flat(render_contract(ath))


@pytest.mark.parametrize(
    ("kind", "written"),
    [("COMMUNE", "(commune)"), ("ZONE_DE_POLICE", "(zone de police)"), ("RCA", "(régie communale autonome)")],
)
def test_the_member_s_kind_reads_as_part_of_the_sentence(kind: str, written: str) -> None:
    from dataclasses import replace

    from desktop.core.members import MemberKind

    member = replace(f.commune(), kind=MemberKind[kind])
    text = pi.flat(render_contract(contract(f.accepted_offer(member=member))))
    assert f"La Bruyère {written}, Rue de la Croix-Monet 2, 5080 Rhisnes, ci-après « le membre »" in text



@pytest.mark.parametrize(
    ("kind", "name", "written"),
    [("CPAS", "CPAS de Nivelles", "CPAS de Nivelles,"), ("PROVINCE", "Province de Namur", "Province de Namur,"),
     ("ZONE_DE_SECOURS", "Zone de secours NAGE", "Zone de secours NAGE,")],
)  # fmt: skip
def test_the_member_s_kind_is_not_said_again_after_a_name_that_says_it(kind: str, name: str, written: str) -> None:
    """« CPAS de Nivelles (CPAS) », « Province de Namur (province) »: on the order form and
    under the offer's recipient, the kind repeated the name."""
    from dataclasses import replace

    from desktop.core.members import MemberKind
    from desktop.documents.offer import build_offer_document, render_offer

    member = replace(f.commune(), kind=MemberKind[kind], name=name)
    text = pi.flat(render_contract(contract(f.accepted_offer(member=member))))
    assert f"et {written} Rue de la Croix-Monet 2, 5080 Rhisnes, ci-après « le membre »" in text
    assert "()" not in text
    offer = f.accepted_offer(member=member)
    printed = pi.flat(render_offer(build_offer_document(offer.quote, f.tariff(), None, number=offer.number,
                                                        issued=f.ISSUED)))  # fmt: skip
    assert f"Destinataire {name} Rue de la Croix-Monet 2" in printed

def _service_tariff():
    """The grid's day-rate services: the days are a parameter, priced days × rate."""
    from dataclasses import replace

    from desktop.core.catalogue import Bucket, Component, Parameter

    base = f.tariff()
    days = replace(
        base.products["days"],
        parameters=(Parameter("days", "Nombre de jours", unit="jours"),),
        components=(Component("days_x_rate", Bucket.ONE_TIME, {"rate": "prestations_produits", "days": "days"}),),
    )
    tech = replace(
        base.products["delib"],
        code="tech",
        name="iA.Tech",
        parameters=(Parameter("users", "Utilisateurs SaaS supplémentaires", unit="utilisateurs supplémentaires"),),
    )
    return replace(base, products={**base.products, "days": days, "tech": tech})


def _line(product: str, name: str, setup_days: str | None, **params: str):
    from dataclasses import replace
    from decimal import Decimal

    return replace(
        f.delib_line(),
        product=product,
        name=name,
        params={k: Decimal(v) for k, v in params.items()},
        setup_days=Decimal(setup_days) if setup_days is not None else None,
    )


def test_a_day_rate_service_says_its_days_once_and_as_service_days() -> None:
    """« Nombre de jours : 12,5 · 12,5 jours de mise en place »: the days of a service were
    said twice, the second time as set-up days they are not."""
    offer = f.accepted_offer((_line("days", "Prestations sur produits", "12.5", days="12.5"),))
    doc = build_contract_document(
        offer, _service_tariff(), issued=date(2026, 12, 1), accepted_on=date(2026, 11, 30)
    )
    text = pi.flat(render_contract(doc))
    assert "Nombre de jours : 12,5" in text
    assert "de mise en place" not in text.split("Prestations sur produits")[1].split("Total")[0]


def test_a_parameter_at_zero_orders_nothing_and_is_not_printed() -> None:
    offer = f.accepted_offer((_line("tech", "iA.Tech", "20", users="0"), f.delib_line()))
    doc = build_contract_document(
        offer, _service_tariff(), issued=date(2026, 12, 1), accepted_on=date(2026, 11, 30)
    )
    text = pi.flat(render_contract(doc))
    assert "Utilisateurs SaaS supplémentaires" not in text
    assert "iA.Tech 20 jours de mise en place" in text


@pytest.mark.parametrize(
    ("days", "written"),
    [("0.5", "0,5 jour de mise"), ("1", "1 jour de mise"), ("1.5", "1,5 jour de mise"), ("2", "2 jours de mise")],
)
def test_days_are_singular_below_two_as_french_writes_them(days: str, written: str) -> None:
    text = pi.flat(render_contract(contract(f.accepted_offer((_line("delib", "iA.Délib", days),)))))
    assert written in text


def test_an_address_without_its_street_is_marked_to_complete() -> None:
    """CPAS de Namur printed « 5000 Namur » as its whole address: the directory knows only the
    postcode, and the street to fill in must show, as it does when nothing is known."""
    from desktop.documents.contract import member_address

    bare = f.commune(address="")  # the directory's postcode and town only
    text = pi.flat(render_contract(contract(f.accepted_offer(member=bare))))
    assert "La Bruyère (commune), [à compléter : rue et numéro], 5080 La Bruyère, ci-après" in text
    assert member_address(("5000 Namur",)) == ("[à compléter : rue et numéro], 5000 Namur", True)
    assert member_address(("B-5000 Namur",))[1]
    assert member_address(("Rue de Dave 165", "5100 Jambes")) == ("Rue de Dave 165, 5100 Jambes", False)
    assert member_address(()) == ("[à compléter : adresse du membre]", True)


def test_the_order_form_carries_the_dérogations_the_offer_was_accepted_with() -> None:
    """The offer's remarks named a rule set aside and why; the order form, what is signed, did not."""
    from dataclasses import replace

    from desktop.core.quote import Notice, Severity

    offer = f.accepted_offer()
    waived = Notice("duplicate:delib", Severity.INFO, "iA.Délib figure plusieurs fois.", "deux instances")
    quote = replace(offer.quote, notices=(waived,), overrides={"duplicate:delib": "deux instances"})
    text = pi.flat(render_contract(contract(replace(offer, quote=quote))))
    assert "Dérogation : iA.Délib figure plusieurs fois dans l'offre. Motif : deux instances." in text
    assert "Dérogation" not in pi.flat(render_contract(contract()))


def test_a_discount_on_the_order_form_says_which_and_why() -> None:
    """« Remise appliquée : −9 994,50 € » named neither the CPAS discount nor its condition."""
    from dataclasses import replace
    from decimal import Decimal

    from desktop.core.quote import Notice, Severity

    said = "Remise CPAS de 50 % : −2 672,00 € sur la maintenance annuelle d’iA.Délib."
    line = replace(f.delib_line(), discount=Decimal("2672.00"),
                   notices=(Notice("discount:cpas-libre", Severity.INFO, said),))  # fmt: skip
    text = pi.flat(render_contract(contract(f.accepted_offer((line,)))))
    assert said in text and "Remise appliquée" not in text


def test_the_products_article_never_ends_a_page_without_its_table() -> None:
    """A template with longer articles left « Article 3 — Produits commandés » and its sentence
    at the foot of a page, the table of what is ordered starting on the next."""
    for k in range(68, 79, 2):
        clauses = " ".join(f"Clause complémentaire {i}, ajoutée par le back office." for i in range(k))
        template = default_template_text().replace("## Article 3", f"{clauses}\n\n## Article 3", 1)
        pages = pi.pages_text(render_contract(contract(f.accepted_offer(f.many_lines(8)), template_text=template)))
        page = next(p for p in pages if "Article 3 — Produits commandés" in p)
        tail = page.split("Article 3 — Produits commandés")[1]
        assert "Catégorie" in tail and "Produit 1 —" in tail, (k, tail)


@pytest.mark.parametrize("n", [17, 45])
def test_the_total_row_stays_with_the_last_products(n: int) -> None:
    """At 17 or 45 lines the order form's table ended a page on its last product and began the
    next with its header over « Total (partiel) » alone, a sum of nothing in sight."""
    from desktop.documents.offer import printed_order

    lines = f.many_lines(n)
    last = printed_order(lines)[-1].name.split(" — ")[0]  # as the offer lists them
    pages = pi.pages_text(render_contract(contract(f.accepted_offer(lines))))
    page = next(p for p in pages if "Total (partiel)" in p)
    above = page.split("Total (partiel)")[0].split("Coût annuel HTVA")[-1]
    assert re.search(rf"{re.escape(last)}\b", above), above


def test_the_offer_date_is_the_day_it_was_finalised_on_the_laptop_s_clock(brussels_time) -> None:
    """Finalised at 00:30 on 1 January in Belgium (23:30 UTC on 31 December): the order
    form dates the offer as the offer itself does, 01/01/2027."""
    from dataclasses import replace
    from datetime import UTC, datetime

    offer = replace(
        f.accepted_offer(),
        number="OFF-2027-LAP1-0001",
        finalised=datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
    )
    doc = build_contract_document(
        offer, f.tariff(), issued=date(2027, 1, 20), accepted_on=date(2027, 1, 15)
    )
    assert doc.offer_date == date(2027, 1, 1)
    assert "OFF-2027-LAP1-0001 du 01/01/2027, acceptée le 15/01/2027" in pi.flat(render_contract(doc))


def test_the_order_form_lists_the_products_in_the_order_of_the_offer() -> None:
    """Added as deliberations.be, then iA.SmartWeb, then iA.Délib: the offer printed iA.Délib
    first (its family comes first), the option after the products, and the order form kept the
    order they were added in, so that the two documents did not read alike."""
    from dataclasses import replace

    from desktop.documents.offer import build_offer_document, render_offer

    option = replace(f.delib_line(), product="deliberations-be", name="deliberations.be", family="options")
    web = replace(f.delib_line(), product="smartweb", name="iA.SmartWeb", family="relation_citoyenne")
    offer = f.accepted_offer((option, web, f.delib_line()))
    names = ("iA.Délib", "iA.SmartWeb", "deliberations.be")

    def order(text: str) -> list[str]:
        return sorted(names, key=text.index)

    printed = pi.flat(render_offer(build_offer_document(offer.quote, f.tariff(), None,
                                                        number=offer.number, issued=f.ISSUED)))
    ordered = pi.flat(render_contract(contract(offer))).split("Produits commandés")[-1]
    assert order(printed.split("Produits et services")[-1]) == list(names)
    assert order(ordered) == list(names)


def test_an_issuer_without_address_is_marked_to_complete() -> None:
    """The settings let the letterhead's address be emptied: the parties then read « Entre
    iMio, , numéro d'entreprise … », the issuer's address left out as if never needed."""
    from desktop.documents.offer import Letterhead

    text = pi.flat(render_contract(contract(letterhead=Letterhead(address_lines=()))))
    assert "Entre iMio, [à compléter : adresse de l'émetteur], numéro d'entreprise" in text
    assert ", ," not in text
    assert "[à compléter : adresse de l'émetteur]" not in pi.flat(render_contract(contract()))


def _services_only():
    """Three days of service: a one-time cost, nothing due each year."""
    from dataclasses import replace
    from decimal import Decimal

    line = _line("days", "Prestations sur produits", None, days="3")
    return f.accepted_offer((replace(line, one_time=Decimal("2718.00"), annual=Decimal("0")),))


def _no_set_up():
    """Extra storage: a yearly fee, no set-up."""
    from dataclasses import replace
    from decimal import Decimal

    line = _line("storage", "Stockage supplémentaire", None, gb="40")
    return f.accepted_offer((replace(line, one_time=Decimal("0"), annual=Decimal("260.00")),))


def test_a_template_s_conditions_follow_the_order() -> None:
    """What the back office writes under [[si …]] prints for the orders that meet it only."""
    body = default_template_text().replace(
        "{mention_tva}\n",
        "{mention_tva}\n\n"
        "[[si cout_annuel]]\nAvec coût annuel.\n[[sinon]]\nSans coût annuel.\n[[fin]]\n"
        "[[si mise_en_place]]\nAvec mise en place.\n[[sinon]]\nSans mise en place.\n[[fin]]\n"
        "[[si sur_devis]]\nEn partie sur devis.\n[[fin]]\n",
    )

    def said(offer) -> list[str]:
        text = pi.flat(render_contract(contract(offer, template_text=body)))
        return [s for s in ("Avec coût annuel.", "Sans coût annuel.", "Avec mise en place.",
                            "Sans mise en place.", "En partie sur devis.") if s in text]  # fmt: skip

    assert said(f.accepted_offer()) == ["Avec coût annuel.", "Avec mise en place."]
    assert said(_services_only()) == ["Sans coût annuel.", "Avec mise en place."]
    assert said(_no_set_up()) == ["Avec coût annuel.", "Sans mise en place."]
    # an amount sur devis is a cost all the same: iA.GPEC's set-up, everything of iA.GPEC
    gpec = ["Avec coût annuel.", "Avec mise en place.", "En partie sur devis."]
    assert said(f.accepted_offer((f.gpec_line(),))) == gpec
    assert said(f.accepted_offer((f.sur_devis_line(),))) == gpec


def test_the_usual_order_says_its_amounts_renewal_and_yearly_fee() -> None:
    text = pi.flat(render_contract(contract()))
    assert (
        f"Montants HTVA : mise en place (coût unique) 2{NNBSP}718,00 € ; coût annuel 5{NNBSP}344,00 € ; "
        f"budget de la première année 8{NNBSP}062,00 €."
    ) in text
    assert "Article 4 — Prise d'effet, durée et reconduction" in text
    assert "À son terme, il est reconduit tacitement d'année en année" in text
    assert (
        "Le coût annuel de maintenance et d'hébergement est dû chaque année ; il est à payer dès la "
        "signature du présent bon de commande. La mise en place est un coût unique."
    ) in text
    assert "ne comporte pas" not in text and "sur devis" not in text


def test_an_order_of_services_only_has_no_annual_cost_renewal_or_yearly_fee() -> None:
    """Three days of service: the order form read « coût annuel 0,00 € », « reconduit
    tacitement d'année en année » and « Le coût annuel … est dû chaque année »."""
    text = pi.flat(render_contract(contract(_services_only())))
    assert (
        f"Montant HTVA : mise en place (coût unique) 2{NNBSP}718,00 € ; la commande ne comporte pas "
        "de coût annuel."
    ) in text
    assert "Article 4 — Prise d'effet et durée Le présent bon de commande prend effet le 01/01/2027." in text
    assert "il prend fin lorsqu'elles sont exécutées et n'est pas reconduit" in text
    assert "aucun coût annuel n'est dû, ni cette année ni les suivantes" in text
    for wrong in ("coût annuel 0,00", "reconduit tacitement", "dû chaque année", "durée initiale",
                  "budget de la première année"):  # fmt: skip
        assert wrong not in text


def test_an_order_without_set_up_prints_no_set_up_at_zero() -> None:
    """Extra storage alone: « mise en place (coût unique) 0,00 € »."""
    text = pi.flat(render_contract(contract(_no_set_up())))
    assert "Montant HTVA : coût annuel 260,00 € ; la commande ne comporte pas de mise en place." in text
    assert "(coût unique) 0,00" not in text and "La mise en place est un coût unique" not in text
    assert "reconduit tacitement d'année en année" in text  # the yearly fee goes on
    assert "Le coût annuel de maintenance et d'hébergement est dû chaque année" in text


def test_an_order_with_a_part_sur_devis_says_what_it_means() -> None:
    text = pi.flat(render_contract(contract(f.accepted_offer((f.gpec_line(),)))))
    assert "Les postes « sur devis » ne sont pas chiffrés : iMio les établit sur devis spécifique." in text


def test_the_products_total_says_no_such_cost_as_its_lines_do() -> None:
    """The lines of three days of service read « — » as annual cost, their total « 0,00 € »;
    extra storage's total read « 0,00 € » of set-up."""
    assert f"Total 2{NNBSP}718,00 € — Montant HTVA" in pi.flat(render_contract(contract(_services_only())))
    assert "Total — 260,00 € Montant HTVA" in pi.flat(render_contract(contract(_no_set_up())))
    assert " 0,00 €" not in pi.flat(render_contract(contract(_no_set_up())))
    assert f"Total 2{NNBSP}718,00 € 5{NNBSP}344,00 €" in pi.flat(render_contract(contract()))


def test_the_conditions_known_before_the_order_form_are_those_it_prints_by() -> None:
    """The dialog asks what the wording prints for this order: it reads the conditions from
    the offer's quote, before the document exists."""
    from desktop.documents.contract import contract_conditions, order_conditions

    for offer in (f.accepted_offer(), _services_only(), _no_set_up(), f.accepted_offer((f.gpec_line(),))):
        assert order_conditions(offer.quote) == contract_conditions(contract(offer))
    assert order_conditions(_services_only().quote)["cout_annuel"] is False
    assert order_conditions(_no_set_up().quote)["mise_en_place"] is False
    assert order_conditions(f.accepted_offer((f.gpec_line(),)).quote)["sur_devis"] is True
