"""What must hold for any quote: totals, partial flag, signs, rounding, years."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

from core_fixtures import CATS, imio_tariff, quote
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.members import MemberKind
from desktop.core.pricing import compute_totals
from desktop.core.quote import LineStatus, Quote, QuoteLine, round_cents

D = Decimal
T = imio_tariff()

PARAMS = {
    "aes": {"schools": st.integers(1, 60), "plans": st.integers(1, 5)},
    "tech": {"users": st.integers(0, 10)},
    "atal-cb-lecteur": {"readers": st.integers(1, 20)},
    "stockage": {"gb": st.integers(1, 500)},
    "deliberations": {"days": st.integers(1, 3)},
    "at-gestion-projet": {"days": st.integers(1, 30)},
}


@st.composite
def line_specs(draw: st.DrawFn) -> str | tuple[str, dict[str, int]]:
    code = draw(st.sampled_from(sorted(T.products)))
    if code in PARAMS:
        return code, {k: draw(s) for k, s in PARAMS[code].items()}
    return code


@st.composite
def quotes(draw: st.DrawFn) -> Quote:
    specs = draw(st.lists(line_specs(), min_size=0, max_size=12))
    return quote(
        T,
        draw(st.sampled_from(CATS)),
        *specs,
        kind=draw(st.sampled_from([MemberKind.COMMUNE, MemberKind.CPAS])),
        commune_has=frozenset(draw(st.sets(st.sampled_from(sorted(T.products))))),
        years=draw(st.integers(1, 6)),
        indexation=draw(st.decimals(min_value=0, max_value=D("0.10"), places=3)),
    )


def cents(d: Decimal) -> bool:
    return d == round_cents(d) and d.as_tuple().exponent == -2


@settings(max_examples=300, deadline=None)
@given(quotes())
def test_quote_invariants(q: Quote) -> None:
    t = q.totals
    # totals are the sums of the priced amounts, never counting a missing price
    assert t.one_time == sum((ln.one_time for ln in q.lines if ln.one_time is not None), D(0))
    assert t.annual == sum((ln.annual for ln in q.lines if ln.annual is not None), D(0))
    assert t.year1 == t.annual + t.one_time == t.years[0]
    # partial if and only if some line is not (fully) priced
    assert t.partial == any(ln.status is not LineStatus.PRICED for ln in q.lines)
    for ln in q.lines:
        # a fully priced line has both amounts; a not-offered line has none
        if ln.status is LineStatus.PRICED:
            assert ln.one_time is not None and ln.annual is not None
        if ln.status is LineStatus.NOT_OFFERED:
            assert ln.one_time is None and ln.annual is None
        for amount in (ln.one_time, ln.annual, ln.discount):
            if amount is not None:
                assert amount >= 0
                assert cents(amount)
        if ln.setup_days is not None:
            assert ln.setup_days >= 0
    for amount in (t.one_time, t.annual, t.year1, *t.years):
        assert amount >= 0 and cents(amount)
    # with a non-negative indexation the recurring part never decreases
    recurring = [t.years[0] - t.one_time, *t.years[1:]]
    assert all(a <= b for a, b in pairwise(recurring))
    assert len(t.years) in range(1, 7)


amounts = st.one_of(st.none(), st.decimals(min_value=0, max_value=10**6, places=2))


@st.composite
def lines(draw: st.DrawFn) -> QuoteLine:
    one_time, annual = draw(amounts), draw(amounts)
    status = draw(st.sampled_from(LineStatus))
    if one_time is None or annual is None:
        status = draw(st.sampled_from([LineStatus.SUR_DEVIS, LineStatus.NOT_OFFERED]))
    return QuoteLine("p", "P", "f", {}, one_time, annual, None, status)


@given(
    st.lists(lines(), max_size=30),
    st.integers(1, 6),
    st.decimals(min_value=0, max_value=D("0.2"), places=4),
)
def test_compute_totals_on_any_lines(ls: list[QuoteLine], years: int, idx: Decimal) -> None:
    t = compute_totals(ls, years, idx)
    assert t.annual == sum((ln.annual for ln in ls if ln.annual is not None), D(0))
    assert t.one_time == sum((ln.one_time for ln in ls if ln.one_time is not None), D(0))
    assert t.partial == any(ln.status is not LineStatus.PRICED for ln in ls)
    assert len(t.years) == years
    for k in range(1, years):
        expected = round_cents(t.annual * (1 + idx) ** k)
        assert t.years[k] == expected
        assert t.years[k] >= t.years[k - 1] - (t.one_time if k == 1 else 0)
