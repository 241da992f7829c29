"""Follow-up promises: add, list, done, snooze, edit, delete, the overdue agenda, the calendar.

A due moment is a date in the user's local calendar and, optionally, a local wall-clock time —
a diary entry, not an instant, so DST and travel do not move it. At a moment ``now``:

* a follow-up is **overdue** when it is open and its date is before today, or it is due today
  at a time (``HH:MM``) earlier than now's local ``HH:MM``;
* a follow-up due today without a time is *due today*, not overdue, until the day ends.

Writes are one ``BEGIN IMMEDIATE`` transaction each; the overdue agenda and the calendar export
only read (a snapshot that never waits for, nor takes, the write lock).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from funnelcli import dates
from funnelcli.errors import NotFoundError, UsageError
from funnelcli.i18n import _
from funnelcli.models import Done, Item, Snoozed, due_text, follow_up_ref, promise_text
from funnelcli.services.lookup import resolve
from funnelcli.services.moves import event_moment
from funnelcli.store import Tx
from funnelcli.store import followups as fq
from funnelcli.store import queries as q
from funnelcli.store.followups import Cutoff, FollowUpRow

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.dates import When
    from funnelcli.store import Store

#: The activity type recorded when a promise is kept.
DONE_ACTIVITY = "follow-up"

ONE_DAY = timedelta(days=1)


# --------------------------------------------------------------------------- pure rules


def cutoff_at(now: datetime) -> Cutoff:
    """The diary point of a moment: its local date and ``HH:MM``."""
    moment = now.astimezone()
    return Cutoff(moment.date().isoformat(), moment.strftime("%H:%M"))


def is_overdue(due_date: str, due_time: str | None, now: datetime) -> bool:
    """Open and due before ``now`` in the local diary (untimed: once its day has ended)."""
    cut = cutoff_at(now)
    return due_date < cut.date or (
        due_date == cut.date and due_time is not None and due_time < (cut.time or "")
    )


def days_late(due_date: str, now: datetime) -> int:
    """Calendar days from the due date to today (negative: due ahead). DST-proof."""
    return (now.astimezone().date() - date.fromisoformat(due_date)).days


def _due_parts(when: When) -> tuple[str, str | None]:
    return when.date.isoformat(), when.time.strftime("%H:%M") if when.time else None


def _text(value: str | None) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise UsageError(_("a follow-up needs a text: what was promised?"))
    return text


def parse_id(value: str | int) -> int:
    """A follow-up id as typed on the command line: ``F3`` as funnel shows it, ``3`` or ``#3``."""
    text = str(value).strip().removeprefix("#")
    if text[:1] in ("F", "f"):
        text = text[1:]
    if not text.isdigit() or len(text) > 18:
        raise UsageError(
            _("invalid follow-up id {value!r}: expected F12 or 12").format(value=str(value)),
            hint=_("see the ids with: funnel follow-up list --all"),
        )
    return int(text)


# --------------------------------------------------------------------------- results


def as_item(row: FollowUpRow, now: datetime) -> Item:
    f = row.follow_up
    overdue = f.done_at is None and is_overdue(f.due_date, f.due_time, now)
    return Item(f, row.lead, overdue, days_late(f.due_date, now))


# --------------------------------------------------------------------------- helpers


def _now(now: datetime | None) -> datetime:
    return (now or dates.now()).astimezone()


def get_row(conn: Tx, follow_up_id: int) -> FollowUpRow:
    row = fq.get_follow_up(conn, follow_up_id)
    if row is None:
        raise NotFoundError(
            _("no follow-up {ref}").format(ref=follow_up_ref(follow_up_id)),
            hint=_("see the ids with: funnel follow-up list --all"),
        )
    return row


def _reload(conn: Tx, follow_up_id: int, now: datetime) -> Item:
    return as_item(get_row(conn, follow_up_id), now)


