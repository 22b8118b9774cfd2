"""A broken seed file is refused with the exact file:line of each violation.

Each test edits one line of a copy of ``db/`` in a temporary folder, then loads it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.core.catalogue import PriceState
from desktop.core.errors import CatalogueError
from desktop.store.seed import parse_directory
from desktop.store.seed_files import SeedError, parse_params
from desktop.store.seed_tariff import parse_tariff_dir

ROOT = Path(__file__).resolve().parents[2]
TARIFF = "tariffs/imio-2024"


class SeedCopy:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        return self.root / name

    def edit(self, name: str, old: str, new: str) -> int:
        """Replace the one occurrence of ``old`` in ``name``; returns the line it is on."""
        path = self.path(name)
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
        line = text[: text.index(old)].count("\n") + 1
        path.write_text(text.replace(old, new), encoding="utf-8")
        return line

    def line_of(self, name: str, fragment: str) -> int:
        for i, line in enumerate(self.path(name).read_text(encoding="utf-8").splitlines(), 1):
            if fragment in line:
                return i
        raise AssertionError(f"{fragment!r} not in {name}")

    def loc(self, name: str, line: int) -> str:
        return f"{self.root.name}/{name}:{line}"

    def parse(self):
        return parse_tariff_dir(self.root / TARIFF, self.root)

    def directory(self):
        return parse_directory(self.root / "belgium", self.root)


@pytest.fixture
def seeds(tmp_path: Path) -> SeedCopy:
    root = tmp_path / "db"
    shutil.copytree(ROOT / "db", root)
    return SeedCopy(root)


def violations(load: Callable[[], object]) -> list[tuple[str, str]]:
    with pytest.raises(SeedError) as info:
        load()
    assert isinstance(info.value, CatalogueError)
    return info.value.violations


def only(load: Callable[[], object]) -> tuple[str, str]:
    found = violations(load)
    assert len(found) == 1, found
    return found[0]


P = f"{TARIFF}/price_tables.csv"
C = f"{TARIFF}/components.csv"
PR = f"{TARIFF}/products.csv"


def test_the_shipped_seed_data_is_valid(seeds: SeedCopy) -> None:
    parsed = seeds.parse()
    assert len(parsed.tariff.products) > 30
    assert len(seeds.directory()) == 261 + 261 + 71 + 14 + 5


def test_a_setup_that_is_not_days_times_906(seeds: SeedCopy) -> None:
    line = seeds.edit(P, "T1,Cat 3,5344,2718,3", "T1,Cat 3,5344,2719,3")
    where, why = only(seeds.parse)
    assert where == seeds.loc(P, line)
    assert "2719" in why and "3 jours × 906" in why and "= 2718" in why
    assert str(SeedError([(where, why)])).startswith(f"db/{P}:{line} : ")


def test_tech_setup_must_include_the_contribution(seeds: SeedCopy) -> None:
    line = seeds.edit(P, "T8,Cat 5,15024,31022,15,15,17432", "T8,Cat 5,15024,31022,15,15,17433")
    where, why = only(seeds.parse)
    assert where == seeds.loc(P, line)
    assert "contribution 17433" in why


def test_setup_priced_but_days_on_request(seeds: SeedCopy) -> None:
    line = seeds.edit(P, "T5,Cat 7,15000,27180,30", "T5,Cat 7,15000,27180,sur devis")
    assert only(seeds.parse)[0] == seeds.loc(P, line)


def test_a_negative_amount(seeds: SeedCopy) -> None:
    line = seeds.edit(P, "T2,Cat 1,3418,", "T2,Cat 1,-3418,")
    where, why = only(seeds.parse)
    assert (where, "négatif" in why) == (seeds.loc(P, line), True)


def test_a_word_that_is_not_an_amount(seeds: SeedCopy) -> None:
    line = seeds.edit(P, "T13,Cat 2,2388,", "T13,Cat 2,2 388,")
    where, why = only(seeds.parse)
    assert where == seeds.loc(P, line)
    assert "sur devis" in why and "non proposé" in why


def test_an_empty_cell_is_refused_never_read_as_zero(seeds: SeedCopy) -> None:
    line = seeds.edit(P, "T16,Cat 4,3113,4530,5", "T16,Cat 4,,4530,5")
    where, why = only(seeds.parse)
    assert where == seeds.loc(P, line) and "case vide" in why


def test_a_missing_row_names_the_table_line(seeds: SeedCopy) -> None:
    seeds.edit(
        P,
        "T3,Provinces,non proposé,non proposé,non proposé,,,,000:L168-L179 (pas de ligne Provinces)\n",
        "",
    )
    where, why = only(seeds.parse)
    assert where == seeds.loc(f"{TARIFF}/tables.csv", seeds.line_of(f"{TARIFF}/tables.csv", "T3,"))
    assert "pas de ligne « Provinces »" in why and "non proposé" in why


def test_a_duplicate_row(seeds: SeedCopy) -> None:
    first = seeds.line_of(P, "T1,Cat 1,")
    seeds.edit(P, "T1,Cat 2,4468", "T1,Cat 1,4468")
    found = violations(seeds.parse)
    assert (
        seeds.loc(P, first + 1),
        f"ligne « Cat 1 » en double dans T1 (déjà ligne {first})",
    ) in found


def test_a_value_in_a_column_the_table_does_not_have(seeds: SeedCopy) -> None:
    line = seeds.edit(P, "T9,Cat 1,696,2340,,", "T9,Cat 1,696,2340,3,")
    where, why = only(seeds.parse)
    assert where == seeds.loc(P, line) and "pas de colonne « setup_days »" in why


def test_an_unknown_category(seeds: SeedCopy) -> None:
    line = seeds.edit(P, "T10,Cat 4,", "T10,Cat 44,")
    found = violations(seeds.parse)
    assert found[0][0] == seeds.loc(P, line) and "Cat 44" in found[0][1]
    # and T10 now lacks its Cat 4 row
    assert any("pas de ligne « Cat 4 »" in why for _, why in found)


def test_an_unknown_product_in_components(seeds: SeedCopy) -> None:
    line = seeds.edit(C, "opendata,matrix,annual", "opendat,matrix,annual")
    found = violations(seeds.parse)
    assert (seeds.loc(C, line), "produit inconnu « opendat »") in found


def test_an_unknown_table_in_products(seeds: SeedCopy) -> None:
    line = seeds.line_of(PR, "intranet,iA.Intranet")
    seeds.edit(PR, "relation_citoyenne,product,,T13,", "relation_citoyenne,product,,T31,")
    found = violations(seeds.parse)
    smartweb = seeds.line_of(PR, "smartweb,")
    assert (seeds.loc(PR, smartweb), "tableau inconnu « T31 » (voir tables.csv)") in found
    assert line != smartweb


def test_an_unknown_rate(seeds: SeedCopy) -> None:
    line = seeds.edit(
        C,
        "deliberations-be,days_x_rate,one_time,rate=prestations_produits",
        "deliberations-be,days_x_rate,one_time,rate=prestation_produits",
    )
    where, why = only(seeds.parse)
    assert where == seeds.loc(C, line) and "prestation_produits" in why


def test_an_unknown_parameter(seeds: SeedCopy) -> None:
    line = seeds.edit(
        C,
        "base=aes_base; column=per_school; quantity=schools",
        "base=aes_base; column=per_school; quantity=ecoles",
    )
    where, why = only(seeds.parse)
    assert where == seeds.loc(C, line) and "ecoles" in why


def test_an_unknown_column_of_a_table(seeds: SeedCopy) -> None:
    line = seeds.edit(C, "gpec,matrix,annual,column=annual", "gpec,matrix,annual,column=one_time")
    where, why = only(seeds.parse)
    assert where == seeds.loc(C, line) and "T7 n'a pas de colonne « one_time »" in why


def test_an_unknown_component_kind_and_bucket(seeds: SeedCopy) -> None:
    kind_line = seeds.edit(C, "stockage,per_block,annual", "stockage,per_blok,annual")
    bucket_line = seeds.edit(C, "townstreet,sur_devis,,", "townstreet,sur_devis,yearly,")
    found = violations(seeds.parse)
    locations = [w for w, _ in found]
    assert seeds.loc(C, kind_line) in locations
    assert seeds.loc(C, bucket_line) in locations


def test_a_condition_on_an_unknown_parameter(seeds: SeedCopy) -> None:
    line = seeds.edit(C, "sur_devis_if=plans>3", "sur_devis_if=plan>3")
    where, why = only(seeds.parse)
    assert where == seeds.loc(C, line) and "« plan »" in why


def test_discountable_says_oui_or_non(seeds: SeedCopy) -> None:
    line = seeds.edit(C, "discountable=non", "discountable=peut-être")
    where, why = only(seeds.parse)
    assert where == seeds.loc(C, line) and "discountable=« peut-être » (attendu oui ou non)" in why


def test_a_product_without_any_price_rule(seeds: SeedCopy) -> None:
    seeds.edit(
        C,
        "townstreet,sur_devis,,note=Package Townstreet : suivant devis.,Package Townstreet,000:L359\n",
        "",
    )
    where, why = only(seeds.parse)
    assert where == seeds.loc(PR, seeds.line_of(PR, "townstreet,"))
    assert "aucun composant" in why


def test_a_duplicate_product(seeds: SeedCopy) -> None:
    line = seeds.edit(PR, "opendata,Opendata,", "atal-mobile,Opendata,")
    found = violations(seeds.parse)
    assert found[0][0] == seeds.loc(PR, line) and "en double" in found[0][1]


def test_an_option_needs_its_requires_rule(seeds: SeedCopy) -> None:
    k = f"{TARIFF}/constraints.csv"
    seeds.edit(
        k, "requires:opendata,requires,opendata,tech,", "requires:opendata,requires,opendata,delib,"
    )
    where, why = only(seeds.parse)
    assert where == seeds.loc(PR, seeds.line_of(PR, "opendata,"))
    assert "requires opendata -> tech" in why


def test_an_alias_cannot_be_another_products_name(seeds: SeedCopy) -> None:
    line = seeds.edit(PR, "Vision; PST", "Vision; PST; iA.Délib")
    where, why = only(seeds.parse)
    assert where == seeds.loc(PR, line) and "« delib »" in why


def test_a_gap_between_category_thresholds(seeds: SeedCopy) -> None:
    cats = f"{TARIFF}/categories.csv"
    line = seeds.edit(cats, "communes_cpas,Cat 2,5001,", "communes_cpas,Cat 2,5002,")
    where, why = only(seeds.parse)
    assert where == seeds.loc(cats, line) and "trou" in why and "attendu 5001" in why


def test_overlapping_bands(seeds: SeedCopy) -> None:
    bands = f"{TARIFF}/bands.csv"
    line = seeds.edit(bands, "aes_schools,7,15,", "aes_schools,6,15,")
    where, _ = only(seeds.parse)
    assert where == seeds.loc(bands, line)


def test_a_term_shown_on_an_unknown_condition(seeds: SeedCopy) -> None:
    terms = f"{TARIFF}/terms.csv"
    line = seeds.line_of(terms, "remarque-6")
    seeds.edit(terms, ",cpas-libre,000:L673-L674", ",cpas-gratuit,000:L673-L674")
    where, why = only(seeds.parse)
    assert where == seeds.loc(terms, line) and "cpas-gratuit" in why


def test_next_years_grid_with_last_years_approval_sentence(seeds: SeedCopy) -> None:
    """The grid copied for 2025, its year and approval dates changed in tariff.csv: the
    approval sentence of terms.csv still said 2024 and 2023's dates, and every 2025 offer
    printed « Tarification 2025. La tarification pour l'année 2024 a été approuvée… »."""
    meta, terms = f"{TARIFF}/tariff.csv", f"{TARIFF}/terms.csv"
    seeds.edit(meta, "year,2024,", "year,2025,")
    seeds.edit(meta, "approval_ca,2023-10-10,", "approval_ca,2024-10-08,")
    line = seeds.line_of(terms, "approbation,")
    where, why = only(seeds.parse)
    assert where == seeds.loc(terms, line)
    assert why.startswith("le texte d'approbation ne cite pas 2025, 08/10/2024 (année et dates")
    assert why.endswith("retirez cette ligne pour qu'il soit écrit d'après tariff.csv")
    seeds.edit(terms, "l’année 2024", "l’année 2025")
    seeds.edit(terms, "du 10/10/2023", "du 08/10/2024")
    assert seeds.parse().tariff.year == 2025


