"""``leads.reached`` and ``leads.last_event_at`` (migration m005), and what reads them.

The triggers must keep both equal to what the lead's history says, whatever writes it: the
commands, the demo, imports, and hand edits in SQL (updates and deletes recompute the lead). The
reports and the audit read them when every stage id is one ``reached`` records (1 to 62), else
the history: both ways must give the same figures. And the dashboard's count of data problems,
counted in SQL, must be the sum of what ``funnel check`` lists.

Now is 2026-11-29 09:00 Toronto (14:00 UTC).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import examples, rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnelcli.store.migrations import REACHED_IDS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

Summaries = dict[int, tuple[int, str | None]]
Invoke = Callable[..., Any]


# --------------------------------------------------------------------------- the invariant


def bits(*stage_ids: int) -> int:
    return sum(1 << i for i in set(stage_ids))


def expected(conn: sqlite3.Connection) -> Summaries:
    """Each lead's ``(reached, last_event_at)`` by the definition, from its raw history: the
    bits of the stages (ids 1 to 62) it was ever moved to, the latest of its stage changes'
    and actions' instants (None without either)."""
    reached = {lead: 0 for (lead,) in conn.execute("SELECT id FROM leads")}
    last: dict[int, str | None] = dict.fromkeys(reached)
    events = conn.execute(
        "SELECT lead_id, to_stage_id, at FROM stage_changes "
        "UNION ALL SELECT lead_id, NULL, at FROM activities"
    )
    for lead, stage, at in events:
        if stage is not None and 1 <= stage <= 62:
            reached[lead] |= 1 << stage
        last[lead] = at if last[lead] is None else max(last[lead], at)
    return {lead: (reached[lead], last[lead]) for lead in reached}


def stored(conn: sqlite3.Connection) -> Summaries:
    return {
        lead: (reached, last)
        for lead, reached, last in conn.execute("SELECT id, reached, last_event_at FROM leads")
    }


def assert_summaries(db: Path | sqlite3.Connection) -> Summaries:
    """Assert that every lead's stored summaries are its history's; return them."""
    conn = sqlite3.connect(db) if isinstance(db, Path) else db
    try:
        found = stored(conn)
        assert found == expected(conn)
        return found
    finally:
        if isinstance(db, Path):
            conn.close()


def test_reached_records_the_ids_a_64_bit_integer_holds():
    assert (REACHED_IDS.start, REACHED_IDS.stop, REACHED_IDS.step) == (1, 63, 1)  # 1 << 63 < 0


def test_the_demo_database_has_the_summaries_of_its_history(funnel, tmp_path):
    db = tmp_path / "demo.db"
    funnel("demo", "--db", db, "--leads", "400", "--seed", "3")
    found = assert_summaries(db)
    assert len(found) == 400
    # not vacuous: leads reached several stages, and for some the latest event is an action
    assert sum(bin(reached).count("1") >= 3 for reached, _ in found.values()) > 50
    later_action = rows(
        db,
        "SELECT count(*) AS n FROM leads l WHERE l.last_event_at = "
        "(SELECT max(at) FROM activities a WHERE a.lead_id = l.id) AND l.last_event_at > "
        "(SELECT max(at) FROM stage_changes c WHERE c.lead_id = l.id)",
    )
    assert later_action[0]["n"] > 10


