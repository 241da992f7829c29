"""The store: file creation, pragmas, migrations, refusals and error translation."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time

import pytest
from helpers import rows

from funnelcli.errors import DatabaseLocked, NotAFunnelDatabase, StorageError
from funnelcli.store import APPLICATION_ID, open_db
from funnelcli.store import migrations as m

EXPECTED_COLUMNS = {
    "stages": ["id", "name", "position", "probability", "kind", "is_opportunity"],
    "leads": [
        "id", "name", "company", "email", "phone", "source", "notes", "external_id",
        "created_at", "updated_at", "stage_id", "closed_at", "lost_reason", "amount_cents",
        "currency", "frequency", "price_only", "decision_maker", "contact_decides",
        "needs_approval", "prerequisites", "expected_close", "probability",
        "reached", "last_event_at", "import_key", "dates_estimated", "term", "billed_until",
    ],
    "stage_changes": ["id", "lead_id", "from_stage_id", "to_stage_id", "at", "note"],
    "follow_ups": [
        "id", "lead_id", "text", "due_date", "due_time", "created_at", "done_at", "done_note",
        "snooze_count", "cancel_reason",
    ],
    "activities": ["id", "lead_id", "type", "text", "at", "follow_up_id", "created_at"],
    "settings": ["key", "value"],
    "journal": [
        "id", "at", "command", "summary", "kind", "reverts", "undone_by", "purged",
    ],
    "journal_ranges": ["entry_id", "tbl", "after", "upto"],
    "journal_changes": ["id", "entry_id", "tbl", "op", "row_id", "old", "new"],
    "lead_external_ids": ["id", "lead_id", "external_id"],
    "lead_import_keys": ["id", "lead_id", "import_key"],
    "forecast_snapshots": [
        "id", "recorded_on", "as_of", "period_from", "period_to", "period_label", "by",
        "method", "source", "bucket", "bucket_from", "bucket_to", "currency", "pipeline_cents",
        "recurring_cents", "won_cents", "total_cents",
    ],  # fmt: skip
}  # fmt: skip

EXPECTED_INDEXES = {
    "stages_one_opportunity",
    "stages_one_per_closed_kind",
    "leads_created",
    "leads_email_stage",
    "leads_external_id",
    "leads_import_key",
    "leads_dates_estimated",
    "leads_stage_reached",
    "leads_closed_deals",
    "leads_recurring",
    "leads_expected_close",
    "stage_changes_lead_stage",
    "stage_changes_to",
    "follow_ups_open_due",
    "follow_ups_lead",
    "follow_ups_snoozed",
    "activities_lead",
    "activities_type",
    "journal_ranges_open",
    "journal_changes_entry",
    "journal_changes_row",
    "lead_external_ids_lead",
    "lead_import_keys_lead",
    "forecast_snapshots_day",
}

#: Trigger -> its table (they keep ``leads.reached`` and ``leads.last_event_at``).
EXPECTED_TRIGGERS = {
    "stage_changes_summary_insert": "stage_changes",
    "stage_changes_summary_update": "stage_changes",
    "stage_changes_summary_delete": "stage_changes",
    "activities_summary_insert": "activities",
    "activities_summary_update": "activities",
    "activities_summary_delete": "activities",
    # the journal's: the old (and new) row of every update and delete
    **{
        f"journal_{table}_{op}": table
        for table in (
            "stages",
            "settings",
            "leads",
            "follow_ups",
            "activities",
            "stage_changes",
            "lead_external_ids",
            "lead_import_keys",
        )  # fmt: skip
        for op in ("update", "delete")
    },
}


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_blank_database_has_the_expected_schema(db_path):
    open_db(db_path).close()
    for table, columns in EXPECTED_COLUMNS.items():
        found = [r["name"] for r in rows(db_path, f"PRAGMA table_info({table})")]
        assert found == columns, table
        sql = rows(db_path, "SELECT sql FROM sqlite_master WHERE name = ?", (table,))[0]["sql"]
        assert sql.rstrip().removesuffix(", WITHOUT ROWID").endswith("STRICT"), table
    summary = rows(
        db_path,
        "SELECT name, type, \"notnull\", dflt_value FROM pragma_table_info('leads') "
        "WHERE name IN ('reached', 'last_event_at') ORDER BY cid",
    )
    assert summary == [
        {"name": "reached", "type": "INTEGER", "notnull": 1, "dflt_value": "0"},
        {"name": "last_event_at", "type": "TEXT", "notnull": 0, "dflt_value": None},
    ]
    indexes = {
        r["name"]
        for r in rows(
            db_path,
            "SELECT name FROM sqlite_master WHERE type = 'index' "
            "AND name NOT LIKE 'sqlite_autoindex_%' AND tbl_name <> '_sqlite_migrations'",
        )
    }
    assert indexes == EXPECTED_INDEXES  # leads_email (replaced by leads_email_stage) is gone
    triggers = rows(db_path, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
    assert {r["name"]: r["tbl_name"] for r in triggers} == EXPECTED_TRIGGERS
    partial = rows(
        db_path,
        "SELECT name, sql FROM sqlite_master "
        "WHERE name IN ('leads_email_stage', 'follow_ups_snoozed') ORDER BY name",
    )
    assert [(r["name"], " ".join(r["sql"].split())) for r in partial] == [
        (
            "follow_ups_snoozed",
            "CREATE INDEX follow_ups_snoozed ON follow_ups (lead_id) "
            "WHERE done_at IS NULL AND snooze_count >= 3",
        ),
        (
            "leads_email_stage",
            "CREATE INDEX leads_email_stage ON leads (email, stage_id) WHERE email IS NOT NULL",
        ),
    ]
    assert rows(db_path, "PRAGMA user_version") == [{"user_version": m.SCHEMA_VERSION}]
    assert rows(db_path, "PRAGMA application_id") == [{"application_id": APPLICATION_ID}]
    applied = rows(db_path, "SELECT name FROM _sqlite_migrations ORDER BY id")
    assert [r["name"] for r in applied] == [step.__name__ for step in m.STEPS]


def test_default_pipeline_is_seeded(db_path):
    open_db(db_path).close()
    assert rows(
        db_path, "SELECT name, probability, kind, is_opportunity FROM stages ORDER BY position"
    ) == [
        {"name": "new", "probability": 5, "kind": "open", "is_opportunity": 0},
        {"name": "contacted", "probability": 10, "kind": "open", "is_opportunity": 0},
        {"name": "qualified", "probability": 25, "kind": "open", "is_opportunity": 1},
        {"name": "proposal", "probability": 50, "kind": "open", "is_opportunity": 0},
        {"name": "negotiation", "probability": 75, "kind": "open", "is_opportunity": 0},
        {"name": "won", "probability": 100, "kind": "won", "is_opportunity": 0},
        {"name": "lost", "probability": 0, "kind": "lost", "is_opportunity": 0},
    ]


def test_file_is_created_owner_only_even_under_a_permissive_umask(db_path):
    old = os.umask(0o000)
    try:
        open_db(db_path).close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_every_connection_gets_the_pragmas(db_path):
    store = open_db(db_path, busy_timeout=3)
    try:
        pragma = lambda name: store.conn.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 2  # FULL
        assert pragma("busy_timeout") == 3000
    finally:
        store.close()


def hold_write_lock(path):
    """Another connection about to write a new (rollback-journal) file: a RESERVED lock."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_new_database_waits_for_a_writer_before_switching_to_wal(db_path):
    # SQLite refuses the switch to WAL at once, without its busy handler, while another
    # connection holds the file: two commands starting together on a new database lost one.
    db_path.touch()
    other = hold_write_lock(db_path)
    release = threading.Timer(0.2, lambda: other.execute("COMMIT"))
    release.start()
    try:
        store = open_db(db_path, busy_timeout=10)
    finally:
        release.join()
        other.close()
    try:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == m.SCHEMA_VERSION
    finally:
        store.close()


