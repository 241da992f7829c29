"""What an import did (or, for a dry run, would do): counts, the first problems, notes. Data
only: the import fills it in, :mod:`funnelcli.render.imports` shows it."""

from __future__ import annotations

from dataclasses import dataclass, field

from funnelcli.importers.problems import Problem

#: Invalid rows whose problems are kept (the rest are counted).
MAX_SHOWN = 20
#: Lines of duplicate rows kept (the rest are counted).
MAX_DUPLICATE_LINES = 10


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

    def duplicate(self, line: int) -> None:
        self.duplicates += 1
        if len(self.duplicate_lines) < MAX_DUPLICATE_LINES:
            self.duplicate_lines.append(line)
