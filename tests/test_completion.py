"""Shell completion: lead ids (with their names) and stage names come from the database."""

from __future__ import annotations


def complete(funnel, words: str) -> str:
    env = {"_FUNNEL_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": words}
    return funnel(env=env).stdout


def test_lead_ids_complete_with_their_names(funnel):
    funnel("add", "Marie Tremblay", "--company", "Acme")
    for i in range(11):
        funnel("add", f"Lead {i}")
    out = complete(funnel, "funnel show 1")
    assert '"1":"Marie Tremblay · Acme · new"' in out
    assert '"10":"Lead 8 · new"' in out and '"11":"Lead 9 · new"' in out
    assert '"2":' not in out


def test_stage_names_complete(funnel):
    funnel("stages", "rename", "proposal", "proposition")
    out = complete(funnel, "funnel advance 1 pro")
    assert "proposition" in out and "negotiation" not in out
    assert "qualified" in complete(funnel, "funnel list --stage q")


def test_completion_never_creates_a_database(funnel, db_path):
    assert "Traceback" not in complete(funnel, "funnel show ")
    assert not db_path.exists()
