"""Databases written by every past schema version open, migrate forward, and lose nothing.

The fixtures in tests/fixtures/ were built by tests/fixtures/make_fixtures.py at each version
and are never regenerated: they are what an older funnel left on a user's disk.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from helpers import rows

from funnelcli.store import APPLICATION_ID, fresh, open_db
from funnelcli.store import migrations as m
from funnelcli.store.migrations import REACHED_IDS, SCHEMA_VERSION

FIXTURES = Path(__file__).parent / "fixtures"
VERSIONS = sorted(int(p.stem.removeprefix("schema-v")) for p in FIXTURES.glob("schema-v*.db"))


def schema(db: Path) -> list[dict]:
    """Every table, index and trigger, as SQLite stores its definition."""
    return rows(db, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")


def fresh_database(tmp_path: Path) -> Path:
    db = tmp_path / "fresh.db"
    open_db(db).close()
    return db


#: Steps not released yet, whose fixture is built when they are merged (and numbered).
UNRELEASED: tuple[str, ...] = ()
RELEASED = SCHEMA_VERSION - len(UNRELEASED)
assert [s.__name__ for s in m.STEPS[RELEASED:]] == list(UNRELEASED)


def database_of_version(tmp_path: Path, version: int) -> Path:
    """A new database made by the first ``version`` steps."""
    if version == SCHEMA_VERSION:
        return fresh_database(tmp_path)
    db = tmp_path / f"v{version}.db"
    conn = sqlite3.connect(db, isolation_level=None)
    m.build(m.STEPS[:version]).apply(sqlite_utils.Database(conn, execute_plugins=False))
    conn.close()
    return db


def test_the_newest_fixture_has_the_schema_of_a_new_database(tmp_path):
    """A fixture is what its version wrote: one that differs from a new database of the same
    version means a shipped step was edited (or the fixture is stale: rebuild it before the
    release, never after)."""
    newest = FIXTURES / f"schema-v{RELEASED}.db"
    assert schema(newest) == schema(database_of_version(tmp_path, RELEASED))
    assert rows(newest, "PRAGMA user_version")[0]["user_version"] == RELEASED


def summaries(db: Path) -> dict[int, tuple[int, str | None]]:
    """Each lead's ``(reached, last_event_at)`` as stored."""
    return {
        r["id"]: (r["reached"], r["last_event_at"])
        for r in rows(db, "SELECT id, reached, last_event_at FROM leads")
    }


def recomputed(db: Path) -> dict[int, tuple[int, str | None]]:
    """The same, computed here from the raw history (stage ids 1 to 62 only)."""
    reached = {r["id"]: 0 for r in rows(db, "SELECT id FROM leads")}
    last: dict[int, str | None] = dict.fromkeys(reached)
    history = rows(db, "SELECT lead_id, to_stage_id AS stage, at FROM stage_changes")
    actions = rows(db, "SELECT lead_id, NULL AS stage, at FROM activities")
    for event in history + actions:
        lead = event["lead_id"]
        if event["stage"] is not None and event["stage"] in REACHED_IDS:
            reached[lead] |= 1 << event["stage"]
        last[lead] = max(filter(None, (last[lead], event["at"])))
    return {lead: (reached[lead], last[lead]) for lead in reached}


