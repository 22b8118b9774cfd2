"""Every item model is a well-behaved Qt model (pytest-qt's qtmodeltester), on real data."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from PySide6.QtCore import QModelIndex, Qt

from desktop.core.members import MemberKind
from desktop.core.quote import LineRequest
from desktop.ui.backend import Draft, search_hits
from desktop.ui.catalogue_panel import FoldFilterProxy
from desktop.ui.models import (
    CatalogueModel,
    InstalledModel,
    MemberHitsModel,
    NoticesModel,
    OffersModel,
    QuoteLinesModel,
    YearsModel,
)
from desktop.ui.money import MoneyText


@pytest.fixture
def money():
    return MoneyText()


@pytest.fixture
def quote(backend):
    member = backend.index.search("namur")[0]
    draft = Draft(
        member_id=member.id,
        lines=(
            LineRequest("delib", {}),
            LineRequest("aes", {"schools": Decimal(9)}),
            LineRequest("gpec", {}),
            LineRequest("atal-mobile", {}),  # no iA.Tech: a blocking notice
        ),
    )
    return backend.quote(draft)


def test_a_missing_amount_reads_sur_devis_or_a_dash_never_0(money):
    """Screens pass None for what has no price, number or date: it reads « Sur devis » (or the
    text asked for), never « 0,00 € »."""
    assert money.money(None) == "Sur devis"
    assert money.money(None, missing="—") == "—"
    assert (money.number(None), money.date(None)) == ("—", "—")
    assert money.money(Decimal("0")).startswith("0,00")


def test_member_hits_model(qtmodeltester, backend):
    model = MemberHitsModel()
    model.set_hits(search_hits(backend.index, backend.tariff, "nam"))
    assert model.rowCount() > 1
    qtmodeltester.check(model, force_py=True)
    kinds = [model.data(model.index(r, 1)) for r in range(model.rowCount())]
    assert "Zone pol." in kinds  # compact kind in the narrow column ("nam" finds ZP 5303 Namur)
    tip = model.data(model.index(0, 1), Qt.ItemDataRole.ToolTipRole)
    assert model.hit(0).member.kind.label in tip  # the full kind stays one hover away


def test_rescue_zones_are_listed_by_their_own_name_next_to_their_kind(backend):
    """At 1366 px the name column is narrow: « Zone de secours Hai… » twice could not be told
    apart, while the Type column already says « Zone sec. »."""
    model = MemberHitsModel()
    model.set_hits(search_hits(backend.index, backend.tariff, "hainaut"))
    rows = {model.data(model.index(r, 0)): model.data(model.index(r, 1)) for r in range(model.rowCount())}
    assert rows["Hainaut-Centre (ZHC)"] == rows["Hainaut-Est (ZOHE)"] == "Zone sec."
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(f"<qt>{model.hit(0).member.display_name}<br>")  # the full name one hover away


def test_tooltips_show_names_as_typed_never_as_markup(backend):
    created = backend.create_member(kind=MemberKind.AUTRE, name="ASBL <b>Les Amis</b> & Co", size=12)
    model = MemberHitsModel()
    model.set_hits(search_hits(backend.index, backend.tariff, "les amis"))
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert model.hit(0).member.id == created.id
    assert tip.startswith("<qt>ASBL &lt;b&gt;Les Amis&lt;/b&gt; &amp; Co<br>")


def test_catalogue_model_and_its_filter(qtmodeltester, backend):
    model = CatalogueModel(backend.tariff)
    qtmodeltester.check(model, force_py=True)
    families = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert families[0] == "Gouvernance et dématérialisation"
    proxy = FoldFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_text("delib")  # accents ignored: finds iA.Délib
    qtmodeltester.check(proxy, force_py=True)
    shown = [
        proxy.index(r, 0, proxy.index(f, 0)).data()
        for f in range(proxy.rowCount())
        for r in range(proxy.rowCount(proxy.index(f, 0)))
    ]
    assert "iA.Délib" in shown and "iA.Docs" not in shown


def test_quote_lines_model(qtmodeltester, backend, money, quote):
    model = QuoteLinesModel(money, backend.tariff)
    model.set_quote(quote)
    qtmodeltester.check(model, force_py=True)
    gpec = next(r for r in range(model.rowCount()) if model.line(r).product == "gpec")
    assert model.data(model.index(gpec, QuoteLinesModel.ONE_TIME)) == "Sur devis"  # never 0
    aes = next(r for r in range(model.rowCount()) if model.line(r).product == "aes")
    assert model.data(model.index(aes, QuoteLinesModel.PARAMS)).startswith("9 écoles")


def test_a_line_carries_the_offer_rules_that_concern_it(backend, money, quote):
    """Atal Mobile without iA.Tech, iA.Citizen with SmartWeb, a product twice: the line
    itself says so (mark, colour, tooltip), not only the panel under the table."""
    model = QuoteLinesModel(money, backend.tariff)
    model.set_quote(quote)
    rows = {model.line(r).product: r for r in range(model.rowCount())}
    mobile = model.index(rows["atal-mobile"], QuoteLinesModel.PRODUCT)
    assert model.data(mobile).endswith("\u00a0⚠")
    assert model.data(mobile, Qt.ItemDataRole.ForegroundRole) is not None
    assert "iA.Tech" in model.data(mobile, Qt.ItemDataRole.ToolTipRole)
    delib = model.index(rows["delib"], QuoteLinesModel.PRODUCT)
    assert "⚠" not in model.data(delib) and model.data(delib, Qt.ItemDataRole.ForegroundRole) is None

    member = quote.member
    both = backend.quote(
        Draft(member_id=member.id, lines=(LineRequest("citizen", {}), LineRequest("smartweb", {})))
    )
    model.set_quote(both)
    assert [model.data(model.index(r, 0)).endswith("\u00a0⚠") for r in range(2)] == [True, True]
    assert "SmartWeb" in model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole)
    lifted = backend.quote(
        Draft(
            member_id=member.id,
            lines=(LineRequest("delib", {}), LineRequest("delib", {})),
            overrides={"duplicate:delib": "deux instances distinctes"},
        )
    )
    model.set_quote(lifted)  # a rule lifted with its reason: information, no longer a warning
    assert [model.data(model.index(r, 0)).endswith("\u00a0ℹ") for r in range(2)] == [True, True]
    assert "deux instances distinctes" in model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)


def test_years_notices_installed_models(qtmodeltester, backend, money, quote):
    years = YearsModel(money)
    years.set_quote(quote)
    qtmodeltester.check(years, force_py=True)
    assert years.rowCount() == 3 and "(partiel)" in years.data(years.index(0, 1))
    notices = NoticesModel()
    notices.set_quote(quote)
    qtmodeltester.check(notices, force_py=True)
    texts = [notices.data(notices.index(r, 0)) for r in range(notices.rowCount())]
    assert texts[0].startswith("Bloquant : ")  # most severe first
    installed = InstalledModel(backend.tariff, money)
    from desktop.core.members import InstalledProduct, InstallState

    installed.set_items([InstalledProduct("delib", InstallState.PRODUCTION, None)])
    qtmodeltester.check(installed, force_py=True)
    assert installed.data(installed.index(0, 0)) == "iA.Délib — en production"


def test_offers_model(qtmodeltester, backend, money, quote):
    from desktop.ui.backend import Draft

    member = quote.member
    backend.save_draft(None, Draft(member_id=member.id, lines=(LineRequest("delib", {}),)), backend.quote(
        Draft(member_id=member.id, lines=(LineRequest("delib", {}),))
    ))
    model = OffersModel(money)
    model.set_offers(backend.list_offers())
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 1
    assert model.data(model.index(0, 1)) == member.display_name
    assert model.data(model.index(0, 7)) == "Brouillon"
    when = backend.list_offers()[0].updated.astimezone()
    assert model.data(model.index(0, 3)) == when.strftime("%d/%m/%Y %H:%M")  # drafts of a day apart
    assert model.data(model.index(0, 4), Qt.ItemDataRole.TextAlignmentRole) is not None
    assert model.index(0, 0, model.index(0, 0)) == QModelIndex()


def test_parameters_read_in_the_catalogue_order_whatever_order_they_were_stored_in(backend, money):
    member = backend.index.search("nivelles")[0]
    request = LineRequest("aes", {"schools": Decimal(9), "plans": Decimal(1)})
    [line] = backend.quote(Draft(member_id=member.id, lines=(request,))).lines
    stored = replace(line, params=dict(reversed(list(line.params.items()))))  # as read back
    model = QuoteLinesModel(money, backend.tariff)
    assert model.params_text(stored) == model.params_text(line) == "9 écoles, 1 plan"


# --------------------------------------------------------------------------- totals with nothing priced


@pytest.fixture
def gpec_quote(backend):
    """iA.GPEC for Nivelles (Cat 5): annual maintenance 11 450 €, set-up sur devis."""
    member = backend.index.search("nivelles")[0]
    return backend.quote(Draft(member_id=member.id, lines=(LineRequest("gpec", {}),)))


def test_totals_panel_shows_sur_devis_for_a_total_with_nothing_priced(qtbot, money, gpec_quote):
    from desktop.ui.totals_panel import TotalsPanel

    panel = TotalsPanel(money)
    qtbot.addWidget(panel)
    panel.show_quote(gpec_quote, 3, Decimal("0.02"))
    known = money.money(Decimal("11450"))
    # the annual maintenance is all there: only year 1, which misses the set-up, is partial
    assert (panel.one_time.text(), panel.annual.text(), panel.year1.text()) == (
        "Sur devis",
        known,
        known + " *",
    )
    # its annual amount is in the totals: the note does not say the line is left out
    assert panel.partial.text() == (
        "* Totaux partiels : iA.GPEC n'y est compris que pour ses montants connus, le reste est sur devis."
    )
    years = panel.years_model
    assert [years.data(years.index(r, 1)) for r in range(3)] == [
        money.money(Decimal("11450")) + " (partiel)",
        money.money(Decimal("11679")),
        money.money(Decimal("11912.58")),
    ]
    twice = replace(gpec_quote, lines=gpec_quote.lines * 2)  # the same product on two lines
    panel.show_quote(twice, 3, Decimal("0.02"))
    assert panel.partial.text().count("iA.GPEC") == 1


def test_years_of_an_annual_cost_with_nothing_priced_read_sur_devis(qtmodeltester, money, gpec_quote):
    from dataclasses import replace

    from desktop.core.pricing import compute_totals

    # set-up priced, annual cost wholly sur devis: only year 1 has an amount
    line = replace(gpec_quote.lines[0], one_time=Decimal("1812.00"), annual=None)
    q = replace(gpec_quote, lines=(line,), totals=compute_totals((line,)))
    years = YearsModel(money)
    years.set_quote(q)
    qtmodeltester.check(years, force_py=True)
    assert [years.data(years.index(r, 1)) for r in range(3)] == [
        money.money(Decimal("1812")) + " (partiel)", "Sur devis", "Sur devis"
    ]


def test_offers_list_shows_sur_devis_for_a_total_with_nothing_priced(qtmodeltester, backend, money, gpec_quote):
    member = gpec_quote.member
    backend.save_draft(None, Draft(member_id=member.id, lines=(LineRequest("gpec", {}),)), gpec_quote)
    model = OffersModel(money)
    model.set_offers(backend.list_offers())
    qtmodeltester.check(model, force_py=True)
    known = money.money(Decimal("11450"))
    assert [model.data(model.index(0, c)) for c in OffersModel.AMOUNTS] == ["Sur devis", known, known + " *"]


def test_a_line_priced_in_part_says_so_in_its_status(backend, money, gpec_quote):
    model = QuoteLinesModel(money, backend.tariff)
    model.set_quote(gpec_quote)
    columns = (QuoteLinesModel.ONE_TIME, QuoteLinesModel.ANNUAL, QuoteLinesModel.STATUS)
    assert [model.data(model.index(0, c)) for c in columns] == [
        "Sur devis",
        money.money(Decimal("11450")),
        "En partie sur devis",  # its maintenance is priced: not « Sur devis » as a whole
    ]


def test_a_product_the_grid_does_not_price_for_the_category_reads_sur_devis(backend, money):
    """Urban has no Provinces row: the product owner's rule is « Sur devis », never 0."""
    province = next(m for m in backend.index.members() if m.kind.value == "province")
    quote = backend.quote(Draft(member_id=province.id, lines=(LineRequest("urban", {}),)))
    model = QuoteLinesModel(money, backend.tariff)
    model.set_quote(quote)
    columns = (QuoteLinesModel.ONE_TIME, QuoteLinesModel.ANNUAL, QuoteLinesModel.STATUS)
    shown = [model.data(model.index(0, c)) for c in columns]
    assert shown == ["Sur devis", "Sur devis", "Sur devis"]


