"""``funnel list``: the open leads, 50 at most in a table with how many more, paged on a real
terminal when longer than the screen, never when piped (issue 18, item 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


@pytest.fixture
def sixty_open_and_a_lost(funnel, db_path):
    funnel("add", "Lost One", "--stage", "lost")
    for i in range(60):
        funnel("add", f"Lead {i + 2}", "--at", f"2026-11-{1 + i // 3:02d}")


def test_a_table_shows_fifty_open_leads_and_says_how_many_more(funnel, sixty_open_and_a_lost):
    result = funnel("list")
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + 50  # header and 50 leads: the data on stdout, plain when piped
    assert lines[1].split()[:3] == ["61", "Lead", "61"]  # newest first
    assert result.stderr == "… 10 more: --limit 0 for all\n"
    assert "Lost One" not in funnel("list", "--limit", "0").stdout
    assert len(funnel("list", "--limit", "0").stdout.splitlines()) == 1 + 60
    every = funnel("list", "--status", "all", "--limit", "0").stdout
    assert len(every.splitlines()) == 1 + 61 and "Lost One" in every


def test_scripts_get_every_match(funnel, sixty_open_and_a_lost):
    result = funnel("list", "-f", "json")
    assert len(json.loads(result.stdout)) == 60
    assert result.stderr == ""
    assert len(json.loads(funnel("list", "-f", "json", "--limit", "5").stdout)) == 5
    assert len(funnel("list", "-f", "csv").stdout.splitlines()) == 1 + 60


def test_stage_or_search_look_at_every_lead(funnel, sixty_open_and_a_lost):
    found = json.loads(funnel("list", "--stage", "lost", "-f", "json").stdout)
    assert [lead["name"] for lead in found] == ["Lost One"]
    found = json.loads(funnel("list", "--search", "lost one", "-f", "json").stdout)
    assert [lead["name"] for lead in found] == ["Lost One"]


def test_on_a_terminal_the_footer_ends_the_table(funnel, sixty_open_and_a_lost):
    env = {"TTY_COMPATIBLE": "1", "NO_COLOR": "1", "COLUMNS": "100", "PAGER": "false"}
    result = funnel("list", env=env)
    lines = result.stdout.splitlines()
    assert len(lines) == 2 + 50 + 1  # header, rule, 50 leads, the footer
    assert lines[-1] == "… 10 more: --limit 0 for all"
    assert result.stderr == ""  # not a real terminal: not paged (PAGER=false would fail)


def _in_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run ``funnel`` with a pseudo-terminal as its standard input and output."""
    import pty

    leader, follower = pty.openpty()
    try:
        subprocess.run(
            [sys.executable, "-m", "funnelcli", *args],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env={**os.environ, **env},
            timeout=60,
            check=True,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode()
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)


@pytest.mark.slow  # real processes in a pseudo-terminal
def test_a_list_longer_than_the_screen_is_paged_on_a_terminal(
    funnel, sixty_open_and_a_lost, tmp_path, monkeypatch
):
    paged = tmp_path / "paged.txt"
    env = {
        "PAGER": f"cat > {paged}; echo LESS=$LESS >> {paged}",
        "LINES": "20",
        "COLUMNS": "100",
        "NO_COLOR": "1",
    }
    monkeypatch.delenv("LESS", raising=False)
    shown = _in_a_terminal(["list"], env)
    text = paged.read_text()
    assert "Lead 61" in text and "… 10 more: --limit 0 for all" in text
    assert text.rstrip().endswith("LESS=FRX")  # git's default for less
    assert "Lead 61" not in shown
    # shorter than the screen: printed, not paged
    paged.unlink()
    shown = _in_a_terminal(["list", "--limit", "5"], env)
    assert "Lead 61" in shown and not paged.exists()