def _refuse_done(row: FollowUpRow, action: str) -> None:
    """``action``: ``nothing to do`` (done) or ``nothing to snooze`` (snooze)."""
    f = row.follow_up
    if f.done_at is not None:
        said = {
            ("done", "nothing to do"): _("follow-up {ref} is already done ({day}): nothing to do"),
            ("done", "nothing to snooze"): _(
                "follow-up {ref} is already done ({day}): nothing to snooze"
            ),
            ("cancelled", "nothing to do"): _(
                "follow-up {ref} is already cancelled ({day}): nothing to do"
            ),
            ("cancelled", "nothing to snooze"): _(
                "follow-up {ref} is already cancelled ({day}): nothing to snooze"
            ),
        }[(f.status, action)]
        ref = follow_up_ref(f.id)
        raise UsageError(
            said.format(ref=ref, day=dates.format_local(f.done_at)),
            hint=_("to open it again: funnel follow-up reopen {ref}").format(ref=ref),
        )


# --------------------------------------------------------------------------- use cases


def add(store: Store, lead_ref: str, text: str, due: When, *, now: datetime | None = None) -> Item:
    """Record a promise made to a lead, due on a date (optionally at a time)."""
    now = _now(now)
    text = _text(text)
    due_date, due_time = _due_parts(due)
    with store.write() as conn:
        lead = resolve(conn, lead_ref)
        new_id = fq.insert_follow_up(conn, lead.id, text, due_date, due_time, dates.to_storage(now))
        return _reload(conn, new_id, now)


def list_follow_ups(
    store: Store,
    *,
    include_done: bool = False,
    lead_ref: str | None = None,
    due_before: When | None = None,
    now: datetime | None = None,
) -> list[Item]:
    """Open follow-ups (or all of them) by due date; optionally one lead's, or due before WHEN."""
    now = _now(now)
    before = Cutoff(*_due_parts(due_before)) if due_before is not None else None
    with store.read() as conn:
        lead_id = resolve(conn, lead_ref).id if lead_ref is not None else None
        rows = fq.select_follow_ups(
            conn, open_only=not include_done, lead_id=lead_id, before=before
        )
    return [as_item(row, now) for row in rows]


def completions(store: Store, incomplete: str, limit: int = 50) -> list[tuple[str, str]]:
    """Open follow-ups (by due date) whose id starts as typed, for shell completion: ``F12``
    as funnel shows them, or ``12`` when the user started with a digit."""
    prefix = "" if incomplete[:1].isdigit() else "F"
    digits = incomplete.lstrip("Ff#")
    found = []
    for item in list_follow_ups(store):
        ident = str(item.follow_up.id)
        if ident.startswith(digits):
            f = item.follow_up
            found.append(
                (f"{prefix}{ident}", f"{f.due_date} · {promise_text(f.text)} · {item.lead.name}")
            )
    return found[:limit]


def done(
    store: Store,
    follow_up_id: int,
    *,
    note: str | None = None,
    at: datetime | None = None,
    now: datetime | None = None,
) -> Done:
    """Mark a promise kept and log it on the lead as a ``follow-up`` activity (one transaction)."""
    from funnelcli.text import clean

    now = _now(now)
    note = clean(note)
    with store.write() as conn:
        row = get_row(conn, follow_up_id)
        _refuse_done(row, "nothing to do")
        f = row.follow_up
        lead = q.get_lead(conn, f.lead_id)
        assert lead is not None  # a foreign key guarantees it
        stamp = event_moment(conn, lead, at, now=now)
        fq.update_follow_up(conn, f.id, {"done_at": stamp, "done_note": note})
        activity_id = fq.insert_activity(
            conn,
            f.lead_id,
            DONE_ACTIVITY,
            f"{f.text} — {note}" if note else f.text,
            stamp,
            dates.to_storage(now),
            follow_up_id=f.id,
        )
        activity = fq.get_activity(conn, activity_id)
        assert activity is not None
        return Done(_reload(conn, f.id, now), activity)


