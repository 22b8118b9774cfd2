"""A disk that fails under the open window (the USB key holding the database pulled out, a
network share gone): each action says so in French where the user looks and leaves the window
as it was, editable; never the crash dialog, never an action left half done."""

from __future__ import annotations

import sqlite3

import pytest

from desktop.core.offers import OfferState
from desktop.store.faults import map_error

KEY_PULLED = "erreur de lecture ou d'écriture sur le disque"


def unreadable(doing: str):  # type: ignore[no-untyped-def]
    """A store read failing as SQLite reports a medium gone, mapped as the store maps it."""

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise map_error(sqlite3.OperationalError("disk I/O error"), doing)

    return fail


@pytest.fixture
def ready_window(ready_window):
    assert ready_window.session.save_now()  # stored before the disk fails
    return ready_window


def act(window, key):  # type: ignore[no-untyped-def]
    window._fill_offer_menu()
    action = window.documents._actions[key]
    assert action.isEnabled(), key
    action.trigger()


def test_print_and_save_as_pdf_say_a_store_that_cannot_be_read(ready_window, backend, monkeypatch):
    """« Aperçu » said it in the bar; « Imprimer » and « Enregistrer en PDF » showed the crash
    dialog."""
    w = ready_window
    monkeypatch.setattr(backend, "settings", unreadable("lire les réglages"))
    for action in (w.print_action, w.pdf_action):
        w.bar.dismiss()
        action.trigger()
        assert w.bar.text == (
            f"Impossible de lire les réglages : {KEY_PULLED}. Vérifiez le support (clé retirée, "
            "disque réseau coupé) puis réessayez."
        )
        assert w.documents.preview_widget is None


def test_ctrl_n_with_the_settings_unreadable_keeps_the_offer_shown(ready_window, backend, monkeypatch):
    """The new offer takes its budget defaults from the settings: the crash dialog, when they
    could not be read."""
    w = ready_window
    shown = w.session.offer
    monkeypatch.setattr(backend, "settings", unreadable("lire les réglages"))
    w.new_action.trigger()
    assert w.bar.text.startswith("Nouvelle offre non ouverte : Impossible de lire les réglages")
    assert KEY_PULLED in w.bar.text
    assert w.session.offer is shown and [x.product for x in w.session.draft.lines] == ["delib", "gpec"]
    monkeypatch.undo()  # the key is back: the same key works
    w.new_action.trigger()
    assert w.session.offer is None and w.session.draft.lines == ()


def test_ctrl_n_with_the_key_pulled_lets_no_edit_go(qtbot, ready_window, backend, dialogs, monkeypatch):
    """The draft and the settings unreadable alike: « Continuer sans enregistrer » let the edit
    go, then the new offer did not open; the edit stayed on screen, and closing once the key
    was back lost it without a word."""
    w = ready_window
    monkeypatch.setattr(backend, "save_draft", unreadable("enregistrer le brouillon"))
    monkeypatch.setattr(backend, "settings", unreadable("lire les réglages"))
    w.editor.add_product("urban")
    assert not w.session.save_now()
    dialogs.script("confirm", True)  # « Continuer sans enregistrer », were it asked
    w.new_action.trigger()  # Ctrl+N
    assert w.bar.text.startswith("Nouvelle offre non ouverte : Impossible de lire les réglages")
    assert dialogs.asked == [] and w.session.dirty
    monkeypatch.undo()  # the key is back
    dialogs.answers.clear()
    assert w.close()
    assert [x.product for x in backend.get_offer(w.session.offer.id).request.lines] == ["delib", "gpec", "urban"]


def test_the_settings_form_not_read_is_said_and_the_one_open_stays(qtbot, window, backend, monkeypatch):
    w = window
    w.open_settings()
    first = w._settings_dialog
    monkeypatch.setattr(backend, "stored_settings", unreadable("lire les réglages"))
    w.open_settings()  # Ctrl+, again
    assert w.bar.text.startswith("Réglages non ouverts : Impossible de lire les réglages")
    assert w._settings_dialog is first and first.isVisible()
    first.close()


