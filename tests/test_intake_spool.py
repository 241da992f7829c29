"""The intake spool: a locked database queues the submission (exit 0, "queued"); ``--flush``
records the queue in order, idempotently; ``--spool-only DIR`` never opens the database."""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
import time

import pytest
from helpers import rows

from funnelcli import spool

BODY = "name=Ann+Roy&email=ann%40roy.ca&message=Hi"


@pytest.fixture
def db(funnel, db_path):
    funnel("init")
    return db_path


def lock(db_path) -> sqlite3.Connection:
    """Another connection holding the write lock."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def waiting(db_path) -> list[str]:
    return [q.path.name for q in spool.pending(db_path.parent / spool.FOLDER)]


def test_a_locked_database_queues_then_the_flush_records_in_order(funnel, db, monkeypatch):
    monkeypatch.setenv("FUNNEL_BUSY_TIMEOUT", "0")
    holder = lock(db)
    assert funnel("intake", input=BODY).stdout == "queued\n"
    assert funnel("intake", input="name=Bob&phone=555").stdout == "queued\n"
    assert funnel("intake", input=BODY).stdout == "queued\n"  # the same bytes: one file
    files = waiting(db)
    assert len(files) == 2
    path = db.parent / spool.FOLDER / files[0]
    assert path.read_bytes() == BODY.encode()
    assert oct(path.stat().st_mode & 0o777) == "0o640"
    # flushing while locked: 75, nothing lost
    funnel("intake", "--flush", code=75)
    assert len(waiting(db)) == 2
    holder.rollback()
    holder.close()
    assert funnel("intake", "--flush").stdout == "1 created\n2 created\n"
    assert waiting(db) == []
    assert rows(db, "SELECT id, name FROM leads") == [
        {"id": 1, "name": "Ann Roy"},
        {"id": 2, "name": "Bob"},
    ]
    # one journal entry per submission: undo takes back Bob only
    funnel("undo")
    assert rows(db, "SELECT name FROM leads") == [{"name": "Ann Roy"}]


def test_the_next_intake_flushes_the_queue_first(funnel, db, monkeypatch):
    monkeypatch.setenv("FUNNEL_BUSY_TIMEOUT", "0")
    holder = lock(db)
    funnel("intake", input=BODY)
    holder.rollback()
    holder.close()
    assert funnel("intake", input="name=Bob&phone=555").stdout == "1 created\n2 created\n"
    assert waiting(db) == []


def test_spool_only_never_opens_the_database(funnel, db_path, tmp_path):
    folder = tmp_path / "web"
    funnel("intake", "--spool-only", folder, input=BODY, code=66)
    folder.mkdir()
    assert funnel("intake", "--spool-only", folder, input=BODY).stdout == "queued\n"
    assert not db_path.exists()
    funnel("intake", "--flush", "--spool", folder, code=66)  # no database yet
    funnel("init")
    assert funnel("intake", "--flush", "--spool", folder).stdout == "1 created\n"
    assert os.listdir(folder) == []
    # flushed twice (a crash after the commit): nothing new
    funnel("intake", "--spool-only", folder, input=BODY)
    assert funnel("intake", "--flush", "--spool", folder).stdout == "1 duplicate\n"


def test_a_queued_submission_that_names_nobody_goes_to_rejected(funnel, db, tmp_path):
    folder = tmp_path / "web"
    folder.mkdir()
    funnel("intake", "--spool-only", folder, input="message=hi", code=65)
    assert sorted(os.listdir(folder / "rejected"))[0].endswith(".sub")


def test_a_full_disk_is_74_and_75_for_email(funnel, db, monkeypatch):
    monkeypatch.setenv("FUNNEL_BUSY_TIMEOUT", "0")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spool.os, "fsync", full)
    holder = lock(db)
    try:
        result = funnel("intake", input=BODY, code=74)
        assert result.stderr.startswith("Error: cannot write the spool file")
        mail = "From: Ann <ann@roy.ca>\nSubject: hi\n\nMessage: hi\n"
        funnel("intake", "--input", "email", input=mail, code=75)
    finally:
        holder.rollback()
        holder.close()


def test_the_spool_file_name_orders_and_describes(tmp_path):
    from funnelcli.dates import now

    first = spool.queue(tmp_path, b"a=1", received=now(), input=None)
    second = spool.queue(tmp_path, b"b=2", received=now(), input="email")
    assert [q.digest for q in spool.pending(tmp_path)] == [first.digest, second.digest]
    assert spool.pending(tmp_path)[1].input == "email"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.slow  # 1,000 submissions in process while another connection grabs the lock
def test_a_thousand_submissions_none_lost_while_another_writer_takes_the_lock(
    funnel, db, monkeypatch
):
    monkeypatch.setenv("FUNNEL_BUSY_TIMEOUT", "0")
    stop = threading.Event()

    def grabber() -> None:
        conn = sqlite3.connect(db, isolation_level=None, timeout=5)
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            time.sleep(0.02)  # holds the lock four fifths of the time
            conn.execute("ROLLBACK")
            time.sleep(0.005)
        conn.close()

    thread = threading.Thread(target=grabber)
    thread.start()
    statuses = []
    try:
        for i in range(1000):
            # every tenth is a second message from an earlier sender: an activity
            email = f"p{i - 1 if i % 10 == 9 else i}%40x.ca"
            out = funnel("intake", input=f"name=P{i}&email={email}&n={i}").stdout
            statuses += out.split()
    finally:
        stop.set()
        thread.join()
    funnel("intake", "--flush")
    assert "queued" in statuses  # the lock was met
    assert waiting(db) == []
    leads = rows(db, "SELECT count(*) AS n FROM leads")[0]["n"]
    activities = rows(db, "SELECT count(*) AS n FROM activities")[0]["n"]
    assert (leads, activities) == (900, 1000)  # an activity per submission
    assert rows(db, "SELECT count(*) AS n FROM follow_ups") == [{"n": 1000}]


def test_check_and_the_dashboard_report_a_spool_older_than_an_hour(funnel, db):
    from datetime import timedelta

    from funnelcli.dates import now

    folder = db.parent / spool.FOLDER
    spool.queue(folder, BODY.encode(), received=now() - timedelta(minutes=59), input=None)
    assert "web submission" not in funnel("check").stderr
    funnel("check", "--exit-code")  # nothing else found: still 0
    spool.queue(folder, b"name=Bob&phone=1", received=now() - timedelta(hours=2), input=None)
    warning = (
        f"Warning: 2 web submissions waiting in {folder} since 2026-11-29 07:00: run "
        "`funnel intake --flush` (or check its cron line)\n"
    )
    assert funnel("check").stderr.endswith(warning)
    funnel("check", "--exit-code", code=1)
    assert funnel("report").stderr.endswith(warning)
    assert warning not in funnel("report", "kpis").stderr


def test_the_digest_is_sha256():
    """The spool's names and the submissions' keys are SHA-256 (CPython's own, not OpenSSL's):
    the standard test vector, so that a file queued by one version is known by the next."""
    assert spool.digest(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
