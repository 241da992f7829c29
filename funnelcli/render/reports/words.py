"""Figures as words for people: counts, rates, money, days; ``—`` for what is undefined."""

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from funnelcli.i18n import N_, _, is_french, ngettext, thousands
from funnelcli.kpis.numbers import Rate, to_cents
from funnelcli.money import format_money

DASH = "—"


NO_SOURCE = N_("(none)")


def pct(value: Fraction | float | None) -> str:
    """``26.8%``; ``26,8 %`` in French."""
    if value is None:
        return DASH
    if is_french():
        from funnelcli.i18n import french

        return french.percent(float(value))
    return f"{float(value) * 100:.1f}%"


def used_pct(value: Fraction | float | None, *, from_history: bool, blended: bool = False) -> str:
    """The probability a forecast used, and where it came from: ``40.0% (history)``; a few
    deals' rate shrunk toward the default is ``(history + default)``."""
    if from_history:
        source = _("history")
    elif blended:
        source = _("history + default")
    else:
        source = _("stage default")
    return f"{pct(value)} ({source})"


def signed_pct(value: Fraction | float | None, digits: int) -> str:
    """An error in percent with its sign: ``+12%`` (``+12 %``), ``-3.5%``."""
    if value is None:
        return DASH
    if is_french():
        from funnelcli.i18n import french

        return french.decimal(float(value) * 100, digits, sign=True) + "\u00a0%"
    return f"{float(value) * 100:+.{digits}f}%"


def decimal_text(value: Fraction | float, digits: int) -> str:
    """``58.2``; ``58,2`` in French."""
    if is_french():
        from funnelcli.i18n import french

        return french.decimal(float(value), digits)
    return f"{float(value):.{digits}f}"


def rate_text(rate: Rate | None) -> str:
    return DASH if rate is None else pct(rate.value)


def count(n: int | None) -> str:
    return DASH if n is None else thousands(n)


def money(cents: Fraction | int | None, currency: str | None = None) -> str:
    if cents is None:
        return DASH
    return format_money(to_cents(cents), currency)


#: The counted words of the reports, in the interface's language (each call a literal for the
#: catalogue): ``plural(3, "lead")`` is ``3 leads``, ``3 pistes``.
_PLURALS: dict[str, Callable[[int], str]] = {
    "lead": lambda n: ngettext("{n} lead", "{n} leads", n),
    "deal": lambda n: ngettext("{n} deal", "{n} deals", n),
    "open deal": lambda n: ngettext("{n} open deal", "{n} open deals", n),
    "won deal": lambda n: ngettext("{n} won deal", "{n} won deals", n),
    "line": lambda n: ngettext("{n} line", "{n} lines", n),
    "snapshot": lambda n: ngettext("{n} snapshot", "{n} snapshots", n),
    "cut-off": lambda n: ngettext("{n} cut-off", "{n} cut-offs", n),
    "monthly cut-off": lambda n: ngettext("{n} monthly cut-off", "{n} monthly cut-offs", n),
    "past cut-off": lambda n: ngettext("{n} past cut-off", "{n} past cut-offs", n),
    "backtest forecast": lambda n: ngettext("{n} backtest forecast", "{n} backtest forecasts", n),
}


def plural(n: int, word: str) -> str:
    worded = _PLURALS.get(word)
    if worded is None:
        return f"{count(n)} {word}{'' if n == 1 else 's'}"
    return worded(n).format(n=count(n))


def days_text(value: Fraction | None) -> str:
    return DASH if value is None else _("{days} d").format(days=decimal_text(value, 1))


def source_name(source: str | None) -> str:
    """The source as CSV writes it (``(none)`` in every language)."""
    return NO_SOURCE if source is None else source


def source_label(source: str | None) -> str:
    """The source for people: ``(aucune)`` in French for a lead without one."""
    return _(NO_SOURCE) if source is None else source


def sequence_text(sequence: Sequence[str]) -> str:
    from funnelcli.i18n.codes import activity_type

    return " → ".join(map(activity_type, sequence)) if sequence else _("(no actions)")


def estimated_note(figure: Any) -> str:
    """`` (2 left out: dates estimated)`` for a figure with ``estimated`` leads left out."""
    n = figure.estimated
    return (
        " "
        + ngettext("({n} left out: dates estimated)", "({n} left out: dates estimated)", n).format(
            n=count(n)
        )
        if n
        else ""
    )