class PulledOut:
    """A confirmation answered « Finaliser », as the key is pulled out meanwhile."""

    def __init__(self, pull) -> None:  # type: ignore[no-untyped-def]
        self._pull = pull

    def __bool__(self) -> bool:
        self._pull()
        return True


def test_a_finalisation_whose_settings_cannot_be_read_leaves_the_draft_editable(
    qtbot, ready_window, backend, dialogs, monkeypatch
):
    """The settings were read again once « Finaliser » was confirmed, after the offer was said
    to be finalising: the read failed, the crash dialog showed, and « Finalisation en cours »
    stayed for good, every edit refused until the window was closed."""
    w = ready_window
    dialogs.script(
        "confirm", PulledOut(lambda: monkeypatch.setattr(backend, "settings", unreadable("lire les réglages")))
    )
    act(w, "finalise")
    assert w.bar.text.startswith("Offre non finalisée : Impossible de lire les réglages")
    assert not w.session.finalising and not w.session.read_only
    assert w.editor.catalogue.isEnabled() and w.finalise_action.isEnabled()
    monkeypatch.undo()
    w.editor.add_product("urban")
    assert w.session.save_now()
    assert [x.product for x in backend.get_offer(w.session.offer.id).request.lines] == ["delib", "gpec", "urban"]
    assert backend.get_offer(w.session.offer.id).number is None  # no number given for nothing


def test_an_order_form_whose_history_cannot_be_read_is_said(qtbot, ready_window, backend, dialogs, monkeypatch):
    w = ready_window
    dialogs.script("confirm", True)
    act(w, "finalise")
    qtbot.waitUntil(lambda: w.session.read_only and not w.session.finalising, timeout=10_000)
    act(w, OfferState.ENVOYEE.value)
    dialogs.script("ask_text", "Collège du 3 mars")
    act(w, OfferState.ACCEPTEE.value)
    monkeypatch.setattr(backend.offers, "audit", unreadable("lire le journal de l'offre"))
    act(w, "contract")
    assert w.bar.text.startswith("Impossible de lire le journal de l'offre")
    assert w.documents.contract_form is None and w.documents.issuing is None
    monkeypatch.undo()
    act(w, "contract")
    assert w.documents.contract_form is not None
    w.documents.contract_form.close()


def test_a_second_program_holding_the_database_is_said_and_the_edit_saved_once_it_lets_go(
    qtbot, ready_window, backend, db_path, monkeypatch
):
    """A second Comptoir (or a command) in the middle of a write: the bar said « Impossible de
    commencer une transaction », database jargon, where it is writing to the database that
    waits for the other program."""
    import desktop.store.database as database

    w = ready_window
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 100)
    backend.db.conn.execute("PRAGMA busy_timeout = 100")
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        w.editor.add_product("urban")
        assert not w.session.save_now()
        assert w.bar.text.startswith(
            "Brouillon non enregistré : Impossible d'écrire dans la base de données ("
        )
        assert "occupée par un autre programme" in w.bar.text and "réessayez" in w.bar.text
        assert w.editor.status.text() == "Brouillon non enregistré"
        other.execute("COMMIT")
        w.save_action.trigger()  # Ctrl+S once the other program is done
        assert w.bar.text == "Brouillon enregistré."
        stored = backend.get_offer(w.session.offer.id)
        assert [x.product for x in stored.request.lines] == ["delib", "gpec", "urban"]
        assert other.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        other.close()


