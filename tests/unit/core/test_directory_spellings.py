"""The directory search reads what an account manager types, not only the official spelling."""

from __future__ import annotations

import pytest

from desktop.core.directory import MemberIndex
from desktop.core.members import Member, MemberKind

BRAINE = Member(
    id="commune:25014", kind=MemberKind.COMMUNE, name="Braine-l’Alleud", nis="25014",
    postcodes=("1420",), other_names=("Eigenbrakel",),
)
BRAINE_CPAS = Member(
    id="cpas:25014", kind=MemberKind.CPAS, name="Braine-l’Alleud", commune_id=BRAINE.id,
    postcodes=("1420",),
)
BRAINE_ZP = Member(
    id="zp:5273", kind=MemberKind.ZONE_DE_POLICE, name="Braine-l'Alleud", zone_number="5273",
    commune_ids=(BRAINE.id,),
)
ANDENNE_CPAS = Member(id="cpas:92003", kind=MemberKind.CPAS, name="Andenne", postcodes=("5300",))
INDEX = MemberIndex([BRAINE, BRAINE_CPAS, BRAINE_ZP, ANDENNE_CPAS])


def ids(query: str) -> list[str]:
    return [m.id for m in INDEX.search(query)]


@pytest.mark.parametrize("query", ["Braine lAlleud", "braine lalleud", "BRAINE-LALLEUD", "braine lall"])
def test_an_elided_article_typed_without_its_apostrophe(query: str) -> None:
    assert ids(query) == [BRAINE.id, BRAINE_CPAS.id, BRAINE_ZP.id]


def test_the_cpas_and_the_zone_without_the_apostrophe() -> None:
    assert ids("cpas braine lalleud") == [BRAINE_CPAS.id]
    assert ids("zp braine lalleud") == [BRAINE_ZP.id]
    assert ids("cpas dandenne") == [ANDENNE_CPAS.id]


@pytest.mark.parametrize("query", ["Braine-l'Alleud", "Braine lAlleud", "braine lalleud"])
def test_the_name_without_its_apostrophe_resolves_as_the_name_does(query: str) -> None:
    """``quote --member "braine lalleud"``: the commune, as « Braine-l'Alleud » gives it, not
    a choice between the commune and its CPAS, whose names are the same."""
    assert INDEX.resolve(query).id == BRAINE.id


NAMUR = Member(id="commune:92094", kind=MemberKind.COMMUNE, name="Namur", nis="92094", postcodes=("5000",))
NAMUR_CPAS = Member(id="cpas:92094", kind=MemberKind.CPAS, name="Namur", commune_id=NAMUR.id)
CHARLEROI = Member(id="commune:52011", kind=MemberKind.COMMUNE, name="Charleroi", nis="52011")
NIVELLES = Member(id="commune:25072", kind=MemberKind.COMMUNE, name="Nivelles", nis="25072")
NAMECHE = Member(id="u:1", kind=MemberKind.AUTRE, name="Cercle de Namêche")
TYPOS = MemberIndex([NAMUR, NAMUR_CPAS, CHARLEROI, NIVELLES, NAMECHE])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Namr", [NAMUR.id, NAMUR_CPAS.id]),  # a letter left out
        ("Nmaur", [NAMUR.id, NAMUR_CPAS.id]),  # two swapped
        ("Charleroy", [CHARLEROI.id]),  # one wrong
        ("charlerois", [CHARLEROI.id]),  # one too many
        ("Nivele", [NIVELLES.id]),  # while typing, a letter left out
        ("cpas namr", [NAMUR_CPAS.id]),
    ],
)
def test_a_slip_of_one_letter_still_finds_the_member(query: str, expected: list[str]) -> None:
    assert [m.id for m in TYPOS.search(query)] == expected


def test_the_names_as_typed_come_without_the_close_ones() -> None:
    assert [m.id for m in TYPOS.search("namur")] == [NAMUR.id, NAMUR_CPAS.id]
    assert [m.id for m in TYPOS.search("name")] == [NAMECHE.id]
    assert TYPOS.search("xyzzy") == []


def test_a_slip_is_not_resolved_to_a_member() -> None:
    from desktop.core.errors import NotFound

    with pytest.raises(NotFound):
        TYPOS.resolve("Charleroy")
