"""Why a row of the file is invalid: a :class:`Problem` per cell (or row), for the caller to
reject or report; :class:`ValueProblem` is what a cell parser raises."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one cell (or row) of the file is invalid."""

    line: int
    column: str | None
    value: str | None
    reason: str
    #: What kind of problem, for those the import sums up (``unknown-stage``); else None.
    code: str | None = None

    def describe(self) -> str:
        where = f"line {self.line}"
        if self.column is not None:
            where += f", column {self.column!r}"
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            where += f", value {shown!r}"
        return f"{where}: {self.reason}"


class ValueProblem(Exception):
    """Raised by a cell parser: the reason the value is invalid."""

    def __init__(self, reason: str, code: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


def reason_of(message: str) -> str:
    """``invalid amount 'x': expected …`` -> ``expected …`` (the value is shown beside it)."""
    head, sep, tail = message.partition(": ")
    return tail if sep and "'" in head else message


#: Lines named in a warning that sums up many rows.
MAX_LINES_SHOWN = 5


class LineTally:
    """The rows one warning sums up: how many, and the first few lines."""

    __slots__ = ("count", "lines")

    def __init__(self) -> None:
        self.count = 0
        self.lines: list[int] = []

    def add(self, line: int) -> None:
        self.count += 1
        if len(self.lines) < MAX_LINES_SHOWN:
            self.lines.append(line)

    def counted(self) -> str:
        """``1 row``, ``7 rows``."""
        return f"{self.count} row{'s' if self.count != 1 else ''}"

    def where(self) -> str:
        """``(line 2)``, ``(lines 2, 4, 5, 8, 9, …)``."""
        more = ", …" if self.count > len(self.lines) else ""
        label = "line" if self.count == 1 else "lines"
        return f"({label} {', '.join(map(str, self.lines))}{more})"
