"""What the follow-up commands print: the list, and one line (or record) per change.

The JSON/CSV record of a listed follow-up is the follow-up, its lead's contact and where it
stands (overdue, days late): :func:`record`.
"""

from __future__ import annotations

from typing import Any

from funnelcli import records
from funnelcli.i18n import _, ngettext
from funnelcli.i18n.codes import activity_type
from funnelcli.models import (
    CANCEL_REASONS,
    Activity,
    Done,
    FollowUp,
    Item,
    Lead,
    Snoozed,
    activity_text,
    follow_up_ref,
    promise_text,
)
from funnelcli.render import Column, Format, Output, Record


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def record(item: Item, **extra: Any) -> dict[str, Any]:
    """The JSON/CSV shape of a listed follow-up: the follow-up, its lead, where it stands."""
    lead = item.lead
    return records.follow_up(
        item.follow_up,
        lead_name=lead.name,
        company=lead.company,
        email=lead.email,
        phone=lead.phone,
        overdue=item.overdue,
        days_late=item.days_late,
        **extra,
    )


_BLANK = FollowUp(0, 0, "", "", None, "", None, None, 0)
#: CSV columns of listed follow-ups (the header is printed even when nothing is listed).
RECORD_KEYS = tuple(
    records.follow_up(
        _BLANK, lead_name=None, company=None, email=None, phone=None, overdue=None, days_late=None
    )
)


def _due(record: Record) -> str:
    return (
        f"{record['due_date']} {record['due_time']}" if record["due_time"] else record["due_date"]
    )


def _status(record: Record) -> str:
    from funnelcli.dates import format_local

    if record["cancelled_at"]:
        why = CANCEL_REASONS.get(record["cancel_reason"], record["cancel_reason"])
        return _("cancelled {day}: {why}").format(
            day=format_local(record["cancelled_at"], with_time=False), why=_(why) if why else ""
        )
    if record["done_at"]:
        return _("done {day}").format(day=format_local(record["done_at"], with_time=False))
    if record["overdue"]:
        return _("overdue")
    return _("due today") if record["days_late"] == 0 else _("open")


def _snoozed(record: Record) -> str:
    return f"{record['snooze_count']}×" if record["snooze_count"] else ""


def _when(record: Record) -> str:
    late = record["days_late"]
    if record["overdue"]:
        if late == 0:
            return _("late today")
        return ngettext("{n} day late", "{n} days late", late).format(n=late)
    if late == 0:
        return _("due today")
    return _("due tomorrow") if late == -1 else _("due in {n} days").format(n=-late)


def _lead(record: Record) -> str:
    company = f", {record['company']}" if record["company"] else ""
    return f"{record['lead_id']} {record['lead_name']}{company}"


def _ref(record: Record) -> str:
    return follow_up_ref(record["id"])


def _promise(record: Record) -> str:
    return promise_text(record["text"])


def _contact(record: Record) -> str:
    return ", ".join(v for v in (record["phone"], record["email"]) if v)


LIST_COLUMNS = (
    Column("id", "ID", text=_ref, justify="right", no_wrap=True),
    Column("due_date", "Due", text=_due, no_wrap=True),
    Column("status", "Status", text=_status, no_wrap=True),
    Column("lead_id", "Lead", justify="right", no_wrap=True),
    Column("lead_name", "Name", style="bold", cut=True),
    Column("company", "Company", cut=True, drop=1),
    Column("text", "Promise", text=_promise, cut=True),
    Column("snooze_count", "Snoozed", text=_snoozed, justify="right", no_wrap=True),
)

AGENDA_COLUMNS = (
    Column("days_late", "When", text=_when, no_wrap=True),
    Column("due_date", "Due", text=_due, no_wrap=True),
    Column("id", "ID", text=_ref, justify="right", no_wrap=True),
    Column("lead_id", "Lead", text=_lead, cut=True),
    Column("phone", "Contact", text=_contact, keep=True),
    Column("text", "Promise", text=_promise, cut=True),
)


def _lead_text(item: Item) -> str:
    lead = item.lead
    company = f", {lead.company}" if lead.company else ""
    return _("{name} (lead {id}{company})").format(name=lead.name, id=lead.lead_id, company=company)


def _result(out: Output, fmt: Format, text: str, data: Record, plain: str | None = None) -> None:
    """One result: the record for scripts, a sentence for people (``plain`` when piped)."""
    out.result(fmt, data, text if out.terminal or plain is None else plain)


def follow_up_list(out: Output, items: list[Item], fmt: Format, empty: str) -> None:
    rows = [record(item) for item in items]
    if fmt is Format.CSV:
        out.csv(rows, RECORD_KEYS)
    else:
        out.records(rows, LIST_COLUMNS, fmt, empty=empty)


