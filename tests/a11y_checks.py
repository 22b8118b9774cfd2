"""What a screen reader (NVDA, Narrator, Orca) gets from the widgets, as functions: the
controls it would announce without a name.

Shared by the GUI tests and ``scripts/screens.py``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QTabBar,
    QTabWidget,
    QWidget,
)


def _buddy_text(w: QWidget) -> str:
    """The text of the label Qt reads as ``w``'s name: a QLabel beside it whose buddy it is
    (Qt looks among its siblings only, as QFormLayout.addRow puts them)."""
    parent = w.parentWidget()
    if parent is None:
        return ""
    for label in parent.findChildren(QLabel, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if label.buddy() is w:
            return label.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    return ""


def accessible_name(w: QWidget) -> str:
    """The name a screen reader announces for ``w``."""
    if isinstance(w, QComboBox):  # on Linux Qt names a combo box after the item it shows
        return w.accessibleName() or _buddy_text(w)
    face = QAccessible.queryAccessibleInterface(w)
    return face.text(QAccessible.Text.Name) if face is not None else ""


def _reaches(w: QWidget) -> bool:
    """A control a user reaches: one Tab stops on, or a button (a screen reader's object
    navigation and the mouse reach those too)."""
    parent = w.parentWidget()
    if isinstance(parent, QAbstractSpinBox | QComboBox):  # their own line edit: named by them
        return False
    if isinstance(w, QTabBar | QTabWidget) or w.focusProxy() is not None:  # its tabs; its proxy
        return False
    return bool(w.focusPolicy() & Qt.FocusPolicy.TabFocus) or isinstance(w, QAbstractButton)


def unnamed(top: QWidget) -> list[str]:
    """The controls shown in ``top`` a screen reader announces with no word to say what they
    are: a field whose label is not its buddy, a table with no name, a « ✕ » button."""
    found = []
    for w in [top, *top.findChildren(QWidget)]:
        if (w is not top and not w.isVisibleTo(top)) or not _reaches(w):
            continue
        name = accessible_name(w)
        if not any(c.isalpha() for c in name):
            where = w.objectName() or (w.parentWidget().objectName() if w.parentWidget() else "")
            found.append(f"{type(w).__name__} « {name} » {where}".rstrip())
    return found
