"""SQL for ``funnel check``: each query returns the ids of the leads a data-quality rule flags.

Every query is a single indexed pass (open leads by stage, correlated EXISTS on the per-lead
indexes of stage_changes, activities and follow_ups), so the audit stays fast on large files.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence


def _ids(
    conn: sqlite3.Connection, sql: str, params: Sequence[object] | Mapping[str, object] = ()
) -> list[int]:
    return [row[0] for row in conn.execute(sql, params)]


def _in(ids: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in ids) or "NULL"


def opportunities_without(
    conn: sqlite3.Connection, stage_ids: Sequence[int], column: str
) -> list[int]:
    """Open leads at one of ``stage_ids`` (the opportunity stages) with ``column`` empty."""
    assert column in ("amount_cents", "expected_close")
    return _ids(
        conn,
        f"SELECT id FROM leads WHERE stage_id IN ({_in(stage_ids)}) AND {column} IS NULL "
        "ORDER BY id",
    )


def expected_close_passed(
    conn: sqlite3.Connection, open_ids: Sequence[int], today: str
) -> list[int]:
    return _ids(
        conn,
        # ``+stage_id``: read the few leads with a past date through leads_expected_close,
        # not every open lead through leads_stage (170 -> 120 ms at 1M leads)
        f"SELECT id FROM leads WHERE +stage_id IN ({_in(open_ids)}) AND expected_close < ? "
        "ORDER BY id",
        (today,),
    )


def without_open_follow_up(conn: sqlite3.Connection, open_ids: Sequence[int]) -> list[int]:
    return _ids(
        conn,
        # the leads with an open follow-up, listed once (through follow_ups_open_due), rather
        # than a probe per open lead that reads each of its follow-ups (500 -> 290 ms at 1M)
        f"SELECT id FROM leads WHERE stage_id IN ({_in(open_ids)}) AND id NOT IN ("
        "SELECT lead_id FROM follow_ups WHERE done_at IS NULL) ORDER BY id",
    )


def stale(conn: sqlite3.Connection, open_ids: Sequence[int], cutoff: str) -> list[int]:
    """Open leads with no stage change and no activity since ``cutoff`` (nor created since)."""
    return _ids(
        conn,
        f"SELECT id FROM leads l WHERE stage_id IN ({_in(open_ids)}) AND created_at < :cutoff "
        "AND NOT EXISTS (SELECT 1 FROM stage_changes c WHERE c.lead_id = l.id AND c.at >= :cutoff) "
        "AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.lead_id = l.id AND a.at >= :cutoff) "
        "ORDER BY id",
        {"cutoff": cutoff},
    )


def duplicate_emails(
    conn: sqlite3.Connection, open_ids: Sequence[int]
) -> list[tuple[str, list[int]]]:
    """Emails shared by several open leads (a returning customer's new deal is not a duplicate
    of the deal already won; a duplicate closed as lost stops counting)."""
    groups = conn.execute(
        # open leads are many: a scan in id order beats leads_stage and a sort (400 -> 300 ms)
        "SELECT email, group_concat(id) FROM (SELECT email, id FROM leads NOT INDEXED "
        f"WHERE email IS NOT NULL AND stage_id IN ({_in(open_ids)}) ORDER BY id) "
        "GROUP BY email HAVING count(*) > 1 ORDER BY email"
    )
    return [(email, [int(i) for i in ids.split(",")]) for email, ids in groups]


def without_source(conn: sqlite3.Connection) -> list[int]:
    return _ids(conn, "SELECT id FROM leads WHERE source IS NULL ORDER BY id")


def won_without_amount(conn: sqlite3.Connection, won_id: int) -> list[int]:
    return _ids(
        conn,
        "SELECT id FROM leads WHERE stage_id = ? AND amount_cents IS NULL ORDER BY id",
        (won_id,),
    )


def never_contacted(conn: sqlite3.Connection, first_stage_id: int, cutoff: str) -> list[int]:
    """Leads still at the first stage, created before ``cutoff``, never moved, no logged action."""
    return _ids(
        conn,
        # the covered probe (activities_lead) first: most leads stop there (445 -> 305 ms)
        "SELECT id FROM leads l WHERE stage_id = ? AND created_at < ? "
        "AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.lead_id = l.id) "
        "AND NOT EXISTS (SELECT 1 FROM stage_changes c "
        "                WHERE c.lead_id = l.id AND c.from_stage_id IS NOT NULL) ORDER BY id",
        (first_stage_id, cutoff),
    )


def snoozed_often(conn: sqlite3.Connection, times: int) -> list[tuple[int, int]]:
    """(lead id, follow-up id) of open follow-ups pushed back ``times`` times or more."""
    return [
        (lead_id, follow_up_id)
        for lead_id, follow_up_id in conn.execute(
            # ``+lead_id``: sorting the few rows found beats walking follow_ups_lead and looking
            # up every follow-up to honour the order (980 -> 90 ms at 1M follow-ups)
            "SELECT lead_id, id FROM follow_ups WHERE done_at IS NULL AND snooze_count >= ? "
            "ORDER BY +lead_id, id",
            (times,),
        )
    ]