def test_a_row_with_too_many_values(seeds: SeedCopy) -> None:
    rates = f"{TARIFF}/rates.csv"
    line = seeds.edit(rates, "AT - Agent de support,557,", "AT - Agent de support,5,57,")
    (where, why), *consequences = violations(seeds.parse)
    assert where == seeds.loc(rates, line) and "guillemets" in why
    # the row is skipped, so the service that uses that rate is reported too
    assert [why for _, why in consequences] == [
        "rate=« at_agent_support » : taux inconnu (rates.csv), ni nombre, ni paramètre, "
        "ni case de tableau"
    ]


def test_a_missing_file(seeds: SeedCopy) -> None:
    seeds.path(f"{TARIFF}/rates.csv").unlink()
    found = violations(seeds.parse)
    assert (f"db/{TARIFF}/rates.csv", "fichier absent") in found


def test_every_violation_is_reported_at_once(seeds: SeedCopy) -> None:
    a = seeds.edit(P, "T1,Cat 3,5344,2718,3", "T1,Cat 3,5344,2719,3")
    b = seeds.edit(P, "T2,Cat 1,3418,", "T2,Cat 1,-3418,")
    found = violations(seeds.parse)
    # cell problems are found while reading, the setup rule afterwards
    assert [w for w, _ in found] == [seeds.loc(P, b), seeds.loc(P, a)]
    with pytest.raises(SeedError) as info:
        seeds.parse()
    message = str(info.value)
    assert message.startswith("2 erreurs dans les données de départ :")
    assert f"db/{P}:{a} : " in message and f"db/{P}:{b} : " in message