@pytest.mark.parametrize(
    ("users", "shown"), [(0, "0 utilisateur supplémentaire"), (2, "2 utilisateurs supplémentaires")]
)
def test_tech_extra_users_read_as_french_counts(backend, money, users, shown):
    member = backend.index.search("nivelles")[0]
    request = LineRequest("tech", {"users": Decimal(users)})
    [line] = backend.quote(Draft(member_id=member.id, lines=(request,))).lines
    assert QuoteLinesModel(money, backend.tariff).params_text(line) == shown  # extra: 15 are included


@pytest.mark.parametrize(("days", "shown"), [("0.5", "0,5 jour"), ("1.5", "1,5 jour"), ("2", "2 jours")])
def test_days_below_two_are_singular_on_the_line_and_in_its_note(backend, money, days, shown):
    """« 1,5 jours » on the line, « 1,5 jour » on the order form: French says the singular."""
    member = backend.index.search("nivelles")[0]
    request = LineRequest("at-gestion-projet", {"days": Decimal(days)})
    [line] = backend.quote(Draft(member_id=member.id, lines=(request,))).lines
    assert QuoteLinesModel(money, backend.tariff).params_text(line) == shown
    assert any(note.startswith(f"{shown} ×") for note in line.notes), line.notes


def test_a_cost_the_product_does_not_have_reads_a_dash_on_its_line(backend, money):
    member = backend.index.search("nivelles")[0]
    request = LineRequest("stockage", {"gb": Decimal(10)})
    quote = backend.quote(Draft(member_id=member.id, lines=(LineRequest("delib", {}), request)))
    model = QuoteLinesModel(money, backend.tariff)
    model.set_quote(quote)
    assert model.data(model.index(1, QuoteLinesModel.ONE_TIME)) == "—"  # no set-up, not 0,00 €
    assert model.data(model.index(1, QuoteLinesModel.ANNUAL)) == money.money(quote.lines[1].annual)


def test_the_totals_keep_their_width_whatever_the_amounts(qtbot, money, gpec_quote):
    """Growing with its amounts, the totals panel took the catalogue's width line after line:
    the screen shifted under the seller's eyes."""
    from desktop.ui.totals_panel import TotalsPanel

    panel = TotalsPanel(money)
    qtbot.addWidget(panel)
    panel.show()
    empty = panel.minimumSizeHint().width()
    panel.show_quote(gpec_quote, 6, Decimal("0.02"))
    assert panel.minimumSizeHint().width() == empty


def test_the_vat_note_on_screen_says_what_the_offer_says(qtbot, money):
    from desktop.documents.offer import IMIO_VAT_STATEMENT
    from desktop.ui.totals_panel import TotalsPanel

    panel = TotalsPanel(money)
    qtbot.addWidget(panel)
    said = panel.tax.text().removeprefix("Montants HTVA. ")
    assert said in IMIO_VAT_STATEMENT and said.startswith("Sauf avis contraire")  # its qualifier kept
