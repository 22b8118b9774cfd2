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


def test_one_more_postcode_or_commune_is_said_in_the_singular(qtbot, window, backend):
    """« et 1 autre », « et 2 autres »: French agrees below 2 in the singular."""
    show(window, "62063")  # Liège: five postcodes, four shown
    assert "4031 et 1 autre · " in window.members.card.kind.text()
    seven = next(m for m in backend.index if len(m.commune_ids) == 7)
    window.members.show_member(seven.id)
    assert " et 1 autre" in window.members.card.size_label.text()
    assert " et 1 autres" not in window.members.card.size_label.text()
    eight = next(m for m in backend.index if len(m.commune_ids) == 8)
    window.members.show_member(eight.id)
    assert " et 2 autres" in window.members.card.size_label.text()


def test_a_body_of_one_agent_says_agent_in_the_singular(qtbot, window, backend):
    window.members.create_member()
    dialog = window.members.dialog
    dialog.name.setText("RCA Minuscule")
    dialog.agents.setText("1")
    dialog.source.setText("rapport annuel 2025")
    dialog.ok_button.click()
    card = window.members.card
    assert card.size_label.text().startswith("1 agent (")
    assert "1 agent (" in card.trace.text()
