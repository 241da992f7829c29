"""``funnel export``: leads, follow-ups, activities and stage changes as CSV, JSON or JSON Lines.

CSV is UTF-8 with a header row, ISO dates, amounts as exact decimal strings with the currency in
its own column, and text cells that a spreadsheet would run as a formula (``= + - @``, tab, CR,
LF at the start; also apostrophes before one of these) prefixed with ``'``, for stdout and
files alike. ``--excel`` writes what French Excel opens as-is: UTF-8 with a byte-order mark,
``;`` between fields, decimal commas. Follow-ups also export as an iCalendar file (``.ics``).

A file is written to a temporary file in the same folder, readable by its owner only, then
renamed into place: a reader never sees half a file, and an existing file is replaced only with
``--force``.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

from funnelcli import records
from funnelcli.errors import PermissionDenied, StorageError, UsageError
from funnelcli.models import Activity, FollowUp, Lead, StageChange, StageKind
from funnelcli.store import Store
from funnelcli.store import imports as sql
from funnelcli.text import spreadsheet_cell

WHAT = ("leads", "follow-ups", "activities", "stage-changes")
FORMATS = ("csv", "json", "jsonl", "ics")


# --------------------------------------------------------------------------- atomic files


class AtomicFile:
    """A file written beside its final path (mode 0600) and renamed into place by ``commit``."""

    def __init__(self, path: Path, *, force: bool = False, what: str = "output file") -> None:
        self.path = Path(path)
        self.force = force
        folder = self.path.parent
        if self.path.is_dir():
            raise UsageError(f"the {what} {self.path} is a folder")
        if not folder.is_dir():
            raise UsageError(f"cannot write {self.path}: the folder {folder} does not exist")
        if self.path.exists() and not force:
            raise UsageError(
                f"{self.path} already exists: it was left untouched",
                hint="add --force to replace it",
            )
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.", suffix=".tmp")
        except PermissionError:
            raise PermissionDenied(f"cannot write in {folder}: permission denied") from None
        except OSError as exc:
            raise StorageError(f"cannot write in {folder}: {exc.strerror}") from None
        self.tmp = Path(tmp)
        self.stream: BinaryIO = os.fdopen(fd, "wb")

    def commit(self) -> None:
        """Flush to disk and move into place (refusing, without ``force``, a file made since)."""
        try:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()
            if self.force:
                os.replace(self.tmp, self.path)
            else:
                self._link_no_clobber()
        except FileExistsError:
            self.discard()
            raise UsageError(
                f"{self.path} already exists: it was left untouched",
                hint="add --force to replace it",
            ) from None
        except OSError as exc:
            self.discard()
            if exc.errno == errno.ENOSPC:
                raise StorageError(f"cannot write {self.path}: disk full") from None
            raise StorageError(f"cannot write {self.path}: {exc.strerror}") from None

    def _link_no_clobber(self) -> None:
        try:
            os.link(self.tmp, self.path)  # fails if the path exists: no race with another writer
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links
            if self.path.exists():
                raise FileExistsError(str(self.path)) from None
            os.replace(self.tmp, self.path)
            return
        self.tmp.unlink()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.stream.close()
        with contextlib.suppress(OSError):
            self.tmp.unlink()


# --------------------------------------------------------------------------- records


def _lead_of(lead: dict[str, Any]) -> dict[str, Any]:
    return {
        "lead_name": lead["lead_name"],
        "lead_email": lead["lead_email"],
        "lead_external_id": lead["lead_external_id"],
    }


def lead_records(conn) -> Iterator[dict[str, Any]]:
    for lead in sql.iter_leads(conn):
        yield records.lead(lead)


def follow_up_records(conn) -> Iterator[dict[str, Any]]:
    for item, lead in sql.iter_follow_ups(conn):
        yield records.follow_up(item, **_lead_of(lead))


def activity_records(conn) -> Iterator[dict[str, Any]]:
    for item, lead in sql.iter_activities(conn):
        yield {**records.activity(item), **_lead_of(lead)}


def stage_change_records(conn) -> Iterator[dict[str, Any]]:
    for item, lead in sql.iter_stage_changes(conn):
        yield {**records.stage_change(item), **_lead_of(lead)}


_NO_LEAD = {"lead_name": None, "lead_email": None, "lead_external_id": None}

#: The columns of each export, in order (also when there is nothing to export).
COLUMNS: dict[str, tuple[str, ...]] = {
    "leads": tuple(records.lead(Lead(0, "", "", "", 0, "", StageKind.OPEN, "CAD")).keys()),
    "follow-ups": tuple(
        records.follow_up(FollowUp(0, 0, "", "", None, "", None, None, 0), **_NO_LEAD).keys()
    ),
    "activities": tuple(
        {**records.activity(Activity(0, 0, "", None, "", None)), **_NO_LEAD}.keys()
    ),
    "stage-changes": tuple(
        {**records.stage_change(StageChange(0, 0, None, "", "", None)), **_NO_LEAD}.keys()
    ),
}

_SOURCES: dict[str, Callable[[Any], Iterator[dict[str, Any]]]] = {
    "leads": lead_records,
    "follow-ups": follow_up_records,
    "activities": activity_records,
    "stage-changes": stage_change_records,
}


# --------------------------------------------------------------------------- writing


def check_format(what: str, fmt: str) -> None:
    if what not in WHAT:
        raise UsageError(f"cannot export {what!r}: expected one of {', '.join(WHAT)}")
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if fmt == "ics" and what != "follow-ups":
        raise UsageError(
            f"--format ics is for follow-ups (a calendar of promises), not {what}",
            hint="funnel export follow-ups --format ics --output promises.ics",
        )


def format_for(output: Path | None, fmt: str | None) -> str:
    """The format asked for, else the output file's extension, else csv."""
    if fmt:
        return fmt
    if output is not None:
        suffix = output.suffix.lower().lstrip(".")
        if suffix in FORMATS:
            return suffix
    return "csv"


