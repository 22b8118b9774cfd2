"""Unexpected errors reach a report with what to send; user errors get a non-blocking bar."""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QApplication

from desktop.ui.crash import CrashDialog, CrashHandler, build_report
from desktop.ui.message_bar import Level, MessageBar
from desktop.ui.qt_logging import (
    ProblemCounter,
    install_qt_message_handler,
    uninstall_qt_message_handler,
)


def _raise_and_capture():
    try:
        raise RuntimeError("panne simulée")
    except RuntimeError:
        return sys.exc_info()


def test_report_has_version_platform_traceback_and_log_tail():
    from desktop.logging_setup import configure_logging

    log_file = configure_logging()  # COMPTOIR_LOG_DIR: this test's own folder
    logging.getLogger("essai").error("ligne juste avant la panne")
    report = build_report(*_raise_and_capture())
    from desktop import __version__

    assert f"Comptoir {__version__}" in report
    assert "Système :" in report
    assert "RuntimeError: panne simulée" in report
    assert "ligne juste avant la panne" in report
    assert str(log_file) in report


def test_crash_handler_logs_and_shows_once(qtbot, caplog):
    shown = []
    handler = CrashHandler(show=shown.append)
    handler.install()
    try:
        with caplog.at_level(logging.CRITICAL):
            sys.excepthook(*_raise_and_capture())
    finally:
        handler.uninstall()
    assert handler.count == 1
    assert len(shown) == 1 and "panne simulée" in shown[0]
    assert any("Erreur inattendue" in r.message for r in caplog.records)


def test_an_error_reported_on_a_worker_thread_is_logged_not_shown(qtbot, caplog):
    """The binding reports an error of a QRunnable's own code on the worker: no dialog and no
    emergency save from there (the window's objects belong to the GUI thread)."""
    import threading

    shown: list[str] = []
    saved: list[bool] = []
    handler = CrashHandler(show=shown.append)
    handler.before_report.append(lambda: saved.append(True))
    handler.install()
    try:
        with caplog.at_level(logging.CRITICAL):
            worker = threading.Thread(target=lambda: sys.excepthook(*_raise_and_capture()), name="ouvrier")
            worker.start()
            worker.join()
    finally:
        handler.uninstall()
    assert handler.count == 1 and shown == [] and saved == []
    assert any("Erreur inattendue dans le fil ouvrier" in r.getMessage() for r in caplog.records)


def test_crash_dialog_copies_the_report(qtbot):
    dialog = CrashDialog("rapport d'essai")
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == "rapport d'essai"
    assert dialog.copy_button.text() == "Rapport copié"


def test_message_bar_actions_run_and_close(qtbot):
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show()
    done = []
    bar.show_message("Rouvrir ?", Level.INFO, actions=(("Rouvrir le brouillon", lambda: done.append(1)),))
    assert bar.isVisible() and bar.text == "Rouvrir ?"
    [button] = bar.action_buttons()
    button.click()
    assert done == [1]
    assert not bar.isVisible()


def test_message_bar_buttons_show_names_as_written_and_stay_short(qtbot):
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show()
    short = "Nouvelle offre pour VHP & Plateau"
    long = "Passer cette offre à " + "Association intercommunale de la Très Longue Dénomination " * 2
    bar.show_message("L'offre en cours est pour Nivelles.", actions=((short, bool), (long, bool)))
    first, second = bar.action_buttons()
    assert first.text() == "Nouvelle offre pour VHP && Plateau"  # shown « VHP & Plateau »
    assert first.toolTip() == ""
    assert second.text().endswith("…") and second.toolTip() == long
    assert second.sizeHint().width() < 360
    assert bar.sizeHint().width() < 900  # the window is not pushed past a laptop's screen


def test_qt_warnings_are_logged_and_counted(qtbot):
    from PySide6.QtCore import qWarning

    counter = ProblemCounter()
    logging.getLogger().addHandler(counter)
    install_qt_message_handler()
    try:
        qWarning("avertissement Qt d'essai")
    finally:
        uninstall_qt_message_handler()
        logging.getLogger().removeHandler(counter)
    assert counter.count == 1
    assert "avertissement Qt d'essai" in counter.first[0]


