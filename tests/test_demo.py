"""``funnel demo``: a realistic, deterministic database that is never the user's real one."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from helpers import rows

TABLES = ("leads", "stage_changes", "activities", "follow_ups")


def dump(path):
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in TABLES}
    finally:
        conn.close()


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_demo_builds_in_the_current_folder_not_the_real_database(funnel, db_path, in_tmp):
    result = funnel("demo", "--leads", "300")
    assert result.stderr.startswith("Demo database funnel-demo.db: 300 leads (")
    assert len(rows(in_tmp / "funnel-demo.db", "SELECT id FROM leads")) == 300
    assert not db_path.exists()  # FUNNEL_DB was not touched


def test_same_seed_and_now_give_the_same_data(funnel, in_tmp):
    funnel("demo", "--leads", "400", "--seed", "7", "--db", "a.db")
    funnel("demo", "--leads", "400", "--seed", "7", "--db", "b.db")
    funnel("demo", "--leads", "400", "--seed", "8", "--db", "c.db")
    assert dump(in_tmp / "a.db") == dump(in_tmp / "b.db")
    assert dump(in_tmp / "a.db") != dump(in_tmp / "c.db")


def test_rebuilding_replaces_an_earlier_demo(funnel, in_tmp):
    funnel("demo", "--leads", "50")
    funnel("demo", "--leads", "80")
    assert len(rows(in_tmp / "funnel-demo.db", "SELECT id FROM leads")) == 80


def test_refuses_to_overwrite_a_real_database(funnel, db_path, in_tmp):
    funnel("add", "Real customer")
    before = db_path.read_bytes()
    result = funnel("demo", "--db", db_path, code=2)
    assert result.stderr == (
        f"Error: {db_path} is a real funnel database, not a demo: refusing to overwrite it\n"
        "Hint: choose another file: funnel demo --db other-demo.db\n"
    )
    assert db_path.read_bytes() == before
    other = in_tmp / "notes.txt"
    other.write_text("keep me")
    assert funnel("demo", "--db", other, code=2).stderr.startswith(
        f"Error: {other} exists and is not a funnel demo database: refusing to overwrite it"
    )
    assert other.read_text() == "keep me"


@pytest.fixture(scope="module")
def demo_3000(tmp_path_factory):
    """One 3,000-lead demo that several tests read (built in-process, never written again)."""
    import time

    from conftest import NOW, TZ
    from typer.testing import CliRunner

    from funnelcli.cli import app

    db = tmp_path_factory.mktemp("demo3000") / "funnel-demo.db"
    try:
        result = CliRunner().invoke(
            app,
            ["demo", "--db", str(db), "--leads", "3000"],
            env={"FUNNEL_NOW": NOW, "TZ": TZ, "FUNNEL_DB": None},
        )
    finally:
        time.tzset()  # CliRunner restored TZ: apply it again
    assert result.exit_code == 0, result.output
    return db


def test_demo_data_is_realistic(demo_3000):
    db = demo_3000
    sources = rows(db, "SELECT source, count(*) AS n FROM leads GROUP BY source ORDER BY n DESC")
    assert len([s for s in sources if s["source"]]) >= 5
    statuses = {
        r["kind"]: r["n"]
        for r in rows(
            db,
            "SELECT s.kind, count(*) AS n FROM leads l JOIN stages s ON s.id = l.stage_id GROUP BY s.kind",
        )
    }
    assert statuses["won"] > 100 and statuses["lost"] > 100 and statuses["open"] > 100
    # skipped stages: some leads jump from new straight to the opportunity stage
    skipped = rows(db, "SELECT count(*) AS n FROM stage_changes c JOIN stages f ON f.id = c.from_stage_id "
                       "JOIN stages t ON t.id = c.to_stage_id WHERE f.name = 'new' AND t.name = 'qualified'")  # fmt: skip
    assert skipped[0]["n"] > 0
    frequencies = {r["frequency"] for r in rows(db, "SELECT DISTINCT frequency FROM leads")}
    assert {"once", "monthly", "yearly"} <= frequencies
    amounts = sorted(
        r["amount_cents"]
        for r in rows(db, "SELECT amount_cents FROM leads WHERE amount_cents IS NOT NULL")
    )
    median, top = amounts[len(amounts) // 2], amounts[-1]
    assert top > 5 * median  # a long tail
    assert rows(db, "SELECT count(*) AS n FROM leads WHERE lost_reason IS NOT NULL")[0]["n"] > 50
    assert rows(db, "SELECT count(*) AS n FROM leads WHERE decision_maker IS NOT NULL")[0]["n"] > 50


def test_a_demo_really_raises_the_win_rate(demo_3000):
    db = demo_3000
    closed = rows(
        db,
        "SELECT s.kind, EXISTS (SELECT 1 FROM activities a WHERE a.lead_id = l.id AND a.type = 'demo') AS demo "
        "FROM leads l JOIN stages s ON s.id = l.stage_id WHERE s.kind <> 'open' AND l.amount_cents IS NOT NULL "
        "AND EXISTS (SELECT 1 FROM stage_changes c JOIN stages t ON t.id = c.to_stage_id WHERE c.lead_id = l.id AND t.is_opportunity = 1)",
    )

    def win_rate(with_demo):
        group = [r for r in closed if r["demo"] == with_demo]
        return sum(r["kind"] == "won" for r in group) / len(group)

    assert win_rate(1) > win_rate(0) + 0.15


def test_check_finds_the_planted_problems(funnel, demo_3000, tmp_path):
    db = tmp_path / "demo.db"  # a copy: check opens it read-write (WAL), the others read it
    shutil.copyfile(demo_3000, db)
    findings = json.loads(funnel("--db", db, "check", "-f", "json").stdout)
    counts = {f["rule"]: f["count"] for f in findings}
    for rule in ("opportunity_without_amount", "close_date_passed", "no_next_action", "duplicate_email",
                 "no_source", "won_without_amount", "never_contacted", "snoozed_often"):  # fmt: skip
        assert counts[rule] > 0, rule


def test_some_follow_ups_are_overdue(funnel, in_tmp):
    funnel("demo", "--leads", "500")
    db = in_tmp / "funnel-demo.db"
    overdue = rows(
        db, "SELECT count(*) AS n FROM follow_ups WHERE done_at IS NULL AND due_date < '2026-11-29'"
    )
    upcoming = rows(
        db,
        "SELECT count(*) AS n FROM follow_ups WHERE done_at IS NULL AND due_date >= '2026-11-29'",
    )
    assert 0 < overdue[0]["n"] < upcoming[0]["n"]


@pytest.mark.parametrize(("args", "message"), [
    (["--leads", "0"], "Error: invalid --leads 0: expected 1 to 1,000,000\n"),
    (["--months", "0"], "Error: invalid --months 0: expected 1 to 120\n"),
])  # fmt: skip
def test_bad_options(funnel, in_tmp, args, message):
    assert funnel("demo", *args, code=2).stderr == message
    assert not (in_tmp / "funnel-demo.db").exists()


def test_refusing_an_old_real_database_does_not_migrate_it(funnel, in_tmp):
    import hashlib
    import shutil
    from pathlib import Path

    old = in_tmp / "old.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema-v1.db", old)
    before = hashlib.sha256(old.read_bytes()).hexdigest()
    funnel("demo", "--db", old, code=2)
    assert hashlib.sha256(old.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in in_tmp.iterdir()) == ["old.db"]


def test_demo_history_follows_the_apps_own_rules(funnel, in_tmp):
    funnel("demo", "--leads", "1500")
    db = in_tmp / "funnel-demo.db"
    # nothing happens to a lead before it exists
    for table, column in (
        ("follow_ups", "created_at"),
        ("activities", "at"),
        ("stage_changes", "at"),
    ):
        early = rows(
            db,
            f"SELECT count(*) AS n FROM {table} t JOIN leads l ON l.id = t.lead_id WHERE t.{column} < l.created_at",
        )
        assert early[0]["n"] == 0, table
    # every kept promise logged its follow-up activity, as `follow-up done` does
    unlogged = rows(db, "SELECT count(*) AS n FROM follow_ups f WHERE done_at IS NOT NULL AND NOT EXISTS "
                        "(SELECT 1 FROM activities a WHERE a.follow_up_id = f.id AND a.type = 'follow-up')")  # fmt: skip
    assert unlogged[0]["n"] == 0
    # the lead's current stage is the last stage of its history
    mismatched = rows(db, "SELECT count(*) AS n FROM leads l WHERE stage_id <> (SELECT to_stage_id FROM stage_changes c "
                          "WHERE c.lead_id = l.id ORDER BY at DESC, id DESC LIMIT 1)")  # fmt: skip
    assert mismatched[0]["n"] == 0


def test_a_global_db_option_is_not_used_by_the_demo(funnel, db_path, in_tmp):
    result = funnel("--db", db_path, "demo", "--leads", "20")
    assert result.stderr.startswith(
        f"Warning: the demo never touches {db_path}: it builds funnel-demo.db (choose with: funnel demo --db PATH)\n"
    )
    assert not db_path.exists()


SECTIONS = ("kpis", "funnel", "sources", "monthly", "forecast", "cycle", "paths", "lost")


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory):
    """Demos from the same seed and "now" (each built once, when a test first asks for it), and
    every report section of each (run in-process: the same code path as the command, without
    20 interpreter start-ups)."""
    import time

    from conftest import NOW, TZ
    from typer.testing import CliRunner

    from funnelcli.cli import app

    folder = tmp_path_factory.mktemp("demo")
    env = {"FUNNEL_NOW": NOW, "TZ": TZ, "FUNNEL_DB": None}
    runner = CliRunner()
    built: dict[str, dict] = {}

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.stdout

    def reports_of(name: str) -> dict:
        if name not in built:
            db = str(folder / name)
            try:
                run("demo", "--db", db, "--leads", "2500")
                outputs = {"dashboard": json.loads(run("--db", db, "report", "-f", "json"))}
                for section in SECTIONS:
                    outputs[section] = json.loads(run("--db", db, "report", section, "-f", "json"))
            finally:
                time.tzset()  # CliRunner restored TZ: apply it again
            built[name] = outputs
        return built[name]

    return reports_of


@pytest.mark.slow  # a second 2,500-lead demo; the fast loop keeps the tests of the first
def test_same_seed_and_now_give_the_same_report(demo_reports):
    assert demo_reports("a.db") == demo_reports("b.db")


@pytest.mark.slow  # a 2,500-lead demo and every section of it
def test_every_report_section_has_data(demo_reports):
    r = demo_reports("a.db")
    assert r["kpis"]["leads_created"] == 2500
    assert r["kpis"]["win_rate"]["rate"] > 0 and r["kpis"]["sales_cycle"]["deals"] > 0
    assert len(r["kpis"]["won_deal_size"]) >= 2  # several currencies
    assert [s["reached"] for s in r["funnel"]["stages"]] == sorted(
        (s["reached"] for s in r["funnel"]["stages"]), reverse=True
    )
    assert r["funnel"]["stages"][-1]["reached"] > 0
    assert len(r["sources"]["sources"]) >= 5
    assert len(r["monthly"]["periods"]) == 13
    assert any(
        total["total"]["cents"] > 0 and total["pipeline"]["cents"] > 0
        for total in r["forecast"]["totals"]
    )
    assert r["forecast"]["left_out"]  # bad data is visible
    assert r["cycle"]["deals"] > 0 and r["cycle"]["average_days"] > 0
    assert len(r["lost"]["reasons"]) >= 5
    assert r["dashboard"]["overdue_follow_ups"] > 0
    assert r["dashboard"]["data_quality_problems"] > 0


@pytest.mark.slow  # the same demo
def test_paths_show_a_clearly_positive_action(demo_reports):
    types = {t["type"]: t for t in demo_reports("a.db")["paths"]["types"]}
    lift = (
        types["demo"]["won_of_closed_with"]["rate"] - types["demo"]["won_of_closed_without"]["rate"]
    )
    assert lift > 0.15
    assert not types["demo"]["won_of_closed_with"]["small_sample"]


def test_the_french_demo_is_the_english_one_in_french_words(funnel, in_tmp):
    """Same seed, same draws: each English word (source, name, company, lost reason, decision
    maker, prerequisite, promise, note) becomes the French word at its place in the lists."""
    from funnelcli.services.demo_data import ENGLISH, SOURCES
    from funnelcli.services.demo_french import FRENCH

    english = funnel("demo", "--leads", "120", "--db", "en.db")
    french = funnel("demo", "--leads", "120", "--db", "fr.db", env={"LANG": "fr_CA.UTF-8"})
    assert english.stderr.startswith("Demo database en.db: 120 leads (")
    assert french.stderr.startswith("Base de démonstration fr.db : 120 pistes (")

    def swap(fields):
        words = {}
        for field in fields:
            words.update(zip(getattr(ENGLISH, field), getattr(FRENCH, field), strict=True))
        return words

    first_names, last_names = swap(["first"]), swap(["last"])  # Martin is both
    sector = dict(zip(ENGLISH.company_b, FRENCH.company_b, strict=True))
    kept = dict(zip(ENGLISH.company_a, FRENCH.company_a, strict=True))
    lost = swap(["lost_early", "lost_late"]) | {"no response": "aucune réponse"}
    said = swap(["decision_makers", "prerequisites"])
    notes = {
        e: f for k in ENGLISH.notes for e, f in zip(ENGLISH.notes[k], FRENCH.notes[k], strict=True)
    }
    promises = swap(["promises"])
    en, fr = dump(in_tmp / "en.db"), dump(in_tmp / "fr.db")
    assert len(en["leads"]) == len(fr["leads"]) == 120
    conn = sqlite3.connect(in_tmp / "en.db")
    names = [d[0] for d in conn.execute("SELECT * FROM leads").description]
    conn.close()
    for e, f in zip(en["leads"], fr["leads"], strict=True):
        e, f = dict(zip(names, e, strict=True)), dict(zip(names, f, strict=True))
        first, last = e["name"].split(" ")
        assert f["name"] == f"{first_names[first]} {last_names[last]}"
        a, b = e["company"].split(" ")
        assert f["company"] == f"{sector[b]} {kept[a]}"
        assert f["source"] == (None if e["source"] is None else FRENCH.sources[e["source"]])
        assert f["lost_reason"] == (None if e["lost_reason"] is None else lost[e["lost_reason"]])
        for field in ("decision_maker", "prerequisites"):
            assert f[field] == (None if e[field] is None else said[e[field]])
        same = ("name", "company", "email", "source", "lost_reason", "decision_maker",
                "prerequisites")  # fmt: skip
        assert {k: v for k, v in e.items() if k not in same} == {
            k: v for k, v in f.items() if k not in same
        }
    assert set(FRENCH.sources) == set(SOURCES)
    for e, f in zip(en["activities"], fr["activities"], strict=True):
        assert e[:2] + e[4:] == f[:2] + f[4:]  # id, lead, type; dates and promise the same
        text = e[3]
        if text is not None and " — done" in text:
            text = promises[text.removesuffix(" — done")] + " — fait"
        elif text is not None:
            text = notes.get(text, text)
        assert f[3] == text
    for e, f in zip(en["follow_ups"], fr["follow_ups"], strict=True):
        assert f[2] == promises[e[2]] and e[:2] == f[:2]
        assert f[3:7] == e[3:7] and f[7] == (e[7] and "fait") and f[8:] == e[8:]
    for e, f in zip(en["stage_changes"], fr["stage_changes"], strict=True):
        note = lost | {"qualified on the first call": "qualifiée au premier appel"}
        assert f[:-1] == e[:-1] and f[-1] == (e[-1] if e[-1] is None else note[e[-1]])