def test_there_is_a_fixture_for_every_schema_version():
    expected = list(range(1, RELEASED + 1))
    assert expected == VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_old_database_migrates_with_every_row_intact(funnel, tmp_path, version):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / f"schema-v{version}.db", db)
    before = {t: rows(db, f"SELECT * FROM {t} ORDER BY id") for t in ("leads", "stage_changes")}

    marie = json.loads(funnel("--db", db, "show", "1", "-f", "json").stdout)

    assert rows(db, "PRAGMA user_version")[0]["user_version"] == SCHEMA_VERSION
    assert rows(db, "PRAGMA integrity_check")[0]["integrity_check"] == "ok"
    assert schema(db) == schema(fresh_database(tmp_path))
    for table, old_rows in before.items():
        # the columns the old version had keep their values; later steps may add columns
        columns = ", ".join(old_rows[0])
        assert rows(db, f"SELECT {columns} FROM {table} ORDER BY id") == old_rows, table
    # m005's summaries: what the history says, for migrated and fresh files alike
    assert summaries(db) == recomputed(db)
    assert summaries(db) == {
        1: (1 << 1 | 1 << 3, "2026-01-10T15:00:00Z"),  # new, qualified
        2: (1 << 1 | 1 << 6, "2026-02-01T15:00:00Z"),  # new, won
        3: (1 << 1 | 1 << 7, "2026-01-20T15:00:00Z"),  # new, lost
    }
    assert marie["name"] == "Marie Tremblay"
    assert (marie["amount_cents"], marie["frequency"], marie["probability"]) == (
        1200000,
        "monthly",
        40,
    )
    assert (marie["needs_approval"], marie["price_only"]) == (True, False)
    assert [h["to_stage"] for h in marie["history"]] == ["new", "qualified"]
    if version >= 2:
        assert [(f["text"], f["snooze_count"]) for f in marie["follow_ups"]] == [
            ("send the proposal", 2)
        ]
        assert [a["type"] for a in marie["activities"]] == ["call"]
    listed = json.loads(funnel("--db", db, "list", "--status", "all", "-f", "json").stdout)
    assert {lead["name"]: lead["status"] for lead in listed} == {
        "Marie Tremblay": "open",
        "Luc Roy": "won",
        "Zoé Côté": "lost",
    }
    # and the migrated database takes new writes, its summaries kept by the triggers
    funnel("--db", db, "add", "After the upgrade", "--at", "2026-11-02")
    funnel("--db", db, "log", "1", "email", "after the upgrade", "--at", "2026-11-03 12:00")
    assert len(rows(db, "SELECT id FROM leads")) == 4
    assert summaries(db) == recomputed(db)
    assert summaries(db)[1] == (1 << 1 | 1 << 3, "2026-11-03T17:00:00Z")
    assert summaries(db)[4][0] == 1 << 1


def test_m005_fills_the_summaries_of_every_kind_of_history(tmp_path):
    """The backfill of m005 on a version-4 file: leads without history, with actions only,
    repeated stages, an action after the last stage change, and stage ids at and beyond the
    last one ``reached`` records (62)."""
    db = tmp_path / "v4.db"
    conn = sqlite3.connect(db, isolation_level=None)
    m.build(m.STEPS[:4]).apply(sqlite_utils.Database(conn, execute_plugins=False))
    conn.execute("PRAGMA user_version = 4")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.executemany(
        "INSERT INTO stages (id, name, position, probability) VALUES (?, ?, ?, 50)",
        [(62, "sixty-two", 10), (63, "sixty-three", 11), (100, "hundred", 12)],
    )
    t = "2026-03-0{}T15:00:00Z".format
    conn.executemany(
        "INSERT INTO leads (id, name, created_at, updated_at, stage_id, currency) "
        "VALUES (?, ?, ?, ?, ?, 'CAD')",
        [(i, f"Lead {i}", t(1), t(1), 1) for i in range(1, 6)],
    )
    conn.executemany(
        "INSERT INTO stage_changes (lead_id, from_stage_id, to_stage_id, at) VALUES (?, ?, ?, ?)",
        [
            (2, None, 1, t(1)),  # 2: an action after its last stage change
            (2, 1, 3, t(2)),
            (3, None, 1, t(1)),  # 3: at stage 2 three times, back and forth
            (3, 1, 2, t(2)),
            (3, 2, 1, t(3)),
            (3, 1, 2, t(4)),
            (3, 2, 1, t(5)),
            (3, 1, 2, t(6)),
            (4, None, 62, t(1)),  # 4: stage ids 62 (recorded), 63 and 100 (not)
            (4, 62, 63, t(2)),
            (4, 63, 100, t(7)),
        ],
    )
    conn.executemany(
        "INSERT INTO activities (lead_id, type, at, created_at) VALUES (?, 'call', ?, ?)",
        [(2, t(9), t(9)), (2, t(4), t(4)), (4, t(3), t(3)), (5, t(8), t(8)), (5, t(2), t(2))],
    )
    conn.close()

    open_db(db).close()

    assert rows(db, "PRAGMA user_version")[0]["user_version"] == SCHEMA_VERSION
    assert summaries(db) == {
        1: (0, None),  # no history at all
        2: (1 << 1 | 1 << 3, t(9)),
        3: (1 << 1 | 1 << 2, t(6)),
        4: (1 << 62, t(7)),
        5: (0, t(8)),  # actions only
    }
    assert summaries(db) == recomputed(db)