def test_a_crash_saves_the_pending_edit_before_reporting(qtbot, window, backend):
    member = backend.index.search("nivelles")[0]
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    assert window.session.dirty  # the autosave timer has not fired yet
    shown = []
    handler = CrashHandler(show=shown.append)
    handler.before_report.append(window.shutdown)
    handler.handle(*_raise_and_capture())
    assert shown and not window.session.dirty
    stored = backend.get_offer(window.session.offer.id)
    assert [line.product for line in stored.request.lines] == ["delib"]


def test_closing_with_an_edit_that_cannot_be_saved_asks_and_the_bar_clears_once_saved(
    qtbot, window, backend, dialogs, monkeypatch
):
    """A full disk: the window closed without a word and the last edit was lost; and once
    space was freed, « Brouillon non enregistré » stayed in the bar under « enregistré »."""
    from desktop.core.errors import StorageError

    window.show()
    member = backend.index.search("nivelles")[0]
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    assert window.session.save_now()
    real = backend.save_draft

    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise StorageError("Disque plein : libérez de la place.")

    monkeypatch.setattr(backend, "save_draft", full)
    window.editor.add_product("gpec")
    dialogs.script("confirm", False)  # « Ne pas fermer »
    assert not window.close() and window.isVisible()
    assert "Disque plein" in dialogs.texts[-1] and "sera perdue" in dialogs.texts[-1]
    assert window.bar.text.startswith("Brouillon non enregistré : Disque plein")
    assert window.editor.status.text() == "Brouillon non enregistré"  # not « Enregistrement automatique… »
    monkeypatch.setattr(backend, "save_draft", real)  # room again
    assert window.session.save_now() and window.bar.isHidden()
    stored = backend.offers.get(window.session.offer.id)
    assert [line.product for line in stored.request.lines] == ["delib", "gpec"]
    monkeypatch.setattr(backend, "save_draft", full)
    window.editor.add_product("urban")
    dialogs.script("confirm", True)  # « Fermer sans enregistrer »: the user's choice
    assert window.close()


def test_another_offer_waits_while_the_one_shown_cannot_be_saved(qtbot, window, backend, dialogs, monkeypatch):
    """A full disk, then Ctrl+N or another draft opened: the edit that could not be written
    was dropped with its undo history, the new offer shown in its place."""
    from desktop.core.errors import StorageError

    member = backend.index.search("nivelles")[0]
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    assert window.session.save_now()
    other = backend.save_draft(None, window.session.draft, window.session.quote)
    real = backend.save_draft

    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise StorageError("Disque plein : libérez de la place.")

    monkeypatch.setattr(backend, "save_draft", full)
    window.editor.add_product("gpec")
    shown = window.session.offer
    dialogs.script("confirm", False, False)  # « Rester sur ce brouillon », twice
    window.new_action.trigger()  # Ctrl+N
    window.open_offer(other.id)
    assert window.session.offer is shown
    assert [line.product for line in window.session.draft.lines] == ["delib", "gpec"]
    assert window.session.undo_stack.undoText() == "Ajouter iA.GPEC"
    assert window.bar.text.startswith("Brouillon non enregistré : Disque plein")
    monkeypatch.setattr(backend, "save_draft", real)  # room again: the same keys work
    window.new_action.trigger()
    assert window.session.draft.lines == ()
    stored = backend.offers.get(shown.id)
    assert [line.product for line in stored.request.lines] == ["delib", "gpec"]


def test_a_draft_finalised_from_the_command_line_does_not_hold_the_window(window, backend, dialogs):
    """The draft shown was finalised by ``comptoir offers finalize`` meanwhile: its next edit
    can never be saved, and Ctrl+N or any other offer opened was refused until the window was
    closed. The user is asked, and may stay or go on without the edit."""
    from dataclasses import replace

    member = backend.index.search("nivelles")[0]
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    assert window.session.save_now()
    shown = window.session.offer
    backend.save_settings(replace(backend.stored_settings(), device_code="LAP1"))
    frozen = backend.offers.finalise(shown.id, lambda o: b"%PDF-1.4 essai")
    window.editor.add_product("gpec")
    assert not window.session.save_now()
    dialogs.script("confirm", False)  # « Rester sur ce brouillon »
    window.new_action.trigger()  # Ctrl+N
    assert window.session.offer is shown and window.session.undo_stack.undoText() == "Ajouter iA.GPEC"
    assert "Cette offre est finalisée" in dialogs.texts[-1]
    dialogs.script("confirm", True)  # « Continuer sans enregistrer »
    window.open_offer(frozen.id)
    assert window.session.offer.number == frozen.number and window.session.read_only
    assert window.bar.isHidden() or not window.bar.text.startswith("Brouillon non enregistré")
    window.new_action.trigger()
    assert window.session.offer is None and window.session.draft.lines == ()
    assert [line.product for line in backend.offers.get(frozen.id).request.lines] == ["delib"]


