"""Offer numbers, finalisability checks, audit descriptions and the diff between two versions."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lifecycle_factories import BLOCKING, decision, draft, line, member, quote

from desktop.core.errors import InvalidInput, RuleViolation
from desktop.core.offers import (
    AuditEntry,
    ChangeKind,
    OfferNumber,
    OfferState,
    diff_offers,
    money_fr,
)
from desktop.core.quote import LineStatus

D = Decimal


def test_number_format_and_revisions() -> None:
    n = OfferNumber(2026, "LAP1", 1)
    assert str(n) == "OFF-2026-LAP1-0001"
    assert str(n.revision(2)) == "OFF-2026-LAP1-0001-v2"
    assert n.revision(3).base == "OFF-2026-LAP1-0001"
    assert str(OfferNumber(2026, "HQ", 12345)) == "OFF-2026-HQ-12345"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("OFF-2026-LAP1-0001", OfferNumber(2026, "LAP1", 1)),
        ("off-2026-lap1-0042-v3", OfferNumber(2026, "LAP1", 42, 3)),
        ("  OFF-2027-HQ-0100-V2 ", OfferNumber(2027, "HQ", 100, 2)),
    ],
)
def test_number_parsing(text: str, expected: OfferNumber) -> None:
    assert OfferNumber.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "OFF-26-LAP1-0001",
        "OFF-2026-LAP-1-0001",
        "OFF-2026-LAP1-01",
        "OFF-2026-LAP1-0001-v1",
        "DEV-2026-A-0001",
    ],
)
def test_bad_numbers_are_refused_with_the_expected_format(text: str) -> None:
    with pytest.raises(InvalidInput, match="OFF-2026-LAP1-0001"):
        OfferNumber.parse(text)


@given(
    st.integers(2000, 2999),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=12),
    st.integers(1, 99999),
    st.integers(1, 50),
)
def test_number_round_trip(year: int, device: str, seq: int, version: int) -> None:
    n = OfferNumber(year, device, seq, version)
    assert OfferNumber.parse(str(n)) == n


def test_numbers_start_at_0001_and_revisions_at_v2() -> None:
    """« OFF-2026-LAP1-0000 » is no number a laptop gives: refused, as is a year 0999."""
    for text in ("OFF-2026-LAP1-0000", "OFF-0999-LAP1-0001", "OFF-2026-LAP1-0000-v2"):
        with pytest.raises(InvalidInput, match="Numéro d'offre invalide"):
            OfferNumber.parse(text)
    for bad in ((2026, "LAP1", 0), (2026, "LAP1", 1, 0), (999, "LAP1", 1)):
        with pytest.raises(InvalidInput):
            OfferNumber(*bad)


def test_device_code_with_a_dash_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Code d'appareil invalide"):
        OfferNumber(2026, "LAP-1", 1)


def test_a_draft_with_a_blocking_notice_cannot_be_finalised() -> None:
    with pytest.raises(RuleViolation, match=r"iA\.Citizen contient SmartWeb"):
        draft(notices=(BLOCKING,)).check_finalisable()


def test_a_draft_without_member_or_category_or_quote_cannot_be_finalised() -> None:
    d = draft()
    d.check_finalisable()
    with pytest.raises(RuleViolation, match="Choisissez un membre"):
        replace(d, member=None).check_finalisable()
    with pytest.raises(RuleViolation, match="catégorie du membre"):
        replace(d, decision=replace(decision(), category=None)).check_finalisable()
    with pytest.raises(RuleViolation, match="pas calculé"):
        replace(d, quote=None).check_finalisable()
    with pytest.raises(RuleViolation, match="déjà finalisée"):
        replace(d, state=OfferState.FINALISEE, number="OFF-2026-A-0001").check_finalisable()


def test_audit_entry_reads_in_french() -> None:
    from lifecycle_factories import NOW

    e = AuditEntry(NOW, "AD", "etat", OfferState.ENVOYEE, OfferState.REFUSEE, "budget")
    assert e.description == "Changement d'état — Envoyée → Refusée — motif : budget"


def test_money_text_matches_the_fr_be_shape() -> None:
    assert money_fr(D("8062")) == "8\u202f062,00\u00a0€"
    assert money_fr(D("-0.5")) == "-0,50\u00a0€"
    assert money_fr(D("1234567.891")) == "1\u202f234\u202f567,89\u00a0€"


def test_diff_between_two_versions_lists_lines_amounts_category_and_totals() -> None:
    old = draft()
    new_lines = (
        line("delib", "4530", "2112", "5", name="iA.Délib"),
        line("aes", "6342", "1998", "7", name="iA.AES", params={"schools": "12"}),
        line("tech", "9000", "3000", "8", name="iA.Tech"),
    )
    new = draft(new_lines, category="Cat 6")
    diff = diff_offers(old, new, {("aes", "schools"): "Nombre d’écoles"})
    kinds = {(d.kind, d.product) for d in diff.lines}
    assert kinds == {(ChangeKind.CHANGED, "aes"), (ChangeKind.ADDED, "tech")}
    aes = next(d for d in diff.lines if d.product == "aes")
    assert aes.params == (("schools", D(9), D(12)),)
    assert {a.field: a.delta for a in aes.amounts} == {
        "one_time": D(906),
        "annual": D(126),
        "setup_days": D(1),
    }
    assert diff.category == ("Cat 5", "Cat 6")
    totals = {a.field: (a.old, a.new) for a in diff.totals}
    assert totals["one_time"] == (D(9966), D(19872))
    assert totals["annual"] == (D(3984), D(7110))
    text = diff.descriptions()
    assert text[0] == "Catégorie : Cat 5 → Cat 6"
    assert "Ajouté : iA.Tech (unique 9\u202f000,00\u00a0€, annuel 3\u202f000,00\u00a0€)" in text
    assert any(
        t.startswith(
            "Modifié : iA.AES — Nombre d’écoles : 9 → 12 ; "
            "Unique : 5\u202f436,00\u00a0€ → 6\u202f342,00\u00a0€ (+906,00\u00a0€)"
        )
        for t in text
    )


def test_diff_reports_removed_lines_and_a_line_becoming_sur_devis() -> None:
    old = draft()
    new = draft(
        (
            line(
                "aes",
                None,
                None,
                None,
                name="iA.AES",
                params={"schools": "9"},
                status=LineStatus.SUR_DEVIS,
            ),
        )
    )
    diff = diff_offers(old, new)
    removed = [d for d in diff.lines if d.kind is ChangeKind.REMOVED]
    assert [d.product for d in removed] == ["delib"]
    aes = next(d for d in diff.lines if d.product == "aes")
    assert aes.status == (LineStatus.PRICED, LineStatus.SUR_DEVIS)
    assert "Unique : 5\u202f436,00\u00a0€ → sur devis" in aes.description
    assert diff.partial == (False, True)
    assert "Les totaux sont désormais partiels (ligne sur devis)" in diff.descriptions()


def test_diff_never_calls_a_total_with_nothing_priced_zero() -> None:
    # iA.GPEC: annual known, set-up sur devis; then iA.Délib is added in a revision
    gpec = line("gpec", None, "11450", name="iA.GPEC", status=LineStatus.SUR_DEVIS)
    old = draft((gpec,))
    new = draft((gpec, line("delib", "4530", "2112", "5", name="iA.Délib")))
    diff = diff_offers(old, new)
    one_time = next(a for a in diff.totals if a.field == "one_time")
    assert (one_time.old, one_time.old_priced, one_time.new, one_time.new_priced) == (D(0), False, D(4530), True)
    assert one_time.delta is None  # no difference from a price nobody knows
    text = diff.descriptions()
    assert "Total unique : sur devis → 4\u202f530,00\u00a0€" in text
    assert "Total annuel : 11\u202f450,00\u00a0€ → 13\u202f562,00\u00a0€ (+2\u202f112,00\u00a0€)" in text
    # a line priced in part is described with what is known
    added = diff_offers(draft((line("delib", "4530", "2112", "5", name="iA.Délib"),)), new)
    assert "Ajouté : iA.GPEC (unique sur devis, annuel 11\u202f450,00\u00a0€)" in added.descriptions()
    assert diff_offers(old, replace(old, id="other")).empty


def test_identical_offers_have_an_empty_diff() -> None:
    a = draft()
    b = replace(a, id="other")
    diff = diff_offers(a, b)
    assert diff.empty
    assert diff.descriptions() == ["Aucune différence."]


def test_diff_writes_quantities_and_days_as_the_rest_of_comptoir_does() -> None:
    """Go and days read « 10000 → 12500 » and « 2,50 » in a diff, where the offer, the screens
    and the messages group the thousands and drop the trailing zero."""
    a = draft((line("stockage", None, "65000", "2.50", name="Stockage", params={"gb": "10000"}),))
    b = draft((line("stockage", None, "81250", "4", name="Stockage", params={"gb": "12500"}),))
    (text,) = [t for t in diff_offers(a, b).descriptions() if t.startswith("Modifié")]
    assert "gb : 10\u202f000 → 12\u202f500 ;" in text
    assert "Jours de mise en place : 2,5 → 4 (+1,5)" in text


def test_diff_reports_a_member_change() -> None:
    a = draft()
    b = draft(m=member("Genappe", "25031", 15_000), category="Cat 4")
    d = diff_offers(a, b)
    assert d.member == ("Nivelles", "Genappe")
    assert d.descriptions()[0] == "Membre : Nivelles → Genappe"


def test_repeated_products_are_matched_in_order() -> None:
    two = (line("jours", "906", None, "1"), line("jours", "1812", None, "2"))
    one = (line("jours", "906", None, "1"),)
    diff = diff_offers(draft(two), draft(one))
    assert [(d.kind, d.old.one_time if d.old else None) for d in diff.lines] == [
        (ChangeKind.REMOVED, D(1812))
    ]


def test_quote_helper_is_consistent() -> None:
    q = quote((line("a", "1", "2"),))
    assert q.totals.year1 == D(3)
