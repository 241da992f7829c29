import json

from helpers import rows


def test_add_then_list_json(funnel, db_path):
    result = funnel("add", "Marie Tremblay", "--email", "Marie@Acme.ca")
    assert result.stdout.strip() == "1"
    assert rows(db_path, "SELECT name, email FROM leads") == [
        {"name": "Marie Tremblay", "email": "marie@acme.ca"}
    ]
    listed = json.loads(funnel("list", "--format", "json").stdout)
    assert [(lead["id"], lead["name"], lead["email"]) for lead in listed] == [
        (1, "Marie Tremblay", "marie@acme.ca")
    ]
