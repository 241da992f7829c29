"""``examples/crontab``: the schedule is weekdays at 8:00, and its command — run the way cron
runs it (a shell, a short PATH, stdout not a terminal) — is silent on a good day and prints plain
lines when something is overdue (cron mails any output to MAILTO)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CRONTAB = Path(__file__).resolve().parent.parent / "examples" / "crontab"
_ENV_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")


def parse_crontab(text: str) -> tuple[dict[str, str], list[tuple[list[str], str]]]:
    """Variables and jobs (five schedule fields and the command) of a user crontab."""
    variables: dict[str, str] = {}
    jobs: list[tuple[list[str], str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if m := _ENV_LINE.match(line):
            variables[m[1]] = m[2]
            continue
        fields = line.split(None, 5)
        jobs.append((fields[:5], fields[5]))
    return variables, jobs


@pytest.fixture(scope="module")
def crontab():
    return parse_crontab(CRONTAB.read_text(encoding="utf-8"))


def test_schedule_is_weekdays_at_eight(crontab):
    variables, jobs = crontab
    assert len(jobs) == 1
    schedule, command = jobs[0]
    assert schedule == ["0", "8", "*", "*", "1-5"]
    assert "%" not in command  # cron turns % into newlines
    assert re.search(r"\bFUNNEL_DB=\S+", command)
    assert re.search(r"\bfunnel overdue\b", command)
    assert "--exit-code" not in command  # cron mails on output, not on the exit status
    assert "@" in variables["MAILTO"]
    assert "/usr/bin" in variables["PATH"].split(":")


def run_job(command: str, db: Path, variables: dict[str, str]) -> subprocess.CompletedProcess:
    """The job's command with its FUNNEL_DB pointed at ``db``, in a cron-like environment."""
    command = re.sub(r"\bFUNNEL_DB=\S+", f"FUNNEL_DB={db}", command)
    env = {
        "HOME": os.environ.get("HOME", "/tmp"),
        "LOGNAME": "cron-test",
        "SHELL": "/bin/sh",
        # The crontab's PATH, with the folder of this test's `funnel` in front of it.
        "PATH": f"{Path(sys.executable).parent}:{variables['PATH']}",
        "TZ": os.environ["TZ"],
        "FUNNEL_NOW": os.environ["FUNNEL_NOW"],
    }
    return subprocess.run(
        ["bash", "-c", command], env=env, capture_output=True, text=True, timeout=60
    )


def test_the_job_is_silent_when_nothing_is_overdue(crontab, funnel, tmp_path):
    variables, [(_, command)] = crontab
    db = tmp_path / "cron.db"
    funnel("--db", db, "add", "Marie Tremblay", "--at", "2026-11-01")
    funnel("--db", db, "promise", "1", "Send the quote", "--due", "2026-12-01")
    result = run_job(command, db, variables)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_job_prints_plain_lines_when_something_is_overdue(crontab, funnel, tmp_path):
    variables, [(_, command)] = crontab
    db = tmp_path / "cron.db"
    funnel("--db", db, "add", "Marie Tremblay", "--phone", "514-555-0101", "--at", "2026-11-01")
    funnel("--db", db, "promise", "1", "Send the quote", "--due", "2026-11-26")
    result = run_job(command, db, variables)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "\x1b[" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "1 overdue follow-up (Sun 2026-11-29 09:00)"
    assert lines[3].split() == ["3", "days", "late", "2026-11-26", "F1", "1", "Marie", "Tremblay",
                                "514-555-0101", "Send", "the", "quote"]  # fmt: skip
