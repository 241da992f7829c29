"""A later row of a known lead: what it may not overwrite (issue 15, item 7).

- **The first-touch source is kept.** A row whose source differs from the lead's is recorded as
  an action of type ``source`` (``source: web-form``) at the row's created date (else the
  import's "now"), once per lead and source; ``funnel show`` lists it. A lead without a source
  takes the row's.
- **Notes are appended, never replaced**, on a line of their own that starts with the row's
  date (``2026-11-20: Need a quote for 20 seats``). Notes already there, as written or after a
  date, are recognised: a re-import of the same file appends nothing. (The ``Other emails: …``
  line of a cell of several emails is added undated, once.)
- The other fields are overwritten where the file's value differs, unless ``--update-fields``
  leaves them out: then they are only filled where the lead has no value (:meth:`may_write`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from funnelcli import dates
from funnelcli.importers.emails import EMAIL_LINES, with_line
from funnelcli.importers.leads import LeadValues
from funnelcli.importers.summary import Summary
from funnelcli.store.imports import ImportWriter, KnownLead

#: The type of the action that records a later source.
SOURCE = "source"


def source_text(source: str) -> str:
    return f"{SOURCE}: {source}"


def has_note(notes: str, note: str) -> bool:
    """True when ``note`` is already in ``notes`` as whole lines, as written or after a date."""
    line = rf"^(?:\d{{4}}-\d\d-\d\d: )?{re.escape(note)}$"
    return re.search(line, notes, re.MULTILINE) is not None


def appended(notes: str, note: str, day: str) -> str:
    """``notes`` with ``note`` added on a new line after ``day``, unless it is already there."""
    return notes if has_note(notes, note) else f"{notes}\n{day}: {note}"


class LaterRows:
    """Applies the rules above to each known lead a row matched; counts what it did."""

    def __init__(
        self,
        writer: ImportWriter,
        now_stamp: str,
        overwritable: frozenset[str] | None,
    ) -> None:
        self.writer = writer
        self.now_stamp = now_stamp
        self.overwritable = overwritable
        #: May a row move a known lead's stage?
        self.may_move = overwritable is None or "stage_id" in overwritable
        self.sources = 0  # later sources recorded as actions
        self.notes = 0  # notes appended

    def may_write(self, column: str, old: object) -> bool:
        """May an import write ``column`` of a known lead whose value is ``old``? (The notes are
        only ever appended to.)"""
        return (
            old is None
            or self.overwritable is None
            or column in self.overwritable
            or column == "notes"
        )

    def changes(
        self, names: Sequence[str], new: tuple[Any, ...], old: tuple[Any, ...]
    ) -> dict[str, Any]:
        """The values of ``new`` (columns ``names``) that differ from ``old`` and may be
        written. Two equal tuples, as in most rows of a re-import, differ in no value."""
        if new == old:
            return {}
        return self.changes_by_column(names, new, old)

    def changes_by_column(
        self, names: Sequence[str], new: tuple[Any, ...], old: tuple[Any, ...]
    ) -> dict[str, Any]:
        """:meth:`changes`, one column at a time."""
        may_write = self.may_write
        return {
            name: value
            for name, value, was in zip(names, new, old)  # noqa: B905 - one getter, one length
            if value is not None and value != was and may_write(name, was)
        }

    def take(self, found: KnownLead, row: LeadValues) -> tuple[LeadValues, bool]:
        """The row as it may update ``found``, and whether a later source was recorded."""
        source, notes = row.source, row.notes
        if (source is None or source == found.source) and (notes is None or notes == found.notes):
            return row, False  # the lead's source and notes: neither rule applies
        return self.apply(found, row)

    def apply(self, found: KnownLead, row: LeadValues) -> tuple[LeadValues, bool]:
        """:meth:`take`, the rules checked one by one."""
        recorded = False
        if row.source is not None and found.source is not None and row.source != found.source:
            at = row.created_at or self.now_stamp
            text = source_text(row.source)
            if not self.writer.has_activity(found.id, SOURCE, text):
                self.writer.insert_activity(found.id, SOURCE, text, at, self.now_stamp)
                self.sources += 1
                recorded = True
            row = row._replace(source=None)
        if row.notes is not None and found.notes and row.notes != found.notes:
            if row.notes.startswith(EMAIL_LINES):
                notes = with_line(found.notes, row.notes)
            else:
                day = dates.local_date_of(row.created_at or self.now_stamp).isoformat()
                notes = appended(found.notes, row.notes, day)
            if notes != found.notes:
                self.notes += 1
            row = row._replace(notes=notes)
        return row, recorded

    def report(self, summary: Summary) -> None:
        if self.sources:
            summary.notes.append(
                f"{self.sources} lead(s) kept their first-touch source; the file's later source "
                f"was recorded as a '{SOURCE}' action (funnel show LEAD lists it)"
            )
        if self.notes:
            summary.notes.append(
                f"{self.notes} lead(s) got the file's notes appended to theirs, dated (notes are "
                "never replaced)"
            )
