"""Report periods: --period forms, --from/--to, defaults, buckets and UTC bounds."""

from __future__ import annotations

from datetime import date

import pytest

from funnelcli import periods
from funnelcli.errors import InvalidDate, UsageError

TODAY = date(2026, 11, 29)  # the suite's frozen "now" (a Sunday), America/Toronto


def span(text: str) -> tuple[str, str, str]:
    p = periods.parse_period(text, today=TODAY)
    return p.start.isoformat(), p.end.isoformat(), p.label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11", ("2026-11-01", "2026-11-30", "2026-11")),
        ("2026-2", ("2026-02-01", "2026-02-28", "2026-02")),
        ("2024-02", ("2024-02-01", "2024-02-29", "2024-02")),  # leap year
        ("2026-Q3", ("2026-07-01", "2026-09-30", "2026-Q3")),
        ("2026-q1", ("2026-01-01", "2026-03-31", "2026-Q1")),
        ("2026Q4", ("2026-10-01", "2026-12-31", "2026-Q4")),
        ("2026", ("2026-01-01", "2026-12-31", "2026")),
        ("this-month", ("2026-11-01", "2026-11-30", "2026-11")),
        ("last-month", ("2026-10-01", "2026-10-31", "2026-10")),
        ("next-month", ("2026-12-01", "2026-12-31", "2026-12")),
        ("this-quarter", ("2026-10-01", "2026-12-31", "2026-Q4")),
        ("last-quarter", ("2026-07-01", "2026-09-30", "2026-Q3")),
        ("next-quarter", ("2027-01-01", "2027-03-31", "2027-Q1")),
        ("This Quarter", ("2026-10-01", "2026-12-31", "2026-Q4")),
        ("this_year", ("2026-01-01", "2026-12-31", "2026")),
        ("last-year", ("2025-01-01", "2025-12-31", "2025")),
        ("ytd", ("2026-01-01", "2026-11-29", "2026 to date")),
        ("last-12-months", ("2025-11-01", "2026-10-31", "last 12 months")),
    ],
)
def test_period_forms(text, expected):
    assert span(text) == expected


def test_next_quarter_crosses_the_year_and_last_month_from_january():
    assert periods.parse_period("next-quarter", today=date(2026, 12, 31)).start == date(2027, 1, 1)
    last = periods.parse_period("last-month", today=date(2027, 1, 15))
    assert (last.start, last.end) == (date(2026, 12, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", "invalid period '2026-13': month 13 is not 1 to 12"),
        ("2026-Q5", "invalid period '2026-Q5': quarter 5 is not 1 to 4"),
        ("1850", "invalid period '1850': year 1850 is out of range"),
        (
            "soon",
            "invalid period 'soon': expected 2026-11, 2026-Q3, 2026, this-month, last-month, "
            "next-month, this-quarter, last-quarter, next-quarter, this-year, last-year, ytd "
            "or last-12-months",
        ),
    ],
)
def test_invalid_periods(text, message):
    with pytest.raises(InvalidDate) as caught:
        periods.parse_period(text, today=TODAY)
    assert caught.value.message == message
    assert caught.value.exit_code == 2


def test_default_is_last_twelve_full_months_plus_the_current_one():
    p = periods.default_period(TODAY)
    assert (p.start, p.end) == (date(2025, 11, 1), date(2026, 11, 30))
    assert len(periods.buckets(p)) == 13


def test_forecast_default_is_this_quarter_and_the_next():
    p = periods.forecast_default(TODAY)
    assert (p.start, p.end) == (date(2026, 10, 1), date(2027, 3, 31))


def test_resolve_from_and_to_accept_dates_and_period_forms():
    p = periods.resolve(None, "2026-03-15", "2026-Q2", today=TODAY)
    assert (p.start, p.end) == (date(2026, 3, 15), date(2026, 6, 30))
    p = periods.resolve(None, "2026-01", None, today=TODAY)  # --to: the default's end
    assert (p.start, p.end) == (date(2026, 1, 1), date(2026, 11, 30))
    p = periods.resolve(None, None, "yesterday", today=TODAY)  # --from: the default's start
    assert (p.start, p.end) == (date(2025, 11, 1), date(2026, 11, 28))
    p = periods.resolve(None, "1 mar", "15/03/2026", today=TODAY, dayfirst=True)
    assert (p.start, p.end) == (date(2026, 3, 1), date(2026, 3, 15))


def test_resolve_errors():
    with pytest.raises(UsageError, match="give --period or --from/--to, not both"):
        periods.resolve("2026", "2026-01-01", None, today=TODAY)
    with pytest.raises(InvalidDate) as caught:
        periods.resolve(None, "2026-05-01", "2026-04-30", today=TODAY)
    assert caught.value.message == (
        "--from 2026-05-01 is after --to 2026-04-30: expected the start of the period before its end"
    )
    with pytest.raises(InvalidDate, match=r"^--from: invalid date 'whenever'"):
        periods.resolve(None, "whenever", None, today=TODAY)


def test_bounds_are_local_midnights_in_utc_across_daylight_saving():
    # Toronto: UTC-4 in summer, UTC-5 in winter; DST ended on 2026-11-01.
    p = periods.parse_period("2026-Q4", today=TODAY)
    assert p.bounds() == ("2026-10-01T04:00:00Z", "2027-01-01T05:00:00Z")
    nov = periods.parse_period("2026-11", today=TODAY)
    assert nov.bounds() == ("2026-11-01T04:00:00Z", "2026-12-01T05:00:00Z")


def test_buckets_by_month_and_quarter_are_clipped_to_the_period():
    p = periods.resolve(None, "2026-02-15", "2026-05-10", today=TODAY)
    months = periods.buckets(p, "month")
    assert [(b.label, b.start.isoformat(), b.end.isoformat()) for b in months] == [
        ("2026-02", "2026-02-15", "2026-02-28"),
        ("2026-03", "2026-03-01", "2026-03-31"),
        ("2026-04", "2026-04-01", "2026-04-30"),
        ("2026-05", "2026-05-01", "2026-05-10"),
    ]
    quarters = periods.buckets(p, "quarter")
    assert [(b.label, b.start.isoformat(), b.end.isoformat()) for b in quarters] == [
        ("2026-Q1", "2026-02-15", "2026-03-31"),
        ("2026-Q2", "2026-04-01", "2026-05-10"),
    ]
    with pytest.raises(UsageError):
        periods.buckets(p, "week")
