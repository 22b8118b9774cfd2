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
