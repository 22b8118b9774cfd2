"""The iMio pricing decisions of PRODUCT.md, on a hand-built subset of the 2024 grid."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from core_fixtures import commune, cpas_of, fixed, imio_tariff, quote

from desktop.core.catalogue import Bucket, Component, Product
from desktop.core.errors import CatalogueError, InvalidInput, NotFound
from desktop.core.members import InstalledProduct, InstallState, MemberKind
from desktop.core.pricing import (
    PricingContext,
    build_quote,
    commune_products,
    compute_totals,
    price_line,
    rule_codes,
    rule_kinds,
    rule_products,
    waived_rules,
)
from desktop.core.quote import LineRequest, LineStatus, QuoteRequest, Severity

D = Decimal
T = imio_tariff()


def line(category: str | None, code: str, kind: MemberKind = MemberKind.COMMUNE, **params: int):
    ctx = PricingContext(kind, category)
    return price_line(T, LineRequest(code, {k: D(v) for k, v in params.items()}), ctx)


# --------------------------------------------------------------------------- matrix


@pytest.mark.parametrize(
    ("category", "annual", "one_time", "days"),
    [
        ("Cat 1", "3735.00", "1812.00", 2),
        ("Cat 3", "5344.00", "2718.00", 3),
        ("Cat 7", "19989.00", "22650.00", 25),
        ("Provinces", "34384.00", "22650.00", 25),
    ],
)
def test_matrix_reads_the_category_row(
    category: str, annual: str, one_time: str, days: int
) -> None:
    ln = line(category, "delib")
    assert (ln.annual, ln.one_time, ln.setup_days) == (D(annual), D(one_time), D(days))
    assert ln.status is LineStatus.PRICED


def test_every_setup_is_days_times_906_in_the_fixture() -> None:
    for t in ("T1", "T3", "T4", "T13", "T16", "T17"):
        for row in T.tables[t].rows.values():
            one_time, days = row.cells["one_time"], row.cells["setup_days"]
            if one_time.amount is not None:
                assert one_time.amount == days.amount * 906, (t, row.key)


def test_missing_row_is_not_offered_never_zero() -> None:
    ln = line("Provinces", "urban")  # T3 has no Provinces row
    assert ln.status is LineStatus.NOT_OFFERED
    assert ln.annual is None and ln.one_time is None and ln.setup_days is None
    # the product owner's rule: a row missing for the category reads « Sur devis », says why
    assert ln.status.label == "Sur devis"
    assert ln.notes[0] == "Sur devis : la grille 2024 ne donne pas de prix pour la catégorie Provinces"


def test_not_offered_cells_in_a_full_table() -> None:
    ln = line("Provinces", "citizen")  # T17 has a Provinces row of NOT_OFFERED cells
    assert ln.status is LineStatus.NOT_OFFERED
    assert (ln.annual, ln.one_time) == (None, None)


def test_sur_devis_row_is_not_priced() -> None:
    ln = line("Cat 7", "intranet")
    assert ln.status is LineStatus.SUR_DEVIS
    assert (ln.annual, ln.one_time, ln.setup_days) == (None, None, None)
    assert ln.notes == ("Sur devis",)


def test_partly_priced_line_citizen_cat6() -> None:
    ln = line("Cat 6", "citizen")
    assert ln.annual == D("19293.00")
    assert ln.one_time is None
    assert ln.setup_days is None
    assert ln.status is LineStatus.SUR_DEVIS
    assert any("Mise en place" in n and "sur devis" in n for n in ln.notes)


def test_to_confirm_mapping_is_a_warning_on_the_line() -> None:
    ln = line("Cat 2", "intranet")
    assert ln.annual == D("3317.00")
    assert [n.severity for n in ln.notices] == [Severity.WARNING]


def test_gpec_implementation_is_sur_devis() -> None:
    ln = line("Cat 5", "gpec")
    assert ln.annual == D("11450.00") and ln.one_time is None
    assert ln.status is LineStatus.SUR_DEVIS
    assert "Mise en place sur devis" in ln.notes


def test_gpec_for_a_province_is_not_offered() -> None:
    ln = line("Provinces", "gpec")
    assert ln.status is LineStatus.NOT_OFFERED
    assert not any("Mise en place sur devis" in n for n in ln.notes)  # not GPEC's own set-up note
    assert any("pas de prix pour la catégorie Provinces" in n for n in ln.notes)


def test_undecided_category_is_not_priced_and_blocks_the_quote() -> None:
    q = quote(T, None, "delib", kind=MemberKind.AUTRE)
    assert q.lines[0].status is LineStatus.NOT_OFFERED
    assert q.lines[0].annual is None
    assert [n.code for n in q.blocking] == ["category:undecided"]


# --------------------------------------------------------------------------- AES


@pytest.mark.parametrize(
    ("schools", "setup_days", "support_days"),
    [
        (1, 2, 1),
        (2, 2, 1),
        (3, 4, 2),
        (6, 4, 2),
        (7, 6, 3),
        (15, 6, 3),
        (16, 10, 5),
        (30, 10, 5),
        (31, 15, 7),
        (200, 15, 7),
    ],
)
def test_aes_school_bands(schools: int, setup_days: int, support_days: int) -> None:
    ln = line("Cat 4", "aes", schools=schools)
    hosting = 636 + schools * 593
    assert ln.one_time == D(setup_days * 906)
    assert ln.setup_days == D(setup_days)
    assert ln.annual == D(hosting + support_days * 906)  # support billed every year, year 1 too
    assert ln.status is LineStatus.PRICED


@pytest.mark.parametrize(
    ("category", "rate"),
    [
        ("Cat 1", 507),
        ("Cat 2", 507),
        ("Cat 3", 546),
        ("Cat 4", 593),
        ("Cat 5", 656),
        ("Cat 6", 780),
        ("Cat 7", 937),
    ],
)
def test_aes_per_school_rate_by_category(category: str, rate: int) -> None:
    assert line(category, "aes", schools=1).annual == D(636 + rate + 906)


def test_aes_zero_schools_is_invalid() -> None:
    with pytest.raises(InvalidInput) as info:
        line("Cat 4", "aes", schools=0)
    assert "au moins 1" in str(info.value)
    assert info.value.field == "schools"


def test_aes_schools_is_required() -> None:
    with pytest.raises(InvalidInput) as info:
        line("Cat 4", "aes")
    assert "obligatoire" in str(info.value)


@pytest.mark.parametrize(
    ("plans", "status"), [(1, LineStatus.PRICED), (3, LineStatus.PRICED), (4, LineStatus.SUR_DEVIS)]
)
def test_aes_more_than_three_plans_makes_support_sur_devis(plans: int, status: LineStatus) -> None:
    ln = line("Cat 4", "aes", schools=9, plans=plans)
    assert ln.status is status
    assert ln.one_time == D(5436)
    if status is LineStatus.SUR_DEVIS:
        assert ln.annual == D(5973)  # hosting only; the support part is sur devis
        assert any("3 plans" in n for n in ln.notes)
    else:
        assert ln.annual == D(5973 + 2718)


def test_aes_for_a_province_is_not_offered() -> None:
    ln = line("Provinces", "aes", schools=3)
    assert ln.status is LineStatus.NOT_OFFERED
    assert ln.annual is None and ln.one_time is None


# --------------------------------------------------------------------------- iA.Tech


def test_tech_included_users_are_a_note() -> None:
    ln = line("Cat 5", "tech")
    assert (ln.annual, ln.one_time, ln.setup_days) == (D(15024), D(31022), D(15))
    assert ln.one_time == 15 * 906 + 17432
    assert "15 utilisateurs SaaS inclus" in ln.notes
    assert ln.status is LineStatus.PRICED


def test_tech_extra_users_are_sur_devis_with_an_indicative_figure() -> None:
    ln = line("Cat 5", "tech", users=3)
    assert ln.status is LineStatus.SUR_DEVIS
    assert ln.annual == D(15024)  # the grid part stays priced
    assert any("180" in n for n in ln.notes)
    assert any("540" in n for n in ln.notes)  # 3 x 180, indicative
    # a note line of its own, which starts as a sentence does
    plain = [n.replace("\u202f", " ").replace("\xa0", " ") for n in ln.notes]
    assert "Montant indicatif : 3 × 180 € = 540 €" in plain


def test_atal_codes_barres_per_reader() -> None:
    ln = line("Cat 1", "atal-cb-lecteur", readers=3)
    assert (ln.annual, ln.one_time) == (D(3 * 195), D(3 * 819))


# --------------------------------------------------------------------------- storage, days


@pytest.mark.parametrize(
    ("gb", "annual"), [(1, 130), (20, 130), (21, 260), (40, 260), (45, 390), (100, 650)]
)
def test_storage_per_started_20_gb(gb: int, annual: int) -> None:
    ln = line("Cat 3", "stockage", gb=gb)
    assert ln.annual == D(annual)
    assert ln.one_time == D(0)
    assert ln.status is LineStatus.PRICED


def test_a_storage_tier_of_zero_gb_is_a_catalogue_error_not_a_division_by_zero() -> None:
    """A tariff owner typing 0 as the tier size is told which rule to fix."""
    storage = T.products["stockage"]
    tier = storage.components[0]
    broken = replace(storage, components=(replace(tier, params={**tier.params, "block": "0"}),))
    tariff = replace(T, products={**T.products, "stockage": broken})
    with pytest.raises(CatalogueError, match="palier doit être positive"):
        price_line(tariff, LineRequest("stockage", {"gb": D(45)}), PricingContext(MemberKind.COMMUNE, "Cat 3"))


@pytest.mark.parametrize("days", [1, 2, 3])
def test_deliberations_be_one_to_three_days(days: int) -> None:
    ln = line("Cat 3", "deliberations", days=days)
    assert ln.one_time == D(days * 906)
    assert ln.setup_days == D(days)


@pytest.mark.parametrize("days", [0, 4])
def test_deliberations_be_outside_one_to_three_days_is_refused(days: int) -> None:
    with pytest.raises(InvalidInput):
        line("Cat 3", "deliberations", days=days)


def test_day_rate_service() -> None:
    assert line("Cat 3", "at-gestion-projet", days=5).one_time == D(5 * 867)


# --------------------------------------------------------------------------- CPAS discount


def test_cpas_discount_on_libre_product_the_commune_has() -> None:
    q = quote(T, "Cat 3", "delib", kind=MemberKind.CPAS, commune_has=frozenset({"delib"}))
    ln = q.lines[0]
    assert ln.annual == D(2672) and ln.discount == D(2672)
    assert ln.one_time == D(2718)  # the setup is not discounted
    assert q.totals.year1 == D(5390)
    info = [n for n in ln.notices if n.code == "discount:cpas-libre"]
    assert info and info[0].severity is Severity.INFO
    assert "commune" in info[0].message
    # the amount as the column shows it (cents), and « d'iA.Délib », not « de iA.Délib »
    # a minus sign, as the PDF writes « Remise appliquée : −… », not a hyphen
    assert ": \u22122\u202f672,00\u00a0€ sur la maintenance annuelle d’iA.Délib, car" in info[0].message
    assert "remarque-6" in q.terms


@pytest.mark.parametrize(
    ("kind", "has", "product"),
    [
        (MemberKind.COMMUNE, {"delib"}, "delib"),  # not a CPAS
        (MemberKind.CPAS, set(), "delib"),  # the commune does not have it
        (MemberKind.CPAS, {"urban"}, "delib"),  # the commune has another product
        (MemberKind.CPAS, {"tech"}, "tech"),  # iA.Tech is not libre
        (MemberKind.CPAS, {"gpec"}, "gpec"),  # nor GPEC
    ],
)
def test_no_cpas_discount_otherwise(kind: MemberKind, has: set[str], product: str) -> None:
    q = quote(T, "Cat 3", product, kind=kind, commune_has=frozenset(has))
    assert q.lines[0].discount is None
    assert "remarque-6" not in q.terms


def test_cpas_discount_on_a_partly_priced_line_takes_the_priced_annual() -> None:
    q = quote(T, "Cat 6", "citizen", kind=MemberKind.CPAS, commune_has=frozenset({"citizen"}))
    assert q.lines[0].annual == D("9646.50")  # 19293 / 2, rounded half-up at line level
    assert q.lines[0].one_time is None


def test_cpas_discount_rounds_half_up_to_the_cent() -> None:
    # 3317 x 50 % = 1658.50 exactly; make sure cents survive
    q = quote(T, "Cat 2", "intranet", kind=MemberKind.CPAS, commune_has=frozenset({"intranet"}))
    assert q.lines[0].annual == D("1658.50") and q.lines[0].discount == D("1658.50")


def test_cpas_discount_leaves_a_part_marked_not_discountable_whole() -> None:
    aes = T.products["aes"]
    support = aes.components[-1]
    kept = replace(support, params={**support.params, "discountable": "non"})
    tariff = replace(
        T, products={**T.products, "aes": replace(aes, components=(*aes.components[:-1], kept))}
    )
    q = quote(tariff, "Cat 3", ("aes", {"schools": 9}), kind=MemberKind.CPAS, commune_has=frozenset({"aes"}))
    # hosting 636 + 9 x 546 = 5 550 halved; the 3 support days at 906 € stay whole
    assert q.lines[0].discount == D(2775)
    assert q.lines[0].annual == D(2775 + 3 * 906)
    # the note says what the 2 775 € are half of: the column shows 5 550 + 2 718 before it
    [info] = [n for n in q.lines[0].notices if n.code == "discount:cpas-libre"]
    assert (
        "\u22122\u202f775,00\u00a0€ sur la maintenance annuelle d’iA.AES, soit 50 % de "
        "5\u202f550,00\u00a0€ (2\u202f718,00\u00a0€ de cette ligne ne sont pas remisés), car"
    ) in info.message


# --------------------------------------------------------------------------- options, exclusivity


def test_option_without_its_parent_blocks() -> None:
    q = quote(T, "Cat 3", "atal-mobile")
    assert [n.code for n in q.blocking] == ["requires:atal-mobile"]
    assert q.lines[0].annual == D(696)  # still priced


def test_option_with_its_parent_is_fine() -> None:
    q = quote(T, "Cat 3", "tech", "atal-mobile")
    assert q.blocking == ()


def test_option_parent_override_needs_a_reason_and_unblocks() -> None:
    with pytest.raises(InvalidInput):
        quote(T, "Cat 3", "atal-mobile", overrides={"requires:atal-mobile": " "})
    q = quote(
        T, "Cat 3", "atal-mobile", overrides={"requires:atal-mobile": "iA.Tech commandé séparément"}
    )
    assert q.blocking == ()
    n = next(n for n in q.notices if n.code == "requires:atal-mobile")
    assert n.severity is Severity.INFO and "commandé séparément" in n.message
    assert q.overrides == {"requires:atal-mobile": "iA.Tech commandé séparément"}


def test_option_parent_derived_from_product_parent_when_no_constraint() -> None:
    q = quote(T, "Cat 3", ("deliberations", {"days": 2}))
    assert [n.code for n in q.blocking] == ["requires:deliberations"]
    assert len([n for n in q.notices if n.code.startswith("requires:")]) == 1


def test_option_parent_installed_at_the_member_is_enough() -> None:
    c = commune("25072", "Nivelles", 28883, installed=("delib",))
    req = QuoteRequest(T.code, (LineRequest("deliberations", {"days": D(1)}),))
    q = build_quote(T, req, c, fixed("Cat 5"))
    assert q.blocking == ()
    assert any(
        n.code == "requires:deliberations" and n.severity is Severity.INFO for n in q.notices
    )


@pytest.mark.parametrize("other", ["smartweb", "teleservices"])
def test_citizen_excludes_smartweb_and_teleservices(other: str) -> None:
    q = quote(T, "Cat 3", "citizen", other)
    assert [n.code for n in q.blocking] == [f"excludes:citizen-{other}"]
    ok = quote(
        T,
        "Cat 3",
        "citizen",
        other,
        overrides={f"excludes:citizen-{other}": "migration progressive"},
    )
    assert ok.blocking == ()


def test_waived_rules_word_each_dérogation_for_the_member_and_only_those_in_force() -> None:
    reasons = {
        "excludes:citizen-smartweb": "SmartWeb déjà en place.",
        "requires:atal-mobile": "iA.Tech commandé séparément",
    }
    both = quote(T, "Cat 3", "citizen", "smartweb", "atal-mobile", overrides=reasons)
    citizen, smartweb = T.products["citizen"].name, T.products["smartweb"].name
    atal, tech = T.products["atal-mobile"].name, T.products["tech"].name
    assert waived_rules(T, both) == (
        f"{citizen} et {smartweb} figurent tous deux dans l'offre. Motif : SmartWeb déjà en place.",
        f"{atal} est proposé sans {tech}. Motif : iA.Tech commandé séparément.",
    )
    # the offer changed since: SmartWeb went, iA.Tech came; neither dérogation waives anything
    moot = quote(T, "Cat 3", "citizen", "tech", "atal-mobile", overrides=reasons)
    assert moot.blocking == () and waived_rules(T, moot) == ()
    # a parent installed at the member satisfies the rule: the dérogation is moot there too
    c = commune("25072", "Nivelles", 28883, installed=("tech",))
    req = QuoteRequest(T.code, (LineRequest("atal-mobile"),), overrides=reasons)
    assert waived_rules(T, build_quote(T, req, c, fixed("Cat 5"))) == ()


def test_citizen_when_member_already_has_smartweb_warns() -> None:
    c = commune("25072", "Nivelles", 28883, installed=("smartweb",))
    req = QuoteRequest(T.code, (LineRequest("citizen"),))
    q = build_quote(T, req, c, fixed("Cat 5"))
    assert q.blocking == ()
    warn = [n for n in q.notices if n.severity is Severity.WARNING]
    assert warn and "SmartWeb" in warn[0].message


def test_a_product_the_member_already_has_is_a_warning_on_its_line() -> None:
    c = commune("25072", "Nivelles", 28883, installed=("delib",))
    q = build_quote(T, QuoteRequest(T.code, (LineRequest("delib"),)), c, fixed("Cat 5"))
    [warn] = q.notices
    assert warn.severity is Severity.WARNING and q.blocking == ()
    assert warn.message == (
        "Le membre a déjà iA.Délib (en production) : vérifiez que l'offre ne fait pas double emploi."
    )
    assert rule_products(T, warn.code) == ("delib",)  # the mark goes on its line
    assert q.totals.annual == quote(T, "Cat 5", "delib").totals.annual  # still priced


def test_storage_alone_is_a_warning_not_blocking() -> None:
    q = quote(T, "Cat 3", ("stockage", {"gb": 10}))
    assert q.blocking == ()
    assert [n.code for n in q.notices if n.severity is Severity.WARNING] == ["requires:stockage"]
    assert quote(T, "Cat 3", "delib", ("stockage", {"gb": 10})).notices == ()


def test_duplicate_product_is_a_warning() -> None:
    q = quote(T, "Cat 3", "delib", "delib")
    assert [n.code for n in q.notices] == ["duplicate:delib"]


def test_a_product_twice_blocks_until_lifted_with_a_reason() -> None:
    """iA.Délib twice was charged twice, the offer numbered with a mere warning."""
    twice = quote(T, "Cat 3", "delib", "delib")
    assert [n.code for n in twice.blocking] == ["duplicate:delib"]
    assert "duplicate:delib" in rule_codes(T)
    lifted = quote(T, "Cat 3", "delib", "delib", overrides={"duplicate:delib": "deux instances distinctes"})
    assert lifted.blocking == ()
    assert waived_rules(T, lifted) == (
        f"{T.products['delib'].name} figure plusieurs fois dans l'offre. Motif : deux instances distinctes.",
    )
    # with parameters too: iA.Tech twice was charged twice with a warning
    days = quote(T, "Cat 3", ("deliberations", {"days": 1}), ("deliberations", {"days": 2}), "delib")
    assert [(n.code, n.severity) for n in days.notices if n.code.startswith("duplicate:")] == [
        ("duplicate:deliberations", Severity.BLOCKING)
    ]


def test_each_rule_of_the_offer_names_the_products_whose_lines_it_concerns() -> None:
    """The lines table marks these lines: an offer-level rule must say which ones."""
    assert rule_products(T, "requires:atal-mobile") == ("atal-mobile",)  # not iA.Tech, missing
    assert rule_products(T, "requires:stockage") == ("stockage",)  # "any product"
    assert rule_products(T, "requires:deliberations") == ("deliberations",)  # an option's parent
    assert rule_products(T, "excludes:citizen-smartweb") == ("citizen", "smartweb")
    assert rule_products(T, "excludes:citizen-smartweb:installe") == ("citizen", "smartweb")
    assert rule_products(T, "duplicate:delib") == ("delib",)
    for code in ("category:undecided", "duplicate:nothing", "requires:nothing", "excludes:other"):
        assert rule_products(T, code) == ()
    # every notice of these quotes is placed on a line of the quote
    for q in (
        quote(T, "Cat 3", "citizen", "smartweb"),
        quote(T, "Cat 3", "delib", "delib"),
        quote(T, "Cat 3", "atal-mobile"),
        quote(T, "Cat 3", ("deliberations", {"days": 1})),
    ):
        assert q.notices
        for n in q.notices:
            assert set(rule_products(T, n.code)) & {ln.product for ln in q.lines}, n.code


# --------------------------------------------------------------------------- totals, terms


def test_partial_totals_leave_unpriced_amounts_out() -> None:
    q = quote(T, "Cat 6", "delib", "citizen")
    assert q.totals.partial
    assert q.totals.annual == D(13353 + 19293)
    assert q.totals.one_time == D(10872)  # Citizen's setup is sur devis: not 0, just left out
    assert q.totals.year1 == q.totals.annual + q.totals.one_time
    assert "sur-devis" in q.terms


def test_years_and_indexation() -> None:
    q = quote(T, "Cat 3", "delib", years=6, indexation=D("0.02"))
    assert q.totals.years[0] == D("8062.00")
    assert q.totals.years[1] == D("5450.88")  # 5344 x 1.02
    assert q.totals.years[2] == D("5559.90")  # 5344 x 1.02^2 = 5559.8976
    assert len(q.totals.years) == 6
    assert not q.totals.partial


@pytest.mark.parametrize("years", [0, 7, -1])
def test_years_must_be_one_to_six(years: int) -> None:
    with pytest.raises(InvalidInput):
        quote(T, "Cat 3", "delib", years=years)


def test_indexation_bounds() -> None:
    with pytest.raises(InvalidInput):
        compute_totals([], 3, D("1.5"))
    assert compute_totals([], 3, D(0)).years == (D(0), D(0), D(0))


def test_terms_follow_their_when() -> None:
    q = quote(T, "Cat 3", "delib", ("deliberations", {"days": 1}))
    assert q.terms == ("remarque-1", "remarque-3-4", "remarque-7", "deliberations")
    assert "remarque-2" not in q.terms  # "manual": printed on request only


def test_product_found_by_alias_and_unknown_product() -> None:
    ctx = PricingContext(MemberKind.COMMUNE, "Cat 3")
    assert price_line(T, LineRequest("Délib"), ctx).product == "delib"
    with pytest.raises(NotFound):
        price_line(T, LineRequest("nope"), ctx)


def test_unknown_rule_kind_is_a_catalogue_error_with_its_source() -> None:
    bad = Product(
        "x",
        "X",
        T.products["delib"].family,
        components=(Component("magic", Bucket.ANNUAL, {}, source="products.csv:12"),),
    )
    tariff = replace(T, products={"x": bad})
    with pytest.raises(CatalogueError) as info:
        price_line(tariff, LineRequest("x"), PricingContext(MemberKind.COMMUNE, "Cat 1"))
    assert "products.csv:12" in str(info.value) and "magic" in str(info.value)


def test_registry_has_every_kind_the_data_uses() -> None:
    assert {
        "matrix",
        "setup_days",
        "base_plus_rate",
        "band_days",
        "days_x_rate",
        "per_block",
        "unit_x_qty",
        "sur_devis",
        "sur_devis_if",
        "note",
        "band",
        "tiers",
        "formula",
        "cost_plus",
        "eligibility",
        "fixed",
    } <= rule_kinds()


def test_cpas_member_object_drives_the_kind() -> None:
    c = commune("25072", "Nivelles", 28883)
    req = QuoteRequest(T.code, (LineRequest("delib"),), commune_has=frozenset({"delib"}))
    q = build_quote(T, req, cpas_of(c), fixed("Cat 5"))
    assert q.lines[0].annual == D("4463.50")  # 8927 / 2


def test_commune_products_of_a_cpas() -> None:
    c = commune("25072", "Nivelles", 28883, installed=("delib", "urban"))
    ordered = replace(c, installed=(*c.installed, InstalledProduct("docs", InstallState.COMMANDE)))
    lookup = {c.id: ordered}.get
    assert commune_products(cpas_of(c), lookup) == {
        "delib",
        "urban",
    }  # ordered is not in production
    assert commune_products(c, lookup) == frozenset()  # a commune has no "commune"
    assert commune_products(None, lookup) == frozenset()
    assert commune_products(cpas_of(c), lambda _i: None) == frozenset()
