"""A database as the previous version of Comptoir left it, for the tests of an upgrade."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def priced_as_before_discountable(db_path: Path) -> None:
    """iA.AES's support back in the CPAS discount, as versions before ``discountable`` priced
    it: drafts saved now carry that version's figures."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "UPDATE component SET params = json_remove(params, '$.discountable') WHERE product = 'aes'"
        )
    conn.close()


def seeded_by_the_previous_version(db_path: Path) -> None:
    """Its seed files recorded as another version's: the next opening loads this version's."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE seed_state SET checksum = 'version-precedente' WHERE name LIKE 'tariff:%'")
    conn.close()


def before_former_communes(db_path: Path) -> None:
    """The database as versions before the former communes of a merger left it: no table for
    them, the directory seeded from the files of ``db/belgium`` but the mergers file, and the
    drafts' members saved without them."""
    from desktop.paths import db_seed_dir
    from desktop.store.seed import DIRECTORY_PART, MERGERS_FILE, checksum

    root = db_seed_dir()
    files = [f for f in (root / "belgium").glob("*.csv") if f.name != MERGERS_FILE]
    conn = sqlite3.connect(db_path)
    with conn:
        # the member of a draft as saved then: without them
        conn.execute(
            "UPDATE offers SET member_json = json_remove(member_json, '$.former_communes')"
            " WHERE member_json IS NOT NULL"
        )
        conn.execute("DROP TABLE former_commune")
        conn.execute("DELETE FROM schema_version WHERE name = 'former_communes'")
        conn.execute(
            "UPDATE seed_state SET checksum = ? WHERE name = ?", (checksum(files, root), DIRECTORY_PART)
        )
    conn.close()


def head_office_catalogue(db_path: Path, out: Path) -> None:
    """A catalogue exported by head office, whose directory is built from its own files of
    ``db/belgium`` (Genappe's population of a later count, 14 990, police zone 5267 renamed
    « Nivelles-Genappe ») and holds a body it created (« IDEA »)."""
    from desktop.store.bundles import export_catalogue
    from desktop.store.database import open_database
    from desktop.store.members_repo import MemberRepository

    copy = out.with_name(out.stem + "-siege.db")
    source = sqlite3.connect(db_path)
    target = sqlite3.connect(copy)
    with target:
        source.backup(target)
    source.close()
    target.close()
    head_office = open_database(copy, backup_first=False)
    try:
        with head_office.transaction() as conn:
            conn.execute("UPDATE member SET ref_size = 14990 WHERE id = 'commune:25031'")
            conn.execute("UPDATE member SET ref_size = 43873, name = 'Nivelles-Genappe' WHERE id = 'zp:5267'")
        MemberRepository(head_office).create("intercommunale", "IDEA", size=320, source="bilan social")
        export_catalogue(head_office, out, device="SIEGE")
    finally:
        head_office.close()
