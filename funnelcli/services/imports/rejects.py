"""The ``--rejects`` file: the rows an import did not use (invalid, or merged into an earlier
row's lead), as they were, with a reason."""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path
from typing import BinaryIO

from funnelcli import outfiles
from funnelcli.importers.problems import Problem
from funnelcli.text import spreadsheet_cell


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
        reason = "; ".join(f"{p.column}: {p.reason}" if p.column else p.reason for p in problems)
        self.write_note(line, fields, reason)

    def write_note(self, line: int, fields: list[str], reason: str) -> None:
        """A row with why it was not imported: invalid, or merged into another row's lead."""
        cells = (list(fields) + [""] * self.width)[: self.width]
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
