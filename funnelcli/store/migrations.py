"""The schema, as append-only migration steps for sqlite-utils' ``Migrations``.

Rules: never edit a step that shipped; add a new one. Each step is named after what it does and
its comment says why. ``SCHEMA_VERSION`` (the number of steps) is stored in ``PRAGMA
user_version`` so that opening an up-to-date database costs no import of sqlite-utils; a
database whose version is higher than ours was made by a newer funnel and is refused.

Tables are STRICT: a column holds only its declared type, so a bad write fails loudly instead of
storing ``"12.5"`` as text in an amount column.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "funnelcli"


def _run(db: Database, script: str) -> None:
    """Run a script one complete statement at a time (``sqlite3.complete_statement`` knows about
    strings, comments and trigger bodies). Not executescript(): it would COMMIT the transaction
    the migration runs in, and a half-applied step must roll back as a whole."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        db.execute(statement)


def m001_pipeline_and_leads(db: Database) -> None:
    """Stages, leads (with the article's qualification questions) and every stage change."""
    _run(
        db,
        """
        CREATE TABLE stages (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (name <> ''),
            position INTEGER NOT NULL,
            probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
            kind TEXT NOT NULL DEFAULT 'open' CHECK (kind IN ('open', 'won', 'lost')),
            is_opportunity INTEGER NOT NULL DEFAULT 0 CHECK (is_opportunity IN (0, 1))
        ) STRICT;
        -- exactly one opportunity stage, one won stage and one lost stage
        CREATE UNIQUE INDEX stages_one_opportunity ON stages (is_opportunity)
            WHERE is_opportunity = 1;
        CREATE UNIQUE INDEX stages_one_per_closed_kind ON stages (kind) WHERE kind <> 'open';

        CREATE TABLE leads (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (name <> ''),
            company TEXT,
            email TEXT,          -- stored lower-case, so lookups are case-insensitive
            phone TEXT,
            source TEXT,         -- stored lower-case: web-form, referral, ...
            notes TEXT,
            external_id TEXT,    -- the id in the system the lead was imported from
            created_at TEXT NOT NULL,   -- UTC ISO 8601
            updated_at TEXT NOT NULL,
            stage_id INTEGER NOT NULL REFERENCES stages (id),
            closed_at TEXT,      -- set while the lead is won or lost
            lost_reason TEXT,
            amount_cents INTEGER CHECK (amount_cents >= 0),
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            frequency TEXT CHECK (frequency IN ('once', 'monthly', 'quarterly', 'yearly')),
            price_only INTEGER CHECK (price_only IN (0, 1)),         -- NULL: unknown
            decision_maker TEXT,
            contact_decides INTEGER CHECK (contact_decides IN (0, 1)),
            needs_approval INTEGER CHECK (needs_approval IN (0, 1)),
            prerequisites TEXT,
            expected_close TEXT, -- local calendar date YYYY-MM-DD
            probability INTEGER CHECK (probability BETWEEN 0 AND 100)
        ) STRICT;
        CREATE INDEX leads_created ON leads (created_at);
        CREATE INDEX leads_email ON leads (email) WHERE email IS NOT NULL;
        CREATE UNIQUE INDEX leads_external_id ON leads (external_id)
            WHERE external_id IS NOT NULL;
        CREATE INDEX leads_stage ON leads (stage_id);
        CREATE INDEX leads_closed ON leads (closed_at) WHERE closed_at IS NOT NULL;
        CREATE INDEX leads_expected_close ON leads (expected_close)
            WHERE expected_close IS NOT NULL;

        CREATE TABLE stage_changes (
            id INTEGER PRIMARY KEY,
            lead_id INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
            from_stage_id INTEGER REFERENCES stages (id),   -- NULL: the lead's creation
            to_stage_id INTEGER NOT NULL REFERENCES stages (id),
            at TEXT NOT NULL,
            note TEXT
        ) STRICT;
        CREATE INDEX stage_changes_lead ON stage_changes (lead_id, at);
        CREATE INDEX stage_changes_to ON stage_changes (to_stage_id, lead_id)
        """,
    )
    # The SPEC's default pipeline, frozen here: what this step wrote must never change.
    db.conn.executemany(
        "INSERT INTO stages (name, position, probability, kind, is_opportunity) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            ("new", 1, 5, "open", 0),
            ("contacted", 2, 10, "open", 0),
            ("qualified", 3, 25, "open", 1),
            ("proposal", 4, 50, "open", 0),
            ("negotiation", 5, 75, "open", 0),
            ("won", 6, 100, "won", 0),
            ("lost", 7, 0, "lost", 0),
        ],
    )


def m002_follow_ups_and_activities(db: Database) -> None:
    """Follow-up promises (a due date, optionally a time) and the log of actions."""
    _run(
        db,
        """
        CREATE TABLE follow_ups (
            id INTEGER PRIMARY KEY,
            lead_id INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
            text TEXT NOT NULL CHECK (text <> ''),
            -- A promise is kept by the user's calendar, like a paper diary: a local date and,
            -- optionally, a local wall-clock time. DST and travel do not move it.
            due_date TEXT NOT NULL,
            due_time TEXT,
            created_at TEXT NOT NULL,
            done_at TEXT,
            done_note TEXT,
            snooze_count INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE INDEX follow_ups_open_due ON follow_ups (due_date, due_time)
            WHERE done_at IS NULL;
        CREATE INDEX follow_ups_lead ON follow_ups (lead_id, due_date);

        CREATE TABLE activities (
            id INTEGER PRIMARY KEY,
            lead_id INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
            type TEXT NOT NULL CHECK (type <> ''),
            text TEXT,
            at TEXT NOT NULL,
            follow_up_id INTEGER REFERENCES follow_ups (id) ON DELETE SET NULL,
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX activities_lead ON activities (lead_id, at);
        CREATE INDEX activities_type ON activities (type)
        """,
    )


def m003_settings(db: Database) -> None:
    """Per-database settings (the default currency), so they travel with the file."""
    _run(db, "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT")


def m004_stage_history_covering_index(db: Database) -> None:
    """Reports read each lead's stage history (which stages it reached, in order): with the
    stage in the index those reads never touch the table (~25 % faster at 3M stage changes).
    The new index starts with (lead_id, at), so the old one is redundant: dropped."""
    _run(
        db,
        """
        CREATE INDEX stage_changes_lead_stage ON stage_changes (lead_id, at, to_stage_id);
        DROP INDEX stage_changes_lead
        """,
    )


#: Append-only. The position of a step is its schema version.
STEPS: tuple[Callable[[Database], None], ...] = (
    m001_pipeline_and_leads,
    m002_follow_ups_and_activities,
    m003_settings,
    m004_stage_history_covering_index,
)

SCHEMA_VERSION = len(STEPS)


def build(steps: tuple[Callable[[Database], None], ...] | None = None) -> Migrations:
    """The sqlite-utils ``Migrations`` set (imported here, only when a database needs it)."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for step in STEPS if steps is None else steps:
        migrations()(step)
    return migrations
