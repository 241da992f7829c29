"""A second connection for a report: read-only, on the report's own snapshot, in one worker thread.

SQLite lets go of Python's GIL while it steps, so work given to the helper runs on the second
core while the report's connection does the long part of the report.

Both connections must read the same snapshot: a report's figures agree with each other even
while another process writes. Python's ``sqlite3`` has no snapshot API; the pairing rests on
``PRAGMA data_version``, which changes when another connection commits. The helper reads it (1)
when opened, before the report's connection starts its read transaction (2), then starts its own
(3, :meth:`Helper.pair`) and reads it again: unchanged, nothing was committed between (1) and
(3), so (2) and (3) see the same database. Changed (or any error), there is no helper and the
report does all its work on its own connection. The helper is opened ``mode=ro``: it cannot
write, lock for writing, or checkpoint the WAL when it closes.

Jobs run one after the other, in the order given (a connection runs one statement at a time).
:meth:`Job.result` waits for a job. A failure of the helper's connection (an ``sqlite3.Error``
there, or a snapshot lost to an earlier failure) is not the report's: the job runs again on the
report's connection, whose errors are the ones users see. :meth:`Helper.close` starts no queued
job and interrupts the running one (the report failed, or is done).
"""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from funnelcli.store.reports.clauses import prepare

T = TypeVar("T")

#: The worker thread's name (tests look for it).
THREAD = "funnel-report"


class Job(Generic[T]):
    """``work(conn)`` given to the helper: its value, or its error, once :attr:`done` is set."""

    def __init__(self, work: Callable[[sqlite3.Connection], T]) -> None:
        self.work = work
        self.done = threading.Event()
        self.value: T | None = None
        self.error: BaseException | None = None

    def result(self, conn: sqlite3.Connection) -> T:
        """The job's value; done again on ``conn`` (the report's) when the helper failed."""
        self.done.wait()
        if self.error is None:
            return self.value  # type: ignore[return-value]
        if isinstance(self.error, sqlite3.Error):
            self.value, self.error = self.work(conn), None
            return self.value
        raise self.error


class Helper:
    """The second connection and its worker thread (started with the first job)."""

    def __init__(self, conn: sqlite3.Connection, version: int) -> None:
        self.conn = conn
        self.version = version
        self.jobs: queue.SimpleQueue[Job[Any] | None] = queue.SimpleQueue()
        self.thread: threading.Thread | None = None
        self.closing = threading.Event()

    @classmethod
    def open(cls, path: Path, busy_timeout: float) -> Helper | None:
        """Step (1); None when the file cannot be opened that way (then there is no helper)."""
        conn = None
        try:
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro",
                uri=True,
                timeout=busy_timeout,
                isolation_level=None,
                check_same_thread=False,  # opened here, used by the worker thread
            )
            prepare(conn)
            return cls(conn, _data_version(conn))
        except sqlite3.Error:
            if conn is not None:
                conn.close()
            return None

    def pair(self) -> bool:
        """Step (3), once the report's connection has read inside its transaction (2)."""
        try:
            self.conn.execute("BEGIN")
            self.conn.execute("SELECT count(*) FROM stages").fetchone()
            return _data_version(self.conn) == self.version
        except sqlite3.Error:
            return False

    def submit(self, work: Callable[[sqlite3.Connection], T]) -> Job[T]:
        """Queue ``work`` for the worker thread, after the jobs given before it."""
        job = Job(work)
        self.jobs.put(job)
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name=THREAD, daemon=True)
            self.thread.start()
        return job

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            try:
                if self.closing.is_set():
                    raise sqlite3.OperationalError("the report is done")
                if not self.conn.in_transaction:
                    # a job before this one failed and SQLite ended the read transaction: the
                    # snapshot is gone, so this job is done on the report's connection instead
                    raise sqlite3.OperationalError("the helper lost its snapshot")
                job.value = job.work(self.conn)
            except BaseException as exc:  # handed to the report's thread by Job.result
                job.error = exc
            finally:
                job.done.set()

    def close(self) -> None:
        """Start no more jobs, interrupt the running one, then close the connection."""
        self.closing.set()
        if self.thread is not None:
            self.jobs.put(None)
            while self.thread.is_alive():
                # an interrupt that falls between two statements of a job is lost: repeat it
                with contextlib.suppress(sqlite3.ProgrammingError):  # closed: nothing runs
                    self.conn.interrupt()
                self.thread.join(0.05)
        self.conn.close()  # a read transaction left open just ends


def _data_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])
