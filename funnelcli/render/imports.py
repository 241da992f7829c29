"""What ``funnel import`` tells: the file as it was read (stderr), the summary (stdout, as a
line, JSON or CSV) and its notes (stderr); and what ``funnel export --output`` tells."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from funnelcli.i18n import N_, _, ngettext
from funnelcli.i18n import import_words as words
from funnelcli.importers.columns import ColumnMap
from funnelcli.importers.csvfile import CsvFile
from funnelcli.importers.summary import Summary
from funnelcli.render import Format, Output


def source_lines(display: str, source: CsvFile, columns: ColumnMap) -> list[str]:
    """What was detected: encoding, delimiter, columns used and ignored."""
    lines = [
        _("Reading {file}: encoding {encoding}, delimiter {delimiter}, {n} columns").format(
            file=display,
            encoding=words.reword(source.encoding.label),
            delimiter=words.delimiter(source.dialect),
            n=len(columns.headers),
        ),
        _("Columns: {columns}").format(columns=columns.describe()),
    ]
    if columns.read:
        lines.append(_("Read by the profile: {columns}").format(columns=", ".join(columns.read)))
    if columns.ignored:
        lines.append(_("Ignored columns: {columns}").format(columns=", ".join(columns.ignored)))
    lines.extend(f"{_('Warning:')} {words.reword(warning)}" for warning in columns.warnings)
    return lines


def source_warnings(source: CsvFile, columns: ColumnMap) -> list[str]:
    """What the mapping decided that the person may want otherwise: repeated column names
    numbered, columns that mean the same field (each in one warning)."""
    warnings = []
    if source.renamed:
        shown = _("; ").join(
            _("{name!r} again in column {position}, read as {numbered!r}").format(
                name=name, position=position, numbered=numbered
            )
            for position, name, numbered in source.renamed
        )
        warnings.append(
            _(
                "repeated column names: {shown}. The first of each is used; "
                "--map '{numbered}=FIELD' uses another"
            ).format(shown=shown, numbered=source.renamed[0][2])
        )
    if columns.collisions:
        shown = _("; ").join(
            _("{field}: {used!r} used, {others} ignored").format(
                field=field, used=used, others=", ".join(map(repr, others))
            )
            for field, used, others in columns.collisions
        )
        warnings.append(
            _(
                "several columns mean the same field (the first synonym wins): {shown}. "
                "--map 'COLUMN=FIELD' chooses another"
            ).format(shown=shown)
        )
    return warnings


#: What an import reads, for people (the summary's ``kind`` stays English in JSON and CSV).
KINDS = {"leads": N_("leads"), "follow-ups": N_("follow-ups"), "activities": N_("activities")}


def summary_line(summary: Summary) -> str:
    """``leads: 11 inserted, 0 updated, …`` (for people: scripts read ``--format json``)."""
    kind = summary.kind
    n = summary
    counts = [  # each count worded for its number (French agrees: 1 ajout, 2 ajouts)
        ngettext("{n} inserted", "{n} inserted", n.inserted).format(n=n.inserted),
        ngettext("{n} updated", "{n} updated", n.updated).format(n=n.updated),
        ngettext("{n} unchanged", "{n} unchanged", n.unchanged).format(n=n.unchanged),
        ngettext("{n} rejected", "{n} rejected", n.rejected).format(n=n.rejected),
        ngettext("{n} duplicates in file", "{n} duplicates in file", n.duplicates).format(
            n=n.duplicates
        ),
    ]
    text = _("{kind}: {counts}").format(
        kind=_(KINDS[kind]) if kind in KINDS else kind, counts=", ".join(counts)
    )
    return (
        _("dry run, nothing written: {summary}").format(summary=text) if summary.dry_run else text
    )


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
    notes = (
        []
        if summary.profile is None
        else [_("Recognised: {profile}").format(profile=_(summary.profile["label"]))]
    )
    notes.extend(map(words.reword, summary.notes))
    warning = _("Warning:")
    said = len(summary.warned_columns)  # warned about before the rows: named again, shortly
    if said:
        notes.append(
            f"{warning} "
            + _(
                "not imported, though they look like data (see the warnings above): {columns}"
            ).format(columns=", ".join(map(repr, summary.warned_columns)))
        )
    notes.extend(f"{warning} {words.reword(text)}" for text in summary.warnings[said:])
    dry = summary.dry_run
    estimated = summary.created_now + summary.created_on_close + summary.closed_now
    if summary.created_now:
        notes.append(
            (
                ngettext(
                    "{n} row(s) had no created date: they would be created at the import's time",
                    "{n} row(s) had no created date: they would be created at the import's time",
                    summary.created_now,
                )
                if dry
                else ngettext(
                    "{n} row(s) had no created date: they were created at the import's time",
                    "{n} row(s) had no created date: they were created at the import's time",
                    summary.created_now,
                )
            ).format(n=summary.created_now)
        )
    if summary.created_on_close:
        notes.append(
            (
                ngettext(
                    "{n} closed row(s) had no created date: they would be created on their "
                    "close date",
                    "{n} closed row(s) had no created date: they would be created on their "
                    "close date",
                    summary.created_on_close,
                )
                if dry
                else ngettext(
                    "{n} closed row(s) had no created date: they were created on their close date",
                    "{n} closed row(s) had no created date: they were created on their close date",
                    summary.created_on_close,
                )
            ).format(n=summary.created_on_close)
        )
    if summary.closed_now:
        notes.append(
            (
                ngettext(
                    "{n} closed row(s) had no close date: they would be closed at the "
                    "import's time",
                    "{n} closed row(s) had no close date: they would be closed at the "
                    "import's time",
                    summary.closed_now,
                )
                if dry
                else ngettext(
                    "{n} closed row(s) had no close date: they were closed at the import's time",
                    "{n} closed row(s) had no close date: they were closed at the import's time",
                    summary.closed_now,
                )
            ).format(n=summary.closed_now)
        )
    if estimated:
        notes.append(
            _(
                "these dates are marked estimated: the sales cycle and the monthly figures leave "
                "them out, and 'funnel check' lists them (import a file with the date column to "
                "replace them)"
            )
        )
    if summary.dates_found:
        notes.append(
            ngettext(
                "{n} estimated date(s) replaced by the file's",
                "{n} estimated date(s) replaced by the file's",
                summary.dates_found,
            ).format(n=summary.dates_found)
        )
    notes.extend(f"{warning} {words.reword(text)}" for text in summary.redated)
    if summary.empty_rows:
        notes.append(
            ngettext(
                "{n} empty row(s) skipped", "{n} empty row(s) skipped", summary.empty_rows
            ).format(n=summary.empty_rows)
        )
    if summary.duplicates:
        notes.extend(_merge_notes(summary))
    if summary.rejected and summary.rejects_file:
        if dry:
            aside = ngettext(
                "{n} invalid row(s) would be set aside",
                "{n} invalid row(s) would be set aside",
                summary.rejected,
            ).format(n=summary.rejected)
        else:
            aside = ngettext(
                "{n} invalid row(s) were set aside to {file}",
                "{n} invalid row(s) were set aside to {file}",
                summary.rejected,
            ).format(n=summary.rejected, file=summary.rejects_file)
        notes.append(aside)
        notes.extend("  " + line for line in words.problem_lines(summary))
    if summary.merges and summary.rejects_file and not summary.dry_run:
        notes.append(
            ngettext(
                "the {n} merged row(s) are in {file} too, with the line they were merged into",
                "the {n} merged row(s) are in {file} too, with the line they were merged into",
                summary.duplicates,
            ).format(n=summary.duplicates, file=summary.rejects_file)
        )
    return notes


def _merge_notes(summary: Summary) -> list[str]:
    """The rows merged into an earlier row's lead: each with both lines (or the lead's id)."""
    if not summary.merges:  # follow-ups and activities: the lines only
        lines = ", ".join(map(str, summary.duplicate_lines))
        more = ", …" if summary.duplicates > len(summary.duplicate_lines) else ""
        one = len(summary.duplicate_lines) == 1 and not more
        return [
            (
                ngettext(
                    "{n} duplicate row(s) in the file (line {lines}): the first row of each "
                    "lead was used",
                    "{n} duplicate row(s) in the file (line {lines}): the first row of each "
                    "lead was used",
                    summary.duplicates,
                )
                if one
                else ngettext(
                    "{n} duplicate row(s) in the file (lines {lines}): the first row of each "
                    "lead was used",
                    "{n} duplicate row(s) in the file (lines {lines}): the first row of each "
                    "lead was used",
                    summary.duplicates,
                )
            ).format(n=summary.duplicates, lines=lines + more)
        ]
    notes = [
        ngettext(
            "{n} duplicate row(s) in the file, merged into the lead of an earlier row (the first "
            "row of each lead was used):",
            "{n} duplicate row(s) in the file, merged into the lead of an earlier row (the first "
            "row of each lead was used):",
            summary.duplicates,
        ).format(n=summary.duplicates)
    ]
    notes.extend("  " + words.merged(merged) for merged in summary.merges)
    if summary.duplicates > len(summary.merges):
        rest = summary.duplicates - len(summary.merges)
        notes.append("  " + _("… and {n} more").format(n=rest))
    return notes


def interrupted_message(summary: Summary) -> str:
    """The error of an import committed while Ctrl-C was pressed."""
    kept = (
        "; " + _("the invalid rows are in {file}").format(file=summary.rejects_file)
        if summary.rejects_file and summary.rejected
        else ""
    )
    return _("interrupted, but the import was committed: {summary}").format(
        summary=summary_line(summary) + kept
    )


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
    """``Exported 3 follow-ups to promises.ics`` (the English line keeps the option's word)."""
    from funnelcli.i18n import is_french

    if not is_french():
        return f"Exported {count} {what} to {output}"
    rows = {
        "leads": ngettext("{n} lead", "{n} leads", count),
        "follow-ups": ngettext("{n} follow-up", "{n} follow-ups", count),
        "activities": ngettext("{n} activity", "{n} activities", count),
        "stage-changes": ngettext("{n} stage change", "{n} stage changes", count),
    }[what]
    return _("Exported {rows} to {path}").format(rows=rows.format(n=count), path=output)
