"""`comptoir --check-startup` really starts the application in a separate process.

This is also the smoke test a packaged build runs: window shown on the embedded database,
idle, exit 0; any error or warning logged makes it fail.
"""

from __future__ import annotations

import importlib.util

import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _needs_the_application() -> None:
    for module in ("desktop.store.database", "desktop.ui.application"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} n'existe pas encore")


def test_check_startup_on_a_seeded_database(run_comptoir, db_path, comptoir_env) -> None:
    result = run_comptoir("--check-startup", "--db", db_path, timeout=90)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    log_text = (comptoir_env.log_dir / "comptoir.log").read_text(encoding="utf-8")
    assert " WARNING " not in log_text and " ERROR " not in log_text, log_text


@pytest.mark.slow
def test_first_start_creates_and_seeds_the_database(run_comptoir, comptoir_env) -> None:
    assert not comptoir_env.db.exists()
    result = run_comptoir("--check-startup", timeout=120)  # COMPTOIR_DB -> comptoir_env.db
    assert result.returncode == 0, result.stderr
    assert comptoir_env.db.exists()


def test_a_database_that_is_not_one_fails_cleanly(run_comptoir, tmp_path) -> None:
    bogus = tmp_path / "pas-une-base.db"
    bogus.write_bytes(b"ceci n'est pas une base SQLite" * 100)
    result = run_comptoir("--check-startup", "--db", bogus, timeout=90)
    assert result.returncode != 0
    assert result.stderr.strip(), "the user must be told why"
    assert "Traceback" not in result.stderr
