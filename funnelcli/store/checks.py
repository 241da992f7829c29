"""SQL for ``funnel check``: the leads each data-quality rule flags, or only how many.

The rules about one lead at a time are SQL conditions on its row (:func:`lead_rules`), all
evaluated in a single scan of ``leads``: its summary columns (``reached``, ``last_event_at``,
migration m005) answer "stale" and most of "never contacted" without reading the history, the
leads with an open follow-up are listed once (through ``follow_ups_open_due``), and the only
per-lead probe left is that of "never contacted" (any logged action?), for the leads still at
the first stage that never moved. Duplicate emails are read from ``leads_email_stage`` alone,
and follow-ups pushed back often from their own small index (``follow_ups_snoozed``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from funnelcli.store.activity_types import NOT_ACTIONS_SQL as _NOT_ACTIONS
from funnelcli.store.migrations import reached_bit


class Cutoffs(NamedTuple):
    """The instants and the day the rules compare with (storage strings)."""

    today: str  # YYYY-MM-DD, local
    stale: str  # no stage change nor action since then: stale
    contact: str  # created before then, still untouched: never contacted


class RuleStages(NamedTuple):
    """The stage ids the rules need."""

    open_ids: Sequence[int]
    opportunity_ids: Sequence[int]
    won_id: int
    first_id: int
    recorded: bool  # ``leads.reached`` records every stage, lost included


def _in(ids: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in ids) or "NULL"


def lead_rules(stages: RuleStages) -> dict[str, str]:
    """Rule name -> an SQL condition on lead ``l`` (parameters ``:today``, ``:stale`` and
    ``:contact``); each is cheap except the probes of ``never_contacted``, which come last in
    their ``CASE`` so that they run only for leads at the first stage that never moved."""
    is_open = f"l.stage_id IN ({_in(stages.open_ids)})"
    is_opportunity = f"l.stage_id IN ({_in(stages.opportunity_ids)})"
    first = int(stages.first_id)
    first_bit = reached_bit(first)
    # Moves are recorded in ``reached`` when every stage is: a lead whose only bit is the
    # first stage's never moved (a move to the stage a lead is at is refused). Otherwise the
    # history says whether it moved.
    moved = (
        ""
        if stages.recorded
        else " AND NOT EXISTS (SELECT 1 FROM stage_changes c "
        "WHERE c.lead_id = l.id AND c.from_stage_id IS NOT NULL)"
    )
    return {
        "opportunity_without_amount": f"{is_opportunity} AND l.amount_cents IS NULL",
        "opportunity_without_close_date": f"{is_opportunity} AND l.expected_close IS NULL",
        "close_date_passed": f"{is_open} AND l.expected_close < :today",
        "no_next_action": (
            f"CASE WHEN {is_open} THEN l.id NOT IN "
            "(SELECT lead_id FROM follow_ups WHERE done_at IS NULL) END"
        ),
        "stale": (
            f"{is_open} AND l.created_at < :stale AND coalesce(l.last_event_at, '') < :stale"
        ),
        "no_source": "l.source IS NULL",
        "won_without_amount": f"l.stage_id = {int(stages.won_id)} AND l.amount_cents IS NULL",
        # a bit besides the first stage's: it moved
        "never_contacted": (
            f"CASE WHEN l.stage_id = {first} AND l.created_at < :contact "
            f"AND l.reached & ~{first_bit} = 0 "
            "THEN NOT EXISTS (SELECT 1 FROM activities a WHERE a.lead_id = l.id "
            f"AND a.type NOT IN {_NOT_ACTIONS}){moved} END"
        ),
    }


def _params(cutoffs: Cutoffs) -> Mapping[str, str]:
    return cutoffs._asdict()


def flagged_leads(
    conn: sqlite3.Connection, stages: RuleStages, cutoffs: Cutoffs
) -> dict[str, list[int]]:
    """Rule name -> the ids (ascending) of the leads it flags, for every rule of
    :func:`lead_rules`: one scan, each flagged lead returned once with its rules as bits."""
    rules = lead_rules(stages)
    bits = " + ".join(
        f"(CASE WHEN {condition} THEN {1 << i} ELSE 0 END)"
        for i, condition in enumerate(rules.values())
    )
    found: dict[str, list[int]] = {name: [] for name in rules}
    lists = list(found.values())
    rows = conn.execute(
        f"SELECT id, flags FROM (SELECT l.id AS id, {bits} AS flags FROM leads l NOT INDEXED) "
        "WHERE flags <> 0 ORDER BY id",
        _params(cutoffs),
    )
    for lead_id, flags in rows:
        for i, ids in enumerate(lists):
            if flags >> i & 1:
                ids.append(lead_id)
    return found


def flagged_counts(conn: sqlite3.Connection, stages: RuleStages, cutoffs: Cutoffs) -> int:
    """How many (rule, lead) pairs the rules of :func:`lead_rules` flag: one scan, no rows."""
    sums = " + ".join(
        f"coalesce(sum(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"
        for condition in lead_rules(stages).values()
    )
    return int(conn.execute(f"SELECT {sums} FROM leads l", _params(cutoffs)).fetchone()[0])


def _open_emails(open_ids: Sequence[int]) -> str:
    # leads_email_stage holds both columns: the index alone answers, in email order
    return (
        "FROM leads INDEXED BY leads_email_stage "
        f"WHERE email IS NOT NULL AND stage_id IN ({_in(open_ids)}) GROUP BY email "
        "HAVING count(*) > 1"
    )


def duplicate_emails(
    conn: sqlite3.Connection, open_ids: Sequence[int]
) -> list[tuple[str, list[int]]]:
    """Emails shared by several open leads (a returning customer's new deal is not a duplicate
    of the deal already won; a duplicate closed as lost stops counting)."""
    groups = conn.execute(f"SELECT email, group_concat(id) {_open_emails(open_ids)} ORDER BY email")
    return [(email, sorted(int(i) for i in ids.split(","))) for email, ids in groups]


def lead_names(conn: sqlite3.Connection, lead_ids: Sequence[int]) -> dict[int, str]:
    """The name of each of these leads."""
    return dict(conn.execute(f"SELECT id, name FROM leads WHERE id IN ({_in(lead_ids)})"))


def duplicate_count(conn: sqlite3.Connection, open_ids: Sequence[int]) -> int:
    """How many open leads share their email with another open lead."""
    sql = f"SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n {_open_emails(open_ids)})"
    return int(conn.execute(sql).fetchone()[0])


def _snoozed(times: int) -> str:
    # the number is written into the SQL: with 3, SQLite reads the partial index
    # follow_ups_snoozed (made for that threshold) instead of every follow-up
    return f"FROM follow_ups WHERE done_at IS NULL AND snooze_count >= {int(times)}"


def snoozed_often(conn: sqlite3.Connection, times: int) -> list[tuple[int, int]]:
    """(lead id, follow-up id) of open follow-ups pushed back ``times`` times or more."""
    return [
        (lead_id, follow_up_id)
        for lead_id, follow_up_id in conn.execute(
            f"SELECT lead_id, id {_snoozed(times)} ORDER BY lead_id, id"
        )
    ]


def snoozed_lead_count(conn: sqlite3.Connection, times: int) -> int:
    """How many leads have an open follow-up pushed back ``times`` times or more."""
    return int(conn.execute(f"SELECT count(DISTINCT lead_id) {_snoozed(times)}").fetchone()[0])
