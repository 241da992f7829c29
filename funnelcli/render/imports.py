"""What ``funnel import`` tells: the file as it was read (stderr), the summary (stdout, as a
line, JSON or CSV) and its notes (stderr); and what ``funnel export --output`` tells."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from funnelcli.importers.columns import ColumnMap
from funnelcli.importers.csvfile import CsvFile
from funnelcli.importers.summary import Summary
from funnelcli.render import Format, Output


def source_lines(display: str, source: CsvFile, columns: ColumnMap) -> list[str]:
    """What was detected: encoding, delimiter, columns used and ignored."""
    lines = [
        f"Reading {display}: encoding {source.encoding.label}, delimiter "
        f"{source.dialect.label}, {len(columns.headers)} columns",
        f"Columns: {columns.describe()}",
    ]
    if columns.read:
        lines.append(f"Read by the profile: {', '.join(columns.read)}")
    if columns.ignored:
        lines.append(f"Ignored columns: {', '.join(columns.ignored)}")
    lines.extend(f"Warning: {warning}" for warning in columns.warnings)
    return lines


def source_warnings(source: CsvFile, columns: ColumnMap) -> list[str]:
    """What the mapping decided that the person may want otherwise: repeated column names
    numbered, columns that mean the same field (each in one warning)."""
    warnings = []
    if source.renamed:
        shown = "; ".join(
            f"{name!r} again in column {position}, read as {numbered!r}"
            for position, name, numbered in source.renamed
        )
        warnings.append(
            f"repeated column names: {shown}. The first of each is used; "
            f"--map '{source.renamed[0][2]}=FIELD' uses another"
        )
    if columns.collisions:
        shown = "; ".join(
            f"{field}: {used!r} used, {', '.join(map(repr, others))} ignored"
            for field, used, others in columns.collisions
        )
        warnings.append(
            f"several columns mean the same field (the first synonym wins): {shown}. "
            "--map 'COLUMN=FIELD' chooses another"
        )
    return warnings


def summary_line(summary: Summary) -> str:
    text = (
        f"{summary.kind}: {summary.inserted} inserted, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {summary.rejected} rejected, "
        f"{summary.duplicates} duplicates in file"
    )
    return f"dry run, nothing written: {text}" if summary.dry_run else text


#: Summary fields that are not in its record (notes go to stderr; an interruption is an error).
_NOT_RECORDED = ("notes", "interrupted", "unknown_stages", "stage_only_rows", "warned_columns")


def summary_record(summary: Summary) -> dict[str, Any]:
    record = {
        f.name: getattr(summary, f.name)
        for f in dataclasses.fields(summary)
        if f.name not in _NOT_RECORDED
    }
    record["problems"] = [
        {"line": p.line, "column": p.column, "value": p.value, "reason": p.reason}
        for p in summary.problems
    ]
    record["merges"] = [dataclasses.asdict(m) for m in summary.merges]
    return record


def summary_notes(summary: Summary) -> list[str]:
    """Notes for the person (stderr): what was assumed, skipped or set aside."""
    notes = [] if summary.profile is None else [f"Recognised: {summary.profile['label']}"]
    notes.extend(summary.notes)
    said = len(summary.warned_columns)  # warned about before the rows: named again, shortly
    if said:
        notes.append(
            "Warning: not imported, though they look like data (see the warnings above): "
            + ", ".join(map(repr, summary.warned_columns))
        )
    notes.extend(f"Warning: {warning}" for warning in summary.warnings[said:])
    when = "would be" if summary.dry_run else "were"
    estimated = summary.created_now + summary.created_on_close + summary.closed_now
    if summary.created_now:
        notes.append(
            f"{summary.created_now} row(s) had no created date: they {when} created at the "
            "import's time"
        )
    if summary.created_on_close:
        notes.append(
            f"{summary.created_on_close} closed row(s) had no created date: they {when} "
            "created on their close date"
        )
    if summary.closed_now:
        notes.append(
            f"{summary.closed_now} closed row(s) had no close date: they {when} closed at the "
            "import's time"
        )
    if estimated:
        notes.append(
            "these dates are marked estimated: the sales cycle and the monthly figures leave "
            "them out, and 'funnel check' lists them (import a file with the date column to "
            "replace them)"
        )
    if summary.dates_found:
        notes.append(f"{summary.dates_found} estimated date(s) replaced by the file's")
    notes.extend(f"Warning: {said}" for said in summary.redated)
    if summary.empty_rows:
        notes.append(f"{summary.empty_rows} empty row(s) skipped")
    if summary.duplicates:
        notes.extend(_merge_notes(summary))
    if summary.rejected and summary.rejects_file:
        target = "" if summary.dry_run else f" to {summary.rejects_file}"
        notes.append(f"{summary.rejected} invalid row(s) {when} set aside{target}")
        notes.extend("  " + line for line in summary.problem_lines())
    if summary.merges and summary.rejects_file and not summary.dry_run:
        notes.append(
            f"the {summary.duplicates} merged row(s) are in {summary.rejects_file} too, with "
            "the line they were merged into"
        )
    return notes


def _merge_notes(summary: Summary) -> list[str]:
    """The rows merged into an earlier row's lead: each with both lines (or the lead's id)."""
    if not summary.merges:  # follow-ups and activities: the lines only
        lines = ", ".join(map(str, summary.duplicate_lines))
        more = ", …" if summary.duplicates > len(summary.duplicate_lines) else ""
        label = "line" if len(summary.duplicate_lines) == 1 and not more else "lines"
        return [
            f"{summary.duplicates} duplicate row(s) in the file ({label} {lines}{more}): the "
            "first row of each lead was used"
        ]
    notes = [
        f"{summary.duplicates} duplicate row(s) in the file, merged into the lead of an "
        "earlier row (the first row of each lead was used):"
    ]
    notes.extend("  " + merged.describe() for merged in summary.merges)
    if summary.duplicates > len(summary.merges):
        notes.append(f"  … and {summary.duplicates - len(summary.merges)} more")
    return notes


def interrupted_message(summary: Summary) -> str:
    """The error of an import committed while Ctrl-C was pressed."""
    kept = (
        f"; the invalid rows are in {summary.rejects_file}"
        if summary.rejects_file and summary.rejected
        else ""
    )
    return f"interrupted, but the import was committed: {summary_line(summary)}{kept}"


def render_summary(out: Output, summary: Summary, fmt: Format) -> None:
    """The notes on stderr, then the summary on stdout in the format asked for."""
    for note in summary_notes(summary):
        out.note(note)
    record = summary_record(summary)
    if fmt is Format.JSON:
        out.json(record)
    elif fmt is Format.CSV:
        out.csv([{k: v for k, v in record.items() if not isinstance(v, list)}])
    else:
        out.line(summary_line(summary))


def exported_line(count: int, what: str, output: Path) -> str:
    return f"Exported {count} {what} to {output}"
