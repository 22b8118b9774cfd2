"""The member directory: search, resolve, user-created members, corrections and user data."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.categories import derive_category
from desktop.core.errors import Ambiguous, InvalidInput, NotFound
from desktop.core.members import (
    Headcount,
    InstalledProduct,
    InstallState,
    Member,
    MemberKind,
    Membership,
    MembershipStatus,
)
from desktop.store.catalogue_repo import load_tariff
from desktop.store.database import now_iso, open_database
from desktop.store.faults import UnreadableData
from desktop.store.members_repo import MemberRepository

TODAY = date(2026, 11, 22)


@pytest.fixture
def db(db_path: Path):
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def repo(db) -> MemberRepository:
    return MemberRepository(db)


@pytest.fixture(scope="module")
def directory(seeded_db_path: Path) -> MemberRepository:
    """A read-only repository over the seeded directory, shared by the search tests."""
    database = open_database(seeded_db_path)
    repository = MemberRepository(database)
    repository.all()
    yield repository
    database.close()


def names(found: list[Member]) -> list[str]:
    return [m.display_name for m in found]


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize(
    "query",
    [
        "liege", "Liège", "LIEGE", "  liège ", "Liege",
        "Lie\u0300ge",  # « e » then its accent, as some systems paste it
        "Li\u00adège", "Lie\u200bge\u200b",  # a soft hyphen, zero width spaces from a web page
    ],
)
def test_accents_and_case_do_not_matter(directory: MemberRepository, query: str) -> None:
    assert names(directory.search(query))[:2] == ["Liège", "CPAS de Liège"]


def test_a_name_saved_with_invisible_characters_is_found_by_what_it_shows() -> None:
    """A name pasted with a soft hyphen before such characters were taken out on saving (or
    imported from a laptop that kept them) is found by typing it."""
    from desktop.core.directory import MemberIndex

    pasted = Member(id="u:1", kind=MemberKind.AUTRE, name="Centre culturel de Li\u00adè\u200bge")
    assert names(MemberIndex([pasted]).search("centre culturel liege")) == [pasted.name]


def test_zone_number(directory: MemberRepository) -> None:
    assert names(directory.search("5267")) == ["ZP 5267 Nivelles/Genappe"]


def test_a_zone_number_that_is_also_a_postcode(directory: MemberRepository) -> None:
    """5300 is ZP Famenne-Ardenne and Andenne's postcode: the zone's own number ranks first."""
    assert names(directory.search("5300"))[:3] == [
        "ZP 5300 Famenne-Ardenne",
        "Andenne",
        "CPAS d’Andenne",
    ]
    assert directory.resolve("5300").id == "zp:5300"


def test_postcode_finds_the_commune_first(directory: MemberRepository) -> None:
    assert names(directory.search("1400")) == [
        "Nivelles",
        "CPAS de Nivelles",
        "ZP 5267 Nivelles/Genappe",
    ]


def test_nis_code(directory: MemberRepository) -> None:
    assert names(directory.search("25072")) == ["Nivelles", "CPAS de Nivelles"]


def test_other_official_names(directory: MemberRepository) -> None:
    assert directory.search("Nijvel")[0].id == "commune:25072"
    assert directory.search("Luik")[0].id == "commune:62063"


def test_punctuation_and_apostrophes(directory: MemberRepository) -> None:
    for query in ("braine-l'alleud", "Braine l’Alleud", "braine l alleud", "BRAINE L'ALL"):
        assert directory.search(query)[0].id == "commune:25014", query


def test_several_words_narrow_the_search(directory: MemberRepository) -> None:
    assert names(directory.search("cpas nivelles")) == ["CPAS de Nivelles"]
    assert names(directory.search("zp nivelles")) == ["ZP 5267 Nivelles/Genappe"]
    assert names(directory.search("zone secours brabant")) == ["Zone de secours Brabant wallon"]


def test_prefix_ranks_before_substring(directory: MemberRepository) -> None:
    found = names(directory.search("ans", limit=6))
    assert found[:3] == ["Ans", "CPAS d’Ans", "ZP 5284 Ans/Saint-Nicolas"]


def test_kind_filter_and_limit(directory: MemberRepository) -> None:
    assert names(directory.search("braine", kind=MemberKind.CPAS)) == [
        "CPAS de Braine-l’Alleud",
        "CPAS de Braine-le-Château",
        "CPAS de Braine-le-Comte",
    ]
    assert names(directory.search("braine", kind="commune", limit=1)) == ["Braine-l’Alleud"]
    assert len(directory.search("a", limit=7)) == 7
    with pytest.raises(InvalidInput):
        directory.search("x", kind="mairie")


def test_nothing_to_find(directory: MemberRepository) -> None:
    assert directory.search("") == [] and directory.search("  -- ") == []
    assert directory.search("xyzzy") == []


def test_every_commune_comes_before_its_cpas(directory: MemberRepository) -> None:
    for commune in (m for m in directory.all() if m.kind is MemberKind.COMMUNE):
        assert commune.nis is not None
        by_name = directory.search(commune.name, limit=50)
        assert by_name[0].kind is MemberKind.COMMUNE, commune.name
        ids = [m.id for m in by_name]
        assert ids.index(commune.id) < ids.index(f"cpas:{commune.nis}"), commune.name
        assert directory.search(commune.nis)[0].id == commune.id
        assert directory.resolve(commune.nis).id == commune.id
        first_postcode = directory.search(commune.postcodes[0], limit=50)
        ids = [m.id for m in first_postcode]
        assert ids.index(commune.id) < ids.index(f"cpas:{commune.nis}")


def test_every_zone_answers_to_its_number(directory: MemberRepository) -> None:
    for zone in (m for m in directory.all() if m.kind is MemberKind.ZONE_DE_POLICE):
        assert zone.zone_number
        assert directory.search(zone.zone_number)[0].id == zone.id
        assert directory.resolve(zone.zone_number).id == zone.id


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_member_is_found_by_its_name_typed_loosely(directory: MemberRepository, data) -> None:
    member = data.draw(st.sampled_from(directory.all()))
    name = member.display_name
    typed = "".join(c.upper() if data.draw(st.booleans()) else c.lower() for c in name)
    typed = typed.replace("é", "e").replace("è", "e").replace("-", " ").replace("’", "'")
    found = directory.search(typed, limit=50)
    assert member.id in [m.id for m in found]


# --------------------------------------------------------------------------- resolve


def test_resolve(directory: MemberRepository) -> None:
    assert directory.resolve("Nivelles").id == "commune:25072"
    assert directory.resolve("CPAS de Nivelles").id == "cpas:25072"
    assert directory.resolve("cpas d'ans").id == "cpas:62003"
    assert directory.resolve("liege").id == "commune:62063"
    assert directory.resolve("zp:5267").id == "zp:5267"
    assert directory.resolve("Province de Namur").id == "province:namur"
    assert directory.resolve("Namur", kind=MemberKind.CPAS).id == "cpas:92094"


def test_resolve_ambiguous_lists_candidates(directory: MemberRepository) -> None:
    with pytest.raises(Ambiguous) as info:
        directory.resolve("brabant")
    assert "précisez" in str(info.value)
    assert "Province du Brabant wallon (province:brabant-wallon)" in info.value.candidates


def test_resolve_nothing(directory: MemberRepository) -> None:
    with pytest.raises(NotFound, match="Aucun membre ne correspond à « xyzzy »"):
        directory.resolve("xyzzy")
    with pytest.raises(InvalidInput):
        directory.resolve("  ")


# --------------------------------------------------------------------------- user data


def test_create_an_intercommunale_and_find_it(db, repo: MemberRepository) -> None:
    created = repo.create(
        "intercommunale",
        "  IDEFIN   Namur ",
        size=120,
        as_of=date(2024, 5, 1),
        source="bilan social",
    )
    assert created.id.startswith("u:") and created.user_created
    assert created.name == "IDEFIN Namur" and created.reference_size.value == 120
    assert repo.search("idefin")[0].id == created.id
    reopened = MemberRepository(db)
    assert reopened.get(created.id) == created
    rules = load_tariff(db).categories
    assert derive_category(created, rules, repo.lookup).category == "Cat 5"


def test_create_refuses_reference_kinds_and_bad_input(repo: MemberRepository) -> None:
    with pytest.raises(InvalidInput, match="annuaire de référence"):
        repo.create(MemberKind.COMMUNE, "Nouvelle commune")
    with pytest.raises(InvalidInput):
        repo.create("rca", "   ")
    with pytest.raises(InvalidInput):
        repo.create("rca", "Régie", size=-3)
    with pytest.raises(InvalidInput):
        repo.create("asbl", "ASBL")


def test_a_correction_keeps_the_reference_value(db, repo: MemberRepository) -> None:
    nivelles = repo.get("commune:25072")
    corrected = repo.save(nivelles.with_size_correction(29500, date(2024, 1, 1), "Statbel 2024", today=TODAY))
    assert corrected.size.value == 29500
    assert corrected.reference_size.value == 28883
    assert corrected.reference_size.source == "Statbel"
    again = MemberRepository(db).get("commune:25072")
    assert again.size_correction == corrected.size_correction
    assert again.reference_size == corrected.reference_size
    rules = load_tariff(db).categories
    trace = derive_category(again, rules, repo.lookup).trace
    assert any("valeur de référence : 28\u202f883" in line for line in trace)
    cleared = repo.save(again.without_size_correction())
    assert cleared.size_correction is None and cleared.size.value == 28883
    with pytest.raises(InvalidInput, match="source"):
        repo.save(replace(nivelles, size_correction=Headcount(1, date(2024, 1, 1), " ")))


def test_reference_data_cannot_be_changed(db, repo: MemberRepository) -> None:
    nivelles = repo.get("commune:25072")
    for change in (
        {"name": "Nivelles-la-Belle"},
        {"nis": "25073"},
        {"reference_size": replace(nivelles.reference_size, value=1)},
        {"postcodes": ("1400",)},
    ):
        with pytest.raises(InvalidInput, match="référence"):
            repo.save(replace(nivelles, **change))
    assert MemberRepository(db).get("commune:25072") == nivelles


def test_membership_installed_base_and_override(db, repo: MemberRepository) -> None:
    member = repo.get("commune:25072")
    member = replace(
        member,
        address="Place Albert Ier 2, 1400 Nivelles",
        membership=Membership(MembershipStatus.ADHESION_EN_COURS, date(2024, 3, 1)),
        installed=(
            InstalledProduct("delib", InstallState.PRODUCTION, date(2019, 1, 1)),
            InstalledProduct("smartweb", InstallState.COMMANDE),
        ),
    ).with_override("Cat 4", "population en baisse selon le registre communal")
    saved = repo.save(member)
    assert saved == member
    stored = MemberRepository(db).get("commune:25072")
    assert stored == member and "delib" in stored.in_production()
    rules = load_tariff(db).categories
    decision = derive_category(stored, rules, repo.lookup)
    assert (decision.category, decision.derived) == ("Cat 4", "Cat 5")
    with pytest.raises(InvalidInput, match="deux fois"):
        repo.save(replace(stored, installed=stored.installed + stored.installed[:1]))
    cleared = repo.save(stored.with_override(None))
    assert cleared.category_override is None


def test_an_override_needs_a_reason_even_at_the_database(db) -> None:
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError), db.transaction() as conn:
        conn.execute(
            "UPDATE member SET override_category = 'Cat 2', override_reason = ' ' WHERE id = 'commune:25072'"
        )


def test_user_created_members_can_be_edited_and_deleted(db, repo: MemberRepository) -> None:
    rca = repo.create("rca", "Régie sportive", size=30)
    edited = repo.save(replace(rca, name="Régie sportive communale", postcodes=("1400",)))
    assert edited.name == "Régie sportive communale"
    assert repo.search("1400")[-1].id == rca.id
    repo.delete(rca.id)
    with pytest.raises(NotFound):
        repo.get(rca.id)
    assert MemberRepository(db).lookup(rca.id) is None
    with pytest.raises(InvalidInput, match="annuaire de référence"):
        repo.delete("commune:25072")


# --------------------------------------------------------------------------- speed


def test_search_stays_under_10_ms_with_10000_more_members(db) -> None:
    rnd = random.Random(7)
    syllables = [
        "ber",
        "lin",
        "mont",
        "val",
        "sart",
        "court",
        "wez",
        "gem",
        "ris",
        "tour",
        "chap",
        "elle",
        "roux",
        "fleu",
        "ans",
        "liè",
        "ge",
        "na",
        "mur",
        "ar",
        "lon",
    ]
    kinds = ["intercommunale", "rca", "autre"]
    stamp = now_iso()
    rows = []
    for i in range(10_000):
        words = [
            "".join(rnd.choice(syllables) for _ in range(rnd.randint(2, 4))).capitalize()
            for _ in range(rnd.randint(1, 3))
        ]
        kind = rnd.choice(kinds)
        prefix = "Intercommunale " if kind == "intercommunale" else ""
        rows.append(
            (
                f"u:gen{i}",
                kind,
                prefix + " ".join(words),
                rnd.randint(1, 400),
                "test",
                1,
                stamp,
                stamp,
            )
        )
    with db.transaction() as conn:
        conn.executemany(
            "INSERT INTO member (id, kind, name, ref_size, ref_size_source, user_created, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    repo = MemberRepository(db)
    assert len(repo.all()) == 612 + 10_000
    queries = [
        "liege",
        "5267",
        "1400",
        "nivelles",
        "25072",
        "cpas niv",
        "braine l",
        "a",
        "e",
        "inter",
        "intercommunale val",
        "mont",
        "zz",
        "9",
        "ge na",
        "sart court",
        "rca",
    ]
    for q in queries:
        assert isinstance(repo.search(q), list)
    assert names(repo.search("1400"))[:2] == ["Nivelles", "CPAS de Nivelles"]


def test_unreadable_other_names_in_the_database_are_named_not_a_crash(db) -> None:
    conn = sqlite3.connect(db.path)
    with conn:
        conn.execute("UPDATE member SET other_names = '[oops' WHERE id = 'commune:25005'")
    conn.close()
    with pytest.raises(UnreadableData) as info:
        MemberRepository(db).all()
    assert str(info.value) == (
        "membre commune:25005 (Beauvechain) : autres noms « [oops » : une liste JSON de textes "
        "est attendue"
    )


@pytest.mark.parametrize(
    ("corruption", "said"),
    [
        (
            "UPDATE member SET other_names = '[oops' WHERE id = 'commune:25005'",
            "membre commune:25005 (Beauvechain) : autres noms « [oops » : une liste JSON de "
            "textes est attendue",
        ),
        (
            "INSERT INTO installed_product (member_id, product, state, since)"
            " VALUES ('commune:25005', 'delib', 'production', 'hier')",
            "membre commune:25005, produit installé delib : date d'installation « hier » "
            "illisible (AAAA-MM-JJ)",
        ),
    ],
    ids=["other_names", "installed_since"],
)
def test_an_unreadable_value_of_the_member_saved_is_named_not_a_crash(
    db, repo: MemberRepository, corruption: str, said: str
) -> None:
    """Saving a member reads it back alone: a value stored wrong since the directory was read
    is told as for the whole directory, not raised as a bare ValueError."""
    member = repo.get("commune:25005")
    conn = sqlite3.connect(db.path)
    with conn:
        conn.execute(corruption)
    conn.close()
    with pytest.raises(UnreadableData) as info:
        repo.save(replace(member, address="Place communale 1, 1320 Beauvechain"))
    assert str(info.value) == said


def test_a_new_member_cannot_take_a_name_already_in_use(repo: MemberRepository) -> None:
    """Two « Nivelles » could not be told apart, in the search results or by « --member »."""
    for taken, kind in (("Nivelles", "Commune"), ("  NIVELLES ", "Commune"), ("idea", "Intercommunale")):
        if taken == "idea":
            repo.create("intercommunale", "IDEA", size=300, source="rapport 2025")
        with pytest.raises(InvalidInput) as info:
            repo.create("intercommunale", taken, size=10, source="x")
        assert info.value.field == "name"
        assert f"({kind}) : donnez un nom qui distingue le nouveau" in str(info.value)
    assert repo.create("rca", "Régie communale autonome de Nivelles").name.startswith("Régie")
    assert len(repo.index) > 600  # with the search index loaded, it answers the same
    with pytest.raises(InvalidInput, match="déjà « Régie communale autonome de Nivelles »"):
        repo.create("autre", "regie communale autonome de nivelles")


def test_a_renamed_member_s_old_name_is_free_again(repo: MemberRepository) -> None:
    """After « IDEA » was corrected into « IDETA », a new « IDEA » was refused as « Un membre
    s'appelle déjà « IDEA » »: no member had that name any more."""
    created = repo.create("intercommunale", "IDEA", size=300, source="rapport 2025")
    repo.save(replace(created, name="IDETA"))
    assert repo.create("intercommunale", "IDEA", size=10, source="x").name == "IDEA"
    with pytest.raises(InvalidInput, match="déjà « IDETA »"):
        repo.create("autre", "ideta")


