"""Report footers: a report export (Salesforce's "Export details" of a report) ends with a blank
line, then ``Grand Totals (12 records)``, ``Confidential Information - Do Not Distribute``,
``Copyright …``. Rule: a trailing block after a blank line whose rows all have fewer fields
than the header is a footer, not data: it is left out, and one note says so. A blank line
followed by a row as wide as the header is only a blank line: the rows after it are read.
"""

from __future__ import annotations

#: Rows a footer may have; a longer block of short rows is read as rows (and reported).
MAX_FOOTER_ROWS = 50

Record = tuple[int, list[str]]


def without_footer(records: list[list[str]]) -> list[list[str]]:
    """The sampled records of a whole file (blank lines as ``[]``, the header first) without
    their footer and their blank lines."""
    first = next((i for i, record in enumerate(records) if record), len(records))
    width = len(records[first]) if first < len(records) else 0
    end = len(records)
    while end > first + 1 and len(records[end - 1]) < width:  # blank or short: maybe a footer
        end -= 1
    blank = next((i for i in range(end, len(records)) if not records[i]), None)
    cut = len(records)
    if blank is not None and 0 < sum(map(bool, records[blank:])) <= MAX_FOOTER_ROWS:
        cut = blank
    return [record for record in records[:cut] if record]


class FooterFilter:
    """Passes the data records of a file through, holding back the short rows after a blank
    line until a full row shows they are data; at the end, those held back are the footer
    (:attr:`found`: the last line before it, and its number of rows).

    The reader passes a non-blank record on by itself while no block is open (:attr:`after`
    is None: most rows), and hands every other record to :meth:`step`."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.found: tuple[int, int] | None = None
        #: The line before the blank line that started the block (None: no block open).
        self.after: int | None = None
        self.held: list[Record] = []

    def step(self, record: Record) -> list[Record]:
        """The records to pass on now: none while ``record`` may be a footer's, else those
        held back (they were data), then ``record``."""
        fields = record[1]
        if not fields:  # a blank line
            if self.after is None:
                self.after = record[0] - 1
            return []
        if self.after is None:
            return [record]
        if len(fields) < self.width and len(self.held) < MAX_FOOTER_ROWS:
            self.held.append(record)
            return []
        passed = [*self.held, record]
        self.held.clear()
        self.after = None
        return passed

    def finish(self) -> None:
        """After the last record: what is still held back is the footer."""
        if self.held and self.after is not None:
            self.found = (self.after, len(self.held))
