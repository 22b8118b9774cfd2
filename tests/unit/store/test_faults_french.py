"""Storage error messages read as French: "Impossible d'ouvrir", not "Impossible de ouvrir"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.core.errors import StorageError
from desktop.store.faults import de, map_error, storage_errors


@pytest.mark.parametrize(
    ("doing", "expected"),
    [
        ("ouvrir la base de données", "d'ouvrir la base de données"),
        ("écrire le fichier PDF", "d'écrire le fichier PDF"),
        ("enregistrer le brouillon", "d'enregistrer le brouillon"),
        ("appliquer la migration 0003_x.sql", "d'appliquer la migration 0003_x.sql"),
        ("importer le catalogue", "d'importer le catalogue"),
        ("Ouvrir", "d'Ouvrir"),
        ("Écrire", "d'Écrire"),
        ("héberger la copie", "d'héberger la copie"),  # h muet
        ("y accéder", "d'y accéder"),
        ("lire les réglages", "de lire les réglages"),
        ("créer le membre", "de créer le membre"),
        ("sauvegarder la base de données", "de sauvegarder la base de données"),
        ("hisser le drapeau", "de hisser le drapeau"),  # h aspiré
        ("l'ouvrir", "de l'ouvrir"),
        ("yoyoter", "de yoyoter"),
    ],
)
def test_de_elides_before_a_vowel_or_a_mute_h(doing: str, expected: str) -> None:
    assert de(doing) == expected


def test_messages_are_elided_before_a_vowel(tmp_path: Path) -> None:
    opened = map_error(OSError(2, "missing"), "ouvrir la base de données", tmp_path / "x.db")
    assert str(opened).startswith("Impossible d'ouvrir la base de données (")
    assert "Impossible de ouvrir" not in str(opened)
    written = map_error(OSError(28, "full"), "écrire le fichier PDF")
    assert str(written).startswith("Impossible d'écrire le fichier PDF : le disque est plein")
    read = map_error(sqlite3.OperationalError("no such table: x"), "lire la table")
    assert str(read).startswith("Impossible de lire la table")


def test_storage_errors_uses_the_elided_form(tmp_path: Path) -> None:
    folder = tmp_path / "dossier"
    folder.mkdir()
    with (
        pytest.raises(StorageError, match=r"^Impossible d'ouvrir le fichier") as caught,
        storage_errors("ouvrir le fichier", folder),
    ):
        folder.read_bytes()
    assert "c'est un dossier" in str(caught.value)