def test_names_addresses_and_counts_are_bounded(repo: MemberRepository) -> None:
    """A 5000-character name was stored (its offer PDF then failed); twenty digits of agents
    reached SQLite as an OverflowError."""
    for args, kwargs, field in (
        (("rca", "R" * 5000), {}, "name"),
        (("rca", "R" * 121), {}, "name"),
        (("rca", "Régie"), {"address": "A" * 201}, "address"),
        (("rca", "Régie"), {"size": 99999999999999999999}, "size"),
        (("rca", "Régie"), {"size": 10_000_001}, "size"),
        (("rca", "Régie"), {"size": 30, "source": "S" * 201}, "source"),
    ):
        with pytest.raises(InvalidInput) as info:
            repo.create(*args, **kwargs)
        assert info.value.field == field, args
    assert repo.search("régie") == []
    made = repo.create("rca", "R" * 120, address="A" * 200, size=10_000_000, source="bilan")
    assert len(made.name) == 120 and made.size.value == 10_000_000
    with pytest.raises(InvalidInput) as info:
        repo.save(replace(made, name="R" * 121))
    assert info.value.field == "name"
    with pytest.raises(InvalidInput) as info:
        repo.save(replace(made, address="A" * 201))
    assert info.value.field == "address"
    nivelles = repo.get("commune:25072")
    with pytest.raises(InvalidInput) as info:
        repo.save(replace(nivelles, size_correction=Headcount(20_000_000, date(2024, 1, 1), "x")))
    assert info.value.field == "size"
    with pytest.raises(InvalidInput) as info:
        nivelles.with_size_correction(20_000_000, date(2024, 1, 1), "Statbel", today=date(2026, 1, 1))
    with pytest.raises(InvalidInput) as info:
        nivelles.with_override("Cat 4", "motif " * 100)
    assert info.value.field == "reason"