def test_a_new_database_held_past_the_busy_timeout_is_refused_after_waiting(db_path):
    db_path.touch()
    other = hold_write_lock(db_path)
    started = time.monotonic()
    try:
        with pytest.raises(DatabaseLocked, match="locked by another funnel command") as caught:
            open_db(db_path, busy_timeout=0.3)
    finally:
        other.close()
    assert caught.value.exit_code == 75
    assert time.monotonic() - started >= 0.3  # it waited, as the message says


def build_old_database(path, steps):
    """A database as an older funnel (with only ``steps``) would have left it."""
    import sqlite_utils

    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn, execute_plugins=False)
    m.build(steps).apply(db)
    conn.execute(f"PRAGMA user_version = {len(steps)}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return conn


def test_older_database_is_migrated_forward_without_loss(db_path):
    conn = build_old_database(db_path, m.STEPS[:1])
    conn.execute(
        "INSERT INTO leads (name, email, created_at, updated_at, stage_id, currency, amount_cents)"
        " VALUES ('Old Lead', 'old@example.com', '2025-01-02T10:00:00Z',"
        " '2025-01-02T10:00:00Z', 1, 'CAD', 150000)"
    )
    conn.execute(
        "INSERT INTO stage_changes (lead_id, to_stage_id, at) VALUES (1, 1, '2025-01-02T10:00:00Z')"
    )
    conn.close()
    assert "follow_ups" not in {r["name"] for r in rows(db_path, "SELECT name FROM sqlite_master")}

    open_db(db_path).close()

    assert rows(db_path, "SELECT name, email, amount_cents FROM leads") == [
        {"name": "Old Lead", "email": "old@example.com", "amount_cents": 150000}
    ]
    assert len(rows(db_path, "SELECT * FROM stage_changes")) == 1
    assert rows(db_path, "PRAGMA user_version") == [{"user_version": m.SCHEMA_VERSION}]
    # m005 filled the summary columns from the history it found
    assert rows(db_path, "SELECT reached, last_event_at FROM leads") == [
        {"reached": 1 << 1, "last_event_at": "2025-01-02T10:00:00Z"}
    ]
    assert [r["name"] for r in rows(db_path, "PRAGMA table_info(follow_ups)")]


def test_a_failing_migration_leaves_the_old_version_usable(db_path, monkeypatch):
    build_old_database(db_path, m.STEPS[:1]).close()

    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(m, "STEPS", (m.STEPS[0], broken))
    monkeypatch.setattr("funnelcli.store.SCHEMA_VERSION", 2)
    with pytest.raises(RuntimeError):
        open_db(db_path)
    tables = {r["name"] for r in rows(db_path, "SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
    assert rows(db_path, "PRAGMA user_version") == [{"user_version": 1}]


def test_newer_database_is_refused_and_left_untouched(db_path):
    open_db(db_path).close()
    # a newer funnel wrote this and crashed: its last change still sits in the -wal file
    subprocess.run(
        [sys.executable, "-c", "import os, sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
         f"c.execute('PRAGMA user_version = {m.SCHEMA_VERSION + 1}'); c.commit(); os._exit(0)",
         str(db_path)],
        check=True,
    )  # fmt: skip
    wal = db_path.with_name(db_path.name + "-wal")
    before = (sha256(db_path), sha256(wal))
    with pytest.raises(NotAFunnelDatabase) as exc:
        open_db(db_path)
    assert "made by a newer version of funnel" in exc.value.message
    assert (sha256(db_path), sha256(wal)) == before  # not even checkpointed


def test_text_file_is_refused_byte_for_byte(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("name,email\nMarie,marie@acme.ca\n")
    before = sha256(path)
    with pytest.raises(NotAFunnelDatabase) as exc:
        open_db(path)
    assert exc.value.message == (
        f"{path} is not a funnel database (not an SQLite file); it was left untouched"
    )
    assert sha256(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leads.csv"]


def test_other_sqlite_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = sha256(path)
    with pytest.raises(NotAFunnelDatabase) as exc:
        open_db(path)
    assert "is an SQLite database but not a funnel database" in exc.value.message
    assert sha256(path) == before


def test_corrupt_database_is_a_storage_error(db_path):
    open_db(db_path).close()
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # garbage over the schema page
    db_path.write_bytes(bytes(data))
    with pytest.raises(StorageError) as exc:
        open_db(db_path)
    assert "is corrupt" in exc.value.message


def test_empty_file_becomes_a_new_database(db_path):
    db_path.touch()
    open_db(db_path).close()
    assert rows(db_path, "SELECT count(*) AS n FROM stages") == [{"n": 7}]


def test_write_rolls_back_on_error(db_path):
    store = open_db(db_path)
    with pytest.raises(ValueError), store.write() as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('a', 'b')")
        raise ValueError("stop")
    store.close()
    assert rows(db_path, "SELECT * FROM settings") == []


def test_migration_steps_are_append_only_named():
    # Names are the record of what ran on each database: never rename or reorder them.
    assert [s.__name__ for s in m.STEPS] == [
        "m001_pipeline_and_leads",
        "m002_follow_ups_and_activities",
        "m003_settings",
        "m004_stage_history_covering_index",
        "m005_lead_summary_columns",
        "m006_lead_import_key",
        "m007_lead_dates_estimated",
        "m008_journal",
        "m009_lead_external_ids",
        "m010_follow_up_cancelled",
        "m011_forecast_snapshots",
        "m012_recurring_term",
    ]
    assert len(m.STEPS) == m.SCHEMA_VERSION
