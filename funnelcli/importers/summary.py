"""What an import did (or, for a dry run, would do): counts, the first problems, notes. Data
only: the import fills it in, :mod:`funnelcli.render.imports` shows it."""

from __future__ import annotations

from dataclasses import dataclass, field

from funnelcli.importers.problems import Problem

#: Invalid rows whose problems are kept (the rest are counted).
MAX_SHOWN = 20
#: Lines of duplicate rows kept (the rest are counted).
MAX_DUPLICATE_LINES = 10
#: Merges kept with their reason (the rest are counted as duplicates).
MAX_MERGES = 20


@dataclass(frozen=True, slots=True)
class Merged:
    """A row of the file taken as the lead of an earlier row (``into_line``), or as a lead
    of the database that an earlier row already matched (``lead_id``): not used."""

    line: int
    into_line: int | None
    lead_id: int | None
    reason: str

    def what(self) -> str:
        into = f"line {self.into_line}" if self.into_line is not None else f"lead {self.lead_id}"
        return f"merged into {into} ({self.reason})"

    def describe(self) -> str:
        return f"line {self.line} {self.what()}"


@dataclass(slots=True)
class Summary:
    """The fields up to ``problems``, in order, are the JSON record of ``funnel import``."""

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
    duplicate_lines: list[int] = field(default_factory=list)
    merges: list[Merged] = field(default_factory=list)
    #: Columns not imported that look like data funnel keeps (said before and after the rows).
    warnings: list[str] = field(default_factory=list)
    rejects_file: str | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: The import was committed, but Ctrl-C was pressed while it committed.
    interrupted: bool = False

    def reject(self, problems: list[Problem]) -> None:
        self.rejected += 1
        room = MAX_SHOWN - len(self.problems)
        if room > 0:
            self.problems.extend(problems[:room])

    def duplicate(self, line: int, merged: Merged | None = None) -> None:
        self.duplicates += 1
        if len(self.duplicate_lines) < MAX_DUPLICATE_LINES:
            self.duplicate_lines.append(line)
        if merged is not None and len(self.merges) < MAX_MERGES:
            self.merges.append(merged)
