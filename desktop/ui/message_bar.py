"""A non-blocking message bar: errors a user can fix, offers ("Rouvrir le brouillon ?")."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from desktop.core.format import french_spaces
from desktop.ui.tones import Tone, surface

ACTION_WIDTH = 300  # pixels: the longest text of an action button before it is cut with « … »


class Level(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


def announce(source: QObject, text: str, *, urgent: bool = False) -> None:
    """Has a screen reader (NVDA, Narrator, Orca) say ``text`` now: what appears away from
    the keyboard's place (a message, a search's results), which it would not read by itself.
    ``urgent`` interrupts what it is saying (an error), else it waits its turn."""
    # imported here: the binding builds the many enums of QAccessible on first import, a
    # cost for the first message, not for every start
    from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

    event = QAccessibleAnnouncementEvent(source, text)
    politeness = QAccessible.AnnouncementPoliteness
    event.setPoliteness(politeness.Assertive if urgent else politeness.Polite)
    QAccessible.updateAccessibility(event)


class MessageBar(QFrame):
    """Shows one message at a time, with optional action buttons; never steals focus."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.level = Level.INFO
        self.lasting = False  # stays when another offer is opened (see ``dismiss_passing``)
        # the window's first Tab stop: the buttons come right after it, not after every
        # other widget (they are created long after the window's own)
        self.tab_anchor: QWidget | None = None
        self._text = ""
        self._label = QLabel()
        self._label.setTextFormat(Qt.TextFormat.PlainText)  # names and typed text, never markup
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._actions = QHBoxLayout()
        self._actions.setSpacing(6)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Fermer ce message")
        close.setAccessibleName("Fermer ce message")  # « ✕ » is no word to a screen reader
        close.setAutoRaise(True)
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        close.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self._label, 1)
        layout.addLayout(self._actions)
        layout.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self.hide()

    @property
    def text(self) -> str:
        return self._text

    def show_message(
        self,
        text: str,
        level: Level = Level.INFO,
        *,
        actions: tuple[tuple[str, Callable[[], None]], ...] = (),
        timeout_ms: int = 0,
        lasting: bool = False,
    ) -> None:
        """``lasting``: a message about the application rather than the offer on screen (a
        setting to correct, a failed start-up copy), kept when another offer is opened."""
        self._clear_actions()
        self.level = level
        self.lasting = lasting
        self.retone()
        self._text = text
        self._label.setText(french_spaces(text))  # a wrapped line never starts with « : »
        for label, callback in actions:
            button = QPushButton()
            # A member's name is text, not a shortcut marker (« VHP & Plateau »), and however
            # long it is the buttons must not widen the window past the screen.
            shown = button.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight, ACTION_WIDTH)
            button.setText(shown.replace("&", "&&"))
            if shown != label:
                button.setToolTip(label)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setAutoDefault(True)  # Enter presses it once Tab is on it, as Space does
            button.clicked.connect(lambda _=False, cb=callback: self._run(cb))
            self._actions.addWidget(button)
        previous = self.tab_anchor
        if previous is not None and previous.window() is self.window():
            for button in self.action_buttons():
                QWidget.setTabOrder(previous, button)
                previous = button
        self._timer.stop()
        if timeout_ms:
            self._timer.start(timeout_ms)
        self.show()
        announce(self._label, text, urgent=level in (Level.WARNING, Level.ERROR))

    def retone(self) -> None:
        """The palette's light or dark panel of the level; the close button in the text's
        colour (the window's own, white on a dark theme, vanished on the pale panel)."""
        bg, fg, border = (c.name() for c in surface(Tone(self.level.value)))
        self.setStyleSheet(
            f"#messageBar {{ background: {bg}; border: 1px solid {border}; border-radius: 4px; }}"
            f"#messageBar QLabel, #messageBar QToolButton {{ color: {fg}; }}"
        )

    def info(self, text: str, timeout_ms: int = 6000) -> None:
        self.show_message(text, Level.INFO, timeout_ms=timeout_ms)

    def success(self, text: str, timeout_ms: int = 4000) -> None:
        self.show_message(text, Level.SUCCESS, timeout_ms=timeout_ms)

    def warning(self, text: str) -> None:
        self.show_message(text, Level.WARNING)

    def error(self, text: str) -> None:
        self.show_message(text, Level.ERROR)

    def action_buttons(self) -> list[QPushButton]:
        return [
            w
            for i in range(self._actions.count())
            if isinstance(w := getattr(self._actions.itemAt(i), "widget", lambda: None)(), QPushButton)
        ]

    def dismiss_passing(self) -> None:
        """Another offer is opened or started: what was said before goes (about the previous
        offer, or the draft of last time, now in the offers list); a lasting message stays."""
        if not self.isHidden() and not self.lasting:
            self.dismiss()

    def dismiss(self) -> None:
        self._timer.stop()
        self._clear_actions()
        self.hide()
        self.closed.emit()

    def _run(self, callback: Callable[[], None]) -> None:
        self.dismiss()
        callback()

    def _clear_actions(self) -> None:
        while self._actions.count():
            item = self._actions.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:  # gone at once, not when the loop gets to deleteLater
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
