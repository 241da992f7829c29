"""A report laid out for people: a list of simple blocks that a backend draws.

:class:`Heading`, :class:`Facts`, :class:`Grid` (with :class:`Bar` cells) and :class:`Note`; the
plain-text backend (``plain``) draws them for pipes and cron mails, the Rich one (``with_rich``)
on a terminal and for ``--save``. Pieces several reports share are here too.
"""

from collections.abc import Sequence
from typing import Any, NamedTuple

from funnelcli.i18n import N_, _
from funnelcli.kpis.forecast import REASONS, ForecastLine
from funnelcli.kpis.reports import Header
from funnelcli.render.reports.words import DASH, count, money, plural
from funnelcli.text import one_line

BAR_WIDTH = 30


class Heading(NamedTuple):
    text: str
    detail: str = ""


class Facts(NamedTuple):
    """Label → value lines (the KPI panel)."""

    title: str
    rows: list[tuple[str, str]]


class Bar(NamedTuple):
    """A bar in a table cell: stacked ``parts`` (one per colour) on a scale of ``maximum``."""

    parts: tuple[int, ...]
    maximum: int
    width: int = BAR_WIDTH

    def length(self, value: int) -> int:
        if self.maximum <= 0:
            return 0
        return round(value * self.width / self.maximum)


class Grid(NamedTuple):
    title: str
    headers: list[str]
    rows: list[list[str | Bar]]
    right: frozenset[int] = frozenset()
    notes: Sequence[str] = ()
    legend: Sequence[str] = ()  # names of the stacked bars' parts
    #: The same figures in fewer columns, drawn instead on a terminal too narrow for these.
    narrow: Any = None


class Note(NamedTuple):
    text: str


Block = Heading | Facts | Grid | Note


def printable(block: Block) -> Block:
    if isinstance(block, Heading):
        return Heading(one_line(block.text), one_line(block.detail))
    if isinstance(block, Facts):
        return Facts(one_line(block.title), [(one_line(k), one_line(v)) for k, v in block.rows])
    if isinstance(block, Grid):
        return block._replace(
            title=one_line(block.title),
            headers=[one_line(h) for h in block.headers],
            rows=[[one_line(c) if isinstance(c, str) else c for c in row] for row in block.rows],
            notes=[one_line(n) for n in block.notes],
            legend=[one_line(n) for n in block.legend],
        )
    return Note(one_line(block.text))


#: The named periods' labels (English in JSON, ``periods.py``), for people in their language.
PERIOD_LABELS = frozenset(
    {
        N_("last 12 months"),
        N_("last 12 months and this month"),
        N_("since the first lead"),
        N_("this quarter and next quarter"),
        N_("12 months of cut-offs"),
        N_("every snapshot recorded"),
    }
)


def period_label(label: str) -> str:
    """``last 12 months`` → ``12 derniers mois``; ``2026 to date`` → ``2026 à ce jour``; a
    month, quarter or year is kept."""
    if label in PERIOD_LABELS:
        return _(label)
    year, _space, rest = label.partition(" ")
    if rest == "to date" and year.isdigit():
        return _("{year} to date").format(year=year)
    return label


def heading(header: Header, title: str) -> Heading:
    from funnelcli.dates import format_local

    source = (
        _("source {source}").format(source=header.source) if header.source else _("all sources")
    )
    period = header.period
    span = _("{start} to {end}").format(start=period.start.isoformat(), end=period.end.isoformat())
    shown = period_label(period.label)
    label = f" ({shown})" if not period.label.startswith(period.start.isoformat()) else ""
    detail = _("{span} · {source} · as of {moment}").format(
        span=span + label, source=source, moment=format_local(header.as_of)
    )
    if header.older_values is not None:
        if header.older_values:
            older = plural(header.older_values, "lead")
            detail += " " + _(
                "(past view; values older than their recorded history: {leads})"
            ).format(leads=older)
        else:
            detail += " " + _("(past view)")
    return Heading(title, detail)


def _line_cells(line: ForecastLine) -> list[str | Bar]:
    """A currency's forecast in one row; with the model, (a) holds its estimated amounts and
    its new business too (:func:`model_note` says so; ``report forecast`` shows each part)."""
    return [
        line.currency,
        money(line.pipeline + line.estimated + line.new_business),
        money(line.recurring),
        money(line.won),
        money(line.total),
    ]


#: Marked here, translated where the grid is made (``[_(h) for h in FORECAST_HEADERS]``).
FORECAST_HEADERS = [
    N_("Period"),
    N_("Cur."),
    N_("Pipeline (a)"),
    N_("Recurring (b)"),
    N_("Won (c)"),
    N_("Total"),
]


def _has_figure(line: ForecastLine) -> bool:
    return bool(line.pipeline or line.recurring or line.won or line.total)


def any_figure(lines: Sequence[ForecastLine]) -> bool:
    return any(_has_figure(line) for line in lines)


def forecast_rows(spans: Sequence[tuple[str, list[ForecastLine]]]) -> list[list[str | Bar]]:
    """Rows of the forecast table: per span (label, its lines by currency), one row a currency
    with something in it (a span with none: one row of dashes)."""
    rows: list[list[str | Bar]] = []
    for label, every in spans:
        lines = [line for line in every if _has_figure(line)]
        if not lines:
            rows.append([label, DASH, DASH, DASH, DASH, DASH])
        for i, line in enumerate(lines):
            rows.append([label if i == 0 else "", *_line_cells(line)])
    return rows


def model_note(spans: Sequence[tuple[str, list[ForecastLine]]]) -> list[str]:
    """The note for a compact forecast table whose (a) holds the model's other parts."""
    if any(line.estimated or line.new_business for _, lines in spans for line in lines):
        return [
            _(
                "(a) includes open deals without an amount, at the mean won amount, and deals not "
                "created yet (the model, chosen by backtest: funnel report forecast shows each "
                "part)."
            )
        ]
    return []


def left_out_note(counts: dict[str, int]) -> str:
    if not counts.get("deals"):
        return _("No open deal is left out of the forecast.")
    parts = [
        f"{count(counts[key])} {_(REASONS[key])}"
        for key in ("no_amount", "no_expected_close", "expected_close_past")
        if counts.get(key)
    ]
    return _("Left out of the forecast: {deals} ({reasons}); see: funnel report forecast").format(
        deals=plural(counts["deals"], "open deal"), reasons=", ".join(parts)
    )
