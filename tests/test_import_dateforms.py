"""Date forms real exports write (issue 14, item 7): month names with times and seconds, ISO
with offsets and fractions, Excel serial day numbers; errors show the cell as written.

The suite's zone is America/Toronto: UTC-4 in April (EDT), UTC-5 in March and January (EST)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import rows


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("  line ")]


def created(funnel, db_path: Path, tmp_path: Path, cell: str) -> str:
    path = write(tmp_path, f'Name,Created Time\nAl,"{cell}"\n')
    funnel("import", path)
    return rows(db_path, "SELECT created_at FROM leads")[0]["created_at"]


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("15 Apr, 2021 00:03:00", "2021-04-15T04:03:00Z"),  # Zoho
        ("15 Apr 2021 10:45:12", "2021-04-15T14:45:12Z"),
        ("Apr 15, 2021 2:30:00 PM", "2021-04-15T18:30:00Z"),
        ("April 15th, 2021", "2021-04-15T04:00:00Z"),
        ("4/15/2021 2:30 PM", "2021-04-15T18:30:00Z"),  # Dynamics
        ("15-Apr-2021", "2021-04-15T04:00:00Z"),
        ("15-Apr-21", "2021-04-15T04:00:00Z"),
        ("15-APR-2021 09:05", "2021-04-15T13:05:00Z"),
        ("15 avr. 2021", "2021-04-15T04:00:00Z"),
        ("1er février 2024 14h30", "2024-02-01T19:30:00Z"),
        ("3 de marzo de 2023", "2023-03-03T05:00:00Z"),
        ("3 mar. 2023 12:00:00 p.m.", "2023-03-03T17:00:00Z"),
    ],
)
def test_month_name_dates_with_times_and_seconds(funnel, db_path, tmp_path, cell, stored):
    assert created(funnel, db_path, tmp_path, cell) == stored


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("2021-04-15T10:03:00.000+0000", "2021-04-15T10:03:00Z"),  # Salesforce
        ("2021-04-15T10:03:00.000Z", "2021-04-15T10:03:00Z"),
        ("2021-04-15T12:03:00+02:00", "2021-04-15T10:03:00Z"),
        ("2021-04-15 10:03:00.123456-04:00", "2021-04-15T14:03:00Z"),
        ("2021-04-15T10:03:00", "2021-04-15T14:03:00Z"),  # no offset: local time
    ],
)
def test_iso_with_offsets_and_fractions_is_the_instant(funnel, db_path, tmp_path, cell, stored):
    assert created(funnel, db_path, tmp_path, cell) == stored


def test_an_instant_in_a_date_column_is_its_local_date(funnel, db_path, tmp_path):
    path = write(tmp_path, "Name,Expected close\nAl,2021-04-15T02:30:00Z\nBo,2021-04-15\n")
    funnel("import", path)
    got = rows(db_path, "SELECT expected_close FROM leads ORDER BY id")
    assert got == [{"expected_close": "2021-04-14"}, {"expected_close": "2021-04-15"}]


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("44197", "2021-01-01T05:00:00Z"),  # Excel's serial of 1 January 2021
        ("44301", "2021-04-15T04:00:00Z"),
        ("44301.5", "2021-04-15T16:00:00Z"),  # noon, local time
        ("44301.75", "2021-04-15T22:00:00Z"),
        ("32874", "1990-01-01T05:00:00Z"),  # the first serial read
    ],
)
def test_excel_serial_day_numbers_in_a_date_column(funnel, db_path, tmp_path, cell, stored):
    assert created(funnel, db_path, tmp_path, cell) == stored


def test_the_last_serial_read_is_the_end_of_2100(funnel, db_path, tmp_path):
    funnel("import", write(tmp_path, "Name,Expected close\nAl,73415\n"))
    assert rows(db_path, "SELECT expected_close FROM leads") == [{"expected_close": "2100-12-31"}]


def test_a_column_may_mix_serials_and_text_dates(funnel, db_path, tmp_path):
    path = write(
        tmp_path,
        "Name,Created,Expected close\n"
        "Al,15/04/2021,44377\n"
        "Bo,44302,2021-07-01\n"
        '"Cy","17 Apr, 2021 08:00:00",1 Jul 2021\n',
    )
    funnel("import", path)
    assert rows(db_path, "SELECT name, created_at, expected_close FROM leads ORDER BY id") == [
        {"name": "Al", "created_at": "2021-04-15T04:00:00Z", "expected_close": "2021-06-30"},
        {"name": "Bo", "created_at": "2021-04-16T04:00:00Z", "expected_close": "2021-07-01"},
        {"name": "Cy", "created_at": "2021-04-17T12:00:00Z", "expected_close": "2021-07-01"},
    ]


def test_numbers_outside_the_serial_range_are_refused_never_read_as_dates(funnel, tmp_path):
    path = write(tmp_path, "Name,Created\nAl,32873\nBo,73416\nCy,60\nDi,44301\n")
    result = funnel("import", path, code=65)
    reason = (
        "a number, not a date: Excel day numbers are read from 32874 (1990-01-01) to 73415 "
        "(2100-12-31)"
    )
    assert problem_lines(result.stderr) == [
        f"  line 2, column 'Created', value '32873': {reason}",
        f"  line 3, column 'Created', value '73416': {reason}",
        "  line 4, column 'Created', value '60': expected a date like 2026-03-15 or 15/03/2026",
    ]


def test_errors_on_month_name_dates_show_the_cell_as_written(funnel, tmp_path):
    path = write(
        tmp_path,
        "Name,Created Time\n"
        'Al,"31 Feb, 2021 10:00:00"\n'
        'Bo,"15 Apr, 2021 25:00:00"\n'
        'Cy,"Apr 15, 2021 13:30 PM"\n'
        'Di,"15 Foo, 2021"\n',
    )
    result = funnel("import", path, code=65)
    assert problem_lines(result.stderr) == [
        "  line 2, column 'Created Time', value '31 Feb, 2021 10:00:00': day is out of range "
        "for month",
        "  line 3, column 'Created Time', value '15 Apr, 2021 25:00:00': invalid time",
        "  line 4, column 'Created Time', value 'Apr 15, 2021 13:30 PM': invalid time",
        "  line 5, column 'Created Time', value '15 Foo, 2021': expected a date like 2026-03-15 "
        "or 15/03/2026",
    ]


def test_month_name_dates_need_no_day_month_order(funnel, db_path, tmp_path):
    """Written with the month's name, a date depends on no order: no note, no first pass."""
    path = write(tmp_path, 'Name,Created\nAl,"03 May, 2021"\nBo,"04 May, 2021 10:00:00"\n')
    result = funnel("import", path)
    assert "first" not in result.stderr
    assert [r["created_at"] for r in rows(db_path, "SELECT created_at FROM leads")] == [
        "2021-05-03T04:00:00Z",
        "2021-05-04T14:00:00Z",
    ]
