"""Reliability of ``funnel import`` and ``funnel export``: kills, hostile input, round trips.

- **Kill during an import**: a 200,000-row import into a database that already has leads is
  killed with SIGKILL early, mid-way and while it commits (each point found by a marker the
  importer prints on stderr, or by the growth of the write-ahead log, never by a sleep); a fresh
  process then finds the before or the after state, an intact file, and working commands.
- **Hostile input**: random bytes and random CSV-shaped text exit 0 or 65, never 70 (a
  traceback), and leave the database unchanged byte for byte when they exit 65.
- **Round trip**: random leads (quotes, delimiters, newlines, formula starts, emoji, RTL text,
  accents, amounts in several currencies, optional fields, closed deals) exported as CSV (and
  ``--excel``) and imported into an empty database come back field for field.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from helpers import examples, funnel_process, rows
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from funnelcli.cli import app
from funnelcli.services.imports.job import COMMITTING, STARTED

NOW = "2026-11-29T09:00:00"
TZ = "America/Toronto"
FUNNEL = [sys.executable, "-m", "funnelcli"]

#: Codes a CSV import may end with: done, or invalid data (nothing written).
IMPORT_CODES = {0, 65}


def dump(db: Path) -> list[str]:
    """Every row of every table (SQL text): to compare a database before and after."""
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def integrity(db: Path) -> str:
    return rows(db, "PRAGMA integrity_check")[0]["integrity_check"]


def count(db: Path, table: str = "leads") -> int:
    return rows(db, f"SELECT count(*) AS n FROM {table}")[0]["n"]


def run(*args: object, input: str | bytes | None = None):
    """``funnel ARGS`` in-process; the result, whatever its exit code."""
    return CliRunner().invoke(app, [str(a) for a in args], input=input)


# --------------------------------------------------------------------------- kill during an import

BIG_ROWS = 200_000
STAGES = ("new", "contacted", "qualified", "proposal", "won", "lost")
CLOSED_ROWS = sum(1 for i in range(BIG_ROWS) if STAGES[i % len(STAGES)] in ("won", "lost"))


def write_big_csv(path: Path, rows_wanted: int) -> None:
    """A CRM-like lead file: unique emails, amounts, created dates, open and closed deals."""
    header = "Name,Company,Email,Amount,Created,Stage,Closed,Lost reason\n"

    def line(i: int) -> str:
        created = f"20{20 + i % 6}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        stage = STAGES[i % len(STAGES)]
        closed = created if stage in ("won", "lost") else ""
        reason = "price" if stage == "lost" else ""
        return (
            f"Person {i},Company {i % 997},kill{i}@example.org,{i % 90_000}.{i % 100:02d},"
            f"{created},{stage},{closed},{reason}\n"
        )

    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header)
        for start in range(0, rows_wanted, 10_000):
            handle.writelines(map(line, range(start, min(start + 10_000, rows_wanted))))


@pytest.fixture(scope="session")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 200,000-row file, written once per test session (~0.3 s)."""
    path = tmp_path_factory.mktemp("big") / "leads-200k.csv"
    write_big_csv(path, BIG_ROWS)
    return path