def _draft_of_nivelles(window, backend, *products: str):  # type: ignore[no-untyped-def]
    member = backend.index.search("nivelles")[0]
    window.members.member_opened.emit(member.id)
    for code in products:
        window.editor.add_product(code)
    assert window.session.save_now()
    return window.session.offer


def test_a_draft_changed_from_the_command_line_is_not_written_over(window, backend, db_path, dialogs):
    """``comptoir offers override`` lifted a blocking point of the draft shown: the window's
    next autosave wrote its own copy over it and the dérogation was gone without a word. The
    save is refused and said; Ctrl+S keeps the window's version when the user wants it."""
    from desktop.store.database import open_database
    from desktop.store.offers_repo import OfferRepository

    shown = _draft_of_nivelles(window, backend, "delib", "delib")
    with open_database(db_path, seed=False) as script:
        OfferRepository(script).set_overrides(shown.id, {"duplicate:delib": "deux organes"})
        window.editor.add_product("gpec")
        assert not window.session.save_now()
        stored = OfferRepository(script).get(shown.id)
        assert stored.request.overrides == {"duplicate:delib": "deux organes"}
        assert [line.product for line in stored.request.lines] == ["delib", "delib"]
        assert window.bar.text.startswith("Brouillon non enregistré : Ce brouillon a été modifié")
        assert "Ctrl+S" in window.bar.text
        dialogs.script("confirm", False)  # « Ne pas fermer »
        window.close()
        assert "Libérez de la place" not in dialogs.texts[-1]  # the disk is not the reason
        dialogs.script("confirm", False)  # « Rester sur ce brouillon »
        window.new_action.trigger()  # Ctrl+N
        assert "réessaiera" not in dialogs.texts[-1]  # the next autosave would be refused too
        window.save_action.trigger()  # Ctrl+S: the user keeps the window's version
        stored = OfferRepository(script).get(shown.id)
        assert [line.product for line in stored.request.lines] == ["delib", "delib", "gpec"]
        assert stored.request.overrides == {}
        window.editor.add_product("docs")  # the autosave goes on from the version written
        assert window.session.save_now()


def test_a_draft_only_priced_again_meanwhile_is_saved(window, backend, db_path):
    """A draft another program only priced again (a member edited, say) asks for the same:
    the window's edit is saved as before, not refused as a change made elsewhere."""
    from desktop.store.database import open_database

    shown = _draft_of_nivelles(window, backend, "delib")
    with open_database(db_path, seed=False) as script:
        script.conn.execute("UPDATE offers SET updated = ? WHERE id = ?", ("2026-01-02T03:04:05+00:00", shown.id))
    window.editor.add_product("gpec")
    assert window.session.save_now()
    assert [line.product for line in backend.offers.get(shown.id).request.lines] == ["delib", "gpec"]


def test_a_draft_deleted_from_the_command_line_does_not_come_back_unsaid(window, backend, db_path):
    """``comptoir offers delete`` removed the draft shown: the next autosave stored it again
    as a new draft, the deletion undone without a word. It is said; Ctrl+S stores it again."""
    from desktop.store.database import open_database
    from desktop.store.offers_repo import OfferRepository

    shown = _draft_of_nivelles(window, backend, "delib")
    with open_database(db_path, seed=False) as script:
        OfferRepository(script).delete_draft(shown.id)
        window.editor.add_product("gpec")
        assert not window.session.save_now()
        assert OfferRepository(script).find(shown.id) is None
        assert "supprimé par un autre programme" in window.bar.text
        window.save_action.trigger()
        assert [line.product for line in OfferRepository(script).get(shown.id).request.lines] == ["delib", "gpec"]


