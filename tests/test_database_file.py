"""The database file under hostile paths, modes, journals and corruption (issue 12).

Each test names the promise it keeps; the ones about processes and files run the real
``funnel`` in a subprocess.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import bulk_leads, funnel_process, rows

from funnelcli.store.migrations import SCHEMA_VERSION

FIXTURES = Path(__file__).parent / "fixtures"


def names(db: Path) -> list[str]:
    return [r["name"] for r in rows(db, "SELECT name FROM leads ORDER BY id")]


# --------------------------------------------------------------------------- missing databases

READERS = [
    ("overdue",),
    ("list",),
    ("show", "1"),
    ("report",),
    ("check",),
    ("export",),
    ("follow-up", "list"),
    ("stages", "list"),
    ("backup", "copy.db"),
]


@pytest.mark.parametrize("args", READERS, ids=lambda a: " ".join(a))
def test_a_command_that_only_reads_refuses_a_missing_database(funnel, tmp_path, args):
    mistyped = tmp_path / "funel.db"
    result = funnel("--db", mistyped, *args, code=66)
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: the database {mistyped} does not exist\n"
        "Hint: create it with `funnel init` (or `funnel add`), or check --db and FUNNEL_DB\n"
    )
    assert sorted(os.listdir(tmp_path)) == []  # nothing created, not even the database


@pytest.mark.slow  # a real process
def test_cron_with_a_mistyped_path_is_not_silent(tmp_path):
    """The morning cron job: a typo in FUNNEL_DB fails loudly instead of printing nothing."""
    result = funnel_process("overdue", env={"FUNNEL_DB": str(tmp_path / "funel.db")})
    assert (result.returncode, result.stdout) == (66, "")
    assert "does not exist" in result.stderr
    assert not (tmp_path / "funel.db").exists()


def test_init_creates_an_empty_database_once(funnel, tmp_path):
    db = tmp_path / "new.db"
    first = funnel("init", "--db", db)
    assert (first.stdout, first.stderr) == (f"{db}\n", f"created {db}\n")
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert rows(db, "PRAGMA user_version") == [{"user_version": SCHEMA_VERSION}]
    again = funnel("--db", db, "init")  # the global --db works too; existing is fine
    assert (again.stdout, again.stderr) == (f"{db}\n", "")
    assert funnel("--db", db, "list", "-f", "json").stdout == "[]\n"


def test_a_write_creates_the_database_and_says_so_once(funnel, db_path):
    assert funnel("add", "A").stderr == f"created {db_path}\n"
    assert funnel("add", "B").stderr == ""
    assert names(db_path) == ["A", "B"]


def test_a_dry_run_import_creates_nothing(funnel, tmp_path, db_path):
    csv = tmp_path / "in.csv"
    csv.write_text("Name,Email\nAl,al@x.ca\n")
    funnel("import", csv, "--dry-run", code=66)
    assert not db_path.exists()


@pytest.mark.slow  # a real process
def test_shell_completion_creates_nothing_and_says_nothing(tmp_path):
    missing = tmp_path / "funel.db"
    result = funnel_process(
        env={
            "FUNNEL_DB": str(missing),
            "_FUNNELCLI_COMPLETE": "complete_bash",
            "_FUNNEL_COMPLETE": "complete_bash",
            "COMP_WORDS": "funnel show ",
            "COMP_CWORD": "2",
        },
    )
    assert result.returncode == 0, result.stderr
    assert (result.stdout.strip(), result.stderr) == ("", "")
    assert not missing.exists()


# --------------------------------------------------------------------------- --db is a path


def test_memory_is_a_file_name_not_a_vanishing_database(funnel, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    funnel("--db", ":memory:", "add", "Kept")
    assert names(tmp_path / ":memory:") == ["Kept"]
    listed = json.loads(funnel("--db", ":memory:", "list", "-f", "json").stdout)
    assert [lead["name"] for lead in listed] == ["Kept"]


def test_a_file_uri_is_a_file_name_not_a_uri(funnel, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o022)
    try:
        funnel("--db", "file:target.db?mode=rwc", "add", "Y")
    finally:
        os.umask(old)
    literal = tmp_path / "file:target.db?mode=rwc"
    assert names(literal) == ["Y"]
    assert stat.S_IMODE(literal.stat().st_mode) == 0o600
    assert not (tmp_path / "target.db").exists()


def test_a_uri_cannot_open_a_newer_database_behind_the_checks(funnel, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    newer = tmp_path / "newer.db"
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE leads (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("PRAGMA application_id = 1179536433")
    conn.commit()
    conn.close()
    before = newer.read_bytes()
    funnel("--db", "file:newer.db?mode=rw", "list", code=66)
    assert funnel("--db", newer, "list", code=78).stderr.startswith(
        f"Error: {newer} was made by a newer version of funnel"
    )
    assert newer.read_bytes() == before


@pytest.mark.parametrize("make", ["fifo", "folder", "devnull"])
def test_a_device_fifo_or_folder_is_not_a_database(funnel, tmp_path, make):
    if make == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
    elif make == "folder":
        path = tmp_path / "dir"
        path.mkdir()
    else:
        path = Path(os.devnull)
    result = funnel("--db", path, "add", "A", code=2)
    assert result.stderr.startswith(f"Error: {path} is ")
    assert "disk space" not in result.stderr
    if make == "devnull":
        assert stat.S_ISCHR(path.stat().st_mode)


# --------------------------------------------------------------------------- modes


def test_a_pre_existing_wide_file_is_made_owner_only(funnel, db_path):
    for name in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        name.touch()
        name.chmod(0o644)
    funnel("add", "A")
    for name in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        if name.exists():
            assert stat.S_IMODE(name.stat().st_mode) == 0o600, name
    assert names(db_path) == ["A"]


def test_a_leftover_read_only_shm_gets_its_write_bit_back(funnel, db_path):
    funnel("add", "A")
    shm = Path(f"{db_path}-shm")
    holder = sqlite3.connect(db_path)  # keeps the -shm in place
    holder.execute("SELECT count(*) FROM leads").fetchone()
    try:
        shm.chmod(0o400)
        funnel("add", "B")
        assert stat.S_IMODE(shm.stat().st_mode) & stat.S_IWUSR
    finally:
        holder.close()
    assert names(db_path) == ["A", "B"]


def test_a_database_we_may_not_read_is_77_not_a_usage_error(funnel, db_path, monkeypatch):
    """A database owned by another user: click's own "not readable" check said exit 2."""
    funnel("add", "A")
    real_connect = sqlite3.connect
    monkeypatch.setattr("os.access", lambda *args, **kwargs: False)

    def denied(database, *args, **kwargs):
        if "mode=ro" in str(database) or "mode=rw" in str(database):
            raise sqlite3.OperationalError("unable to open database file")
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr("funnelcli.store.sqlite3.connect", denied)
    monkeypatch.setattr("funnelcli.store.files.check_header", lambda path: False)
    result = funnel("list", code=77)
    assert result.stderr.startswith(f"Error: cannot open {db_path}: unable to open database file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_database_is_77_for_real(funnel, db_path):  # pragma: no cover - not root
    funnel("add", "A")
    db_path.chmod(0)
    try:
        funnel("list", code=77)
    finally:
        db_path.chmod(0o600)


def test_an_unreadable_mapping_file_is_66(funnel, tmp_path, monkeypatch):
    csv = tmp_path / "in.csv"
    csv.write_text("Name\nAl\n")
    mapping = tmp_path / "m.toml"
    mapping.write_text("[columns]\nName = 'name'\n")
    funnel("init")
    monkeypatch.setattr("os.access", lambda *args, **kwargs: False)  # click checked this: 2
    real_read = Path.read_bytes

    def denied(self):
        if self == mapping:
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    result = funnel("import", csv, "--mapping", mapping, code=66)
    assert result.stderr == f"Error: cannot read the mapping file {mapping}: permission denied\n"


# --------------------------------------------------------------------------- hot journals

HOT_JOURNAL = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = DELETE")
conn.execute("PRAGMA cache_size = 1")  # spill changed pages into the file before the commit
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE leads SET name = 'torn ' || id")
conn.execute("INSERT INTO leads (name, created_at, updated_at, stage_id, currency)"
             " SELECT 'more', created_at, updated_at, stage_id, currency FROM leads")
os._exit(0)  # a killed tool: the rollback journal stays, hot
"""


def leave_hot_journal(db: Path) -> None:
    subprocess.run([sys.executable, "-c", HOT_JOURNAL, str(db)], check=True)
    assert Path(f"{db}-journal").stat().st_size > 0


@pytest.mark.slow  # a real process
def test_a_hot_journal_left_by_another_tool_is_rolled_back(funnel, db_path):
    funnel("add", "Lead 0")
    funnel("add", "Lead 1")
    bulk_leads(db_path, 3000)
    leave_hot_journal(db_path)
    listed = json.loads(funnel("list", "--status", "all", "--limit", "5000", "-f", "json").stdout)
    assert len(listed) == 3002
    assert not any(lead["name"].startswith("torn") for lead in listed)
    assert rows(db_path, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]


@pytest.mark.slow  # a real process
def test_a_newer_database_with_a_hot_journal_is_refused_untouched(funnel, db_path):
    funnel("add", "A")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    leave_hot_journal(db_path)
    journal = Path(f"{db_path}-journal")
    before = (db_path.read_bytes(), journal.read_bytes())
    result = funnel("list", code=78)
    assert "was made by a newer version of funnel" in result.stderr
    assert (db_path.read_bytes(), journal.read_bytes()) == before


# --------------------------------------------------------------------------- corruption


def corrupt_a_leads_page(db: Path) -> None:
    """Overwrite a page deep in the leads table (not the header page) with garbage."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with open(db, "r+b") as handle:
        handle.seek(page_size * (pages // 2))
        handle.write(b"\xde\xad\xbe\xef" * (page_size // 4))


@pytest.fixture
def corrupt(funnel, db_path):
    funnel("init")
    bulk_leads(db_path, 2000, notes="x" * 200)
    corrupt_a_leads_page(db_path)
    return db_path


@pytest.mark.parametrize("args", [("check",), ("backup", "copy.db")], ids=["check", "backup"])
def test_check_and_backup_report_corruption_as_74(funnel, corrupt, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = funnel(*args, code=74)
    assert result.stderr.startswith(f"Error: the database file {corrupt} is corrupt")
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.slow  # a real process
@pytest.mark.parametrize(
    "args",
    [
        ("list", "--status", "all", "--limit", "5000"),
        ("report",),
        ("export",),
        ("overdue",),
        ("show", "1000"),
        ("edit", "1000", "--name", "X"),
    ],
    ids=lambda a: a[0],
)
def test_a_corrupt_page_is_74_never_70(corrupt, args):
    result = subprocess.run(
        [sys.executable, "-m", "funnelcli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "FUNNEL_DB": str(corrupt)},
    )
    assert result.returncode in (0, 74), result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- restore


def make_backup(funnel, db_path, tmp_path) -> Path:
    funnel("add", "Marie")
    funnel("add", "Luc")
    backup = tmp_path / "backup.db"
    funnel("backup", backup)
    return backup


def test_restore_replaces_the_live_database_and_keeps_what_it_replaced(funnel, db_path, tmp_path):
    backup = make_backup(funnel, db_path, tmp_path)
    funnel("add", "After the backup")
    refused = funnel("restore", backup, code=2)
    assert refused.stderr == (
        f"Error: the live database {db_path} holds 3 lead(s): restoring replaces them\n"
        "Hint: add --force (the replaced state is kept as a backup file first)\n"
    )
    assert names(db_path) == ["Marie", "Luc", "After the backup"]
    result = funnel("restore", backup, "--force")
    kept = tmp_path / "funnel.before-restore-20261129-090000.db"
    assert result.stdout == (
        f"Restored 2 leads from {backup} into {db_path}\nThe replaced database is kept in {kept}\n"
    )
    assert names(db_path) == ["Marie", "Luc"]
    assert names(kept) == ["Marie", "Luc", "After the backup"]
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert rows(db_path, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    assert rows(db_path, "PRAGMA journal_mode") == [{"journal_mode": "wal"}]
    assert not Path(f"{backup}-wal").exists() and not Path(f"{backup}-shm").exists()
    again = json.loads(funnel("restore", backup, "--force", "-f", "json").stdout)
    assert again["kept"] == str(tmp_path / "funnel.before-restore-20261129-090000-2.db")


WAL_WRITER = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA wal_autocheckpoint = 0")
conn.execute("BEGIN IMMEDIATE")
conn.executemany(
    "INSERT INTO leads (name, created_at, updated_at, stage_id, currency) "
    "VALUES (?, '2026-11-29T14:00:00Z', '2026-11-29T14:00:00Z', 1, 'CAD')",
    [(f"Committed {i}",) for i in range(500)],
)
conn.execute("COMMIT")
os._exit(0)  # killed: its commits live only in the -wal file
"""


@pytest.mark.slow  # a real process
def test_restore_is_safe_where_cp_is_not(funnel, db_path, tmp_path):
    """A -wal left by a killed process: ``cp backup live`` would replay it onto the copy."""
    backup = make_backup(funnel, db_path, tmp_path)
    subprocess.run([sys.executable, "-c", WAL_WRITER, str(db_path)], check=True)
    assert Path(f"{db_path}-wal").stat().st_size > 0
    # what the README used to recommend, on a copy of the scene
    scene = tmp_path / "scene"
    scene.mkdir()
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{db_path}{suffix}").exists():
            shutil.copyfile(f"{db_path}{suffix}", scene / f"live.db{suffix}")
    shutil.copyfile(backup, scene / "live.db")
    assert len(names(scene / "live.db")) != 2  # cp: the stale log came back (or worse)
    funnel("restore", backup, "--force")
    assert names(db_path) == ["Marie", "Luc"]
    assert rows(db_path, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]


def test_restore_into_a_missing_database_creates_it(funnel, db_path, tmp_path):
    backup = make_backup(funnel, db_path, tmp_path)
    fresh = tmp_path / "fresh.db"
    result = funnel("--db", fresh, "restore", backup)
    assert result.stdout == f"Restored 2 leads from {backup} into {fresh}\n"
    assert names(fresh) == ["Marie", "Luc"]
    assert [p.name for p in tmp_path.iterdir() if "before-restore" in p.name] == []


def test_restore_an_older_backup_migrates_it(funnel, db_path, tmp_path):
    old = tmp_path / "v4.db"
    shutil.copyfile(FIXTURES / "schema-v4.db", old)
    expected = names(old)
    funnel("init")
    funnel("restore", old)
    assert names(db_path) == expected
    assert rows(db_path, "PRAGMA user_version") == [{"user_version": SCHEMA_VERSION}]


def test_restore_refuses_what_is_not_a_good_backup(funnel, db_path, tmp_path):
    funnel("add", "Live")
    before = names(db_path)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert funnel("restore", text, "--force", code=78).stderr.startswith(
        f"Error: {text} is not a funnel database"
    )
    missing = tmp_path / "missing.db"
    assert funnel("restore", missing, code=66).stderr == (
        f"Error: the backup {missing} does not exist\n"
    )
    assert funnel("restore", db_path, "--force", code=2).stderr == (
        f"Error: {db_path} is the live database itself: nothing to restore\n"
    )
    linked = tmp_path / "linked.db"
    os.link(db_path, linked)  # the live database under another name
    assert funnel("restore", linked, "--force", code=2).stderr == (
        f"Error: {linked} is the live database itself: nothing to restore\n"
    )
    broken = tmp_path / "broken.db"
    funnel("--db", broken, "init")
    bulk_leads(broken, 2000, notes="x" * 200)
    corrupt_a_leads_page(broken)
    result = funnel("restore", broken, "--force", code=74)
    assert result.stderr.startswith(f"Error: the backup {broken} is corrupt")
    assert names(db_path) == before
    assert [p.name for p in tmp_path.iterdir() if "before-restore" in p.name] == []


# --------------------------------------------------------------------------- demo


def test_an_interrupted_demo_leaves_the_earlier_demo_whole(funnel, tmp_path, monkeypatch):
    demo = tmp_path / "demo.db"
    funnel("demo", "--db", demo, "--leads", "30")
    before = names(demo)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("funnelcli.store.demo.insert_all", interrupted)
    funnel("demo", "--db", demo, "--leads", "40", "--seed", "7", code=130)
    assert names(demo) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.slow  # a real process
def test_a_half_built_demo_of_a_dead_process_is_removed(funnel, tmp_path):
    demo = tmp_path / "demo.db"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = tmp_path / f".demo.db.{dead.stdout.strip()}.demo.tmp"
    funnel("--db", stale, "init")
    funnel("demo", "--db", demo, "--leads", "20")
    assert not stale.exists()
    assert len(names(demo)) == 20


def test_the_demo_never_replaces_the_live_database(funnel, db_path, tmp_path):
    funnel("add", "Real")
    conn = sqlite3.connect(db_path)  # even a live database that says it is a demo
    with conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('demo', 'true')")
    conn.close()
    result = funnel("demo", "--db", db_path, code=2)
    assert result.stderr == f"Error: {db_path} is the live database itself: choose another file\n"
    assert names(db_path) == ["Real"]
    wal = tmp_path / "x.db-wal"
    assert "-wal" in funnel("demo", "--db", wal, code=2).stderr
    assert not wal.exists()


def test_a_home_folder_that_cannot_be_found_is_a_file_name(funnel, tmp_path, monkeypatch):
    """``~nobody-known/x.db`` stays as typed (``Path.expanduser`` raised: exit 70)."""
    monkeypatch.chdir(tmp_path)
    funnel("--db", "~0", "add", "A")
    assert names(tmp_path / "~0") == ["A"]
