"""``funnel import``: leads, follow-ups and activities from CSV, idempotent and all or nothing.

The file (or standard input, copied to a private temporary file: it may be read twice) is
opened here and handed to :mod:`funnelcli.importers` as a binary stream. The whole import is one
``BEGIN IMMEDIATE`` transaction: the rows are streamed, each parsed and validated, matched
against the database and written by the merge of their kind (:mod:`.leads`, :mod:`.followups`,
:mod:`.activities`); any error rolls everything back. ``--dry-run`` runs the same code and rolls
back at the end, so its report is exactly what a real import would do. The person is told on
stderr when the transaction starts and just before it commits (:data:`STARTED`,
:data:`COMMITTING`): a long import shows where it is, and the kill tests wait for these lines.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from funnelcli import dates, outfiles
from funnelcli.errors import DataError, UsageError, read_error
from funnelcli.i18n import N_, _, import_words, ngettext
from funnelcli.importers.columns import ColumnMap, map_columns, required_columns
from funnelcli.importers.csvfile import CsvFile
from funnelcli.importers.dialect import parse_delimiter
from funnelcli.importers.encoding import check_encoding
from funnelcli.importers.mapping import KINDS
from funnelcli.importers.nearby import ValueSniffer
from funnelcli.importers.summary import Summary
from funnelcli.importers.update_fields import columns_of
from funnelcli.services.imports.activities import ActivityMerge
from funnelcli.services.imports.followups import FollowUpMerge
from funnelcli.services.imports.interrupt import HeldInterrupt
from funnelcli.services.imports.leads import LeadMerge
from funnelcli.services.imports.merge import Merge, MergeSettings, Progress
from funnelcli.services.imports.options import ImportOptions
from funnelcli.services.imports.profiles import pick_profile
from funnelcli.services.imports.rejects import RejectsWriter
from funnelcli.services.settings import get_default_currency
from funnelcli.store import Store
from funnelcli.store.imports import ImportWriter, import_writer

#: Notices at the two moments of the transaction (stderr; tests wait for them).
STARTED = N_("Writing in one transaction: all rows or none…")
STARTED_DRY = N_("Dry run: reading every row in one transaction, rolled back at the end…")
COMMITTING = N_("Committing…")


class _DryRun(Exception):  # noqa: N818 - a signal: roll the transaction back
    pass


class ImportJob:
    """One import: the file opened and mapped (``csv``, ``columns``), then ``run()``."""

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
            raise UsageError(
                _("unknown --kind {kind!r}: expected one of {choices}").format(
                    kind=options.kind, choices=", ".join(KINDS)
                )
            )
        if options.update_fields is not None and options.kind != "leads":
            raise UsageError(_("--update-fields is for imports of leads"))
        self.store = store
        self.options = options
        encoding = check_encoding(options.encoding) if options.encoding else None
        delimiter = parse_delimiter(options.delimiter) if options.delimiter else None
        self.stdout = stdout  # for --rejects -
        self._spooled: Path | None = None
        self._raw: BinaryIO | None = None
        if options.rejects is not None:
            # Refused now, before the file is read, rather than when the rows are written.
            outfiles.check_target(
                options.rejects, live_db=store.path, force=False, replace=True, what="rejects file"
            )
        elif options.excel:
            raise UsageError(_("--excel shapes the --rejects file: give --rejects FILE too"))
        if source == "-":
            self.display = "stdin"
            self.path = self._spool(stdin)
        else:
            self.display = source
            self.path = Path(source)
        if options.rejects is not None and self._same_file(options.rejects):
            raise UsageError(
                _("--rejects {rejects} is the file being imported").format(rejects=options.rejects)
            )
        try:
            self._raw = open_source(self.path, self.display)
            self.csv = CsvFile(
                self._raw, display=self.display, encoding=encoding, delimiter=delimiter
            )
            self.profile = (
                pick_profile(options.profile, self.csv.header, options.profiles_dir)
                if options.kind == "leads"
                else None
            )
            profile = self.profile
            self.columns: ColumnMap = map_columns(
                self.csv.header,
                options.kind,
                options.columns,
                id_column=options.id_column,
                display=self.display,
                preset=profile.preset() if profile else None,
                read=profile.read() if profile else (),
            )
            required_columns(self.columns, self.display)
        except BaseException:
            self.close()
            raise

    def _spool(self, stdin: BinaryIO | None) -> Path:
        """Copy standard input to a private temporary file (it may be read twice)."""
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

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()
            self._raw = None
        if self._spooled is not None:
            with contextlib.suppress(OSError):
                self._spooled.unlink()
            self._spooled = None

    # ------------------------------------------------------------ running

    def run(self, progress: Progress | None = None) -> Summary:
        """Import the rows; ``summary.interrupted``: Ctrl-C came while the import committed."""
        options = self.options
        now = dates.now()
        summary = Summary(options.kind, self.display, dry_run=options.dry_run)
        if self.profile is not None:
            summary.profile = {"name": self.profile.name, "label": self.profile.label}
        currency = get_default_currency(self.store) if options.kind == "leads" else ""
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
        held = HeldInterrupt()
        try:
            try:
                with import_writer(self.store) as writer:
                    if progress is not None:
                        progress.notice(_(STARTED_DRY if options.dry_run else STARTED))
                    merge = self._merge(writer, summary, now, rejects, currency)
                    columns = self.columns
                    if columns.unmapped:
                        merge.sniffer = ValueSniffer(columns.headers, columns.unmapped)
                    merge.run(self.csv, progress)
                    summary.notes.extend(self._notes(merge))
                    summary.warnings.extend(self._warnings(merge.sniffer))
                    summary.warned_columns = list(self.columns.warned)
                    summary.warnings.extend(merge.parser.warnings())
                    summary.warnings.extend(merge.warnings())
                    if summary.rejected and options.rejects is None:
                        raise _invalid_rows(summary)
                    if options.dry_run:
                        raise _DryRun
                    if rejects is not None:
                        rejects.sync()
                    if progress is not None:
                        progress.notice(_(COMMITTING))
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
        summary.interrupted = held.caught
        return summary

    def _merge(
        self,
        writer: ImportWriter,
        summary: Summary,
        now: datetime,
        rejects: RejectsWriter | None,
        currency: str,
    ) -> Merge:
        options = self.options
        settings = MergeSettings(
            now=now,
            rejects=rejects,
            strict=options.rejects is None,
            order=options.dayfirst,
            reread=self.csv.reread,
        )
        if options.kind == "leads":
            return LeadMerge(
                writer,
                summary,
                self.columns,
                settings,
                stage_map=options.stage_map,
                without_opportunity=options.closed_without_opportunity,
                currency=currency,
                profile=self.profile,
                overwritable=None
                if options.update_fields is None
                else columns_of(options.update_fields),
            )
        merge = FollowUpMerge if options.kind == "follow-ups" else ActivityMerge
        return merge(writer, summary, self.columns, settings)

    def _warnings(self, sniffer: ValueSniffer | None) -> list[str]:
        """The columns' warnings, then the ignored columns whose values look like data."""
        columns = self.columns
        found = list(columns.warnings)
        if sniffer is not None:
            named = set(columns.warned)  # the columns warned about already
            for i, what in sorted(sniffer.kinds().items()):
                header = columns.headers[i]
                if header not in named:
                    found.append(
                        f"column {header!r} holds {what} but is not imported (--map "
                        f"'{header}=FIELD' imports it, --map '{header}=ignore' silences this)"
                    )
        return found

    def _notes(self, merge: Merge) -> list[str]:
        """What the reading found out (cp1252 bytes, date orders, a bare $), in file order."""
        found = [*self.csv.notes, *merge.parser.notes()]
        found.sort(key=lambda note: note[0])  # stable: on one line, the encoding first
        return [f"{self.display}: {why}" for _line, why in found]


def open_source(path: Path, display: str) -> BinaryIO:
    """The file to import, opened for reading bytes (closed by the caller)."""
    try:
        return open(path, "rb")  # noqa: SIM115 - the caller closes it
    except OSError as exc:
        raise read_error(exc, display) from None


def _invalid_rows(summary: Summary) -> DataError:
    count = summary.rejected
    lines = ["  " + line for line in import_words.problem_lines(summary)]
    return DataError(
        (
            ngettext(
                "{count} invalid row in {file}; nothing would be imported:",
                "{count} invalid rows in {file}; nothing would be imported:",
                count,
            )
            if summary.dry_run
            else ngettext(
                "{count} invalid row in {file}; nothing was imported:",
                "{count} invalid rows in {file}; nothing was imported:",
                count,
            )
        ).format(count=count, file=summary.source),
        details=tuple(lines),
        hint=_(
            "fix them and import again, or pass --rejects FILE to import the valid rows and "
            "set the invalid ones aside in FILE"
        ),
    )
