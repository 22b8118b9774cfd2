"""A catalogue bundle carries the highest offer number head office holds for each device: a
laptop rebuilt from an older backup (a new machine, the same device code) never gives again a
number that already reached head office."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from desktop.core.quote import LineRequest
from desktop.store.bundles import (
    NUMBERS_FILE,
    export_catalogue,
    export_offers,
    import_catalogue,
    import_offers,
)
from desktop.store.faults import BundleError
from desktop.store.offers_repo import NumbersGiven
from desktop.ui.backend import Backend, Draft

YEAR = date.today().year


def opened(path: Path, device: str) -> Backend:
    backend = Backend.open(path)
    settings = backend.settings()
    backend.save_settings(replace(settings, device_code=device, seller_name="Anne Dupont", seller_initials="AD"))
    return backend


def finalised(backend: Backend) -> str:
    member = backend.index.search("nivelles")[0]
    draft = Draft(member_id=member.id, lines=(LineRequest("delib", {}),))
    saved = backend.save_draft(None, draft, backend.quote(draft))
    return str(backend.offers.finalise(saved.id, lambda offer: b"%PDF-1.4 test").number)


def copy_database(source: Path, target: Path) -> Path:
    """The file with its journal side files (a closed database has none to speak of)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        side = Path(f"{source}{suffix}")
        if side.exists():
            shutil.copyfile(side, Path(f"{target}{suffix}"))
    return target


def rewrite(src: Path, dst: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Edit a bundle's files (``change(files)``) and sign the manifest again, by hand."""
    with zipfile.ZipFile(src) as z:
        files = {n: z.read(n) for n in z.namelist()}
    change(files)
    manifest = json.loads(files["manifest.json"])
    manifest["files"] = [
        {"path": n, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()}
        for n, b in files.items()
        if n != "manifest.json"
    ]
    files["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(dst, "w") as z:
        for n, b in files.items():
            z.writestr(n, b)


@pytest.fixture
def scene(seeded_db_path: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """LAP1 finalised 3 offers, all at head office; a copy of LAP1 taken after the first one
    is restored on a new machine (without the numbers file of the old one)."""
    laptop = opened(copy_database(seeded_db_path, tmp_path / "portable" / "comptoir.db"), "LAP1")
    numbers = [finalised(laptop)]
    laptop.close()
    old_copy = copy_database(tmp_path / "portable" / "comptoir.db", tmp_path / "neuf" / "comptoir.db")
    laptop = Backend.open(tmp_path / "portable" / "comptoir.db")
    numbers += [finalised(laptop), finalised(laptop)]
    lot = tmp_path / "offres.zip"
    export_offers(laptop.offers, lot)
    laptop.close()
    hq = opened(copy_database(seeded_db_path, tmp_path / "siege" / "comptoir.db"), "SIEGE")
    import_offers(hq.offers, lot)
    catalogue = tmp_path / "catalogue.zip"
    export_catalogue(hq.db, catalogue)
    hq.close()
    restored = Backend.open(old_copy)
    yield restored, numbers, catalogue
    restored.close()


def test_the_restored_laptop_continues_after_the_numbers_head_office_has(scene) -> None:  # type: ignore[no-untyped-def]
    restored, numbers, catalogue = scene
    assert numbers == [f"OFF-{YEAR}-LAP1-{n:04d}" for n in (1, 2, 3)]
    assert not NumbersGiven(restored.db.path).path.exists()  # a new machine: no numbers file

    report = import_catalogue(restored.db, catalogue)

    assert report.numbers_ahead == f"OFF-{YEAR}-LAP1-0003"
    assert any(f"jusqu'au numéro OFF-{YEAR}-LAP1-0003" in line for line in report.lines())
    assert finalised(restored) == f"OFF-{YEAR}-LAP1-0004"  # not 0002, already at head office


def test_a_laptop_up_to_date_is_told_nothing(scene, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    restored, _, catalogue = scene
    import_catalogue(restored.db, catalogue)
    finalised(restored)  # 0004: this laptop is now ahead of head office
    again = import_catalogue(restored.db, catalogue)
    assert again.numbers_ahead is None
    assert finalised(restored) == f"OFF-{YEAR}-LAP1-0005"


def test_a_bundle_from_a_version_without_numbers_imports_as_before(scene, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    restored, _, catalogue = scene
    older = tmp_path / "ancien.zip"
    rewrite(catalogue, older, lambda files: files.pop(NUMBERS_FILE))

    report = import_catalogue(restored.db, older)

    assert report.numbers_ahead is None
    assert finalised(restored) == f"OFF-{YEAR}-LAP1-0002"  # what the restored base alone knows


@pytest.mark.parametrize(
    "numbers",
    [
        {"LAP1": {str(YEAR): -3}},
        {"LAP1": {str(YEAR): 10**9}},
        {"LAP1": {str(YEAR): "3"}},
        {"LAP1": {"1999": 3}},
        {"lap 1": {str(YEAR): 3}},
        ["LAP1", 3],
    ],
)
def test_a_tampered_list_of_numbers_refuses_the_whole_bundle(scene, tmp_path: Path, numbers) -> None:  # type: ignore[no-untyped-def]
    restored, _, catalogue = scene
    tampered = tmp_path / "trafique.zip"
    rewrite(catalogue, tampered, lambda files: files.__setitem__(NUMBERS_FILE, json.dumps(numbers).encode()))
    before = restored.db.conn.execute("SELECT count(*), max(updated) FROM member").fetchone()

    with pytest.raises(BundleError, match=r"liste des numéros d'offres .* illisible\. Rien n'a été modifié"):
        import_catalogue(restored.db, tampered)

    assert restored.db.conn.execute("SELECT count(*), max(updated) FROM member").fetchone() == before
    assert not NumbersGiven(restored.db.path).path.exists()
