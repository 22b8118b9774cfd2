"""Colours that mean something (a warning, an error, a hint in grey), taken from the palette in
use, so that they read on a light theme and on a dark one (Windows dark mode, GNOME's dark
style) alike: never dark grey on dark grey, nor white on a pale banner.

- ``colour(tone)``: the colour of a tone's text, for item models; ``css(tone)`` for rich text;
- ``set_tone(widget, tone)``: a label writes in that colour (its palette, not a style sheet,
  which would fix the colour and override the font a style sheet sets beside it);
- ``surface(tone)``: background, text and border of a coloured panel (the message bar, the
  banner of a finalised offer, the cell of an offer on last year's tariff);
- ``set_font(widget, ...)``: a heading's weight and size, set on its font: a style sheet,
  even one that names no colour, would keep the palette it had when it was set, black text
  on the window after a switch to the dark theme;
- ``follow_palette(app)``: the widgets given a tone take it again when the system switches
  between light and dark while the application runs; a widget whose rich text or style sheet
  carries tones (a notice, a panel) defines ``retone()``, which writes them again then.

The light colours are the ones the screens had (their two browns for a warning made one); a
dark palette gets lighter ones of the same hue, each at least 4.5:1 against the window and
the lists (WCAG AA).
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget


class Tone(StrEnum):
    MUTED = "muted"  # hints, secondary facts
    WARNING = "warning"
    ERROR = "error"
    INFO = "info"
    SUCCESS = "success"


# tone -> (on a light palette, on a dark one)
_TEXT = {
    Tone.WARNING: ("#8a5300", "#f0b45a"),
    Tone.ERROR: ("#a61b1b", "#ff8a80"),
    Tone.INFO: ("#1d4f91", "#8ab4f8"),
    Tone.SUCCESS: ("#1e6b34", "#81c995"),
}
# tone -> (background, border) of a panel on a light palette; a dark one mixes its own
_LIGHT_SURFACE = {
    Tone.INFO: ("#e8f1fb", "#9cc0ec"),
    Tone.SUCCESS: ("#e9f6ec", "#9fd3ad"),
    Tone.WARNING: ("#fff6df", "#f0cf7a"),
    Tone.ERROR: ("#fdecea", "#f1a9a5"),
    Tone.MUTED: ("#f2f2f2", "#c8c8c8"),
}
MUTED_SHARE = 0.65  # of the text colour in a hint's grey, the rest the background's
_PROPERTY = "comptoirTone"
_GROUPS = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)  # disabled stays greyed


def _palette(palette: QPalette | None) -> QPalette:
    return palette if palette is not None else QGuiApplication.palette()


def is_dark(palette: QPalette | None = None) -> bool:
    """Light text on a darker window: a dark theme (a high-contrast one as well)."""
    p = _palette(palette)
    return p.color(QPalette.ColorRole.WindowText).lightness() > p.color(QPalette.ColorRole.Window).lightness()


def mix(front: QColor, back: QColor, share: float) -> QColor:
    """``share`` of ``front`` over ``back``."""
    return QColor(
        round(front.red() * share + back.red() * (1 - share)),
        round(front.green() * share + back.green() * (1 - share)),
        round(front.blue() * share + back.blue() * (1 - share)),
    )


def colour(tone: Tone, palette: QPalette | None = None, *, on_base: bool = False) -> QColor:
    """The text colour of ``tone``; ``on_base``: written in a list or a text view (the
    palette's Base) rather than on the window."""
    p = _palette(palette)
    if tone is Tone.MUTED:
        text, back = (
            (QPalette.ColorRole.Text, QPalette.ColorRole.Base)
            if on_base
            else (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window)
        )
        return mix(p.color(text), p.color(back), MUTED_SHARE)
    light, dark = _TEXT[tone]
    return QColor(dark if is_dark(p) else light)


def css(tone: Tone, *, on_base: bool = False) -> str:
    """``colour`` as rich text writes it: « <span style='color:#8a5300'> »."""
    return colour(tone, on_base=on_base).name()


def surface(tone: Tone, palette: QPalette | None = None) -> tuple[QColor, QColor, QColor]:
    """(background, text, border) of a panel of ``tone``."""
    p = _palette(palette)
    text = colour(tone, p)
    if not is_dark(p):
        background, border = _LIGHT_SURFACE[tone]
        return QColor(background), text, QColor(border)
    window = p.color(QPalette.ColorRole.Window)
    return mix(text, window, 0.16), text, mix(text, window, 0.5)


def set_tone(widget: QWidget, tone: Tone | None) -> None:
    """``widget`` writes in ``tone`` (None: in the palette's own colour again)."""
    widget.setProperty(_PROPERTY, tone.value if tone is not None else "")
    _apply(widget)


def tone_of(widget: QWidget) -> Tone | None:
    value = widget.property(_PROPERTY)
    return Tone(value) if value else None


def _apply(widget: QWidget) -> None:
    tone = tone_of(widget)
    palette = widget.palette()
    if tone is None:
        if widget.testAttribute(Qt.WidgetAttribute.WA_SetPalette):
            palette.setResolveMask(0)  # back to the inherited palette, following it again
            widget.setPalette(palette)
        return
    wanted = colour(tone, QApplication.palette(widget))
    if all(palette.color(g, QPalette.ColorRole.WindowText) == wanted for g in _GROUPS):
        return
    for group in _GROUPS:
        palette.setColor(group, QPalette.ColorRole.WindowText, wanted)
        palette.setColor(group, QPalette.ColorRole.Text, wanted)
    widget.setPalette(palette)


def set_font(widget: QWidget, *, weight: int = 0, points: float = 0) -> None:
    """``widget`` writes in ``weight`` (600 semi-bold, 700 bold) and at ``points``, where given;
    the rest of its font, and its colours, still follow the application's."""
    font = widget.font()
    if weight:
        font.setWeight(QFont.Weight(weight))
    if points:
        font.setPointSizeF(points)
    widget.setFont(font)


def _apply_everywhere() -> None:
    for widget in QApplication.allWidgets():
        if widget.property(_PROPERTY):
            _apply(widget)
        retone = getattr(widget, "retone", None)
        if callable(retone):
            retone()


def follow_palette(app: QApplication) -> None:
    """Widgets given a tone follow a change of the system's palette (light to dark...).
    Connected once, however many times it is asked. (A signal, not an event filter on the
    application, which would see every event of every widget.)"""
    if not app.property("comptoirTonesFollow"):
        app.setProperty("comptoirTonesFollow", True)
        app.paletteChanged.connect(_apply_everywhere)
