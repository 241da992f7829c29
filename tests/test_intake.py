"""``funnel intake``: a web submission (form, JSON, e-mail) becomes a lead, or an activity of the
open lead with its email, with a promise to reply; nothing to contact is kept in rejected/."""

from __future__ import annotations

import json

import pytest
from helpers import rows

from funnelcli.dates.business import add_business_days
from funnelcli.spool import FOLDER, digest

FORM = (
    "name=Ren%C3%A9e+C%C3%B4t%C3%A9&email=Renee%40Cote.ca&t%C3%A9l%C3%A9phone=514+555+0101"
    "&entreprise=C%C3%B4t%C3%A9+%26+Fils&message=Bonjour%2C+un+devis+SVP&utm_campaign=fall"
    "&website="
)


@pytest.fixture
def db(funnel, db_path):
    funnel("init")
    return db_path


def intake(funnel, body: str | bytes, *args: object, code: int = 0):
    text = body if isinstance(body, str) else body.decode()
    return funnel("intake", *args, input=text, code=code)


def test_a_browser_form_makes_a_lead_and_a_promise_to_reply(funnel, db):
    result = intake(funnel, FORM, "--honeypot", "website")
    assert result.stdout == "1 created\n"
    lead = rows(db, "SELECT name, email, phone, company, source, notes FROM leads")[0]
    assert lead == {
        "name": "Renée Côté",
        "email": "renee@cote.ca",
        "phone": "514 555 0101",
        "company": "Côté & Fils",
        "source": "web-form",
        "notes": "utm_campaign: fall",
    }
    assert rows(db, "SELECT lead_id, type, text, at FROM activities") == [
        {
            "lead_id": 1,
            "type": "web-form",
            "text": "Bonjour, un devis SVP",
            "at": "2026-11-29T14:00:00Z",
        }
    ]
    # Sunday 2026-11-29: one business day later is Monday the 30th
    assert rows(db, "SELECT lead_id, text, due_date, due_time, done_at FROM follow_ups") == [
        {
            "lead_id": 1,
            "text": "web-form-reply",  # a code, worded when shown
            "due_date": "2026-11-30",
            "due_time": None,
            "done_at": None,
        }
    ]
    key = rows(db, "SELECT lead_id, import_key FROM lead_import_keys")
    assert key == [{"lead_id": 1, "import_key": "intake:" + digest(FORM.encode())}]


def test_the_same_bytes_twice_make_one_lead(funnel, db):
    intake(funnel, FORM)
    again = intake(funnel, FORM, "-f", "json")
    data = json.loads(again.stdout)
    assert data == [
        {
            "status": "duplicate",
            "id": 1,
            "follow_up_id": None,
            "submission": digest(FORM.encode()),
            "reason": None,
        }
    ]
    assert rows(db, "SELECT count(*) AS n FROM leads") == [{"n": 1}]
    assert rows(db, "SELECT count(*) AS n FROM follow_ups") == [{"n": 1}]


def test_an_open_lead_with_the_email_gets_an_activity_not_a_duplicate(funnel, db):
    funnel("add", "Renée Côté", "--email", "renee@cote.ca")
    body = '{"courriel": "RENEE@cote.ca", "comments": "Still waiting", "budget_range": "5k"}'
    result = intake(funnel, body, "--reply-within", "4h")
    assert result.stdout == "1 updated\n"
    assert rows(db, "SELECT count(*) AS n FROM leads") == [{"n": 1}]
    assert rows(db, "SELECT lead_id, type, text, at FROM activities") == [
        {
            "lead_id": 1,
            "type": "web-form",
            "text": "Still waiting\n\nbudget_range: 5k",
            "at": "2026-11-29T14:00:00Z",
        }
    ]
    # 09:00 plus 4 hours, local time
    assert rows(db, "SELECT due_date, due_time FROM follow_ups") == [
        {"due_date": "2026-11-29", "due_time": "13:00"}
    ]


