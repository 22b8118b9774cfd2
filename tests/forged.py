"""Bundles and databases damaged on purpose, as a person editing a zip by hand or a failing
disk would, and second paths to a database: shared by the tests of every layer that must
refuse them."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path


def resign_manifest(files: dict[str, bytes]) -> None:
    """Put each file's size and checksum back in the bundle's manifest, as someone editing a
    bundle by hand, and covering their tracks, would."""
    manifest = json.loads(files["manifest.json"])
    for item in manifest["files"]:
        data = files[item["path"]]
        item["size"], item["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode("utf-8")


def damage_quietly(path: Path) -> None:
    """What a failing disk does to a page no start-up query reads: the offers still open,
    SQLite's quick check fails (« Page N: free space corruption »)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'audit_log'").fetchone()
    finally:
        conn.close()
    with open(path, "r+b") as f:
        f.seek((root - 1) * page_size + 1)  # the page's first free block: out of the page
        f.write(b"\xff\xf0")
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone() != ("ok",)
        conn.execute("SELECT count(*) FROM offers").fetchone()  # still opens and reads
    finally:
        conn.close()


def symbolic_link(link: Path, target: Path) -> Path | None:
    """``link`` made a symbolic link to ``target`` (a second path to the same file), or None
    where the system does not let this user make one (Windows without Developer Mode)."""
    try:
        link.symlink_to(target)
    except OSError:
        return None
    return link