def added(out: Output, item: Item, fmt: Format) -> None:
    f = item.follow_up
    out.committed(_("follow-up {ref} was added").format(ref=follow_up_ref(f.id)), _("its id"))
    text = _("Follow-up {ref} for {lead}: due {due} · {text}").format(
        ref=follow_up_ref(f.id), lead=_lead_text(item), due=item.due, text=promise_text(f.text)
    )
    _result(out, fmt, text, record(item), plain=str(f.id))
    if item.overdue:
        out.warn(
            _("follow-up {ref} is already overdue (due {due})").format(
                ref=follow_up_ref(f.id), due=item.due
            )
        )


def done(out: Output, kept: Done, fmt: Format) -> None:
    item = kept.item
    f = item.follow_up
    out.committed(_("follow-up {ref} was marked done").format(ref=follow_up_ref(f.id)))
    text = _("Follow-up {ref} done: {text} · {lead}").format(
        ref=follow_up_ref(f.id), text=promise_text(f.text), lead=_lead_text(item)
    )
    _result(out, fmt, text, record(item, activity=records.activity(kept.activity)))


def snoozed(out: Output, result: Snoozed, fmt: Format) -> None:
    item = result.item
    f = item.follow_up
    out.committed(
        _("follow-up {ref} was snoozed to {due}").format(ref=follow_up_ref(f.id), due=item.due)
    )
    text = _("Follow-up {ref} snoozed to {due} (was {previous}; snoozed {times}×): {text}").format(
        ref=follow_up_ref(f.id),
        due=item.due,
        previous=result.previous_due,
        times=f.snooze_count,
        text=promise_text(f.text),
    )
    _result(out, fmt, text, record(item, previous_due=result.previous_due))


def edited(out: Output, item: Item, fmt: Format) -> None:
    f = item.follow_up
    out.committed(_("follow-up {ref} was updated").format(ref=follow_up_ref(f.id)))
    text = _("Follow-up {ref} updated: due {due} · {text}").format(
        ref=follow_up_ref(f.id), due=item.due, text=promise_text(f.text)
    )
    _result(out, fmt, text, record(item))


def reopened(out: Output, item: Item, fmt: Format) -> None:
    f = item.follow_up
    out.committed(_("follow-up {ref} was reopened").format(ref=follow_up_ref(f.id)))
    text = _("Follow-up {ref} reopened: due {due} · {text} · {lead}").format(
        ref=follow_up_ref(f.id), due=item.due, text=promise_text(f.text), lead=_lead_text(item)
    )
    _result(out, fmt, text, record(item))
    if item.overdue:
        out.warn(
            _(
                "follow-up {ref} is overdue (due {due}): snooze it with "
                "funnel follow-up snooze {ref} WHEN"
            ).format(ref=follow_up_ref(f.id), due=item.due)
        )


def deleted(out: Output, item: Item, fmt: Format) -> None:
    f = item.follow_up
    out.committed(_("follow-up {ref} was deleted").format(ref=follow_up_ref(f.id)))
    text = _("Deleted follow-up {ref}: {text} · {lead}").format(
        ref=follow_up_ref(f.id), text=promise_text(f.text), lead=_lead_text(item)
    )
    _result(out, fmt, text, record(item))


def logged(out: Output, activity: Activity, lead: Lead, fmt: Format) -> None:
    """``funnel log``: the activity's id (a sentence on a terminal)."""
    from funnelcli.dates import format_local

    out.committed(
        _("activity {activity} was logged on lead {lead}").format(
            activity=activity.id, lead=lead.id
        ),
        _("its id"),
    )
    text = _("Logged {type} on lead {id} {name} ({at})").format(
        type=activity_type(activity.type), id=lead.id, name=lead.name, at=format_local(activity.at)
    )
    data = {**records.activity(activity), "lead_name": lead.name}
    _result(out, fmt, text, data, plain=str(activity.id))


def log_changed(out: Output, activity: Activity, lead: Lead, fmt: Format, verb: str) -> None:
    """``funnel log edit`` / ``log delete``: the action as it now is (or was)."""
    from funnelcli.dates import format_local

    out.committed(
        (
            _("action {id} was updated") if verb == "Updated" else _("action {id} was deleted")
        ).format(id=activity.id)
    )
    said = (
        _("Updated action {id} of lead {lead} {name}: {type} ({at})")
        if verb == "Updated"
        else _("Deleted action {id} of lead {lead} {name}: {type} ({at})")
    )
    text = said.format(
        id=activity.id,
        lead=lead.id,
        name=lead.name,
        type=activity_type(activity.type),
        at=format_local(activity.at),
    ) + (f" · {activity_text(activity)}" if activity.text else "")
    _result(out, fmt, text, {**records.activity(activity), "lead_name": lead.name})
