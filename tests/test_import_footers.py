"""Report footers (issue 14): a trailing block after a blank line whose rows all have fewer
fields than the header (Salesforce's ``Grand Totals``, ``Confidential Information``,
``Copyright``) is not data: left out, with one note, and it never spoils delimiter detection."""

from __future__ import annotations

from pathlib import Path

from helpers import rows

FOOTER = (
    '\r\n"Grand Totals (2 records)"\r\n\r\n'
    '"Confidential Information - Do Not Distribute"\r\n'
    '"Copyright (c) 2000-2021 salesforce.com, inc. All rights reserved."\r\n'
)
REPORT = (
    '"Opportunity Name","Account Name","Stage","Amount","Close Date"\r\n'
    '"Ashcombe - Cold Storage","Ashcombe Foods","Prospecting","22000.00","9/30/2021"\r\n'
    '"Birchgate - Kiosks","Birchgate Realty","Qualification","9500.00","8/31/2021"\r\n'
) + FOOTER


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def footer_note(path: Path, count: int, after: int) -> str:
    return (
        f"{path}: ignored {count} footer lines after line {after} (after a blank line, fewer "
        "fields than the header: a report's footer, not data)"
    )


def test_a_reports_footer_is_left_out_with_one_note(funnel, db_path, tmp_path):
    path = write(tmp_path, REPORT)
    result = funnel("import", path)
    assert "delimiter ',' (comma, detected)" in result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "leads: 2 inserted, 0 updated, 0 unchanged, 0 rejected, 0 duplicates in file"
    )
    assert result.stderr.splitlines().count(footer_note(path, 3, 3)) == 1
    assert [r["name"] for r in rows(db_path, "SELECT name FROM leads ORDER BY id")] == [
        "Ashcombe - Cold Storage",
        "Birchgate - Kiosks",
    ]
    dry = funnel("import", path, "--dry-run")
    assert footer_note(path, 3, 3) in dry.stderr.splitlines()


def test_a_footer_never_spoils_the_delimiter_of_a_semicolon_file(funnel, db_path, tmp_path):
    path = write(tmp_path, "Name;Email;Amount\nAl;al@x.ca;1200\nBo;bo@x.ca;300\n" + FOOTER)
    result = funnel("import", path)
    assert "delimiter ';' (semicolon, detected)" in result.stderr
    assert footer_note(path, 3, 3) in result.stderr.splitlines()
    assert rows(db_path, "SELECT name, amount_cents FROM leads ORDER BY id") == [
        {"name": "Al", "amount_cents": 120000},
        {"name": "Bo", "amount_cents": 30000},
    ]


def test_a_footer_after_the_sampled_lines_is_left_out_too(funnel, db_path, tmp_path):
    body = "".join(f"P{i},p{i}@x.ca,{i}\n" for i in range(300))
    path = write(tmp_path, "Name,Email,Amount\n" + body + FOOTER)
    result = funnel("import", path)
    assert result.stdout.strip().splitlines()[-1].startswith("leads: 300 inserted,")
    assert footer_note(path, 3, 301) in result.stderr.splitlines()


def test_a_blank_line_followed_by_rows_is_read_as_before(funnel, db_path, tmp_path):
    path = write(tmp_path, "Name,Email\nAl,al@x.ca\n\nBo,bo@x.ca\n\n\nCy,cy@x.ca\n")
    result = funnel("import", path)
    assert "footer" not in result.stderr
    assert len(rows(db_path, "SELECT id FROM leads")) == 3


def test_short_rows_followed_by_a_full_row_are_data_and_reported(funnel, db_path, tmp_path):
    path = write(tmp_path, "Name,Email,Phone\nAl,al@x.ca,1\n\nGrand total\nBo,bo@x.ca,2\n")
    result = funnel("import", path, "--delimiter", ",", code=65)
    assert "footer" not in result.stderr
    assert "  line 4: expected 3 fields (as in the header), found 1" in result.stderr.splitlines()


def test_short_rows_without_a_blank_line_before_them_are_not_a_footer(funnel, tmp_path):
    path = write(tmp_path, "Name,Email,Phone\nAl,al@x.ca,1\nBo,bo@x.ca,2\nGrand total\n")
    result = funnel("import", path, "--delimiter", ",", code=65)
    assert "footer" not in result.stderr
    assert "  line 4: expected 3 fields (as in the header), found 1" in result.stderr.splitlines()


def test_the_footer_rule_on_sampled_records():
    from funnelcli.importers.footer import without_footer

    header, row, short = ["a", "b", "c"], ["1", "2", "3"], ["Grand Totals"]
    assert without_footer([[], header, row, [], short, [], short]) == [header, row]
    assert without_footer([header, row, short, [], short]) == [header, row, short]
    assert without_footer([header, row, [], row, []]) == [header, row, row]
    assert without_footer([header, row, short]) == [header, row, short]  # no blank line
    assert without_footer([header, [], []]) == [header]
