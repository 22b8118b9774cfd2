"""Every table of the iMio 2024 seed against its sources.

Two independent references: the structured transcription ``tariff-extract.json`` and the seed
document itself (the cited line of ``seeds/000_*.txt`` must contain the amounts, written the way
the document writes them: ``3 735`` with a narrow no-break space). Both live in ``../shared``
next to the repository; the tests that need them are skipped with a reason when they are absent.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.core.catalogue import PriceState, Tariff, fold
from desktop.core.categories import Method
from desktop.core.members import MemberKind
from desktop.store.seed_tariff import parse_tariff_dir

ROOT = Path(__file__).resolve().parents[2]
DB = ROOT / "db"
SHARED = ROOT.parent / "shared"
EXTRACT = SHARED / "reference" / "tariffs" / "tariff-extract.json"
SEEDS = SHARED / "seeds"
CATS = ("Cat 1", "Cat 2", "Cat 3", "Cat 4", "Cat 5", "Cat 6", "Cat 7", "Provinces")
D = Decimal


@pytest.fixture(scope="module")
def tariff() -> Tariff:
    return parse_tariff_dir(DB / "tariffs" / "imio-2024", DB).tariff


@pytest.fixture(scope="module")
def extract() -> dict:
    if not EXTRACT.is_file():
        pytest.skip(f"référence absente : {EXTRACT} (dossier ../shared à côté du dépôt)")
    return json.loads(EXTRACT.read_text(encoding="utf-8"))["imio_2024"]


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    found = sorted(SEEDS.glob("000_*.txt")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip(f"document source absent : {SEEDS}/000_*.txt (dossier ../shared)")
    return found[0].read_text(encoding="utf-8").splitlines()


def as_written(amount: Decimal) -> str:
    """3735 -> '3\u202f735', the way seed 000 writes its amounts."""
    return f"{int(amount):,}".replace(",", "\u202f")


def cited_line(source: str, lines: list[str]) -> str:
    """The first line (or line range) a source cites, as one string."""
    m = re.match(r"000:L(\d+)(?:-L(\d+))?", source)
    assert m, f"source sans ligne précise : {source!r}"
    first = int(m.group(1))
    last = int(m.group(2) or first)
    return " ".join(lines[first - 1 : last])


def value(cell_or_number: object) -> object:
    if isinstance(cell_or_number, dict):
        return {"sur_devis": PriceState.SUR_DEVIS}[cell_or_number["state"]]
    return cell_or_number


def cell_value(tariff: Tariff, table: str, key: str, column: str) -> object:
    cell = tariff.tables[table].cell(key, column)
    if cell.state is PriceState.PRICED:
        assert cell.amount is not None
        return int(cell.amount)
    return cell.state


# --------------------------------------------------------------------------- product tables


STANDARD = ("T1", "T2", "T3", "T4", "T5", "T13", "T14", "T15", "T16", "T17")


@pytest.mark.parametrize("table", STANDARD)
def test_standard_tables_match_the_extract(tariff: Tariff, extract: dict, table: str) -> None:
    rows = {r["category"]: r for r in extract["tables"][table]["rows"]}
    for cat in CATS:
        if cat not in rows:
            for column in ("annual", "one_time", "setup_days"):
                assert cell_value(tariff, table, cat, column) is PriceState.NOT_OFFERED
            continue
        r = rows[cat]
        assert cell_value(tariff, table, cat, "annual") == value(r["annual"]), (table, cat)
        assert cell_value(tariff, table, cat, "one_time") == value(r["setup"]), (table, cat)
        assert cell_value(tariff, table, cat, "setup_days") == value(r["setup_days"]), (table, cat)
        assert tariff.tables[table].rows[cat].source == r["source"]


def test_gpec_table_is_annual_only(tariff: Tariff, extract: dict) -> None:
    table = tariff.tables["T7"]
    assert table.columns == ("annual",)
    for r in extract["tables"]["T7"]["rows"]:
        assert cell_value(tariff, "T7", r["category"], "annual") == r["annual"]
    assert cell_value(tariff, "T7", "Provinces", "annual") is PriceState.NOT_OFFERED


def test_aes_per_school_rates_base_and_bands(tariff: Tariff, extract: dict) -> None:
    aes = extract["aes"]
    for cat, rate in aes["per_school_by_category"].items():
        assert cell_value(tariff, "T6", cat, "per_school") == rate
    assert cell_value(tariff, "T6", "Provinces", "per_school") is PriceState.NOT_OFFERED
    assert tariff.rates["aes_base"].amount == aes["hosting_base"] == 636
    bands = tariff.bands["aes_schools"].bands
    assert [(b.low, b.high) for b in bands] == [(1, 2), (3, 6), (7, 15), (16, 30), (31, None)]
    for band, ref in zip(bands, aes["school_bands"], strict=True):
        assert band.values == {
            "setup_days": ref["setup_days"],
            "support_days": ref["support_days_per_year"],
        }
        assert band.source == ref["source"]


def test_tech_rows_users_and_contribution(tariff: Tariff, extract: dict) -> None:
    for r in extract["tech"]["rows"]:
        cat = r["category"]
        assert cell_value(tariff, "T8", cat, "annual") == r["annual"]
        assert cell_value(tariff, "T8", cat, "one_time") == r["setup_incl_contribution"]
        assert cell_value(tariff, "T8", cat, "setup_days") == r["setup_days"]
        assert cell_value(tariff, "T8", cat, "users_included") == r["saas_users_included"]
        assert cell_value(tariff, "T8", cat, "contribution") == r["contribution_unique"]
    assert tariff.rates["tech_extra_user"].amount == 180


@pytest.mark.parametrize("table", ["T9", "T10", "T11"])
def test_tech_option_tables(tariff: Tariff, extract: dict, table: str) -> None:
    rows = extract["tech_options"][table]["rows"]
    assert [r["category"].replace("Province", "Provinces") for r in rows] == list(CATS)
    for cat, r in zip(CATS, rows, strict=True):
        assert cell_value(tariff, table, cat, "annual") == r["annual"]
        assert cell_value(tariff, table, cat, "one_time") == r["setup"]


def test_codes_barres_reading_r3(tariff: Tariff, extract: dict) -> None:
    """Per reader: 195/819 (Cat 1) x readers; per client (unlimited): 1043/5264 flat."""
    r3 = extract["tech_option_codes_barres"]["recommended_reading_R3"]
    reader = tariff.products["atal-cb-lecteur"]
    client = tariff.products["atal-cb-client"]
    reader_table = reader.components[0].params["table"]
    client_table = client.components[0].params["table"]
    for cat, r in zip(CATS, r3["par_lecteur_per_reader"], strict=True):
        assert cell_value(tariff, reader_table, cat, "annual") == r["annual"]
        assert cell_value(tariff, reader_table, cat, "one_time") == r["setup"]
    for cat, r in zip(CATS, r3["par_client_illimite"], strict=True):
        assert cell_value(tariff, client_table, cat, "annual") == r["annual"]
        assert cell_value(tariff, client_table, cat, "one_time") == r["setup"]
    assert all(c.params.get("quantity") == "readers" for c in reader.components)
    assert not any("quantity" in c.params for c in client.components)
    assert reader.parameter("readers") is not None and reader.parameter("readers").required
    assert reader.to_confirm and client.to_confirm


def test_daily_rates_storage_and_services(tariff: Tariff, extract: dict) -> None:
    names = {r.name: r for r in tariff.rates.values()}
    for ref in extract["daily_rates"]:
        rate = names[ref["name"]]
        assert rate.amount == ref["eur_per_day"]
        assert rate.source == ref["source"]
        # each day rate is a quotable service: days x that rate
        service = next(
            p
            for p in tariff.products.values()
            if p.components
            and p.components[0].params.get("rate") == rate.code
            and p.kind == "service"
        )
        assert service.components[0].kind == "days_x_rate"
        assert service.parameter("days") is not None
    assert len(extract["daily_rates"]) == 8
    assert tariff.rates["storage_tier"].amount == extract["storage"]["eur_per_20GB_tier"]
    storage = tariff.products["stockage"].components[0]
    assert (storage.kind, storage.params) == (
        "per_block",
        {"quantity": "gb", "block": "20", "rate": "storage_tier"},
    )


def test_every_seed_price_row_cites_a_line_holding_its_amounts(
    tariff: Tariff, seed_lines: list[str]
) -> None:
    checked = 0
    for code, table in tariff.tables.items():
        for key, row in table.rows.items():
            if all(c.state is PriceState.NOT_OFFERED for c in row.cells.values()):
                continue
            line = cited_line(row.source, seed_lines)
            label = "Province" if key == "Provinces" else key
            assert line.startswith(label), (code, key, row.source, line)
            for column, cell in row.cells.items():
                if cell.state is PriceState.PRICED:
                    assert cell.amount is not None
                    written = as_written(cell.amount)
                    if column in ("setup_days", "users_included"):
                        assert re.search(rf"(?<![\d\u202f]){written}(?![\d\u202f])", line), (
                            code,
                            key,
                            column,
                            line,
                        )
                    else:
                        assert f"{written}  €" in line, (code, key, column, line)
                elif cell.state is PriceState.SUR_DEVIS:
                    assert "Sur devis" in line, (code, key, line)
            checked += 1
    # 18 tables (T12 holds two: per reader, per client) x 8 categories, less the 6 missing rows
    assert checked == 18 * 8 - 6


def test_missing_rows_are_really_absent_from_the_source(
    tariff: Tariff, seed_lines: list[str]
) -> None:
    """A "non proposé" row cites its table's line range, in which no such row exists."""
    missing = []
    for code, table in tariff.tables.items():
        for key, row in table.rows.items():
            if all(c.state is PriceState.NOT_OFFERED for c in row.cells.values()):
                m = re.match(r"000:L(\d+)-L(\d+)", row.source)
                assert m, row.source
                block = seed_lines[int(m.group(1)) - 1 : int(m.group(2))]
                assert not any(line.startswith("Province") for line in block), (code, key)
                missing.append((code, key))
    assert missing == [
        ("T3", "Provinces"),
        ("T6", "Provinces"),
        ("T7", "Provinces"),
        ("T14", "Provinces"),
        ("T15", "Provinces"),
        ("T17", "Provinces"),
    ]


