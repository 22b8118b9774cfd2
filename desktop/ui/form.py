"""Forms with their error messages next to the fields (never a modal error box).

``FormDialog.submit`` does the work; an ``InvalidInput`` it raises is shown under the field
it names (``error.field``), any other expected error at the top of the form.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QKeyEvent, QSessionManager, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import ComptoirError, InvalidInput
from desktop.ui.dialogs import Dialogs
from desktop.ui.message_bar import announce
from desktop.ui.room import room
from desktop.ui.tones import Tone, set_tone


def error_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what was typed, as typed
    set_tone(label, Tone.ERROR)
    label.setWordWrap(True)
    label.hide()
    return label


def _keyed(widget: QWidget) -> QWidget:
    """The widget the keyboard goes to for ``widget`` (a date in a row of its own)."""
    return widget.focusProxy() or widget


class FieldErrors:
    """Error labels keyed by field name, placed under their widget in a QFormLayout."""

    def __init__(self, form: QFormLayout, general: QLabel) -> None:
        self._form = form
        self._general = general
        self._labels: dict[str, QLabel] = {}
        self._widgets: dict[str, QWidget] = {}
        self.hints: dict[str, QLabel] = {}  # the hint under a field, to change its text

    def add_row(
        self, label: str, widget: QWidget, key: str, *aliases: str, hint_text: str = "", form: QFormLayout | None = None
    ) -> QLabel:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        if hint_text:
            self.hints[key] = hint(hint_text)
            layout.addWidget(self.hints[key])
        err = error_label()
        err.setObjectName(f"error_{key}")
        layout.addWidget(err)
        (form or self._form).addRow(label, box)
        field = _keyed(widget)
        if label and field.focusPolicy() & Qt.FocusPolicy.TabFocus:
            # Qt reads a label as the name of the widget beside it, here the box: the field
            # itself is named, or a screen reader says « zone d'édition » and nothing more
            beside = (form or self._form).labelForField(box)
            if isinstance(beside, QLabel):
                beside.setBuddy(field)
            field.setAccessibleName(label.removesuffix(" :"))
        for k in (key, *aliases):
            self._labels[k] = err
            self._widgets[k] = widget
        return err

    def clear(self) -> None:
        for label in {id(v): v for v in self._labels.values()}.values():
            label.hide()
            label.clear()
        for widget in self._widgets.values():
            _keyed(widget).setAccessibleDescription("")
        self._general.hide()
        self._general.clear()

    def show(self, error: ComptoirError) -> QWidget | None:
        """Each message under its field (several at once for ``InvalidInputs``), the others at
        the top; the focus goes to the first field to fix, in the order of the form, which is
        returned (None when no field is named)."""
        wrong: set[str] = set()
        general: list[str] = []
        for one in getattr(error, "errors", (error,)):
            field = getattr(one, "field", None) if isinstance(one, InvalidInput) else None
            label = self._labels.get(field or "")
            if label is None:
                general.append(str(one))
                continue
            label.setText(str(one))
            label.show()
            # said after the field's name when the keyboard reaches it; at once for a group of
            # fields the keyboard does not go to as a whole (the installed products)
            target = _keyed(self._widgets[field or ""])
            target.setAccessibleDescription(label.text())
            if not target.focusPolicy() & Qt.FocusPolicy.TabFocus:
                announce(label, label.text(), urgent=True)
            wrong.add(field or "")
        if general:
            self._general.setText("\n".join(general))
            self._general.show()
            announce(self._general, self._general.text(), urgent=True)  # no field to focus says it
        first = next((w for key, w in self._widgets.items() if key in wrong), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        return first

    def message(self, key: str) -> str:
        label = self._labels.get(key)
        return label.text() if label is not None and not label.isHidden() else ""

    @property
    def general(self) -> str:
        return self._general.text() if not self._general.isHidden() else ""


def typed_values(root: QWidget) -> tuple[object, ...]:
    """What was typed or picked in ``root``'s fields, to compare with what they opened with."""
    values: list[object] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLineEdit) and not isinstance(widget.parentWidget(), QAbstractSpinBox | QComboBox):
            values.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            values.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            values.append((widget.currentIndex(), widget.currentText()))
        elif isinstance(widget, QAbstractSpinBox):
            values.append(widget.text())
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            values.append(widget.isChecked())
        elif isinstance(widget, QListWidget):
            values.append(tuple(widget.item(i).text() for i in range(widget.count())))
    return tuple(values)


def dialogs_of(widget: QWidget | None) -> Dialogs:
    """The questions of the window ``widget`` is in (the main window's, scripted in tests)."""
    while widget is not None:
        found = getattr(widget, "dialogs", None)
        if isinstance(found, Dialogs):
            return found
        widget = widget.parentWidget()
    return Dialogs()


