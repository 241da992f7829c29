"""The follow-up calendar (RFC 5545), parsed back with ``icalendar``.

``export_calendar(store)`` is what ``funnel export follow-ups --format ics`` writes.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar

from funnelcli.services.followups import export_calendar
from funnelcli.store import open_db


@pytest.fixture
def promises(funnel):
    funnel(
        "add", "Marie Tremblay", "--company", "Acme; Fils, inc.", "--email", "marie@acme.ca",
        "--phone", "514-555-0101", "--at", "2026-11-01",
    )  # fmt: skip
    funnel("add", "Jean Roy", "--at", "2026-11-01")
    funnel("promise", "1", "Send the quote, v2; with the discount — é", "--due", "2026-12-01")  # 1
    funnel("promise", "2", "Call back", "--due", "2026-12-01 14:00")  # 2
    funnel("promise", "2", "Summer check-in", "--due", "2027-07-01 14:00")  # 3 (EDT)
    funnel("promise", "1", "Already done", "--due", "2026-11-20")  # 4
    funnel("follow-up", "done", "4")


def export(db_path) -> bytes:
    store = open_db(db_path)
    try:
        return export_calendar(store)
    finally:
        store.close()


def events(data: bytes):
    return {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def test_one_event_per_open_follow_up(db_path, promises):
    data = export(db_path)
    cal = Calendar.from_ical(data)
    assert str(cal["PRODID"]) == "-//funnelcli//follow-ups//EN"
    assert str(cal["VERSION"]) == "2.0"
    found = events(data)
    assert sorted(found) == [
        "follow-up-1-20261129T140000Z@funnelcli",
        "follow-up-2-20261129T140000Z@funnelcli",
        "follow-up-3-20261129T140000Z@funnelcli",
    ]
    first = found["follow-up-1-20261129T140000Z@funnelcli"]
    assert str(first["SUMMARY"]) == (
        "Marie Tremblay (Acme; Fils, inc.): Send the quote, v2; with the discount — é"
    )
    description = str(first["DESCRIPTION"])
    assert "Lead 1: Marie Tremblay" in description
    assert "514-555-0101" in description and "marie@acme.ca" in description
    assert "funnel follow-up done 1" in description
    assert first["DTSTAMP"].dt == datetime(2026, 11, 29, 14, 0, tzinfo=UTC)


def test_all_day_follow_ups_are_dates(db_path, promises):
    event = events(export(db_path))["follow-up-1-20261129T140000Z@funnelcli"]
    assert event["DTSTART"].dt == date(2026, 12, 1)
    assert not isinstance(event["DTSTART"].dt, datetime)
    assert event["DTEND"].dt == date(2026, 12, 2)
    assert b"DTSTART;VALUE=DATE:20261201" in export(db_path)


def test_timed_follow_ups_carry_the_local_zone(db_path, promises):
    data = export(db_path)
    found = events(data)
    winter = found["follow-up-2-20261129T140000Z@funnelcli"]["DTSTART"].dt
    summer = found["follow-up-3-20261129T140000Z@funnelcli"]["DTSTART"].dt
    assert str(winter.tzinfo) == "America/Toronto"
    assert winter.astimezone(UTC) == datetime(2026, 12, 1, 19, 0, tzinfo=UTC)  # EST
    assert summer.astimezone(UTC) == datetime(2027, 7, 1, 18, 0, tzinfo=UTC)  # EDT
    end = found["follow-up-2-20261129T140000Z@funnelcli"]["DTEND"].dt
    assert (end - winter).total_seconds() == 30 * 60
    assert b"DTSTART;TZID=America/Toronto:20261201T140000" in data
    assert [str(tz["TZID"]) for tz in Calendar.from_ical(data).walk("VTIMEZONE")] == [
        "America/Toronto"
    ]


def test_without_a_named_zone_times_are_utc(db_path, promises, monkeypatch):
    monkeypatch.setenv("TZ", "EST5EDT,M3.2.0,M11.1.0")  # a POSIX rule, not an IANA name
    time.tzset()
    data = export(db_path)
    event = events(data)["follow-up-2-20261129T140000Z@funnelcli"]
    assert event["DTSTART"].dt == datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    assert b"DTSTART:20261201T190000Z" in data
    assert b"VTIMEZONE" not in data


def test_uids_are_stable_so_reimporting_updates(funnel, db_path, promises):
    first = events(export(db_path))
    funnel("follow-up", "snooze", "1", "2026-12-08")
    funnel("follow-up", "edit", "2", "--text", "Call back about pricing")
    funnel("promise", "2", "New one", "--due", "2026-12-10", env={"FUNNEL_NOW": "2026-11-30"})
    second = events(export(db_path))
    assert set(first) < set(second)
    assert set(second) - set(first) == {"follow-up-5-20261130T050000Z@funnelcli"}
    uid1 = "follow-up-1-20261129T140000Z@funnelcli"
    assert (first[uid1]["DTSTART"].dt, second[uid1]["DTSTART"].dt) == (
        date(2026, 12, 1),
        date(2026, 12, 8),
    )
    uid2 = "follow-up-2-20261129T140000Z@funnelcli"
    assert str(second[uid2]["SUMMARY"]) == "Jean Roy: Call back about pricing"
    funnel("follow-up", "done", "1")
    assert uid1 not in events(export(db_path))


def test_file_is_well_formed_rfc5545(db_path, promises):
    data = export(db_path)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)  # folded at 75 octets
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_empty_calendar(db_path, funnel):
    cal = Calendar.from_ical(export(db_path))
    assert cal.walk("VEVENT") == []