@pytest.fixture(scope="session")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database that already has leads, history, follow-ups and activities (a demo)."""
    path = tmp_path_factory.mktemp("base") / "base.db"
    made = funnel_process(
        "demo", "--db", str(path), "--leads", "300", env={"FUNNEL_NOW": NOW, "TZ": TZ}
    )
    assert made.returncode == 0, made.stderr
    assert not Path(f"{path}-wal").exists()  # closed cleanly: the file alone is the database
    return path


class StderrLines:
    """The lines a process writes on stderr, read by a thread as they come (no buffering delay:
    a select() on a buffered pipe would miss lines already read into the buffer)."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(proc.stderr,), daemon=True)
        self.thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, marker: str, timeout: float = 60) -> bool:
        """Block until a line contains ``marker``; False if the process ends first."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                return False
            self.seen.append(line)
            if marker in line:
                return True
        return False


def wal_size(db: Path) -> int:
    wal = Path(f"{db}-wal")
    try:
        return wal.stat().st_size
    except FileNotFoundError:
        return 0


#: Where to kill: (marker on stderr, extra bytes the write-ahead log must grow by after it).
KILL_POINTS = {
    "early": (STARTED, 0),
    "mid": (STARTED, 4 * 1024 * 1024),
    "commit": (COMMITTING, 0),
}


@pytest.mark.slow
@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_an_import_killed_at_any_point_leaves_the_database_before_or_after(
    tmp_path, big_csv, base_db, point
):
    db = tmp_path / "funnel.db"
    shutil.copy(base_db, db)
    before = count(db)
    before_dump = dump(db)
    history_before = count(db, "stage_changes")
    marker, growth = KILL_POINTS[point]
    env = {**os.environ, "FUNNEL_NOW": NOW, "TZ": TZ, "TTY_COMPATIBLE": "0"}
    proc = subprocess.Popen(
        [*FUNNEL, "--db", str(db), "import", str(big_csv)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    stderr = StderrLines(proc)
    try:
        reached = stderr.wait_for(marker)
        if reached and growth:
            start = wal_size(db)
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline:
                if wal_size(db) >= start + growth:
                    break
                time.sleep(0.001)
            reached = wal_size(db) >= start + growth and proc.poll() is None
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert reached, f"the import never reached the {point} kill point: {''.join(stderr.seen)}"
    # Killed; at the commit point a very fast machine may just have finished (then: after).
    finished = (0,) if point == "commit" else ()
    assert proc.returncode in (-signal.SIGKILL, *finished), "the import ended before the kill"

    # A fresh process: recovery, the exact before or after state, an intact file.
    assert integrity(db) == "ok"
    assert rows(db, "PRAGMA foreign_key_check") == []
    after = count(db)
    if point == "commit":
        assert after in (before, before + BIG_ROWS)
    else:  # nothing was committed yet: exactly the state before
        assert after == before
    if after == before:  # every row of every table as it was
        assert dump(db) == before_dump
    # Every lead has its history: nothing of a half-written import survives.
    assert rows(
        db, "SELECT count(*) AS n FROM leads WHERE id NOT IN (SELECT lead_id FROM stage_changes)"
    ) == [{"n": 0}]

    # The next commands work: list, and the import again, to completion.
    listed = funnel_process(
        "--db", str(db), "list", "--limit", "3", "--format", "json", env={"TZ": TZ}
    )
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 3
    again = funnel_process("--db", str(db), "import", str(big_csv), env=env)
    assert again.returncode == 0, again.stderr
    inserted = BIG_ROWS if after == before else 0
    assert f"leads: {inserted} inserted, 0 updated" in again.stdout
    assert count(db) == before + BIG_ROWS
    # Each new lead's history: created (at its stage, or the opportunity stage), then closed.
    assert count(db, "stage_changes") == history_before + BIG_ROWS + CLOSED_ROWS
    assert integrity(db) == "ok"


# --------------------------------------------------------------------------- hostile input


@pytest.fixture
def seeded(tmp_path) -> Path:
    """A small database with leads, to import hostile files into."""
    db = tmp_path / "seed.db"
    for name, email in (("Marie Tremblay", "marie@x.ca"), ("Jean Roy", "jean@y.ca")):
        result = run("--db", db, "add", name, "--email", email, "--amount", "1200")
        assert result.exit_code == 0, result.output
    return db


def import_hostile(seeded: Path, tmp_path: Path, data: bytes, *extra: str) -> tuple[int, str]:
    """Import ``data`` into a copy of the seeded database; check the promises; the exit code."""
    db = tmp_path / "hostile.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copy(seeded, db)
    source = tmp_path / "hostile.csv"
    source.write_bytes(data)
    before = dump(db)
    result = run("--db", db, "import", source, *extra)
    code = result.exit_code
    assert "Traceback" not in result.output
    assert code in IMPORT_CODES, (
        f"exit {code} for {data[:200]!r}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    )
    if code == 65:
        assert "\nError: " in "\n" + result.stderr, result.stderr  # after the notes, if any
        assert dump(db) == before, "an import that failed changed the database"
    else:
        check_invariants(db)
    return code, result.stdout


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def check_invariants(db: Path) -> None:
    """What the app's own commands guarantee holds after an import too."""
    assert integrity(db) == "ok"
    assert rows(db, "PRAGMA foreign_key_check") == []
    for lead in rows(db, "SELECT * FROM leads"):
        for column, value in lead.items():
            if isinstance(value, str):  # as text.clean(): no control characters, no blanks around
                assert not CONTROL.search(value), (column, value)
                assert value == value.strip() and value, (column, value)
        assert "\n" not in lead["name"] and "  " not in lead["name"], lead["name"]
    # Each lead's history ends at its stage; closed leads (only) have a close date after creation.
    assert (
        rows(
            db,
            "SELECT l.id, l.stage_id, s.kind, l.created_at, l.closed_at, "
            "(SELECT to_stage_id FROM stage_changes c WHERE c.lead_id = l.id "
            " ORDER BY c.at DESC, c.id DESC LIMIT 1) AS last_stage, "
            "(SELECT min(at) FROM stage_changes c WHERE c.lead_id = l.id) AS first_at "
            "FROM leads l JOIN stages s ON s.id = l.stage_id "
            "WHERE last_stage IS NOT l.stage_id OR first_at < l.created_at "
            "OR (s.kind = 'open') = (l.closed_at IS NOT NULL) OR l.closed_at < l.created_at",
        )
        == []
    )


