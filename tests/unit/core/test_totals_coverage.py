"""Which totals stand for an amount: a total with nothing priced in it is « Sur devis », not 0 €."""

from __future__ import annotations

from decimal import Decimal

from core_fixtures import imio_tariff, quote

from desktop.core.quote import LineStatus, QuoteLine, TotalsCoverage, totals_coverage

D = Decimal
T = imio_tariff()


def ql(
    one_time: str | None,
    annual: str | None,
    status: LineStatus = LineStatus.PRICED,
    tax_mode: str = "",
    unpriced: tuple[str, ...] = (),
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
        unpriced=unpriced,
    )


PRICED = ql("2718.00", "5344.00")
SETUP_SUR_DEVIS = ql(None, "11450.00", LineStatus.SUR_DEVIS, unpriced=("one_time",))  # iA.GPEC
NOT_OFFERED = ql(None, None, LineStatus.NOT_OFFERED)
ANNUAL_ONLY = ql("0.00", "130.00")  # an option without set-up (extra storage)


def test_gpec_alone_has_its_annual_total_but_no_one_time_total() -> None:
    cov = totals_coverage([SETUP_SUR_DEVIS])
    assert cov == TotalsCoverage(one_time=False, annual=True, year1=True, year1_partial=True)
    assert cov.year(1) and cov.year(2) and cov.year(3)
    # its annual maintenance is all there: years 2 and later are whole, year 1 is not
    assert cov.year_partial(1) and not cov.year_partial(2)


def test_gpec_quoted_by_the_engine_says_its_one_time_total_is_not_priced() -> None:
    q = quote(T, "Cat 5", "gpec")
    assert q.totals.one_time == D("0.00")  # the sum of what is priced: nothing
    assert q.totals.annual == D("11450.00") and q.totals.partial
    assert not q.coverage.one_time
    assert q.coverage.annual and q.coverage.year1


def test_a_priced_one_time_amount_makes_the_one_time_total_partial_not_unpriced() -> None:
    cov = totals_coverage([PRICED, SETUP_SUR_DEVIS])
    assert cov == TotalsCoverage(True, True, True, one_time_partial=True, year1_partial=True)


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
    cov = totals_coverage([ql("0.00", None, LineStatus.SUR_DEVIS, unpriced=("annual",))])
    assert cov == TotalsCoverage(one_time=True, annual=False, year1=False)
    assert not cov.year(2)


def test_set_up_priced_and_annual_sur_devis_gives_year_one_only() -> None:
    cov = totals_coverage([ql("1812.00", None, LineStatus.SUR_DEVIS, unpriced=("annual",))])
    assert cov == TotalsCoverage(one_time=True, annual=False, year1=True, year1_partial=True)
    assert cov.year(1) and not cov.year(2)


def test_empty_quote_is_zero_not_sur_devis() -> None:
    assert totals_coverage([]) == TotalsCoverage(True, True, True)


def test_lines_kept_out_of_the_sums_do_not_price_them() -> None:
    ttc = ql("24.00", "12.00", tax_mode="TTC")
    # the TTC line is not summed into HT totals: it cannot make them priced
    assert totals_coverage([ttc, SETUP_SUR_DEVIS]).one_time is False
    assert totals_coverage([ttc, SETUP_SUR_DEVIS], tax_mode="TTC").one_time is True


def test_each_total_is_partial_only_for_what_it_leaves_out() -> None:
    """iA.GPEC's set-up is sur devis, iA.Tech's extra users are: the asterisk goes on the totals
    that miss them, not on every total."""
    gpec = quote(T, "Cat 5", "delib", "gpec").coverage
    assert (gpec.one_time_partial, gpec.annual_partial, gpec.year1_partial) == (True, False, True)
    assert gpec.year_partial(1) and not gpec.year_partial(2)
    tech = quote(T, "Cat 5", "delib", ("tech", {"users": 4})).coverage
    assert (tech.one_time_partial, tech.annual_partial, tech.year1_partial) == (False, True, True)
    assert tech.year_partial(3)
    whole = quote(T, "Cat 5", "delib").coverage
    assert not (whole.one_time_partial or whole.annual_partial or whole.year1_partial)


def test_a_line_stored_before_its_buckets_were_told_counts_as_missing_in_both() -> None:
    cov = totals_coverage([PRICED, ql("2718.00", "5344.00", LineStatus.SUR_DEVIS)])
    assert cov.one_time_partial and cov.annual_partial and cov.year1_partial


def test_each_line_status_says_whether_its_price_is_whole_in_part_or_missing() -> None:
    """The status column: a wholly priced line is « Tarifé », even with a zero set-up; only a
    line with a priced part and a « sur devis » part reads « En partie sur devis »."""
    assert PRICED.status_label == "Tarifé"
    assert ANNUAL_ONLY.status_label == "Tarifé"
    assert SETUP_SUR_DEVIS.status_label == "En partie sur devis"
    assert NOT_OFFERED.status_label == "Sur devis"
    assert ql(None, None, LineStatus.SUR_DEVIS).status_label == "Sur devis"
