"""``funnel stages``: a configurable pipeline whose history stays consistent."""

from __future__ import annotations

import json

from helpers import rows


def pipeline(funnel):
    return [(s["name"], s["probability"], s["kind"], s["opportunity"]) for s in
            json.loads(funnel("stages", "list", "-f", "json").stdout)]  # fmt: skip


def test_list_default_pipeline_with_lead_counts(funnel):
    funnel("add", "A")
    data = json.loads(funnel("stages", "-f", "json").stdout)
    assert [(s["position"], s["name"], s["leads"]) for s in data] == [
        (1, "new", 1), (2, "contacted", 0), (3, "qualified", 0), (4, "proposal", 0),
        (5, "negotiation", 0), (6, "won", 0), (7, "lost", 0),
    ]  # fmt: skip
    table = funnel("stages").stdout.splitlines()
    assert table[0].split() == ["#", "Stage", "Win", "%", "Kind", "Leads", "now"]
    assert table[3].split() == ["3", "qualified", "25", "%", "open", "·", "opportunity", "0"]


def test_add_stage_in_place_with_a_default_probability(funnel):
    funnel("stages", "add", "demo", "--after", "qualified")
    funnel("stages", "add", "discovery", "--before", "qualified", "--probability", "20")
    assert pipeline(funnel)[:5] == [
        ("new", 5, "open", False),
        ("contacted", 10, "open", False),
        ("discovery", 20, "open", False),
        ("qualified", 25, "open", True),
        ("demo", 37, "open", False),  # halfway between qualified (25) and proposal (50)
    ]
    assert pipeline(funnel)[-2:] == [("won", 100, "won", False), ("lost", 0, "lost", False)]


def test_rename_into_french_keeps_history(funnel, db_path):
    funnel("add", "A")
    funnel("advance", "1", "qualified")
    for old, new in [("new", "nouveau"), ("qualified", "qualifié"), ("won", "gagné")]:
        funnel("stages", "rename", old, new)
    record = json.loads(funnel("show", "1", "-f", "json").stdout)
    assert record["stage"] == "qualifié"
    assert [h["to_stage"] for h in record["history"]] == ["nouveau", "qualifié"]
    funnel("advance", "1", "gagne")  # accents and case do not matter
    assert rows(db_path, "SELECT closed_at FROM leads")[0]["closed_at"] is not None
    assert pipeline(funnel)[-2][0] == "gagné"


def test_move_and_reweight(funnel):
    funnel("stages", "move", "proposal", "--before", "qualified")
    assert [s[0] for s in pipeline(funnel)][:5] == [
        "new",
        "contacted",
        "proposal",
        "qualified",
        "negotiation",
    ]
    funnel("stages", "set-probability", "proposal", "30")
    assert pipeline(funnel)[2] == ("proposal", 30, "open", False)
    funnel("stages", "set-opportunity", "contacted")
    assert [s[0] for s in pipeline(funnel) if s[3]] == ["contacted"]


def test_next_stage_follows_the_new_order(funnel):
    funnel("stages", "move", "proposal", "--after", "new")
    funnel("add", "A")
    assert funnel("advance", "1").stdout.startswith("Lead 1 A: new → proposal")


def test_remove_only_unused_open_stages(funnel):
    funnel("stages", "add", "demo")
    funnel("stages", "remove", "demo")
    assert "demo" not in [s[0] for s in pipeline(funnel)]
    funnel("add", "A")
    result = funnel("stages", "remove", "new", code=2)
    assert result.stderr == (
        "Error: stage 'new' is in the history of some leads: it cannot be removed\n"
        "Hint: rename it instead: funnel stages rename OLD NEW\n"
    )


def test_stage_errors(funnel):
    funnel("init")
    assert funnel("stages", "rename", "nope", "x", code=2).stderr.startswith(
        "Error: unknown stage 'nope': expected one of new, contacted"
    )
    assert (
        funnel("stages", "add", "Won", code=2).stderr
        == "Error: a stage named 'won' already exists\n"
    )
    assert funnel("stages", "set-probability", "won", "50", code=2).stderr == (
        "Error: stage 'won' is closed: its probability is fixed at 100%\n"
    )
    assert funnel("stages", "set-probability", "new", "101", code=2).stderr == (
        "Error: invalid probability 101: expected 0 to 100 (percent)\n"
    )
    assert funnel("stages", "set-opportunity", "lost", code=2).stderr == (
        "Error: stage 'lost' is closed: the opportunity stage must be an open stage\n"
    )
    assert funnel("stages", "move", "won", "--after", "new", code=2).stderr == (
        "Error: stage 'won' is a closed stage: it cannot be moved\n"
    )
    assert funnel("stages", "move", "new", code=2).stderr == (
        "Error: say where to move the stage: --after STAGE or --before STAGE\n"
    )
    assert funnel("stages", "add", "x", "--after", "won", code=2).stderr.startswith(
        "Error: stage 'won' is a closed stage: open stages always come before"
    )
    assert funnel("stages", "remove", "qualified", code=2).stderr.startswith(
        "Error: stage 'qualified' is the opportunity stage"
    )
    assert [s[0] for s in pipeline(funnel)] == [
        "new", "contacted", "qualified", "proposal", "negotiation", "won", "lost",
    ]  # fmt: skip
