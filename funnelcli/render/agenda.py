"""The overdue agenda printed by ``funnel overdue`` (and its ``--within`` look-ahead).

On a terminal: a Rich table, overdue rows in red and the ones falling due soon in yellow, in a
section of their own. Elsewhere (cron, pipes): a summary line, a blank line and plain aligned
columns — no box drawing, no ANSI codes — readable in a mail. Rich is imported only to draw on
a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from funnelcli.i18n import _, ngettext, weekday
from funnelcli.models import Item
from funnelcli.render import Column, Format, Output, Record
from funnelcli.render.followups import AGENDA_COLUMNS, RECORD_KEYS, record
from funnelcli.text import one_line

if TYPE_CHECKING:  # pragma: no cover
    from rich.text import Text


def render_agenda(
    out: Output, rows: Sequence[Record], columns: Sequence[Column], title: str
) -> None:
    """``rows`` carry an ``overdue`` flag; nothing at all is printed when there are none."""
    if not rows:
        return
    if out.terminal:
        _rich_agenda(out, rows, columns, title)
        return
    out.line(title)
    out.line()
    out.plain_table(rows, columns)


#: The fewest characters the lead and the promise may be cut to before the contact details go
#: onto a line of their own.
ROOMY = 20


def _rich_agenda(
    out: Output, rows: Sequence[Record], columns: Sequence[Column], title: str
) -> None:
    """One line a follow-up when it fits with the lead and the promise readable; else two: the
    follow-up, then its contact details (never cut) on a dim line."""
    from rich.text import Text

    from funnelcli.render.fit import fit

    width = out.console().width
    cells = [[one_line(column.cell(row)) for column in columns] for row in rows]
    fitted = fit(columns, cells, width)
    one_line_fits = all(
        fitted.max_widths.get(i, fitted.natural[i]) >= min(ROOMY, fitted.natural[i])
        for i in fitted.shown
    ) and all(
        i in fitted.shown for i, c in enumerate(columns) if c.keep and any(r[i] for r in cells)
    )
    below = [] if one_line_fits else [i for i, c in enumerate(columns) if c.keep]
    inline = [i for i in range(len(columns)) if i not in below]
    fitted = fit([columns[i] for i in inline], [[r[i] for i in inline] for r in cells], width)
    shown = [inline[i] for i in fitted.shown]
    widths = {inline[i]: fitted.max_widths.get(i, fitted.natural[i]) for i in fitted.shown}
    console = out.console()
    console.print(Text(title), overflow="ignore", crop=False)
    console.print()
    header = _line(
        [Text(columns[i].title) for i in shown], [columns[i] for i in shown], widths, shown
    )
    console.print(header, style="bold", overflow="ignore", crop=False)
    rule = sum(widths[i] for i in shown) + 2 * (len(shown) - 1)
    console.print("─" * min(width, rule), style="dim", overflow="ignore", crop=False)
    extra = [" · ".join(r[i] for i in below if r[i]) for r in cells]
    indent = _indent(shown, widths, max((len(e) for e in extra), default=0), width)
    previous_overdue = True
    for row, line, more in zip(rows, cells, extra, strict=True):
        if previous_overdue and not row["overdue"] and row is not rows[0]:
            console.print()
        previous_overdue = bool(row["overdue"])
        style = "red" if row["overdue"] else "yellow"
        texts = [Text(line[i]) for i in shown]
        texts[0].stylize(f"bold {style}" if row["overdue"] else style)
        console.print(
            _line(texts, [columns[i] for i in shown], widths, shown), overflow="ignore", crop=False
        )
        if more:
            console.print(Text(" " * indent + more, style="dim"), overflow="ignore", crop=False)


def _indent(shown: Sequence[int], widths: dict[int, int], longest: int, width: int) -> int:
    """Where the second line starts: under the lead, or further left when it is long."""
    offsets = [0]
    for i in shown[:-1]:
        offsets.append(offsets[-1] + widths[i] + 2)
    return max((o for o in offsets[:4] if o + longest <= width), default=0)


def _line(
    texts: list[Text], columns: Sequence[Column], widths: dict[int, int], shown: Sequence[int]
) -> Text:
    from rich.text import Text

    line = Text()
    for n, (text, column, i) in enumerate(zip(texts, columns, shown, strict=True)):
        if n:
            line.append("  ")
        text.truncate(widths[i], overflow="ellipsis")
        text.align(column.justify, widths[i])
        line.append_text(text)
    line.rstrip()
    return line


def _title(items: list[Item], now: datetime, within: str | None) -> str:
    late = sum(1 for item in items if item.overdue)
    soon = len(items) - late
    if late:
        head = ngettext("{n} overdue follow-up", "{n} overdue follow-ups", late).format(n=late)
    else:
        head = _("Nothing overdue")
    if within is not None:
        head += _(", {soon} due within {within}").format(soon=soon, within=within)
    return f"{head} ({weekday(now)} {now:%Y-%m-%d %H:%M})"


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
        )
