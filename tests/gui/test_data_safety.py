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


def test_a_damaged_database_is_said_at_start_and_its_copy_not_kept(
    qtbot, db_path, runner, dialogs, ui_state_path
):
    from forged import damage_quietly

    from desktop.store.backup import backup_at_start, backup_dir, list_backups
    from desktop.ui.application import Startup

    good = backup_at_start(db_path)
    damage_quietly(db_path)  # a page no start-up query reads: the window still opens
    startup = Startup(db_path, runner, dialogs, settings_path=ui_state_path)
    startup.start()
    qtbot.waitUntil(lambda: startup.window is not None, timeout=10_000)
    try:
        qtbot.waitUntil(lambda: "endommagée" in startup.window.bar.text, timeout=5000)
        text = startup.window.bar.text
        assert startup.window.bar.level.value == "error"
        assert "Restaurer la base" in text and "corruption" not in text
        assert list_backups(backup_dir(db_path), "demarrage") == [good]
    finally:
        startup.window.close()
        runner.wait_idle(5000)
        startup.backend.close()
        startup.lock.release()


def test_the_start_up_restore_offers_this_database_s_copies_first(
    qtbot, db_path, runner, dialogs, ui_state_path
):
    from desktop.store.backup import backup_at_start, backup_dir
    from desktop.ui.application import Startup

    own = backup_at_start(db_path)
    assert own is not None and own.name.startswith(f"{db_path.stem}-")
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 3])  # unreadable: the start offers a restore
    failed = []
    startup = Startup(db_path, runner, dialogs, settings_path=ui_state_path)
    startup.failed.connect(failed.append)
    dialogs.script("confirm", True, False)
    dialogs.script("open_file", None)  # the dialog is closed without a choice: asked again, then quit
    startup.start()
    qtbot.waitUntil(lambda: bool(failed), timeout=10_000)
    startup.lock.release()
    assert dialogs.folders == [str(backup_dir(db_path))]
    first = dialogs.filters[0].split(";;")[0]
    assert first == f"Sauvegardes de {db_path.name} ({db_path.stem}-*.sqlite3)"
    assert "*.sqlite3 *.db" in dialogs.filters[0]  # older copies and any other file stay reachable
