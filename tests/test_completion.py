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


def test_follow_up_ids_complete_as_funnel_shows_them(funnel):
    funnel("add", "Marie Tremblay")
    funnel("promise", "1", "send the quote", "--due", "2026-12-01")
    funnel("promise", "1", "call back", "--due", "2026-12-03")
    funnel("follow-up", "done", "2")
    out = complete(funnel, "funnel snooze ")
    assert '"F1":"2026-12-01 · send the quote · Marie Tremblay"' in out
    assert "F2" not in out  # done: nothing to snooze
    assert '"1":' in complete(funnel, "funnel follow-up done 1")  # digits typed: digits offered


def test_sources_and_periods_complete(funnel):
    funnel("add", "A", "--source", "referral")
    funnel("add", "B", "--source", "web-form")
    assert "referral" in complete(funnel, "funnel list --source r")
    assert "web-form" not in complete(funnel, "funnel list --source r")
    out = complete(funnel, "funnel report --source ")
    assert "referral" in out and "web-form" in out and "(none)" in out
    out = complete(funnel, "funnel report --period last")
    assert "last-month" in out and "last-quarter" in out and "this-month" not in out
    assert "2026-Q4" in complete(funnel, "funnel report --period 2026")
