"""What the offer document gathers from a quote, its tariff and the settings (no PDF here)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import doc_factories as f
import pytest

from desktop.core.errors import InvalidInput
from desktop.core.members import MemberKind
from desktop.core.quote import Notice, Severity, TotalsCoverage
from desktop.core.settings import Settings
from desktop.documents.offer import (
    IMIO_VAT_STATEMENT,
    Letterhead,
    approval_text,
    build_offer_document,
    default_signatories,
    document_for_offer,
)


def doc(lines=None, **kw):
    return build_offer_document(f.quote(lines, **kw.pop("quote_kw", {})), f.tariff(**kw.pop("tariff_kw", {})),
                                kw.pop("settings", None), number=kw.pop("number", "OFF-2026-LAP1-0001"),
                                issued=f.ISSUED, **kw)


def test_letterhead_reads_the_settings_and_never_invents() -> None:
    head = Letterhead.from_settings(Settings())
    assert head.name == "iMio" and head.address_lines == ("Rue Léon Morel 1", "5032 Isnes")
    assert head.phone == "+32 81 58 61 00" and head.email == "contact@imio.be" and head.web == "www.imio.be"
    assert head.missing == ("forme juridique", "numéro d'entreprise", "IBAN")
    assert head.value_or_marker("iban") == ("[à compléter : IBAN]", True)
    filled = Letterhead.from_settings(replace(Settings(), legal_form="SCRL", iban="BE71 0961 2345 6769"))
    assert filled.display_name == "iMio SCRL" and filled.value_or_marker("iban") == ("BE71 0961 2345 6769", False)


def test_validity_from_settings_or_explicit() -> None:
    assert doc().valid_until == date(2027, 2, 20)  # 90 days
    assert doc(settings=replace(Settings(), validity_days=30)).valid_until == date(2026, 12, 22)
    assert doc(valid_until=date(2027, 1, 31)).valid_until == date(2027, 1, 31)
    with pytest.raises(InvalidInput):
        doc(valid_until=date(2026, 1, 1))


def test_lines_grouped_by_family_in_catalogue_order() -> None:
    d = doc(f.many_lines(8))
    assert [g.label for g in d.groups] == [
        "Gouvernance et dématérialisation",
        "Relation citoyenne et numérisation des services",
        "Options",
        "Services et prestations",
    ]
    assert sum(len(g.lines) for g in d.groups) == 8
    aes = next(line for line in d.lines if line.params)
    assert [p.label for p in aes.params] == ["Écoles", "Plans tarifaires"]


def test_a_line_wholly_sur_devis_does_not_repeat_it_in_its_notes() -> None:
    """Both amount columns read « Sur devis »: a note saying only that is left out; a note
    that says more is kept."""
    line = replace(f.sur_devis_line(), notes=("Migration incluse dans la mise en place.", "Sur devis"))
    (shown,) = doc((line,)).lines
    assert shown.notes == ("Migration incluse dans la mise en place.",)
    priced_part = replace(f.gpec_line(), notes=("Sur devis",))  # an amount is shown: kept
    assert "Sur devis" in doc((priced_part,)).lines[0].notes


def test_parameters_print_in_catalogue_order_whatever_the_stored_order() -> None:
    """A stored offer keeps its parameters sorted by key (« plans » before « schools »): the
    finalised PDF must list them as the draft and the editor did."""
    stored = replace(f.many_lines(2)[1], params={"plans": Decimal(4), "schools": Decimal(14)})
    assert list(stored.params) == ["plans", "schools"]
    (line,) = doc((stored,)).lines
    assert [p.label for p in line.params] == ["Écoles", "Plans tarifaires"]


def test_the_document_knows_which_totals_are_amounts() -> None:
    # a line priced in part (iA.GPEC) prices the annual total; its set-up leaves one-time unpriced
    assert doc((f.gpec_line(),)).coverage == TotalsCoverage(
        one_time=False, annual=True, year1=True, year1_partial=True
    )
    assert doc((f.delib_line(), f.gpec_line())).coverage == TotalsCoverage(
        True, True, True, one_time_partial=True, year1_partial=True
    )
    assert doc((f.sur_devis_line(),)).coverage == TotalsCoverage(False, False, False)


def test_terms_split_into_vat_approval_and_the_rest() -> None:
    d = doc()
    assert d.vat_statement.startswith("Tous les prix s'entendent hors TVA")
    assert d.approval.startswith("La tarification pour l’année 2024")
    codes = [t.code for t in d.terms]
    assert codes == ["remarque-1", "remarque-3-4", "remarque-7"]  # 'always' ones, in tariff order
    assert "remarque-6" not in codes and "sur-devis" not in codes
    with_discount = doc(quote_kw={"terms": ("remarque-1", "remarque-6", "remarque-7")})
    assert [t.code for t in with_discount.terms] == ["remarque-1", "remarque-6", "remarque-7"]


def test_fallbacks_when_the_tariff_has_no_terms() -> None:
    d = doc(tariff_kw={"terms": ()})
    assert d.vat_statement == IMIO_VAT_STATEMENT
    assert d.approval == (
        "La tarification pour l'année 2024 a été approuvée par le Conseil d'administration du "
        "10/10/2023 et l'Assemblée générale du 12/12/2023."
    )
    other = f.tariff(issuer="Somme Numérique", terms=(), meta={})
    assert approval_text(other) == ""
    assert build_offer_document(f.quote(), other, None, number=None, issued=f.ISSUED).vat_statement == ""


def test_locale_is_fr_be_for_imio_and_the_issuers_otherwise() -> None:
    assert doc(tariff_kw={"locale": "fr_FR"}).locale == "fr_BE"
    assert doc(tariff_kw={"issuer": "Somme Numérique", "locale": "fr_FR"}).locale == "fr_FR"


def test_draft_lists_blocking_points_a_final_offer_does_not() -> None:
    block = Notice("excludes:x", Severity.BLOCKING, "iA.Citizen contient déjà SmartWeb.")
    assert doc(number=None, quote_kw={"notices": (block,)}).open_points == ("iA.Citizen contient déjà SmartWeb.",)
    assert doc(quote_kw={"notices": (block,)}).open_points == ()
    waived = Notice("excludes:x", Severity.INFO, "iA.Citizen contient déjà SmartWeb.", "migration en cours")
    overridden = doc(quote_kw={"notices": (waived,), "overrides": {"excludes:x": "migration en cours"}})
    assert overridden.remarks == ("Règle « excludes:x » levée. Motif : migration en cours.",)
    moot = doc(quote_kw={"overrides": {"excludes:x": "migration en cours"}})  # nothing it waives
    assert moot.remarks == ()


def test_signatories_follow_the_member_kind() -> None:
    assert [s.capacity for s in default_signatories(f.commune())] == ["Directeur général", "Bourgmestre"]
    cpas = default_signatories(None, MemberKind.CPAS)
    assert [s.capacity for s in cpas] == ["Directeur général", "Président du CPAS"]
    assert [s.capacity for s in default_signatories(None, MemberKind.AUTRE)] == ["", ""]
    # a province's is the « directeur général provincial » (Code de la démocratie locale)
    province = default_signatories(None, MemberKind.PROVINCE)
    assert [s.capacity for s in province] == ["Directeur général provincial", "Président du Collège provincial"]


def test_document_for_a_saved_offer() -> None:
    offer = f.accepted_offer()
    d = document_for_offer(offer, f.tariff(), Settings(), today=date(2030, 1, 1))
    assert d.number == "OFF-2026-LAP1-0001" and d.issued == date(2026, 11, 22)
    assert d.valid_until == date(2027, 2, 20) and d.seller == "Anne Dupont"
    draft = replace(offer, number=None, finalised=None, valid_until=None, created=datetime(2026, 1, 1))
    d = document_for_offer(draft, f.tariff(), Settings(), today=date(2026, 3, 1))
    assert d.draft and d.issued == date(2026, 3, 1) and d.valid_until == date(2026, 5, 30)
    with pytest.raises(InvalidInput):
        document_for_offer(replace(offer, quote=None), f.tariff(), None, today=date(2026, 1, 1))
    assert d.totals.year1 == Decimal("8062.00")
