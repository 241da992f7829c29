"""What every row parser shares: a cell parser per mapped column, the row's cells as a named
record, problems named after their column; each kind (leads, follow-ups, activities) then turns
those cells into the record it hands on (:meth:`RowParser.values`)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Generator, Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Generic, TypeVar

from funnelcli import dates
from funnelcli.errors import DataError
from funnelcli.importers.columns import ColumnMap
from funnelcli.importers.datecolumn import Cursor, DateColumn, Seen, month_first_evidence
from funnelcli.importers.placeholders import SPELLINGS
from funnelcli.importers.problems import Problem, ValueProblem
from funnelcli.text import clean, unneutralize

CellParser = Callable[[str], Any]
#: The file's data records again from the top (:meth:`CsvFile.reread`), for a first pass.
Reread = Callable[[], AbstractContextManager[Iterable[tuple[int, list[str]]]]]

#: What a parser makes of a valid row.
V = TypeVar("V")
#: What a first pass over a column finds.
T = TypeVar("T")


def cell_text(raw: str, placeholders: frozenset[str] = SPELLINGS) -> str:
    """A cell as parsers see it: stripped, without control characters (as every command stores
    text: no escape sequence gets in), a spreadsheet's neutralising ``'`` taken off; a
    placeholder (``null``, ``N/A``, ``-``…; none in funnel's own export) is empty."""
    cell = raw.strip()
    if cell and not cell.isprintable():  # line breaks, tabs, odd blanks, control chars
        cell = clean(cell) or ""
    if cell in placeholders:
        return ""
    if cell[:1] == "'":
        cell = unneutralize(cell)
    return cell


class RowParser(Generic[V]):
    """Common machinery of the row parsers.

    A kind names its cells with a NamedTuple (``Cells``: one field per field of the kind, None
    when the file has no value) and its date fields (``DATES``).
    """

    #: The cells of a row, by field name.
    Cells: Any = tuple
    #: Cell parsers of the kind's fields (a field without one keeps its text).
    PARSERS: dict[str, CellParser] = {}
    #: Narrower parsers the common path of a row may use instead (:meth:`cells`): each returns
    #: what the field's parser returns, or raises where it would not, and the row then takes
    #: the general path, with the field's parser.
    FAST_PARSERS: dict[str, CellParser] = {}
    #: Date fields: name -> (instant?, a date ahead?).
    DATES: dict[str, tuple[bool, bool]] = {}

    def __init__(
        self,
        columns: ColumnMap,
        *,
        now: datetime,
        order: bool | None = None,
        reread: Reread | None = None,
        parsers: dict[str, CellParser] | None = None,
    ) -> None:
        """``order``: ``--dayfirst`` (True) or ``--monthfirst`` (False); ``reread``: the
        file's records again (a date column's first pass); ``parsers``: more cell parsers."""
        self.columns = columns
        self.width = len(columns.headers)
        #: The spellings of an empty cell (``N/A``…); funnel's own export has none.
        self.placeholders: frozenset[str] = frozenset() if columns.own_export else SPELLINGS
        self.cursor = Cursor()
        self.now = now
        self.now_stamp = dates.to_storage(now)
        self.reread = reread
        self.dates: list[DateColumn] = []
        parsers = {**self.PARSERS, **(parsers or {})}
        for name, (instant, future) in self.DATES.items():
            if name in columns.fields:
                column = DateColumn(
                    columns.column(name),
                    instant=instant,
                    order=order,
                    now=now,
                    cursor=self.cursor,
                    first_pass=self._column_pass(columns.fields[name], month_first_evidence),
                    future=future,
                )
                self.dates.append(column)
                parsers[name] = self._wrap_date(name, column)
        fields: tuple[str, ...] = self.Cells._fields
        position = {name: i for i, name in enumerate(fields)}
        specs = [(name, index) for name, index in columns.fields.items() if name in position]
        self._specs: list[tuple[int, int, CellParser | None, str]] = [
            (index, position[name], parsers.get(name), columns.headers[index])
            for name, index in specs
        ]
        self._nfields = len(fields)
        self._make = functools.partial(tuple.__new__, self.Cells)  # Cells._make, minus a call
        fast = {
            name: self.FAST_PARSERS[name]
            for name, _ in specs
            if name in self.FAST_PARSERS and parsers.get(name) is self.PARSERS.get(name)
        }
        self._fast_specs = [
            (index, position[name], fast.get(name, parsers.get(name))) for name, index in specs
        ]

    def _wrap_date(self, name: str, column: DateColumn) -> CellParser:
        return column

    # ------------------------------------------------------------ the first pass of a column

    def _column_pass(
        self, index: int, judge: Callable[[Iterable[Seen]], T]
    ) -> Callable[[], T | None]:
        """What ``judge`` finds in the non-empty cells of column ``index``, read again from the
        top (None when the file cannot be read again)."""

        def first_pass() -> T | None:
            if self.reread is None:
                return None
            with (
                self.reread() as records,
                contextlib.closing(self._cells_of(records, index)) as cells,
            ):
                return judge(cells)

        return first_pass

    def _cells_of(
        self, records: Iterable[tuple[int, list[str]]], index: int
    ) -> Generator[Seen, None, None]:
        """The non-empty cells of column ``index`` that the parse reads, with their lines."""
        width = self.width
        try:
            for line, fields in records:
                if len(fields) == width:
                    text = cell_text(fields[index], self.placeholders)
                    if text:
                        yield line, text
        except DataError:
            return  # the file cannot be read past here: the parse stops here too

    def notes(self) -> list[tuple[int, str]]:
        """The day/month order inferred for each date column whose values depended on it, with
        the line that told it and the flag that overrides it."""
        found = []
        for column in self.dates:
            decision = column.decision()
            if decision is None:
                continue
            dayfirst, (line, text) = decision
            read, other, flag = (
                ("day", "month", "--monthfirst") if dayfirst else ("month", "day", "--dayfirst")
            )
            found.append(
                (
                    line,
                    f"dates in column {column.header!r} read {read} first (line {line}: "
                    f"{text!r} cannot be {other} first); {flag} to override",
                )
            )
        return found

    def warnings(self) -> list[str]:
        """What the rows showed that the person may want otherwise (the summary repeats it)."""
        return []

    # ------------------------------------------------------------ rows

    def parse(self, line: int, fields: list[str]) -> V | list[Problem] | None:
        """A valid row's values, its problems, or None for an empty row."""
        cells, problems = self.cells(line, fields)
        if cells is None:
            return None
        if problems:
            return problems
        return self.values(line, cells, fields)

    def values(self, line: int, cells: Any, fields: list[str]) -> V | list[Problem]:
        """The values of a row whose cells all parsed (or the problems between cells);
        ``fields``: the row as written, for messages (:meth:`raw`)."""
        raise NotImplementedError

    def raw(self, fields: list[str], name: str) -> str | None:
        """The cell of field ``name`` as written (a message shows ``'02/03/24'``, not the
        date it was read as)."""
        index = self.columns.fields.get(name)
        return None if index is None else cell_text(fields[index], self.placeholders)

    def cells(self, line: int, fields: list[str]) -> tuple[Any, list[Problem]]:
        """The parsed cells (``Cells``; None for an empty row) and the problems found."""
        self.cursor.line = line
        if len(fields) == self.width:
            # Most rows: every cell printable (no control character, line break or odd blank),
            # none starting with an apostrophe nor a placeholder, not all empty. They are
            # parsed without the checks of the general path, which takes any other row.
            stripped = list(map(str.strip, fields))
            joined = "|".join(stripped)
            if (
                joined.isprintable()
                and "|'" not in joined
                and joined[:1] != "'"
                and any(stripped)
                and self.placeholders.isdisjoint(stripped)
            ):
                values: list[Any] = [None] * self._nfields
                try:
                    for index, position, parser in self._fast_specs:
                        cell = stripped[index]
                        if cell:
                            values[position] = cell if parser is None else parser(cell)
                except ValueProblem:
                    pass  # reported by the general path
                else:
                    return self._make(values), []
        return self._cells(line, fields)

    def _cells(self, line: int, fields: list[str]) -> tuple[Any, list[Problem]]:
        problems: list[Problem] = []
        if len(fields) != self.width:
            if not any(f.strip() for f in fields):
                return None, problems
            extra = ""
            if len(fields) > self.width:
                shown = ", ".join(repr(f) for f in fields[self.width :][:3])
                extra = f" (extra: {shown})"
            problems.append(
                Problem(
                    line,
                    None,
                    None,
                    f"expected {self.width} fields (as in the header), found {len(fields)}{extra}",
                )
            )
            return [], problems
        values: list[Any] = [None] * self._nfields
        for index, position, parser, header in self._specs:
            cell = cell_text(fields[index], self.placeholders)
            if not cell:
                continue
            if parser is None:
                values[position] = cell
                continue
            try:
                values[position] = parser(cell)
            except ValueProblem as problem:
                problems.append(Problem(line, header, cell, problem.reason, problem.code))
        if not any(f.strip() not in self.placeholders for f in fields if f.strip()):
            return None, problems
        return self._make(values), problems

    def header_of(self, name: str) -> str | None:
        index = self.columns.fields.get(name)
        return None if index is None else self.columns.headers[index]

    def check_dates(self) -> None:
        """After the last row: every inferred date column must have told its order."""
        for column in self.dates:
            column.check_resolved()

    def _future(
        self, line: int, fields: list[str], name: str, value: str | None, what: str
    ) -> Problem | None:
        if value and value > self.now_stamp:
            return Problem(
                line, self.header_of(name), self.raw(fields, name), f"the {what} is in the future"
            )
        return None
