"""``funnel export``: leads, follow-ups, activities and stage changes as CSV, JSON or JSON Lines.

CSV is UTF-8 with a header row, ISO dates, amounts as exact decimal strings with the currency in
its own column, and text cells that a spreadsheet would run as a formula (``= + - @``, tab, CR,
LF at the start; also apostrophes before one of these) prefixed with ``'``, for stdout and
files alike. ``--excel`` writes what French Excel opens as-is: UTF-8 with a byte-order mark,
``;`` between fields, decimal commas. Follow-ups also export as an iCalendar file (``.ics``).

A file is written through :mod:`funnelcli.outfiles`: to a temporary file in the same folder,
readable by its owner only, then renamed into place (a reader never sees half a file; an
existing file is replaced only with ``--force``); never onto the live database; a device or a
named pipe in place.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

from funnelcli import outfiles, records
from funnelcli.errors import UsageError
from funnelcli.i18n import _
from funnelcli.models import Activity, FollowUp, Lead, StageChange, StageKind
from funnelcli.store import Store
from funnelcli.store.exports import ExportReader, export_reader
from funnelcli.text import spreadsheet_cell

WHAT = ("leads", "follow-ups", "activities", "stage-changes")
FORMATS = ("csv", "json", "jsonl", "ics")


# --------------------------------------------------------------------------- records


def _lead_of(lead: dict[str, Any]) -> dict[str, Any]:
    return {
        "lead_name": lead["lead_name"],
        "lead_email": lead["lead_email"],
        "lead_external_id": lead["lead_external_id"],
    }


def lead_records(reader: ExportReader) -> Iterator[dict[str, Any]]:
    for lead in reader.leads():
        yield records.lead(lead)


def follow_up_records(reader: ExportReader) -> Iterator[dict[str, Any]]:
    for item, lead in reader.follow_ups():
        yield records.follow_up(item, **_lead_of(lead))


def activity_records(reader: ExportReader) -> Iterator[dict[str, Any]]:
    for item, lead in reader.activities():
        yield {**records.activity(item), **_lead_of(lead)}


def stage_change_records(reader: ExportReader) -> Iterator[dict[str, Any]]:
    for item, lead in reader.stage_changes():
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

_SOURCES: dict[str, Callable[[ExportReader], Iterator[dict[str, Any]]]] = {
    "leads": lead_records,
    "follow-ups": follow_up_records,
    "activities": activity_records,
    "stage-changes": stage_change_records,
}


# --------------------------------------------------------------------------- writing


def check_format(what: str, fmt: str) -> None:
    if what not in WHAT:
        raise UsageError(
            _("cannot export {what!r}: expected one of {choices}").format(
                what=what, choices=", ".join(WHAT)
            )
        )
    if fmt not in FORMATS:
        raise UsageError(
            _("unknown export format {fmt!r}: expected one of {choices}").format(
                fmt=fmt, choices=", ".join(FORMATS)
            )
        )
    if fmt == "ics" and what != "follow-ups":
        raise UsageError(
            _("--format ics is for follow-ups (a calendar of promises), not {what}").format(
                what=what
            ),
            hint=_("funnel export follow-ups --format ics --output promises.ics"),
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


def write_export(
    store: Store,
    what: str,
    fmt: str,
    stream: BinaryIO,
    *,
    excel: bool = False,
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
        with export_reader(store) as reader:
            rows = _SOURCES[what](reader)
            if fmt == "csv":
                count = _write_csv(text, columns, rows, excel=excel)
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


def _write_csv(text: IO[str], columns: tuple[str, ...], rows, *, excel: bool) -> int:
    writer = csv.writer(
        text, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n"
    )
    writer.writerow(columns)
    count = 0
    amount = columns.index("amount") if excel and "amount" in columns else -1
    for row in rows:
        cells = [spreadsheet_cell(row.get(key)) for key in columns]
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
        raise UsageError(
            _("the follow-up calendar export is not available in this build")
        ) from None
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
) -> int:
    """Write the export to ``path`` (:func:`funnelcli.outfiles.open_output`: atomically, 0600;
    a file replaced only with ``force``; never the live database)."""
    check_format(what, fmt)
    target = outfiles.open_output(path, live_db=store.path, force=force, what="export file")
    try:
        count = write_export(store, what, fmt, target.stream, excel=excel)
    except BaseException:
        target.discard()
        raise
    target.commit()
    return count
