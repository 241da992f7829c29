"""Property test: any argv bytes and any FUNNEL_NOW / TZ / FUNNEL_DB give a documented exit code.

Every command runs in-process (``CliRunner``) with arguments drawn from its own vocabulary and
random text and bytes (undecodable bytes arrive as Python does it: surrogate escapes). Paths are
confined to a temporary folder: the alphabet has no ``/``, the working folder and ``HOME`` are
that folder. Exit 70 (a bug) and a traceback are never acceptable.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from helpers import examples
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from funnelcli.cli import COMMANDS, app

DOCUMENTED = {0, 1, 2, 65, 66, 74, 75, 77, 78, 130}

#: Words that drive commands deeper than a usage error: options, stage and date words.
WORDS = [
    *COMMANDS,
    "add", "list", "done", "snooze", "rename", "move", "kpis", "forecast", "funnel", "paths",
    "--format", "-f", "json", "csv", "table", "--at", "--due", "--from", "--to", "--period",
    "--amount", "--currency", "--stage", "--source", "--email", "--status", "all", "--limit",
    "--leads", "5", "--search", "--note", "--reason", "--output", "--force", "--rejects",
    "--encoding", "--dry-run", "--exit-code", "--stale-days", "--probability", "--frequency",
    "monthly", "--expected-close", "--save", "x.svg", "x.csv", "x.db", "x.db-wal", "new", "won",
    "lost", "qualified", "1", "2", "0", "-1", "today", "tomorrow", "+3d", "next monday",
    "2026-12-01", "31/02/2026", "1 234,56 $", "1.005", "9" * 30, "", "-", ":memory:",
    "file:x.db?mode=rwc", "utf-16", "rot13", "\x1b]0;t\x07", "\u202e", "é",
]  # fmt: skip

#: Text without "/" (paths stay in the temporary folder), with controls and odd code points.
TEXT = st.text(
    alphabet=st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)),
    max_size=12,
)
RAW = st.binary(max_size=8).map(lambda b: os.fsdecode(b.replace(b"/", b"").replace(b"\0", b"")))
WORD = st.sampled_from(WORDS)
ARG = st.one_of(WORD, WORD, WORD, WORD, TEXT, RAW)  # mostly words: past the usage errors

NOW = st.one_of(
    st.just("2026-11-29T09:00:00"),
    st.sampled_from(["", "2026-11-29", "0001-01-02", "9999-12-31T23:59", "2026-13-45", "now"]),
    TEXT,
)
TZ = st.one_of(
    st.just("America/Toronto"),
    st.sampled_from(["", "UTC", "UTC+25", "Nowhere/Nope", ":/etc/x", "EST5"]),
    TEXT,
)
#: Mostly the seeded database (so that commands get past the usage errors), else anything.
DB = st.one_of(
    st.just("funnel.db"),
    st.sampled_from(["missing.db", ":memory:", "x.db-wal", ".", "-"]),
    TEXT,
)


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Path:
    """A small database with leads at several stages, follow-ups and activities."""
    db = tmp_path_factory.mktemp("seed") / "funnel.db"
    runner = CliRunner()
    env = {"FUNNEL_DB": str(db), "FUNNEL_NOW": "2026-11-29T09:00:00", "TZ": "America/Toronto"}
    for args in (
        ["add", "Marie", "--email", "m@x.ca", "--amount", "1200", "--source", "web"],
        ["add", "Luc", "--stage", "qualified", "--amount", "900 €"],
        ["win", "2", "--amount", "950"],
        ["add", "Zoé \u202e", "--company", "=cmd"],
        ["follow-up", "add", "1", "Call back", "--due", "2026-11-20"],
        ["log", "1", "call", "left a message"],
    ):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, (args, result.output)
    return db


def _small_demo(argv: list[str]) -> list[str]:
    """Keep ``demo`` small (the last ``--leads`` wins): the property is about exit codes."""
    return [*argv, "--leads", "3"] if "demo" in argv else argv


@settings(
    max_examples=int(os.environ.get("FUNNEL_FUZZ_EXAMPLES", examples(300))),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    argv=st.one_of(
        st.lists(ARG, min_size=1, max_size=6),  # anything at all
        st.tuples(st.sampled_from(list(COMMANDS)), st.lists(ARG, max_size=5)).map(
            lambda parts: [parts[0], *parts[1]]  # a real command, random arguments
        ),
    ).map(_small_demo),
    now=NOW,
    tz=TZ,
    db=DB,
)
def test_any_argv_and_environment_give_a_documented_exit_code(argv, now, tz, db, monkeypatch, seed):
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder:
        shutil.copyfile(seed, Path(folder) / "funnel.db")
        monkeypatch.chdir(folder)
        env = {"FUNNEL_NOW": now, "TZ": tz, "FUNNEL_DB": db, "HOME": folder}
        env["XDG_CONFIG_HOME"] = str(Path(folder) / "config")
        try:
            result = runner.invoke(app, argv, env=env, input="")
        finally:
            monkeypatch.chdir(Path(__file__).parent)
            time.tzset()
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"funnel {argv!r} with {env}: raised {result.exception!r}")
        event(f"exit {result.exit_code}")
        assert result.exit_code in DOCUMENTED, (argv, env, result.exit_code, result.output)
        assert "internal error" not in result.output, (argv, env, result.output)
        assert "Traceback" not in result.output, (argv, env, result.output)
