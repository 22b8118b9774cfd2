"""Search-as-you-type over the member directory: what a user types finds what they mean."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from desktop.core.members import Member, MemberKind
from desktop.ui.member_index import MemberIndex, normalize

MEMBERS = [
    Member(id="commune:25072", kind=MemberKind.COMMUNE, name="Nivelles", nis="25072", postcodes=("1400",)),
    Member(id="cpas:25072", kind=MemberKind.CPAS, name="Nivelles", nis="25072", commune_id="commune:25072"),
    Member(id="commune:25014", kind=MemberKind.COMMUNE, name="Braine-l'Alleud", nis="25014",
           postcodes=("1420", "1421")),
    Member(id="zp:5267", kind=MemberKind.ZONE_DE_POLICE, name="Nivelles/Genappe", zone_number="5267"),
    Member(id="commune:57081", kind=MemberKind.COMMUNE, name="Tournai", nis="57081", postcodes=("7500",)),
    Member(id="commune:62063", kind=MemberKind.COMMUNE, name="Liège", nis="62063", postcodes=("4000",)),
]


def names(results):
    return [m.display_name for m in results]


def test_accents_and_case_are_ignored():
    ix = MemberIndex(MEMBERS)
    assert names(ix.search("LIEGE")) == ["Liège"]
    assert names(ix.search("liè")) == ["Liège"]


def test_commune_comes_before_its_cpas_and_zone():
    ix = MemberIndex(MEMBERS)
    assert names(ix.search("niv")) == ["Nivelles", "CPAS de Nivelles", "ZP 5267 Nivelles/Genappe"]


def test_codes_find_members():
    ix = MemberIndex(MEMBERS)
    assert names(ix.search("1421")) == ["Braine-l'Alleud"]
    assert names(ix.search("5267")) == ["ZP 5267 Nivelles/Genappe"]
    assert names(ix.search("57081")) == ["Tournai"]
    assert names(ix.search("25072"))[:2] == ["Nivelles", "CPAS de Nivelles"]


def test_every_word_must_match_and_punctuation_is_ignored():
    ix = MemberIndex(MEMBERS)
    assert names(ix.search("cpas niv")) == ["CPAS de Nivelles"]
    assert names(ix.search("braine l alleud")) == ["Braine-l'Alleud"]
    assert ix.search("nivelles tournai") == []


def test_with_member_replaces_without_touching_the_old_snapshot():
    ix = MemberIndex(MEMBERS)
    renamed = Member(id="commune:57081", kind=MemberKind.COMMUNE, name="Doornik", nis="57081")
    new = ix.with_member(renamed)
    assert names(new.search("doornik")) == ["Doornik"]
    assert names(ix.search("doornik")) == []
    assert len(new) == len(ix)


@given(st.text(max_size=12))
def test_results_always_contain_every_typed_word(query):
    ix = MemberIndex(MEMBERS)
    for m in ix.search(query):
        hay = normalize(" ".join((m.display_name, m.kind.label, m.nis or "", m.zone_number or "", *m.postcodes)))
        assert all(t in hay for t in normalize(query).split())
