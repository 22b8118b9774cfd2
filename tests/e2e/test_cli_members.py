"""``comptoir members search|show`` in a real process, on a private seeded database."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.e2e

ENGLISH = ("usage:", "error:", "invalid", "required", "Traceback")


def test_search_accents_and_case(db_path, run_comptoir) -> None:
    result = run_comptoir("members", "search", "liege")
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()[:2]
    assert first.startswith("Liège | Commune | NIS 62063")
    assert "197\u202f217 habitants (Statbel, 01/01/2020)" in first
    assert second.startswith("CPAS de Liège | CPAS")


def test_search_json(db_path, run_comptoir) -> None:
    result = run_comptoir("members", "search", "1400", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [m["id"] for m in data] == ["commune:25072", "cpas:25072", "zp:5267"]
    nivelles = data[0]
    assert nivelles["size"] == {"value": 28883, "as_of": "2020-01-01", "source": "Statbel"}
    assert nivelles["postcodes"] == ["1400", "1401", "1402", "1404"]
    assert data[1]["commune_id"] == "commune:25072"


def test_search_zone_number_kind_and_limit(db_path, run_comptoir) -> None:
    zone = json.loads(run_comptoir("members", "search", "5267", "--json").stdout)
    assert [m["display_name"] for m in zone] == ["ZP 5267 Nivelles/Genappe"]
    cpas = json.loads(
        run_comptoir(
            "members", "search", "braine", "--kind", "cpas", "--limit", "2", "--json"
        ).stdout
    )
    assert [m["kind"] for m in cpas] == ["cpas", "cpas"]


def test_a_slip_lists_the_closest_members_for_a_reader_and_none_for_a_script(db_path, run_comptoir) -> None:
    lines = run_comptoir("members", "search", "Charleroy").stdout.splitlines()
    assert lines[0] == "Aucun membre ne s'écrit « Charleroy » ; les plus proches :"
    assert lines[1].startswith("Charleroi | Commune")
    assert json.loads(run_comptoir("members", "search", "Charleroy", "--json").stdout) == []
    # spelled as written: no such line
    assert run_comptoir("members", "search", "Charleroi").stdout.startswith("Charleroi | Commune")


def test_search_nothing(db_path, run_comptoir) -> None:
    result = run_comptoir("members", "search", "xyzzy")
    assert result.returncode == 0
    assert result.stdout.strip() == "Aucun membre ne correspond à « xyzzy »."
    assert json.loads(run_comptoir("members", "search", "xyzzy", "--json").stdout) == []


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("members", "search", "liege", "--kind", "mairie"), "Type de membre inconnu : « mairie »"),
        (("members", "search", "liege", "--limit", "0"), "--limit"),
        (("members", "search", "liege", "--limit", "dix"), "un nombre entier est attendu"),
        (("members", "search"), "arguments obligatoires manquants"),
        (("members", "show", "brabant"), "désigne plusieurs membres"),
        # no « filtrez par type »: --kind does not go with a member query
        (("category", "--member", "gen"), "précisez le nom complet (« CPAS de Nivelles », « ZP 5267 »)"),
        (("members", "show", "xyzzy"), "Aucun membre ne correspond"),
    ],
)
def test_bad_input_is_refused_in_french(db_path, run_comptoir, args, fragment) -> None:
    result = run_comptoir(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "comptoir : erreur : " in result.stderr and fragment in result.stderr
    for english in ENGLISH:
        assert english not in result.stderr


def test_show(db_path, run_comptoir) -> None:
    result = run_comptoir("members", "show", "25072")
    assert result.returncode == 0, result.stderr
    assert (
        "Nivelles" in result.stdout and "Nijvel" in result.stdout and "28\u202f883" in result.stdout
    )
    zone = json.loads(run_comptoir("members", "show", "5267", "--json").stdout)
    assert zone["commune_ids"] == ["commune:25031", "commune:25072"]
    text = run_comptoir("members", "show", "zp:5267").stdout
    assert "Communes (2)" in text and "Genappe, Nivelles" in text


def test_a_former_commune_finds_the_commune_it_merged_into_and_says_so(db_path, run_comptoir) -> None:
    lines = run_comptoir("members", "search", "Bertogne").stdout.splitlines()
    assert lines[0].startswith("Bastogne — anciennement Bertogne | Commune | NIS 82039 |")
    assert lines[1].startswith("CPAS de Bastogne — anciennement Bertogne | CPAS |")
    assert lines[2].startswith("ZP 5301 Centre Ardenne — Bastogne, anciennement Bertogne | Zone de police |")
    found = json.loads(run_comptoir("members", "search", "82005", "--json").stdout)
    assert [(m["id"], m["former_match"]) for m in found] == [
        ("commune:82039", "ancien code NIS 82005 (Bertogne)"),
        ("cpas:82039", "ancien code NIS 82005 (Bertogne)"),
    ]
    assert found[0]["former_communes"] == [
        {"nis": "82003", "name": "Bastogne", "merged_on": "2025-01-01"},
        {"nis": "82005", "name": "Bertogne", "merged_on": "2025-01-01"},
    ]
    today = json.loads(run_comptoir("members", "search", "Bastogne", "--json").stdout)
    assert [m["former_match"] for m in today] == [None, None, None]


def test_show_a_merged_commune_under_its_former_code(db_path, run_comptoir) -> None:
    result = run_comptoir("members", "show", "82005")
    assert result.returncode == 0, result.stderr
    assert "Code NIS               82039" in result.stdout
    assert (
        "Fusion                 La commune de Bastogne est née le 01/01/2025 de la fusion des "
        "communes de Bastogne (NIS 82003) et de Bertogne (NIS 82005)."
    ) in result.stdout
    assert json.loads(run_comptoir("members", "show", "Bertogne", "--json").stdout)["id"] == "commune:82039"


def test_ambiguous_show_lists_candidates(db_path, run_comptoir) -> None:
    result = run_comptoir("members", "show", "brabant")
    assert "  - Province du Brabant wallon (province:brabant-wallon)" in result.stderr


def test_show_gives_the_category_and_its_reasoning_as_category_does(db_path, run_comptoir) -> None:
    """The card of « members show » carries the tariff category and its trace, as the window's
    card does, derived as « comptoir category --member » derives them."""
    card = json.loads(run_comptoir("members", "show", "5267", "--json").stdout)
    category = json.loads(run_comptoir("category", "--member", "5267", "--json").stdout)
    assert card["category"] == category["category"] == "Cat 5"
    assert card["trace"] == category["trace"] and "Nivelles" in card["trace"][0]
    assert card["commune_ids"] == ["commune:25031", "commune:25072"]  # the member's keys stay
    text = run_comptoir("members", "show", "5267").stdout
    assert "Catégorie de prix      Cat 5\n" in text
    assert f"Raisonnement           {category['trace'][0]}\n" in text
    assert f"                       {category['trace'][1]}\n" in text


def test_show_says_a_category_is_to_be_chosen(db_path, run_comptoir) -> None:
    from desktop.store.database import open_database
    from desktop.store.members_repo import MemberRepository

    db = open_database(db_path)
    try:
        MemberRepository(db).create("autre", "ASBL Les Amis du Théâtre")
    finally:
        db.close()
    card = json.loads(run_comptoir("members", "show", "Les Amis du Théâtre", "--json").stdout)
    assert card["category"] is None
    assert card["trace"] == [
        "Autre organisme ASBL Les Amis du Théâtre : pas de règle automatique, catégorie à choisir avec un motif"
    ]
    text = run_comptoir("members", "show", "Les Amis du Théâtre").stdout
    assert "Catégorie de prix      à choisir, avec un motif\n" in text
