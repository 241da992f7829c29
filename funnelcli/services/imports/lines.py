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

    __slots__ = ("_count", "_starts", "_offsets")

    def __init__(self) -> None:
        self._count = 0
        self._starts = array("I")  # the first lead of each run of consecutive lines
        self._offsets = array("I")  # line - lead of that run

    def extend(self, lines: list[int]) -> None:
        """The lines of the next leads, in order (each line after the one before)."""
        count = len(lines)
        if count and lines[-1] - lines[0] == count - 1:  # consecutive: one run at most
            self._follow(lines[0])
            self._count += count
        else:
            for line in lines:
                self._follow(line)
                self._count += 1

    def _follow(self, line: int) -> None:
        """The next lead comes from ``line``: a new run unless the line follows the last."""
        offset = line - self._count
        if not self._offsets or self._offsets[-1] != offset:
            self._starts.append(self._count)
            self._offsets.append(offset)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, lead: int) -> int:
        if not 0 <= lead < self._count:
            raise IndexError(lead)
        return lead + self._offsets[bisect_right(self._starts, lead) - 1]
