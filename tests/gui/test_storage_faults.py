"""A disk that fails under the open window (the USB key holding the database pulled out, a
network share gone): each action says so in French where the user looks and leaves the window
as it was, editable; never the crash dialog, never an action left half done."""

from __future__ import annotations

import sqlite3

import pytest

from desktop.store.faults import map_error

KEY_PULLED = "erreur de lecture ou d'écriture sur le disque"


def unreadable(doing: str):  # type: ignore[no-untyped-def]
    """A store read failing as SQLite reports a medium gone, mapped as the store maps it."""

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise map_error(sqlite3.OperationalError("disk I/O error"), doing)

    return fail


@pytest.fixture
def ready_window(window, backend):
    backend.save_settings(backend.settings().with_changes(device_code="LAP1", seller_name="Anne Dupont"))
    member = backend.index.search("nivelles")[0]
    window.members.show_member(member.id)
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    window.editor.add_product("gpec")
    assert window.session.save_now()
    return window


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
