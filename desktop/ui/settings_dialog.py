"""Settings stored in the database: seller, device code, letterhead, validity, budget defaults.

The form is built from the ``Settings`` dataclass fields the store knows; validation is the
core's (``InvalidInput`` names the field, the message appears under it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import FieldProblems, InvalidInput
from desktop.core.inputs import plain_decimal
from desktop.core.settings import indexation_from_percent
from desktop.ui.backend import Backend
from desktop.ui.form import FormDialog

# field name -> (label, section, hint); fields not listed are shown with their own name.
LABELS: dict[str, tuple[str, str, str]] = {
    "seller_name": ("Nom du vendeur", "Vendeur", "imprimé sur les offres"),
    "seller_initials": ("Initiales", "Vendeur", "dans l'historique des offres"),
    "device_code": (
        "Code de cet appareil",
        "Vendeur",
        "2 à 8 lettres ou chiffres (ex. LAP1) : les numéros OFF-2026-LAP1-0001 ne se "
        "croisent pas entre ordinateurs",
    ),
    "letterhead_name": ("Nom de l'émetteur", "En-tête des documents", ""),
    "legal_form": ("Forme juridique", "En-tête des documents", "ex. SCRL ; vide : « à compléter » sur le PDF"),
    "address_lines": ("Adresse", "En-tête des documents", "une ligne par ligne d'adresse"),
    "phone": ("Téléphone", "En-tête des documents", ""),
    "email": ("Courriel", "En-tête des documents", ""),
    "web": ("Site web", "En-tête des documents", ""),
    "enterprise_number": ("Numéro d'entreprise", "En-tête des documents", "BCE : 10 chiffres, ex. 0123.456.749"),
    "iban": ("IBAN", "En-tête des documents", ""),
    "validity_days": ("Validité des offres (jours)", "Offres", "90 par défaut"),
    "years": ("Budget sur (années)", "Offres", "de 1 à 6"),
    "indexation": ("Indexation supposée (%/an)", "Offres", "hypothèse du budget pluriannuel, 2 par défaut"),
}

_PERCENT_FIELDS = {"indexation", "default_indexation"}


def _where(name: str) -> str:
    return LABELS[name][1] if name in LABELS else "Autres"


class SettingsDialog(FormDialog):
    def __init__(
        self, backend: Backend, on_saved: Callable[[Any], None], parent: QWidget | None = None
    ) -> None:
        settings = backend.stored_settings()  # read first: unreadable, no window is left behind
        super().__init__("Réglages", parent)
        self.setObjectName("settingsDialog")
        self.backend = backend
        self._on_saved = on_saved
        self.settings = settings
        self.fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        # Two columns: seller and offer defaults on the left, the letterhead on the right.
        left, right = QFormLayout(), QFormLayout()
        columns = QHBoxLayout()
        for i, form in enumerate((left, right)):
            column = QVBoxLayout()  # top-aligned: a message in one column leaves the other as is
            column.addLayout(form)
            column.addStretch(1)
            if i:
                columns.addSpacing(16)
            columns.addLayout(column, 1)
        self.outer.addLayout(columns)
        section = {id(left): "", id(right): ""}
        # left column first, then the right one: Tab follows the columns as they are read
        letterhead = [f for f in dataclasses.fields(self.settings) if _where(f.name) == "En-tête des documents"]
        others = [f for f in dataclasses.fields(self.settings) if f not in letterhead]
        for f in (*others, *letterhead):
            label, where, tip = LABELS.get(f.name, (f.name.replace("_", " ").capitalize(), "Autres", ""))
            form = right if where == "En-tête des documents" else left
            if section[id(form)] != where:
                form.addRow(QLabel(f"<b>{where}</b>"))
                section[id(form)] = where
            widget = self._widget(f.name, getattr(self.settings, f.name))
            self.fields[f.name] = widget
            self.errors.add_row(label + " :", widget, f.name, hint_text=tip, form=form)
        self.finish_layout()
        self.set_form_width(860)
        try:  # a value saved before a check existed: said next to it, kept until corrected
            self.settings.validated()
        except InvalidInput as error:
            self.errors.show(error)

    def focus_field(self, name: str) -> None:
        """Put the cursor in ``name`` (a message elsewhere said to fill it in)."""
        self.fields[name].setFocus()

    def _widget(self, name: str, value: Any) -> QLineEdit | QPlainTextEdit:
        if isinstance(value, tuple | list):
            edit = QPlainTextEdit("\n".join(str(v) for v in value))
            edit.setObjectName(name)
            edit.setFixedHeight(64)
            edit.setTabChangesFocus(True)  # Tab goes to the next field; Enter starts a line
            return edit
        if isinstance(value, Decimal) and name in _PERCENT_FIELDS:
            text = format((value * 100).normalize(), "f").replace(".", ",")
        elif value is None:
            text = ""
        else:
            text = str(value).replace(".", ",") if isinstance(value, Decimal) else str(value)
        line = QLineEdit(text)
        line.setObjectName(name)
        return line

    def values(self, problems: FieldProblems | None = None) -> dict[str, Any]:
        """What the fields say. A field that cannot be read raises ``InvalidInput``, or, given
        ``problems``, is kept there and keeps its stored value, so that the other fields are
        still checked."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self.settings):
            widget = self.fields[f.name]
            current = getattr(self.settings, f.name)
            if isinstance(widget, QPlainTextEdit):
                out[f.name] = tuple(x.strip() for x in widget.toPlainText().splitlines() if x.strip())
                continue
            text = widget.text().strip()
            try:
                out[f.name] = _read(f.name, text, current)
            except InvalidInput as error:
                if problems is None:
                    raise
                problems.add(error)
                out[f.name] = current
        return out

    def submit(self) -> None:
        # every field to fix is said at once, next to it: not one per click on « Enregistrer »
        problems = FieldProblems()
        typed = dataclasses.replace(self.settings, **self.values(problems))
        if problems.found:  # nothing is saved; the other fields are checked all the same
            problems.check(typed.validated)
            problems.raise_found()
        clean = typed.validated()
        # what the user changed, over the settings as stored now: ``comptoir settings set`` may
        # have changed others since the form opened, and writing the form's copy of them back
        # would undo it without a word
        changes = {
            f.name: getattr(clean, f.name)
            for f in dataclasses.fields(clean)
            if getattr(clean, f.name) != getattr(self.settings, f.name)
        }
        stored = self.backend.update_settings(**changes)
        self._on_saved(stored)


def _read(name: str, text: str, current: Any) -> Any:
    """A field's text as the setting's type; the bounds are the core's, which names the field."""
    if isinstance(current, bool):
        return text.lower() in ("1", "oui", "vrai", "true")
    if isinstance(current, int):
        return text
    if isinstance(current, Decimal) and name in _PERCENT_FIELDS:
        return indexation_from_percent(text, name)
    if isinstance(current, Decimal):
        plain = plain_decimal(text)
        if plain is None:
            raise InvalidInput("Indiquez un nombre (par exemple 2 ou 2,5).", field=name)
        return Decimal(plain)
    return text
