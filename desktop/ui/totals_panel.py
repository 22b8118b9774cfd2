"""Totals of the offer: one-time, annual, year 1, and the budget over N years (estimate)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.quote import DEFAULT_INDEXATION, DEFAULT_YEARS, INDEXATION_RANGE, MAX_YEARS, Quote
from desktop.ui.form import years_suffix
from desktop.ui.models import YearsModel
from desktop.ui.money import MoneyText
from desktop.ui.tones import Tone, set_font, set_tone

NNBSP, NBSP = "\u202f", "\u00a0"  # as babel groups and ends French amounts
ESTIMATE = "Estimation : l'indexation réelle suit l'IPC. Années 2 et suivantes : coût annuel seul."


class DecimalBox(QDoubleSpinBox):
    """A spin box that takes the dot and the comma alike as the decimal point: « 2.5 » typed
    (the numeric keypad's key on a Belgian keyboard) read as 25 in French, silently. Its
    values never need a thousands separator."""

    def _comma(self, text: str) -> str:
        point = self.locale().decimalPoint()
        return text.replace("," if point == "." else ".", point)

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        return super().validate(self._comma(text), pos)

    def valueFromText(self, text: str) -> float:
        return super().valueFromText(self._comma(text))


class TotalsPanel(QWidget):
    years_changed = Signal(int)
    indexation_changed = Signal(Decimal)

    def __init__(self, money: MoneyText, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("totals")
        self._money = money
        self._updating = False

        self.one_time = self._amount_label("totalOneTime")
        self.annual = self._amount_label("totalAnnual")
        self.year1 = self._amount_label("totalYear1")
        set_font(self.year1, weight=700, points=14)
        for label in (self.one_time, self.annual, self.year1):
            # as wide from the start as a six-figure total: growing with the amounts, the
            # totals took their width from the catalogue beside them, line after line
            label.ensurePolished()
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance(f"888{NNBSP}888,88{NBSP}€ *"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        for row, (text, amount) in enumerate((
            ("Coût unique (mise en place)", self.one_time),
            ("Coût annuel (maintenance et hébergement)", self.annual),
            ("<b>Budget de l'année 1</b>", self.year1),
        )):
            label = QLabel(text)
            # wrapped where the window is narrow (1280 pixels at 150 %, a larger system font)
            # rather than pushing the window wider than the screen
            label.setWordWrap(True)
            grid.addWidget(label, row, 0)
            grid.addWidget(amount, row, 1)
        grid.setColumnStretch(0, 1)  # the room goes to the labels (on one line where it can)
        self.partial = QLabel()
        self.partial.setObjectName("totalsPartial")
        self.partial.setWordWrap(True)
        set_tone(self.partial, Tone.WARNING)
        self.partial.hide()
        # the offer's own words (remark 5): without its qualifier it promised more than iMio does
        self.tax = QLabel(
            "Montants HTVA. Sauf avis contraire de l'administration de la TVA, la TVA n'est pas "
            "applicable aux montants dus à iMio."
        )
        self.tax.setWordWrap(True)
        set_tone(self.tax, Tone.MUTED)

        left = QVBoxLayout()
        left.addLayout(grid)
        left.addWidget(self.partial)
        left.addWidget(self.tax)
        left.addStretch(1)

        self.years = QSpinBox()
        self.years.setObjectName("years")
        self.years.setRange(1, MAX_YEARS)
        self.years.setValue(DEFAULT_YEARS)
        years_suffix(self.years)
        self.years.setKeyboardTracking(False)
        self.years.valueChanged.connect(self._years)
        self.indexation = DecimalBox()
        self.indexation.setObjectName("indexation")
        # the engine's whole range: a budget computed on a figure the box cannot show would
        # print one rate and display another
        self.indexation.setRange(*(float(bound * 100) for bound in INDEXATION_RANGE))
        self.indexation.setDecimals(2)  # the command line takes 2,25 %: shown as it is used
        self.indexation.setSingleStep(0.5)
        self.indexation.setSuffix(" %/an")
        self.indexation.setValue(float(DEFAULT_INDEXATION * 100))
        self.indexation.setKeyboardTracking(False)
        self.indexation.valueChanged.connect(self._indexation)
        params = QFormLayout()
        # the field under its label where the column is too narrow for both, never a label cut
        params.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        params.addRow("Budget sur :", self.years)
        params.addRow("Indexation supposée :", self.indexation)

        self.years_model = YearsModel(money, self)
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setObjectName("yearsTable")
        self.table.setAccessibleName("Budget par année")
        self.table.setModel(self.years_model)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumWidth(260)
        keep = self.table.sizePolicy()  # as wide with its budget hidden (no line yet) as shown
        keep.setRetainSizeWhenHidden(True)
        self.table.setSizePolicy(keep)
        self.estimate = QLabel(ESTIMATE)
        self.estimate.setWordWrap(True)
        set_tone(self.estimate, Tone.MUTED)
        right = QVBoxLayout()
        right.addLayout(params)
        right.addWidget(self.table)
        right.addWidget(self.estimate)
        right.addStretch(1)

        side = QWidget()
        side.setLayout(right)
        right.setContentsMargins(0, 0, 0, 0)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(left, 1)  # the totals take what the budget leaves: their labels wrap
        layout.addSpacing(12)
        layout.addWidget(side)  # the budget as wide as its labels, fields and amounts
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.show_quote(None, DEFAULT_YEARS, DEFAULT_INDEXATION)

    def _amount_label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_font(label, points=12)
        return label

    def show_quote(self, quote: Quote | None, years: int, indexation: Decimal) -> None:
        self._updating = True
        try:
            self.years.setValue(years)
            self.indexation.setValue(float(indexation * 100))
        finally:
            self._updating = False
        if quote is not None and not quote.lines:
            quote = None  # an empty offer has no budget yet: dashes, not 0,00 €
        self.years_model.set_quote(quote)
        self.table.setVisible(quote is not None)
        self._fit_table()
        if quote is None:
            for label in (self.one_time, self.annual, self.year1):
                label.setText("—")
            self.partial.hide()
            self.estimate.setText(ESTIMATE)  # not the assumption of the offer shown before
            return
        t = quote.totals
        cov = quote.coverage
        for label, amount, priced, partial in (
            (self.one_time, t.one_time, cov.one_time, cov.one_time_partial),
            (self.annual, t.annual, cov.annual, cov.annual_partial),
            (self.year1, t.year1, cov.year1, cov.year1_partial),
        ):  # nothing priced in a total: « Sur devis », never 0,00 €; the asterisk where a part is
            label.setText(self._money.total(amount, priced, partial))
        if t.partial:
            self.partial.setText(_partial_text(quote))
        self.partial.setVisible(t.partial)
        self.estimate.setText(
            f"Estimation : indexation supposée de {self._money.percent(t.indexation)} par an "
            "(la réelle suit l'IPC). Années 2 et suivantes : coût annuel seul."
            if len(t.years) > 1
            else "Estimation sur un an : la mise en place et le coût annuel."
        )

    def _fit_table(self) -> None:
        """Exactly as tall as its rows: the budget table never scrolls nor leaves a gap."""
        rows = max(1, self.years_model.rowCount())
        self.table.resizeRowsToContents()
        row_h = self.table.verticalHeader().defaultSectionSize()
        if self.years_model.rowCount():
            row_h = self.table.rowHeight(0)
        height = self.table.horizontalHeader().height() + rows * row_h + 2 * self.table.frameWidth()
        self.table.setFixedHeight(height)

    def _years(self, value: int) -> None:
        if not self._updating:
            self.years_changed.emit(value)

    def _indexation(self, value: float) -> None:
        if not self._updating:
            self.indexation_changed.emit(Decimal(str(round(value, 2))) / 100)


def _partial_text(quote: Quote) -> str:
    """Which lines the partial totals leave out, wholly or for their « sur devis » part."""
    # each product named once, even when it is on several lines
    left_out = list(dict.fromkeys(
        x.name for x in quote.lines if x.partial and x.one_time is None and x.annual is None
    ))
    in_part = list(dict.fromkeys(
        x.name for x in quote.lines if x.partial and not (x.one_time is None and x.annual is None)
    ))
    bits = []
    if left_out:
        verb = " n'est pas compris" if len(left_out) == 1 else " ne sont pas compris"
        bits.append(", ".join(left_out) + verb + " (sur devis)")
    if in_part:
        verb = " n'y est compris que pour ses" if len(in_part) == 1 else " n'y sont compris que pour leurs"
        bits.append(", ".join(in_part) + verb + " montants connus, le reste est sur devis")
    return "* Totaux partiels : " + " ; ".join(bits) + "." if bits else "* Totaux partiels."
