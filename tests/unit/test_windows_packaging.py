"""What the Windows build takes from the repository, checked without Windows."""

from __future__ import annotations

import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ICON = ROOT / "resources" / "icons" / "comptoir.ico"
PNG = b"\x89PNG\r\n\x1a\n"
BMP_HEADER = b"(\x00\x00\x00"  # BITMAPINFOHEADER, 40 bytes


def icon_images(data: bytes) -> dict[int, bytes]:
    """Size -> image of a Windows .ico file (ICONDIR, then one ICONDIRENTRY per image)."""
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1), "not an icon file"
    images = {}
    for i in range(count):
        width, height, _, _, _, _, size, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        assert width == height and offset + size <= len(data)
        images[width or 256] = data[offset : offset + size]
    return images


def test_the_windows_icon_has_an_image_for_every_size_windows_shows() -> None:
    """The icon held one 64-pixel image: Windows blurred it down in the task bar and lists (16
    to 32 pixels, 40 and 48 at 125-150 %) and blew it up to 256 in Explorer's large icons."""
    images = icon_images(ICON.read_bytes())
    assert {16, 20, 24, 32, 40, 48, 64, 256} <= set(images)
    for size, image in images.items():
        assert image.startswith((PNG, BMP_HEADER)), size
        if image.startswith(PNG):
            assert struct.unpack_from(">II", image, 16) == (size, size)


def test_the_build_uses_that_icon() -> None:
    spec = (ROOT / "packaging" / "comptoir.spec").read_text(encoding="utf-8")
    assert '"icons", "comptoir.ico"' in spec



def test_an_update_installs_the_data_folders_again_whole() -> None:
    """The seed files and migrations are found by listing their folders, and Inno Setup
    only adds files over an earlier installation: a tariff file renamed or a migration
    renumbered in a new version stayed beside its successor after the update (« Deux
    migrations portent le numéro… », the old grid seeded again). Linux's install.sh empties
    the folder first; the installer deletes the folders the build puts data in."""
    import re

    spec = (ROOT / "packaging" / "comptoir.spec").read_text(encoding="utf-8")
    script = (ROOT / "packaging" / "windows" / "comptoir.iss").read_text(encoding="utf-8")
    section = re.search(r"^\[InstallDelete\]\n(.*?)(?=^\[)", script, re.M | re.S)
    assert section, "no [InstallDelete] section"
    deleted = set(re.findall(r'^Type: filesandordirs; Name: "\{app\}\\([^"\\]+)"', section.group(1), re.M))
    data = set(re.findall(r'tree\("([^"/\\]+)', spec)) | {"desktop"}  # tree(migrations): desktop/...
    assert {"db", "resources"} <= data
    assert data | {"_internal"} <= deleted


def test_a_windows_checkout_holds_the_same_bytes_as_a_linux_one() -> None:
    """Git for Windows writes CR LF into text files unless told otherwise: the seed files'
    fingerprint changed, so a database moved between a Linux and a Windows laptop was seeded
    again at each move, and bash could not run scripts/test from a Windows checkout."""
    import shutil
    import subprocess

    import pytest

    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    as_lf = [
        "db/tariffs/imio-2024/tariff.csv",
        "desktop/store/migrations/0001_x.sql",
        "resources/templates/contract_fr.txt",
        "scripts/test",
        "scripts/_bootstrap.ps1",
    ]
    as_is = ["db/belgium/wallonie_provinces.csv", "resources/icons/comptoir.ico"]
    found = subprocess.run(
        [git, "check-attr", "eol", "text", "--", *as_lf, *as_is],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=True,
    ).stdout
    attributes = {}
    for line in found.splitlines():
        name, attribute, value = (part.strip() for part in line.rsplit(":", 2))
        attributes[name, attribute] = value
    assert all(attributes[name, "eol"] == "lf" for name in as_lf), attributes
    assert all(attributes[name, "text"] == "unset" for name in as_is), attributes
