"""Output: the only package that imports Rich (and only when a table is drawn on a terminal).

One ``Output`` per command writes data to stdout and messages to stderr. ``--format`` is defined
once (:class:`Format`): ``table`` is a Rich table on a terminal and plain aligned text when piped
(no box drawing, no ANSI codes: readable in a cron mail); ``csv`` and ``json`` are the stable
machine formats. ``NO_COLOR`` is respected; ``TTY_COMPATIBLE=1``/``0`` forces the terminal
decision (as Rich does).
"""

import enum
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TextIO

from funnelcli.text import one_line, spreadsheet_cell

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console


class Format(enum.StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


Record = Mapping[str, Any]


class Column(NamedTuple):
    """One column of a table: the record key it shows, its header, how to display it."""

    key: str
    header: str
    text: Callable[[Record], str] | None = None
    justify: Literal["left", "right"] = "left"
    style: str | None = None
    no_wrap: bool = False  # short values (ids, dates, amounts): let the long ones wrap instead

    def cell(self, record: Record) -> str:
        if self.text is not None:
            return self.text(record)
        value = record.get(self.key)
        return "" if value is None else str(value)


#: A value as a CSV cell (formula injection neutralised): the rule of ``funnel export`` too.
csv_value = spreadsheet_cell


class Output:
    """Where a command's output goes, and how it is drawn."""

    def __init__(
        self,
        out: TextIO | None = None,
        err: TextIO | None = None,
        *,
        terminal: bool | None = None,
        color: bool | None = None,
        width: int | None = None,
    ) -> None:
        self.out = out if out is not None else sys.stdout
        self.err = err if err is not None else sys.stderr
        forced = os.environ.get("TTY_COMPATIBLE", "")
        if terminal is None:
            terminal = forced == "1" or (forced != "0" and _isatty(self.out))
        self.terminal = terminal
        if color is None:
            color = terminal and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        self.color = color
        self.width = width
        self._console: Console | None = None

    # ---------------------------------------------------------------- plain text

    def line(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def _stderr(self, label: str, colour: str, text: str) -> None:
        use_colour = self.color and _isatty(self.err)
        prefix = f"\x1b[{colour}m{label}\x1b[0m" if use_colour else label
        self.err.write(f"{prefix} {text}\n")
        self.err.flush()

    def error(self, message: str, hint: str | None = None) -> None:
        self._stderr("Error:", "1;31", message)
        if hint:
            self._stderr("Hint:", "33", hint)

    def warn(self, message: str) -> None:
        self._stderr("Warning:", "33", message)

    def note(self, message: str) -> None:
        """Information for the person, never for scripts: stderr."""
        self.err.write(message + "\n")

    # ---------------------------------------------------------------- rich

    def console(self) -> "Console":
        if self._console is None:
            from rich.console import Console

            self._console = Console(
                file=self.out,
                force_terminal=self.terminal,
                no_color=not self.color,
                color_system="auto" if self.color else None,
                width=self.width,
                highlight=False,
                emoji=False,
            )
        return self._console

    # ---------------------------------------------------------------- records

    def records(
        self,
        rows: Sequence[Record],
        columns: Sequence[Column],
        fmt: Format,
        *,
        title: str | None = None,
        empty: str | None = None,
        keys: Sequence[str] | None = None,
    ) -> None:
        """A list of records: table (the columns given), or every field as CSV / JSON.

        ``keys`` names the CSV columns, so that an empty list still prints its header.
        """
        if fmt is Format.JSON:
            self.json(list(rows))
        elif fmt is Format.CSV:
            self.csv(rows, keys)
        elif not rows:
            if empty:
                self.note(empty)
        elif self.terminal:
            self.rich_table(rows, columns, title=title)
        else:
            self.plain_table(rows, columns)

    def json(self, data: Any) -> None:
        import json

        json.dump(data, self.out, ensure_ascii=False, indent=2)
        self.out.write("\n")

    def csv(self, rows: Sequence[Record], keys: Iterable[str] | None = None) -> None:
        keys = list(keys) if keys is not None else (list(rows[0]) if rows else [])
        import csv  # imported when needed: start-up time is a feature

        writer = csv.writer(self.out, lineterminator="\n")
        if keys:
            writer.writerow(keys)
        for row in rows:
            writer.writerow([csv_value(row.get(k)) for k in keys])

    def plain_table(self, rows: Sequence[Record], columns: Sequence[Column]) -> None:
        cells = [[one_line(c.cell(r)) for c in columns] for r in rows]
        headers = [c.header for c in columns]
        widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]

        def fmt_row(values: Sequence[str]) -> str:
            parts = [
                v.rjust(w) if c.justify == "right" else v.ljust(w)
                for v, w, c in zip(values, widths, columns, strict=True)
            ]
            return "  ".join(parts).rstrip()

        self.line(fmt_row(headers))
        for row in cells:
            self.line(fmt_row(row))

    def rich_table(
        self, rows: Sequence[Record], columns: Sequence[Column], *, title: str | None = None
    ) -> None:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        table = Table(
            title=title,
            box=box.SIMPLE_HEAD,
            title_justify="left",
            pad_edge=False,
            show_edge=False,
            collapse_padding=True,
        )
        for column in columns:
            table.add_column(
                column.header, justify=column.justify, style=column.style, no_wrap=column.no_wrap
            )
        for row in rows:
            table.add_row(*(Text(one_line(column.cell(row))) for column in columns))
        self.console().print(table)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
