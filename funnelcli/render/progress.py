"""A progress bar for long imports: on a terminal only, and only once a file proves long.

Notices (the transaction starting, committing) are plain lines on stderr, terminal or not.

Nothing is drawn (and Rich is not imported) until ``threshold`` rows have been read, and never
when stderr is not a terminal (a pipe, a cron mail): ``TTY_COMPATIBLE=1``/``0`` forces the
decision, as for the rest of the output.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, TextIO

from funnelcli.text import printable

if TYPE_CHECKING:  # pragma: no cover
    from rich.progress import Progress

#: Rows read before a bar appears: small files finish before a bar would help.
THRESHOLD = 5000


def _terminal(stream: TextIO) -> bool:
    forced = os.environ.get("TTY_COMPATIBLE", "")
    if forced in ("0", "1"):
        return forced == "1"
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ImportProgress:
    """Reports rows read and bytes done; draws a Rich bar on a terminal after ``threshold``."""

    def __init__(
        self,
        err: TextIO,
        *,
        total_bytes: int | None,
        label: str,
        threshold: int = THRESHOLD,
        color: bool = True,
    ) -> None:
        self.err = err
        self.total = total_bytes or None
        self.label = printable(label)  # it names the file
        self.threshold = threshold
        self.enabled = _terminal(err)
        self.color = color and not os.environ.get("NO_COLOR")
        self._progress: Progress | None = None
        self._task: Any = None

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        console = Console(
            file=self.err,
            force_terminal=True,
            no_color=not self.color,
            highlight=False,
            emoji=False,
        )
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn() if self.total is None else TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[rows]:,} rows"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task(self.label, total=self.total, rows=0)

    def update(self, rows: int, done_bytes: int) -> None:
        if not self.enabled or rows < self.threshold:
            return
        if self._progress is None:
            self._start()
        assert self._progress is not None
        self._progress.update(self._task, completed=done_bytes if self.total else rows, rows=rows)

    def phase(self, text: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, description=f"{self.label}: {text}")

    def notice(self, text: str) -> None:
        """A line for the person on stderr, terminal or not (above the bar while it is drawn).

        The import says when its transaction starts and when it commits: a long import shows
        where it is, and tests use these lines to kill it at a known point.
        """
        text = printable(text)
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False)
            return
        try:
            self.err.write(text + "\n")
            self.err.flush()
        except (OSError, ValueError):
            pass  # stderr closed: the notice is not worth failing the import for

    @property
    def shown(self) -> bool:
        return self._progress is not None

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