def test_every_command_keeps_the_summaries(funnel, db_path):
    def step(*args: object) -> Summaries:
        funnel(*args)
        return assert_summaries(db_path)

    assert step("add", "Ada", "--email", "ada@x.ca", "--at", "2026-09-10") == {
        1: (bits(1), "2026-09-10T04:00:00Z")
    }
    assert step("advance", "1", "--at", "2026-09-12")[1] == (bits(1, 2), "2026-09-12T04:00:00Z")
    assert step("advance", "1", "proposal", "--at", "2026-09-20 12:00")[1] == (
        bits(1, 2, 4),
        "2026-09-20T16:00:00Z",
    )
    assert step("log", "1", "call", "demo booked", "--at", "2026-09-25 10:00")[1] == (
        bits(1, 2, 4),
        "2026-09-25T14:00:00Z",
    )
    # a back-dated action or move does not make the lead's latest event older
    assert step("log", "1", "email", "--at", "2026-09-15")[1][1] == "2026-09-25T14:00:00Z"
    assert step("advance", "1", "qualified", "--at", "2026-09-21")[1] == (
        bits(1, 2, 3, 4),
        "2026-09-25T14:00:00Z",
    )
    assert step("win", "1", "--amount", "1000", "--at", "2026-10-01")[1] == (
        bits(1, 2, 3, 4, 6),
        "2026-10-01T04:00:00Z",
    )
    # lost, reopened (at negotiation), won
    step("add", "Bob", "--stage", "contacted", "--at", "2026-10-05")
    assert step("lose", "2", "--reason", "price", "--at", "2026-10-06")[2] == (
        bits(2, 7),
        "2026-10-06T04:00:00Z",
    )
    assert step("advance", "2", "negotiation", "--at", "2026-10-08")[2] == (
        bits(2, 5, 7),
        "2026-10-08T04:00:00Z",
    )
    step("win", "2", "--at", "2026-10-09")
    # keeping a promise logs an action: now, or when it was kept
    step("add", "Cy", "--at", "2026-11-01")
    step("follow-up", "add", "3", "call back", "--due", "2026-12-01")
    assert step("follow-up", "done", "1", "--at", "2026-11-27 15:00")[3] == (
        bits(1),
        "2026-11-27T20:00:00Z",
    )
    step("promise", "3", "send the quote", "--due", "2026-12-02")
    assert step("follow-up", "done", "2")[3] == (bits(1), "2026-11-29T14:00:00Z")
    # editing a lead or its qualification is not an event
    step("edit", "3", "--company", "Acme")
    step("qualify", "3", "--amount", "500", "--expected-close", "2026-12-20")
    assert assert_summaries(db_path) == {
        1: (bits(1, 2, 3, 4, 6), "2026-10-01T04:00:00Z"),
        2: (bits(2, 5, 6, 7), "2026-10-09T04:00:00Z"),
        3: (bits(1), "2026-11-29T14:00:00Z"),
    }


def test_an_import_writes_the_summaries_with_its_leads(funnel, db_path, monkeypatch):
    """The new leads' history then rewrites no lead row: the triggers' updates are skipped,
    so the history step changes exactly its own rows (a large import's speed rests on it)."""
    from funnelcli.store import imports as sql

    real = sql.record_new_lead_history
    changes: list[tuple[int, int]] = []

    def spy(conn, base, entry_stage_id):
        history = conn.execute("SELECT count(*) FROM stage_changes").fetchone()[0]
        before = conn.total_changes  # rows changed by statements and by their triggers
        real(conn, base, entry_stage_id)
        added = conn.execute("SELECT count(*) FROM stage_changes").fetchone()[0] - history
        changes.append((conn.total_changes - before, added))

    monkeypatch.setattr(sql, "record_new_lead_history", spy)
    funnel("import", EXAMPLES / "crm-opportunities.csv", "--mapping", EXAMPLES / "crm-mapping.toml")
    funnel("import", EXAMPLES / "web-form.csv")
    assert len(changes) == 2
    for changed, added in changes:
        assert added > 0
        assert changed == added
    assert_summaries(db_path)


def test_imports_and_re_imports_keep_the_summaries(funnel, db_path, tmp_path):
    crm = ("import", EXAMPLES / "crm-opportunities.csv", "--mapping", EXAMPLES / "crm-mapping.toml")
    funnel(*crm)
    found = assert_summaries(db_path)
    won = rows(db_path, "SELECT id FROM leads WHERE external_id = '006A000001'")[0]["id"]
    # created at the opportunity stage, then won (see test_import)
    assert found[won] == (bits(3, 6), "2026-03-20T04:00:00Z")
    assert all(reached for reached, _ in found.values())
    funnel(*crm)  # unchanged
    assert assert_summaries(db_path) == found
    funnel("import", EXAMPLES / "web-form.csv")
    funnel("import", EXAMPLES / "excel-fr.csv")
    assert len(assert_summaries(db_path)) == 28  # 35 rows, 7 match leads already there

    path = tmp_path / "moves.csv"
    path.write_text("Email,Name,Status,Date\nal@x.ca,Al,Engaging,2026-01-10\n", encoding="utf-8")
    funnel("import", path, "--stage-map", "Engaging=qualified")
    al = rows(db_path, "SELECT id FROM leads WHERE email = 'al@x.ca'")[0]["id"]
    assert assert_summaries(db_path)[al] == (bits(3), "2026-01-10T05:00:00Z")
    path.write_text("Email,Name,Status,Closed\nal@x.ca,Al,Won,2026-06-01\n", encoding="utf-8")
    funnel("import", path, env={"FUNNEL_NOW": "2026-11-30T09:00:00"})
    assert assert_summaries(db_path)[al] == (bits(3, 6), "2026-06-01T04:00:00Z")

    actions = tmp_path / "actions.csv"
    actions.write_text(
        "email,type,text,date\nal@x.ca,call,Thanks,2026-11-20 10:00\n"
        "al@x.ca,email,Old news,2026-01-02 10:00\n",
        encoding="utf-8",
    )
    funnel("import", actions, "--kind", "activities")
    after = assert_summaries(db_path)
    assert after[al] == (bits(3, 6), "2026-11-20T15:00:00Z")
    funnel("import", actions, "--kind", "activities")
    assert assert_summaries(db_path) == after


