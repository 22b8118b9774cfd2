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
