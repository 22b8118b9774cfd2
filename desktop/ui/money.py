"""Money and number texts for screens, through the documents' babel ``Formatter``.

Screens never format amounts themselves: models and delegates ask ``MoneyText`` for the text
of a Decimal. The formatter (and babel) is loaded on first use, after the window is up.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.documents.formatting import Formatter

NOT_PRICED = "Sur devis"


class MoneyText:
    def __init__(self, locale: str = "fr_BE", currency: str = "EUR") -> None:
        self.locale = locale
        self.currency = currency
        self._formatter: Formatter | None = None
        # the offers list shows the same amounts and days again at each search: babel
        # formats each of them once
        self._money_text = lru_cache(maxsize=4096)(self._format_money)
        self._date_text = lru_cache(maxsize=1024)(self._format_date)

    def _format_money(self, amount: str) -> str:
        return self.formatter.money(amount)

    def _format_date(self, day: date) -> str:
        return self.formatter.date(day)

    @property
    def formatter(self) -> Formatter:
        if self._formatter is None:
            from desktop.documents.formatting import Formatter

            self._formatter = Formatter(self.locale, self.currency)
        return self._formatter

    def money(self, amount: Decimal | None, missing: str = NOT_PRICED) -> str:
        """``Decimal('8062')`` -> ``'8 062,00 €'``; ``None`` (not priced) -> ``missing``."""
        if amount is None:
            return missing
        return self._money_text(str(amount))  # by its text: -0 and 0 are equal Decimals

    def total(self, amount: Decimal, priced: bool, partial: bool, missing: str = NOT_PRICED) -> str:
        """A total of an offer as its ``TotalsCoverage`` reads it: ``missing`` when nothing in
        it is priced (never 0,00 €), the amount with its asterisk when a part is sur devis."""
        if not priced:
            return missing
        text = self.money(amount)
        return f"{text} *" if partial else text

    def number(self, value: Decimal | int | None, missing: str = "—") -> str:
        """Days, counts: ``Decimal('2.5')`` -> ``'2,5'``; ``12500`` -> ``'12 500'``."""
        if value is None:
            return missing
        return self.formatter.number(value)

    def percent(self, ratio: Decimal) -> str:
        """``Decimal('0.02')`` -> ``'2 %'``."""
        return self.formatter.percent(ratio)

    def date(self, day: date | None, missing: str = "—") -> str:
        """``22/11/2026``."""
        if day is None:
            return missing
        return self._date_text(day)
