"""No byte, pipe, clock or zone crashes funnel (exit 70 is a bug, never the input's fault).

Issue 12, items 8-11 and 13: undecodable arguments, standard output that cannot be written,
encodings that are not encodings, dates at the calendar's edges, and text that would drive the
terminal. Promises about processes, pipes and bytes run the real ``funnel`` in a subprocess.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from helpers import rows

from funnelcli.store import translate

# --------------------------------------------------------------------------- helpers


@pytest.fixture(autouse=True)
def existing_database(funnel):
    """These tests are about what a command does to an existing database: make it first (a
    write on a missing one would also say "created PATH" on stderr)."""
    funnel("init")


def run(*args: str | bytes, **kwargs):
    """The real funnel, with the suite's environment (FUNNEL_DB, FUNNEL_NOW, TZ)."""
    kwargs.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "funnelcli", *args],
        stderr=subprocess.PIPE,
        timeout=60,
        check=False,
        **kwargs,
    )


def closing(fd: int):
    """A preexec_fn that closes ``fd`` in the child: ``funnel … >&-`` / ``<&-``."""
    return lambda: os.close(fd)


# --------------------------------------------------------------------------- 8: argv bytes


@pytest.mark.slow  # a real process
def test_an_argument_that_is_not_utf8_exits_2_naming_it(db_path):
    db_path.unlink()  # the guard runs before any database is opened, or created
    result = run(b"add", b"Bad\xffName")
    assert result.returncode == 2
    assert result.stderr.decode() == (
        "Error: the argument 'Bad\\xffName' is not valid UTF-8 (byte 0xff)\n"
        "Hint: funnel reads its arguments as UTF-8: check the encoding of the terminal or of "
        "the script\n"
    )
    assert not db_path.exists()  # refused before anything ran


def test_the_guard_covers_options_and_every_command(funnel, db_path):
    db_path.unlink()  # the guard runs before any database is opened, or created
    result = funnel("list", "--search", "caf\udce9", code=2)
    assert result.stderr.startswith("Error: the argument 'caf\\xe9' is not valid UTF-8 (byte 0xe9)")
    result = funnel("add", "Acme", "--company=Ac\udcffme", code=2)
    assert result.stderr.startswith("Error: the argument '--company=Ac\\xffme' is not valid")
    assert not db_path.exists()


# --------------------------------------------------------------------------- 9: stdout, stdin


@pytest.mark.slow  # a real process
def test_add_to_a_full_disk_says_the_lead_was_added(db_path):
    with open("/dev/full", "w") as full:
        result = run("add", "Acme", stdout=full)
    assert result.returncode == 74
    assert result.stderr.decode() == (
        "Error: lead 1 was added; writing its id failed: No space left on device\n"
    )
    assert rows(db_path, "SELECT id, name FROM leads") == [{"id": 1, "name": "Acme"}]


@pytest.mark.slow  # a real process
def test_every_write_command_says_what_it_saved(db_path):
    with open("/dev/full", "w") as full:
        result = run("stages", "add", "Demo", stdout=full)
    assert result.returncode == 74
    assert result.stderr.decode() == (
        "Error: stage 'Demo' was added; writing its output failed: No space left on device\n"
    )
    assert rows(db_path, "SELECT name FROM stages WHERE name = 'Demo'") == [{"name": "Demo"}]


@pytest.mark.slow  # a real process
@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("export",),
        ("report",),
        ("overdue", "-f", "json"),
        ("export", "follow-ups", "-f", "ics"),
    ],
)
def test_reads_to_a_full_disk_exit_74(funnel, args):
    funnel("add", "Acme")
    funnel("follow-up", "add", "1", "call back", "--due", "tomorrow")
    with open("/dev/full", "w") as full:
        result = run(*args, stdout=full)
    assert result.returncode == 74, result.stderr
    assert result.stderr.decode() == (
        "Error: cannot write to standard output: No space left on device\n"
    )


@pytest.mark.slow  # a real process
def test_a_closed_stdout_exits_74_and_devnull_is_fine(funnel):
    funnel("add", "Acme")
    assert run("list", stdout=subprocess.DEVNULL).returncode == 0
    result = run("list", stdout=subprocess.DEVNULL, preexec_fn=closing(1))
    assert result.returncode == 74
    assert result.stderr.decode() == "Error: cannot write to standard output: it is closed\n"


@pytest.mark.slow  # a real process
def test_import_from_a_closed_stdin_exits_66(db_path):
    result = run("import", "-", stdin=subprocess.DEVNULL, preexec_fn=closing(0))
    assert result.returncode == 66
    assert result.stderr.decode() == "Error: cannot read standard input: it is closed\n"


