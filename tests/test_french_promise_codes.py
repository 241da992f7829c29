"""Texts funnel writes itself are stored as codes and worded when shown (issue 19, item 5): the
web-form reply promise that ``funnel intake`` makes is ``web-form-reply`` in the database,
"Reply to the web-form message" in English and in JSON/CSV, French words in French; a row
written before the code (the English words) is shown the same way."""

from __future__ import annotations

import json
import sqlite3

from helpers import rows

FRENCH = {"LANG": "fr_CA.UTF-8"}
TERMINAL = {"TTY_COMPATIBLE": "1"}
FORM = "name=Ren%C3%A9e+C%C3%B4t%C3%A9&email=renee%40cote.ca&message=Un+devis+SVP"
ENGLISH_WORDS = "Reply to the web-form message"
FRENCH_WORDS = "Répondre au message du formulaire web"


def _intake(funnel):
    funnel("init")
    funnel("intake", input=FORM)


def test_the_reply_promise_is_stored_as_a_code_and_worded_in_each_language(funnel, db_path):
    _intake(funnel)
    assert rows(db_path, "SELECT text FROM follow_ups") == [{"text": "web-form-reply"}]
    line = "F1  2026-11-30  open       1  Renée Côté           {}"
    english = funnel("follow-up", "list").stdout.splitlines()
    assert english[1].rstrip() == line.format(ENGLISH_WORDS)
    french = funnel("follow-up", "list", env=FRENCH).stdout.splitlines()
    assert french[1].rstrip() == "F1  2026-11-30  ouvert      1  Renée Côté              " + (
        FRENCH_WORDS
    )
    card = funnel("show", "1", env=FRENCH).stdout
    assert f"  F1 échéance 2026-11-30  {FRENCH_WORDS}\n" in card
    # JSON keeps the English words in both languages (as before the code)
    data = [funnel("follow-up", "list", "-f", "json", env=env).stdout for env in (None, FRENCH)]
    assert data[0] == data[1]
    assert json.loads(data[0])[0]["text"] == ENGLISH_WORDS


def test_done_snooze_and_the_calendar_word_it_too(funnel, db_path):
    _intake(funnel)
    snoozed = funnel("snooze", "1", "2026-12-02", env=FRENCH).stdout
    assert snoozed == (
        f"Suivi F1 reporté au 2026-12-02 (était le 2026-11-30 ; reporté 1 fois) : {FRENCH_WORDS}\n"
    )
    ics = funnel("export", "follow-ups", "-f", "ics", env=FRENCH).stdout
    assert f"SUMMARY:Renée Côté : {FRENCH_WORDS}" in ics.replace("\r\n ", "")
    done = funnel("done", "1", "--note", "appelée", env=FRENCH).stdout
    assert done == f"Suivi F1 fait : {FRENCH_WORDS} · Renée Côté (piste 1)\n"
    stored = rows(db_path, "SELECT text FROM activities WHERE type = 'follow-up'")
    assert stored == [{"text": "web-form-reply — appelée"}]
    card = funnel("show", "1", env=FRENCH).stdout
    assert f"  suivi      log 2: {FRENCH_WORDS} — appelée\n" in card
    english = funnel("show", "1").stdout
    assert f"  follow-up  log 2: {ENGLISH_WORDS} — appelée\n" in english
    exported = json.loads(funnel("export", "activities", "-f", "json").stdout)
    assert exported[1]["text"] == f"{ENGLISH_WORDS} — appelée"


def test_a_reply_promise_stored_in_english_words_is_shown_in_french(funnel, db_path):
    _intake(funnel)
    with sqlite3.connect(db_path) as conn:  # as funnel 0.5 stored it
        conn.execute("UPDATE follow_ups SET text = ?", (ENGLISH_WORDS,))
    assert (
        funnel("overdue", "--within", "1d", env=FRENCH)
        .stdout.splitlines()[-1]
        .endswith(FRENCH_WORDS)
    )
    assert json.loads(funnel("follow-up", "list", "-f", "json").stdout)[0]["text"] == (
        ENGLISH_WORDS
    )
    # a promise a person typed is never reworded
    funnel("promise", "1", "Reply to the web-form message please", "--due", "2026-12-03")
    listed = funnel("follow-up", "list", env=FRENCH).stdout
    assert "Reply to the web-form message please" in listed


def test_the_log_lines_in_french(funnel):
    funnel("add", "Julie Roy")
    assert funnel("log", "1", "call", "Laissé un message", env=FRENCH | TERMINAL).stdout == (
        "Activité appel notée sur la piste 1 Julie Roy (2026-11-29 09:00)\n"
    )
    assert funnel("log", "edit", "1", "--type", "email", env=FRENCH).stdout == (
        "Action 1 de la piste 1 Julie Roy modifiée : courriel (2026-11-29 09:00) · "
        "Laissé un message\n"
    )
    assert funnel("log", "delete", "1", env=FRENCH).stdout == (
        "Action 1 de la piste 1 Julie Roy supprimée : courriel (2026-11-29 09:00) · "
        "Laissé un message\n"
    )
    assert funnel("log", "1", "call", env=TERMINAL).stdout == (
        "Logged call on lead 1 Julie Roy (2026-11-29 09:00)\n"
    )
