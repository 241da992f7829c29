"""Shared fixtures: every test gets its own database file, a frozen "now" and a fixed zone."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from helpers import FAST_LOOP_ENV
from hypothesis import settings
from typer.testing import CliRunner

# Property tests check values, never time (speed lives in benchmarks/): no per-example deadline,
# which a loaded machine (two workers, other jobs) can exceed and fail a correct example.
settings.register_profile("funnel", deadline=None)
settings.load_profile("funnel")

# The suite speaks English whatever the developer's locale (tests of French set it themselves).
for _name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "FUNNEL_LANG"):
    os.environ.pop(_name, None)
if os.environ.get("LANG", "").lower().startswith("fr"):
    os.environ["LANG"] = "C.UTF-8"

from funnelcli import i18n  # noqa: E402 - after the locale is made English
from funnelcli.cli import app  # noqa: E402

#: The frozen "now" of the suite: a Sunday morning in Montréal's zone (UTC-5 in winter).
NOW = "2026-11-29T09:00:00"
TZ = "America/Toronto"


def _command_built_once(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Typer's CliRunner builds the Click command from the app at every ``invoke`` (2–3 ms, a
    fifth of a short test); a process of funnel builds it once, and so does the suite."""
    built: dict[int, Any] = {}

    def get(app: Any) -> Any:
        if id(app) not in built:
            built[id(app)] = (app, build(app))  # the app is kept: its id stays its own
        return built[id(app)][1]

    return get


typer.testing._get_command = _command_built_once(typer.testing._get_command)  # type: ignore[attr-defined]

_MEMORY_BASETEMP = pytest.StashKey[Path]()

_CLEARED = (
    "FUNNEL_CURRENCY",
    "FUNNEL_BUSY_TIMEOUT",
    "FUNNEL_DEBUG",
    "NO_COLOR",
    "TTY_COMPATIBLE",
    "COLUMNS",
)


#: Where the tests' databases go when no ``--basetemp`` is given: memory, when there is a
#: tmpfs. funnel commits with ``synchronous = FULL``; on this suite's thousands of small
#: databases the disk's flushes cost a fifth of the fast loop, and they test nothing (the
#: promises about crashes and kills are kept by SQLite's journal, which a tmpfs keeps too).
MEMORY_FOLDER = Path("/dev/shm")


def pytest_configure(config: pytest.Config) -> None:
    """The fast loop (``-m "not slow"``) draws fewer property-test examples (helpers.examples);
    every run puts its temporary folders in memory when it can (see MEMORY_FOLDER)."""
    if "not slow" in (config.getoption("markexpr", "") or ""):
        os.environ[FAST_LOOP_ENV] = "1"
    if (
        config.option.basetemp is None
        and MEMORY_FOLDER.is_dir()
        and os.access(MEMORY_FOLDER, os.W_OK)
    ):
        for stale in MEMORY_FOLDER.glob("funnelcli-tests-*"):  # kept by failed runs
            with contextlib.suppress(OSError):
                if time.time() - stale.stat().st_mtime > 3600:
                    shutil.rmtree(stale, ignore_errors=True)
        config.option.basetemp = tempfile.mkdtemp(prefix="funnelcli-tests-", dir=MEMORY_FOLDER)
        config.stash[_MEMORY_BASETEMP] = Path(config.option.basetemp)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The in-memory folder goes with the run (a failed run keeps it, to look at)."""
    folder = session.config.stash.get(_MEMORY_BASETEMP, None)
    if folder is not None and exitstatus == 0:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """FUNNEL_DB in tmp_path, FUNNEL_NOW frozen, TZ fixed (and applied to this process)."""
    db = tmp_path / "funnel.db"
    monkeypatch.setenv("FUNNEL_DB", str(db))
    monkeypatch.setenv("FUNNEL_NOW", NOW)
    monkeypatch.setenv("TZ", TZ)
    # the app data folder too: no test may ever reach the real user's default database
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "app-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in _CLEARED:
        monkeypatch.delenv(name, raising=False)
    time.tzset()
    i18n.select()  # English: no test inherits the language of the one before
    yield db
    monkeypatch.undo()
    time.tzset()
    i18n.select()


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
