"""The import contracts of pyproject.toml hold, and they do catch the violations they name."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_LINT = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(no_cache=True, no_logo=True))"
)


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on the ``desktop`` package found first on the path from ``cwd``."""
    env = {**os.environ, "PYTHONPATH": str(cwd), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-c", _LINT],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_the_code_keeps_its_layers() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    """A throw-away ``desktop`` package with the real layout and the given modules."""
    for package in ("", "core", "store", "documents", "cli", "ui"):
        folder = tmp_path / "desktop" / package
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__init__.py").write_text("")
    (tmp_path / "desktop" / "app.py").write_text("")
    for name, text in files.items():
        (tmp_path / "desktop" / name).write_text(text)
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_a_clean_package_passes(tmp_path: Path) -> None:
    project = _package(
        tmp_path,
        {
            "core/quote.py": "import decimal\n",
            "store/repo.py": "import sqlite3\nimport desktop.core.quote\n",
            "documents/pdf.py": "import desktop.core.quote\n",
            "cli/quote.py": "import desktop.store.repo\nimport desktop.documents.pdf\n",
            "ui/window.py": "import PySide6\nimport desktop.store.repo\n",
        },
    )
    result = _lint(project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_contract_catches_its_violation(tmp_path: Path) -> None:
    project = _package(
        tmp_path,
        {
            "core/pricing.py": "import sqlite3\nimport babel\n",
            "core/totals.py": "import desktop.store.repo\n",
            "store/repo.py": "import PySide6\n",
            "documents/pdf.py": "import desktop.store.repo\n",
            "cli/menu.py": "import desktop.ui.window\n",
            "ui/window.py": "",
        },
    )
    result = _lint(project)
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "0 kept, 3 broken" in out
    for violation in (
        "desktop.core.pricing -> sqlite3",
        "desktop.core.pricing -> babel",
        "desktop.store.repo -> PySide6",
        "desktop.core.totals -> desktop.store.repo",
        "desktop.documents.pdf -> desktop.store.repo",
        "desktop.cli.menu -> desktop.ui.window",
    ):
        assert violation in out, f"{violation} not reported:\n{out}"
