"""The contract template stored with the data: default copied in, validated saves, history."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.errors import InvalidInput
from desktop.documents.contract import default_template_text
from desktop.store.database import open_database
from desktop.store.templates_repo import TemplateRepository


@pytest.fixture
def repo(tmp_path: Path):
    db = open_database(tmp_path / "t.sqlite3", seed=False)
    yield TemplateRepository(db)
    db.close()


def test_first_read_copies_the_default_file_into_the_table(repo: TemplateRepository) -> None:
    t = repo.get("contrat")
    assert t.version == 1 and t.is_default
    assert t.body == default_template_text()
    rows = repo.db.conn.execute("SELECT count(*) FROM document_templates").fetchone()[0]
    assert rows == 1
    assert repo.get().version == 1  # no second copy


def test_save_validates_and_keeps_history(repo: TemplateRepository) -> None:
    body = default_template_text().replace("Article 2 — Objet et cadre", "Article 2 — Objet")
    saved = repo.save("contrat", body, who="AD")
    assert saved.version == 2 and saved.origin == "modifie" and saved.saved_by == "AD"
    assert repo.get().body == body
    assert [t.version for t in repo.history()] == [1, 2]
    assert repo.save("contrat", body).version == 2  # unchanged text: no new version
    back = repo.reset(who="AD")
    assert back.version == 3 and back.body == default_template_text()


def test_save_refuses_an_unknown_field_and_writes_nothing(repo: TemplateRepository) -> None:
    before = repo.get()
    with pytest.raises(InvalidInput) as err:
        repo.save("contrat", before.body + "\nRemise : {remise_speciale}\n")
    msg = str(err.value)
    assert "{remise_speciale}" in msg and "Champs autorisés" in msg
    with pytest.raises(InvalidInput, match="accolade"):
        repo.save("contrat", before.body + "\nTotal : {total_annuel\n")
    with pytest.raises(InvalidInput, match=r"le bloc \[\[produits\]\].* manque"):
        repo.save("contrat", before.body.replace("[[produits]]", ""))  # an order without its products
    assert repo.get().version == before.version
    assert len(repo.history()) == 1


def test_migration_table_is_strict(repo: TemplateRepository) -> None:
    sql = repo.db.conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'document_templates'"
    ).fetchone()[0]
    assert "STRICT" in sql


# The default wording of the versions before conditional text, as their databases hold it.
EARLIER = (Path(__file__).with_name("earlier_contract_fr.txt")).read_text(encoding="utf-8")


def _stored(repo: TemplateRepository, *versions: tuple[str, str]) -> None:
    with repo.db.transaction() as conn:
        for n, (body, origin) in enumerate(versions, start=1):
            conn.execute(
                "INSERT INTO document_templates (code, version, body, origin, saved_at, saved_by) "
                "VALUES ('contrat', ?, ?, ?, '2026-11-22T10:00:00+01:00', '')",
                (n, body, origin),
            )


@pytest.mark.parametrize(
    "versions",
    [
        [(EARLIER, "defaut")],  # copied in at first use, never changed
        [(EARLIER, "defaut"), ("[[produits]]\n\n[[signatures]]\n", "modifie"), (EARLIER, "defaut")],  # put back
    ],
)
def test_a_laptop_s_untouched_earlier_default_gives_way_to_this_version_s(
    repo: TemplateRepository, versions: list[tuple[str, str]]
) -> None:
    """A laptop that copied the default before it knew an order without annual cost kept
    printing « coût annuel 0,00 € » and « reconduit tacitement » for three days of service."""
    _stored(repo, *versions)
    t = repo.get()
    assert t.version == len(versions) + 1 and t.is_default and t.saved_by == ""
    assert t.body == default_template_text() != EARLIER
    assert [v.body for v in repo.history()] == [b for b, _ in versions] + [t.body]  # history kept
    assert repo.get().version == t.version  # once
    assert repo.get("contrat", 1).body == EARLIER  # an order form made with it still finds it


@pytest.mark.parametrize(
    "versions",
    [
        [(EARLIER, "defaut"), (EARLIER.replace("Objet et cadre", "Objet"), "modifie")],
        [(EARLIER, "modifie")],  # imported by someone, letter for letter: their choice
    ],
)
def test_a_wording_someone_saved_is_never_replaced(repo: TemplateRepository, versions: list[tuple[str, str]]) -> None:
    _stored(repo, *versions)
    t = repo.get()
    assert (t.version, t.body) == (len(versions), versions[-1][0])
    assert len(repo.history()) == len(versions)


def test_this_version_s_default_is_not_listed_as_an_earlier_one(repo: TemplateRepository) -> None:
    """The earlier defaults are told by their digest: the text shipped now must not be one."""
    import hashlib

    from desktop.store.templates_repo import EARLIER_DEFAULTS

    assert hashlib.sha256(EARLIER.encode("utf-8")).hexdigest() in EARLIER_DEFAULTS["contrat"]
    now = hashlib.sha256(default_template_text().encode("utf-8")).hexdigest()
    assert now not in EARLIER_DEFAULTS["contrat"]
    assert repo.get().version == 1 and repo.get().version == 1