@pytest.mark.slow  # a real process
@pytest.mark.parametrize("extra", [{}, {"TTY_COMPATIBLE": "1"}], ids=["plain", "rich"])
def test_a_reader_that_went_away_ends_quietly(funnel, db_path, extra):
    """``funnel report | head -0``: the pipe's read end is closed before funnel writes."""
    funnel("add", "Acme")
    read, write = os.pipe()
    os.close(read)
    try:
        result = run("report", stdout=write, env={**os.environ, **extra})
    finally:
        os.close(write)
    assert (result.returncode, result.stderr.decode()) == (0, "")


# --------------------------------------------------------------------------- 10: encodings


@pytest.mark.parametrize("codec", ["rot13", "base64", "zlib_codec", "punycode"])
def test_a_codec_that_is_not_a_text_encoding_exits_2(funnel, tmp_path, codec):
    path = tmp_path / "in.csv"
    path.write_text("Name,Email\nAl,al@example.com\n")
    result = funnel("import", path, "--encoding", codec, code=2)
    assert result.stderr == (
        f"Error: {codec!r} is not a text encoding: expected e.g. utf-8, utf-8-sig, utf-16, "
        "cp1252, latin-1\n"
    )
    mapping = tmp_path / "map.toml"
    mapping.write_text(f'encoding = "{codec}"\n')
    result = funnel("import", path, "--mapping", mapping, code=2)
    assert f"Error: {codec!r} is not a text encoding" in result.stderr


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_reads_with_encoding_utf16(funnel, db_path, tmp_path, codec):
    path = tmp_path / "in.csv"
    path.write_bytes("Name,Email\nÉlise,elise@example.com\n".encode(codec))
    result = funnel("import", path, "--encoding", "utf-16")
    assert f"encoding utf-16 (from --encoding), {codec[-2:].upper()} without BOM" in result.stderr
    assert rows(db_path, "SELECT name, email FROM leads") == [
        {"name": "Élise", "email": "elise@example.com"}
    ]


def test_utf16_whose_bytes_do_not_tell_the_order_names_both(funnel, tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes("名前\n中文\n".replace("\n", "、").encode("utf-16-le"))
    result = funnel("import", path, "--encoding", "utf-16", code=65)
    assert result.stderr == (
        "Error: the file has no byte-order mark and its bytes do not tell whether it is "
        "utf-16-le or utf-16-be\n"
        "Hint: pass --encoding utf-16-le or --encoding utf-16-be\n"
    )


def test_encoding_utf8_errors_name_utf8(funnel, tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"Name,Email\nCaf\xe9,cafe@example.com\n")
    result = funnel("import", path, "--encoding", "utf-8", code=65)
    assert result.stderr.startswith(
        f"Error: {path} line 2: bytes that are not valid utf-8 (byte 0xe9)\n"
    )


# --------------------------------------------------------------------------- 11: clock, zone


@pytest.mark.parametrize("now", ["0001-01-02", "1899-12-31T23:00:00", "3000-01-01"])
def test_funnel_now_out_of_range_exits_2(funnel, db_path, now):
    result = funnel("add", "Acme", code=2, env={"FUNNEL_NOW": now})
    year = int(now[:4])
    assert result.stderr == (
        f"Error: FUNNEL_NOW={now!r}: year {year} is out of range (1900 to 2999)\n"
        "Hint: use e.g. FUNNEL_NOW=2026-11-29 or FUNNEL_NOW=2026-11-29T09:00:00\n"
    )
    assert not db_path.exists() or rows(db_path, "SELECT id FROM leads") == []


def test_a_stored_year_1_instant_does_not_brick_the_reads(funnel, db_path):
    """What an older funnel stored under FUNNEL_NOW=0001-01-02."""
    funnel("add", "Acme")
    funnel("add", "Old")
    conn = sqlite3.connect(db_path)
    with conn:
        odd = "1-01-02T00:00:00Z"
        conn.execute(
            "UPDATE leads SET created_at = ?, updated_at = ?, last_event_at = ? WHERE id = 2",
            (odd, odd, odd),
        )
        conn.execute("UPDATE stage_changes SET at = ? WHERE lead_id = 2", (odd,))
    conn.close()
    listed = funnel("list").stdout
    assert " 2  Old            new                    0001-01-01" in listed  # Toronto: the 1st
    assert "Created  0001-01-01 18:42" in funnel("show", "2").stdout  # local mean time, -5:17
    funnel("report")
    funnel("report", "-f", "json")
    funnel("export", "stage-changes")
    funnel("check")


@pytest.mark.parametrize(
    ("zone", "why"),
    [
        ("UTC+25", "is more than 24 hours away from UTC"),
        ("Nowhere/Nope", "is not a time zone this system knows"),
    ],
)
def test_an_unusable_zone_falls_back_to_utc_with_one_warning(funnel, zone, why):
    funnel("add", "Acme")
    result = funnel("list", env={"TZ": zone})
    assert result.stderr == f"Warning: TZ={zone!r} {why}: using UTC\n"
    assert "2026-11-29" in result.stdout  # 09:00 Toronto is 14:00 UTC: the same day


@pytest.mark.parametrize("zone", ["Europe/Paris", ":America/Toronto", "EST5EDT", "UTC", ""])
def test_usable_zones_give_no_warning(funnel, zone):
    assert funnel("list", env={"TZ": zone}).stderr == "No leads match.\n"


# --------------------------------------------------------------------------- 13: terminal text


def test_the_printable_rule():
    from funnelcli.text import one_line, printable

    assert printable("ok\x1b]0;title\x07") == "ok\\x1b]0;title\\x07"
    assert printable("del\x7f c1\x9b nul\x00") == "del\\x7f c1\\x9b nul\\x00"
    assert printable("a\u202eb\u2066c") == "a\\u202eb\\u2066c"
    assert printable("line\nbreak\ttab") == "line\\nbreak\\ttab"
    assert printable("bad\udcffbyte") == "bad\\xffbyte"
    assert printable("Élise 🎉 日本") == "Élise 🎉 日本"
    assert one_line("two\nlines  and\x1b") == "two lines and\\x1b"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("ok\x1b]0;title\x07", "'ok\\x1b]0;title\\x07'"),
        ("evil\u202eetats", "'evil\\u202eetats'"),
        ("c1\x9b31m", "'c1\\x9b31m'"),
    ],
)
def test_stage_names_with_control_characters_are_refused(funnel, db_path, name, shown):
    result = funnel("stages", "add", name, code=2)
    hidden = shown.strip("'").split("\\")[1:]
    listed = ", ".join("\\" + h[: 3 if h.startswith("x") else 5] for h in hidden)
    assert result.stderr == (
        f"Error: invalid stage name {shown}: a stage name cannot hold control characters "
        f"({listed})\n"
    )
    funnel("stages", "rename", "new", name, code=2)
    assert rows(db_path, "SELECT name FROM stages WHERE id = 1") == [{"name": "new"}]
    assert len(rows(db_path, "SELECT name FROM stages")) == 7  # the default pipeline


