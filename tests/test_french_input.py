"""French words people type for dates and periods (issue 19, item 4), whatever the interface's
language: dates and periods are read the same in English and in French."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from funnelcli import dates, periods

WEDNESDAY = datetime(2026, 12, 2, 10, 0).astimezone()


@pytest.mark.parametrize(
    ("text", "day", "at"),
    [
        ("après-demain", date(2026, 12, 4), None),
        ("apres demain", date(2026, 12, 4), None),
        ("midi", date(2026, 12, 2), "12:00"),
        ("demain midi", date(2026, 12, 3), "12:00"),
        ("vendredi à midi", date(2026, 12, 4), "12:00"),
        ("fin de semaine", date(2026, 12, 4), None),
        ("fin du mois", date(2026, 12, 31), None),
        ("+2s", date(2026, 12, 16), None),
        ("+3j", date(2026, 12, 5), None),
        ("dans 2 semaines", date(2026, 12, 16), None),
        ("la semaine prochaine", date(2026, 12, 7), None),
        ("lundi prochain", date(2026, 12, 7), None),
    ],
)
def test_french_dates(text, day, at):
    when = dates.parse_when(text, ref=WEDNESDAY, prefer="future")
    assert when.date == day
    assert (when.time.strftime("%H:%M") if when.time else None) == at


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("ce mois", date(2026, 12, 1), date(2026, 12, 31)),
        ("ce-mois", date(2026, 12, 1), date(2026, 12, 31)),
        ("le mois dernier", date(2026, 11, 1), date(2026, 11, 30)),
        ("le mois prochain", date(2027, 1, 1), date(2027, 1, 31)),
        ("ce trimestre", date(2026, 10, 1), date(2026, 12, 31)),
        ("le trimestre prochain", date(2027, 1, 1), date(2027, 3, 31)),
        ("le trimestre dernier", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-T3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026t3", date(2026, 7, 1), date(2026, 9, 30)),
        ("cette année", date(2026, 1, 1), date(2026, 12, 31)),
        ("l'année dernière", date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_french_periods(text, start, end):
    found = periods.parse_period(text, today=date(2026, 12, 2))
    assert (found.start, found.end) == (start, end)


def test_a_french_period_on_the_command_line(funnel):
    funnel("add", "Marie", "--at", "2026-08-15")
    report = funnel("report", "monthly", "--period", "2026-T3", "-f", "json").stdout
    assert '"from": "2026-07-01"' in report and '"to": "2026-09-30"' in report
