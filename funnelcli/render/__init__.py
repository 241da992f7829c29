"""Output: the only package that imports Rich (and only when a table is drawn on a terminal).

One ``Output`` per command writes data to stdout and messages to stderr. ``--format`` is defined
once (:class:`Format`): ``table`` is a Rich table on a terminal and plain aligned text when piped
(no box drawing, no ANSI codes: readable in a cron mail); ``csv`` and ``json`` are the stable
machine formats. ``NO_COLOR`` is respected; ``TTY_COMPATIBLE=1``/``0`` forces the terminal
decision (as Rich does).

Text for people (lines, tables, messages) goes through :func:`funnelcli.text.printable`: a
control character or a bidi override in a name is shown escaped, never sent to the terminal.
Standard output that cannot be written (disk full, closed) raises ``OutputError`` (exit 74)
naming what the command had already saved (:meth:`Output.committed`); a reader that went away
(``| head -1``) stays a ``BrokenPipeError``, which the boundary ends quietly.
"""

import enum
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TextIO

from funnelcli.errors import OutputError
from funnelcli.i18n import _
from funnelcli.text import one_line, printable, spreadsheet_cell

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
    keep: bool = False  # never cut nor wrapped (contact details): see render.fit
    cut: bool = False  # one line, shortened with "…" when the terminal is narrow
    drop: int = 0  # when the table cannot fit, the highest goes first (0: never dropped)

    @property
    def title(self) -> str:
        """The header in the interface's language (``header`` is the catalogue's key)."""
        return _(self.header)

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
        self.saved: tuple[str, str | None] | None = None
        self.out: Any = _Checked(out if out is not None else sys.stdout, self)
        self.err = err if err is not None else sys.stderr
        forced = os.environ.get("TTY_COMPATIBLE", "")
        if terminal is None:
            terminal = forced == "1" or (forced != "0" and self.out.isatty())
        self.terminal = terminal
        if color is None:
            color = terminal and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        self.color = color
        self.width = width
        self._console: Console | None = None

    # ---------------------------------------------------------------- plain text

    def line(self, text: str = "") -> None:
        """One line for people (made :func:`printable`); data formats write ``self.out``."""
        self.out.write(printable(text) + "\n")

    def _stderr(self, label: str, colour: str, text: str) -> None:
        use_colour = self.color and _isatty(self.err)
        prefix = f"\x1b[{colour}m{label}\x1b[0m" if use_colour else label
        self.err.write(f"{prefix} {printable(text)}\n")
        self.err.flush()

    def error(self, message: str, hint: str | None = None, details: Sequence[str] = ()) -> None:
        """``Error: message`` (then each detail line, then the hint), each on one line."""
        self._stderr(_("Error:"), "1;31", message)
        for detail in details:
            self.err.write(printable(detail) + "\n")
        if hint:
            self._stderr(_("Hint:"), "33", hint)

    def warn(self, message: str) -> None:
        self._stderr(_("Warning:"), "33", message)

    def note(self, message: str) -> None:
        """Information for the person, never for scripts: stderr."""
        self.err.write(printable(message) + "\n")

    # ---------------------------------------------------------------- standard output

    def committed(self, what: str, output: str | None = None) -> None:
        """Say what the command has just committed (``"lead 17 was added"``, ``"its id"``), before
        printing about it: if standard output then fails, the error says the write happened, so
        that nobody retries it."""
        self.saved = (what, output)

    def write_failed(self, reason: str) -> OutputError:
        """The error for standard output that cannot be written (exit 74)."""
        if self.saved is not None:
            what, output = self.saved
            return OutputError(
                _("{what}; writing {output} failed: {reason}").format(
                    what=what, output=output or _("its output"), reason=reason
                )
            )
        return OutputError(_("cannot write to standard output: {reason}").format(reason=reason))

    def flush(self) -> None:
        """Write out what is buffered (the boundary calls it: a full disk shows at the flush)."""
        self.out.flush()

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
            # Rich's own answer to a closed pipe is SystemExit(1); ours is a quiet exit 0.
            self._console.on_broken_pipe = _broken_pipe  # type: ignore[method-assign]
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
        footer: str | None = None,
        page: bool = False,
    ) -> None:
        """A list of records: table (the columns given), or every field as CSV / JSON.

        ``keys`` names the CSV columns, so that an empty list still prints its header. On a
        terminal, ``footer`` is a dim line under the table, and ``page`` pages a table longer
        than the screen (:meth:`paged`).
        """
        if fmt is Format.JSON:
            self.json(list(rows))
        elif fmt is Format.CSV:
            self.csv(rows, keys)
        elif not rows:
            if empty:
                self.note(empty)
        elif self.terminal:
            self.rich_table(rows, columns, title=title, footer=footer, page=page)
        else:
            self.plain_table(rows, columns)

    def result(self, fmt: Format, record: Record, text: str) -> None:
        """One result of a command: the record for scripts (JSON, CSV), a sentence for people."""
        if fmt is Format.JSON:
            self.json(record)
        elif fmt is Format.CSV:
            self.csv([record])
        else:
            self.line(text)

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
        headers = [c.title for c in columns]
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
        self,
        rows: Sequence[Record],
        columns: Sequence[Column],
        *,
        title: str | None = None,
        footer: str | None = None,
        page: bool = False,
    ) -> None:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        from funnelcli.render.fit import fit

        cells = [[one_line(column.cell(row)) for column in columns] for row in rows]
        fitted = fit(columns, cells, self.console().width)
        table = Table(
            title=title,
            box=box.SIMPLE_HEAD,
            title_justify="left",
            pad_edge=False,
            show_edge=False,
            collapse_padding=True,
        )
        for i in fitted.shown:
            column = columns[i]
            table.add_column(
                column.title,
                justify=column.justify,
                style=column.style,
                no_wrap=column.no_wrap or column.keep or column.cut,
                min_width=fitted.natural[i] if column.keep else None,
                max_width=fitted.max_widths.get(i),
            )
        for row in cells:
            table.add_row(*(Text(row[i]) for i in fitted.shown))
        drawn: list[Any] = [table]
        if footer:
            drawn.append(Text(printable(footer), style="dim"))
        if page:
            self.paged(drawn)
        else:
            self.console().print(*drawn)

    def paged(self, renderables: Sequence[Any]) -> None:
        """Print, through the pager when standard output and input are a terminal (really, not
        by ``TTY_COMPATIBLE``) and the text is longer than the screen: ``$PAGER``, else
        ``less``, with git's ``LESS=FRX`` when ``LESS`` is unset (Python's ``pydoc`` pager,
        through Rich's)."""
        console = self.console()
        if not (self.out.isatty() and _isatty(sys.stdin)):
            console.print(*renderables)
            return
        with console.capture() as captured:
            console.print(*renderables)
        text = captured.get()
        if text.count("\n") < console.height:
            self.out.write(text)
            return
        from rich.pager import SystemPager

        os.environ.setdefault("LESS", "FRX")
        self.out.flush()
        SystemPager().show(text)


