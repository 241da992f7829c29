"""Cells holding several emails (issue 14, item 7): the first is the lead's email, the others a
line of its notes (added once, never replacing notes), one warning naming the rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import rows


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def leads(db: Path) -> list[dict]:
    return rows(db, "SELECT name, email, notes FROM leads ORDER BY id")


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "several emails" in line]


@pytest.mark.parametrize(
    "cell",
    [
        "al@x.ca / al.b@y.ca",
        "al@x.ca; al.b@y.ca",
        "al@x.ca, al.b@y.ca",
        "al@x.ca al.b@y.ca",
        "AL@x.ca;al.b@Y.ca;",
        "al@x.ca | al.b@y.ca",
    ],
)
def test_several_emails_in_a_cell_keep_the_first_and_note_the_others(
    funnel, db_path, tmp_path, cell
):
    result = funnel("import", write(tmp_path, f'Name,Email\nAl,"{cell}"\nBo,bo@x.ca\n'))
    assert result.stdout.strip().splitlines()[-1].startswith("leads: 2 inserted,")
    assert leads(db_path) == [
        {"name": "Al", "email": "al@x.ca", "notes": "Other emails: al.b@y.ca"},
        {"name": "Bo", "email": "bo@x.ca", "notes": None},
    ]
    assert warnings(result.stderr) == [
        "Warning: 1 row with several emails in column 'Email' (line 2): the first is the "
        "lead's email, the others are added to its notes ('Other emails: …')"
    ]


def test_the_notes_of_the_row_are_kept_and_a_reimport_adds_nothing(funnel, db_path, tmp_path):
    path = write(
        tmp_path,
        "Name,Email,Notes\n"
        'Al,"al@x.ca, al.b@y.ca, al@x.ca, c@z.ca",Call on Monday\n'
        'Bo,"bo@x.ca/bo2@x.ca",\n',
    )
    funnel("import", path)
    want = [
        {
            "name": "Al",
            "email": "al@x.ca",
            "notes": "Call on Monday\nOther emails: al.b@y.ca, c@z.ca",
        },
        {"name": "Bo", "email": "bo@x.ca", "notes": "Other emails: bo2@x.ca"},
    ]
    assert leads(db_path) == want
    again = funnel("import", path)
    assert again.stdout.strip().splitlines()[-1] == (
        "leads: 0 inserted, 0 updated, 2 unchanged, 0 rejected, 0 duplicates in file"
    )
    assert leads(db_path) == want


def test_the_other_emails_are_added_to_a_leads_notes_once(funnel, db_path, tmp_path):
    funnel("add", "Al", "--email", "al@x.ca", "--note", "Met at the fair")
    path = write(tmp_path, 'Name,Email,Phone\nAl,"al@x.ca; al.b@y.ca",555-0101\n')
    first = funnel("import", path)
    assert "1 updated" in first.stdout
    want = [{"name": "Al", "email": "al@x.ca", "notes": "Met at the fair\nOther emails: al.b@y.ca"}]
    assert leads(db_path) == want
    again = funnel("import", path)
    assert again.stdout.strip().splitlines()[-1] == (
        "leads: 0 inserted, 0 updated, 1 unchanged, 0 rejected, 0 duplicates in file"
    )
    assert leads(db_path) == want


def test_one_warning_names_how_many_rows_and_the_first_lines(funnel, db_path, tmp_path):
    body = "".join(f'P{i},"p{i}@x.ca / p{i}@y.ca"\n' for i in range(7))
    result = funnel("import", write(tmp_path, "Name,Email\nZed,zed@x.ca\n" + body))
    expected = (
        "7 rows with several emails in column 'Email' (lines 3, 4, 5, 6, 7, …): the first is "
        "the lead's email, the others are added to its notes ('Other emails: …')"
    )
    assert warnings(result.stderr) == [f"Warning: {expected}"]
    path = write(tmp_path, "Name,Email\nZed,zed@x.ca\n" + body, "b.csv")
    record = json.loads(funnel("import", path, "--dry-run", "--format", "json").stdout)
    assert expected in record["warnings"]


def test_a_cell_with_an_invalid_address_is_refused_as_written(funnel, db_path, tmp_path):
    path = write(tmp_path, 'Name,Email\nAl,"al@x.ca / not-an-email@"\nBo,bo@x.ca\n')
    result = funnel("import", path, code=65)
    assert [line for line in result.stderr.splitlines() if line.startswith("  line ")] == [
        "  line 2, column 'Email', value 'al@x.ca / not-an-email@': invalid email: expected an "
        "address like name@example.com",
    ]
    assert leads(db_path) == []


def test_a_cell_of_addresses_among_words_keeps_the_cell_as_written_in_the_notes(
    funnel, db_path, tmp_path
):
    # Seen in a real Odoo export: addresses typed with names and "or"/"and" between them.
    path = write(
        tmp_path,
        "Name,Email,Notes\n"
        'Sheila,"Whitfields@aafes.example (sheila) or mooregreg@aafes.example (greg)",Army\n'
        "Mo,m8@aol.example and m8@yahoo.example,\n",
        "words.csv",
    )
    funnel("import", path)
    assert leads(db_path) == [
        {"name": "Sheila", "email": "whitfields@aafes.example",
         "notes": "Army\nEmails as written: Whitfields@aafes.example (sheila) or "
                  "mooregreg@aafes.example (greg)"},
        {"name": "Mo", "email": "m8@aol.example",
         "notes": "Emails as written: m8@aol.example and m8@yahoo.example"},
    ]  # fmt: skip
    again = funnel("import", path)
    assert again.stdout.strip().endswith("0 inserted, 0 updated, 2 unchanged, 0 rejected, "
                                         "0 duplicates in file")  # fmt: skip
