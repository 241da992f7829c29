"""The report helper (``funnelcli.store.reports.helper``) on its own: a second, read-only
connection on the report's snapshot, running jobs in order in one worker thread.

The reports' use of it (same figures with and without it, the audit meanwhile, failures) is
tested in ``test_reports.py``.
"""

from __future__ import annotations

import sqlite3
import threading

import pytest

from funnelcli.store import open_db
from funnelcli.store.reports.helper import THREAD, Helper


@pytest.fixture
def paired(tmp_path):
    """A store reading inside its transaction, and a helper paired with it."""
    store = open_db(tmp_path / "helper.db")
    helper = Helper.open(store.path, 1.0)
    assert helper is not None
    with store.read() as conn:
        conn.execute("SELECT count(*) FROM stages").fetchone()
        assert helper.pair()
        yield conn, helper
    helper.close()
    store.close()


def _workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == THREAD]


def test_jobs_run_in_order_on_one_worker_thread(paired):
    conn, helper = paired
    seen: list[tuple[int, str]] = []

    def job(n):
        def work(on):
            assert on is helper.conn
            seen.append((n, threading.current_thread().name))
            return n * 10

        return work

    jobs = [helper.submit(job(n)) for n in range(5)]
    assert [j.result(conn) for j in jobs] == [0, 10, 20, 30, 40]
    assert seen == [(n, THREAD) for n in range(5)]
    assert len(_workers()) == 1


def test_a_job_that_fails_on_the_helper_runs_again_on_the_reports_connection(paired):
    conn, helper = paired
    ran_on: list[sqlite3.Connection] = []

    def work(on):
        ran_on.append(on)
        if on is helper.conn:
            on.execute("ROLLBACK")  # as SQLite does on some I/O errors: the snapshot is gone
            raise sqlite3.OperationalError("disk I/O error")
        return on.execute("SELECT count(*) FROM stages").fetchone()[0]

    first = helper.submit(work)
    behind = helper.submit(lambda on: on is conn)  # queued behind it: redone here too
    assert first.result(conn) == 7
    assert ran_on == [helper.conn, conn]
    assert behind.result(conn) is True


def test_any_other_error_is_the_reports(paired):
    conn, helper = paired

    def work(on):
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        helper.submit(work).result(conn)


def test_closing_starts_no_queued_job_and_leaves_no_thread(tmp_path):
    store = open_db(tmp_path / "helper.db")
    helper = Helper.open(store.path, 1.0)
    assert helper is not None
    started: list[str] = []
    with store.read() as conn:
        conn.execute("SELECT 1").fetchone()
        assert helper.pair()
        running = helper.submit(lambda on: helper.closing.wait(timeout=5))
        helper.submit(lambda on: started.append("queued"))
        helper.close()
        assert running.result(conn) is True  # it was running: it ran to its end
    assert started == []
    assert not _workers()
    store.close()


def test_a_long_query_is_interrupted_when_the_helper_closes(paired):
    conn, helper = paired
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT max(i) FROM n"
    started = threading.Event()

    def work(on):
        started.set()
        return on.execute(endless).fetchone()

    job = helper.submit(work)
    assert started.wait(timeout=5)
    helper.close()
    assert job.done.is_set()
    assert isinstance(job.error, sqlite3.OperationalError)
    assert "interrupted" in str(job.error)
    assert not _workers()


def test_no_helper_when_the_file_cannot_be_opened_read_only(tmp_path):
    assert Helper.open(tmp_path / "missing.db", 1.0) is None
