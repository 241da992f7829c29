"""Databases written by every past schema version open, migrate forward, and lose nothing.

The fixtures in tests/fixtures/ were built by tests/fixtures/make_fixtures.py at each version
and are never regenerated: they are what an older funnel left on a user's disk.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import rows

from funnelcli.store.migrations import SCHEMA_VERSION

FIXTURES = Path(__file__).parent / "fixtures"
VERSIONS = sorted(int(p.stem.removeprefix("schema-v")) for p in FIXTURES.glob("schema-v*.db"))


def test_there_is_a_fixture_for_every_schema_version():
    expected = list(range(1, SCHEMA_VERSION + 1))
    assert expected == VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_old_database_migrates_with_every_row_intact(funnel, tmp_path, version):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / f"schema-v{version}.db", db)
    before = {t: rows(db, f"SELECT * FROM {t} ORDER BY id") for t in ("leads", "stage_changes")}

    marie = json.loads(funnel("--db", db, "show", "1", "-f", "json").stdout)

    assert rows(db, "PRAGMA user_version")[0]["user_version"] == SCHEMA_VERSION
    assert rows(db, "PRAGMA integrity_check")[0]["integrity_check"] == "ok"
    for table, old_rows in before.items():
        assert rows(db, f"SELECT * FROM {table} ORDER BY id") == old_rows, table
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
    listed = json.loads(funnel("--db", db, "list", "-f", "json").stdout)
    assert {lead["name"]: lead["status"] for lead in listed} == {
        "Marie Tremblay": "open",
        "Luc Roy": "won",
        "Zoé Côté": "lost",
    }
    # and the migrated database takes new writes
    funnel("--db", db, "add", "After the upgrade")
    assert len(rows(db, "SELECT id FROM leads")) == 4
