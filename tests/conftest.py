"""Shared fixtures: every test gets its own database file, a frozen "now" and a fixed zone."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import FAST_LOOP_ENV
from typer.testing import CliRunner

from funnelcli.cli import app

#: The frozen "now" of the suite: a Sunday morning in Montréal's zone (UTC-5 in winter).
NOW = "2026-11-29T09:00:00"
TZ = "America/Toronto"

_CLEARED = (
    "FUNNEL_CURRENCY",
    "FUNNEL_BUSY_TIMEOUT",
    "FUNNEL_DEBUG",
    "NO_COLOR",
    "TTY_COMPATIBLE",
    "COLUMNS",
)


def pytest_configure(config: pytest.Config) -> None:
    """The fast loop (``-m "not slow"``) draws fewer property-test examples (helpers.examples)."""
    if "not slow" in (config.getoption("markexpr", "") or ""):
        os.environ[FAST_LOOP_ENV] = "1"


@pytest.fixture(autouse=True)
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """FUNNEL_DB in tmp_path, FUNNEL_NOW frozen, TZ fixed (and applied to this process)."""
    db = tmp_path / "funnel.db"
    monkeypatch.setenv("FUNNEL_DB", str(db))
    monkeypatch.setenv("FUNNEL_NOW", NOW)
    monkeypatch.setenv("TZ", TZ)
    # the app data folder too: no test may ever reach the real user's default database
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "app-config"))
    for name in _CLEARED:
        monkeypatch.delenv(name, raising=False)
    time.tzset()
    yield db
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def db_path(env: Path) -> Path:
    return env


Invoke = Callable[..., Any]


@pytest.fixture
def funnel() -> Invoke:
    """Run ``funnel ARGS…`` in-process; assert the exit code (0 unless ``code=`` says)."""
    runner = CliRunner()

    def invoke(*args: object, code: int = 0, input: str | None = None, env=None):
        result = runner.invoke(app, [str(a) for a in args], input=input, env=env)
        if result.exit_code != code:
            detail = result.exception if not isinstance(result.exception, SystemExit) else None
            raise AssertionError(
                f"funnel {' '.join(map(str, args))}: exit {result.exit_code} != {code}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}\nexception: {detail!r}"
            )
        return result

    return invoke
