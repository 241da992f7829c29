"""The French side: the compiled catalogue and Babel's number and date formats.

Imported only when the interface is French (``funnelcli.i18n`` decides): the English path
loads neither the catalogue nor Babel.
"""

from __future__ import annotations

import functools
import gettext as _gettext
from datetime import date, datetime
from pathlib import Path

from funnelcli import i18n

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "funnel"


@functools.cache
def catalogue() -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=["fr"], fallback=True)


def gettext(message: str) -> str:
    return catalogue().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue().ngettext(singular, plural, n)


@functools.cache
def stage_names() -> dict[str, str]:
    """The built-in stages' French names (``msgctxt "stage"``: ``proposal`` is also an
    activity type, ``won`` a column)."""
    pgettext = catalogue().pgettext
    return {
        "new": pgettext("stage", "new"),
        "contacted": pgettext("stage", "contacted"),
        "qualified": pgettext("stage", "qualified"),
        "proposal": pgettext("stage", "proposal"),
        "negotiation": pgettext("stage", "negotiation"),
        "won": pgettext("stage", "won"),
        "lost": pgettext("stage", "lost"),
    }


# --------------------------------------------------------------------------- formats


def money_cents(cents: int, currency: str | None) -> str:
    """``1 234,56 $`` (fr_CA), ``1 234,56 €`` (fr_FR), ``1 234,56 $ US``; ``1 234,56`` without
    a currency. Always two decimals (funnel keeps cents), exact (a Decimal, never a float)."""
    from decimal import Decimal

    from babel.numbers import format_currency, format_decimal

    amount = Decimal(cents).scaleb(-2)
    if not currency:
        return format_decimal(amount, "#,##0.00", locale=i18n.region())
    return format_currency(
        amount, currency, "#,##0.00\u00a0¤", locale=i18n.region(), currency_digits=False
    )


def decimal(value: float, digits: int, sign: bool = False) -> str:
    """``58,2`` (``58.2`` in English); ``+12`` with ``sign``."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    if sign:
        pattern = f"+{pattern};-{pattern}"
    return format_decimal(value, pattern, locale=i18n.region())


def money(amount: float | int, currency: str) -> str:
    """``1 234,56 $`` (fr_CA), ``1 234,56 €`` (fr_FR)."""
    from babel.numbers import format_currency

    return format_currency(amount, currency, locale=i18n.region())


def percent(value: float, digits: int = 1) -> str:
    """``26,8 %`` for 0.268."""
    from babel.numbers import format_percent

    return format_percent(value, f"#,##0.{'0' * digits}\u00a0%", locale=i18n.region())


def number(value: float | int) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=i18n.region())


def day(value: date) -> str:
    """``lun. 30 nov. 2026``."""
    from babel.dates import format_date

    return format_date(value, "EEE d MMM y", locale=i18n.region())


def weekday(value: date | datetime) -> str:
    """``lun.``"""
    from babel.dates import format_date

    return format_date(value, "EEE", locale=i18n.region())