def test_the_draft_shown_opened_again_from_the_list_keeps_its_last_edit(window, backend):
    """Opening the draft on screen from the offers list read it before its last edit was
    saved: the screen went back to the version before that edit (shown lost), and the next
    edit was refused as « modifié par un autre programme »."""
    shown = _draft_of_nivelles(window, backend, "delib")
    window.editor.add_product("gpec")  # not saved yet: the autosave waits
    assert window.session.dirty
    window.open_offer(shown.id)
    assert [line.product for line in window.session.draft.lines] == ["delib", "gpec"]
    window.editor.add_product("docs")
    assert window.session.save_now(), window.bar.text
    assert [line.product for line in backend.offers.get(shown.id).request.lines] == ["delib", "gpec", "docs"]


def test_ctrl_s_before_anything_was_said_does_not_write_over_a_change_made_elsewhere(window, backend, db_path):
    """A Ctrl+S out of habit, the draft changed by ``comptoir offers override`` meanwhile: the
    dérogation was undone without a word, only a refused autosave having been said before. The
    first Ctrl+S says it as the autosave does; the next one keeps the window's version."""
    from desktop.store.database import open_database
    from desktop.store.offers_repo import OfferRepository

    shown = _draft_of_nivelles(window, backend, "delib", "delib")
    with open_database(db_path, seed=False) as script:
        OfferRepository(script).set_overrides(shown.id, {"duplicate:delib": "deux organes"})
        window.save_action.trigger()
        assert OfferRepository(script).get(shown.id).request.overrides == {"duplicate:delib": "deux organes"}
        assert window.bar.text.startswith("Brouillon non enregistré : Ce brouillon a été modifié")
        window.save_action.trigger()  # told, the user keeps the window's version
        assert OfferRepository(script).get(shown.id).request.overrides == {}
        assert window.bar.text == "Brouillon enregistré."


def test_finalising_does_not_freeze_a_change_made_elsewhere_that_the_screen_does_not_show(
    qtbot, ready_window, backend, db_path, dialogs
):
    """With no edit waiting, « Finaliser » froze the draft as stored: a line or a dérogation
    another program (``comptoir offers override``) had just added went on the numbered PDF
    though the screen did not show it. The change is said first, as for a save, and nothing is
    numbered; Ctrl+S then keeps the window's version, which finalises as shown."""
    from dataclasses import replace

    from desktop.core.quote import LineRequest
    from desktop.store.database import open_database
    from desktop.store.offers_repo import OfferRepository

    window = ready_window
    assert window.session.save_now()
    shown = window.session.offer
    with open_database(db_path, seed=False) as script:
        more = replace(shown.request, lines=(*shown.request.lines, LineRequest("docs", {})))
        OfferRepository(script).save_draft(replace(shown, request=more), seen=shown)
    assert not window.session.dirty
    window.finalise_action.trigger()
    assert dialogs.asked == []  # said before « Finaliser ? », not after it
    assert window.bar.text.startswith("Offre non finalisée : Ce brouillon a été modifié")
    assert "figerait ce que votre écran ne montre pas" in window.bar.text
    assert window.bar.text.endswith("gardez la vôtre avec Ctrl+S, puis finalisez.")
    stored = backend.offers.get(shown.id)
    assert stored.is_draft and len(stored.request.lines) == 3  # the other program's version, kept
    window.save_action.trigger()  # told, the user keeps the window's version
    assert window.bar.text == "Brouillon enregistré."
    dialogs.script("confirm", True)
    window.finalise_action.trigger()
    qtbot.waitUntil(lambda: "finalisée" in window.bar.text, timeout=20_000)
    frozen = backend.offers.get(shown.id)
    assert frozen.number and [ln.product for ln in frozen.request.lines] == ["delib", "gpec"]


def test_a_new_offer_says_where_the_previous_one_is_and_brings_it_back_in_one_click(window, backend):
    """Ctrl+N typed for another shortcut: the offer built went from the screen, its undo history
    with it, and nothing said it was kept. The bar says so and « Y revenir » reopens it."""
    shown = _draft_of_nivelles(window, backend, "delib")
    window.new_action.trigger()
    assert window.session.offer is None
    assert window.bar.text.endswith(". L'offre précédente (Nivelles) reste dans Offres enregistrées.")
    [back] = window.bar.action_buttons()
    assert back.text() == "Y revenir"
    back.click()
    assert window.session.offer.id == shown.id
    assert [line.product for line in window.session.draft.lines] == ["delib"]
    window.new_action.trigger()
    window.new_action.trigger()  # from an empty new offer: nothing to come back to
    assert "précédente" not in window.bar.text and not window.bar.action_buttons()


