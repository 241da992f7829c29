"""The overdue agenda printed by ``funnel overdue`` (and its ``--within`` look-ahead).

On a terminal: a Rich table, overdue rows in red and the ones falling due soon in yellow, in a
section of their own. Elsewhere (cron, pipes): a summary line, a blank line and plain aligned
columns — no box drawing, no ANSI codes — readable in a mail. Rich is imported only to draw on
a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from funnelcli.models import Item
from funnelcli.render import Column, Format, Output, Record
from funnelcli.render.followups import AGENDA_COLUMNS, RECORD_KEYS, plural, record
from funnelcli.text import one_line


def render_agenda(
    out: Output,
    rows: Sequence[Record],
    columns: Sequence[Column],
    *,
    title: str,
    no_wrap: Sequence[str] = (),
) -> None:
    """``rows`` carry an ``overdue`` flag; nothing at all is printed when there are none.

    ``no_wrap``: keys of the columns Rich must not wrap (short ones: dates, ids).
    """
    if not rows:
        return
    if out.terminal:
        _rich_agenda(out, rows, columns, title, no_wrap)
        return
    out.line(title)
    out.line()
    out.plain_table(rows, columns)


def _rich_agenda(
    out: Output,
    rows: Sequence[Record],
    columns: Sequence[Column],
    title: str,
    no_wrap: Sequence[str],
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for column in columns:
        table.add_column(
            column.header,
            justify=column.justify,
            style=column.style,
            no_wrap=column.key in no_wrap,
        )
    previous_overdue = True
    for row in rows:
        if previous_overdue and not row["overdue"] and row is not rows[0]:
            table.add_section()
        previous_overdue = bool(row["overdue"])
        style = "red" if row["overdue"] else "yellow"
        cells = [Text(one_line(column.cell(row))) for column in columns]
        cells[0].stylize(f"bold {style}" if row["overdue"] else style)
        table.add_row(*cells)
    out.console().print(table)


def _title(items: list[Item], now: datetime, within: str | None) -> str:
    late = sum(1 for item in items if item.overdue)
    soon = len(items) - late
    head = f"{plural(late, 'overdue follow-up')}" if late else "Nothing overdue"
    if within is not None:
        head += f", {soon} due within {within}"
    return f"{head} ({now:%a %Y-%m-%d %H:%M})"


def overdue(out: Output, items: list[Item], now: datetime, within: str | None, fmt: Format) -> None:
    """``funnel overdue``: the records for scripts, the agenda for people (nothing when none)."""
    rows = [record(item) for item in items]
    if fmt is Format.JSON:
        out.json(rows)
    elif fmt is Format.CSV:
        out.csv(rows, RECORD_KEYS)
    elif rows:
        render_agenda(
            out,
            rows,
            AGENDA_COLUMNS,
            title=_title(items, now, within),
            no_wrap=("days_late", "due_date", "id"),
        )