class FormDialog(QDialog):
    """A dialog with a form, French buttons and inline errors. Open it with ``open()``.

    Leaving it with something typed (Échap, « Annuler », the close button, after a refused
    « Enregistrer » too) asks first; ``discard()`` closes it without asking."""

    def __init__(self, title: str, parent: QWidget | None = None, ok_text: str = "Enregistrer") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # The form scrolls where the screen is shorter than it (a laptop at 150 %, a message
        # under every field): the buttons under it stay in view.
        self.body = QWidget()
        self.body.setObjectName("formBody")
        self.outer = QVBoxLayout(self.body)
        self.outer.setContentsMargins(0, 0, 0, 0)
        # Wrapped labels report their height late: the form is sized to its content.
        self.outer.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.form_area = QScrollArea()
        self.form_area.setObjectName("formScroll")
        self.form_area.setWidgetResizable(True)
        self.form_area.setFrameShape(QFrame.Shape.NoFrame)
        self.form_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields
        self.form_area.setWidget(self.body)
        self._frame = QVBoxLayout(self)
        self._frame.addWidget(self.form_area, 1)
        self.general_error = error_label()
        self.general_error.setObjectName("error_general")
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.errors = FieldErrors(self.form, self.general_error)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._try_submit)
        self.buttons.rejected.connect(self.reject)
        self.outer.addWidget(self.general_error)
        self.outer.addLayout(self.form)
        self._opened_with: tuple[object, ...] | None = None

    def set_form_width(self, width: int) -> None:
        """The width the form opens with at least (less where the screen is narrower).
        (``setMinimumWidth`` would be undone by the layout's size constraint, which sizes the
        form to its content.)"""
        self.outer.addStrut(min(width, room(self.parentWidget() or self).width() - 40))

    def finish_layout(self) -> None:
        self.outer.addStretch(1)
        self._frame.addWidget(self.buttons)
        # Only now is the button in the dialog: set earlier, the default was forgotten and Enter
        # in a field pressed the form's first button instead (« Retirer » an installed product).
        self.ok_button.setDefault(True)

    def refit(self) -> None:
        """Grow to the height the wrapped labels need at the current width (messages come
        and go; Qt's size hints do not follow word-wrapped labels in forms), up to the height
        of the screen: beyond, the form scrolls above the buttons."""
        self.outer.activate()
        margins = self._frame.contentsMargins()
        chrome = QSize(
            margins.left() + margins.right(),
            margins.top() + margins.bottom() + self._frame.spacing() + self.buttons.sizeHint().height(),
        )
        least = self.outer.totalMinimumSize()  # the widest field row, the form's width
        width = max(least.width(), self.width() - chrome.width())
        needed = max(least.height(), self.outer.totalHeightForWidth(width))
        space = room(self.parentWidget() or self)
        scrolls = chrome.height() + needed > space.height()
        bar = self.form_area.verticalScrollBar().sizeHint().width() if scrolls else 0
        self.form_area.setMinimumSize(least.width() + bar, min(needed, space.height() - chrome.height()))
        self.resize(
            max(self.width(), least.width() + bar + chrome.width()),
            max(self.height(), min(needed + chrome.height(), space.height())),
        )
        if self.isVisible():  # grown downwards past the task bar: moved up
            free = self.screen().availableGeometry()
            below = self.frameGeometry().bottom() - free.bottom()
            if below > 0:
                self.move(self.x(), max(free.top(), self.y() - below))

    def showEvent(self, event: QShowEvent) -> None:
        if self._opened_with is None:  # what the fields hold before the user types
            self._opened_with = typed_values(self)
        super().showEvent(event)
        self.refit()

    def changed(self) -> bool:
        return self._opened_with is not None and typed_values(self) != self._opened_with

    def reject(self) -> None:
        if self.changed() and self.isVisible() and dialogs_of(self.parentWidget()).keep_typing(self):
            return
        super().reject()

    def discard(self) -> None:
        """Close without asking: what it was about is gone (another offer opened...)."""
        self._opened_with = None
        self.close()

    def submit(self) -> bool | None:  # pragma: no cover - overridden
        """Do the work; raise ``InvalidInput`` to show what is wrong, return False to stay open."""
        raise NotImplementedError

    def _try_submit(self) -> None:
        self.errors.clear()
        try:
            if self.submit() is False:  # e.g. a file choice cancelled: stay open, say nothing
                return
        except ComptoirError as error:
            first = self.errors.show(error)
            self.refit()
            # a form that scrolls: the message at the top, then the field to fix, in view
            for widget in (self.general_error, first):
                if widget is not None and not widget.isHidden():
                    self.form_area.ensureWidgetVisible(widget)
            return
        self.accept()


def hold_typed_forms(manager: QSessionManager) -> None:
    """The session ends (logging out, shutting down) with a form holding something typed:
    the user is asked, and staying stops the logout where the system lets us ask; a form
    abandoned then closes without asking again."""
    for form in QApplication.topLevelWidgets():
        if not (isinstance(form, FormDialog) and form.isVisible() and form.changed()):
            continue
        if not manager.allowsInteraction():
            return
        keep = dialogs_of(form.parentWidget()).keep_typing(form)
        manager.release()
        if keep:
            manager.cancel()
            return
        form.discard()


def plain_enter(event: QEvent) -> bool:
    """A key press of Entrée (main keyboard or keypad) with no modifier: what validates."""
    return (
        event.type() == QEvent.Type.KeyPress
        and isinstance(event, QKeyEvent)
        and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    )


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # sources, names and traces as typed
    label.setWordWrap(True)
    set_tone(label, Tone.MUTED)
    return label


def years_suffix(spin: QSpinBox) -> None:
    """« 1 an », « 3 ans »: the spin box's unit follows its value."""

    def follow(value: int) -> None:
        spin.setSuffix(" an" if value == 1 else " ans")

    spin.valueChanged.connect(follow)
    follow(spin.value())