def test_comments_and_blank_lines_keep_line_numbers(seeds: SeedCopy) -> None:
    path = seeds.path(P)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        "# price rows of the 2024 grid\n\n" + text.replace("\nT2,", "\n# Docs\nT2,", 1),
        encoding="utf-8",
    )
    seeds.parse()  # still valid
    line = seeds.edit(P, "T2,Cat 4,5906,4530,5", "T2,Cat 4,5906,4531,5")
    assert only(seeds.parse)[0] == seeds.loc(P, line)


def test_a_grid_saved_by_excel_on_a_belgian_windows_reads_as_written(seeds: SeedCopy) -> None:
    """Excel on a Belgian or French Windows saves « CSV UTF-8 » with semicolons (the comma is
    the decimal sign there), CR LF and a byte-order mark: every line was « 2 valeurs pour 1
    colonnes », 172 errors for one file saved again, none saying why."""
    import csv
    import io

    before = seeds.parse()
    for path in sorted(seeds.path(TARIFF).glob("*.csv")):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
        path.write_bytes("\ufeff".encode() + out.getvalue().encode("utf-8"))
    assert seeds.parse() == before


# --------------------------------------------------------------------------- fixes by data only


def test_swapping_t4_and_t5_is_a_data_edit(seeds: SeedCopy) -> None:
    seeds.edit(
        PR,
        "intranet,iA.Intranet,gouvernance,product,,T4,",
        "intranet,iA.Intranet,gouvernance,product,,T5,",
    )
    seeds.edit(
        PR, "vision,iA.Vision,gouvernance,product,,T5,", "vision,iA.Vision,gouvernance,product,,T4,"
    )
    tariff = seeds.parse().tariff
    intranet = {c.params.get("table") for c in tariff.products["intranet"].components}
    vision = {c.params.get("table") for c in tariff.products["vision"].components}
    assert intranet == {"T5"} and vision == {"T4"}


