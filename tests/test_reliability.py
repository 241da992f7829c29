"""Reliability promises, proven with the real ``funnel`` in subprocesses.

Concurrency (two writers, a lock held past the timeout, readers during a write), crashes (a
process killed while it writes), pipes and terminals, and file permissions.
"""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from helpers import bulk_leads, funnel_process, rows

pytestmark = pytest.mark.slow

FUNNEL = [sys.executable, "-m", "funnelcli"]


def spawn(*args: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [*FUNNEL, *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def integrity(db: Path) -> str:
    return rows(db, "PRAGMA integrity_check")[0]["integrity_check"]


# --------------------------------------------------------------------------- concurrency

WRITER = """
import contextlib, io, sys
import typer.main
from funnelcli.cli import app
command = typer.main.get_command(app)  # built once: each call below is a full CLI run

def funnel(*args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = command.main(list(args), prog_name="funnel", standalone_mode=False)
    assert code in (None, 0), (args, code)
    return out.getvalue()

tag = sys.argv[1]
sys.stdin.readline()  # released together
for i in range(200):
    lead = funnel("add", f"{tag}-{i}", "--source", tag).strip()
    funnel("advance", lead, "--note", tag)
    funnel("log", lead, "call", f"{tag} call")
print("done")
"""


def test_two_writers_at_once_both_succeed(db_path):
    funnel_process("stages")  # create the database before the race
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, tag],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("alpha", "beta")
    ]
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [proc.communicate(timeout=120) for proc in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == "done"
        assert "locked" not in err
    assert rows(
        db_path, "SELECT source, count(*) AS n FROM leads GROUP BY source ORDER BY source"
    ) == [
        {"source": "alpha", "n": 200},
        {"source": "beta", "n": 200},
    ]
    assert rows(db_path, "SELECT count(*) AS n FROM stage_changes")[0]["n"] == 800
    assert rows(db_path, "SELECT count(*) AS n FROM activities")[0]["n"] == 400
    assert integrity(db_path) == "ok"


def test_lock_held_past_the_timeout_exits_75_promptly(db_path):
    """The writer waits the busy timeout it was given (1 s), then gives up with 75: it neither
    hangs (funnel_process would time out) nor fails before waiting."""
    funnel_process("add", "First")
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = funnel_process("add", "Second", env={"FUNNEL_BUSY_TIMEOUT": "1"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 75, result.stderr
    assert result.stderr.startswith(
        f"Error: the database {db_path} is locked by another funnel command (waited 1 s)"
    )
    assert [r["name"] for r in rows(db_path, "SELECT name FROM leads")] == ["First"]


def test_readers_answer_during_an_uncommitted_write(db_path):
    funnel_process("add", "Committed")
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO leads (name, created_at, updated_at, stage_id, currency) "
        "VALUES ('Uncommitted', '2026-11-29T14:00:00Z', '2026-11-29T14:00:00Z', 1, 'CAD')"
    )
    # A busy timeout of 0: a reader that waited for the writer's lock would fail at once (75).
    no_wait = {"FUNNEL_BUSY_TIMEOUT": "0"}
    try:
        listed = funnel_process("list", "--format", "csv", env=no_wait)
        checked = funnel_process("check", env=no_wait)
        overdue = funnel_process("overdue", "--format", "json", env=no_wait)
        report = funnel_process("report", "kpis", "--format", "json", env=no_wait)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert listed.returncode == 0, listed.stderr
    assert "Committed" in listed.stdout and "Uncommitted" not in listed.stdout
    assert checked.returncode == 0, checked.stderr
    assert overdue.returncode == 0 and overdue.stdout.strip() == "[]", overdue.stderr
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["leads_created"] == 1  # the committed lead only


# --------------------------------------------------------------------------- crashes

#: Kill when the write-ahead log has grown this much: early, mid-way, late in the write.
KILL_AT_WAL_BYTES = [64 * 1024, 4 * 1024 * 1024, 12 * 1024 * 1024]


def lead_count(db: Path) -> int:
    tables = {r["name"] for r in rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    return rows(db, "SELECT count(*) AS n FROM leads")[0]["n"] if "leads" in tables else 0


def marked(wal: Path) -> bool:
    """Whether the database being built beside ``wal`` is already marked as a demo."""
    try:
        found = rows(Path(str(wal)[: -len("-wal")]), "SELECT 1 FROM settings WHERE key = 'demo'")
    except sqlite3.Error:
        return False  # not migrated yet
    return bool(found)


@pytest.mark.parametrize("wal_bytes", KILL_AT_WAL_BYTES)
def test_killed_while_writing_leaves_before_or_after(tmp_path, wal_bytes):
    """SIGKILL a large write (a 60,000-lead demo build) once its WAL has grown to ``wal_bytes``.

    The demo is built in a marked file beside its target and renamed at the end: the database
    being written holds 0 or 60,000 leads, the target is untouched, and the next build removes
    the half-built file.
    """
    db = tmp_path / "demo.db"
    proc = spawn("demo", "--db", str(db), "--leads", "60000", cwd=tmp_path)
    deadline = time.monotonic() + 60
    reached = False
    while proc.poll() is None and time.monotonic() < deadline:
        wals = list(tmp_path.glob(f".demo.db.{proc.pid}.*.tmp-wal"))
        # The kill point: the WAL has grown that much, and the build has begun (the file is
        # marked as a demo: the schema alone can fill the first 64 KiB of the WAL).
        if wals and wals[0].exists() and wals[0].stat().st_size >= wal_bytes and marked(wals[0]):
            reached = True
            break
        time.sleep(0.002)  # the WAL's growth has no other signal
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert reached, "the write never reached the kill point"
    building = Path(str(wals[0])[: -len("-wal")])
    assert not db.exists()  # the target appears only whole
    assert lead_count(building) in (0, 60000)
    assert integrity(building) == "ok"
    if lead_count(building):  # marked as a demo before any lead is written
        assert rows(building, "SELECT value FROM settings WHERE key = 'demo'") == [
            {"value": "true"}
        ]
    again = funnel_process("demo", "--db", str(db), "--leads", "50", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert lead_count(db) == 50
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


# --------------------------------------------------------------------------- pipes and terminals


def test_closed_pipe_ends_quietly(db_path):
    funnel_process("add", "First")
    # many rows, so that the writer outlives the reader
    bulk_leads(db_path, 20000)
    result = subprocess.run(
        f"set -o pipefail; {sys.executable} -m funnelcli list --limit 0 | head -1",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=60,
    )
    assert result.returncode == 0  # with pipefail: funnel's own status
    assert result.stdout.split()[0] == "ID"
    assert "Traceback" not in result.stderr
    assert "Error" not in result.stderr
    assert result.stderr == ""


def test_no_ansi_codes_when_piped(db_path):
    funnel_process("add", "Marie", "--amount", "100")
    for args in (["list"], ["show", "1"], ["stages"], ["check"]):
        result = funnel_process(*args, env={"TERM": "xterm-256color"})
        assert result.returncode == 0
        assert "\x1b[" not in result.stdout + result.stderr, args


def run_in_terminal(*args: str, env: dict[str, str]) -> str:
    """Run funnel with a pseudo-terminal as stdout; return what it printed."""
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [*FUNNEL, *args], stdout=terminal, stderr=terminal, env={**os.environ, **env}
    )
    os.close(terminal)
    output = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 10)
        if not ready:
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    proc.wait(timeout=30)
    os.close(controller)
    return output.decode()


def test_colour_on_a_terminal_unless_no_color(db_path):
    funnel_process("add", "Marie", "--amount", "100")
    env = {"TERM": "xterm-256color", "COLUMNS": "120"}
    coloured = run_in_terminal("list", env=env)
    assert "Marie" in coloured
    assert "\x1b[" in coloured
    plain = run_in_terminal("list", env={**env, "NO_COLOR": "1"})
    assert "Marie" in plain
    assert "\x1b[" not in plain.replace("\x1b[?25l", "").replace("\x1b[?25h", "")


# --------------------------------------------------------------------------- permissions


def test_database_and_its_wal_files_are_owner_only(db_path, tmp_path):
    old = os.umask(0o022)
    try:
        funnel_process("add", "Marie")
        holder = sqlite3.connect(db_path)  # keeps -wal/-shm alive while we look
        holder.execute("SELECT count(*) FROM leads").fetchone()
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE leads SET name = name")
        files = [db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")]
        for path in files:
            assert path.exists(), path
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        holder.rollback()
        holder.close()
        backup = funnel_process("backup", str(tmp_path / "b.db"))
        assert backup.returncode == 0, backup.stderr
        assert stat.S_IMODE((tmp_path / "b.db").stat().st_mode) == 0o600
    finally:
        os.umask(old)


# --------------------------------------------------------------------------- more refusals


def test_full_disk_exits_74_and_rolls_back(funnel, db_path, monkeypatch):
    """Simulate a full disk: cap the file's size with PRAGMA max_page_count."""
    funnel("add", "Before")
    real_connect = sqlite3.connect

    def capped(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        if "mode=rw" in str(args[0]):  # the read/write connection
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages + 1}")
        return conn

    monkeypatch.setattr("funnelcli.store.sqlite3.connect", capped)
    result = funnel("add", "Too big", "--note", "x" * 200_000, code=74)
    assert result.stderr.startswith(f"Error: I/O failure on {db_path}: database or disk is full")
    monkeypatch.undo()
    assert [r["name"] for r in rows(db_path, "SELECT name FROM leads")] == ["Before"]
    assert integrity(db_path) == "ok"


def _drop_privileges() -> None:
    os.setgid(65534)
    os.setuid(65534)


def test_read_only_database_as_an_unprivileged_user_exits_77(tmp_path):
    """The real thing, where the machine allows it (CI runs as root: drop to nobody)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to an unprivileged user")
    try:
        probe = subprocess.run(
            [sys.executable, "-c", "import funnelcli"],
            preexec_fn=_drop_privileges,
            capture_output=True,
        )
    except PermissionError:
        probe = None
    if probe is None or probe.returncode != 0:
        pytest.skip("this Python is not readable by an unprivileged user here")
    folder = Path(tempfile.mkdtemp())
    try:
        folder.chmod(0o755)
        db = folder / "funnel.db"
        assert funnel_process("--db", str(db), "add", "Mine").returncode == 0
        db.chmod(0o644)  # readable by all, writable by its owner (root) only
        result = subprocess.run(
            [*FUNNEL, "--db", str(db), "add", "Theirs"],
            preexec_fn=_drop_privileges,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 77, result.stderr
        assert result.stderr.startswith("Error: cannot ")
        assert [r["name"] for r in rows(db, "SELECT name FROM leads")] == ["Mine"]
    finally:
        shutil.rmtree(folder)


BUSY_WRITER = """
import contextlib, io, sys
import typer.main
from funnelcli.cli import app
command = typer.main.get_command(app)
print("started", flush=True)
for i in range(300):
    with contextlib.redirect_stdout(io.StringIO()):
        assert command.main(["add", f"busy-{i}"], prog_name="funnel", standalone_mode=False) in (None, 0)
print("done", flush=True)
"""


def test_backup_while_another_process_writes(db_path, tmp_path):
    funnel_process("add", "First")
    writer = subprocess.Popen(
        [sys.executable, "-c", BUSY_WRITER], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout.readline().strip() == "started"
    counts = []
    for i in range(3):
        target = tmp_path / f"b{i}.db"
        result = funnel_process("backup", str(target))
        assert result.returncode == 0, result.stderr
        assert integrity(target) == "ok"
        counts.append(rows(target, "SELECT count(*) AS n FROM leads")[0]["n"])
    writer.communicate(timeout=120)
    assert writer.returncode == 0
    assert counts == sorted(counts)
    assert counts[0] >= 1 and counts[-1] <= 301
    assert rows(db_path, "SELECT count(*) AS n FROM leads")[0]["n"] == 301
