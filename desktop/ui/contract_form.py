"""« Bon de commande… »: the three facts of an order form that are not in the offer.

The date of the document, the date the order takes effect and its initial term (1 to 10
years, then renewed each year). An order with no annual cost (days of service) is not renewed:
its form asks no term when the wording it follows prints none. A converted offer keeps them in its history (the
conversion's reason, ``desktop.core.offers.contract_note``), so printing its order form
again proposes the same ones instead of today's date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import QLineEdit, QSpinBox, QWidget

from desktop.core.inputs import parse_date
from desktop.core.offers import MAX_CONTRACT_YEARS, check_contract_dates
from desktop.ui.dates import format_date
from desktop.ui.form import FormDialog, hint, years_suffix


@dataclass(frozen=True, slots=True)
class ContractChoice:
    issued: date
    start: date
    years: int


class ContractForm(FormDialog):
    def __init__(
        self,
        number: str,
        proposed: ContractChoice,
        on_chosen: Callable[[ContractChoice], None],
        parent: QWidget | None = None,
        *,
        again: bool = False,
        offered: date | None = None,
        accepted: date | None = None,
        renewed: bool = True,
        term: bool = True,
    ) -> None:
        """``again``: the order form was established: its recorded dates, shown, not changed.
        ``offered``/``accepted``: the offer's dates, which the order form cannot precede.
        ``renewed``: the order has an annual cost, renewed each year; ``term``: its wording
        prints the initial term (without it, the term is not asked)."""
        super().__init__(f"Bon de commande — offre {number}", parent, ok_text="Établir")
        self.setObjectName("contractForm")
        self._on_chosen = on_chosen
        self._offered, self._accepted = offered, accepted
        self.outer.insertWidget(
            1,
            hint(
                (
                    "Le bon de commande tel qu'il a été établi : ses dates et sa durée sont "
                    "enregistrées avec la conversion de l'offre."
                    if term
                    else "Le bon de commande tel qu'il a été établi : ses dates sont enregistrées "
                    "avec la conversion de l'offre."
                )
                if again
                else "Le bon de commande convertit l'offre acceptée : il reprend ses produits "
                "et ses montants. Au terme de sa durée initiale, il est reconduit tacitement "
                "d'année en année."
                if renewed
                else "Le bon de commande convertit l'offre acceptée : il reprend ses produits "
                "et ses montants. Sans coût annuel, il n'est pas reconduit d'année en année."
            ),
        )
        self.issued = QLineEdit(format_date(proposed.issued))
        self.issued.setObjectName("issued")
        self.issued.setPlaceholderText("JJ/MM/AAAA")
        self.errors.add_row("Date du bon de commande :", self.issued, "issued")
        self.start = QLineEdit(format_date(proposed.start))
        self.start.setObjectName("start")
        self.start.setPlaceholderText("JJ/MM/AAAA")
        self.errors.add_row(
            "Prise d'effet :", self.start, "start", hint_text="vide : la date du bon de commande"
        )
        self.years = QSpinBox()
        self.years.setObjectName("years")
        self.years.setRange(1, MAX_CONTRACT_YEARS)
        self.years.setValue(proposed.years)
        years_suffix(self.years)
        self.years.setMinimumWidth(120)
        if term:
            self.errors.add_row("Durée initiale :", self.years, "term_years")
        else:  # kept with the conversion all the same, as proposed
            self.years.hide()
        for field in (self.issued, self.start):
            field.setReadOnly(again)
        self.years.setEnabled(not again)
        self.finish_layout()
        self.set_form_width(460)

    def submit(self) -> None:
        issued = parse_date(self.issued.text(), field="issued", what="la date du bon de commande")
        start_text = self.start.text().strip()
        start = parse_date(start_text, field="start", what="la prise d'effet") if start_text else issued
        issued, start = check_contract_dates(issued, start, offered=self._offered, accepted=self._accepted)
        self._on_chosen(ContractChoice(issued, start, self.years.value()))
