"""A commune formed by a merger is found under the names and NIS codes of the communes it was
formed from, as old files and head office's old lists still write them, and the result says
why (« Bastogne — anciennement Bertogne ») so that the manager is not puzzled."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.core.directory import MemberIndex
from desktop.core.members import FormerCommune, Member, MemberKind, merger_text

MERGED = date(2025, 1, 1)
BASTOGNE = Member(
    id="commune:82039", kind=MemberKind.COMMUNE, name="Bastogne", nis="82039",
    postcodes=("6600", "6686", "6687", "6688"), other_names=("Bastenaken",),
    former_communes=(FormerCommune("82003", "Bastogne", MERGED), FormerCommune("82005", "Bertogne", MERGED)),
)
BASTOGNE_CPAS = Member(
    id="cpas:82039", kind=MemberKind.CPAS, name="Bastogne", commune_id=BASTOGNE.id,
    postcodes=BASTOGNE.postcodes, other_names=("Bastenaken",),
)
FAUVILLERS = Member(id="commune:82009", kind=MemberKind.COMMUNE, name="Fauvillers", nis="82009", postcodes=("6637",))
CENTRE_ARDENNE = Member(
    id="zp:5301", kind=MemberKind.ZONE_DE_POLICE, name="Centre Ardenne", zone_number="5301",
    commune_ids=(BASTOGNE.id, FAUVILLERS.id),
)
LUXEMBOURG = Member(
    id="zs:luxembourg", kind=MemberKind.ZONE_DE_SECOURS, name="Luxembourg",
    commune_ids=(BASTOGNE.id, FAUVILLERS.id),
)
INDEX = MemberIndex([BASTOGNE, FAUVILLERS, BASTOGNE_CPAS, CENTRE_ARDENNE, LUXEMBOURG])


def found(query: str) -> list[tuple[str, str]]:
    """(member, why) of each member found, as the results list shows them."""
    return [(m.id, INDEX.former_note(m, query)) for m in INDEX.search(query)]


@pytest.mark.parametrize("query", ["Bertogne", "bertogne", "BERTOGNE", "bertog", "Bertogne 6600"])
def test_the_former_name_finds_the_commune_its_cpas_and_its_police_zone(query: str) -> None:
    """Where « Bastogne » finds them (the rescue zone borrows no commune's name)."""
    assert found(query) == [
        ("commune:82039", "anciennement Bertogne"),
        ("cpas:82039", "anciennement Bertogne"),
        ("zp:5301", "Bastogne, anciennement Bertogne"),
    ]
    assert [m.id for m in INDEX.search("Bastogne")] == ["commune:82039", "cpas:82039", "zp:5301"]


def test_a_slip_in_the_former_name_finds_it_and_says_so() -> None:
    assert found("Bertonge")[0] == ("commune:82039", "anciennement Bertogne")


def test_the_former_nis_code_finds_the_commune_and_its_cpas() -> None:
    assert found("82005") == [
        ("commune:82039", "ancien code NIS 82005 (Bertogne)"),
        ("cpas:82039", "ancien code NIS 82005 (Bertogne)"),
    ]
    assert found("82003") == [
        ("commune:82039", "ancien code NIS 82003 (Bastogne)"),
        ("cpas:82039", "ancien code NIS 82003 (Bastogne)"),
    ]


@pytest.mark.parametrize("query", ["Bastogne", "bastgne", "82039", "6600", "Bastenaken", "zp 5301"])
def test_what_the_member_is_called_today_needs_no_explanation(query: str) -> None:
    hits = found(query)
    assert hits and all(why == "" for _, why in hits)


def test_the_commune_comes_first_for_its_former_name() -> None:
    """An exact former name ranks as an exact name: the commune before a body whose name
    starts with it, which comes before the CPAS and the zone that borrow it."""
    index = MemberIndex([*INDEX, Member(id="u:1", kind=MemberKind.AUTRE, name="Bertogne Jeunesse")])
    assert [m.id for m in index.search("bertogne")] == ["commune:82039", "u:1", "cpas:82039", "zp:5301"]


def test_the_former_name_and_code_resolve_to_the_commune() -> None:
    """``comptoir members show Bertogne``, ``quote --member 82005``: the commune of today."""
    assert INDEX.resolve("Bertogne").id == "commune:82039"
    assert INDEX.resolve("82005").id == "commune:82039"
    assert INDEX.resolve("82005", MemberKind.CPAS).id == "cpas:82039"
    assert INDEX.resolve("Bastogne").id == "commune:82039"


def test_a_new_member_does_not_take_the_former_name_from_the_commune() -> None:
    """Another body's name is not refused for a name no member has today."""
    assert INDEX.named("Bertogne") == []


def test_an_edit_of_the_commune_keeps_its_former_names_in_the_index() -> None:
    edited = MemberIndex(INDEX).with_member(BASTOGNE.with_override("Cat 5", "accord du comité"))
    assert [m.id for m in edited.search("bertogne")] == ["commune:82039", "cpas:82039", "zp:5301"]


def test_the_merger_in_french() -> None:
    assert merger_text(BASTOGNE, "01/01/2025") == (
        "La commune de Bastogne est née le 01/01/2025 de la fusion des communes de Bastogne "
        "(NIS 82003) et de Bertogne (NIS 82005)."
    )
    assert merger_text(FAUVILLERS, "01/01/2025") == ""