def test_a_closed_lead_does_not_take_the_submission(funnel, db):
    funnel("add", "Old Deal", "--email", "renee@cote.ca")
    funnel("lose", "1")
    assert intake(funnel, "email=renee%40cote.ca&name=Renee").stdout == "2 created\n"


def test_an_email_notification_with_reply_to_and_body_fields(funnel, db):
    mail = (
        "From: Forms <noreply@forms.example>\n"
        "Reply-To: =?utf-8?q?Lo=C3=AFc_Roy?= <loic@roy.ca>\n"
        "Subject: New submission\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
        "Company: Roy =C3=A9lectrique\n"
        "Message: First line\n"
        "second line\n"
    )
    assert intake(funnel, mail).stdout == "1 created\n"
    lead = rows(db, "SELECT name, email, company, notes FROM leads")[0]
    assert lead == {
        "name": "Loïc Roy",
        "email": "loic@roy.ca",
        "company": "Roy électrique",
        "notes": "subject: New submission",
    }
    assert rows(db, "SELECT text FROM activities") == [{"text": "First line\nsecond line"}]


def test_json_lines_are_one_submission_each(funnel, db):
    body = '{"name": "Ann", "email": "ann@a.ca"}\n{"name": "Bob", "phone": "555"}\n'
    assert intake(funnel, body).stdout == "1 created\n2 created\n"
    assert intake(funnel, body).stdout == "1 duplicate\n2 duplicate\n"


def test_input_overrides_detection(funnel, db):
    # a form field whose value looks like a header line: detected as a form only when told
    intake(funnel, "Name: x", "--input", "form", code=65)
    assert intake(funnel, "name=Ann&phone=555", "--input", "FORM").stdout == "1 created\n"


def test_nothing_to_contact_is_rejected_and_kept(funnel, db):
    result = intake(funnel, "message=hello&company=Acme", code=65)
    name = f"20261129T140000000000Z-{digest(b'message=hello&company=Acme')}.sub"
    kept = db.parent / FOLDER / "rejected" / name
    assert result.stderr == (
        "Error: nothing to contact: the submission has neither email, phone nor name\n"
        f"Hint: the submission is kept in {kept}\n"
    )
    assert kept.read_bytes() == b"message=hello&company=Acme"
    assert kept.with_name(name + ".reason").read_text() == (
        "nothing to contact: the submission has neither email, phone nor name\n"
    )
    assert rows(db, "SELECT count(*) AS n FROM leads") == [{"n": 0}]


def test_the_honeypot_drops_spam(funnel, db):
    result = intake(
        funnel, "name=Bot&email=bot%40spam.ru&website=http%3A%2F%2Fx", "--honeypot", "website"
    )
    assert result.stdout == "spam\n"
    assert rows(db, "SELECT count(*) AS n FROM leads") == [{"n": 0}]


def test_a_submission_over_64_kib_is_refused(funnel, db):
    body = "name=Ann&message=" + "x" * (64 * 1024)
    result = intake(funnel, body, code=65)
    assert result.stderr.startswith("Error: the submission is larger than 64 KiB\n")


def test_intake_never_creates_a_database(funnel, db_path):
    result = intake(funnel, FORM, code=66)
    assert result.stderr.startswith(f"Error: the database {db_path} does not exist\n")
    assert not db_path.exists()


def test_each_submission_is_one_undoable_entry(funnel, db):
    intake(funnel, FORM)
    funnel("undo")
    assert rows(db, "SELECT count(*) AS n FROM leads") == [{"n": 0}]
    # its key went with it: the same bytes land again
    assert intake(funnel, FORM).stdout == "1 created\n"


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        ("2026-11-27", 1, "2026-11-30"),  # Friday -> Monday
        ("2026-11-29", 1, "2026-11-30"),  # Sunday -> Monday
        ("2026-11-30", 1, "2026-12-01"),  # Monday -> Tuesday
        ("2026-11-26", 3, "2026-12-01"),  # Thursday + 3 -> Tuesday
    ],
)
def test_business_days(day, count, expected):
    from datetime import date

    assert add_business_days(date.fromisoformat(day), count).isoformat() == expected
