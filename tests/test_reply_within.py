"""``--reply-within``: business days or a duration; ``1bd`` (the default) is read without
compiling the pattern, and that shortcut must agree with it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnelcli.dates import business
from funnelcli.dates.business import Within, parse_within
from funnelcli.errors import InvalidDate
from funnelcli.text import fold


def by_pattern(text: str) -> Within | None:
    found = re.match(business._BUSINESS, fold(text))
    return Within(int(found[1])) if found else None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1bd", Within(1)),
        (" 12bd ", Within(12)),
        ("3 BD", Within(3)),
        ("2 business days", Within(2)),
        ("3 jours ouvrables", Within(3)),
        ("4h", Within(None, timedelta(hours=4))),
        ("2d", Within(None, timedelta(days=2))),
    ],
)
def test_delays(text, expected):
    assert parse_within(text) == expected


@pytest.mark.parametrize("text", ["bd", "1234bd", " 12", "12", "-1bd", "1.5bd", ""])
def test_not_delays(text):
    with pytest.raises(InvalidDate, match="invalid delay"):
        parse_within(text)


@given(st.text(alphabet="0123456789bdBD -٣", max_size=7))
def test_the_shortcut_agrees_with_the_pattern(text):
    expected = by_pattern(text)
    if expected is not None:
        assert parse_within(text) == expected
    else:
        try:
            found = parse_within(text)
        except InvalidDate:
            return
        assert found.business_days is None  # a duration, never business days