def test_m007_marks_no_date_of_an_upgraded_database_as_estimated(funnel, tmp_path):
    """A version-6 file's dates were all given (or chosen) by the user: none is marked; the
    cycle's covering index holds the new column, so the won deals' cycle still reads it alone."""
    db = tmp_path / "v6.db"
    shutil.copy(FIXTURES / "schema-v6.db", db)
    funnel("--db", db, "list")
    assert rows(db, "SELECT id, dates_estimated FROM leads ORDER BY id") == [
        {"id": 1, "dates_estimated": 0},
        {"id": 2, "dates_estimated": 0},
        {"id": 3, "dates_estimated": 0},
    ]
    columns = [r["name"] for r in rows(db, "PRAGMA index_info(leads_closed_deals)")]
    assert columns[-1] == "dates_estimated"
    kpis = json.loads(funnel("--db", db, "report", "kpis", "--period", "2026", "-f", "json").stdout)
    assert kpis["sales_cycle"]["deals"] == 1


# ------------------------------------------------------------ a new database, in one go


def stepwise_database(tmp_path: Path) -> Path:
    """A new database made by running every step, as an older funnel made them."""
    db = tmp_path / "stepwise.db"
    conn = sqlite3.connect(db, isolation_level=None)
    m.build().apply(sqlite_utils.Database(conn, execute_plugins=False))
    conn.close()
    return db


def contents(db: Path) -> dict[str, list[dict]]:
    return {
        "schema": schema(db),
        "stages": rows(db, "SELECT * FROM stages ORDER BY id"),
        "steps": rows(db, "SELECT id, migration_set, name FROM _sqlite_migrations ORDER BY id"),
    }


def test_the_shipped_new_database_script_is_what_the_steps_build():
    """A new step needs ``python scripts/refresh_schema.py``: this fails until it is run."""
    assert fresh.SCRIPT.read_text(encoding="utf-8") == fresh.render(fresh.build(), SCHEMA_VERSION)


def test_a_new_database_equals_one_made_step_by_step(tmp_path):
    made = fresh_database(tmp_path)
    assert contents(made) == contents(stepwise_database(tmp_path))
    assert rows(made, "PRAGMA user_version")[0]["user_version"] == SCHEMA_VERSION
    # each step's time is the new database's own, in sqlite-utils' format
    times = {r["applied_at"] for r in rows(made, "SELECT applied_at FROM _sqlite_migrations")}
    assert (
        len(times) == 1 and next(iter(times)).startswith("2026-") and "+00:00" in next(iter(times))
    )


def _behind(script: str) -> str:
    return script.replace(
        f"schema version {SCHEMA_VERSION}:", f"schema version {SCHEMA_VERSION - 1}:"
    )


def _cut_short(script: str) -> str:
    return script[: script.rindex("INSERT INTO")]  # the last stage and the end line gone


def _ends_inside_a_statement(script: str) -> str:
    body, end = script.rsplit(";", 1)
    return body + end  # the last statement's ';' gone, the end line kept


@pytest.mark.parametrize("spoil", [_behind, _cut_short, _ends_inside_a_statement])
def test_a_script_not_of_the_whole_schema_is_not_used(tmp_path, monkeypatch, spoil):
    spoilt = tmp_path / "new_database.sql"
    spoilt.write_text(spoil(fresh.SCRIPT.read_text(encoding="utf-8")), encoding="utf-8")
    monkeypatch.setattr(fresh, "SCRIPT", spoilt)
    fresh._shipped.cache_clear()
    try:
        made = fresh_database(tmp_path)
    finally:
        fresh._shipped.cache_clear()
    assert contents(made) == contents(stepwise_database(tmp_path))
