"""What ``funnel import`` says: cells as written, each message once, decisions with the flag that
overrides them, and a dry run that never claims to have checked anything in."""

from __future__ import annotations

from pathlib import Path

from helpers import rows


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("  line ")]


def test_errors_show_the_cell_as_written_not_the_value_read(funnel, tmp_path):
    path = write(
        tmp_path,
        "Name,Stage,Created,Closed,Amount,Currency\n"
        "Al,new,02/03/27,,,\n"
        "Bo,won,15/03/2026,31/02/2026,,\n"
        "Cy,new,,,5 €,usd\n",
    )
    result = funnel("import", path, "--dayfirst", code=65)
    assert problem_lines(result.stderr) == [
        "  line 2, column 'Created', value '02/03/27': the created date is in the future",
        "  line 3, column 'Closed', value '31/02/2026': day is out of range for month",
        "  line 4, column 'Currency', value 'usd': the amount is in EUR, the currency column says "
        "USD",
    ]


def test_follow_up_and_activity_dates_are_shown_as_written(funnel, tmp_path):
    funnel("add", "Al", "--email", "al@x.ca")
    path = write(tmp_path, "Email,Text,Due,Created\nal@x.ca,Call,2027-01-01,31/12/2026\n")
    result = funnel("import", path, "--kind", "follow-ups", code=65)
    assert problem_lines(result.stderr) == [
        "  line 2, column 'Created', value '31/12/2026': the created date is in the future"
    ]
    path = write(tmp_path, "Email,Type,At\nal@x.ca,call,12/31/2026 10:00\n", "a.csv")
    result = funnel("import", path, "--kind", "activities", code=65)
    assert problem_lines(result.stderr) == [
        "  line 2, column 'At', value '12/31/2026 10:00': the date is in the future"
    ]


def test_each_message_appears_once_when_a_date_column_is_read_twice(funnel, db_path, tmp_path):
    """An ambiguous date before the month-first evidence: the column's first pass reads the
    file again; the transaction notice and the note are still said once."""
    body = "".join(f"P{i},2026-01-02\n" for i in range(100))
    path = write(tmp_path, "Name,Date\nAl,03/04/2026\n" + body + "Bo,12/31/2025\n")
    funnel("init")
    for flags in ([], ["--dry-run"]):
        lines = funnel("import", path, *flags).stderr.splitlines()
        assert len(lines) == len(set(lines)), lines
        notices = [line for line in lines if "one transaction" in line]
        assert len(notices) == 1
        assert lines[-1] == (
            f"{path}: dates in column 'Date' read month first (line 103: '12/31/2025' cannot be "
            "day first); --dayfirst to override"
        )
    assert rows(db_path, "SELECT created_at FROM leads WHERE name = 'Al'") == [
        {"created_at": "2026-03-04T05:00:00Z"}
    ]


def test_the_date_order_note_says_what_decided_and_how_to_override(funnel, db_path, tmp_path):
    path = write(tmp_path, "Name,Date\nAl,15/03/2026\nBo,03/04/2026\n")
    result = funnel("import", path)
    assert (
        f"{path}: dates in column 'Date' read day first (line 2: '15/03/2026' cannot be month "
        "first); --monthfirst to override"
    ) in result.stderr.splitlines()
    assert "read it again" not in result.stderr
    assert rows(db_path, "SELECT created_at FROM leads ORDER BY id")[1] == {
        "created_at": "2026-04-03T04:00:00Z"
    }


def test_no_date_order_note_when_nothing_depended_on_it_or_the_flag_said(funnel, tmp_path):
    funnel("init")
    unambiguous = write(tmp_path, "Name,Date\nAl,15/03/2026\nBo,2026-04-03\n", "a.csv")
    assert "dates in column" not in funnel("import", unambiguous).stderr
    flagged = write(tmp_path, "Name,Date\nCy,15/03/2026\nDi,03/04/2026\n", "b.csv")
    assert "dates in column" not in funnel("import", flagged, "--dayfirst").stderr


def test_the_dry_run_never_says_checked_in(funnel, tmp_path):
    funnel("init")
    path = write(tmp_path, "Name,Email\nAl,al@\n")
    result = funnel("import", path, "--dry-run", code=65)
    assert "checked in" not in result.stderr.lower()
    assert f"Error: 1 invalid row in {path}; nothing would be imported:" in result.stderr
    good = write(tmp_path, "Name,Email\nAl,al@x.ca\n", "good.csv")
    assert "checked in" not in funnel("import", good, "--dry-run").stderr.lower()


def test_the_encoding_fallback_note_names_the_override(funnel, tmp_path):
    head = "Name,Email\n" + "".join(f"P{i},p{i}@x.ca\n" for i in range(7000))
    path = tmp_path / "late.csv"
    path.write_bytes(head.encode() + "Zoé,zoe@x.ca\n".encode("cp1252"))
    assert (
        f"{path}: line 7002 is not UTF-8 (byte 0xe9): read as cp1252 (Windows/Excel); "
        "--encoding to override"
    ) in funnel("import", path).stderr.splitlines()
