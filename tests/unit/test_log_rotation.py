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


def test_a_log_another_process_holds_open_keeps_every_line_and_the_old_files(
    tmp_path: Path, monkeypatch, capsys  # type: ignore[no-untyped-def]
) -> None:
    """Windows renames no file another process holds open: with the window open, a command's
    log could not rotate. Each of its lines was then lost, printed « --- Logging error --- » and
    a traceback on the user's terminal, and shifted the old files one place down (five lines
    emptied the history). The line now goes to the current file; the history stays."""
    import os

    path = tmp_path / "comptoir.log"
    for i, name in enumerate(("comptoir.log.1", "comptoir.log.2"), start=1):
        (tmp_path / name).write_text(f"ancien {i}\n", encoding="utf-8")
    path.write_text("x" * 190 + "\n", encoding="utf-8")
    held = {"open elsewhere": True}
    real_replace, real_remove = os.replace, os.remove

    def windows(action):  # type: ignore[no-untyped-def]
        def act(src, *rest):  # type: ignore[no-untyped-def]
            if held["open elsewhere"] and os.fspath(src) == str(path):
                raise PermissionError(13, "Le processus ne peut pas accéder au fichier", str(src))
            return action(src, *rest)

        return act

    monkeypatch.setattr(os, "replace", windows(real_replace))
    monkeypatch.setattr(os, "remove", windows(real_remove))
    handler = SizeRotatingFileHandler(path, max_bytes=200, backups=2)
    try:
        for i in range(6):
            handler.emit(_record(f"ligne {i}"))
        handler.flush()
        live = path.read_text(encoding="utf-8")
        assert all(f"ligne {i}" in live for i in range(6))
        assert (tmp_path / "comptoir.log.1").read_text(encoding="utf-8") == "ancien 1\n"
        assert (tmp_path / "comptoir.log.2").read_text(encoding="utf-8") == "ancien 2\n"
        assert capsys.readouterr().err == ""

        held["open elsewhere"] = False  # the other process is gone: the next line rotates
        handler.emit(_record("ligne 6"))
        handler.flush()
        assert path.read_text(encoding="utf-8") == "ligne 6\n"
        assert "ligne 5" in (tmp_path / "comptoir.log.1").read_text(encoding="utf-8")
        assert (tmp_path / "comptoir.log.2").read_text(encoding="utf-8") == "ancien 1\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "comptoir.log", "comptoir.log.1", "comptoir.log.2"
        ]
    finally:
        handler.close()