def test_sur_devis_cells_are_the_25_of_the_grid(tariff: Tariff) -> None:
    cells = [
        (code, key, col)
        for code, t in tariff.tables.items()
        for key, row in t.rows.items()
        for col, c in row.cells.items()
        if c.state is PriceState.SUR_DEVIS
    ]
    assert len(cells) == 25
    assert ("T17", "Cat 6", "one_time") in cells and ("T17", "Cat 6", "annual") not in cells


def test_rates_bands_and_thresholds_cite_lines_with_their_figures(
    tariff: Tariff, seed_lines: list[str]
) -> None:
    for rate in tariff.rates.values():
        assert as_written(rate.amount) in cited_line(rate.source, seed_lines), rate
    for band in tariff.bands["aes_schools"].bands:
        line = cited_line(band.source, seed_lines)
        days = f"{band.values['setup_days']} {band.values['support_days']}"
        assert days in line, (band, line)
    for scale in tariff.categories.scales.values():
        for t in scale.thresholds:
            line = cited_line(t.source, seed_lines)
            assert line.startswith(t.category)
            if t.high is not None:
                assert f"{t.high:,}".replace(",", ".") in line, (scale.code, t, line)


# --------------------------------------------------------------------------- invariants


def test_every_setup_is_days_times_906_plus_contribution(tariff: Tariff) -> None:
    day = tariff.rates[tariff.meta["day_rate"]].amount
    assert day == 906
    checked = 0
    for table in tariff.tables.values():
        if "setup_days" not in table.columns:
            continue
        for row in table.rows.values():
            setup, days = row.cells["one_time"], row.cells["setup_days"]
            if setup.amount is None:
                assert days.amount is None
                continue
            assert days.amount is not None
            contribution = row.cells.get("contribution")
            extra = contribution.amount if contribution and contribution.amount else D(0)
            assert setup.amount == days.amount * day + extra
            checked += 1
    # 11 tables with days x 8 rows, less 9 "sur devis" rows and 4 missing rows
    assert checked == 75