def test_swapping_the_codes_barres_variants_and_columns_is_a_data_edit(seeds: SeedCopy) -> None:
    text = seeds.path(PR).read_text(encoding="utf-8")
    text = (
        text.replace(",option,tech,T12b,", ",option,tech,T12x,")
        .replace(",option,tech,T12a,", ",option,tech,T12b,")
        .replace(",option,tech,T12x,", ",option,tech,T12a,")
    )
    seeds.path(PR).write_text(text, encoding="utf-8")
    tariff = seeds.parse().tariff
    reader = tariff.products["atal-cb-lecteur"].components[0]
    assert reader.params["table"] == "T12a"
    assert tariff.tables["T12a"].cell("Cat 1", "annual").amount == 1043
    # reading R1: the first column of each variant is the setup
    comps = seeds.path(C).read_text(encoding="utf-8").splitlines()
    swapped = []
    for row in comps:
        if row.startswith("atal-cb-"):
            row = row.replace("column=annual", "column=@").replace(
                "column=one_time", "column=annual"
            )
            row = row.replace("column=@", "column=one_time")
        swapped.append(row)
    seeds.path(C).write_text("\n".join(swapped) + "\n", encoding="utf-8")
    tariff = seeds.parse().tariff
    annual = next(
        c
        for c in tariff.products["atal-cb-client"].components
        if c.bucket and c.bucket.value == "annual"
    )
    assert annual.params["column"] == "one_time"


