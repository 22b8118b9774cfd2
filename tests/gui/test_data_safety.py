"""What the Fichier menu writes never lands on the database the window works on."""

from __future__ import annotations

import sqlite3

from desktop.core.quote import LineRequest
from desktop.ui.backend import Draft


def test_exporting_offers_onto_the_database_file_is_refused_and_loses_nothing(
    qtbot, window, backend, dialogs, db_path
):
    backend.save_settings(backend.settings().with_changes(device_code="LAP1", seller_name="Anne Dupont"))
    member = backend.index.search("nivelles")[0]
    draft = Draft(member_id=member.id, lines=(LineRequest("delib", {}),))
    saved = backend.save_draft(None, draft, backend.quote(draft))
    offer = backend.offers.finalise(saved.id, lambda o: b"%PDF-1.4 essai")
    for picked in (db_path, f"{db_path}-wal"):
        window.export_offers_action.trigger()  # « Exporter des offres… », the database picked
        dialogs.script("save_file", str(picked))
        window.exchange.form.ok_button.click()
        qtbot.waitUntil(lambda: not window.exchange.running, timeout=15_000)
        assert window.bar.text.startswith("Export impossible :"), window.bar.text
        assert "base de données" in window.bar.text and "Choisissez un autre nom" in window.bar.text
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
        assert conn.execute("SELECT number FROM offers WHERE id = ?", (offer.id,)).fetchone() == (offer.number,)
    finally:
        conn.close()
    assert backend.offers.get(offer.id).number == offer.number  # the window still works on it
