"""The quote's notices, inline under the lines: blocking points with "Passer outre…",
warnings, information (CPAS discount and why), and the overrides already given."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.core.format import french_spaces
from desktop.core.quote import Severity
from desktop.ui.models import NoticesModel
from desktop.ui.tones import Tone, css
from desktop.ui.wrap import breakable, keep_figures

_STYLE = {
    Severity.BLOCKING: ("Bloquant", Tone.ERROR),
    Severity.WARNING: ("Attention", Tone.WARNING),
    Severity.INFO: ("Info", Tone.INFO),
}
MAX_HEIGHT = 132


def overridable(code: str, severity: Severity) -> bool:
    """Blocking points a person may lift with a reason (not an undecided category)."""
    return severity is Severity.BLOCKING and not code.startswith("category:")


class NoticesPanel(QScrollArea):
    override_requested = Signal(str, str)  # notice code, its message
    override_cancelled = Signal(str)

    def __init__(self, model: NoticesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offerNotices")
        self.model = model
        self.overrides: Mapping[str, str] = {}
        self.read_only = False
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to its buttons, not to the frame
        # (widget before, widget after): the buttons take their place between them in the Tab
        # order, where they sit on screen, rather than after everything built before them
        self.tab_between: tuple[QWidget, QWidget] | None = None
        self._body = QWidget()
        self._rows = QVBoxLayout(self._body)
        self._rows.setContentsMargins(6, 4, 6, 4)
        self._rows.setSpacing(3)
        self.setWidget(self._body)
        self.labels: list[QLabel] = []
        self._texts: list[str] = []  # each row as written, before its French spaces are fixed
        self.buttons: dict[str, QPushButton] = {}
        self._buttons_of: dict[int, QPushButton | None] = {}
        model.modelReset.connect(self.rebuild)

    def set_overrides(self, overrides: Mapping[str, str], read_only: bool) -> None:
        self.overrides = dict(overrides)
        self.read_only = read_only
        self.rebuild()

    def rebuild(self) -> None:
        while self._rows.count():
            item = self._rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.labels = []
        self._texts = []
        self.buttons = {}
        self._buttons_of = {}
        shown_overrides: set[str] = set()
        for row in range(self.model.rowCount()):
            notice = self.model.notice(row)
            where = self.model.where(row)
            word, tone = _STYLE[notice.severity]
            text = f"<span style='color:{css(tone)}'><b>{word} :</b> "
            said = f"{word} : "
            if where and where not in notice.message:
                text += f"{escape(breakable(where))} — "
                said += f"{where} — "
            # a reason pasted as one long word must wrap, not push the button off the panel
            text += f"{escape(breakable(notice.message))}</span>"
            button = None
            if notice.waived:  # the rule and its reason: its cancel goes here
                shown_overrides.add(notice.code)
                if not self.read_only:
                    button = self._cancel_button(notice.code)
            elif overridable(notice.code, notice.severity) and not self.read_only:
                button = QPushButton("Passer outre…")
                button.setToolTip("Lever ce point en indiquant le motif (conservé dans l'offre)")
                button.clicked.connect(
                    lambda _=False, c=notice.code, m=notice.message: self.override_requested.emit(c, m)
                )
                self.buttons[notice.code] = button
            self._add(text, button, said + notice.message)
        for code, reason in self.overrides.items():
            if code in shown_overrides:
                continue
            # the offer changed since: the rule it waived no longer applies
            why = "(la règle ne s'applique plus à cette offre) — motif : "
            text = (
                f"<span style='color:{css(Tone.MUTED)}'><b>Dérogation sans objet</b> "
                f"{why}{escape(breakable(reason))}</span>"
            )
            said = f"Dérogation sans objet {why}{reason}"
            self._add(text, None if self.read_only else self._cancel_button(code), said)
        self._rows.addStretch(1)
        self.setVisible(bool(self.labels))
        self._fit()
        if self.tab_between is not None:
            before, after = self.tab_between
            chain = [before, *self.buttons.values(), after]
            for first, second in pairwise(chain):
                QWidget.setTabOrder(first, second)

    def retone(self) -> None:
        """Written again in the palette's colours (a switch to the dark theme), the keyboard
        left on the button it was on."""
        focused = next((key for key, button in self.buttons.items() if button.hasFocus()), None)
        self.rebuild()
        if focused in self.buttons:
            self.buttons[focused].setFocus(Qt.FocusReason.OtherFocusReason)

    def _cancel_button(self, code: str) -> QPushButton:
        button = QPushButton("Retirer la dérogation")
        button.clicked.connect(lambda _=False, c=code: self.override_cancelled.emit(c))
        self.buttons[f"annuler:{code}"] = button
        return button

    def _add(self, html: str, button: QPushButton | None, said: str) -> None:
        """``said``: the row's text, which a screen reader reads after the button's name (a
        « Passer outre… » among several says which point it lifts)."""
        self._buttons_of[len(self.labels)] = button
        if button is not None:
            button.setAutoDefault(True)  # Enter presses it once Tab is on it, as Space does
            button.setAccessibleDescription(said)
        line = QWidget()
        lay = QHBoxLayout(line)
        lay.setContentsMargins(0, 0, 0, 0)
        label = QLabel(keep_figures(french_spaces(html)))
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(label, 1)
        if button is not None:
            lay.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self._rows.addWidget(line)
        self.labels.append(label)
        self._texts.append(html)

    def _fit(self) -> None:
        """As tall as its rows, up to MAX_HEIGHT (then it scrolls)."""
        width = max(200, self.viewport().width() - 12)
        height = 8
        for i, label in enumerate(self.labels):
            button = self._buttons_of.get(i)
            if button is None:
                height += label.heightForWidth(width) + 3
            else:
                hint = button.sizeHint()
                text = label.heightForWidth(max(100, width - hint.width() - 6))
                height += max(text, hint.height()) + 3
        self.setFixedHeight(min(MAX_HEIGHT, height + 2 * self.frameWidth()))

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self._fit()

    def texts(self) -> list[str]:
        return list(self._texts)