def test_a_cell_can_be_set_to_sur_devis_or_non_propose(seeds: SeedCopy) -> None:
    seeds.edit(P, "T9,Cat 1,696,2340,", "T9,Cat 1,sur devis,Non proposé,")
    tariff = seeds.parse().tariff
    assert tariff.tables["T9"].cell("Cat 1", "annual").state is PriceState.SUR_DEVIS
    assert tariff.tables["T9"].cell("Cat 1", "one_time").state is PriceState.NOT_OFFERED


# --------------------------------------------------------------------------- directory


def test_directory_zone_population_must_add_up(seeds: SeedCopy) -> None:
    communes = "belgium/wallonie_communes_2025.csv"
    seeds.edit(
        communes,
        "Genappe,Genepiën,Nivelles,Brabant wallon,15",
        "Genappe,Genepiën,Nivelles,Brabant wallon,25",
    )
    found = violations(seeds.directory)
    police = "belgium/wallonie_zones_de_police_2025.csv"
    where = {w for w, _ in found}
    assert seeds.loc(police, seeds.line_of(police, "5267,")) in where
    assert seeds.loc("belgium/wallonie_provinces.csv", 2) in where


def test_directory_unknown_police_zone(seeds: SeedCopy) -> None:
    communes = "belgium/wallonie_communes_2025.csv"
    line = seeds.line_of(communes, "25072,")
    text = seeds.path(communes).read_text(encoding="utf-8").splitlines()
    text[line - 1] = text[line - 1].replace(",5267,", ",5999,")
    seeds.path(communes).write_text("\n".join(text) + "\n", encoding="utf-8")
    found = violations(seeds.directory)
    assert (
        seeds.loc(communes, line),
        "zone de police inconnue « 5999 » (voir wallonie_zones_de_police_2025.csv)",
    ) in found


