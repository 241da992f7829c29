"""The journal's schema: its triggers record every column, old databases gain it, hand edits
(no entry open) are not recorded."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from helpers import rows
from journal_helpers import snapshot

from funnelcli.store import open_db
from funnelcli.store.journal_schema import JOURNALED

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("table", JOURNALED)
def test_the_triggers_record_every_column(db_path, table):
    """A step that adds a column must rebuild the triggers (journal_schema.create_triggers),
    or undo could not restore that column."""
    open_db(db_path).close()
    columns = [r["name"] for r in rows(db_path, f"PRAGMA table_info({table})")]
    triggers = {
        r["name"]: r["sql"]
        for r in rows(db_path, "SELECT name, sql FROM sqlite_master WHERE tbl_name = ?", (table,))
    }
    for op in ("update", "delete"):
        sql = triggers[f"journal_{table}_{op}"]
        for column in columns:
            assert f"OLD.{column}" in sql, (op, column)
    assert f"journal_{table}_insert" not in triggers  # inserts are id ranges


def test_a_database_of_schema_6_gains_the_journal_and_its_writes_undo(funnel, tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v6.db", db)
    open_db(db).close()  # migrated: the fixture's rows, and no journal entry for that
    assert rows(db, "SELECT count(*) AS n FROM journal") == [{"n": 0}]
    before = snapshot(db)
    funnel("--db", db, "advance", "1", "won")
    funnel("--db", db, "delete", "2", "--yes")
    funnel("--db", db, "undo")
    funnel("--db", db, "undo")
    assert snapshot(db) == before


def test_hand_edits_outside_funnel_are_not_recorded(funnel, db_path):
    funnel("add", "Sophie Gagnon")
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE leads SET phone = '514-555-0101'")
        conn.execute("INSERT INTO settings (key, value) VALUES ('currency', 'EUR')")
    conn.close()
    assert rows(db_path, "SELECT count(*) AS n FROM journal_changes") == [{"n": 0}]
    assert len(rows(db_path, "SELECT id FROM journal")) == 1


def test_an_update_keeps_the_old_and_new_row_and_the_time(funnel, db_path):
    funnel("add", "Sophie Gagnon")
    funnel("edit", "1", "--company", "Acme")
    change = rows(db_path, "SELECT * FROM journal_changes WHERE entry_id = 2")[0]
    assert (change["tbl"], change["op"], change["row_id"]) == ("leads", "update", 1)
    assert json.loads(change["old"])["company"] is None
    assert json.loads(change["new"])["company"] == "Acme"
    assert rows(db_path, "SELECT at FROM journal WHERE id = 2") == [{"at": "2026-11-29T14:00:00Z"}]
