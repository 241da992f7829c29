"""``funnel add --json -``: one lead read as JSON, with intake's field mapping and --if-exists."""

from __future__ import annotations

import json

from helpers import rows


def test_a_json_lead_is_mapped_like_intake(funnel, db_path):
    body = json.dumps(
        {"full_name": "Ann Roy", "courriel": "Ann@Roy.ca", "budget": "1 200 $", "utm_campaign": "x"}
    )
    data = json.loads(funnel("add", "--json", "-", "-f", "json", input=body).stdout)
    assert (data["id"], data["name"], data["email"], data["amount_cents"]) == (
        1, "Ann Roy", "ann@roy.ca", 120000,
    )  # fmt: skip
    assert data["notes"] == "utm_campaign: x"


def test_options_win_over_the_json_and_if_exists_applies(funnel, db_path):
    funnel("add", "--json", "-", "--company", "Acme", input='{"name": "Ann", "email": "a@r.ca"}')
    body = '{"prénom": "Ann", "nom de famille": "Roy", "email": "a@r.ca", "téléphone": "555"}'
    assert funnel("add", "--json", "-", "--if-exists", "update", input=body).stdout == "1\n"
    assert rows(db_path, "SELECT name, company, phone FROM leads") == [
        {"name": "Ann", "company": "Acme", "phone": "555"}
    ]
    assert funnel("add", "--json", "-", "--if-exists", "show", input=body).stdout == "1\n"
    funnel("add", "--json", "-", "--if-exists", "error", input=body, code=2)


def test_not_one_json_object_is_65(funnel):
    result = funnel("add", "--json", "-", input="[1]", code=65)
    assert result.stderr.startswith("Error: the submission is not a JSON object")
    result = funnel("add", "--json", "-", input='{"a": 1}\n{"b": 2}\n', code=65)
    assert result.stderr == "Error: --json: expected one JSON object, got 2\n"
