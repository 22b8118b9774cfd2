"""``comptoir catalogue import`` of a hand-edited bundle: refused in French with status 2,
and the laptop quotes exactly as before."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

QUOTE = ("quote", "--kind", "commune", "--inhabitants", "3000", "--product", "delib")


@pytest.mark.parametrize(
    ("table", "column", "value", "fragments"),
    [
        ("price_cell", "amount", "NaN", ("tableau T1, ligne « Cat 1 », colonne annual", "NaN")),
        ("price_cell", "amount", "-5", ("tableau T1", "montant négatif -5")),
        ("component", "params", "{not json", ("produit delib", "JSON")),
        ("member", "other_names", "pas du JSON", ("membre commune:", "autres noms")),
        # Cat 1 up to 4 000 inhabitants, Cat 2 from 5 001: a commune of 4 500 has no category
        (
            "category_threshold", "high", 4000,
            ("échelle communes_cpas, catégorie « Cat 2 »", "laisse un trou", "attendu 4001"),
        ),
    ],
)
def test_a_tampered_catalogue_is_refused_and_quotes_are_unchanged(
    db_path, run_comptoir, tamper, tmp_path: Path, table: str, column: str, value: str, fragments: tuple
) -> None:
    before = run_comptoir(*QUOTE, "--json")
    assert before.returncode == 0, before.stderr
    exported = tmp_path / "catalogue.zip"
    assert run_comptoir("catalogue", "export", "--out", exported).returncode == 0
    tampered = tmp_path / "trafique.zip"
    tamper(exported, tampered, table, 0, column, value)

    result = run_comptoir("catalogue", "import", tampered)

    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Erreur inattendue" not in result.stderr and "Traceback" not in result.stderr
    assert "comptoir : erreur : « trafique.zip »" in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert "Rien n'a été modifié." in result.stderr
    after = run_comptoir(*QUOTE, "--json")
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout


def test_a_catalogue_is_not_imported_under_an_open_window(db_path, run_comptoir, tmp_path: Path) -> None:
    """The window kept pricing on the old catalogue and could finalise nothing."""
    from desktop.store.instance_lock import InstanceLock

    exported = tmp_path / "catalogue.zip"
    assert run_comptoir("catalogue", "export", "--out", exported).returncode == 0
    with InstanceLock(db_path):
        result = run_comptoir("catalogue", "import", exported)
    assert result.returncode == 2 and "Fichier > Importer le catalogue" in result.stderr
    assert run_comptoir("catalogue", "import", exported).returncode == 0


def test_head_office_is_told_that_laptops_on_an_earlier_version_must_update_first(
    db_path, run_comptoir, tmp_path: Path
) -> None:
    """Those laptops refuse this catalogue (they would halve iA.AES's support for a CPAS):
    head office learns it at export, not from each laptop's refusal."""
    result = run_comptoir("catalogue", "export", "--out", tmp_path / "catalogue.zip")
    assert result.returncode == 0, result.stderr
    assert "les portables d'une version antérieure de Comptoir le refusent" in result.stdout
    assert "mettez-les à jour avant de l'importer" in result.stdout


def test_head_office_is_told_that_a_conditional_order_form_needs_updated_laptops(
    db_path, run_comptoir, tmp_path: Path
) -> None:
    """Laptops on an earlier version refused the order form's [[si …]] as a broken wording and
    told to ask head office to correct it: head office learns why they must update."""
    assert run_comptoir("template", "history").returncode == 0  # the default wording in force
    result = run_comptoir("catalogue", "export", "--out", tmp_path / "catalogue.zip")
    assert result.returncode == 0, result.stderr
    assert (
        "Le texte du bon de commande de ce catalogue a des conditions ([[si …]]) : les portables "
        "d'une version antérieure de Comptoir le refusent ; mettez-les à jour avant de l'importer."
    ) in result.stdout