def snooze(store: Store, follow_up_id: int, due: When, *, now: datetime | None = None) -> Snoozed:
    """Push a promise back to a new due moment; counts how often it was pushed back."""
    now = _now(now)
    due_date, due_time = _due_parts(due)
    with store.write() as conn:
        row = get_row(conn, follow_up_id)
        _refuse_done(row, "nothing to snooze")
        if is_overdue(due_date, due_time, now):
            raise UsageError(
                _("cannot snooze follow-up {ref} to {due}: that is in the past (now {now})").format(
                    ref=follow_up_ref(follow_up_id),
                    due=due_text(due_date, due_time),
                    now=f"{now:%Y-%m-%d %H:%M}",
                )
            )
        previous = row.follow_up.due
        fq.snooze_follow_up(conn, follow_up_id, due_date, due_time)
        return Snoozed(_reload(conn, follow_up_id, now), previous)


def edit(
    store: Store,
    follow_up_id: int,
    *,
    text: str | None = None,
    due: When | None = None,
    now: datetime | None = None,
) -> Item:
    """Correct a follow-up's text or due moment (a correction is not a snooze: no count)."""
    now = _now(now)
    if text is None and due is None:
        raise UsageError(_("nothing to change: give --text and/or --due"))
    changes: dict[str, str | None] = {}
    if text is not None:
        changes["text"] = _text(text)
    if due is not None:
        changes["due_date"], changes["due_time"] = _due_parts(due)
    with store.write() as conn:
        get_row(conn, follow_up_id)
        fq.update_follow_up(conn, follow_up_id, changes)
        return _reload(conn, follow_up_id, now)


def delete(store: Store, follow_up_id: int, *, now: datetime | None = None) -> Item:
    """Delete a follow-up entered by mistake; activities that kept it stay in the log."""
    now = _now(now)
    with store.write() as conn:
        item = as_item(get_row(conn, follow_up_id), now)
        fq.delete_follow_up(conn, follow_up_id)
        return item


# --------------------------------------------------------------------------- the agenda


def horizon(now: datetime, within: timedelta) -> Cutoff:
    """The end of ``--within``: whole days reach the end of a calendar day (``0d``: today,
    ``2d``: the day after tomorrow); a duration with hours reaches that wall-clock moment."""
    moment = now.astimezone()
    if within % ONE_DAY == timedelta(0):
        return Cutoff((moment.date() + within).isoformat())
    # Wall-clock arithmetic: a promise is a diary entry, so "in 6 hours" is read on the clock.
    ahead = moment.replace(tzinfo=None) + within
    return Cutoff(ahead.date().isoformat(), ahead.strftime("%H:%M"))


def overdue(
    store: Store, *, within: timedelta | None = None, now: datetime | None = None
) -> list[Item]:
    """Overdue follow-ups, oldest first; with ``within``, also those falling due by then.

    Reads a snapshot: it neither waits for nor takes the write lock.
    """
    now = _now(now)
    with store.read() as conn:
        if within is None:
            rows = fq.select_follow_ups(conn, before=cutoff_at(now))
        else:
            rows = fq.select_follow_ups(conn, through=horizon(now, within))
    items = [as_item(row, now) for row in rows]
    if within is not None:  # ``through`` also covers what is overdue; keep overdue ones first
        items.sort(key=lambda item: not item.overdue)
    return items


def overdue_count(conn: Tx, now: datetime) -> int:
    """How many open follow-ups are overdue at ``now`` (an aware local datetime)."""
    return fq.count_open_before(conn, cutoff_at(now))


def export_calendar(store: Store) -> bytes:
    """The open follow-ups as an RFC 5545 calendar (``.ics`` bytes), one event each."""
    from funnelcli import ics

    now = _now(None)
    with store.read() as conn:
        rows = fq.select_follow_ups(conn)
    return ics.calendar([(row.follow_up, row.lead) for row in rows], now=now)
