"""Asks only for the parameters a product needs, prefilled with the catalogue defaults."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from html import escape

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from desktop.core.catalogue import Parameter, Product
from desktop.core.errors import InvalidInput
from desktop.ui.form import FormDialog, hint
from desktop.ui.money import MoneyText

ParseParams = Callable[[Product, Mapping[str, str]], dict[str, Decimal]]


class ParamsDialog(FormDialog):
    """``on_done(params)`` is called with the engine-validated values."""

    def __init__(
        self,
        product: Product,
        parse: ParseParams,
        money: MoneyText,
        on_done: Callable[[dict[str, Decimal]], None],
        *,
        current: Mapping[str, Decimal] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        editing = current is not None
        super().__init__(
            f"{product.name} — paramètres", parent, ok_text="Appliquer" if editing else "Ajouter à l'offre"
        )
        self.setObjectName("paramsDialog")
        self.product = product
        self._parse = parse
        self._on_done = on_done
        self.fields: dict[str, QLineEdit] = {}
        intro = QLabel(f"<b>{escape(product.name)}</b>")
        self.outer.insertWidget(0, intro)
        for p in product.parameters:
            value = (current or {}).get(p.key, p.default)
            edit = QLineEdit(money.number(value, missing="") if value is not None else "")
            edit.setObjectName(f"param_{p.key}")
            edit.setToolTip(_bounds(p, money))
            self.fields[p.key] = edit
            label = p.label or p.key
            if p.unit and not all(word in label.lower() for word in p.unit.lower().split()):
                label += f" ({p.unit})"  # not « supplémentaires (utilisateurs supplémentaires) »
            self.errors.add_row(label + " :", edit, p.key, hint_text=_bounds(p, money))
        if product.notes:
            self.outer.addWidget(hint("\n".join(product.notes)))
        self.finish_layout()
        if product.parameters:
            first = self.fields[product.parameters[0].key]
            first.setFocus()
            first.selectAll()
        self.set_form_width(420)

    def raw(self) -> dict[str, str]:
        return {key: edit.text() for key, edit in self.fields.items() if edit.text().strip()}

    def submit(self) -> None:
        try:
            params = self._parse(self.product, self.raw())
        except InvalidInput as error:
            raise InvalidInput(_readable(self.product, str(error)), field=error.field) from None
        self._on_done(params)


def _readable(product: Product, message: str) -> str:
    """The engine names parameters by key and label for the command line ("« schools »
    (Nombre d'écoles)"); next to the field, the label alone reads better."""
    for p in product.parameters:
        if p.label:
            message = message.replace(f"« {p.key} » ({p.label})", f"« {p.label} »")
    prefix = f"{product.name} : "
    if message.startswith(prefix):
        message = message[len(prefix):]
        message = message[:1].upper() + message[1:]
    return message


def _bounds(p: Parameter, money: MoneyText) -> str:
    bits = []
    if p.minimum is not None and p.maximum is not None:
        bits.append(f"de {money.number(p.minimum)} à {money.number(p.maximum)}")
    elif p.minimum is not None:
        bits.append(f"au moins {money.number(p.minimum)}")
    elif p.maximum is not None:
        bits.append(f"au plus {money.number(p.maximum)}")
    if p.integer:
        bits.append("nombre entier")
    if p.default is not None:
        bits.append(f"par défaut {money.number(p.default)}")
    return ", ".join(bits).capitalize() if bits else ""
