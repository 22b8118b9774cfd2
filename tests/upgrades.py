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
