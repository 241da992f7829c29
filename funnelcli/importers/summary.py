"""What an import did (or, for a dry run, would do): counts, the first problems, notes. Data
only: the import fills it in, :mod:`funnelcli.render.imports` shows it."""

from __future__ import annotations

from dataclasses import dataclass, field

from funnelcli.importers.problems import Problem
from funnelcli.importers.stages import UNKNOWN_STAGE

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
    #: The CRM profile the import used: ``{"name": …, "label": …}`` (None: the synonyms only).
    profile: dict[str, str] | None = None
    #: Estimated dates of known leads that the file gave (their mark cleared).
    dates_found: int = 0
    #: Rows that close a known lead before its creation or last stage change in funnel.
    redated: list[str] = field(default_factory=list)
    duplicate_lines: list[int] = field(default_factory=list)
    merges: list[Merged] = field(default_factory=list)
    #: Columns not imported that look like data funnel keeps (said before and after the rows).
    warnings: list[str] = field(default_factory=list)
    #: The columns whose warnings (the first of ``warnings``) were said before the rows.
    warned_columns: list[str] = field(default_factory=list)
    rejects_file: str | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: The import was committed, but Ctrl-C was pressed while it committed.
    interrupted: bool = False
    #: Unknown stage words, every row counted: {column: {value as written: rows}}.
    unknown_stages: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Invalid rows whose only problem is an unknown stage word (said by :meth:`stage_lines`).
    stage_only_rows: int = 0

    def reject(self, problems: list[Problem]) -> None:
        self.rejected += 1
        room = MAX_SHOWN - len(self.problems)
        if room > 0:
            self.problems.extend(problems[:room])
        stages = [p for p in problems if p.code == UNKNOWN_STAGE]
        for problem in stages:
            counts = self.unknown_stages.setdefault(problem.column or "", {})
            value = problem.value or ""
            counts[value] = counts.get(value, 0) + 1
        if stages and len(stages) == len(problems):
            self.stage_only_rows += 1

    def problem_lines(self) -> list[str]:
        """The invalid rows, for the person: the unknown stage words summed up per column
        (every row), then the other problems kept, then how many rows are left unsaid."""
        lines = self.stage_lines()
        shown = [p for p in self.problems if p.code != UNKNOWN_STAGE]
        lines.extend(p.describe() for p in shown)
        left = self.rejected - self.stage_only_rows - len({p.line for p in shown})
        if left > 0:
            lines.append(f"… and {left} more invalid rows")
        return lines

    def stage_lines(self) -> list[str]:
        """``unknown stage values in column 'Statut': 'Devis envoyé' (2 rows), …``: every
        distinct unknown word of a column in one line, the most frequent first."""
        lines = []
        for column, counts in self.unknown_stages.items():
            ranked = sorted(counts.items(), key=lambda item: -item[1])
            values = ", ".join(f"{value!r} ({n} row{'s' if n != 1 else ''})" for value, n in ranked)
            lines.append(
                f"unknown stage values in column {column!r}: {values}: map them with "
                "--stage-map 'VALUE=STAGE'"
            )
        return lines

    def duplicate(self, line: int, merged: Merged | None = None) -> None:
        self.duplicates += 1
        if len(self.duplicate_lines) < MAX_DUPLICATE_LINES:
            self.duplicate_lines.append(line)
        if merged is not None and len(self.merges) < MAX_MERGES:
            self.merges.append(merged)
