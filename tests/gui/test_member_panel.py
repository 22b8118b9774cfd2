"""The member panel around its forms: which form is open, what the search and the bar show."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent


def show(window, text):
    member = window.backend.index.search(text)[0]
    window.members.show_member(member.id)
    return member


def test_a_form_opened_over_another_stays_the_open_form(qtbot, window):
    """The first form is deleted after the second one is open: its end forgets only itself."""
    show(window, "nivelles")
    window.members.edit_member()
    first = window.members.dialog
    gone: list[bool] = []
    first.destroyed.connect(lambda *_: gone.append(True))
    window.members.choose_category()
    second = window.members.dialog
    assert second is not first
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.waitUntil(lambda: bool(gone))
    assert window.members.dialog is second
    second.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.waitUntil(lambda: window.members.dialog is None)
