"""``funnel import``: leads, follow-ups and activities from CSV, idempotent and all or nothing.

The whole import is one ``BEGIN IMMEDIATE`` transaction: the file is streamed, each row parsed
and validated (:mod:`funnelcli.importers`), matched against the database and written with
``executemany``; any error rolls everything back. ``--dry-run`` runs the same code and rolls
back at the end, so its report is exactly what a real import would do. The person is told on
stderr when the transaction starts and just before it commits (:data:`STARTED`,
:data:`COMMITTING`): a long import shows where it is, and the kill tests wait for these lines.

Identity (so that a nightly re-import of a growing file only adds its new rows):

- a lead row matches the lead with its external id; else, by email (case-insensitively), the
  oldest lead with that email — for a row that has an external id, only a lead that has none
  (two CRM deals of one contact stay two leads); a row with neither matches a lead with neither
  by name, company and phone;
- a matched lead is updated only where the file has a value that differs; its stage only moves
  forward (or closes): an import never reopens a lead nor moves it back;
- a later row naming a lead already seen in the same file is a duplicate: reported, not used;
- follow-ups match on (lead, due date, text), activities on (lead, moment, text).

History: a new open lead is created at its stage on its created date; a new closed lead is
created at the opportunity stage on its created date and closed on its close date
(``--closed-without-opportunity``: created at the first stage). Rows without a created date are
created at the import's "now" (a closed one on its close date), and the summary says so.

Memory does not grow with the file: rows stream from the file to ``executemany`` batches; the
duplicate check uses the database's indexes plus a fixed-size bitmap of the keys this import
inserted (a bit set means "look it up"; a clear bit means "certainly new").
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import operator
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from funnelcli import dates, outfiles
from funnelcli.errors import DataError, Interrupted, UsageError
from funnelcli.importers import (
    KINDS,
    LEAD_POSITION,
    ActivityParser,
    ActivityValues,
    ColumnMap,
    CsvFile,
    Encoding,
    FollowUpParser,
    FollowUpValues,
    LeadParser,
    LeadRef,
    LeadValues,
    MappingFile,
    Problem,
    Restart,
    RowParser,
    StageRef,
    StageWords,
    check_encoding,
    map_columns,
    open_csv,
    parse_delimiter,
    required_columns,
)
from funnelcli.services import leads as lead_service
from funnelcli.services.stages import load as load_pipeline
from funnelcli.store import Store
from funnelcli.store import imports as sql
from funnelcli.store import queries as q
from funnelcli.text import spreadsheet_cell

#: Invalid rows listed in the error (the rest are counted).
MAX_SHOWN = 20
#: Rows per ``executemany``.
BATCH = 2000
#: Rows between two progress updates.
PROGRESS_EVERY = 2048
#: Bits of the "inserted by this import" filter: 2**26 bits = 8 MiB, ~1.5 % false
#: positives (an extra index lookup) at a million rows.
FILTER_BITS = 1 << 26


class Progress(Protocol):
    def update(self, rows: int, done_bytes: int) -> None: ...

    def phase(self, text: str) -> None: ...

    def notice(self, text: str) -> None: ...


#: Notices at the two moments of the transaction (stderr; tests wait for them).
STARTED = "Writing in one transaction: all rows or none…"
STARTED_DRY = "Checking in one transaction, rolled back at the end (dry run)…"
COMMITTING = "Committing…"


@dataclass(slots=True)
class ImportOptions:
    kind: str = "leads"
    columns: dict[str, str] = field(default_factory=dict)  # --map COLUMN=FIELD
    stage_map: dict[str, str] = field(default_factory=dict)  # --stage-map WORD=STAGE
    id_column: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    dayfirst: bool | None = None
    dry_run: bool = False
    rejects: Path | None = None
    excel: bool = False  # the rejects file for French Excel: UTF-8 with BOM, ';'
    closed_without_opportunity: bool = False

    def with_mapping(self, mapping: MappingFile, *, kind_given: bool) -> ImportOptions:
        """Options from a ``--mapping`` file, overridden by the flags given on the command line."""
        return ImportOptions(
            kind=self.kind if kind_given or not mapping.kind else mapping.kind,
            columns={**mapping.columns, **self.columns},
            stage_map={**mapping.stages, **self.stage_map},
            id_column=self.id_column or mapping.id_column,
            delimiter=self.delimiter or mapping.delimiter,
            encoding=self.encoding or mapping.encoding,
            dayfirst=self.dayfirst if self.dayfirst is not None else mapping.dayfirst,
            dry_run=self.dry_run,
            rejects=self.rejects,
            excel=self.excel,
            closed_without_opportunity=self.closed_without_opportunity
            or bool(mapping.closed_without_opportunity),
        )


@dataclass(slots=True)
class Summary:
    """What an import did (or, for a dry run, would do)."""

    kind: str
    source: str
    dry_run: bool = False
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    duplicates: int = 0
    empty_rows: int = 0
    created_now: int = 0
    created_on_close: int = 0
    closed_now: int = 0
    problems: list[Problem] = field(default_factory=list)
    duplicate_lines: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rejects_file: str | None = None

    @property
    def rows(self) -> int:
        return self.inserted + self.updated + self.unchanged + self.rejected + self.duplicates

    def line(self) -> str:
        text = (
            f"{self.kind}: {self.inserted} inserted, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.rejected} rejected, "
            f"{self.duplicates} duplicates in file"
        )
        return f"dry run, nothing written: {text}" if self.dry_run else text

    def record(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "dry_run": self.dry_run,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "empty_rows": self.empty_rows,
            "created_now": self.created_now,
            "created_on_close": self.created_on_close,
            "closed_now": self.closed_now,
            "duplicate_lines": self.duplicate_lines,
            "rejects_file": self.rejects_file,
            "problems": [
                {"line": p.line, "column": p.column, "value": p.value, "reason": p.reason}
                for p in self.problems
            ],
        }

    def reject(self, problems: list[Problem]) -> None:
        self.rejected += 1
        room = MAX_SHOWN - len(self.problems)
        if room > 0:
            self.problems.extend(problems[:room])

    def duplicate(self, line: int) -> None:
        self.duplicates += 1
        if len(self.duplicate_lines) < 10:
            self.duplicate_lines.append(line)

    def explain(self) -> list[str]:
        """Notes for the person (stderr): what was assumed, skipped or set aside."""
        notes = list(self.notes)
        when = "would be" if self.dry_run else "were"
        if self.created_now:
            notes.append(
                f"{self.created_now} row(s) had no created date: they {when} created at the "
                "import's time"
            )
        if self.created_on_close:
            notes.append(
                f"{self.created_on_close} closed row(s) had no created date: they {when} "
                "created on their close date"
            )
        if self.closed_now:
            notes.append(
                f"{self.closed_now} closed row(s) had no close date: they {when} closed at the "
                "import's time"
            )
        if self.empty_rows:
            notes.append(f"{self.empty_rows} empty row(s) skipped")
        if self.duplicates:
            lines = ", ".join(map(str, self.duplicate_lines))
            more = ", …" if self.duplicates > len(self.duplicate_lines) else ""
            label = "line" if len(self.duplicate_lines) == 1 and not more else "lines"
            notes.append(
                f"{self.duplicates} duplicate row(s) in the file ({label} {lines}{more}): the "
                "first row of each lead was used"
            )
        if self.rejected and self.rejects_file:
            verb = "would be" if self.dry_run else "were"
            target = "" if self.dry_run else f" to {self.rejects_file}"
            notes.append(f"{self.rejected} invalid row(s) {verb} set aside{target}")
            notes.extend("  " + p.describe() for p in self.problems)
        return notes


class _DryRun(Exception):  # noqa: N818 - a signal: roll the transaction back
    pass


# --------------------------------------------------------------------------- rejects


class RejectsWriter:
    """Invalid rows, as they were, plus ``line`` and ``reason`` columns.

    Written through :mod:`funnelcli.outfiles` (renamed into place, rewritten at each run; never
    the live database; a device or a named pipe in place). Cells a spreadsheet would run as a
    formula are neutralised as in exports (:func:`~funnelcli.text.spreadsheet_cell`; the import
    takes the ``'`` off again).
    """

    def __init__(
        self,
        path: Path,
        header: tuple[str, ...],
        delimiter: str,
        *,
        bom: bool,
        live_db: Path | None,
        stdout: BinaryIO | None = None,
    ):
        self.file = outfiles.open_output(
            path, live_db=live_db, force=False, replace=True, what="rejects file", stdout=stdout
        )
        self.text = io.TextIOWrapper(
            self.file.stream, encoding="utf-8-sig" if bom else "utf-8", newline=""
        )
        self.writer = csv.writer(self.text, delimiter=delimiter, lineterminator="\n")
        self.writer.writerow([spreadsheet_cell(h) for h in (*header, "line", "reason")])
        self.width = len(header)

    def write(self, line: int, fields: list[str], problems: list[Problem]) -> None:
        cells = (list(fields) + [""] * self.width)[: self.width]
        reason = "; ".join(f"{p.column}: {p.reason}" if p.column else p.reason for p in problems)
        self.writer.writerow([*map(spreadsheet_cell, cells), line, spreadsheet_cell(reason)])

    def sync(self) -> None:
        """On disk (or on its device) before the import commits: a full disk rolls it back."""
        self.text.flush()
        self.file.sync()

    def commit(self) -> None:
        self.text.flush()
        self.text.detach()
        self.file.commit()

    def discard(self) -> None:
        with contextlib.suppress(Exception):  # a failed flush (a full disk) was reported already
            self.text.detach()
        self.file.discard()


# --------------------------------------------------------------------------- the job


class ImportJob:
    """One import: the file opened and mapped (``describe()``), then ``run()``."""

    def __init__(
        self,
        store: Store,
        source: str,
        options: ImportOptions,
        *,
        stdin: BinaryIO | None = None,
        stdout: BinaryIO | None = None,
    ) -> None:
        if options.kind not in KINDS:
            raise UsageError(f"unknown --kind {options.kind!r}: expected one of {', '.join(KINDS)}")
        self.store = store
        self.options = options
        self.encoding: Encoding | None = (
            check_encoding(options.encoding) if options.encoding else None
        )
        self.delimiter = parse_delimiter(options.delimiter) if options.delimiter else None
        self.orders: dict[str, bool] = {}
        self.notes: list[str] = []
        self.stdout = stdout  # for --rejects -
        self._spooled: Path | None = None
        if options.rejects is not None:
            # Refused now, before the file is read, rather than when the rows are written.
            outfiles.check_target(
                options.rejects, live_db=store.path, force=False, replace=True, what="rejects file"
            )
        elif options.excel:
            raise UsageError("--excel shapes the --rejects file: give --rejects FILE too")
        if source == "-":
            self.display = "stdin"
            self.path = self._spool(stdin)
        else:
            self.display = source
            self.path = Path(source)
        if options.rejects is not None and self._same_file(options.rejects):
            raise UsageError(f"--rejects {options.rejects} is the file being imported")
        self.csv: CsvFile | None = None
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    def _spool(self, stdin: BinaryIO | None) -> Path:
        """Copy standard input to a private temporary file (it may be read twice)."""
        import sys

        stream = stdin if stdin is not None else sys.stdin.buffer
        fd, name = tempfile.mkstemp(prefix="funnel-import-", suffix=".csv")
        self._spooled = Path(name)
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)
        return self._spooled

    def _same_file(self, other: Path) -> bool:
        try:
            return other.exists() and os.path.samefile(other, self.path)
        except OSError:
            return False

    def _open(self) -> None:
        if self.csv is not None:
            self.csv.close()
        self.csv = open_csv(
            self.path, display=self.display, encoding=self.encoding, delimiter=self.delimiter
        )
        self.encoding = self.csv.encoding
        self.columns: ColumnMap = map_columns(
            self.csv.header,
            self.options.kind,
            self.options.columns,
            id_column=self.options.id_column,
            display=self.display,
        )
        required_columns(self.columns, self.display)

    def describe(self) -> list[str]:
        """What was detected: encoding, delimiter, columns used and ignored."""
        assert self.csv is not None
        lines = [
            f"Reading {self.display}: encoding {self.csv.encoding.label}, delimiter "
            f"{self.csv.dialect.label}, {len(self.columns.headers)} columns"
        ]
        lines.append(f"Columns: {self.columns.describe()}")
        if self.columns.ignored:
            lines.append(f"Ignored columns: {', '.join(self.columns.ignored)}")
        return lines

    def close(self) -> None:
        if self.csv is not None:
            self.csv.close()
            self.csv = None
        if self._spooled is not None:
            with contextlib.suppress(OSError):
                self._spooled.unlink()
            self._spooled = None

    # ------------------------------------------------------------ running

    def run(self, progress: Progress | None = None) -> Summary:
        now = dates.now()
        for _attempt in range(4):
            try:
                return self._attempt(now, progress)
            except Restart as restart:
                self.notes.append(f"{self.display}: {restart.why}; read it again")
                if restart.encoding:
                    self.encoding = Encoding(
                        restart.encoding, f"{restart.encoding} (not UTF-8)", guessed=True
                    )
                self.orders.update(restart.orders)
                self._open()
        raise DataError(f"cannot read {self.display}: its encoding and dates keep changing")

    def _attempt(self, now: datetime, progress: Progress | None) -> Summary:
        assert self.csv is not None
        options = self.options
        summary = Summary(options.kind, self.display, dry_run=options.dry_run)
        summary.notes.extend(self.notes)
        rejects: RejectsWriter | None = None
        if options.rejects is not None:
            summary.rejects_file = str(options.rejects)
            if not options.dry_run:
                rejects = RejectsWriter(
                    options.rejects,
                    self.columns.headers,
                    ";" if options.excel else self.csv.dialect.delimiter,
                    bom=options.excel or self.csv.encoding.codec != "utf-8",
                    live_db=self.store.path,
                    stdout=self.stdout,
                )
        merge_class = {"leads": LeadMerge, "follow-ups": FollowUpMerge, "activities": ActivityMerge}
        held = _HeldInterrupt()
        try:
            try:
                with self.store.write() as conn:
                    if progress is not None:
                        progress.notice(STARTED_DRY if options.dry_run else STARTED)
                    merge = merge_class[options.kind](conn, self, summary, now, rejects)
                    merge.run(self.csv, progress)
                    if summary.rejected and options.rejects is None:
                        raise _invalid_rows(summary)
                    if options.dry_run:
                        raise _DryRun
                    if rejects is not None:
                        rejects.sync()
                    if progress is not None:
                        progress.notice(COMMITTING)
                    # From here a Ctrl-C waits until the commit and the rejects file are done.
                    held.start()
            except _DryRun:
                pass
            if rejects is not None:
                rejects.commit()
        except BaseException:
            if rejects is not None:
                rejects.discard()
            raise
        finally:
            held.stop()
        if held.caught:
            raise _committed_anyway(summary, rejects is not None)
        return summary


class _HeldInterrupt:
    """Ctrl-C recorded instead of raised, from just before ``COMMIT`` until the rejects file is
    in place: raised in that window, it would leave a committed import reported as undone and
    its rejects file thrown away. Only where Python's own handler is in place (main thread)."""

    def __init__(self) -> None:
        self.caught = False
        self._held = False

    def start(self) -> None:
        if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            return  # ignored, or someone else's handler: leave it alone
        try:
            signal.signal(signal.SIGINT, self._record)
        except ValueError:  # not the main thread: signals go to the main thread anyway
            return
        self._held = True

    def _record(self, signum: int, frame: Any) -> None:
        self.caught = True

    def stop(self) -> None:
        if self._held:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            self._held = False


def _committed_anyway(summary: Summary, rejects: bool) -> Interrupted:
    kept = (
        f"; the invalid rows are in {summary.rejects_file}" if rejects and summary.rejected else ""
    )
    return Interrupted(f"interrupted, but the import was committed: {summary.line()}{kept}")


def _invalid_rows(summary: Summary) -> DataError:
    count = summary.rejected
    shown_lines = {p.line for p in summary.problems}
    lines = ["  " + p.describe() for p in summary.problems]
    if count > len(shown_lines):
        lines.append(f"  … and {count - len(shown_lines)} more invalid rows")
    return DataError(
        f"{count} invalid row{'s' if count != 1 else ''} in {summary.source}; "
        f"nothing was {'checked in' if summary.dry_run else 'imported'}:",
        details=tuple(lines),
        hint="fix them and import again, or pass --rejects FILE to import the valid rows and "
        "set the invalid ones aside in FILE",
    )


# --------------------------------------------------------------------------- merging


class _Merge:
    """Shared loop: parse each record, reject or take it; progress; the dates' final check."""

    parser: RowParser[Any]

    def __init__(
        self,
        conn,
        job: ImportJob,
        summary: Summary,
        now: datetime,
        rejects: RejectsWriter | None,
    ) -> None:
        self.conn = conn
        self.job = job
        self.summary = summary
        self.now = now
        self.now_stamp = dates.to_storage(now)
        self.rejects = rejects
        # Without --rejects one invalid row fails the import: the rest is only checked.
        self.strict = job.options.rejects is None

    def run(self, source: CsvFile, progress: Progress | None) -> None:
        with _fewer_collections():
            self._run(source, progress)

    def _run(self, source: CsvFile, progress: Progress | None) -> None:
        parse = self.parser.parse
        take = self.take
        summary = self.summary
        count = 0
        for line, fields in source.records():
            count += 1
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


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while rows stream through.

    Each row allocates a few short-lived lists and objects, freed by reference counting; no
    row makes a reference cycle. With the default threshold (700 allocations) the collector
    would still run thousands of times for nothing (~3 % of a large import). Cycles, if any,
    are still collected, only later; the threshold is restored at the end.
    """
    old = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _bit(bits: bytearray, number: int) -> bool:
    return bool(bits[number >> 3] >> (number & 7) & 1)


def _set_bit(bits: bytearray, number: int) -> None:
    bits[number >> 3] |= 1 << (number & 7)


EXTERNAL_ID, EMAIL, COMPANY, PHONE, CURRENCY = (
    LEAD_POSITION[c] for c in ("external_id", "email", "company", "phone", "currency")
)
MASK = FILTER_BITS - 1


def _getter(positions: list[int]):
    """A fast ``cells -> tuple of the values at positions``."""
    if not positions:
        return lambda cells: ()
    if len(positions) == 1:
        only = positions[0]
        return lambda cells: (cells[only],)
    return operator.itemgetter(*positions)


_OPTIONAL = (
    "company", "email", "phone", "source", "notes", "external_id", "frequency", "price_only",
    "decision_maker", "contact_decides", "needs_approval", "prerequisites", "probability",
)  # fmt: skip


class LeadMerge(_Merge):
    def __init__(self, conn, job, summary, now, rejects) -> None:
        super().__init__(conn, job, summary, now, rejects)
        options = job.options
        pipeline = load_pipeline(conn)
        refs = [StageRef(s.id, s.name, s.kind.value, pipeline.rank(s)) for s in pipeline.stages]
        self.stage_by_id = {r.id: r for r in refs}
        self.parser = LeadParser(
            job.columns,
            stages=StageWords(refs, options.stage_map),
            now=now,
            order=options.dayfirst,
            orders=job.orders,
        )
        self.base = sql.max_id(conn, "leads")
        self.had_leads = self.base > 0
        self.first_open = pipeline.open[0]
        self.opportunity = self.stage_by_id[pipeline.opportunity.id]
        self.without_opportunity = options.closed_without_opportunity
        self.entry = self.first_open if self.without_opportunity else pipeline.opportunity
        self.column = {name: i for i, name in enumerate(sql.MATCH_COLUMNS)}
        self.inserted_bits = bytearray(FILTER_BITS >> 3)
        self.matched = bytearray((self.base >> 3) + 1)
        # The keys of the rows taken since the last flush (the filter covers the earlier ones):
        # external ids; emails (True: a lead without external id has it, so any later row with
        # it is a duplicate; False: only leads with an external id); name|company|phone.
        self.pending_ids: set[str] = set()
        self.pending_emails: dict[str, bool] = {}
        self.pending_names: set[str] = set()
        self.batch: list[tuple[Any, ...]] = []
        self.queue: list[LeadValues] = []
        self.by_external_id: dict[str, tuple[Any, ...]] = {}
        self.by_email: dict[str, tuple[Any, ...]] = {}
        self.by_email_alone: dict[str, tuple[Any, ...]] = {}
        fields = job.columns.fields
        optional = [key for key in _OPTIONAL if key in fields]
        if "amount" in fields:
            optional.append("amount_cents")
        if "expected_close" in fields or "closed" in fields:
            optional.append("expected_close")
        self.has_stage = "stage" in fields or "status" in fields
        if "lost_reason" in fields and self.has_stage:
            optional.append("lost_reason")
        self.optional = tuple(optional)
        has_currency = "amount" in fields or "currency" in fields
        compared = ["name", *optional] + (["currency"] if has_currency else [])
        self.compare = [
            (LEAD_POSITION[c], self.column[c], c) for c in compared if c != "lost_reason"
        ]
        positions = [LEAD_POSITION[c] for c in optional]
        self.optional_of = _getter(positions)
        self.has_currency = "amount" in fields or "currency" in fields
        bound = ["name", "created_at", *self.optional]
        if self.has_stage:
            bound += ["stage_id", "closed_at"]
        if self.has_currency:
            bound.append("currency")
        self.insert_sql = sql.lead_insert_sql(
            bound,
            {
                "updated_at": self.now_stamp,
                "stage_id": self.first_open.id,
                "currency": lead_service.default_currency(conn),
            },
            self.entry.id,
        )

    # ------------------------------------------------------------ identity

    def take(self, row: LeadValues, fields: list[str]) -> None:
        self.queue.append(row)
        if len(self.queue) >= BATCH:
            self._drain()

    def _drain(self) -> None:
        """Match a batch of rows: one query per identity for the batch, then row by row."""
        rows, self.queue = self.queue, []
        bits = self.inserted_bits
        maybe = self.had_leads
        external_ids: list[str] = []
        emails: list[str] = []
        for row in rows:
            cells = row.cells
            external_id, email = cells[EXTERNAL_ID], cells[EMAIL]
            # Look a key up when the database had leads, or when this import may have inserted
            # it (its bit is set: str hashes are cached, so this costs no hashing).
            if external_id and (maybe or bits[(h := hash(external_id) & MASK) >> 3] >> (h & 7) & 1):
                external_ids.append(external_id)
            if email and (maybe or bits[(h := hash(email) & MASK) >> 3] >> (h & 7) & 1):
                emails.append(email)
        conn = self.conn
        self.by_external_id = sql.leads_by_external_ids(conn, external_ids) if external_ids else {}
        self.by_email, self.by_email_alone = (
            sql.leads_by_emails(conn, emails) if emails else ({}, {})
        )
        match = self._match
        for row in rows:
            match(row)
        self._flush()

    def _match(self, row: LeadValues) -> None:
        cells = row.cells
        external_id = cells[EXTERNAL_ID]
        email = cells[EMAIL]
        found = None
        name_key = ""
        if external_id:
            if external_id in self.pending_ids:
                return self.summary.duplicate(row.line)
            found = self.by_external_id.get(external_id)
            if found is None and email:
                if self.pending_emails.get(email):
                    return self.summary.duplicate(row.line)
                found = self.by_email_alone.get(email)
        elif email:
            if email in self.pending_emails:
                return self.summary.duplicate(row.line)
            found = self.by_email.get(email)
        else:
            company, phone = cells[COMPANY], cells[PHONE]
            name_key = "\x1f".join((row.display_name, company or "", phone or ""))
            if name_key in self.pending_names:
                return self.summary.duplicate(row.line)
            h = hash(name_key) & MASK
            if self.had_leads or self.inserted_bits[h >> 3] >> (h & 7) & 1:
                found = sql.lead_by_name(self.conn, row.display_name, company, phone)
        if found is not None:
            lead_id = found[0]
            if lead_id > self.base or self.matched[lead_id >> 3] >> (lead_id & 7) & 1:
                return self.summary.duplicate(row.line)
            self.matched[lead_id >> 3] |= 1 << (lead_id & 7)
            if external_id and found[self.column["external_id"]] is None:
                # The lead now has this external id: a later row naming it is a duplicate,
                # and its email no longer matches rows that carry another external id.
                self.pending_ids.add(external_id)
                if email:
                    self.by_email_alone.pop(email, None)
            return self._update(found, row)
        self._insert(row)
        # Remember the keys: later rows naming this lead are duplicates of this one.
        bits = self.inserted_bits
        if external_id:
            self.pending_ids.add(external_id)
            h = hash(external_id) & MASK
            bits[h >> 3] |= 1 << (h & 7)
            if email:
                self.pending_emails.setdefault(email, False)
        elif email:
            self.pending_emails[email] = True
        else:
            self.pending_names.add(name_key)
            h = hash(name_key) & MASK
            bits[h >> 3] |= 1 << (h & 7)
        if email:
            h = hash(email) & MASK
            bits[h >> 3] |= 1 << (h & 7)

    # ------------------------------------------------------------ new leads

    def _insert(self, row: LeadValues) -> None:
        summary = self.summary
        created = row.created_at
        stage = row.stage
        if stage is None or stage.kind == "open":
            if created is None:
                created = self.now_stamp
                summary.created_now += 1
            record = (row.display_name, created, *self.optional_of(row.cells))
            if self.has_stage:
                record += (stage.id if stage is not None else None, None)
        else:
            closed = row.closed_at
            if closed is None:
                closed = self.now_stamp
                summary.closed_now += 1
            if created is None:
                created = closed
                if row.closed_at is None:
                    summary.created_now += 1
                else:
                    summary.created_on_close += 1
            record = (row.display_name, created, *self.optional_of(row.cells), stage.id, closed)
        if self.has_currency:
            record += (row.cells[CURRENCY],)
        self.batch.append(record)
        summary.inserted += 1

    def _flush(self) -> None:
        if self.batch:
            sql.insert_many(self.conn, self.insert_sql, self.batch)
            self.batch.clear()
        self.pending_ids.clear()
        self.pending_emails.clear()
        self.pending_names.clear()

    def finish(self) -> None:
        self._drain()
        if self.summary.inserted:
            sql.record_new_lead_history(self.conn, self.base, self.entry.id)

    # ------------------------------------------------------------ known leads

    def _update(self, found: tuple[Any, ...], row: LeadValues) -> None:
        lead_id = found[0]
        cells = row.cells
        changes: dict[str, Any] = {}
        for position, index, name in self.compare:
            value = cells[position]
            if value is not None and value != found[index]:
                changes[name] = value
        moves = self._moves(found, row, changes)
        if not changes:
            self.summary.unchanged += 1
            return
        changes["updated_at"] = self.now_stamp
        q.update_lead(self.conn, lead_id, changes)
        for from_id, to_id, at in moves:
            q.insert_stage_change(self.conn, lead_id, from_id, to_id, at)
        self.summary.updated += 1

    def _moves(
        self, found: tuple[Any, ...], row: LeadValues, changes: dict[str, Any]
    ) -> list[tuple[int, int, str]]:
        """Stage moves for a known lead: forward, or closing; never back, never reopening."""
        column = self.column
        target = row.stage
        current = self.stage_by_id[found[column["stage_id"]]]
        reason = row.cells[LEAD_POSITION["lost_reason"]]
        if target is None or target.id == current.id or current.kind != "open":
            lost = target is not None and target.kind == current.kind == "lost"
            if lost and reason and reason != found[column["lost_reason"]]:
                changes["lost_reason"] = reason
            return []
        if target.rank <= current.rank:
            return []
        floor = max(
            found[column["created_at"]],
            q.last_stage_change_at(self.conn, found[0]) or "",
        )
        if target.kind == "open":
            changes["stage_id"] = target.id
            return [(current.id, target.id, max(self.now_stamp, floor))]
        at = max(row.closed_at or self.now_stamp, floor)
        moves = []
        from_id = current.id
        if not self.without_opportunity and current.rank < self.opportunity.rank:
            moves.append((current.id, self.opportunity.id, at))
            from_id = self.opportunity.id
        moves.append((from_id, target.id, at))
        changes["stage_id"] = target.id
        changes["closed_at"] = at
        if target.kind == "lost" and reason:
            changes["lost_reason"] = reason
        return moves


class _LeadFinder:
    """Finds the lead a follow-up or activity row names (bounded cache)."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.cache: dict[tuple[str | None, str | None, str | None], int | None] = {}

    def __call__(self, ref: LeadRef) -> int | None:
        key = (ref.external_id, ref.email, ref.ref)
        if key in self.cache:
            return self.cache[key]
        found = self._find(ref)
        if len(self.cache) >= 10_000:
            self.cache.clear()
        self.cache[key] = found
        return found

    def _find(self, ref: LeadRef) -> int | None:
        conn = self.conn
        if ref.external_id or ref.email:
            # A named lead that is not here is an error, never another lead with the same id.
            found = sql.lead_id_by_external_id(conn, ref.external_id) if ref.external_id else None
            if found is None and ref.email:
                found = sql.lead_id_by_email(conn, ref.email)
            return found
        text = (ref.ref or "").strip()
        if text.isdigit() and len(text) < 19 and sql.lead_exists(conn, int(text)):
            return int(text)
        if "@" in text:
            return sql.lead_id_by_email(conn, text.casefold())
        return sql.lead_id_by_external_id(conn, text)


def _missing_lead(parser: RowParser[Any], line: int, ref: LeadRef) -> Problem:
    for name in ("lead_external_id", "lead_email", "lead", "lead_id"):
        header = parser.header_of(name)
        if header is not None:
            break
    return Problem(line, header, ref.describe(), "no such lead in the database")


class FollowUpMerge(_Merge):
    def __init__(self, conn, job, summary, now, rejects) -> None:
        super().__init__(conn, job, summary, now, rejects)
        self.parser = FollowUpParser(
            job.columns, now=now, order=job.options.dayfirst, orders=job.orders
        )
        self.base = sql.max_id(conn, "follow_ups")
        self.matched = bytearray((self.base >> 3) + 1)
        self.find = _LeadFinder(conn)

    def take(self, row: FollowUpValues, fields: list[str]) -> None:
        lead_id = self.find(row.lead)
        if lead_id is None:
            return self.reject(row.line, fields, [_missing_lead(self.parser, row.line, row.lead)])
        done_at = row.done_at or (self.now_stamp if row.done else None)
        found = sql.follow_up_matching(self.conn, lead_id, row.due_date, row.text)
        if found is None:
            sql.insert_follow_up(
                self.conn,
                {
                    "lead_id": lead_id,
                    "text": row.text,
                    "due_date": row.due_date,
                    "due_time": row.due_time,
                    "created_at": row.created_at or self.now_stamp,
                    "done_at": done_at,
                    "done_note": row.done_note,
                },
            )
            self.summary.inserted += 1
            return
        follow_up_id, due_time, was_done, note = found
        if follow_up_id > self.base or _bit(self.matched, follow_up_id):
            return self.summary.duplicate(row.line)
        _set_bit(self.matched, follow_up_id)
        changes: dict[str, Any] = {}
        if row.due_time and row.due_time != due_time:
            changes["due_time"] = row.due_time
        if row.done_at and row.done_at != was_done or done_at and not was_done:
            changes["done_at"] = done_at  # marked done (an import never reopens a promise)
        if row.done_note and row.done_note != note:
            changes["done_note"] = row.done_note
        if changes:
            sql.update_follow_up(self.conn, follow_up_id, changes)
            self.summary.updated += 1
        else:
            self.summary.unchanged += 1


class ActivityMerge(_Merge):
    def __init__(self, conn, job, summary, now, rejects) -> None:
        super().__init__(conn, job, summary, now, rejects)
        self.parser = ActivityParser(
            job.columns, now=now, order=job.options.dayfirst, orders=job.orders
        )
        self.base = sql.max_id(conn, "activities")
        self.matched = bytearray((self.base >> 3) + 1)
        self.find = _LeadFinder(conn)

    def take(self, row: ActivityValues, fields: list[str]) -> None:
        lead_id = self.find(row.lead)
        if lead_id is None:
            return self.reject(row.line, fields, [_missing_lead(self.parser, row.line, row.lead)])
        found = sql.activity_matching(self.conn, lead_id, row.at, row.text)
        if found is None:
            sql.insert_activity(
                self.conn, lead_id, row.type or "note", row.text, row.at, self.now_stamp
            )
            self.summary.inserted += 1
            return
        activity_id, kind = found
        if activity_id > self.base or _bit(self.matched, activity_id):
            return self.summary.duplicate(row.line)
        _set_bit(self.matched, activity_id)
        if row.type and row.type != kind:
            sql.set_activity_type(self.conn, activity_id, row.type)
            self.summary.updated += 1
        else:
            self.summary.unchanged += 1


def load_mapping_file(path: Path) -> MappingFile:
    from funnelcli.importers import load_mapping

    return load_mapping(path)