def test_a_long_address_stored_before_the_limit_does_not_block_other_changes(db, repo) -> None:
    with db.transaction() as conn:
        conn.execute("UPDATE member SET address = ? WHERE id = 'commune:25072'", ("A" * 500,))
    nivelles = MemberRepository(db).get("commune:25072")
    saved = repo.save(replace(nivelles, membership=Membership(MembershipStatus.NON_MEMBRE)))
    assert saved.address == "A" * 500 and saved.membership.status is MembershipStatus.NON_MEMBRE


@pytest.mark.parametrize("query", ["zp5303", "ZP5303", "5303zp", "zp-5303"])
def test_a_zone_number_typed_against_its_prefix(directory: MemberRepository, query: str) -> None:
    assert names(directory.search(query)) == ["ZP 5303 Namur"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("st ghislain", "Saint-Ghislain"),
        ("St-Ghislain", "Saint-Ghislain"),
        ("ste ode", "Sainte-Ode"),
        ("St. Vith", "Saint-Vith"),
        ("cpas st ghislain", "CPAS de Saint-Ghislain"),
    ],
)
def test_saint_and_sainte_in_their_short_forms(directory: MemberRepository, query, expected) -> None:
    assert names(directory.search(query))[0] == expected
    assert directory.resolve(query).display_name == expected


