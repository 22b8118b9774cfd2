"""What start-up does to go faster changes nothing else: the garbage collector is handed back
as it was (on, or left off) when the application ends."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from argparse import Namespace
from pathlib import Path
from typing import Any

import pytest

from desktop.ui import application
from desktop.ui.application import run_gui


def test_run_gui_holds_the_collector_off_and_turns_it_back_on(monkeypatch):
    seen: list[tuple[bool, bool]] = []

    def start(args: Any, db_path: Path, paused: bool) -> int:
        seen.append((gc.isenabled(), paused))
        return 7

    monkeypatch.setattr(application, "_run", start)
    assert gc.isenabled()
    assert run_gui(Namespace(check_startup=True), Path("base.db")) == 7
    assert seen == [(False, True)]
    assert gc.isenabled()


def test_the_collector_is_back_on_when_the_start_raises(monkeypatch):
    def start(args: Any, db_path: Path, paused: bool) -> int:
        raise RuntimeError("panne")

    monkeypatch.setattr(application, "_run", start)
    with pytest.raises(RuntimeError):
        run_gui(Namespace(check_startup=True), Path("base.db"))
    assert gc.isenabled()


@pytest.fixture
def collector_off():
    gc.disable()
    yield
    gc.enable()


def test_a_collector_turned_off_by_the_caller_stays_off(monkeypatch, collector_off):
    seen: list[bool] = []
    monkeypatch.setattr(application, "_run", lambda args, db_path, paused: seen.append(paused))
    run_gui(Namespace(check_startup=True), Path("base.db"))
    assert seen == [False]
    assert not gc.isenabled()


def test_what_the_start_allocated_skips_the_young_generations():
    paused = application._pause_gc()
    assert paused
    kept = [[i] for i in range(20_000)]  # far more than a young collection's threshold
    assert gc.get_count()[0] > 10_000
    application._resume_gc(paused)
    assert gc.isenabled()
    assert gc.get_count()[0] < 1_000  # moved on, not left for the next young collection
    assert gc.get_freeze_count() == 0  # and not frozen: a full collection still sees them
    assert len(kept) == 20_000


_REAL_START = """
import gc, sys
from argparse import Namespace
from pathlib import Path
from pathlib import Path
from desktop.ui import application, main_window

seen = []
build = main_window.MainWindow.__init__
def spy(self, *args, **kwargs):
    seen.append(gc.isenabled())
    build(self, *args, **kwargs)
main_window.MainWindow.__init__ = spy
finish = application._finish_check
def at_idle(*args, **kwargs):
    seen.append(gc.isenabled())
    finish(*args, **kwargs)
application._finish_check = at_idle
code = application.run_gui(Namespace(check_startup=True), Path(sys.argv[1]))
print("collecteur", seen, gc.isenabled(), code)
"""


def _start_in_its_own_process(script: str, db_path: Path) -> subprocess.CompletedProcess[str]:
    """A real start, in its own process: one in this process would end the test session's
    event loops."""
    done = subprocess.run(
        [sys.executable, "-c", script, str(db_path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_a_real_start_builds_the_window_without_collections_then_collects_on_the_gui_thread(db_path):
    done = _start_in_its_own_process(_REAL_START, db_path)
    # window built with the collector held off; at idle the automatic collector is still off,
    # the GUI thread's (desktop.ui.collector) collecting instead; back on once the app ends
    assert "collecteur [False, False] True 0" in done.stdout


_MODULES_AT_IDLE = """
import sys
from argparse import Namespace
from pathlib import Path
from desktop.ui import application

finish = application._finish_check
def at_idle(*args, **kwargs):
    print("modules", sorted(m for m in sys.modules if m.startswith(("desktop", "babel", "reportlab"))))
    finish(*args, **kwargs)
application._finish_check = at_idle
sys.exit(application.run_gui(Namespace(check_startup=True), Path(sys.argv[1])))
"""


def test_the_first_screen_loads_only_what_it_shows(db_path):
    """The member search and the empty editor: the offers' lifecycle, the offer editor, the
    documents, babel and reportlab wait for the first use of what needs them."""
    done = _start_in_its_own_process(_MODULES_AT_IDLE, db_path)
    loaded = next(line for line in done.stdout.splitlines() if line.startswith("modules "))
    assert "desktop.ui.main_window" in loaded  # the list is the real one
    for later in (
        "desktop.core.offers",
        "desktop.core.pricing",
        "desktop.ui.offer_editor",
        "desktop.ui.offers_list",
        "desktop.documents",
        "babel",
        "reportlab",
    ):
        assert f"'{later}" not in loaded, later