def test_every_table_has_every_category(tariff: Tariff) -> None:
    for table in tariff.tables.values():
        assert tuple(table.rows) == CATS, table.code
        for row in table.rows.values():
            assert set(row.cells) == set(table.columns)


def test_category_thresholds_2024(tariff: Tariff) -> None:
    rules = tariff.categories
    assert rules.categories == CATS
    commune = rules.scales["communes_cpas"]
    assert [(t.category, t.low, t.high) for t in commune.thresholds] == [
        ("Cat 1", 0, 5000),
        ("Cat 2", 5001, 10000),
        ("Cat 3", 10001, 15000),
        ("Cat 4", 15001, 20000),
        ("Cat 5", 20001, 40000),
        ("Cat 6", 40001, 100000),
        ("Cat 7", 100001, None),
    ]
    rescue = rules.scales["zones_de_secours"]
    assert [(t.category, t.low, t.high) for t in rescue.thresholds] == [
        ("Cat 3", 0, 100000),
        ("Cat 4", 100001, 400000),
        ("Cat 5", 400001, None),
    ]
    agents = rules.scales["agents"]
    assert [(t.low, t.high) for t in agents.thresholds] == [
        (0, 25),
        (26, 50),
        (51, 75),
        (76, 100),
        (101, None),
    ]
    assert rules.rule_for(MemberKind.ZONE_DE_POLICE).method is Method.LARGEST_COMMUNE
    assert rules.rule_for(MemberKind.CPAS).method is Method.COMMUNE_POPULATION
    assert rules.rule_for(MemberKind.PROVINCE).fixed_category == "Provinces"
    assert rules.rule_for(MemberKind.AUTRE).method is Method.MANUAL