def test_st_alone_still_finds_the_names_that_start_with_it(directory: MemberRepository) -> None:
    assert "Stavelot" in names(directory.search("st", limit=50))


def test_a_commune_name_lists_its_police_zone_after_the_commune_and_its_cpas(
    directory: MemberRepository,
) -> None:
    """As its postcode does: Tubize is one of the communes of ZP 5268 Ouest Brabant wallon."""
    assert names(directory.search("tubize")) == [
        "Tubize",
        "CPAS de Tubize",
        "ZP 5268 Ouest Brabant wallon",
    ]
    assert names(directory.search("zp tubize")) == ["ZP 5268 Ouest Brabant wallon"]
    assert "ZP 5268 Ouest Brabant wallon" in names(directory.search("1480"))
    # a rescue zone borrows no name: it would answer to most searches of its province
    assert all(m.kind is not MemberKind.ZONE_DE_SECOURS for m in directory.search("tubize"))


def test_a_merged_commune_keeps_its_former_names_once_edited(db, repo: MemberRepository) -> None:
    """Bastogne's population corrected: the member read again keeps its former communes, and
    the search still finds it under « Bertogne » and « 82005 »."""
    assert names(repo.search("Bertogne"))[:2] == ["Bastogne", "CPAS de Bastogne"]
    bastogne = repo.get("commune:82039")
    corrected = repo.save(bastogne.with_size_correction(20500, date(2024, 1, 1), "Statbel 1/1/2024", today=TODAY))
    assert [f.name for f in corrected.former_communes] == ["Bastogne", "Bertogne"]
    assert names(repo.search("Bertogne"))[:2] == ["Bastogne", "CPAS de Bastogne"]
    assert names(repo.search("82005")) == ["Bastogne", "CPAS de Bastogne"]
    assert [f.nis for f in MemberRepository(db).get("commune:82039").former_communes] == ["82003", "82005"]


