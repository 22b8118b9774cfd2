"""The Somme Numérique rule kinds (PRODUCT.md, last paragraph), proved with SEED_ANALYSIS 3.3.

The SN grid is not loaded yet; these hand-built lines show that loading it needs data only.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from core_fixtures import fixed, sn_tariff

from desktop.core.errors import InvalidInput
from desktop.core.members import MemberKind, MembershipStatus
from desktop.core.pricing import PricingContext, build_quote, compute_totals, price_line
from desktop.core.quote import LineRequest, LineStatus, QuoteRequest

D = Decimal
SN = sn_tariff()
MEMBRE = MembershipStatus.ASSOCIE
NON = MembershipStatus.NON_MEMBRE


def price(
    code: str,
    *,
    size: int | None = None,
    status: MembershipStatus = MEMBRE,
    kind: MemberKind = MemberKind.COMMUNE,
    **params: str | int,
):
    ctx = PricingContext(kind, None, status, size)
    return price_line(SN, LineRequest(code, {k: D(str(v)) for k, v in params.items()}), ctx)


# per inhabitant with a minimum / maximum, member and non-member columns


def test_pack_demat_commune_700_inhabitants_member_minimum() -> None:
    assert price("demat-communes", size=700).annual == D("90.00")  # 0.10 x 700 = 70 -> min 90


def test_pack_demat_commune_700_inhabitants_non_member_minimum() -> None:
    assert price("demat-communes", size=700, status=NON).annual == D("90.00")  # 84 -> 90


def test_pack_demat_member_and_non_member_columns_differ_above_the_minimum() -> None:
    assert price("demat-communes", size=5000).annual == D("500.00")
    assert price("demat-communes", size=5000, status=NON).annual == D("600.00")


def test_pack_demat_epci_80000_capped() -> None:
    assert price("demat-epci", size=80000, kind=MemberKind.INTERCOMMUNALE).annual == D("5000.00")
    assert price("demat-epci", size=50000).annual == D("3500.00")


def test_single_value_line_has_no_non_member_price() -> None:
    ln = price("demat-epci", size=50000, status=NON)
    assert ln.status is LineStatus.NOT_OFFERED and ln.annual is None


def test_membership_statuses_map_to_columns() -> None:
    for status, expected in [
        (MembershipStatus.ASSOCIE, "500.00"),
        (MembershipStatus.ADHESION_EN_COURS, "500.00"),
        (MembershipStatus.ANCIEN_MEMBRE, "600.00"),
        (MembershipStatus.NON_MEMBRE, "600.00"),
    ]:
        assert price("demat-communes", size=5000, status=status).annual == D(expected)


def test_unknown_population_is_a_french_input_error() -> None:
    with pytest.raises(InvalidInput) as info:
        price("demat-communes")
    assert "habitants" in str(info.value)


# caps


def test_marches_140_tenders_capped_at_8000() -> None:
    assert price("marches", marches=140).annual == D("8000.00")  # 65 x 140 = 9100
    assert price("marches", marches=100).annual == D("6500.00")


def test_marches_non_member_has_no_stated_cap() -> None:
    assert price("marches", marches=140, status=NON).annual == D("10500.00")


# graduated tiers


@pytest.mark.parametrize(("n", "expected"), [(1, 12), (10, 120), (11, 128), (14, 152), (30, 280)])
def test_domains_graduated(n: int, expected: int) -> None:
    assert price("domaines", quantity=n).annual == D(expected)


# population bands, with the gap rule


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, 60),
        (149, 60),
        (150, 120),
        (300, 120),
        (301, 180),
        (1000, 240),
        (1001, 420),
        (10000, 900),
    ],
)
def test_intramuros_bands(n: int, expected: int) -> None:
    assert price("intramuros", size=n).annual == D(expected)


def test_intramuros_formula_above_10000() -> None:
    assert price("intramuros", size=12000).annual == D("1440.00")
    assert price("intramuros", size=10001).annual == D("1200.12")  # the documented jump


def test_intramuros_epci_formula_less_five_percent() -> None:
    assert price("intramuros-epci", size=40000).annual == D("5700.00")


@pytest.mark.parametrize(
    ("n", "status", "expected"),
    [
        (498, MEMBRE, 36),
        (499, MEMBRE, 36),  # gap: the lower band's upper bound is inclusive
        (500, MEMBRE, 84),
        (1999, MEMBRE, 84),
        (2000, MEMBRE, 84),  # gap again
        (2001, MEMBRE, 180),
        (499, NON, 48),
        (2000, NON, 90),
        (2001, NON, 204),
    ],
)
def test_groupement_bands_with_gaps(n: int, status: MembershipStatus, expected: int) -> None:
    assert price("groupement", size=n, status=status).annual == D(expected)


def test_a_population_beyond_the_last_band_is_not_offered_never_a_crash() -> None:
    """A band grid that stops at 2 000 inhabitants (without the socle's eligibility rule, as a
    tariff owner may load it) prices 2 500 inhabitants « Sur devis »."""
    from dataclasses import replace

    socle = SN.products["socle"]
    bands_only = replace(socle, components=socle.components[1:])
    tariff = replace(SN, products={**SN.products, "socle": bands_only})
    ln = price_line(tariff, LineRequest("socle"), PricingContext(MemberKind.COMMUNE, None, MEMBRE, 2500))
    assert ln.status is LineStatus.NOT_OFFERED and ln.annual is None
    assert "hors des tranches" in ln.notes[0]


def test_a_tier_without_its_price_makes_the_line_sur_devis_never_a_crash() -> None:
    """Domains from the 11th priced nowhere (a cell left empty): 12 domains are not offered; 10
    are still priced."""
    from dataclasses import replace

    from desktop.core.catalogue import Band

    first, _ = SN.bands["domains"].bands
    gap = replace(SN.bands["domains"], bands=(first, Band(11, None, {})))
    tariff = replace(SN, bands={**SN.bands, "domains": gap})
    ctx = PricingContext(MemberKind.COMMUNE, None, MEMBRE, 5000)
    assert price_line(tariff, LineRequest("domaines", {"quantity": D(10)}), ctx).annual == D(120)
    ln = price_line(tariff, LineRequest("domaines", {"quantity": D(12)}), ctx)
    assert ln.status is LineStatus.NOT_OFFERED and ln.annual is None


def test_socle_gap_at_1000_and_eligibility_below_2000() -> None:
    assert price("socle", size=1000).annual == D(350)
    assert price("socle", size=1500).annual == D(450)
    ln = price("socle", size=2000)  # in the 1001-2000 band but "- 2000 hbts" excludes it
    assert ln.status is LineStatus.NOT_OFFERED and ln.annual is None
    assert "2 000" in ln.notes[0]


# supplier price plus a percentage


def test_cost_plus_member_and_non_member() -> None:
    assert price("domaines-autres", supplier="50").annual == D("60.00")
    assert price("domaines-autres", supplier="50", status=NON).annual == D("61.00")
    assert price("domaines-autres", supplier="19.99", quantity=3).annual == D("71.96")  # 71.964


# per started block


def test_security_16_workstations() -> None:
    ln = price("securite", postes=16)
    assert ln.one_time == D("225.00")  # ceil(16/7) = 3 x 75
    assert ln.annual == D("288.00")  # 16 x 18


def test_on_call_2h20_on_site() -> None:
    assert price("astreinte", minutes=140).one_time == D("340.00")  # 170 + 2 started hours x 85
    assert price("astreinte", minutes=60).one_time == D("170.00")
    assert price("astreinte", minutes=61).one_time == D("255.00")


# x2 multiplier, TTC lines


def test_salle_cathedrale_double_ttc() -> None:
    ln = price("salle", grande=1)
    assert ln.one_time == D("130.00")
    assert ln.tax_mode == "TTC"
    assert price("salle").one_time == D("65.00")


def test_ttc_lines_are_kept_out_of_ht_totals() -> None:
    ht = price("securite", postes=16)
    ttc = price("salle", grande=1)
    totals = compute_totals([ht, ttc], 1, D(0))
    assert totals.one_time == D("225.00")
    assert totals.partial  # the TTC amount is not in these HT totals
    assert compute_totals([ttc], 1, D(0), tax_mode="TTC").one_time == D("130.00")


# sur devis / sur étude


def test_sur_devis_cell_and_sur_etude_line() -> None:
    a = price("sauvegarde-autre")
    assert a.status is LineStatus.SUR_DEVIS and a.annual is None
    b = price("espace-privatif")
    assert b.status is LineStatus.SUR_DEVIS and (b.one_time, b.annual) == (None, None)
    assert b.notes == ("Espace privatif : sur étude",)


def test_whole_sn_quote_for_a_non_member() -> None:
    req = QuoteRequest(
        SN.code,
        (
            LineRequest("demat-communes"),
            LineRequest("groupement"),
            LineRequest("securite", {"postes": D(16)}),
        ),
        years=2,
        indexation=D(0),
    )
    q = build_quote(SN, req, None, fixed(None), NON, kind=MemberKind.COMMUNE, size=1500)
    assert [ln.annual for ln in q.lines] == [D("180.00"), D("90.00"), D("320.00")]
    assert q.totals.annual == D("590.00") and q.totals.one_time == D("270.00")
    assert q.blocking == ()  # SN has no categories: nothing to decide
