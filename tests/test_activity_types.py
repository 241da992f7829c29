"""Activity types (issue 15, item 8): synonyms normalised, typos refused by ``log`` unless
``--new-type``, ``log --types``, and an import that warns instead of failing."""

from __future__ import annotations

import json

import pytest
from helpers import rows

from funnelcli import activity_types


@pytest.fixture
def lead(funnel):
    funnel("add", "Marie Tremblay", "--email", "marie@acme.ca", "--at", "2026-11-01 10:00")


def types(db_path):
    return [r["type"] for r in rows(db_path, "SELECT type FROM activities ORDER BY id")]


@pytest.mark.parametrize(
    ("text", "stored", "doubt"),
    [
        ("E-mail", "email", None),
        ("courriel", "email", None),
        ("MAIL", "email", None),
        ("phone", "call", None),
        ("Appel", "call", None),
        ("tél", "call", None),
        ("rdv", "meeting", None),
        ("réunion", "meeting", None),
        ("reunion", "meeting", None),  # accents ignored
        ("followup", "follow-up", None),  # - and _ ignored
        ("Site visit", "site-visit", None),
        ("linkedin", "linkedin", None),
        ("cal", "cal", "did you mean call?"),  # a letter dropped
        ("calll", "calll", "did you mean call?"),  # added
        ("demi", "demi", "did you mean demo?"),  # changed
        ("emial", "emial", "did you mean email?"),  # two neighbours swapped
        ("apel", "apel", "did you mean call?"),  # a synonym's typo: its known type
        ("42", "42", "a type starts with a letter"),
        ("2nd-call", "2nd-call", "a type starts with a letter"),
    ],
)
def test_the_rule(text, stored, doubt):
    verdict = activity_types.judge(text)
    assert verdict is not None
    assert (verdict.word, verdict.doubt) == (stored, doubt)
    assert verdict.known is (stored in activity_types.KNOWN)


@pytest.mark.parametrize("text", ["", "  ", "call!", "a/b", "x" * 41])
def test_what_is_not_a_word(text):
    assert activity_types.judge(text) is None


def test_every_synonym_is_known_and_no_word_means_two_types():
    seen: dict[str, str] = {}
    for kind in activity_types.KNOWN:
        for word in (kind, *activity_types.SYNONYMS[kind]):
            key = activity_types._key(word)
            assert seen.setdefault(key, kind) == kind, word
            assert activity_types.judge(word) == (kind, True, None)


def test_log_normalises_synonyms(funnel, db_path, lead):
    funnel("log", "1", "E-Mail", "sent the deck")
    funnel("log", "1", "rdv")
    funnel("log", "1", "phone")
    assert types(db_path) == ["email", "meeting", "call"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "cal",
            "Error: unknown activity type 'cal': did you mean call?\n"
            "Hint: --new-type records 'cal' as a new type; funnel log --types lists the types\n",
        ),
        (
            "emial",
            "Error: unknown activity type 'emial': did you mean email?\n"
            "Hint: --new-type records 'emial' as a new type; funnel log --types lists the types\n",
        ),
    ],
)
def test_log_refuses_a_typo_exit_2_and_writes_nothing(funnel, db_path, lead, typed, message):
    journal = rows(db_path, "SELECT count(*) AS n FROM journal")
    result = funnel("log", "1", typed, "hello", code=2)
    assert (result.stdout, result.stderr) == ("", message)
    assert types(db_path) == []
    assert rows(db_path, "SELECT count(*) AS n FROM journal") == journal


def test_new_type_records_it_and_then_it_is_in_use(funnel, db_path, lead):
    funnel("log", "1", "cal", "--new-type")
    funnel("log", "1", "Cal")  # in use now: chosen once, not a typo any more
    funnel("log", "1", "calll", code=2)  # still a typo of call
    assert types(db_path) == ["cal", "cal"]
    funnel("undo")
    funnel("undo")
    assert types(db_path) == []


def test_log_without_lead_or_type(funnel, lead):
    result = funnel("log", "1", code=2)
    assert result.stderr == (
        "Error: give LEAD and TYPE: funnel log LEAD TYPE [TEXT] (or funnel log --types)\n"
    )


def test_log_types_lists_known_types_and_types_in_use(funnel, db_path, lead):
    funnel("log", "1", "call")
    funnel("log", "1", "appel")
    funnel("log", "1", "site visit")
    listed = json.loads(funnel("log", "--types", "--format", "json").stdout)
    assert [(t["type"], t["known"], t["actions"]) for t in listed] == [
        ("call", True, 2),
        ("email", True, 0),
        ("meeting", True, 0),
        ("demo", True, 0),
        ("proposal", True, 0),
        ("note", True, 0),
        ("follow-up", True, 0),
        ("source", True, 0),
        ("site-visit", False, 1),
    ]
    assert listed[1]["synonyms"] == ["e-mail", "mail", "courriel", "mél", "correo"]
    assert listed[-1]["synonyms"] == []
    table = funnel("log", "--types").stdout
    assert "site-visit" in table and "rdv, rendez-vous" in table
    csv = funnel("log", "--types", "--format", "csv").stdout.splitlines()
    assert csv[0] == "type,known,synonyms,actions"
    assert csv[-1] == "site-visit,false,,1"


def test_log_types_on_a_missing_database_is_66(funnel, tmp_path):
    funnel("--db", tmp_path / "nope.db", "log", "--types", code=66)


def write(tmp_path, text, name="a.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_normalises_and_warns_once_about_typos(funnel, db_path, tmp_path, lead):
    funnel("log", "1", "2nd-call", "--new-type", "--at", "2026-11-02 09:00")
    path = write(
        tmp_path,
        "email,type,text,date\n"
        "marie@acme.ca,E-mail,deck,2026-11-20 10:00\n"
        "marie@acme.ca,cal,a,2026-11-20 11:00\n"
        "marie@acme.ca,cal,b,2026-11-20 12:00\n"
        "marie@acme.ca,42,c,2026-11-20 13:00\n"
        "marie@acme.ca,2nd-call,in use already,2026-11-20 14:00\n"
        "marie@acme.ca,Site visit,new but fine,2026-11-20 15:00\n",
    )
    result = funnel("import", path, "--kind", "activities")
    assert types(db_path) == ["2nd-call", "email", "cal", "cal", "42", "2nd-call", "site-visit"]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning")]
    assert warnings == [
        "Warning: new activity types that funnel log would refuse as likely typos, imported as "
        "written: 'cal' (2 rows: did you mean call?); '42' (1 row: a type starts with a letter) "
        "(funnel log --types lists the types)"
    ]
    again = funnel("import", path, "--kind", "activities")
    assert "0 inserted, 0 updated, 6 unchanged" in again.stdout
    assert "Warning" not in again.stderr


def test_import_of_yesterday_types_normalises_them(funnel, db_path, tmp_path, lead):
    """A type imported before the synonyms existed (stored as written) gets its known type."""
    path = write(tmp_path, "email,type,text,date\nmarie@acme.ca,courriel,x,2026-11-20 10:00\n")
    funnel("import", path, "--kind", "activities")
    assert types(db_path) == ["email"]