def test_a_restore_asks_before_dropping_the_edit_the_full_disk_refused(
    qtbot, ready_window, backend, dialogs, monkeypatch, tmp_path
):
    """The restore went on without a word: the window on screen, its last edit with it, was
    closed for the restored database, and the copy kept of the database replaced lacked it."""
    from desktop.store import backup

    w = ready_window
    copy = backup.backup(backend.db.path, tmp_path / "vendredi.sqlite3")
    restored: list[object] = []
    w.on_restore = restored.append
    monkeypatch.setattr(backend, "save_draft", unreadable("enregistrer le brouillon"))
    w.editor.add_product("urban")
    for keep_going in (False, True):
        dialogs.script("open_file", str(copy))
        dialogs.script("confirm", True, keep_going)  # « Restaurer », then « sans l'enregistrer ? »
        w.restore_backup()
        qtbot.waitUntil(lambda: not dialogs.answers["confirm"], timeout=10_000)
        assert dialogs.texts[-1].startswith("La dernière modification n'a pas pu être enregistrée : Impossible")
        assert "Si vous restaurez maintenant, elle sera perdue." in dialogs.texts[-1]
        assert restored == ([copy] if keep_going else [])
        assert [x.product for x in w.session.draft.lines] == ["delib", "gpec", "urban"]
    monkeypatch.undo()  # room again: the edit kept on screen is stored
    assert w.session.save_now()
    assert [x.product for x in backend.get_offer(w.session.offer.id).request.lines] == ["delib", "gpec", "urban"]


def test_a_backup_made_while_the_draft_cannot_be_saved_says_what_it_lacks(
    qtbot, ready_window, backend, dialogs, monkeypatch, tmp_path
):
    """« Sauvegarde écrite » was said as for any copy: the last edit on screen, which the store
    refused, was not in it."""
    w = ready_window
    monkeypatch.setattr(backend, "save_draft", unreadable("enregistrer le brouillon"))
    w.editor.add_product("urban")
    dialogs.script("save_file", str(tmp_path / "vendredi.sqlite3"))
    w.save_backup()
    qtbot.waitUntil(lambda: "Sauvegarde écrite" in w.bar.text, timeout=10_000)
    assert w.bar.text.startswith(
        f"Sauvegarde écrite : {tmp_path / 'vendredi.sqlite3'}, sans la dernière modification du "
        "brouillon, qui n'a pas pu être enregistrée (Impossible"
    )
    monkeypatch.undo()  # room again: the edit kept on screen is stored
    assert w.session.save_now()


def test_a_backup_once_the_unsaved_edit_was_let_go_is_said_whole(
    qtbot, ready_window, backend, dialogs, monkeypatch, tmp_path
):
    """« Continuer sans enregistrer », then a new offer and the key back: the backup still
    said it lacked the last edit, the one the user had let go."""
    w = ready_window
    monkeypatch.setattr(backend, "save_draft", unreadable("enregistrer le brouillon"))
    w.editor.add_product("urban")
    assert not w.session.save_now()
    dialogs.script("confirm", True)  # « Continuer sans enregistrer »
    w.new_action.trigger()
    assert w.session.offer is None
    monkeypatch.undo()
    dialogs.script("save_file", str(tmp_path / "vendredi.sqlite3"))
    w.save_backup()
    qtbot.waitUntil(lambda: "Sauvegarde écrite" in w.bar.text, timeout=10_000)
    assert w.bar.text == f"Sauvegarde écrite : {tmp_path / 'vendredi.sqlite3'}"


def test_the_offer_shown_opened_again_once_its_unsaved_edit_was_let_go_is_shown_as_stored(
    qtbot, ready_window, backend, dialogs, monkeypatch
):
    """« Continuer sans enregistrer » on opening the offer shown again from the list: the edit
    let go stayed on screen as if stored, and closing the window lost it without a word."""
    w = ready_window
    monkeypatch.setattr(backend, "save_draft", unreadable("enregistrer le brouillon"))
    w.editor.add_product("urban")
    assert not w.session.save_now()
    dialogs.script("confirm", True)  # « Continuer sans enregistrer »
    w.open_offer(w.session.offer.id)  # Ctrl+O, Entrée on the offer selected there: this one
    assert dialogs.asked == [("confirm", "Brouillon non enregistré")]
    assert [x.product for x in w.session.draft.lines] == ["delib", "gpec"]
    assert [x.product for x in backend.get_offer(w.session.offer.id).request.lines] == ["delib", "gpec"]
