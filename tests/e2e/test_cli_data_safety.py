"""``comptoir`` commands never destroy the database they work on, and say so in French."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_results import ok, refused

pytestmark = [pytest.mark.e2e, pytest.mark.slow]







def _sound(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
        return int(conn.execute("SELECT count(*) FROM offers").fetchone()[0])
    finally:
        conn.close()


def test_no_export_or_pdf_is_written_over_the_database(
    db_path: Path, run_comptoir, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    ok(run_comptoir("--db", db_path, "settings", "set", "device_code=LAP1"))
    out = ok(run_comptoir("--db", db_path, "quote", "--member", "Nivelles", "--product", "delib", "--save"))
    draft_id = out.split(":")[-1].strip()
    number = re.search(r"OFF-\d{4}-[A-Z0-9]+-\d{4}", ok(run_comptoir("--db", db_path, "offers", "finalize", draft_id)))
    assert number
    before = _sound(db_path)
    for target in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm"), Path(f"{db_path}.numeros")):
        for command in (
            ("catalogue", "export", "--out", target),
            ("offers", "export", "--out", target),
            ("offers", "pdf", number.group(0), "--out", target),
        ):
            refused(run_comptoir("--db", db_path, *command), "base de données", "Choisissez un autre nom")
    assert _sound(db_path) == before


def test_backup_does_not_replace_an_existing_file_without_force(
    db_path: Path, run_comptoir, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "sauvegarde.sqlite3"
    assert "Sauvegarde écrite" in ok(run_comptoir("--db", db_path, "backup", "--out", out))
    first = out.read_bytes()
    refused(run_comptoir("--db", db_path, "backup", "--out", out), "existe déjà", "--force")
    assert out.read_bytes() == first
    other = tmp_path / "notes.txt"
    other.write_text("à garder")
    refused(run_comptoir("--db", db_path, "backup", "--out", other), "existe déjà")
    assert other.read_text() == "à garder"
    assert "Sauvegarde écrite" in ok(run_comptoir("--db", db_path, "backup", "--out", out, "--force"))
    assert _sound(out) == _sound(db_path)


@pytest.fixture
def mount_point(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A small tmpfs of our own (as root, where mounting is allowed); skipped elsewhere."""
    import os

    where = tmp_path / "support"
    where.mkdir()
    if sys.platform != "linux" or os.geteuid() != 0 or not Path("/bin/mount").exists():
        pytest.skip("monter un support demande les droits d'administrateur")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(where)], capture_output=True, check=False
    )
    if made.returncode != 0:
        pytest.skip(f"montage impossible ici : {made.stderr!r}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_database_on_a_write_protected_key_can_be_read_and_says_why_it_cannot_be_written(
    db_path: Path, run_comptoir, mount_point: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    key = mount_point / "comptoir.db"
    sqlite3.connect(db_path).execute("PRAGMA wal_checkpoint(TRUNCATE)").connection.close()
    shutil.copyfile(db_path, key)
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
    listed = run_comptoir("--db", key, "offers", "list")
    assert listed.returncode == 0, listed.stderr
    assert "lecture seule ; consultation seulement" in listed.stderr
    refused(
        run_comptoir("--db", key, "quote", "--member", "Nivelles", "--product", "delib", "--save"),
        "en lecture seule",
        "Copiez le fichier dans un dossier où vous pouvez écrire",
    )
    copy = tmp_path / "copie.sqlite3"
    ok(run_comptoir("--db", key, "backup", "--out", copy))  # the way off the key
    assert _sound(copy) == _sound(db_path)


def test_a_full_disk_is_said_as_such(db_path: Path, run_comptoir, mount_point: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    disk = mount_point / "comptoir.db"
    sqlite3.connect(db_path).execute("PRAGMA wal_checkpoint(TRUNCATE)").connection.close()
    shutil.copyfile(db_path, disk)
    with open(mount_point / "remplissage", "wb", buffering=0) as f:  # every last block taken
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass
    refused(run_comptoir("--db", disk, "offers", "list"), "le disque est plein", "libérez de la place")
