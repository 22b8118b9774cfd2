"""The log file rotates by size and keeps a fixed number of old files."""

from __future__ import annotations

import logging
from pathlib import Path

from desktop.logging_setup import SizeRotatingFileHandler


def _record(text: str) -> logging.LogRecord:
    return logging.LogRecord("desktop.essai", logging.INFO, __file__, 1, text, None, None)


def test_the_file_rotates_before_it_would_exceed_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "comptoir.log"
    handler = SizeRotatingFileHandler(path, max_bytes=200, backups=2)
    try:
        for i in range(30):
            handler.emit(_record(f"ligne {i:02d} " + "é" * 20))
        handler.flush()
        names = sorted(p.name for p in tmp_path.iterdir())
        assert names == ["comptoir.log", "comptoir.log.1", "comptoir.log.2"]  # no .3: dropped
        for p in tmp_path.iterdir():
            assert p.stat().st_size <= 200
        assert "ligne 29" in path.read_text(encoding="utf-8")  # the newest is in the live file
        assert "ligne 29" not in (tmp_path / "comptoir.log.1").read_text(encoding="utf-8")
        older = (tmp_path / "comptoir.log.2").read_text(encoding="utf-8")
        newer = (tmp_path / "comptoir.log.1").read_text(encoding="utf-8")
        assert older < newer  # .1 is the most recent old file
    finally:
        handler.close()


def test_no_backups_means_the_file_starts_again(tmp_path: Path) -> None:
    path = tmp_path / "comptoir.log"
    handler = SizeRotatingFileHandler(path, max_bytes=100, backups=0)
    try:
        for i in range(10):
            handler.emit(_record(f"ligne {i} " + "x" * 30))
        handler.flush()
        assert [p.name for p in tmp_path.iterdir()] == ["comptoir.log"]
        assert path.stat().st_size <= 100
    finally:
        handler.close()


def test_a_small_file_is_written_as_is(tmp_path: Path) -> None:
    path = tmp_path / "comptoir.log"
    handler = SizeRotatingFileHandler(path, max_bytes=10_000, backups=3)
    try:
        handler.emit(_record("Message accentué : Liège"))
        handler.flush()
        assert path.read_text(encoding="utf-8") == "Message accentué : Liège\n"
        assert [p.name for p in tmp_path.iterdir()] == ["comptoir.log"]
    finally:
        handler.close()


def test_text_that_is_not_utf8_is_written_escaped(tmp_path: Path) -> None:
    """A command line typed in Latin-1 reaches Python as escaped bytes (« caf\\udce9 »): the line
    is logged, never a « Logging error » traceback on the user's terminal instead."""
    path = tmp_path / "comptoir.log"
    handler = SizeRotatingFileHandler(path, max_bytes=10_000, backups=3)
    try:
        handler.emit(_record("Commande : members search caf\udce9"))
        handler.flush()
        assert path.read_text(encoding="utf-8") == "Commande : members search caf\\udce9\n"
    finally:
        handler.close()