#: How a value becomes a CSV cell.
Cell = Callable[[Any], str]


def write_export(
    store: Store,
    what: str,
    fmt: str,
    stream: BinaryIO,
    *,
    excel: bool = False,
    cell: Cell = spreadsheet_cell,
) -> int:
    """Write the export to a binary stream; return the number of records written."""
    check_format(what, fmt)
    if fmt == "ics":
        return _write_calendar(store, stream)
    columns = COLUMNS[what]
    count = 0
    text = io.TextIOWrapper(
        stream, encoding="utf-8-sig" if excel and fmt == "csv" else "utf-8", newline=""
    )
    try:
        with store.read() as conn:
            rows = _SOURCES[what](conn)
            if fmt == "csv":
                count = _write_csv(text, columns, rows, excel=excel, cell=cell)
            elif fmt == "jsonl":
                for row in rows:
                    text.write(json.dumps(row, ensure_ascii=False) + "\n")
                    count += 1
            else:
                count = _write_json(text, rows)
        text.flush()
    finally:
        text.detach()
    return count


def _write_csv(text: IO[str], columns: tuple[str, ...], rows, *, excel: bool, cell: Cell) -> int:
    writer = csv.writer(
        text, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n"
    )
    writer.writerow(columns)
    count = 0
    amount = columns.index("amount") if excel and "amount" in columns else -1
    for row in rows:
        cells = [cell(row.get(key)) for key in columns]
        if amount >= 0 and cells[amount]:
            cells[amount] = cells[amount].replace(".", ",")  # French Excel: decimal comma
        writer.writerow(cells)
        count += 1
    return count


def _write_json(text: IO[str], rows) -> int:
    count = 0
    text.write("[")
    for row in rows:
        text.write(",\n  " if count else "\n  ")
        text.write(json.dumps(row, ensure_ascii=False))
        count += 1
    text.write("\n]\n" if count else "]\n")
    return count


def _write_calendar(store: Store, stream: BinaryIO) -> int:
    try:
        from funnelcli.services.followups import export_calendar
    except ImportError:
        raise UsageError("the follow-up calendar export is not available in this build") from None
    data = export_calendar(store)
    stream.write(data)
    return data.count(b"BEGIN:VEVENT")


def export_to_file(
    store: Store,
    what: str,
    fmt: str,
    path: Path,
    *,
    force: bool = False,
    excel: bool = False,
    cell: Cell = spreadsheet_cell,
) -> int:
    """Write the export to ``path`` atomically (0600); refuse to replace a file unless ``force``."""
    check_format(what, fmt)
    target = AtomicFile(path, force=force)
    try:
        count = write_export(store, what, fmt, target.stream, excel=excel, cell=cell)
    except BaseException:
        target.discard()
        raise
    target.commit()
    return count
