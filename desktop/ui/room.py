"""How large a window may be on the screen it opens on: the screen's free area (without the
task bar) less what the window manager adds around a window (title bar, borders).

On a 1366 x 768 laptop, or 1920 x 1080 at 150 % (1280 x 720), a window sized for a larger
screen has its bottom, and the buttons there, under the task bar.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

WINDOW_FRAME = (16, 48)  # pixels: the borders and the title bar of a window, about


def room(widget: QWidget | None) -> QSize:
    """The largest size of a window opened by ``widget`` (or on the primary screen)."""
    screen = widget.screen() if widget is not None else QGuiApplication.primaryScreen()
    free = screen.availableGeometry()
    return QSize(free.width() - WINDOW_FRAME[0], free.height() - WINDOW_FRAME[1])


def fit(window: QWidget, width: int, height: int, *, near: QWidget | None = None) -> None:
    """Resize ``window`` to ``width`` x ``height``, or less where the screen of ``near`` (its
    parent, by default) has less room."""
    space = room(near if near is not None else (window.parentWidget() or window))
    window.resize(min(width, space.width()), min(height, space.height()))
