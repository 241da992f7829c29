"""money.py: amounts as people and spreadsheets write them -> exact cents."""

from __future__ import annotations

import pytest
from helpers import rows
from hypothesis import given
from hypothesis import strategies as st

from funnelcli.errors import InvalidAmount
from funnelcli.money import MAX_CENTS, Money, format_money, parse_amount, parse_currency, to_decimal


@pytest.mark.parametrize(
    ("text", "cents", "currency"),
    [
        ("1234.5", 123450, None),
        ("1234", 123400, None),
        ("1,234.50", 123450, None),
        ("1 234,50 $", 123450, None),
        ("$1,234.50", 123450, None),
        ("1 234,50 €", 123450, "EUR"),
        ("1\u00a0234,50\u00a0$", 123450, None),  # non-breaking spaces (French Excel)
        ("1\u202f234,50 €", 123450, "EUR"),  # narrow no-break space
        ("12 000,00 $", 1200000, None),
        ("1.234.567,89", 123456789, None),
        ("1,234,567.89", 123456789, None),
        ("0,5", 50, None),
        ("12,5", 1250, None),
        ("CAD 1200", 120000, "CAD"),
        ("1200 usd", 120000, "USD"),
        ("US$5", 500, "USD"),
        ("CA$ 99.99", 9999, "CAD"),
        ("£10", 1000, "GBP"),
        ("1234.5000", 123450, None),  # trailing zeros past the cent are exact
        ("+15", 1500, None),
        ("0", 0, None),
    ],
)
def test_amount_forms(text, cents, currency):
    assert parse_amount(text) == Money(cents, currency)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "expected a number"),
        ("abc", "expected a number"),
        ("12abc", "expected a number"),
        ("-5", "cannot be negative"),
        ("(5.00)", "cannot be negative"),
        ("1.234", "ambiguous amount"),  # a thousands '.' or three decimals: refused
        ("0,125", "more than two decimals"),
        ("1,23,456", "thousands separators"),
        ("1e5", "expected a number"),
        ("NaN", "expected a number"),
        ("999999999999999", "too large"),
    ],
)
def test_bad_amounts_raise_the_typed_error(text, reason):
    with pytest.raises(InvalidAmount) as exc:
        parse_amount(text)
    assert reason in exc.value.message
    assert repr(text) in exc.value.message


@given(st.text(max_size=30))
def test_any_string_parses_or_raises_invalid_amount(text):
    try:
        money = parse_amount(text)
    except InvalidAmount:
        return
    assert isinstance(money.cents, int)
    assert 0 <= money.cents <= MAX_CENTS


@given(st.integers(min_value=0, max_value=MAX_CENTS))
def test_decimal_text_round_trips_exactly(cents):
    assert parse_amount(to_decimal(cents)).cents == cents
    assert parse_amount(format_money(cents)).cents == cents


def test_formatting():
    assert to_decimal(123450) == "1234.50"
    assert to_decimal(None) is None
    assert format_money(1200000, "CAD") == "12,000.00 CAD"
    assert format_money(None, "CAD") == ""


def test_currency_codes():
    assert parse_currency("cad") == "CAD"
    assert parse_currency("€") == "EUR"
    with pytest.raises(InvalidAmount):
        parse_currency("dollars")


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        # One '.' before exactly three digits: 1005 in German writing, 1.005 in English.
        (
            "1.005",
            "ambiguous amount '1.005': '.' before three digits could group thousands or be "
            "the decimal point",
            "write 1005 or 1,005 for 1005, or at most two decimals",
        ),
        (
            "12.500 €",
            "ambiguous amount '12.500 €': '.' before three digits could group thousands or be "
            "the decimal point",
            "write 12500 or 12,500 for 12500, or at most two decimals",
        ),
        # No thousands reading (a leading zero groups nothing): three decimals, refused too.
        (
            "0.001",
            "invalid amount '0.001': more than two decimals (amounts are kept in cents)",
            None,
        ),
    ],
)
def test_a_dot_before_three_digits_is_refused_not_guessed(text, message, hint):
    with pytest.raises(InvalidAmount) as exc:
        parse_amount(text)
    assert (exc.value.message, exc.value.hint) == (message, hint)


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1,005", 100500),  # a lone ',' before three digits groups thousands
        ("1.005,00", 100500),  # both separators: the last one is the decimal point
        ("1.234.567", 123456700),  # two '.' groups: thousands
        ("0.500", 50),  # a leading zero: decimals (the third one is a zero)
        ("1.50", 150),
    ],
)
def test_unambiguous_neighbours_of_the_rule_still_parse(text, cents):
    assert parse_amount(text).cents == cents


def test_the_cli_refuses_the_ambiguous_amount_and_writes_nothing(funnel, db_path):
    result = funnel("add", "Acme", "--amount", "1.005", code=2)
    assert result.stderr == (
        "Error: --amount: ambiguous amount '1.005': '.' before three digits could group "
        "thousands or be the decimal point\n"
        "Hint: write 1005 or 1,005 for 1005, or at most two decimals\n"
    )
    assert not db_path.exists() or rows(db_path, "SELECT id FROM leads") == []
