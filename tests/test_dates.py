"""dates.py: "now", human date forms, storage format. Reference: Sunday 2026-11-29 09:00 Toronto."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnelcli import dates
from funnelcli.errors import InvalidDate

REF = datetime(2026, 11, 29, 9, 0).astimezone()  # conftest fixes TZ=America/Toronto


def when(text: str, **kwargs) -> dates.When:
    return dates.parse_when(text, ref=REF, **kwargs)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", dates.When(date(2026, 12, 1))),
        ("2026-12-01T14:30", dates.When(date(2026, 12, 1), time(14, 30))),
        ("2026-12-01 14:30", dates.When(date(2026, 12, 1), time(14, 30))),
        # an instant with an offset is converted to local time (UTC-5 in December)
        ("2026-12-01T15:00:00Z", dates.When(date(2026, 12, 1), time(10, 0))),
        ("today", dates.When(date(2026, 11, 29))),
        ("Tomorrow", dates.When(date(2026, 11, 30))),
        ("yesterday", dates.When(date(2026, 11, 28))),
        ("+3d", dates.When(date(2026, 12, 2))),
        ("-2w", dates.When(date(2026, 11, 15))),
        ("+1m", dates.When(date(2026, 12, 29))),
        ("in 2 weeks", dates.When(date(2026, 12, 13))),
        ("in 3 days", dates.When(date(2026, 12, 2))),
        ("3 days ago", dates.When(date(2026, 11, 26))),
        ("next monday", dates.When(date(2026, 11, 30))),
        ("friday", dates.When(date(2026, 12, 4))),
        ("sunday", dates.When(date(2026, 12, 6))),  # today is Sunday: the next one
        ("last friday", dates.When(date(2026, 11, 27))),
        ("1 dec", dates.When(date(2026, 12, 1))),
        ("dec 1 2026", dates.When(date(2026, 12, 1))),
        ("December 1st, 2027", dates.When(date(2027, 12, 1))),
        ("15 mars 2026", dates.When(date(2026, 3, 15))),
        ("1er décembre", dates.When(date(2026, 12, 1))),
        ("15/03/2026", dates.When(date(2026, 3, 15))),  # 15 > 12: unambiguous
        ("2026/03/15", dates.When(date(2026, 3, 15))),
        ("tomorrow 14:00", dates.When(date(2026, 11, 30), time(14, 0))),
        ("friday at 9am", dates.When(date(2026, 12, 4), time(9, 0))),
        ("demain 14h30", dates.When(date(2026, 11, 30), time(14, 30))),
        ("lundi prochain", dates.When(date(2026, 11, 30))),
        ("5pm", dates.When(date(2026, 11, 29), time(17, 0))),
        ("in 2 hours", dates.When(date(2026, 11, 29), time(11, 0))),
    ],
)
def test_forms(text, expected):
    assert when(text) == expected


def test_year_less_dates_follow_the_preferred_direction():
    assert when("15 mar").date == date(2026, 3, 15)
    assert when("15 mar", prefer="future").date == date(2027, 3, 15)
    assert when("15 dec", prefer="past").date == date(2025, 12, 15)


def test_iso_first_even_with_dayfirst():
    # dateutil with dayfirst=True would read 2026-04-03 as March 4th
    assert when("2026-04-03", dayfirst=True).date == date(2026, 4, 3)


def test_slashed_dates_need_an_order_when_ambiguous():
    with pytest.raises(InvalidDate) as exc:
        when("03/04/2026")
    assert exc.value.message == "ambiguous date '03/04/2026': day or month first?"
    assert "--dayfirst" in exc.value.hint
    assert when("03/04/2026", dayfirst=True).date == date(2026, 4, 3)
    assert when("03/04/2026", dayfirst=False).date == date(2026, 3, 4)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "nonsense",
        "32/01/2026",
        "2026-02-30",
        "0099-01-01",
        "in 3 parsecs",
        "25:00",
        "+3x",
    ],
)
def test_invalid_dates_raise_the_typed_error(text):
    with pytest.raises(InvalidDate):
        when(text)


def test_invalid_date_message_names_value_and_expectation():
    with pytest.raises(InvalidDate) as exc:
        when("someday")
    assert exc.value.message.startswith("invalid date 'someday': expected an ISO date")


@given(st.text(max_size=40))
def test_any_string_parses_or_raises_invalid_date(text):
    try:
        result = dates.parse_when(text, ref=REF)
    except InvalidDate:
        return
    assert dates.MIN_YEAR <= result.date.year <= dates.MAX_YEAR


def test_funnel_now_freezes_now(monkeypatch):
    monkeypatch.setenv("FUNNEL_NOW", "2027-01-02T03:04:05")
    assert dates.now() == datetime(2027, 1, 2, 3, 4, 5).astimezone()
    monkeypatch.setenv("FUNNEL_NOW", "2027-01-02")
    assert dates.today() == date(2027, 1, 2)


def test_bad_funnel_now_is_a_usage_error(monkeypatch):
    monkeypatch.setenv("FUNNEL_NOW", "soon")
    with pytest.raises(InvalidDate) as exc:
        dates.now()
    assert exc.value.message == "FUNNEL_NOW='soon' is not an ISO date or datetime"


def test_storage_is_utc_and_display_is_local():
    moment = datetime(2026, 11, 29, 9, 0).astimezone()
    assert dates.to_storage(moment) == "2026-11-29T14:00:00Z"
    assert dates.format_local("2026-11-29T14:00:00Z") == "2026-11-29 09:00"
    # summer time: UTC-4
    assert dates.format_local("2026-07-01T14:00:00Z") == "2026-07-01 10:00"


def test_parse_moment_date_only_means_start_of_day_or_now_for_today():
    assert dates.parse_moment("2026-11-20", ref=REF) == datetime(2026, 11, 20).astimezone()
    assert dates.parse_moment("today", ref=REF) == REF


def test_weekdays_look_back_for_past_moments():
    # REF is Sunday 2026-11-29: "friday" as a due date is ahead, as --at it is behind
    assert dates.parse_date("friday", ref=REF) == date(2026, 12, 4)
    assert (
        dates.parse_moment("friday 16:15", ref=REF) == datetime(2026, 11, 27, 16, 15).astimezone()
    )
    assert dates.parse_moment("sunday", ref=REF) == REF


def test_parse_moment_refuses_the_future():
    with pytest.raises(InvalidDate) as exc:
        dates.parse_moment("tomorrow", ref=REF)
    assert "is in the future" in exc.value.message


def test_parse_duration():
    assert dates.parse_duration("2d") == timedelta(days=2)
    assert dates.parse_duration("1w") == timedelta(weeks=1)
    assert dates.parse_duration("12 hours") == timedelta(hours=12)
    with pytest.raises(InvalidDate):
        dates.parse_duration("2 months")


# Grammar-shaped inputs reach the parser's corners (huge offsets, odd separators) that random
# text almost never does.
NUMBERS = st.integers(min_value=0, max_value=10**6).map(str) | st.sampled_from(
    ["0", "00", "12", "13", "31", "99", "2026", "9999"]
)
WORDS = st.sampled_from(
    ["+", "-", "in", "ago", "il y a", "d", "w", "m", "y", "h", "days", "weeks", "months", "years",
     "hours", "ans", "jours", "today", "tomorrow", "next", "last", "friday", "lundi", "dec",
     "mars", "1er", "at", "à", "am", "pm", "h", ":", "/", ".", "-", "T", "Z", "+05:00", " "]
)  # fmt: skip
GRAMMAR = st.lists(NUMBERS | WORDS, min_size=1, max_size=6).map(
    lambda parts: " ".join(parts)
) | st.lists(NUMBERS | WORDS, min_size=1, max_size=6).map("".join)


@given(GRAMMAR)
def test_grammar_shaped_dates_parse_or_raise_invalid_date(text):
    for parse in (
        lambda t: dates.parse_when(t, ref=REF),
        lambda t: dates.parse_when(t, ref=REF, prefer="future", dayfirst=True),
        lambda t: dates.parse_moment(t, ref=REF),
    ):
        try:
            result = parse(text)
        except InvalidDate:
            continue
        year = result.year if isinstance(result, datetime) else result.date.year
        assert dates.MIN_YEAR <= year <= dates.MAX_YEAR


@given(GRAMMAR | st.text(max_size=20))
def test_durations_parse_or_raise_invalid_date(text):
    with contextlib.suppress(InvalidDate):
        assert dates.parse_duration(text) >= timedelta(0)


def test_compact_iso_date_is_a_date_not_midnight():
    assert when("20261201") == dates.When(date(2026, 12, 1))
