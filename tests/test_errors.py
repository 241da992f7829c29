"""One test per exit code this release can produce, asserting the exact message."""

from __future__ import annotations

import os
import sqlite3
import stat

from helpers import rows


def test_usage_errors_exit_2(funnel):
    funnel("add", "A")
    assert funnel("show", "nobody@example.com", code=2).stderr.startswith(
        "Error: no lead 'nobody@example.com': expected a lead id, external id or email\n"
    )
    assert funnel("advance", "1", "--at", "32/13/2026", code=2).stderr.startswith(
        "Error: --at: invalid date '32/13/2026'"
    )
    assert funnel("list", "--stage", "limbo", code=2).stderr.startswith(
        "Error: unknown stage 'limbo': expected one of"
    )
    result = funnel("add", code=2)  # click's own usage error: missing argument
    assert "Error: Missing argument 'NAME'." in result.stderr


def test_no_command_shows_help(funnel):
    result = funnel(code=2)
    assert "Usage: funnel [OPTIONS] COMMAND [ARGS]..." in result.stdout + result.stderr


def test_corrupt_database_exits_74(funnel, db_path):
    funnel("add", "A")
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    db_path.write_bytes(bytes(data))
    result = funnel("list", code=74)
    assert result.stderr.startswith(f"Error: the database file {db_path} is corrupt (")
    assert "Hint: restore a backup" in result.stderr


def test_locked_database_exits_75_and_writes_nothing(funnel, db_path):
    funnel("add", "A")
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = funnel("add", "B", code=75, env={"FUNNEL_BUSY_TIMEOUT": "0.2"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.stderr == (
        f"Error: the database {db_path} is locked by another funnel command (waited 0.2 s): "
        "try again\nHint: raise the wait with FUNNEL_BUSY_TIMEOUT=<seconds>\n"
    )
    assert [r["name"] for r in rows(db_path, "SELECT name FROM leads")] == ["A"]


def test_bad_busy_timeout_is_a_usage_error(funnel):
    result = funnel("list", code=2, env={"FUNNEL_BUSY_TIMEOUT": "soon"})
    assert result.stderr == (
        "Error: FUNNEL_BUSY_TIMEOUT='soon' is not a number of seconds between 0 and 3600\n"
    )


def test_read_only_database_exits_77(funnel, db_path, monkeypatch):
    funnel("add", "A")
    if os.geteuid() == 0:
        # root ignores file modes: open the file read-only the way SQLite would see it
        real_connect = sqlite3.connect

        def read_only(database, *args, **kwargs):
            return real_connect(str(database).replace("mode=rw", "mode=ro"), *args, **kwargs)

        monkeypatch.setattr("funnelcli.store.sqlite3.connect", read_only)
    else:
        db_path.chmod(0o444)
    result = funnel("add", "B", code=77)
    assert result.stderr == (
        f"Error: cannot write to {db_path}: the database is read-only\n"
        "Hint: check the permissions of the file and of its folder\n"
    )
    db_path.chmod(0o600)
    assert [r["name"] for r in rows(db_path, "SELECT name FROM leads")] == ["A"]


def test_unwritable_folder_exits_77(funnel, tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("funnelcli.store.os.open", denied)
    path = tmp_path / "new.db"
    result = funnel("--db", str(path), "add", "A", code=77)
    assert result.stderr == (
        f"Error: cannot create the database {path}: permission denied\n"
        "Hint: choose a writable folder with --db or FUNNEL_DB\n"
    )
    assert not path.exists()


def test_folder_that_does_not_exist_is_a_usage_error(funnel, tmp_path):
    missing = tmp_path / "nope" / "funnel.db"
    result = funnel("--db", str(missing), "add", "A", code=2)
    assert result.stderr == (
        f"Error: cannot create the database {missing}: the folder {missing.parent} does not exist\n"
    )


def test_text_file_as_database_exits_78_untouched(funnel, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("name\nMarie\n")
    result = funnel("--db", str(path), "add", "B", code=78)
    assert result.stderr.startswith(
        f"Error: {path} is not a funnel database (not an SQLite file); it was left untouched\n"
    )
    assert path.read_text() == "name\nMarie\n"


def test_newer_database_exits_78(funnel, db_path):
    funnel("add", "A")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    result = funnel("list", code=78)
    assert "was made by a newer version of funnel (schema 999" in result.stderr
    assert "Hint: upgrade funnel" in result.stderr


def test_ctrl_c_exits_130(funnel, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    funnel("init")
    monkeypatch.setattr("funnelcli.services.leads.list_leads", interrupted)
    result = funnel("list", code=130)
    assert result.stderr == "Error: interrupted; nothing was written by the unfinished command\n"


def test_a_bug_gives_one_line_not_a_traceback(funnel, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    funnel("init")
    monkeypatch.setattr("funnelcli.services.leads.list_leads", broken)
    result = funnel("list", code=70)
    assert result.stderr == (
        "Error: internal error: ZeroDivisionError: division by zero\n"
        "Hint: this is a bug in funnel; run again with FUNNEL_DEBUG=1 for the details\n"
    )
    debug = funnel("list", code=1, env={"FUNNEL_DEBUG": "1"})
    assert isinstance(debug.exception, ZeroDivisionError)


def test_database_created_owner_only_by_the_cli(funnel, db_path):
    assert funnel("add", "A").stderr == f"created {db_path}\n"
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_default_database_lives_in_the_app_dir(funnel, tmp_path, monkeypatch):
    monkeypatch.delenv("FUNNEL_DB")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    funnel("add", "A")
    expected = tmp_path / "config" / "funnel" / "funnel.db"
    assert rows(expected, "SELECT name FROM leads") == [{"name": "A"}]
    assert stat.S_IMODE(expected.parent.stat().st_mode) == 0o700


def test_version(funnel):
    from funnelcli import __version__

    shown = funnel("--version").stdout.splitlines()
    assert shown[0] == f"funnel {__version__}"
    assert shown[1].startswith("database = ") and shown[1].endswith(
        "(not created yet: 'funnel init' or 'funnel add' does)"
    )