HOSTILE = settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@HOSTILE
@given(data=st.binary(max_size=600))
def test_random_bytes_never_crash_the_import(seeded, tmp_path, data):
    import_hostile(seeded, tmp_path, data)


@HOSTILE
@given(data=st.binary(max_size=300))
def test_random_bytes_after_a_valid_header_never_crash_the_import(seeded, tmp_path, data):
    header = b"Name,Email,Amount,Created,Stage,Closed,Probability,Notes\n"
    import_hostile(seeded, tmp_path, header + data, "--delimiter", ",")


#: Pieces CSV-shaped text is made of: delimiters, quotes, line ends, NULs, BOMs, headers, values.
PIECES = [
    ",", ";", "\t", "|", '"', '""', "'", "\n", "\r\n", "\r", "\x00", "\ufeff", " ", "\xa0",
    "sep=;", "sep=,", "Name", "Nom", "Email", "Courriel", "Amount", "Montant", "Created",
    "Date", "Stage", "Status", "Closed", "Company", "Phone", "Source", "Notes",
    "External id", "Probability", "Frequency", "Price only", "Expected close", "Currency",
]  # fmt: skip

#: Columns the importer knows (a field and its synonyms), and some it does not.
FIELDS = [
    ("Name", "Nom", "Full name"), ("First name", "Prénom"), ("Last name",), ("Company", "Entreprise"),
    ("Email", "Courriel", "E-mail"), ("Phone", "Téléphone"), ("Source", "Provenance"),
    ("Notes",), ("External id", "CRM id"), ("Stage", "Étape"), ("Status", "Statut"),
    ("Created", "Date", "Date de création"), ("Closed", "Close date"), ("Expected close",),
    ("Amount", "Montant"), ("Currency", "Devise"), ("Frequency",), ("Price only",),
    ("Decision maker",), ("Contact decides",), ("Needs approval",), ("Prerequisites",),
    ("Probability",), ("Lost reason",), ("Unknown",), ("id",), ("Colonne",),
]  # fmt: skip
IDENTITY = FIELDS[:6]

