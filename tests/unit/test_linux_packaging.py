"""What the Linux install script does with a build laid out as PyInstaller makes it."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "packaging" / "linux" / "install.sh"
# PyInstaller 6 keeps the executables at the top of dist/comptoir and everything else (Python,
# Qt, the spec's data folders) in _internal/
CONTENTS = "_internal"


def _fake_build(folder: Path) -> Path:
    for name in ("comptoir", "comptoir-cli"):
        program = folder / name
        program.parent.mkdir(parents=True, exist_ok=True)
        program.write_text("#!/bin/sh\n", encoding="utf-8")
        program.chmod(program.stat().st_mode | stat.S_IXUSR)
    icons = folder / CONTENTS / "resources" / "icons"
    icons.mkdir(parents=True)
    shutil.copy(ROOT / "resources" / "icons" / "comptoir.png", icons)
    return folder


def test_the_install_puts_the_menu_entry_and_its_icon(tmp_path) -> None:
    """The script looked for the icon in dist/comptoir/resources, where PyInstaller 6 no longer
    puts it: the menu entry was installed without its icon."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    build = _fake_build(tmp_path / "dist" / "comptoir")
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "share")}
    subprocess.run([bash, str(INSTALL), str(build)], env=env, check=True, capture_output=True)
    target = home / ".local" / "opt" / "comptoir"
    entry = (home / "share" / "applications" / "comptoir.desktop").read_text(encoding="utf-8")
    assert f"Exec={target / 'comptoir'}\n" in entry and "Icon=comptoir\n" in entry
    icon = home / "share" / "icons" / "hicolor" / "256x256" / "apps" / "comptoir.png"
    assert icon.read_bytes() == (ROOT / "resources" / "icons" / "comptoir.png").read_bytes()
    assert (home / ".local" / "bin" / "comptoir-cli").resolve() == target / "comptoir-cli"


def test_the_readme_names_every_packaging_file() -> None:
    """The README sent Linux users to comptoir.desktop alone, whose « Exec=comptoir » finds
    nothing until install.sh has put the build in place."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    building = readme.split("## Building a distributable", 1)[1]
    for path in sorted((ROOT / "packaging").glob("*/*")):
        assert f"`{path.relative_to(ROOT).as_posix()}`" in building, path