def test_directory_duplicate_nis(seeds: SeedCopy) -> None:
    communes = "belgium/wallonie_communes_2025.csv"
    line = seeds.line_of(communes, "25014,")
    text = seeds.path(communes).read_text(encoding="utf-8").splitlines()
    text[line - 1] = text[line - 1].replace("25014,25014,", "25005,25014,")
    seeds.path(communes).write_text("\n".join(text) + "\n", encoding="utf-8")
    found = violations(seeds.directory)
    assert any(w == seeds.loc(communes, line) and "en double" in why for w, why in found)


MERGERS = "belgium/wallonie_fusions_2025.csv"


def test_directory_a_former_code_the_merged_commune_never_had(seeds: SeedCopy) -> None:
    line = seeds.edit(MERGERS, "82039,82005,Bertogne", "82039,82006,Bertogne")
    found = violations(seeds.directory)
    communes = "belgium/wallonie_communes_2025.csv"
    assert (
        seeds.loc(MERGERS, line),
        "82006 n'est pas un code de Bastogne avant la fusion (82003+82005 d'après "
        f"wallonie_communes_2025.csv:{seeds.line_of(communes, '82039,')})",
    ) in found
    # and Bertogne's code, left out, is said where the commune lists it
    assert (
        seeds.loc(communes, seeds.line_of(communes, "82039,")),
        "Bastogne est née de la fusion de 82003+82005 : 82005 absent(s) de wallonie_fusions_2025.csv",
    ) in found


def test_directory_a_former_commune_without_its_name_or_date(seeds: SeedCopy) -> None:
    line = seeds.edit(MERGERS, "82039,82005,Bertogne,2025-01-01", "82039,82005,,2025-13-01")
    found = violations(seeds.directory)
    assert (seeds.loc(MERGERS, line), "nom de l'ancienne commune manquant") in found
    assert (seeds.loc(MERGERS, line), "date de fusion invalide « 2025-13-01 » (AAAA-MM-JJ)") in found


def test_directory_a_former_commune_of_an_unknown_commune(seeds: SeedCopy) -> None:
    line = seeds.edit(MERGERS, "82039,82005,Bertogne", "82099,82005,Bertogne")
    found = violations(seeds.directory)
    assert (
        seeds.loc(MERGERS, line),
        "commune 82099 inconnue (voir wallonie_communes_2025.csv)",
    ) in found


# --------------------------------------------------------------------------- params syntax


def test_params_syntax() -> None:
    assert parse_params("table=T1; column=annual") == ({"table": "T1", "column": "annual"}, [])
    params, problems = parse_params("note=a; b; c=1")
    assert params == {"note": "a; b", "c": "1"} and problems == []
    assert parse_params("a=1; a=2")[1] == ["paramètre « a » donné deux fois"]
    assert parse_params("garbage")[1]


def test_a_band_without_one_of_its_values(seeds: SeedCopy) -> None:
    bands = f"{TARIFF}/bands.csv"
    line = seeds.edit(bands, "aes_schools,7,15,6,3,", "aes_schools,7,15,,3,")
    assert only(seeds.parse) == (seeds.loc(bands, line), "tranche sans valeur pour : setup_days")


def test_an_amount_beyond_ten_million_is_refused(seeds: SeedCopy) -> None:
    line = seeds.edit(P, "T7,Cat 1,3402,", "T7,Cat 1,34020000,")
    where, why = only(seeds.parse)
    assert where == seeds.loc(P, line) and "maximum" in why


def test_an_amount_finer_than_a_cent_is_refused(seeds: SeedCopy) -> None:
    rates = f"{TARIFF}/rates.csv"
    line = seeds.edit(rates, "AT - Agent de support,557,", "AT - Agent de support,557.125,")
    where, why = violations(seeds.parse)[0]  # then: its product names an unknown rate
    assert where == seeds.loc(rates, line) and "2 décimales" in why
