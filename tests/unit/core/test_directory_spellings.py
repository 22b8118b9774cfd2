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