def test_a_database_in_use_gets_the_former_communes_at_its_next_opening(db_path: Path) -> None:
    from tests.upgrades import before_former_communes

    before_former_communes(db_path)
    database = open_database(db_path)
    try:
        bastogne = MemberRepository(database).get("commune:82039")
        assert [(f.nis, f.name) for f in bastogne.former_communes] == [("82003", "Bastogne"), ("82005", "Bertogne")]
    finally:
        database.close()


def test_a_new_versions_directory_files_leave_head_offices_directory_as_imported(
    db_path: Path, tmp_path: Path
) -> None:
    """A laptop runs on the directory of head office's last catalogue: the first opening by a
    version whose files of db/belgium changed (the former communes) put Genappe back at the
    15 560 inhabitants its own files count and the police zone 5267 under its former name,
    until head office's next catalogue. Head office's figures and names are kept; the files
    bring what a catalogue does not carry (the former communes), once."""
    from desktop.store.bundles import import_catalogue
    from tests.upgrades import before_former_communes, head_office_catalogue

    bundle = tmp_path / "catalogue.zip"
    head_office_catalogue(db_path, bundle)
    laptop = open_database(db_path)
    try:
        import_catalogue(laptop, bundle)
    finally:
        laptop.close()
    before_former_communes(db_path)
    for _opening in range(2):
        database = open_database(db_path)
        try:
            repo = MemberRepository(database)
            genappe = repo.get("commune:25031")
            assert genappe.reference_size is not None and genappe.reference_size.value == 14990
            zone = repo.get("zp:5267")
            assert zone.name == "Nivelles-Genappe"
            assert zone.reference_size is not None and zone.reference_size.value == 43873
            assert zone.commune_ids == ("commune:25031", "commune:25072")
            assert repo.resolve("IDEA").kind is MemberKind.INTERCOMMUNALE
            bastogne = repo.get("commune:82039")
            assert [(f.nis, f.name) for f in bastogne.former_communes] == [("82003", "Bastogne"), ("82005", "Bertogne")]
        finally:
            database.close()
