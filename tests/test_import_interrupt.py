"""Ctrl-C and kills around an import's commit (issue 12, item 4): once ``COMMIT`` has returned,
an interrupt says what was committed and the rejects file is kept; a kill leaves no temporary
file that the next run does not remove."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import funnel_process, rows

from funnelcli.store import Store

BAD = "Name,Email,Amount,Created\nAl,al@x.ca,10,2026-01-01\nBo,bo@,12,2026-01-02\n"
SUMMARY = "leads: 1 inserted, 0 updated, 0 unchanged, 1 rejected, 0 duplicates in file"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(BAD)
    return path


def interrupt_after_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send this process a real SIGINT the moment a write transaction has committed."""
    original = Store.write

    @contextlib.contextmanager
    def write(self):
        with original(self) as conn:
            yield conn
        assert not conn.in_transaction
        os.kill(os.getpid(), signal.SIGINT)  # delivered here, before the next line runs

    monkeypatch.setattr(Store, "write", write)


def test_ctrl_c_just_after_the_commit_reports_it_and_keeps_the_rejects(
    funnel, db_path, tmp_path, source, monkeypatch
):
    funnel("add", "Marie")  # the database exists: opening it writes nothing
    rejects = tmp_path / "rejects.csv"
    interrupt_after_commit(monkeypatch)
    result = funnel("import", source, "--rejects", rejects, code=130)
    assert result.stderr.splitlines()[-1] == (
        f"Error: interrupted, but the import was committed: {SUMMARY}; "
        f"the invalid rows are in {rejects}"
    )
    assert rows(db_path, "SELECT name FROM leads ORDER BY id") == [
        {"name": "Marie"},
        {"name": "Al"},
    ]
    assert rejects.read_text().splitlines()[1].startswith("Bo,bo@,12,2026-01-02,3,")
    assert sorted(os.listdir(tmp_path)) == ["funnel.db", "in.csv", "rejects.csv"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_before_the_commit_still_writes_nothing(
    funnel, db_path, tmp_path, source, monkeypatch
):
    funnel("add", "Marie")
    rejects = tmp_path / "rejects.csv"
    from funnelcli.services.imports import rejects as imports

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(imports.RejectsWriter, "sync", interrupt)  # just before COMMIT
    result = funnel("import", source, "--rejects", rejects, code=130)
    assert result.stderr.splitlines()[-1] == (
        "Error: interrupted; nothing was written by the unfinished command"
    )
    assert rows(db_path, "SELECT name FROM leads") == [{"name": "Marie"}]
    assert sorted(os.listdir(tmp_path)) == ["funnel.db", "in.csv"]


KILLED_AFTER_COMMIT = textwrap.dedent(
    """
    import os, signal, sys
    from funnelcli.services.imports import rejects as imports

    def die(self):  # the import has committed; its rejects file is not renamed yet
        os.kill(os.getpid(), signal.SIGKILL)

    imports.RejectsWriter.commit = die
    from funnelcli.cli import app
    app(sys.argv[1:], prog_name="funnel")
    """
)


def test_a_kill_after_the_commit_leaves_a_temporary_file_the_next_run_removes(
    db_path, tmp_path, source
):
    rejects = tmp_path / "rejects.csv"
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED_AFTER_COMMIT,
            "import",
            str(source),
            "--rejects",
            str(rejects),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    left = [name for name in os.listdir(tmp_path) if name.startswith(".rejects.csv.")]
    assert len(left) == 1 and left[0].endswith(".tmp")
    assert rows(db_path, "SELECT name FROM leads") == [{"name": "Al"}]

    again = funnel_process("import", str(source), "--rejects", str(rejects))
    assert again.returncode == 0, again.stderr
    assert (
        again.stdout
        == SUMMARY.replace(
            "1 inserted, 0 updated, 0 unchanged", "0 inserted, 0 updated, 1 unchanged"
        )
        + "\n"
    )
    assert sorted(os.listdir(tmp_path)) == ["funnel.db", "in.csv", "rejects.csv"]


def test_a_live_process_temporary_file_is_left_alone(funnel, tmp_path, source):
    """Only the leftovers of processes that are gone are removed (this one is running)."""
    mine = tmp_path / f".rejects.csv.{os.getppid()}.abcd1234.tmp"
    mine.write_text("being written")
    funnel("import", source, "--rejects", tmp_path / "rejects.csv")
    assert mine.read_text() == "being written"
