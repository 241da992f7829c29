"""Report footers: a report export (Salesforce's "Export details" of a report) ends with a blank
line, then ``Grand Totals (12 records)``, ``Confidential Information - Do Not Distribute``,
``Copyright …``. Rule: a trailing block after a blank line whose rows all have fewer fields
than the header is a footer, not data: it is left out, and one note says so. A blank line
followed by a row as wide as the header is only a blank line: the rows after it are read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

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
    (:attr:`found`: the last line before it, and its number of rows)."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.found: tuple[int, int] | None = None

    def __call__(self, records: Iterable[Record]) -> Iterator[Record]:
        width = self.width
        held: list[Record] = []
        after: int | None = None  # the line before the blank line that started the block
        for record in records:
            fields = record[1]
            if not fields:  # a blank line
                if after is None:
                    after = record[0] - 1
                continue
            if after is not None:
                if len(fields) < width and len(held) < MAX_FOOTER_ROWS:
                    held.append(record)
                    continue
                yield from held
                held.clear()
                after = None
            yield record
        if held and after is not None:
            self.found = (after, len(held))
