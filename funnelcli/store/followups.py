"""SQL for follow-ups (promises) and activities (the log of actions). No business rules here.

A follow-up's due moment is a diary entry in the user's local calendar: ``due_date``
(``YYYY-MM-DD``) and, optionally, ``due_time`` (``HH:MM`` local wall-clock). Both are compared as
text, which orders them correctly because they are zero-padded ISO forms. Open follow-ups are
found through the partial index ``follow_ups_open_due (due_date, due_time) WHERE done_at IS NULL``.

Every function takes the connection of an open transaction (``Tx``).
"""

from collections.abc import Mapping
from typing import Any, NamedTuple

from funnelcli.models import Activity, Contact, FollowUp
from funnelcli.store.connection import Tx

_FOLLOW_UP_COLUMNS = (
    "f.id, f.lead_id, f.text, f.due_date, f.due_time, f.created_at, f.done_at, f.done_note, "
    "f.snooze_count, f.cancel_reason"
)
_SELECT = (
    f"SELECT {_FOLLOW_UP_COLUMNS}, l.name, l.company, l.email, l.phone "
    "FROM follow_ups f JOIN leads l ON l.id = f.lead_id"
)

#: Fields ``update_follow_up`` may change.
EDITABLE = (
    "text", "due_date", "due_time", "done_at", "done_note", "snooze_count", "cancel_reason",
)  # fmt: skip


class FollowUpRow(NamedTuple):
    """A follow-up and the lead it was promised to."""

    follow_up: FollowUp
    lead: Contact


class Cutoff(NamedTuple):
    """A point in the local diary: a date and, optionally, a wall-clock ``HH:MM``."""

    date: str
    time: str | None = None


def _row(values: tuple[Any, ...]) -> FollowUpRow:
    follow_up = FollowUp(*values[:10])
    name, company, email, phone = values[10:]
    return FollowUpRow(follow_up, Contact(follow_up.lead_id, name, company, email, phone))


# --------------------------------------------------------------------------- follow-ups


def insert_follow_up(
    conn: Tx,
    lead_id: int,
    text: str,
    due_date: str,
    due_time: str | None,
    created_at: str,
    *,
    done_at: str | None = None,
    done_note: str | None = None,
) -> int:
    """A new follow-up (``done_at``: one already kept, as an import brings them)."""
    cursor = conn.execute(
        "INSERT INTO follow_ups (lead_id, text, due_date, due_time, created_at, done_at, "
        "done_note) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (lead_id, text, due_date, due_time, created_at, done_at, done_note),
    )
    return int(cursor.lastrowid or 0)


def get_follow_up(conn: Tx, follow_up_id: int) -> FollowUpRow | None:
    found = conn.execute(f"{_SELECT} WHERE f.id = ?", (follow_up_id,)).fetchone()
    return _row(found) if found else None


def update_follow_up(conn: Tx, follow_up_id: int, changes: Mapping[str, Any]) -> None:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable follow-up columns: {sorted(unknown)}")
    if not changes:
        return
    assignments = ", ".join(f"{column} = ?" for column in changes)
    conn.execute(
        f"UPDATE follow_ups SET {assignments} WHERE id = ?", (*changes.values(), follow_up_id)
    )


def snooze_follow_up(conn: Tx, follow_up_id: int, due_date: str, due_time: str | None) -> None:
    """Move the due moment and count one more push-back."""
    conn.execute(
        "UPDATE follow_ups SET due_date = ?, due_time = ?, snooze_count = snooze_count + 1 "
        "WHERE id = ?",
        (due_date, due_time, follow_up_id),
    )


def delete_follow_up(conn: Tx, follow_up_id: int) -> None:
    # activities.follow_up_id is ON DELETE SET NULL: the log of what was done stays.
    conn.execute("DELETE FROM follow_ups WHERE id = ?", (follow_up_id,))


def _due_by(cutoff: Cutoff, params: dict[str, Any], prefix: str, *, inclusive: bool) -> str:
    """Due strictly before ``cutoff`` (``inclusive``: at or before it).

    A follow-up without a time lasts its whole day: it is before a cutoff only when its date is
    earlier (overdue once its day has ended), and at or before one from the start of its day.
    A cutoff without a time means the end of its day.
    """
    params[f"{prefix}_date"] = cutoff.date
    if cutoff.time is None:
        return f"f.due_date {'<=' if inclusive else '<'} :{prefix}_date"
    params[f"{prefix}_time"] = cutoff.time
    same_day = (
        f"(f.due_time IS NULL OR f.due_time <= :{prefix}_time)"
        if inclusive
        else f"f.due_time IS NOT NULL AND f.due_time < :{prefix}_time"
    )
    return f"(f.due_date < :{prefix}_date OR (f.due_date = :{prefix}_date AND {same_day}))"


def select_follow_ups(
    conn: Tx,
    *,
    open_only: bool = True,
    lead_id: int | None = None,
    before: Cutoff | None = None,
    through: Cutoff | None = None,
) -> list[FollowUpRow]:
    """Follow-ups by due date and time (a day's untimed ones first), then id.

    ``before``: due strictly before that point (what is overdue at a moment is
    ``before=Cutoff(today, now's HH:MM)``); ``through``: due at or before it (what falls due soon).
    """
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if open_only:
        clauses.append("f.done_at IS NULL")
    if lead_id is not None:
        clauses.append("f.lead_id = :lead_id")
        params["lead_id"] = lead_id
    if before is not None:
        clauses.append(_due_by(before, params, "before", inclusive=False))
    if through is not None:
        clauses.append(_due_by(through, params, "through", inclusive=True))
    sql = _SELECT
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY f.due_date, f.due_time, f.id"
    return [_row(r) for r in conn.execute(sql, params)]


def count_open_before(conn: Tx, cutoff: Cutoff) -> int:
    """How many open follow-ups are due strictly before ``cutoff`` (uses the partial index)."""
    params: dict[str, Any] = {}
    due = _due_by(cutoff, params, "c", inclusive=False)
    sql = f"SELECT count(*) FROM follow_ups f WHERE f.done_at IS NULL AND {due}"
    return int(conn.execute(sql, params).fetchone()[0])


# --------------------------------------------------------------------------- activities


def insert_activity(
    conn: Tx,
    lead_id: int,
    type_: str,
    text: str | None,
    at: str,
    created_at: str,
    follow_up_id: int | None = None,
) -> int:
    cursor = conn.execute(
        "INSERT INTO activities (lead_id, type, text, at, follow_up_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (lead_id, type_, text, at, follow_up_id, created_at),
    )
    return int(cursor.lastrowid or 0)


def update_activity(conn: Tx, activity_id: int, changes: Mapping[str, Any]) -> None:
    unknown = set(changes) - {"type", "text", "at"}
    if unknown:
        raise ValueError(f"not editable activity columns: {sorted(unknown)}")
    if changes:
        assignments = ", ".join(f"{column} = ?" for column in changes)
        conn.execute(
            f"UPDATE activities SET {assignments} WHERE id = ?", (*changes.values(), activity_id)
        )


def delete_activity(conn: Tx, activity_id: int) -> None:
    conn.execute("DELETE FROM activities WHERE id = ?", (activity_id,))


def get_activity(conn: Tx, activity_id: int) -> Activity | None:
    found = conn.execute(
        "SELECT id, lead_id, type, text, at, follow_up_id FROM activities WHERE id = ?",
        (activity_id,),
    ).fetchone()
    return Activity(*found) if found else None