# --------------------------------------------------------------------------- hand edits


def connect(db: Path) -> sqlite3.Connection:
    """A connection as a hand edit would use it, foreign keys enforced (for the cascades)."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def test_hand_edits_of_the_history_recompute_the_summaries(funnel, db_path):
    funnel("add", "Ada", "--at", "2026-09-01")  # 1
    funnel("advance", "1", "--at", "2026-09-02")
    funnel("advance", "1", "proposal", "--at", "2026-09-05")
    funnel("log", "1", "call", "--at", "2026-09-03")
    funnel("add", "Bob", "--at", "2026-09-10")  # 2
    funnel("log", "2", "email", "--at", "2026-09-11")
    funnel("add", "Cy", "--at", "2026-09-20")  # 3
    conn = connect(db_path)
    conn.execute(
        "INSERT INTO stages (id, name, position, probability) "
        "VALUES (62, 'near', 8, 50), (63, 'far', 9, 50)"
    )

    def change(lead: int, stage: int) -> int:
        return conn.execute(
            "SELECT id FROM stage_changes WHERE lead_id = ? AND to_stage_id = ?", (lead, stage)
        ).fetchone()[0]

    def edit(sql: str, *params: object) -> Summaries:
        conn.execute(sql, params)
        return assert_summaries(conn)

    t = "2026-09-{:02d}T04:00:00Z".format
    assert assert_summaries(conn) == {
        1: (bits(1, 2, 4), t(5)),
        2: (bits(1), t(11)),
        3: (bits(1), t(20)),
    }
    proposal = change(1, 4)
    # later, then earlier than an action: recomputed down, not kept at the maximum
    assert edit("UPDATE stage_changes SET at = ? WHERE id = ?", t(25), proposal)[1][1] == t(25)
    assert edit("UPDATE stage_changes SET at = ? WHERE id = ?", t(1), proposal)[1][1] == t(3)
    # a column the summaries do not depend on
    assert edit("UPDATE stage_changes SET note = 'typo' WHERE id = ?", proposal)[1][1] == t(3)
    assert edit("UPDATE stage_changes SET to_stage_id = 5 WHERE id = ?", proposal)[1] == (
        bits(1, 2, 5),
        t(3),
    )
    # a stage id that reached does not record: its bit goes, no other comes
    assert edit("UPDATE stage_changes SET to_stage_id = 63 WHERE id = ?", proposal)[1] == (
        bits(1, 2),
        t(3),
    )
    # moved to another lead: both recomputed
    found = edit("UPDATE stage_changes SET lead_id = 2, at = ? WHERE id = ?", t(15), change(1, 2))
    assert (found[1], found[2]) == ((bits(1), t(3)), (bits(1, 2), t(15)))
    action = conn.execute("SELECT id FROM activities WHERE lead_id = 2").fetchone()[0]
    assert edit("UPDATE activities SET at = ? WHERE id = ?", t(28), action)[2] == (
        bits(1, 2),
        t(28),
    )
    assert edit("UPDATE activities SET at = ? WHERE id = ?", t(12), action)[2][1] == t(15)
    found = edit("UPDATE activities SET lead_id = 3 WHERE id = ?", action)
    assert (found[2], found[3]) == ((bits(1, 2), t(15)), (bits(1), t(20)))
    assert edit("UPDATE activities SET at = ? WHERE id = ?", t(29), action)[3] == (bits(1), t(29))
    # several rows in one statement
    found = edit("UPDATE stage_changes SET lead_id = 3 WHERE lead_id = 2")
    assert (found[2], found[3]) == ((0, None), (bits(1, 2), t(29)))
    # deletes
    assert edit("DELETE FROM activities WHERE id = ?", action)[3] == (bits(1, 2), t(20))
    assert edit("DELETE FROM stage_changes WHERE id = ?", change(3, 2))[3] == (bits(1), t(20))
    found = edit("DELETE FROM stage_changes WHERE lead_id = 1")
    assert found[1] == (0, t(3))  # its call is left
    assert edit("DELETE FROM activities WHERE lead_id = 1")[1] == (0, None)
    # inserted by hand: 62 is the last id reached records, 63 the first it does not
    insert = "INSERT INTO stage_changes (lead_id, to_stage_id, at) VALUES (2, ?, ?)"
    assert edit(insert, 63, t(22))[2] == (0, t(22))
    assert edit(insert, 62, t(21))[2] == (bits(62), t(22))
    # a lead deleted with its history (the cascade's deletes run the triggers: no error)
    funnel("log", "3", "note", "bye", "--at", "2026-09-30")
    assert edit("DELETE FROM leads WHERE id = 3") == {1: (0, None), 2: (bits(62), t(22))}
    assert rows(db_path, "SELECT count(*) AS n FROM stage_changes WHERE lead_id = 3") == [{"n": 0}]
    assert rows(db_path, "SELECT count(*) AS n FROM activities WHERE lead_id = 3") == [{"n": 0}]
    conn.close()


# --------------------------------------------------------------------------- random edits

LEADS = (1, 2, 3)
STAGES = (1, 2, 4, 6, 7, 62, 63, 100)  # 62: the last id recorded; 63 and 100: not recorded
INSTANTS = tuple(f"2026-0{m}-01T12:00:00Z" for m in range(1, 7))  # few: many ties

_add_change = st.tuples(
    st.just("add change"), st.sampled_from(LEADS), st.sampled_from(STAGES),
    st.sampled_from(INSTANTS),
)  # fmt: skip
_add_action = st.tuples(st.just("add action"), st.sampled_from(LEADS), st.sampled_from(INSTANTS))
_edit = st.one_of(
    _add_change, _add_change, _add_change,  # inserts more often: edits then have rows to edit
    _add_action, _add_action,
    st.tuples(st.just("change at"), st.integers(0, 30), st.sampled_from(INSTANTS)),
    st.tuples(st.just("change stage"), st.integers(0, 30), st.sampled_from(STAGES)),
    st.tuples(st.just("change lead"), st.integers(0, 30), st.sampled_from(LEADS)),
    st.tuples(st.just("change all"), st.integers(0, 30), st.sampled_from(LEADS),
              st.sampled_from(STAGES), st.sampled_from(INSTANTS)),
    st.tuples(st.just("action at"), st.integers(0, 30), st.sampled_from(INSTANTS)),
    st.tuples(st.just("action lead"), st.integers(0, 30), st.sampled_from(LEADS)),
    st.tuples(st.just("drop change"), st.integers(0, 30)),
    st.tuples(st.just("drop action"), st.integers(0, 30)),
    st.tuples(st.just("move history"), st.sampled_from(LEADS), st.sampled_from(LEADS)),
    st.tuples(st.just("drop lead"), st.sampled_from(LEADS)),
)  # fmt: skip

_TEMPLATE: dict[str, Path] = {}


@pytest.fixture
def small_db(tmp_path_factory) -> Path:
    """Three leads, the stages of ``STAGES``, a little history (built once, read only)."""
    if "db" not in _TEMPLATE:
        from funnelcli.store import open_db

        db = tmp_path_factory.mktemp("summaries") / "small.db"
        open_db(db).close()
        conn = connect(db)
        with conn:
            conn.executemany(
                "INSERT INTO stages (id, name, position, probability) VALUES (?, ?, ?, 50)",
                [(62, "s62", 8), (63, "s63", 9), (100, "s100", 10)],
            )
            for lead in LEADS:
                add_lead(conn, lead)
            conn.executemany(
                "INSERT INTO stage_changes (lead_id, to_stage_id, at) VALUES (?, ?, ?)",
                [(1, 1, INSTANTS[0]), (1, 62, INSTANTS[2]), (2, 100, INSTANTS[1])],
            )
            conn.execute(
                "INSERT INTO activities (lead_id, type, at, created_at) VALUES (2, 'call', ?, ?)",
                (INSTANTS[3], INSTANTS[3]),
            )
        conn.close()
        _TEMPLATE["db"] = db
    return _TEMPLATE["db"]


def add_lead(conn: sqlite3.Connection, lead: int) -> None:
    conn.execute(
        "INSERT INTO leads (id, name, created_at, updated_at, stage_id, currency) "
        "VALUES (?, 'L', ?, ?, 1, 'CAD')",
        (lead, INSTANTS[0], INSTANTS[0]),
    )


def apply(conn: sqlite3.Connection, edit: tuple) -> None:
    kind, *args = edit

    def nth(table: str, k: int) -> int | None:
        """The id of the ``k``-th row (modulo their number), None without rows."""
        ids = [row[0] for row in conn.execute(f"SELECT id FROM {table} ORDER BY id")]
        return ids[k % len(ids)] if ids else None

    if kind == "add change":
        lead, stage, at = args
        conn.execute(
            "INSERT INTO stage_changes (lead_id, to_stage_id, at) VALUES (?, ?, ?)",
            (lead, stage, at),
        )
    elif kind == "add action":
        lead, at = args
        conn.execute(
            "INSERT INTO activities (lead_id, type, at, created_at) VALUES (?, 'call', ?, ?)",
            (lead, at, at),
        )
    elif kind == "move history":
        old, new = args
        conn.execute("UPDATE stage_changes SET lead_id = ? WHERE lead_id = ?", (new, old))
        conn.execute("UPDATE activities SET lead_id = ? WHERE lead_id = ?", (new, old))
    elif kind == "drop lead":
        (lead,) = args
        conn.execute("DELETE FROM leads WHERE id = ?", (lead,))
        add_lead(conn, lead)  # the same id again: its summaries start empty
    else:
        table = "activities" if kind.startswith(("action", "drop action")) else "stage_changes"
        row = nth(table, args[0])
        if row is None:
            return
        sets = {
            "change at": "at = ?",
            "change stage": "to_stage_id = ?",
            "change lead": "lead_id = ?",
            "change all": "lead_id = ?, to_stage_id = ?, at = ?",
            "action at": "at = ?",
            "action lead": "lead_id = ?",
        }
        if kind.startswith("drop"):
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (row,))
        else:
            conn.execute(f"UPDATE {table} SET {sets[kind]} WHERE id = ?", (*args[1:], row))


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(_edit, min_size=5, max_size=40))
def test_random_hand_edits_keep_the_summaries(small_db, edits):
    conn = sqlite3.connect(":memory:", isolation_level=None)
    source = sqlite3.connect(small_db)
    source.backup(conn)
    source.close()
    conn.execute("PRAGMA foreign_keys = ON")
    assert stored(conn) == {
        1: (bits(1, 62), INSTANTS[2]),
        2: (0, INSTANTS[3]),
        3: (0, None),
    }
    for edit in edits:
        apply(conn, edit)
        assert stored(conn) == expected(conn), edit
    conn.close()


# --------------------------------------------------------------------------- readers
#
# The same history, on pipelines that differ only by their stage ids: the reports and the
# audit read ``reached`` when every id is one it records, else the history. Reports and
# ``funnel check`` name stages, never their ids: their JSON must be the same, byte for byte.

#: The history, through the CLI (lead ids in the comments); leads 8 to 15 are there mostly for
#: the audit (see CHECKED).
SCENARIO: list[tuple[str, ...]] = [
    ("add", "Ada", "--source", "web-form", "--amount", "1000", "--at", "2026-09-10"),  # 1
    ("advance", "1", "--at", "2026-09-12"),
    ("advance", "1", "qualified", "--at", "2026-09-20"),
    ("advance", "1", "proposal", "--at", "2026-10-01"),
    ("win", "1", "--at", "2026-10-15"),
    ("add", "Bob", "--source", "referral", "--amount", "2000", "--at", "2026-10-05"),  # 2
    ("advance", "2", "qualified", "--at", "2026-10-06"),
    ("lose", "2", "--reason", "price", "--at", "2026-10-20"),
    ("add", "Cy", "--source", "web-form", "--at", "2026-10-10"),  # 3: lost, never an opportunity
    ("lose", "3", "--reason", "timing", "--at", "2026-10-11"),
    ("add", "Dee", "--source", "event", "--amount", "500 USD", "--at", "2025-06-01"),  # 4
    ("advance", "4", "proposal", "--at", "2025-06-10"),
    ("win", "4", "--at", "2026-10-20"),
    ("add", "Eve", "--source", "web-form", "--at", "2026-11-01"),  # 5: back to contacted
    ("advance", "5", "--at", "2026-11-02"),
    ("advance", "5", "proposal", "--at", "2026-11-05"),
    ("advance", "5", "contacted", "--at", "2026-11-10"),
    ("add", "Fay", "--at", "2026-08-01"),  # 6: lost, reopened at negotiation
    ("advance", "6", "qualified", "--at", "2026-08-05"),
    ("lose", "6", "--at", "2026-08-20"),
    ("advance", "6", "negotiation", "--at", "2026-09-01"),
    ("qualify", "6", "--amount", "10000", "--expected-close", "2026-12-15", "--probability", "40"),
    ("add", "Gus", "--source", "referral", "--stage", "proposal", "--at", "2026-11-20"),  # 7
    ("qualify", "7", "--amount", "3000", "--expected-close", "2026-12-30"),
    ("add", "Hal", "--source", "web-form", "--at", "2026-09-01"),  # 8: never contacted
    ("add", "Ivy", "--source", "referral", "--at", "2026-11-01"),  # 9: a call
    ("log", "9", "call", "first call", "--at", "2026-11-02 10:00"),
    ("add", "Jon", "--source", "event", "--at", "2026-09-01"),  # 10: moved, then back to new
    ("advance", "10", "--at", "2026-09-02"),
    ("advance", "10", "new", "--at", "2026-09-03"),
    ("add", "Kim", "--source", "event", "--at", "2026-10-01"),  # 11: a back-dated call
    ("log", "11", "call", "--at", "2026-10-02"),
    ("add", "Lea", "--at", "2026-09-01"),  # 12: lost, reopened at new
    ("lose", "12", "--reason", "timing", "--at", "2026-09-05"),
    ("advance", "12", "new", "--at", "2026-09-10"),
    ("add", "Max", "--source", "web-form", "--at", "2026-11-25"),  # 13: never contacted
    ("add", "Noa", "--source", "web-form", "--at", "2026-11-28 20:00"),  # 14: created yesterday
    ("add", "Oli", "--source", "referral", "--stage", "qualified", "--at", "2026-09-15"),  # 15
    ("log", "15", "email", "--at", "2026-11-20"),
]

#: What ``funnel check`` flags in SCENARIO, by the rules' definitions: stale (open, nothing
#: since 2026-10-30 14:00 UTC: Fay, Hal, Jon, Kim, Lea), never contacted (at the first stage,
#: created before 2026-11-27 14:00 UTC, never moved, no action: Hal, Max).
CHECKED = {"stale": [6, 8, 10, 11, 12], "never_contacted": [8, 13]}

SECTIONS = (
    (),
    ("kpis",),
    ("funnel",),
    ("forecast",),
    ("sources",),
    ("monthly",),
    ("cycle",),
    ("lost",),
    ("paths",),
    ("funnel", "--period", "2026-Q3"),
    ("kpis", "--source", "web-form"),
)


def renumber(mapping: dict[str, int]) -> Callable[[Invoke, Path], None]:
    """Give stages new ids on a database without leads yet (nothing refers to them)."""

    def prepare(funnel: Invoke, db: Path) -> None:
        funnel("--db", db, "init")
        conn = sqlite3.connect(db)
        with conn:
            for name, new_id in mapping.items():
                conn.execute("UPDATE stages SET id = ? WHERE name = ?", (new_id, name))
        conn.close()

    return prepare


def proposal_63_by_the_stage_commands(funnel: Invoke, db: Path) -> None:
    """Only the ``stages`` commands: 56 stages added (ids 8 to 63), all but the last removed;
    it then replaces ``proposal``, same name, place and probability, with id 63."""
    run = lambda *args: funnel("--db", db, *args)  # noqa: E731
    for i in range(8, 64):
        run("stages", "add", f"extra {i}")
    for i in range(8, 63):
        run("stages", "remove", f"extra {i}")
    run("stages", "remove", "proposal")
    run("stages", "rename", "extra 63", "proposal")
    run("stages", "move", "proposal", "--after", "qualified")
    run("stages", "set-probability", "proposal", "50")


#: name -> (prepare the pipeline, the reports read ``reached``, the audit reads it alone)
PIPELINES = {
    "ids as shipped": (renumber({}), True, True),
    "proposal 63, by the stage commands": (proposal_63_by_the_stage_commands, False, False),
    "first stage 100": (renumber({"new": 100}), False, False),
    "lost 64 (no rank: reports still use reached)": (renumber({"lost": 64}), True, False),
    "several": (renumber({"contacted": 70, "qualified": 63, "won": 99}), False, False),
}

_BUILT: dict[str, Path] = {}


def built(funnel: Invoke, tmp_path_factory, pipeline: str) -> Path:
    """SCENARIO on that pipeline (built once per pipeline; read only, or copied first)."""
    if pipeline not in _BUILT:
        db = tmp_path_factory.mktemp("pipelines") / "funnel.db"
        prepare = PIPELINES[pipeline][0]
        prepare(funnel, db)
        for command in SCENARIO:
            funnel("--db", db, *command)
        _BUILT[pipeline] = db
    return _BUILT[pipeline]


def outputs(funnel: Invoke, db: Path) -> dict[tuple[str, ...], str]:
    """Every report section's JSON, and the audit's."""
    found = {
        ("report", *section): funnel("--db", db, "report", *section, "-f", "json").stdout
        for section in SECTIONS
    }
    found[("check",)] = funnel("--db", db, "check", "-f", "json").stdout
    return found


def flagged(output: str) -> dict[str, list[int]]:
    return {finding["rule"]: finding["lead_ids"] for finding in json.loads(output)}


def ids(db: Path) -> dict[str, int]:
    return {r["name"]: r["id"] for r in rows(db, "SELECT name, id FROM stages")}


def fast_and_slow(names: list[str]) -> list:
    """The pipelines as parameters: "ids as shipped" and "several" in the fast loop (they cover
    both ways of reading), the others marked slow (still run in CI)."""
    fast = {"ids as shipped", "several"}
    return [n if n in fast else pytest.param(n, marks=pytest.mark.slow) for n in names]


@pytest.mark.parametrize("pipeline", fast_and_slow(list(PIPELINES)[1:]))
def test_reports_and_audit_are_the_same_whether_reached_or_the_history_is_read(
    funnel, tmp_path_factory, pipeline
):
    shipped = built(funnel, tmp_path_factory, "ids as shipped")
    other = built(funnel, tmp_path_factory, pipeline)
    assert ids(shipped) == {
        "new": 1, "contacted": 2, "qualified": 3, "proposal": 4, "negotiation": 5, "won": 6,
        "lost": 7,
    }  # fmt: skip
    assert ids(other) != ids(shipped)
    assert max(ids(other).values()) >= 63
    # the same pipeline but for ids, the same history, the summaries kept on both
    assert funnel("--db", other, "stages", "-f", "json").stdout == (
        funnel("--db", shipped, "stages", "-f", "json").stdout
    )
    assert_summaries(shipped)
    assert_summaries(other)

    expected_outputs = outputs(funnel, shipped)
    assert outputs(funnel, other) == expected_outputs
    checked = flagged(expected_outputs[("check",)])
    assert {rule: checked[rule] for rule in CHECKED} == CHECKED
    funnel_report = json.loads(expected_outputs[("report", "funnel")])
    assert [(s["stage"], s["reached"]) for s in funnel_report["stages"]] == [
        ("new", 14),  # Dee was created before the period
        ("contacted", 7),  # Ada, Bob, Eve, Fay, Gus, Oli (their peak is past it), Jon
        ("qualified", 6),
        ("proposal", 4),  # Ada, Eve (back to contacted since), Gus, Fay (past it)
        ("negotiation", 2),  # Ada (won), Fay (reopened there)
        ("won", 1),
    ]


@pytest.mark.parametrize("pipeline", fast_and_slow(list(PIPELINES)))
def test_which_readers_use_reached(funnel, tmp_path_factory, tmp_path, pipeline):
    """With ``reached`` wiped, the figures change where it is read, and only there: proof that
    the comparison above compared the two ways (and the untracked audit probes the history)."""
    _, reports_read_it, audit_reads_it = PIPELINES[pipeline]
    db = tmp_path / "wiped.db"
    shutil.copyfile(built(funnel, tmp_path_factory, pipeline), db)
    before = outputs(funnel, db)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE leads SET reached = 0")
    conn.close()
    after = outputs(funnel, db)
    changed = {key for key in before if key[0] == "report" and after[key] != before[key]}
    if reports_read_it:  # the peaks: the funnel, lead-to-opportunity and the win rate
        assert {("report", "funnel"), ("report", "kpis")} <= changed, changed
    else:
        assert changed == set()
    never_contacted = flagged(after[("check",)])["never_contacted"]
    # read alone, an empty ``reached`` says Jon and Lea (moved, then back to new) never moved
    assert never_contacted == ([8, 10, 12, 13] if audit_reads_it else CHECKED["never_contacted"])
    assert flagged(after[("check",)])["stale"] == CHECKED["stale"]


# --------------------------------------------------------------------------- problem count


def every_problem(funnel: Invoke, db: Path) -> None:
    """At least one lead for every rule of the audit, several for some."""
    sql = sqlite3.connect(db)

    def run(*args: object) -> int:
        out = funnel("--db", db, *args).stdout.strip()
        return int(out) if out.isdigit() else 0

    def healthy(name: str, stage: str = "contacted", email: str | None = None) -> int:
        extra = ("--email", email) if email else ()
        lead = run("add", name, "--source", "web", *extra, "--at", "2026-11-20")
        run("advance", lead, stage, "--at", "2026-11-25")
        if stage in ("qualified", "proposal", "negotiation"):
            run("qualify", lead, "--amount", "1000", "--expected-close", "2026-12-20")
        run("follow-up", "add", lead, "call back", "--due", "2026-12-03")
        return lead

    healthy("Fine")  # 1
    healthy("Fine too", "proposal")  # 2
    run("qualify", healthy("No amount", "qualified"), "--unset", "amount")  # 3
    run("qualify", healthy("No close date", "negotiation"), "--unset", "expected_close")  # 4
    run("qualify", healthy("Past close"), "--expected-close", "2026-11-20")  # 5
    # 6: no next action (its promise kept)
    healthy("Promise kept")
    run("follow-up", "done", last_follow_up(db), "--at", "2026-11-26")
    lead = healthy("Stale")  # 7: nothing since 2026-10-01
    with sql:
        sql.execute(
            "UPDATE stage_changes SET at = '2026-10-01T14:00:00Z' WHERE lead_id = ?", (lead,)
        )
        sql.execute("UPDATE leads SET created_at = '2026-09-01T14:00:00Z' WHERE id = ?", (lead,))
    # 8, 9, 10: three open leads share an email; 11 too, but it was lost: not a duplicate
    for name in ("Dup A", "Dup B", "Dup C", "Dup lost"):
        healthy(name, email="same@x.ca")
    run("lose", "11", "--reason", "duplicate")
    lead = run("add", "No source", "--at", "2026-11-20")  # 12: no source, no next action
    run("log", lead, "call", "--at", "2026-11-21")
    run("win", healthy("Won, no amount"))  # 13
    lead = run("add", "Untouched", "--source", "web", "--at", "2026-11-20")  # 14: never contacted
    run("follow-up", "add", lead, "first call", "--due", "2026-12-04")
    lead = healthy("Snoozed")  # 15: two promises pushed back 3 and 4 times (one lead)
    run("follow-up", "add", lead, "send it", "--due", "2026-12-05")
    with sql:
        for times, text in ((3, "call back"), (4, "send it")):
            sql.execute(
                "UPDATE follow_ups SET snooze_count = ? WHERE lead_id = ? AND text = ?",
                (times, lead, text),
            )
    lead = healthy("Snoozed once too often, but kept")  # 16: its promise not flagged
    run("follow-up", "add", lead, "old", "--due", "2026-12-06")
    kept = last_follow_up(db)
    for _ in range(3):
        run("follow-up", "snooze", kept, "+1d")
    run("follow-up", "done", kept)
    assert rows(db, "SELECT snooze_count, done_at FROM follow_ups WHERE id = ?", (kept,)) == [
        {"snooze_count": 3, "done_at": "2026-11-29T14:00:00Z"}
    ]
    with sql:  # 16 again: its created date estimated by an import (as an import marks it)
        sql.execute("UPDATE leads SET dates_estimated = 1 WHERE id = ?", (lead,))
    sql.close()


def last_follow_up(db: Path) -> int:
    return rows(db, "SELECT max(id) AS id FROM follow_ups")[0]["id"]


#: What the audit flags in every_problem's database, rule by rule.
PROBLEMS = {
    "opportunity_without_amount": [3],
    "opportunity_without_close_date": [4],
    "close_date_passed": [5],
    "no_next_action": [6, 12],
    "stale": [7],
    "duplicate_email": [8, 9, 10],
    "no_source": [12],
    "won_without_amount": [13],
    "never_contacted": [14],
    "snoozed_often": [15],
    "dates_estimated": [16],
    "open_follow_ups_on_closed_leads": [],  # its count: test_close_follow_ups
}


@pytest.mark.parametrize("pipeline", ["ids as shipped", "first stage 100", "several"])
def test_problem_count_is_the_sum_of_the_audits_counts(funnel, tmp_path, pipeline):
    from funnelcli import dates
    from funnelcli.services.checks import audit, problem_count
    from funnelcli.services.stages import load
    from funnelcli.store import open_db

    db = tmp_path / "problems.db"
    PIPELINES[pipeline][0](funnel, db)
    every_problem(funnel, db)
    assert flagged(funnel("--db", db, "check", "-f", "json").stdout) == PROBLEMS
    total = sum(len(ids) for ids in PROBLEMS.values())
    assert total == 14

    store = open_db(db)
    try:
        now = dates.now()
        pipeline = load(store.conn)
        findings = audit(store.conn, pipeline, now)
        assert {f.rule: f.lead_ids for f in findings} == PROBLEMS
        assert sum(f.count for f in findings) == total
        assert problem_count(store.conn, pipeline, now) == total
    finally:
        store.close()
    dashboard = json.loads(funnel("--db", db, "report", "-f", "json").stdout)
    assert dashboard["data_quality_problems"] == total


def test_problem_count_of_an_empty_database_is_zero(funnel, db_path):
    funnel("init")
    dashboard = json.loads(funnel("report", "-f", "json").stdout)
    assert dashboard["data_quality_problems"] == 0
