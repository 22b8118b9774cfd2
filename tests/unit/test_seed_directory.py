"""The seeded member directory against the Belgian reference files it comes from."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from desktop.core.catalogue import fold
from desktop.core.categories import derive_category
from desktop.core.members import Member, MemberKind
from desktop.store.catalogue_repo import load_tariff
from desktop.store.database import open_database
from desktop.store.members_repo import MemberRepository

ROOT = Path(__file__).resolve().parents[2]
BELGIUM = ROOT / "db" / "belgium"
REFERENCE = ROOT.parent / "shared" / "reference" / "belgium"


def rows(name: str) -> list[dict[str, str]]:
    with (BELGIUM / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def members(seeded_db_path: Path) -> dict[str, Member]:
    db = open_database(seeded_db_path)
    try:
        return {m.id: m for m in MemberRepository(db).all()}
    finally:
        db.close()


def test_counts(members: dict[str, Member]) -> None:
    counts = Counter(m.kind for m in members.values())
    assert counts == {
        MemberKind.COMMUNE: 261,
        MemberKind.CPAS: 261,
        MemberKind.ZONE_DE_POLICE: 71,
        MemberKind.ZONE_DE_SECOURS: 14,
        MemberKind.PROVINCE: 5,
    }


def test_the_reference_files_are_copied_unchanged() -> None:
    if not REFERENCE.is_dir():
        pytest.skip(f"référence absente : {REFERENCE}")
    for source in REFERENCE.iterdir():
        assert (BELGIUM / source.name).read_bytes() == source.read_bytes(), source.name


def test_communes_carry_nis_names_postcodes_province_and_dated_population(
    members: dict[str, Member],
) -> None:
    for r in rows("wallonie_communes_2025.csv"):
        m = members[f"commune:{r['nis_2025']}"]
        assert m.name == r["name_fr"] and m.nis == r["nis_2025"]
        assert m.postcodes == tuple(r["postcodes"].split())
        assert m.province == r["province_fr"]
        assert m.reference_size is not None
        assert m.reference_size.value == int(r["population_2020_01_01"])
        assert m.reference_size.as_of == date(2020, 1, 1)
        assert m.reference_size.source == "Statbel"
        if r["name_nl"] != r["name_fr"]:
            assert m.other_names == (r["name_nl"],)


def test_one_cpas_per_commune_linked_to_it(members: dict[str, Member]) -> None:
    communes = {m.id for m in members.values() if m.kind is MemberKind.COMMUNE}
    cpas = [m for m in members.values() if m.kind is MemberKind.CPAS]
    assert sorted(c.commune_id for c in cpas) == sorted(communes)
    for c in cpas:
        commune = members[c.commune_id]
        assert c.name == commune.name and c.postcodes == commune.postcodes
        assert c.reference_size is None  # a CPAS is priced on its commune's population


def test_police_zones_link_the_communes_of_the_reference_file(members: dict[str, Member]) -> None:
    for r in rows("wallonie_zones_de_police_2025.csv"):
        zone = members[f"zp:{r['police_zone_nr']}"]
        assert zone.zone_number == r["police_zone_nr"]
        assert zone.name == r["police_zone_name"]
        names = sorted(fold(members[c].name) for c in zone.commune_ids)
        assert names == sorted(fold(x.strip()) for x in r["communes_fr"].split(";"))
        assert len(zone.commune_ids) == int(r["n_communes"])
        largest = max((members[c] for c in zone.commune_ids), key=lambda c: c.size.value)
        assert largest.nis == r["largest_commune_nis"]
        assert largest.size.value == int(r["largest_commune_population_2020"])
        assert zone.reference_size.value == int(r["population_2020_01_01"])
    every = [
        c for m in members.values() if m.kind is MemberKind.ZONE_DE_POLICE for c in m.commune_ids
    ]
    assert len(every) == len(set(every)) == 261  # each commune in exactly one police zone


def test_rescue_zones_with_their_population(members: dict[str, Member]) -> None:
    zones = [m for m in members.values() if m.kind is MemberKind.ZONE_DE_SECOURS]
    by_population = {m.reference_size.value: m for m in zones}
    for r in rows("wallonie_zones_de_secours.csv"):
        zone = by_population[int(r["population_2020_01_01"])]
        assert len(zone.commune_ids) == int(r["n_communes"])
        assert zone.province == r["province_fr"]
        assert r["rescue_zone"].removeprefix("ZS ") == zone.name
    assert members["zs:brabant-wallon"].display_name == "Zone de secours Brabant wallon"
    every = [c for m in zones for c in m.commune_ids]
    assert len(every) == len(set(every)) == 261


def test_provinces(members: dict[str, Member]) -> None:
    provinces = {m.name: m for m in members.values() if m.kind is MemberKind.PROVINCE}
    for r in rows("wallonie_provinces.csv"):
        assert provinces[r["province_fr"]].reference_size.value == int(r["population_2020_01_01"])
    assert members["province:liege"].display_name == "Province de Liège"
    assert members["province:brabant-wallon"].display_name == "Province du Brabant wallon"


def test_categories_on_the_real_directory(seeded_db_path: Path) -> None:
    db = open_database(seeded_db_path)
    try:
        repo = MemberRepository(db)
        rules = load_tariff(db).categories
        zone = derive_category(repo.get("zp:5267"), rules, repo.lookup)
        assert zone.category == "Cat 5" and zone.deciding_member == "commune:25072"
        assert zone.trace[0] == (
            "Zone de police 5267 Nivelles/Genappe : commune la plus peuplée Nivelles, "
            "28\u202f883 habitants (Statbel, 01/01/2020) → catégorie 5"
        )
        cpas = derive_category(repo.get("cpas:25072"), rules, repo.lookup)
        assert cpas.category == "Cat 5" and cpas.trace[0].startswith("CPAS de Nivelles : ")
        assert derive_category(repo.get("commune:62063"), rules, repo.lookup).category == "Cat 7"
        assert (
            derive_category(repo.get("province:namur"), rules, repo.lookup).category == "Provinces"
        )
        assert (
            derive_category(repo.get("zs:brabant-wallon"), rules, repo.lookup).category == "Cat 5"
        )
        decided = [derive_category(m, rules, repo.lookup) for m in repo.all()]
        assert all(d.category for d in decided)
    finally:
        db.close()


def test_the_merged_commune_carries_its_former_communes(members: dict[str, Member]) -> None:
    """Bastogne (82039) was formed on 1 January 2025 from Bastogne (82003) and Bertogne
    (82005): the only Walloon merger of 2025, the only commune with former communes."""
    bastogne = members["commune:82039"]
    assert [(f.nis, f.name, f.merged_on) for f in bastogne.former_communes] == [
        ("82003", "Bastogne", date(2025, 1, 1)),
        ("82005", "Bertogne", date(2025, 1, 1)),
    ]
    merged = {r["nis_2025"] for r in rows("wallonie_communes_2025.csv") if "+" in r["nis_2019_2024"]}
    assert merged == {"82039"}
    assert [m.id for m in members.values() if m.former_communes] == ["commune:82039"]