#: Cell values: valid, invalid and hostile ones.
VALUES = [
    "", " ", "Marie", "Zoé", "=SUM(A1)", "'=1+1", "'", "+1 514", "-5", "@x", "😀", "مرحبا",
    "שלום", "\u202e", "\x1b[31m", "\x85", "\x00", "\ufeff", "a\nb", "a\r\nb", "\r", '"',
    "m@x.ca", "marie@x.ca", "MARIE@X.CA", "a@b", "mailto:j@y.ca", "1234.50", "1,234.50",
    "1 234,50 $", "12 €", "CAD 5", "EUR 5 USD", "-3", "9" * 20, "99999999999999", "0.001",
    "2026-03-15", "15/03/2026", "03/04/2026", "04/03/2026", "13/13/2026", "2026-02-30",
    "31/12/99", "2026-11-30T10:00:00Z", "2026-11-29T23:59:59+14:00", "9999-01-01", "0001-01-01",
    "tomorrow", "next friday", "won", "lost", "Won", "perdu", "qualified", "open", "Nope",
    "yes", "non", "unknown", "monthly", "yearly", "150", "50 %", "%", "CAD", "XYZ", "eur",
]  # fmt: skip


@st.composite
def csv_files(draw) -> tuple[str, str]:
    """CSV-shaped text (and its delimiter): a known header, rows of valid and hostile cells,
    maybe broken."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    fields = [draw(st.sampled_from(IDENTITY))]
    fields += draw(st.lists(st.sampled_from(FIELDS), max_size=6, unique=True))
    header = [draw(st.sampled_from(names)) for names in dict.fromkeys(fields)]

    def cell(text: str) -> str:
        if any(c in text for c in (delimiter, '"', "\n", "\r")) or draw(st.booleans()):
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = [delimiter.join(map(cell, header))]
    for _ in range(draw(st.integers(0, 8))):
        width = len(header) + draw(st.sampled_from([0, 0, 0, 0, -1, 1]))
        values = draw(
            st.lists(
                st.one_of(st.sampled_from(VALUES), st.text(max_size=6)),
                min_size=max(width, 0),
                max_size=max(width, 0),
            )
        )
        lines.append(delimiter.join(map(cell, values)))
    text = end.join(lines) + draw(st.sampled_from(["", end]))
    if draw(st.booleans()):
        text = f"sep={delimiter}{end}{text}"
    if draw(st.integers(0, 3)) == 0:  # break it somewhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(PIECES + VALUES)) + text[at:]
    return text, delimiter


any_text = st.lists(
    st.one_of(st.sampled_from(PIECES + VALUES), st.text(max_size=8)), min_size=1, max_size=80
).map("".join)

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252"]


@HOSTILE
@given(
    text=st.one_of(csv_files().map(lambda made: made[0]), any_text),
    encoding=st.sampled_from(ENCODINGS),
)
def test_random_csv_text_never_crashes_and_a_success_is_idempotent(
    seeded, tmp_path, text, encoding
):
    data = text.encode(encoding, errors="replace")
    code, _ = import_hostile(seeded, tmp_path, data)
    if code == 0:  # the same file again changes nothing
        db = tmp_path / "hostile.db"
        before = dump(db)
        again = run("--db", db, "import", tmp_path / "hostile.csv")
        assert again.exit_code == 0, again.output
        assert " 0 inserted, 0 updated," in again.stdout, again.stdout
        assert dump(db) == before


@pytest.mark.slow  # the fast loop keeps its twin without --rejects
@HOSTILE
@given(made=csv_files(), flags=st.sampled_from([[], ["--dayfirst"], ["--monthfirst"]]))
def test_random_csv_text_with_rejects_never_crashes(seeded, tmp_path, made, flags):
    text, delimiter = made
    rejects = tmp_path / "rejects.csv"
    rejects.unlink(missing_ok=True)
    flags = [
        *flags,
        "--rejects",
        str(rejects),
        "--delimiter",
        "tab" if delimiter == "\t" else delimiter,
    ]
    code, _ = import_hostile(seeded, tmp_path, text.encode(), *flags)
    if code == 0:
        if rejects.exists():
            assert rejects.stat().st_mode & 0o777 == 0o600
            rejects.read_text(encoding="utf-8-sig")  # readable text, whatever came in
        db = tmp_path / "hostile.db"
        before = dump(db)
        again = run("--db", db, "import", tmp_path / "hostile.csv", *flags)
        assert again.exit_code == 0, again.output
        assert " 0 inserted, 0 updated," in again.stdout, again.stdout
        assert dump(db) == before


# --------------------------------------------------------------------------- round trip

#: Lead columns that describe a lead (not when or where it was stored).
SAME = (
    "name", "company", "email", "phone", "source", "notes", "external_id", "created_at",
    "stage_id", "closed_at", "lost_reason", "amount_cents", "currency", "frequency",
    "price_only", "decision_maker", "contact_decides", "needs_approval", "prerequisites",
    "expected_close", "probability",
)  # fmt: skip

TRICKY = [
    '"', '""', ",", ";", "\n", "\r\n", "\t", "=", "+", "-", "@", "'", "'=", "'-", "'@x",
    "=SUM(A1)", "@risk", "+33 1 23", "-5", "😀", "👩‍💼", "مرحبا", "שלום", "\u200f", "é", "ü",
    "Ç", "ß", "ﬁ", "  ", "\xa0", "\u202f", "$", "€", "1,5", "sep=;", "\\", "x",
]  # fmt: skip

tricky_text = st.lists(
    st.one_of(st.sampled_from(TRICKY), st.text(min_size=1, max_size=6)), min_size=1, max_size=8
).map("".join)


def _usable(text: str) -> bool:
    """What a person can type as a value: something left once blanks and controls go."""
    from funnelcli.text import clean

    return bool(clean(text))


leads_strategy = st.lists(
    st.fixed_dictionaries(
        {
            # a name needs a letter or a digit (funnel add refuses "-")
            "name": tricky_text.filter(_usable).filter(lambda t: any(c.isalnum() for c in t)),
            "email": st.sampled_from([None, "lead{}@example.com", "Lead.{}@Example.COM"]),
            "company": st.none() | tricky_text.filter(_usable),
            "phone": st.none() | tricky_text.filter(_usable),
            "source": st.none() | st.sampled_from(["Web Form", "referral", "-cold call", "Salon"]),
            "note": st.none() | tricky_text.filter(_usable),
            "external_id": st.none() | tricky_text.filter(_usable),
            "amount": st.none() | st.integers(0, 10**11).map(lambda c: f"{c // 100}.{c % 100:02d}"),
            "currency": st.none() | st.sampled_from(["CAD", "EUR", "USD", "JPY"]),
            "days_ago": st.integers(0, 2000),
            "stage": st.sampled_from(["new", "contacted", "qualified", "proposal", "negotiation"]),
            "close": st.sampled_from([None, "won", "lost"]),
            "reason": st.none() | tricky_text.filter(_usable),
            "frequency": st.none() | st.sampled_from(["once", "monthly", "quarterly", "yearly"]),
            "price_only": st.none() | st.booleans(),
            "decision_maker": st.none() | tricky_text.filter(_usable),
            "contact_decides": st.none() | st.booleans(),
            "needs_approval": st.none() | st.booleans(),
            "prerequisites": st.none() | tricky_text.filter(_usable),
            "probability": st.none() | st.integers(0, 100),
            "expected_close": st.none() | st.integers(1, 400),
        }
    ),
    min_size=1,
    max_size=4,
)


def moment(days_ago: int, clock: str) -> str:
    """A local moment ``days_ago`` days before the suite's frozen now (09:00)."""
    day = date.fromisoformat(NOW[:10]) - timedelta(days=days_ago)
    return f"{day.isoformat()} {clock}"


