"""Open follow-ups as an RFC 5545 calendar, built with ``icalendar`` (escaping, folding, zones).

One ``VEVENT`` per open follow-up (events show in every calendar app; many ignore to-dos):

* ``UID`` is ``follow-up-<id>-<created>@funnelcli``: the id plus the follow-up's creation instant,
  both fixed for its lifetime, so re-importing the file updates the events instead of
  duplicating them, and promises from two different databases do not collide;
* ``SUMMARY`` names the lead and company, then the promise (``SUMMARY`` and ``DESCRIPTION`` in
  the interface's language; the structure the same in both);
* a follow-up without a time is an all-day event (``DTSTART;VALUE=DATE``); a timed one lasts
  30 minutes at its local wall-clock time, with ``TZID`` and a ``VTIMEZONE`` when the local zone
  has an IANA name (``TZ=America/Toronto`` or ``/etc/localtime``), else in UTC.

``icalendar`` is imported here only: the export is the one command that needs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol

from funnelcli.i18n import _
from funnelcli.models import FollowUp, promise_text

PRODID = "-//funnelcli//follow-ups//EN"
CALENDAR_NAME = "funnel follow-ups"
EVENT_LENGTH = timedelta(minutes=30)


class Contact(Protocol):
    """The lead a follow-up was promised to (``store.followups.Contact`` fits)."""

    @property
    def lead_id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def company(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...


Entry = tuple[FollowUp, Contact]


def uid(follow_up_id: int, created_at: str) -> str:
    """A follow-up's stable UID: its id and creation instant (``2026-11-29T14:00:00Z``)."""
    stamp = "".join(ch for ch in created_at if ch.isalnum())
    return f"follow-up-{follow_up_id}-{stamp}@funnelcli"


def summary(f: FollowUp, lead: Contact) -> str:
    """``Anne Roy (Acme): Call back``, in the interface's language (``Anne Roy (Acme) : …``)."""
    who = f"{lead.name} ({lead.company})" if lead.company else lead.name
    return _("{lead}: {promise}").format(lead=who, promise=promise_text(f.text))


def description(f: FollowUp, lead: Contact) -> str:
    lines = [
        promise_text(f.text),
        "",
        _("Lead {id}: {name}").format(id=lead.lead_id, name=lead.name),
    ]
    lines += [value for value in (lead.company, lead.phone, lead.email) if value]
    if f.snooze_count:
        lines.append(_("Snoozed {n}×").format(n=f.snooze_count))
    lines += ["", _("Done? funnel follow-up done {id}").format(id=f.id)]
    return "\n".join(lines)


def local_zone(now: datetime) -> tzinfo | None:
    """The local zone as a named IANA zone (for ``TZID``), or None when it has no usable name."""
    from zoneinfo import ZoneInfo

    name = os.environ.get("TZ", "").strip().removeprefix(":")
    if not name:
        try:
            target = os.path.realpath("/etc/localtime")
        except OSError:
            return None
        marker = "/zoneinfo/"
        if marker not in target:
            return None
        name = target.split(marker, 1)[1]
    try:
        zone = ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return None
    # Trust the name only if it agrees with the clock Python uses (a POSIX TZ string may not).
    if now.astimezone(zone).utcoffset() != now.astimezone().utcoffset():
        return None
    return zone


def _timed(day: date, hhmm: str, zone: tzinfo | None) -> datetime:
    at = time.fromisoformat(hhmm)
    if zone is not None:
        return datetime.combine(day, at, tzinfo=zone)
    return datetime.combine(day, at).astimezone().astimezone(UTC)


def calendar(entries: Iterable[Entry], *, now: datetime) -> bytes:
    """The ``.ics`` bytes of these follow-ups and their leads (``now`` stamps ``DTSTAMP``)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", CALENDAR_NAME)
    zone = local_zone(now)
    stamp = now.astimezone(UTC).replace(microsecond=0)
    for f, lead in entries:
        event = Event()
        event.add("uid", uid(f.id, f.created_at))
        event.add("dtstamp", stamp)
        event.add("summary", summary(f, lead))
        event.add("description", description(f, lead))
        event.add("categories", ["funnel follow-up"])
        day = date.fromisoformat(f.due_date)
        if f.due_time:
            start = _timed(day, f.due_time, zone)
            event.add("dtstart", start)
            event.add("dtend", start + EVENT_LENGTH)
        else:
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("transp", "TRANSPARENT")  # a day's to-do does not block the diary
        cal.add_component(event)
    if zone is not None:
        cal.add_missing_timezones()
    return cal.to_ical()