def test_approval_dates_and_terms(tariff: Tariff, extract: dict) -> None:
    approval = extract["approval"]
    assert tariff.meta["approval_ca"] == approval["conseil_administration"] == "2023-10-10"
    assert tariff.meta["approval_ag"] == approval["assemblee_generale"] == "2023-12-12"
    assert tariff.tax_label == "HTVA" and tariff.locale == "fr_BE" and tariff.year == 2024
    codes = {t.code: t for t in tariff.terms}
    for needed in (
        "approbation",
        "remarque-1",
        "remarque-3-4",
        "remarque-5",
        "remarque-6",
        "remarque-7",
        "sur-devis",
    ):
        assert needed in codes
    assert "10/10/2023" in codes["approbation"].text and "12/12/2023" in codes["approbation"].text
    assert "trente jours" in codes["remarque-7"].text and "1,5 %" in codes["remarque-7"].text
    assert "n’est pas applicable aux montants dus à iMio" in codes["remarque-5"].text
    assert codes["remarque-6"].when == "cpas-libre"
    assert codes["sur-devis"].when == "partial"
    assert "IPC" in codes["remarque-3-4"].text


def test_remark_texts_follow_the_source(tariff: Tariff, seed_lines: list[str]) -> None:
    """Each printed remark repeats the words of its source lines (spacing and quotes aside)."""

    def words(text: str) -> list[str]:
        return re.findall(r"\w+", fold(text.replace("IMIO", "iMio")))

    for term in tariff.terms:
        if not term.code.startswith("remarque-"):
            continue
        m = re.match(r"000:L(\d+)-L(\d+)", term.source)
        assert m
        source = " ".join(seed_lines[int(m.group(1)) - 1 : int(m.group(2))])
        source_words = " ".join(words(source))
        common = [w for w in words(term.text) if w in source_words]
        assert len(common) / len(words(term.text)) > 0.9, term.code


def test_cpas_discount_and_libre_flags(tariff: Tariff) -> None:
    (discount,) = tariff.discounts
    assert discount.member_kinds == ("cpas",)
    assert discount.pct == 50 and discount.bucket.value == "annual"
    assert discount.condition == "commune_has_in_production" and discount.flag == "libre"
    libre = {c for c, p in tariff.products.items() if p.libre}
    assert libre == {
        "delib",
        "docs",
        "urban",
        "smartweb",
        "teleservices",
        "citizen",
        "aes",
        "vision",
        "intranet",
        "ideabox",
        "bibliotheca",
    }
    for code in (
        "tech",
        "gpec",
        "atal-mobile",
        "connecteur-grc",
        "opendata",
        "atal-cb-lecteur",
        "atal-cb-client",
    ):
        assert not tariff.products[code].libre


def test_table_to_product_mapping(tariff: Tariff) -> None:
    def table_of(code: str) -> str:
        return next(
            c.params["table"] for c in tariff.products[code].components if "table" in c.params
        )

    expected = {
        "delib": "T1",
        "docs": "T2",
        "urban": "T3",
        "intranet": "T4",
        "vision": "T5",
        "aes": "T6",
        "gpec": "T7",
        "tech": "T8",
        "atal-mobile": "T9",
        "connecteur-grc": "T10",
        "opendata": "T11",
        "smartweb": "T13",
        "bibliotheca": "T14",
        "ideabox": "T15",
        "teleservices": "T16",
        "citizen": "T17",
    }
    assert {code: table_of(code) for code in expected} == expected
    for code in ("intranet", "vision", "bibliotheca", "ideabox"):
        assert tariff.products[code].to_confirm, code


