"""``funnel backup``: a consistent, owner-only copy that is itself a working funnel database."""

from __future__ import annotations

import json
import os
import sqlite3
import stat

from helpers import rows


def test_backup_is_a_complete_owner_only_database(funnel, db_path, tmp_path):
    funnel("add", "Marie", "--amount", "100")
    funnel("add", "Luc")
    target = tmp_path / "copy.db"
    old = os.umask(0o022)
    try:
        result = funnel("backup", target)
    finally:
        os.umask(old)
    assert result.stdout.startswith(f"Backed up 2 leads to {target} (")
    assert result.stdout.endswith("KiB, integrity ok)\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert rows(target, "SELECT name, amount_cents FROM leads ORDER BY id") == [
        {"name": "Marie", "amount_cents": 10000},
        {"name": "Luc", "amount_cents": None},
    ]
    assert rows(target, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    # a backup is a normal database: use it with --db
    listed = json.loads(funnel("--db", target, "list", "-f", "json").stdout)
    assert [lead["name"] for lead in listed] == ["Luc", "Marie"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_backup_refuses_to_overwrite_without_force(funnel, tmp_path):
    funnel("add", "Marie")
    target = tmp_path / "copy.db"
    target.write_text("precious")
    result = funnel("backup", target, code=2)
    assert result.stderr == (
        f"Error: {target} already exists: it was left untouched\nHint: add --force to replace it\n"
    )
    assert target.read_text() == "precious"
    funnel("backup", target, "--force")
    assert rows(target, "SELECT name FROM leads") == [{"name": "Marie"}]


def test_backup_while_another_connection_writes_copies_committed_data(funnel, db_path, tmp_path):
    funnel("add", "Committed")
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO leads (name, created_at, updated_at, stage_id, currency) "
        "VALUES ('Uncommitted', '2026-11-29T14:00:00Z', '2026-11-29T14:00:00Z', 1, 'CAD')"
    )
    try:
        funnel("backup", tmp_path / "copy.db", env={"FUNNEL_BUSY_TIMEOUT": "1"})
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert rows(tmp_path / "copy.db", "SELECT name FROM leads") == [{"name": "Committed"}]


def test_backup_errors(funnel, db_path, tmp_path):
    funnel("add", "Marie")
    missing = tmp_path / "nope" / "copy.db"
    assert funnel("backup", missing, code=2).stderr == (
        f"Error: cannot write the backup {missing}: the folder {missing.parent} does not exist\n"
    )
    assert funnel("backup", db_path, "--force", code=2).stderr == (
        f"Error: {db_path} is the live database itself: choose another file\n"
    )
    assert funnel("backup", tmp_path, code=2).stderr.startswith(f"Error: {tmp_path} is a folder")


def test_backup_json(funnel, tmp_path):
    funnel("add", "Marie")
    record = json.loads(funnel("backup", tmp_path / "b.db", "-f", "json").stdout)
    assert record["leads"] == 1
    assert record["path"] == str(tmp_path / "b.db")
    assert record["bytes"] == (tmp_path / "b.db").stat().st_size
