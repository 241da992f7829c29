"""The file line of each lead an import inserted, in little memory.

Leads are inserted in the order of their lines, so the line of the n-th is n plus an offset
that changes only where a row was not inserted (rejected, merged, empty; a header; a cell over
several lines): one entry per change of offset, not 4 bytes per lead (4 MB at a million).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right


class InsertedLines:
    """``lines[n]``: the line of the n-th lead inserted (from 0). An import gives the lines of
    a batch at once (:meth:`extend`): a batch of consecutive lines costs no loop."""

    __slots__ = ("_count", "_next", "_starts", "_offsets")

    def __init__(self) -> None:
        self._count = 0
        self._next = -1  # the line the next lead comes from when no row is left out
        self._starts = array("I")  # the first lead of each run of consecutive lines
        self._offsets = array("I")  # line - lead of that run

    def append(self, line: int) -> None:
        count = self._count
        if line != self._next:
            self._starts.append(count)
            self._offsets.append(line - count)
        self._next = line + 1
        self._count = count + 1

    def extend(self, lines: list[int]) -> None:
        """The lines of the next leads, in order (each line after the one before)."""
        count = len(lines)
        if count and lines[-1] - lines[0] == count - 1:  # consecutive: one run at most
            if lines[0] != self._next:
                self._starts.append(self._count)
                self._offsets.append(lines[0] - self._count)
            self._next = lines[-1] + 1
            self._count += count
        else:
            for line in lines:
                self.append(line)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, lead: int) -> int:
        if not 0 <= lead < self._count:
            raise IndexError(lead)
        return lead + self._offsets[bisect_right(self._starts, lead) - 1]
