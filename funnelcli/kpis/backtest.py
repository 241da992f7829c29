"""The backtest: what each forecast method would have said at past cut-offs, against what was then
won, next to three naive baselines.

At each cut-off (the end of a month or quarter) every method forecasts the next period from the
data as of the cut-off; the **actual** of that period is what ``report accuracy`` counts (won
amounts plus the recurring billings that fell in it). Per cut-off, method and currency: the
error ``forecast − actual`` (positive: too high) and the percentage error ``error ÷ actual``
(none when the actual is 0). Overall, per method and currency, over ``n`` cut-offs:

- mean absolute error ``Σ|error| ÷ n``;
- weighted absolute percentage error (WAPE) ``Σ|error| ÷ Σ actual`` (none when Σ actual is 0);
- mean absolute percentage error (MAPE): the mean of ``|error| ÷ actual`` over the cut-offs
  whose actual is not 0 (none when there is no such cut-off);
- bias ``Σ error ÷ n``.

The baselines: ``pipeline`` (Σ amount × the stage's default probability over the open deals
expected to close in the period, ignoring deals' own probabilities and recurring revenue),
``last_period`` (the previous period's actual, as known at the cut-off) and ``mean_of_4`` (the
mean of the actuals of the four previous periods, a period with nothing won counting 0).

The **range** of a forecast whose method ``--method auto`` chose: the total × the 10th and the
90th percentiles of the ratios ``actual ÷ forecast`` of that method over the backtest's lines
(every cut-off and currency whose forecast is above 0), when there are at least
:data:`AUTO_MINIMUM` of them: what the method's own past misses say, with no simulation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from typing import NamedTuple

from funnelcli.kpis.numbers import ratio

BASELINES = ("pipeline", "last_period", "mean_of_4")
#: ``--method auto`` chooses by backtest when at least this many cut-offs had something won.
AUTO_MINIMUM = 4
#: The percentiles of ``actual ÷ forecast`` that give a forecast's range.
RANGE_PERCENTILES = (Fraction(1, 10), Fraction(9, 10))


class CutOff(NamedTuple):
    """A cut-off (its day; the data as of the end of that day) and the period it forecasts."""

    day: date
    label: str  # the forecast period's label (2026-03, 2026-Q2)
    start: date
    end: date


class Line(NamedTuple):
    """One method's forecast of one cut-off's next period in one currency, against the actual."""

    cut_off: CutOff
    method: str
    currency: str
    forecast: Fraction  # cents
    actual: int  # cents

    @property
    def error(self) -> Fraction:
        return self.forecast - self.actual

    @property
    def percentage_error(self) -> Fraction | None:
        return ratio(self.error, self.actual)


class Overall(NamedTuple):
    method: str
    currency: str
    cut_offs: int
    mean_absolute_error: Fraction  # cents
    weighted_absolute_percentage_error: Fraction | None
    mean_absolute_percentage_error: Fraction | None
    bias: Fraction  # cents; positive: the forecasts run high


class Backtest(NamedTuple):
    methods: list[str]  # funnel's own, then the baselines
    cut_offs: list[CutOff]
    lines: list[Line]  # by cut-off, currency, method
    overall: list[Overall]  # by currency, method
    pending: int  # cut-offs in the range whose next period is not over yet


#: Per method: currency -> cents forecast.
Forecasts = Mapping[str, Mapping[str, Fraction | int]]


def lines_of(cut: CutOff, forecasts: Forecasts, actual: Mapping[str, int]) -> list[Line]:
    """One cut-off's lines: a line per currency forecast or won, for every method (a method
    that forecast nothing in a currency forecast 0 there)."""
    currencies = sorted({c for f in forecasts.values() for c in f} | set(actual))
    return [
        Line(cut, method, c, Fraction(forecasts[method].get(c, 0)), actual.get(c, 0))
        for c in currencies
        for method in forecasts
    ]


def with_every_currency(lines: Sequence[Line], methods: Sequence[str]) -> list[Line]:
    """The lines, plus a zero line (forecast 0, actual 0) where a currency seen at one cut-off
    is absent at another: each currency's errors then cover every cut-off."""
    currencies = sorted({line.currency for line in lines})
    have = {(line.cut_off, line.method, line.currency): line for line in lines}
    cuts = list(dict.fromkeys(line.cut_off for line in lines))
    return [
        have.get((cut, m, c), Line(cut, m, c, Fraction(0), 0))
        for cut in cuts
        for c in currencies
        for m in methods
    ]


