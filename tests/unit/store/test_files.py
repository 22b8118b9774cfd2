"""Files the user asks for are written whole or not at all, with French messages."""

from __future__ import annotations

import sys
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


@pytest.mark.skipif(
    sys.platform == "win32",
    reason="Windows ignores a folder's read-only mode; its refusals are simulated below",
)
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


def _windows_refusal(winerror: int, errno: int = 13) -> OSError:
    """The error Windows gives for a file it will not touch (``winerror`` exists only there)."""
    error = OSError(errno, "Le processus ne peut pas accéder au fichier", "offre.pdf")
    error.winerror = winerror  # type: ignore[attr-defined]
    return error


def test_a_file_windows_holds_for_a_moment_is_written_once_it_is_let_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An antivirus or the search indexer opens the file just written for a moment: the
    replacement waits for it instead of failing."""
    import os

    target = tmp_path / "offre.pdf"
    target.write_bytes(b"ancien")
    real_replace = os.replace
    refused: list[object] = []

    def scanned(src: object, dst: object) -> None:
        if len(refused) < 2:
            refused.append(dst)
            raise _windows_refusal(32)
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", scanned)
    write_atomically(target, b"nouveau")
    assert target.read_bytes() == b"nouveau" and len(refused) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["offre.pdf"]


@pytest.mark.parametrize(
    ("winerror", "said"),
    [
        (32, "le fichier est ouvert dans un autre programme"),  # ERROR_SHARING_VIOLATION
        (5, "peut-être ouvert dans un autre programme"),  # ERROR_ACCESS_DENIED
    ],
)
def test_a_pdf_a_reader_keeps_open_on_windows_is_said_to_be_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, winerror: int, said: str
) -> None:
    """Saving over the offer shown in a PDF reader: Windows refuses, and « accès refusé,
    vérifiez les droits » sent the user looking at permissions that were fine."""
    import os

    from desktop.store import files

    target = tmp_path / "offre.pdf"
    target.write_bytes(b"ancien")

    def held(src: object, dst: object) -> None:
        raise _windows_refusal(winerror)

    monkeypatch.setattr(files, "REPLACE_PATIENCE", 0.2)
    monkeypatch.setattr(os, "replace", held)
    with pytest.raises(StorageError, match=said) as caught:
        write_atomically(target, b"nouveau", what="le fichier PDF")
    assert "fermez-le puis recommencez" in str(caught.value).casefold()
    assert target.read_bytes() == b"ancien"
    assert [p.name for p in tmp_path.iterdir()] == ["offre.pdf"]


def test_a_permission_refused_elsewhere_than_windows_is_not_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    calls: list[object] = []

    def refused(src: object, dst: object) -> None:
        calls.append(dst)
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(StorageError, match="Vérifiez les droits") as caught:
        write_atomically(tmp_path / "offre.pdf", b"x")
    assert len(calls) == 1 and "autre programme" not in str(caught.value)


def test_windows_codes_python_folds_into_other_errors_are_said_as_they_are() -> None:
    """Python gives a write-protected key « access denied » and a path too long for Windows
    « not found »: the messages follow Windows' own code."""
    import errno

    from desktop.store.faults import DatabaseReadOnly, map_error

    protected = map_error(_windows_refusal(19), "écrire le lot", "E:\\offres.zip")
    assert isinstance(protected, DatabaseReadOnly) and "lecture seule" in str(protected)
    too_long = map_error(_windows_refusal(206, errno.ENOENT), "écrire le fichier PDF", "offre.pdf")
    assert "trop long" in str(too_long) and "introuvable" not in str(too_long)


def test_a_name_windows_refuses_says_which_signs_to_take_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """« --pdf "offre: Namur.pdf" », or a path with its quotes: Windows says ERROR_INVALID_NAME,
    which Python makes EINVAL, and the message sent the user to check a USB key or a network
    drive that were fine."""
    import errno
    import os

    def refused(src: object, dst: object) -> None:
        raise _windows_refusal(123, errno.EINVAL)

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(StorageError) as caught:
        write_atomically(tmp_path / "offre: Namur.pdf", b"%PDF", what="le fichier PDF")
    said = str(caught.value)
    assert "Windows n'accepte pas ce nom" in said and '* ? " < > |' in said and "guillemets" in said
    assert "Vérifiez le support" not in said and list(tmp_path.iterdir()) == []
