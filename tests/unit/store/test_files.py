"""Files the user asks for are written whole or not at all, with French messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.errors import InvalidInput, StorageError
from desktop.store.files import write_atomically


def test_writes_the_bytes_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = write_atomically(tmp_path / "offre.pdf", b"%PDF-1.4 contenu")
    assert out.read_bytes() == b"%PDF-1.4 contenu"
    assert [p.name for p in tmp_path.iterdir()] == ["offre.pdf"]


def test_replaces_an_existing_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "offre.pdf"
    target.write_bytes(b"ancien")
    write_atomically(target, b"nouveau")
    assert target.read_bytes() == b"nouveau"


def test_a_folder_or_a_missing_folder_is_refused_in_french(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="est un dossier"):
        write_atomically(tmp_path, b"x")
    with pytest.raises(InvalidInput, match="n'existe pas"):
        write_atomically(tmp_path / "absent" / "offre.pdf", b"x")


def test_an_unwritable_folder_gives_a_storage_error_and_keeps_the_old_file(
    tmp_path: Path,
) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root writes everywhere: the permission fault cannot be produced")
    target = tmp_path / "offre.pdf"
    target.write_bytes(b"ancien")
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(StorageError):
            write_atomically(target, b"nouveau", what="le fichier PDF")
    finally:
        tmp_path.chmod(0o700)
    assert target.read_bytes() == b"ancien"
