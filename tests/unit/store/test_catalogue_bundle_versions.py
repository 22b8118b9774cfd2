"""Head office and laptops do not update on the same day. A catalogue that an older version
would read without error but price otherwise (iA.AES's support days halved for a CPAS, where
this version leaves them whole) says so in its manifest: older versions accept only
``catalogue_schema`` 20 and refuse a higher one with « mettez Comptoir à jour sur cet
appareil ». A catalogue they price as this version does stays readable by them."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.store.bundles import (
    CATALOGUE_SCHEMA,
    CONDITIONS_SCHEMA,
    DISCOUNTABLE_SCHEMA,
    export_catalogue,
    import_catalogue,
)
from desktop.store.catalogue_repo import load_tariff
from desktop.store.database import Database, open_database

OLDER_VERSIONS_READ = 20  # the only catalogue_schema a version before ``discountable`` takes


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


def exported(db: Database, out: Path) -> dict[str, object]:
    export_catalogue(db, out, device="SIEGE")
    with zipfile.ZipFile(out) as z:
        manifest: dict[str, object] = json.loads(z.read("manifest.json"))
    return manifest


def aes_support(db: Database) -> dict[str, str]:
    tariff = load_tariff(db)
    (support,) = [
        c for c in tariff.products["aes"].components
        if c.params.get("column") == "support_days"
    ]
    return dict(support.params)


def test_a_catalogue_leaving_aes_support_out_of_the_cpas_discount_is_refused_by_older_versions(
    db: Database, tmp_path: Path
) -> None:
    assert aes_support(db).get("discountable") == "non"
    manifest = exported(db, tmp_path / "catalogue.zip")
    assert manifest["catalogue_schema"] == DISCOUNTABLE_SCHEMA
    assert manifest["catalogue_schema"] != OLDER_VERSIONS_READ


def test_this_version_reads_its_own_catalogue_and_keeps_the_support_whole(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "catalogue.zip"
    exported(db, out)
    laptop = open_database(tmp_path / "portable.db")
    try:
        import_catalogue(laptop, out)
        assert aes_support(laptop).get("discountable") == "non"
    finally:
        laptop.close()


def test_a_catalogue_every_version_prices_alike_stays_readable_by_older_versions(
    db: Database, tmp_path: Path
) -> None:
    with db.transaction():
        db.conn.execute(
            "UPDATE component SET params = json_remove(params, '$.discountable') WHERE tariff = "
            "'imio-2024' AND product = 'aes'"
        )
    manifest = exported(db, tmp_path / "catalogue.zip")
    assert manifest["catalogue_schema"] == CATALOGUE_SCHEMA == OLDER_VERSIONS_READ


def test_an_order_form_with_conditions_is_refused_by_older_versions_as_theirs_to_update(
    db: Database, tmp_path: Path
) -> None:
    """Versions before conditional text read [[si …]] as an unknown block and refused the
    catalogue telling the laptop to ask head office to correct a wording nothing was wrong with."""
    from desktop.store.templates_repo import TemplateRepository

    repo = TemplateRepository(db)
    assert repo.get().parsed().conditions  # the default wording in force
    out = tmp_path / "catalogue.zip"
    manifest = exported(db, out)
    assert manifest["catalogue_schema"] == CONDITIONS_SCHEMA > DISCOUNTABLE_SCHEMA
    assert export_catalogue(db, out).conditional_wording
    laptop = open_database(tmp_path / "portable.db")
    try:
        import_catalogue(laptop, out)  # this version reads it
        assert TemplateRepository(laptop).get().body == repo.get().body
    finally:
        laptop.close()
    # a wording without conditions in force: the catalogue stays readable where it was
    repo.save("contrat", "# Bon de commande\n\n[[produits]]\n\n[[signatures]]\n")
    assert exported(db, out)["catalogue_schema"] == DISCOUNTABLE_SCHEMA
    assert not export_catalogue(db, out).conditional_wording


def test_a_condition_left_without_text_still_asks_older_versions_to_update(
    db: Database, tmp_path: Path
) -> None:
    """A [[si …]] whose text is yet to write (a comment between it and its [[fin]]) prints
    nothing, yet versions before conditional text refuse the wording all the same, telling
    the laptop to ask head office to correct it."""
    from desktop.store.templates_repo import TemplateRepository

    TemplateRepository(db).save(
        "contrat",
        "# Bon de commande\n\n[[produits]]\n\n"
        "[[si sur_devis]]\n% les postes sur devis : texte à rédiger\n[[fin]]\n\n[[signatures]]\n",
    )
    out = tmp_path / "catalogue.zip"
    assert exported(db, out)["catalogue_schema"] == CONDITIONS_SCHEMA
    assert export_catalogue(db, out).conditional_wording


def test_the_former_communes_stay_out_of_a_catalogue_and_on_the_laptop_that_imports_one(
    db: Database, tmp_path: Path
) -> None:
    """Every version seeds the former communes of a merger from its own files: a catalogue
    carrying them would be refused by the versions before them (« tables inconnues »), and a
    catalogue from one of those versions, which replaces the members, does not remove them."""
    from desktop.store.members_repo import MemberRepository

    out = tmp_path / "catalogue.zip"
    manifest = exported(db, out)
    assert "former_commune" not in manifest["tables"]  # type: ignore[operator]
    laptop = open_database(tmp_path / "portable.db")
    try:
        import_catalogue(laptop, out)
        bastogne = MemberRepository(laptop).get("commune:82039")
        assert [f.name for f in bastogne.former_communes] == ["Bastogne", "Bertogne"]
    finally:
        laptop.close()
