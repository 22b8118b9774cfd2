"""French formatting of amounts, dates, percentages and counts, with babel.

Core rounds every line amount half-up to the cent (``desktop.core.quote.round_cents``).
babel rounds half-even, so ``money`` quantizes half-up itself before handing the amount to
babel: babel then never has a third decimal to round. Floats are refused: an amount that
went through a float is already wrong.

babel prints a narrow no-break space (U+202F) as the thousands separator and a no-break
space (U+00A0) before the currency sign and the percent sign; the PDF fonts in
``resources/fonts`` carry both glyphs.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
DEFAULT_LOCALE = "fr_BE"
NNBSP = "\u202f"
NBSP = "\u00a0"


def _decimal(value: Decimal | int | str, what: str) -> Decimal:
    if isinstance(value, bool | float):
        raise TypeError(f"{what} : un montant ne passe jamais par un float ({value!r})")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        result = Decimal(value)
    else:
        raise TypeError(f"{what} : type inattendu {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"{what} : valeur non finie {value!r}")
    return result


class Formatter:
    """Formats values for one locale and currency, the way a printed document shows them.

    >>> f = Formatter("fr_BE")
    >>> f.money("8062.00") == "8\\u202f062,00\\u00a0€"
    True
    """

    def __init__(self, locale: str = DEFAULT_LOCALE, currency: str = "EUR") -> None:
        self.locale = locale or DEFAULT_LOCALE
        self.currency = currency or "EUR"
        self._babel_locale: Any = None
        self._percent_pattern: str | None = None

    @classmethod
    def for_tariff(cls, tariff: Any) -> Formatter:
        """fr_BE for iMio, the issuer's own locale otherwise (fr_FR for Somme Numérique)."""
        issuer = (getattr(tariff, "issuer", "") or "").casefold()
        if issuer == "imio":
            return cls(DEFAULT_LOCALE, getattr(tariff, "currency", "EUR") or "EUR")
        return cls(getattr(tariff, "locale", "") or DEFAULT_LOCALE, getattr(tariff, "currency", "EUR"))

    def __repr__(self) -> str:
        return f"Formatter({self.locale!r}, {self.currency!r})"

    # -- babel, imported on first use -------------------------------------------------
    def _locale(self) -> Any:
        if self._babel_locale is None:
            from babel import Locale

            self._babel_locale = Locale.parse(self.locale)
        return self._babel_locale

    # -- amounts ----------------------------------------------------------------------
    @staticmethod
    def cents(amount: Decimal | int | str) -> Decimal:
        """The amount rounded half-up to the cent (what core already did for line amounts)."""
        return _decimal(amount, "montant").quantize(CENT, rounding=ROUND_HALF_UP)

    def money(self, amount: Decimal | int | str) -> str:
        """'8 062,00 €' (fr_BE: U+202F between thousands, U+00A0 before €)."""
        from babel.numbers import format_currency

        value = self.cents(amount)
        return format_currency(value, self.currency, locale=self._locale())

    def amount(self, amount: Decimal | int | str) -> str:
        """'8 062,00' without the currency sign (table cells under a '€' heading)."""
        from babel.numbers import format_decimal

        value = self.cents(amount)
        return format_decimal(value, format="#,##0.00", locale=self._locale())

    def number(self, value: Decimal | int | str) -> str:
        """'3', '2,5', '12 500': up to two decimals, no trailing zeros."""
        from babel.numbers import format_decimal

        return format_decimal(_decimal(value, "nombre"), format="#,##0.##", locale=self._locale())

    def integer(self, value: int) -> str:
        """'12 500'."""
        from babel.numbers import format_decimal

        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"entier attendu, reçu {value!r}")
        return format_decimal(value, format="#,##0", locale=self._locale())

    def percent(self, ratio: Decimal | int | str) -> str:
        """Decimal('0.02') -> '2 %', Decimal('0.015') -> '1,5 %' (the locale's spacing)."""
        from babel.numbers import format_percent

        value = _decimal(ratio, "pourcentage")
        if self._percent_pattern is None:
            pattern = self._locale().percent_formats[None].pattern
            self._percent_pattern = pattern.replace("#,##0", "#,##0.##", 1)
        return format_percent(value, format=self._percent_pattern, locale=self._locale())

    # -- dates --------------------------------------------------------------------------
    def date(self, day: dt.date) -> str:
        """'22/11/2026' (four-digit year, unlike babel's fr_BE 'short')."""
        from babel.dates import format_date

        return format_date(day, "dd/MM/yyyy", locale=self._locale())

    def long_date(self, day: dt.date) -> str:
        """'22 novembre 2026'."""
        from babel.dates import format_date

        return format_date(day, "long", locale=self._locale())