def make_leads(db: Path, leads: list[dict]) -> None:
    """Build the leads with the app's own commands (so they follow its rules)."""
    from funnelcli.text import clean

    anonymous = [
        (" ".join(clean(lead["name"]).split()), clean(lead["company"]), clean(lead["phone"]))
        for lead in leads
        if lead["email"] is None and lead["external_id"] is None
    ]
    # Without email or external id, a lead is known by name, company and phone: two such
    # leads alike are one lead to the import (reported as a duplicate), by design.
    assume(len(set(anonymous)) == len(anonymous))
    for i, lead in enumerate(leads):
        args: list[object] = ["--db", db, "add"]
        if lead["email"] is not None:
            args += ["--email", lead["email"].format(i)]
        for key in ("company", "phone", "source", "note", "amount", "currency"):
            if lead[key] is not None:
                args += [f"--{key}", lead[key]]
        if lead["external_id"] is not None:
            args += ["--external-id", lead["external_id"]]
        args += ["--stage", lead["stage"], "--at", moment(lead["days_ago"], "08:00")]
        args += ["--format", "json", "--", lead["name"]]
        result = run(*args)
        if result.exit_code == 2 and "already belongs to lead" in result.stderr:
            assume(False)  # two random external ids came out the same after cleaning
        assert result.exit_code == 0, (args, result.output)
        lead_id = "#" + str(json.loads(result.stdout)["id"])  # never an external id
        qualify: list[object] = []
        for key in ("frequency", "decision_maker", "prerequisites", "probability"):
            if lead[key] is not None:
                qualify += [f"--{key.replace('_', '-')}", lead[key]]
        for key, yes, no in (
            ("price_only", "--price-only", "--not-price-only"),
            ("contact_decides", "--contact-decides", "--contact-does-not-decide"),
            ("needs_approval", "--needs-approval", "--no-approval"),
        ):
            if lead[key] is not None:
                qualify.append(yes if lead[key] else no)
        if lead["expected_close"] is not None:
            qualify += ["--expected-close", f"+{lead['expected_close']}d"]
        if qualify:
            result = run("--db", db, "qualify", lead_id, *qualify)
            assert result.exit_code == 0, (qualify, result.output)
        if lead["close"] is not None:
            at = moment(lead["days_ago"] // 2, "08:30")
            extra = (
                ["--reason", lead["reason"]] if lead["close"] == "lost" and lead["reason"] else []
            )
            verb = {"won": "win", "lost": "lose"}[lead["close"]]
            result = run("--db", db, verb, lead_id, "--at", at, *extra)
            assert result.exit_code == 0, result.output


def lead_rows(db: Path) -> list[dict]:
    return rows(db, f"SELECT {', '.join(SAME)} FROM leads ORDER BY id")


def listed(db: Path) -> list[dict]:
    result = run("--db", db, "list", "--format", "json")
    assert result.exit_code == 0, result.output
    return [
        {k: v for k, v in lead.items() if k not in ("id", "updated_at")}
        for lead in json.loads(result.stdout)
    ]


ROUND_TRIP = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_examples = itertools.count()


@pytest.mark.slow
@ROUND_TRIP
@given(leads=leads_strategy, excel=st.booleans())
def test_export_then_import_reproduces_every_field(tmp_path, leads, excel):
    n = next(_examples)
    original = tmp_path / f"original-{n}.db"
    copy = tmp_path / f"copy-{n}.db"
    exported = tmp_path / f"leads-{n}.csv"
    make_leads(original, leads)
    flags = ["--excel"] if excel else []
    result = run(
        "--db", original, "export", "leads", "--format", "csv", "--output", exported, *flags
    )
    assert result.exit_code == 0, result.output
    result = run("--db", copy, "import", exported)
    assert result.exit_code == 0, (result.output, exported.read_text(encoding="utf-8-sig"))
    assert f"leads: {len(leads)} inserted, 0 updated, 0 unchanged, 0 rejected" in result.stdout
    assert lead_rows(copy) == lead_rows(original)
    assert listed(copy) == listed(original)
    again = run("--db", copy, "import", exported)
    assert f"leads: 0 inserted, 0 updated, {len(leads)} unchanged" in again.stdout, again.output
