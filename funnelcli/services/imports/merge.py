"""The loop every kind of import shares: read each record, parse it, reject it or hand it to
the kind's merge (:meth:`Merge.take`); progress; the date columns' final check."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from funnelcli import dates
from funnelcli.importers.csvfile import CsvFile
from funnelcli.importers.nearby import SAMPLE_ROWS, ValueSniffer
from funnelcli.importers.problems import Problem
from funnelcli.importers.rows import Reread, RowParser
from funnelcli.importers.summary import Summary
from funnelcli.services.imports.bits import Bits
from funnelcli.services.imports.rejects import RejectsWriter
from funnelcli.store.imports import ImportWriter

#: Rows between two progress updates.
PROGRESS_EVERY = 2048


class Progress(Protocol):
    def update(self, rows: int, done_bytes: int) -> None: ...

    def phase(self, text: str) -> None: ...

    def notice(self, text: str) -> None: ...


@dataclass(frozen=True, slots=True)
class MergeSettings:
    """What the merge of every kind is given."""

    now: datetime
    rejects: RejectsWriter | None
    strict: bool  # without --rejects one invalid row fails the import: the rest is only checked
    order: bool | None  # --dayfirst / --monthfirst
    reread: Reread | None  # the file's records again, for a date column's first pass


class Merge:
    """Parse each record, reject it or take it; each kind says how it takes a valid row."""

    parser: RowParser[Any]

    def __init__(self, writer: ImportWriter, summary: Summary, settings: MergeSettings) -> None:
        self.writer = writer
        self.summary = summary
        self.settings = settings
        self.now = settings.now
        self.now_stamp = dates.to_storage(settings.now)
        self.rejects = settings.rejects
        self.strict = settings.strict
        self.base = 0
        self.matched = Bits(0)
        self.source: CsvFile | None = None
        #: Looks at the first rows' ignored cells (set by the job when some columns are ignored).
        self.sniffer: ValueSniffer | None = None

    def _track(self, table: str) -> None:
        """Rows of ``table`` matched from here on are remembered (see :meth:`seen`)."""
        self.base = self.writer.max_id(table)
        self.matched = Bits(self.base)

    def seen(self, row_id: int, line: int) -> bool:
        """True, and a duplicate counted, when this import inserted the row ``row_id`` or an
        earlier row of the file matched it; else the row is remembered as matched."""
        if row_id > self.base or not self.matched.add_new(row_id):
            self.summary.duplicate(line)
            return True
        return False

    def expected_rows(self, line: int) -> int | None:
        """About how many rows the file has, judged from ``line`` (a line being read) and the
        share of its bytes read so far; ``None`` when they are not known (standard input is
        spooled to a file first: they are)."""
        source = self.source
        size = source.size if source is not None else None
        read = source.bytes_read if source is not None else 0
        if not size or not read:
            return None
        return line * size // read + 1

    def run(self, source: CsvFile, progress: Progress | None) -> None:
        self.source = source
        with _fewer_collections():
            self._run(source, progress)

    def _run(self, source: CsvFile, progress: Progress | None) -> None:
        parse = self.parser.parse
        take = self.take
        summary = self.summary
        sniffer = self.sniffer
        count = 0
        for line, fields in source.records():
            count += 1
            if sniffer is not None and count <= SAMPLE_ROWS:
                sniffer.look(fields)
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress.update(count, source.bytes_read)
            result = parse(line, fields)
            if result is None:
                summary.empty_rows += 1
            elif type(result) is list:
                self.reject(line, fields, result)
            elif not (self.strict and summary.rejected):
                take(result, fields)
        self.parser.check_dates()
        if progress is not None:
            progress.update(count, source.bytes_read)
            progress.phase("writing")
        self.finish()

    def reject(self, line: int, fields: list[str], problems: list[Problem]) -> None:
        self.summary.reject(problems)
        if self.rejects is not None:
            self.rejects.write(line, fields, problems)

    def take(self, values: Any, fields: list[str]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        pass

    def warnings(self) -> list[str]:
        """What the kind found worth a warning, said once after the rows."""
        return []


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while rows stream through.

    Each row allocates a few short-lived lists and objects, freed by reference counting; no
    row makes a reference cycle. With the default threshold (700 allocations) the collector
    would still run thousands of times for nothing. Cycles, if any, are still collected, only
    later; the threshold is restored at the end.
    """
    old = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*old)
