"""What a screen reader (NVDA, Narrator, Orca) gets: every control named in French, a form's
message said with its field, what appears away from the keyboard said as it appears."""

from __future__ import annotations

import pytest
from a11y_checks import accessible_name, unnamed
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QFormLayout, QLineEdit, QToolButton, QWidget

from desktop.ui.message_bar import Level, MessageBar


@pytest.fixture
def spoken(monkeypatch):
    """What the application asks the screen reader to say: (text, interrupts)."""
    said: list[tuple[str, bool]] = []
    real = QAccessible.updateAccessibility

    def record(event):  # type: ignore[no-untyped-def]
        if event.type() == QAccessible.Event.Announcement:
            urgent = event.politeness() == QAccessible.AnnouncementPoliteness.Assertive
            said.append((event.message(), urgent))
        real(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", record)
    return said


def open_member(window, text):  # type: ignore[no-untyped-def]
    member = window.backend.index.search(text)[0]
    window.members.show_member(member.id)
    window.members.member_opened.emit(member.id)
    return member


def test_the_check_lists_a_field_whose_label_is_not_its_buddy(qtbot):
    top = QWidget()
    qtbot.addWidget(top)
    form = QFormLayout(top)
    named, boxed, icon = QLineEdit(), QLineEdit(), QToolButton()
    form.addRow("&Nom :", named)  # the label is its buddy: read as its name, without the &
    box = QWidget()
    box.setObjectName("box")
    QFormLayout(box).addRow(boxed)
    form.addRow("Code :", box)  # the label's buddy is the box, not the field in it
    icon.setText("✕")
    form.addRow(icon)
    assert accessible_name(named) == "Nom :"
    assert unnamed(top) == ["QLineEdit «  » box", "QToolButton « ✕ »"]


def test_the_message_bar_is_said_and_its_close_button_named(qtbot, spoken):
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show()
    [close] = bar.findChildren(QToolButton)
    assert accessible_name(close) == "Fermer ce message"
    bar.show_message("Brouillon enregistré.", Level.SUCCESS)
    bar.show_message("Export impossible : le dossier n'existe pas.", Level.ERROR)
    assert spoken == [
        ("Brouillon enregistré.", False),  # waits for what is being said
        ("Export impossible : le dossier n'existe pas.", True),  # interrupts it
    ]
