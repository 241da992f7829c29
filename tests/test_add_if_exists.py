"""``funnel add`` on an email a lead already has: ask, create, show, update or error."""

from __future__ import annotations

import json

import pytest
from helpers import rows
from journal_helpers import snapshot

from funnelcli.cli import options


def count(db_path) -> int:
    return rows(db_path, "SELECT count(*) AS n FROM leads")[0]["n"]


@pytest.fixture
def sophie(funnel):
    funnel("add", "Sophie Gagnon", "--email", "sophie@acme.ca", "--company", "Acme")


def test_without_a_terminal_it_adds_with_a_warning_as_before(funnel, db_path, sophie):
    result = funnel("add", "Sophie G.", "--email", "SOPHIE@acme.ca")
    assert result.stdout == "2\n"
    assert result.stderr == (
        "Warning: lead 1 already has the email sophie@acme.ca: is this a duplicate?\n"
    )
    assert count(db_path) == 2


def test_on_a_terminal_it_asks(funnel, db_path, sophie, monkeypatch):
    monkeypatch.setattr(options, "interactive", lambda: True)
    no = funnel("add", "Sophie G.", "--email", "sophie@acme.ca", input="\n", code=1)
    assert no.stderr.rstrip() == "Lead 1 Sophie Gagnon has this email. Add anyway? [y/N]:"
    assert count(db_path) == 1
    funnel("add", "Sophie G.", "--email", "sophie@acme.ca", input="y\n")
    assert count(db_path) == 2
    # an option answers for the person: no question
    funnel("add", "Sophie G.", "--email", "sophie@acme.ca", "--if-exists", "show")
    assert count(db_path) == 2


def test_show_prints_the_existing_id_and_writes_nothing(funnel, db_path, sophie):
    before = snapshot(db_path)
    journal = rows(db_path, "SELECT count(*) AS n FROM journal")
    result = funnel("add", "Sophie", "--email", "sophie@acme.ca", "--if-exists", "show")
    assert (result.stdout, result.stderr) == ("1\n", "")
    data = json.loads(
        funnel("add", "S", "--email", "sophie@acme.ca", "--if-exists", "SHOW", "-f", "json").stdout
    )
    assert (data["id"], data["existing"]) == (1, True)
    assert snapshot(db_path) == before
    assert rows(db_path, "SELECT count(*) AS n FROM journal") == journal
    # no lead with that email: added as usual
    assert funnel("add", "Luc", "--email", "luc@roy.ca", "--if-exists", "show").stdout == "2\n"


def test_update_fills_only_the_empty_fields_and_undoes(funnel, db_path, sophie):
    before = snapshot(db_path)
    result = funnel(
        "add", "Sophie", "--email", "sophie@acme.ca", "--if-exists", "update",
        "--company", "Other", "--phone", "514-555-0101", "--amount", "9 500 €", "--note", "hi",
    )  # fmt: skip
    assert result.stdout == "1\n"
    lead = rows(db_path, "SELECT * FROM leads")
    assert len(lead) == 1
    assert {k: lead[0][k] for k in ("name", "company", "phone", "amount_cents", "currency")} == {
        "name": "Sophie Gagnon",
        "company": "Acme",
        "phone": "514-555-0101",
        "amount_cents": 950000,
        "currency": "EUR",
    }
    assert lead[0]["notes"] == "hi"
    funnel("undo")
    assert snapshot(db_path) == before


def test_update_on_a_terminal_says_what_it_filled(funnel, sophie):
    result = funnel(
        "add", "Sophie", "--email", "sophie@acme.ca", "--if-exists", "update", "--phone", "514",
        env={"TTY_COMPATIBLE": "1"},
    )  # fmt: skip
    assert result.stdout == "Lead 1 Sophie Gagnon has this email: updated phone\n"
    again = funnel("add", "S", "--email", "sophie@acme.ca", "--if-exists", "show",
                   env={"TTY_COMPATIBLE": "1"})  # fmt: skip
    assert again.stdout == "Lead 1 Sophie Gagnon has this email: not added\n"


def test_error_refuses_with_exit_2_and_writes_nothing(funnel, db_path, sophie):
    result = funnel("add", "Sophie", "--email", "sophie@acme.ca", "--if-exists", "error", code=2)
    assert result.stderr == (
        "Error: lead 1 Sophie Gagnon already has the email sophie@acme.ca\n"
        "Hint: --if-exists show gives its id, --if-exists update fills its empty fields\n"
    )
    assert count(db_path) == 1
    funnel("add", "Luc", "--email", "luc@roy.ca", "--if-exists", "error")
    assert count(db_path) == 2
