"""The overdue agenda printed by ``funnel overdue`` (and its ``--within`` look-ahead).

On a terminal: a Rich table, overdue rows in red and the ones falling due soon in yellow, in a
section of their own. Elsewhere (cron, pipes): a summary line, a blank line and plain aligned
columns — no box drawing, no ANSI codes — readable in a mail. Rich is imported only to draw on
a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from funnelcli.render import Column, Output, Record
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