def test_names_aliases_and_former_names(tariff: Tariff) -> None:
    for typed, code in [
        ("iA.PST", "vision"),
        ("iA-Web", "smartweb"),
        ("iA.Quaive", "intranet"),
        ("Atal", "tech"),
        ("Plonemeeting", "delib"),
        ("delib", "delib"),
        ("iA.Délib", "delib"),
        ("DELIB", "delib"),
        ("Téléservices", "teleservices"),
        ("idéabox", "ideabox"),
        ("deliberations.be", "deliberations-be"),
        ("Citizen", "citizen"),
        ("aes", "aes"),
        ("Conseil", "at-conseil-strategie"),
        ("stockage", "stockage"),
    ]:
        assert tariff.resolve_product(typed).code == code, typed


def test_options_parents_and_constraints(tariff: Tariff) -> None:
    for option in (
        "atal-mobile",
        "connecteur-grc",
        "opendata",
        "atal-cb-lecteur",
        "atal-cb-client",
    ):
        assert tariff.products[option].parent == "tech"
    assert tariff.products["deliberations-be"].parent == "delib"
    requires = {(c.product, c.other) for c in tariff.constraints if c.kind == "requires"}
    for p in tariff.products.values():
        if p.parent:
            assert (p.code, p.parent) in requires
    excludes = {(c.product, c.other) for c in tariff.constraints if c.kind == "excludes"}
    assert {("citizen", "smartweb"), ("citizen", "teleservices")} <= excludes
    assert ("stockage", "*") in requires


def test_special_products(tariff: Tariff) -> None:
    delib_be = tariff.products["deliberations-be"]
    days = delib_be.parameter("days")
    assert days is not None and (days.minimum, days.maximum) == (1, 3)
    assert delib_be.components[0].kind == "days_x_rate"
    assert delib_be.components[0].params["rate"] == "prestations_produits"
    townstreet = tariff.products["townstreet"]
    assert [c.kind for c in townstreet.components] == ["sur_devis"]
    gpec = tariff.products["gpec"]
    assert [(c.kind, c.bucket.value if c.bucket else None) for c in gpec.components] == [
        ("matrix", "annual"),
        ("sur_devis", "one_time"),
    ]
    aes = tariff.products["aes"]
    assert [c.kind for c in aes.components] == ["base_plus_rate", "band_days", "band_days"]
    assert aes.components[2].params["sur_devis_if"] == "plans>3"
    schools = aes.parameter("schools")
    assert schools is not None and schools.minimum == 1 and schools.required
    tech = tariff.products["tech"]
    extra = [c for c in tech.components if c.kind == "sur_devis_if"]
    assert extra and extra[0].params["condition"] == "users>0"
    assert "180 €" in extra[0].params["note"]


def test_every_row_of_every_file_carries_its_source() -> None:
    import csv

    for path in sorted((DB / "tariffs" / "imio-2024").glob("*.csv")):
        lines = [
            line
            for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
            if line.strip() and not line.startswith("#")
        ]
        for row in csv.DictReader(lines):
            assert row["source"].strip(), (path.name, row)


def test_every_parameter_has_a_maximum_that_prices_in_every_category(tariff: Tariff) -> None:
    """Each quantity a user types is bounded by the data (schools, plans, users, readers, GB,
    days), and its largest value still prices without error for every category."""
    from desktop.core.categories import CategoryDecision
    from desktop.core.pricing import build_quote, parse_params
    from desktop.core.quote import LineRequest, QuoteRequest

    for product in tariff.products.values():
        for p in product.parameters:
            assert p.maximum is not None, f"{product.code}:{p.key} sans maximum"
            assert p.maximum <= 100_000, f"{product.code}:{p.key}"
        if not product.parameters:
            continue
        top = parse_params(product, {p.key: str(p.maximum) for p in product.parameters})
        for cat in CATS:
            decision = CategoryDecision(cat, cat, ())
            req = QuoteRequest(tariff.code, (LineRequest(product.code, top),))
            quote = build_quote(tariff, req, None, decision, kind=MemberKind.COMMUNE)
            assert quote.lines[0].product == product.code