def test_a_new_offer_typed_before_the_first_autosave_still_brings_the_previous_one_back(window, backend):
    """A product added and Ctrl+N within the half second before the first autosave: the offer
    was stored as the window left it, but the bar said only « Nouvelle offre. », with no way
    back to it."""
    member = backend.index.search("nivelles")[0]
    window.members.member_opened.emit(member.id)
    window.editor.add_product("delib")
    assert window.session.offer is None  # its first save still to come
    window.new_action.trigger()
    assert window.bar.text.endswith(". L'offre précédente (Nivelles) reste dans Offres enregistrées.")
    [back] = window.bar.action_buttons()
    back.click()
    assert [line.product for line in window.session.draft.lines] == ["delib"]


def test_y_revenir_to_an_offer_deleted_since_says_so_without_its_identifier(window, backend, db_path):
    """The previous draft deleted meanwhile (the list, the command line): « Y revenir » said
    « Aucune offre n'a l'identifiant 3f9c… », a code the user never sees anywhere else."""
    from desktop.store.database import open_database
    from desktop.store.offers_repo import OfferRepository

    shown = _draft_of_nivelles(window, backend, "delib")
    window.new_action.trigger()
    with open_database(db_path, seed=False) as script:
        OfferRepository(script).delete_draft(shown.id)
    [back] = window.bar.action_buttons()
    back.click()
    assert shown.id not in window.bar.text
    assert window.bar.text.startswith("Cette offre n'est plus enregistrée : elle a été supprimée")
    assert window.session.offer is None and not window.session.draft.lines  # the new one stays


def test_a_finalisation_refused_after_the_user_moved_on_leaves_the_offer_shown_alone(ready_window):
    """The refusal of a draft changed elsewhere lets the next Ctrl+S write over that change:
    for the offer being finalised, not another one the user opened while it was being checked."""
    from desktop.core.errors import ChangedElsewhere

    w = ready_window
    assert w.session.save_now()
    w.session.set_finalising("une-autre-offre")
    w.documents._finalise_failed(ChangedElsewhere("Ce brouillon a été modifié par un autre programme."))
    assert not w.session.save_refused
    w.session.set_finalising(w.session.offer.id)
    w.documents._finalise_failed(ChangedElsewhere("Ce brouillon a été modifié par un autre programme."))
    assert w.session.save_refused


def test_a_finalisation_refused_does_not_let_ctrl_s_write_over_the_next_offer_opened(
    ready_window, backend, db_path
):
    """« Finaliser » refused for a change made elsewhere lets Ctrl+S keep the window's version
    of that draft: the user who then opened another draft, changed elsewhere too, had its
    first Ctrl+S write over that change without a word, as if it had been said for it."""
    from dataclasses import replace

    from desktop.core.quote import LineRequest
    from desktop.store.database import open_database
    from desktop.store.offers_repo import OfferRepository

    w = ready_window
    assert w.session.save_now()
    first = w.session.offer
    w.new_offer_for(first.member.id)
    w.editor.add_product("docs")
    assert w.session.save_now()
    other = w.session.offer
    w.open_offer(first.id)
    with open_database(db_path, seed=False) as script:
        more = replace(first.request, lines=(*first.request.lines, LineRequest("docs", {})))
        OfferRepository(script).save_draft(replace(first, request=more), seen=first)
        w.finalise_action.trigger()
        assert w.bar.text.startswith("Offre non finalisée : Ce brouillon a été modifié")
        w.open_offer(other.id)
        assert w.session.offer.id == other.id and not w.session.dirty
        gpec = replace(other.request, lines=(*other.request.lines, LineRequest("gpec", {})))
        OfferRepository(script).save_draft(replace(other, request=gpec), seen=other)
        w.save_action.trigger()  # nothing said yet about this one: refused, as any first Ctrl+S
        assert [ln.product for ln in OfferRepository(script).get(other.id).request.lines] == ["docs", "gpec"]
        assert w.bar.text.startswith("Brouillon non enregistré : Ce brouillon a été modifié")
        w.save_action.trigger()  # now said: the window's version is kept
        assert w.bar.text == "Brouillon enregistré."
