"""examples/webform end to end: the receiver on 127.0.0.1, a form posted with urllib exactly as
a browser encodes it (UTF-8, ``+`` for spaces); a locked database queues the submission; the
same body twice is one lead; and, when headless Chromium is installed, a real browser."""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from helpers import rows

RECEIVER = Path(__file__).resolve().parent.parent / "examples" / "webform" / "receiver.py"
FORM = {
    "name": "Renée Côté",
    "email": "renee@cote.ca",
    "phone": "514 555 0101",
    "company": "Côté & Fils",
    "message": "Bonjour, j'aimerais un devis",
    "website": "",
}


@pytest.fixture
def receiver(db_path, tmp_path):
    """The example receiver on a free port of 127.0.0.1; yields its base URL."""
    env = {
        **os.environ,
        "FUNNEL_INTAKE": shlex.join(
            [sys.executable, "-m", "funnelcli", "intake", "--honeypot", "website"]
        ),
        "WEBFORM_FALLBACK": str(tmp_path / "fallback"),
        "FUNNEL_BUSY_TIMEOUT": "0.2",
    }
    subprocess.run(
        [sys.executable, "-m", "funnelcli", "init"], env=env, check=True, capture_output=True
    )
    process = subprocess.Popen(
        [sys.executable, str(RECEIVER), "--host", "127.0.0.1", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()  # "listening on http://127.0.0.1:PORT/"
        assert line.startswith("listening on "), line
        yield line.split()[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def post(url: str, form: dict[str, str]) -> int:
    body = urllib.parse.urlencode(form).encode()  # UTF-8, "+" for spaces: a browser's encoding
    request = urllib.request.Request(
        url + "contact", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.slow
def test_a_posted_form_becomes_a_lead_an_activity_and_a_promise(receiver, db_path):
    assert post(receiver, FORM) == 200
    assert rows(db_path, "SELECT name, email, phone, company, source FROM leads") == [
        {
            "name": "Renée Côté",
            "email": "renee@cote.ca",
            "phone": "514 555 0101",
            "company": "Côté & Fils",
            "source": "web-form",
        }
    ]
    assert rows(db_path, "SELECT type, text FROM activities") == [
        {"type": "web-form", "text": "Bonjour, j'aimerais un devis"}
    ]
    assert rows(db_path, "SELECT text, due_date FROM follow_ups") == [
        {"text": "web-form-reply", "due_date": "2026-11-30"}
    ]
    assert post(receiver, {**FORM, "name": "", "email": "", "phone": ""}) == 400


@pytest.mark.slow
def test_a_locked_database_queues_and_the_submission_lands_later(receiver, db_path):
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert post(receiver, FORM) == 200
        assert rows(db_path, "SELECT count(*) AS n FROM leads") == [{"n": 0}]
        assert len(list((db_path.parent / "funnel-intake").glob("*.sub"))) == 1
    finally:
        holder.rollback()
        holder.close()
    flushed = subprocess.run(
        [sys.executable, "-m", "funnelcli", "intake", "--flush"], capture_output=True, text=True
    )
    assert (flushed.returncode, flushed.stdout) == (0, "1 created\n")
    assert rows(db_path, "SELECT name FROM leads") == [{"name": "Renée Côté"}]


@pytest.mark.slow
def test_the_same_body_twice_is_one_lead(receiver, db_path):
    assert post(receiver, FORM) == 200
    assert post(receiver, FORM) == 200
    assert rows(db_path, "SELECT count(*) AS n FROM leads") == [{"n": 1}]
    assert rows(db_path, "SELECT count(*) AS n FROM follow_ups") == [{"n": 1}]


@pytest.mark.slow
def test_a_failing_intake_keeps_the_body_and_answers_503(db_path, tmp_path):
    env = {
        **os.environ,
        "FUNNEL_INTAKE": "/nonexistent/funnel intake",
        "WEBFORM_FALLBACK": str(tmp_path / "fb"),
    }
    process = subprocess.Popen(
        [sys.executable, str(RECEIVER), "--port", "0"], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        url = process.stdout.readline().split()[-1]
        assert post(url, FORM) == 503
    finally:
        process.terminate()
        process.wait(timeout=10)
    kept = list((tmp_path / "fb").iterdir())
    assert [p.read_bytes() for p in kept] == [urllib.parse.urlencode(FORM).encode()]


def _chromium() -> str | None:
    return next(
        (
            shutil.which(n)
            for n in ("chromium", "chromium-browser", "google-chrome")
            if shutil.which(n)
        ),
        None,
    )


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(_chromium() is None, reason="headless Chromium is not installed")
def test_a_real_browser_fills_and_submits_the_form(receiver, db_path, tmp_path):
    """The example form, opened in headless Chromium, filled and submitted by a page script:
    the browser encodes the body itself."""
    html = (RECEIVER.parent / "form.html").read_text()
    html = html.replace('action="/contact"', f'action="{receiver}contact"')
    fill = (
        "<script>window.onload = () => {"
        "document.querySelector('[name=name]').value = 'Renée Côté';"
        "document.querySelector('[name=email]').value = 'renee@cote.ca';"
        "document.querySelector('[name=message]').value = 'Bonjour à vous, +1 & 2';"
        "document.forms[0].submit(); };</script></body>"
    )
    page = tmp_path / "form.html"
    page.write_text(html.replace("</body>", fill))
    subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000",
         "--dump-dom", page.as_uri()],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert rows(db_path, "SELECT name, email FROM leads") == [
        {"name": "Renée Côté", "email": "renee@cote.ca"}
    ]
    assert rows(db_path, "SELECT text FROM activities") == [{"text": "Bonjour à vous, +1 & 2"}]