def test_user_text_is_escaped_in_tables_cards_and_reports(funnel):
    funnel("add", "Ma\u202eria", "--source", "web\u202eform")
    for env in ({}, {"TTY_COMPATIBLE": "1"}):
        for args in (("list",), ("show", "1"), ("report", "sources")):
            out = funnel(*args, env=env).stdout
            assert "\u202e" not in out
            assert "\\u202" in out, (args, env)  # Rich may cut the name at 80 columns


def test_messages_escape_file_names_and_stay_one_line(funnel):
    result = funnel("import", "in\x1b[2J\nError: fake.csv", code=66)
    assert result.stderr == "Error: cannot read in\\x1b[2J\\nError: fake.csv: no such file\n"


def test_ignored_csv_headers_are_escaped(funnel, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("Name,Email,x\x1b[31mred\nAl,al@example.com,1\n")
    result = funnel("import", path, "--dry-run")
    assert "Ignored columns: x\\x1b[31mred\n" in result.stderr
    assert "\x1b" not in result.stderr


def test_click_usage_errors_are_escaped_too(funnel):
    result = funnel("list", "--format", "\x1b[31mx", code=2)
    assert "'\\x1b[31mx' is not one of 'table', 'csv', 'json'." in result.stderr
    assert "\x1b" not in result.stderr
    result = funnel("\x1b]0;t\x07", code=2)
    assert "Error: No such command '\\x1b]0;t\\x07'." in result.stderr


# --------------------------------------------------------------------------- smaller


def test_a_database_that_is_not_a_file_exits_2(funnel):
    result = funnel("--db", "/dev/null", "list", code=2)
    assert result.stderr == (
        "Error: /dev/null is not a regular file (a device or a pipe): it cannot hold a funnel "
        "database\nHint: point --db or FUNNEL_DB at a file name\n"
    )


def test_an_io_error_does_not_ask_for_disk_space(tmp_path):
    path = tmp_path / "x.db"
    io_error = translate(sqlite3.OperationalError("disk I/O error"), path)
    assert (io_error.exit_code, io_error.hint) == (74, "check the disk and the file")
    full = translate(sqlite3.OperationalError("database or disk is full"), path)
    assert full.hint == "free some disk space"
