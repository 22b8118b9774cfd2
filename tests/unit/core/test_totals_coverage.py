"""Which totals stand for an amount: a total with nothing priced in it is « Sur devis », not 0 €."""

from __future__ import annotations

from decimal import Decimal

from core_fixtures import imio_tariff, quote

from desktop.core.quote import LineStatus, QuoteLine, TotalsCoverage, totals_coverage

D = Decimal
T = imio_tariff()


def ql(
    one_time: str | None, annual: str | None, status: LineStatus = LineStatus.PRICED, tax_mode: str = ""
) -> QuoteLine:
    return QuoteLine(
        product="x",
        name="X",
        family="gouvernance",
        params={},
        one_time=None if one_time is None else D(one_time),
        annual=None if annual is None else D(annual),
        setup_days=None,
        status=status,
        tax_mode=tax_mode,
    )


PRICED = ql("2718.00", "5344.00")
SETUP_SUR_DEVIS = ql(None, "11450.00", LineStatus.SUR_DEVIS)  # iA.GPEC
NOT_OFFERED = ql(None, None, LineStatus.NOT_OFFERED)
ANNUAL_ONLY = ql("0.00", "130.00")  # an option without set-up (extra storage)


def test_gpec_alone_has_its_annual_total_but_no_one_time_total() -> None:
    cov = totals_coverage([SETUP_SUR_DEVIS])
    assert cov == TotalsCoverage(one_time=False, annual=True, year1=True)
    assert cov.year(1) and cov.year(2) and cov.year(3)


def test_gpec_quoted_by_the_engine_says_its_one_time_total_is_not_priced() -> None:
    q = quote(T, "Cat 5", "gpec")
    assert q.totals.one_time == D("0.00")  # the sum of what is priced: nothing
    assert q.totals.annual == D("11450.00") and q.totals.partial
    assert not q.coverage.one_time
    assert q.coverage.annual and q.coverage.year1


def test_a_priced_one_time_amount_makes_the_one_time_total_partial_not_unpriced() -> None:
    cov = totals_coverage([PRICED, SETUP_SUR_DEVIS])
    assert cov == TotalsCoverage(True, True, True)


def test_a_zero_from_a_line_without_set_up_does_not_price_a_sur_devis_set_up() -> None:
    # the only one-time cost of the offer is sur devis: its total is not 0 €
    assert not totals_coverage([ANNUAL_ONLY, SETUP_SUR_DEVIS]).one_time
    # without anything sur devis, no set-up is a real 0
    assert totals_coverage([ANNUAL_ONLY]).one_time


def test_nothing_priced_at_all() -> None:
    cov = totals_coverage([NOT_OFFERED])
    assert cov == TotalsCoverage(one_time=False, annual=False, year1=False)
    assert not any(cov.year(k) for k in (1, 2, 3))


def test_annual_sur_devis_and_no_set_up_leaves_no_budget() -> None:
    # a sur devis annual part and no set-up component: one-time is a real 0, year 1 is not priced
    cov = totals_coverage([ql("0.00", None, LineStatus.SUR_DEVIS)])
    assert cov == TotalsCoverage(one_time=True, annual=False, year1=False)
    assert not cov.year(2)


def test_set_up_priced_and_annual_sur_devis_gives_year_one_only() -> None:
    cov = totals_coverage([ql("1812.00", None, LineStatus.SUR_DEVIS)])
    assert cov == TotalsCoverage(one_time=True, annual=False, year1=True)
    assert cov.year(1) and not cov.year(2)


def test_empty_quote_is_zero_not_sur_devis() -> None:
    assert totals_coverage([]) == TotalsCoverage(True, True, True)


def test_lines_kept_out_of_the_sums_do_not_price_them() -> None:
    ttc = ql("24.00", "12.00", tax_mode="TTC")
    # the TTC line is not summed into HT totals: it cannot make them priced
    assert totals_coverage([ttc, SETUP_SUR_DEVIS]).one_time is False
    assert totals_coverage([ttc, SETUP_SUR_DEVIS], tax_mode="TTC").one_time is True