def overall(lines: Iterable[Line]) -> list[Overall]:
    """The overall errors per currency and method (see the module)."""
    groups: dict[tuple[str, str], list[Line]] = defaultdict(list)
    for line in lines:
        groups[(line.currency, line.method)].append(line)
    out = []
    for (currency, method), items in groups.items():
        n = len(items)
        absolute = sum((abs(x.error) for x in items), Fraction(0))
        rated = [abs(x.error) / x.actual for x in items if x.actual]
        out.append(
            Overall(
                method,
                currency,
                n,
                absolute / n,
                ratio(absolute, sum(x.actual for x in items)),
                sum(rated, Fraction(0)) / len(rated) if rated else None,
                sum((x.error for x in items), Fraction(0)) / n,
            )
        )
    return sorted(out, key=lambda o: o.currency)


def mean_of(actuals: Sequence[Mapping[str, int]]) -> dict[str, Fraction]:
    """Per currency, the mean of these periods' actuals (a currency absent from one: 0 there)."""
    currencies = {c for a in actuals for c in a}
    return {c: Fraction(sum(a.get(c, 0) for a in actuals), len(actuals)) for c in currencies}


class Choice(NamedTuple):
    """What ``--method auto`` chose: ``method`` None when the history is too short."""

    method: str | None
    cut_offs: int  # cut-offs whose actual is not 0 (in any currency)
    wape: Fraction | None  # the chosen method's, every currency pooled
    #: The chosen method's 10th and 90th percentiles of actual ÷ forecast (None: too few).
    range: tuple[Fraction, Fraction] | None = None
    ratios: int = 0  # how many lines (cut-off and currency) had a forecast above 0


def percentile(values: Sequence[Fraction], p: Fraction) -> Fraction:
    """The ``p``-th percentile (0..1) of ``values``, linear between the closest ranks (a
    spreadsheet's ``PERCENTILE``, numpy's default): rank ``p × (n − 1)`` counted from 0."""
    ordered = sorted(values)
    rank = p * (len(ordered) - 1)
    low = int(rank)
    if low + 1 >= len(ordered):
        return ordered[low]
    return ordered[low] + (rank - low) * (ordered[low + 1] - ordered[low])


def ratio_range(lines: Iterable[Line]) -> tuple[tuple[Fraction, Fraction] | None, int]:
    """The 10th and 90th percentiles of ``actual ÷ forecast`` over the lines whose forecast is
    above 0 (None below :data:`AUTO_MINIMUM` such lines), and how many there were."""
    ratios = [Fraction(x.actual) / x.forecast for x in lines if x.forecast > 0]
    if len(ratios) < AUTO_MINIMUM:
        return None, len(ratios)
    low, high = RANGE_PERCENTILES
    return (percentile(ratios, low), percentile(ratios, high)), len(ratios)


def choose(test: Backtest, own: Sequence[str]) -> Choice:
    """The method of ``own`` with the lowest WAPE over every cut-off and currency pooled
    (Σ|error| ÷ Σ actual, in cents of every currency; the first in ``own`` on a tie), when at
    least :data:`AUTO_MINIMUM` cut-offs had something won; else none."""
    won = {line.cut_off for line in test.lines if line.actual}
    if len(won) < AUTO_MINIMUM:
        return Choice(None, len(won), None)
    scores: dict[str, Fraction | None] = {}
    for method in own:
        mine = [line for line in test.lines if line.method == method]
        scores[method] = ratio(
            sum((abs(x.error) for x in mine), Fraction(0)), sum(x.actual for x in mine)
        )
    ranked = [m for m in own if scores[m] is not None]
    best = min(ranked, key=lambda m: scores[m])  # type: ignore[arg-type,return-value]
    bounds, ratios = ratio_range(line for line in test.lines if line.method == best)
    return Choice(best, len(won), scores[best], bounds, ratios)
