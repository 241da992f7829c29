"""Property: any sequence of write commands, then as many undos, gives back the database."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from helpers import examples, rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from journal_helpers import snapshot
from typer.testing import CliRunner

from funnelcli.cli import app

LEAD = st.integers(1, 5).map(str)
FOLLOW_UP = st.integers(1, 4).map(str)
ACTION = st.integers(1, 4).map(str)
STAGE = st.sampled_from(["contacted", "qualified", "proposal", "won", "lost", "new"])

COMMANDS = st.one_of(
    st.tuples(
        st.just("add"),
        st.sampled_from(["Marc Roy", "Ana Lee"]),
        st.just("--email"),
        st.sampled_from(["marc@roy.ca", "sophie@acme.ca"]),
    ),
    st.tuples(
        st.just("add"),
        st.just("Ana Lee"),
        st.just("--email"),
        st.just("sophie@acme.ca"),
        st.just("--if-exists"),
        st.sampled_from(["update", "show", "error"]),
        st.just("--phone"),
        st.just("514-555-0101"),
    ),
    st.tuples(st.just("edit"), LEAD, st.just("--company"), st.sampled_from(["Acme", "Roy inc."])),
    st.tuples(st.just("edit"), LEAD, st.just("--amount"), st.sampled_from(["1200", "9 500"])),
    st.tuples(st.just("advance"), LEAD),
    st.tuples(st.just("advance"), LEAD, STAGE),
    st.tuples(st.just("win"), LEAD),
    st.tuples(st.just("lose"), LEAD, st.just("--reason"), st.just("price")),
    st.tuples(st.just("log"), LEAD, st.sampled_from(["call", "email"]), st.just("talked")),
    st.tuples(st.just("log"), LEAD, st.sampled_from(["cal", "E-mail"]), st.just("--new-type")),
    st.tuples(
        st.just("promise"), LEAD, st.just("call back"), st.just("--due"), st.just("2026-12-10")
    ),
    st.tuples(st.just("follow-up"), st.just("done"), FOLLOW_UP),
    st.tuples(st.just("follow-up"), st.just("snooze"), FOLLOW_UP, st.just("2026-12-20")),
    st.tuples(st.just("delete"), LEAD, st.just("--yes")),
    st.tuples(st.just("merge"), LEAD, LEAD),
    st.tuples(st.just("merge"), LEAD, LEAD, LEAD),
    st.tuples(st.just("lose"), LEAD, st.just("--keep-follow-ups")),
    st.tuples(st.just("reopen"), LEAD),
    st.tuples(st.just("follow-up"), st.just("reopen"), FOLLOW_UP),
    st.tuples(st.just("log"), st.just("edit"), ACTION, st.just("--text"), st.just("fixed")),
    st.tuples(st.just("log"), st.just("edit"), ACTION, st.just("--type"), st.just("meeting")),
    st.tuples(st.just("log"), st.just("delete"), ACTION),
    st.tuples(st.just("import"), st.just("{csv}")),
    st.tuples(st.just("import"), st.just("{later}")),
    st.tuples(st.just("import"), st.just("{later}"), st.just("--update-fields"), st.just("phone")),
    st.tuples(st.just("config"), st.just("currency"), st.sampled_from(["EUR", "USD"])),
    st.tuples(st.just("stages"), st.just("rename"), st.just("proposal"), st.just("quote")),
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A database with three leads, a promise, an action and a move (made once)."""
    folder = tmp_path_factory.mktemp("seed")
    db = folder / "seed.db"
    runner = CliRunner()
    for args in (
        (
            "add",
            "Sophie Gagnon",
            "--email",
            "sophie@acme.ca",
            "--external-id",
            "A",
            "--source",
            "referral",
            "--note",
            "Need a quote",
        ),
        ("add", "Luc Roy", "--external-id", "B", "--amount", "900"),
        ("add", "Zoé Côté"),
        ("promise", "1", "send the quote", "--due", "2026-12-03"),
        ("log", "2", "call"),
        ("advance", "2", "proposal"),
    ):
        assert runner.invoke(app, ["--db", str(db), *args]).exit_code == 0
    (folder / "small.csv").write_text(
        "Id,Name,Email,Company,Stage\nA,Sophie Gagnon,sophie@acme.ca,Acme,Qualified\n"
        "N,Nadia Ben,nadia@ben.ca,Ben,Won\nB,Luc Roy,,Roy inc.,Contacted\n",
        encoding="utf-8",
    )
    (folder / "later.csv").write_text(  # a later form: another source, phone and note
        "Name,Email,Phone,Source,Notes,Created\n"
        "Sophie Gagnon,sophie@acme.ca,555-0199,web-form,Call me in March,2026-11-20\n"
        "Nadia Ben,nadia@ben.ca,555-0101,referral,Need a quote,2026-11-21\n",
        encoding="utf-8",
    )
    return db


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(commands=st.lists(COMMANDS, min_size=1, max_size=6))
def test_commands_then_as_many_undos_give_back_the_database(seeded, commands):
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "funnel.db"
        shutil.copy(seeded, db)
        before = snapshot(db)
        start = rows(db, "SELECT max(id) AS id FROM journal")[0]["id"]
        for command in commands:
            args = [
                a.replace("{csv}", str(seeded.parent / "small.csv")).replace(
                    "{later}", str(seeded.parent / "later.csv")
                )
                for a in command
            ]
            runner.invoke(app, ["--db", str(db), *args])
        done = rows(db, "SELECT count(*) AS n FROM journal WHERE id > ?", (start,))[0]["n"]
        for _ in range(done):
            result = runner.invoke(app, ["--db", str(db), "undo"])
            assert result.exit_code == 0, (commands, result.stderr)
        assert snapshot(db) == before, commands