class _Checked:
    """Standard output (or the stream a test gives), whose failures say what they mean.

    A write or flush that fails with an OSError (disk full, I/O error, a closed descriptor), or
    a stream that is not there at all (``funnel list >&-``), raises the Output's
    :meth:`~Output.write_failed` error. A closed pipe stays ``BrokenPipeError``. ``buffer`` (the
    bytes under a text stream, for exports) is checked the same way.
    """

    def __init__(self, stream: Any, output: Output) -> None:
        self._stream = stream
        self._output = output

    def _failed(self, exc: OSError | None) -> OutputError:
        if exc is None:
            return self._output.write_failed("it is closed")
        return self._output.write_failed(exc.strerror or str(exc))

    def write(self, data: Any) -> int:
        if self._stream is None:
            raise self._failed(None)
        try:
            return int(self._stream.write(data))
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from None

    def flush(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:  # ValueError: flush of a closed file
            if isinstance(exc, OSError):
                raise self._failed(exc) from None
            raise self._failed(None) from None

    @property
    def buffer(self) -> Any:
        raw = getattr(self._stream, "buffer", None)
        return None if raw is None else _Checked(raw, self._output)

    def isatty(self) -> bool:
        return self._stream is not None and _isatty(self._stream)

    def __getattr__(self, name: str) -> Any:
        if self._stream is None:
            raise self._failed(None)
        return getattr(self._stream, name)


def _broken_pipe() -> None:
    raise BrokenPipeError(32, "Broken pipe")


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
