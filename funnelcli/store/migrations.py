"""The schema, as append-only migration steps for sqlite-utils' ``Migrations``.

Rules: never edit a step that shipped; add a new one. Each step is named after what it does and
its comment says why. ``SCHEMA_VERSION`` (the number of steps) is stored in ``PRAGMA
user_version`` so that opening an up-to-date database costs no import of sqlite-utils; a
database whose version is higher than ours was made by a newer funnel and is refused.

Tables are STRICT: a column holds only its declared type, so a bad write fails loudly instead of
storing ``"12.5"`` as text in an amount column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from funnelcli.store.journal_steps import (
    m008_journal,
    m009_lead_external_ids,
    m010_follow_up_cancelled,
    m011_forecast_snapshots,
    m012_recurring_term,
)
from funnelcli.store.sqlscript import run_script as _run

if TYPE_CHECKING:  # pragma: no cover
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "funnelcli"

#: Stage ids that ``leads.reached`` records, as ``1 << id``: the ids 1 to 62 written into
#: :func:`m005_lead_summary_columns` (a shipped step: its SQL never changes).
REACHED_IDS = range(1, 63)


def reached_bit(stage_id: int) -> int:
    """The bit of stage ``stage_id`` in ``leads.reached``; 0 for a stage it does not record."""
    return 1 << stage_id if stage_id in REACHED_IDS else 0


def all_recorded(stage_ids: Iterable[int]) -> bool:
    """True when ``leads.reached`` records every one of these stages (readers may then trust
    it instead of reading the history)."""
    return all(stage_id in REACHED_IDS for stage_id in stage_ids)


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


def _m005_recompute(lead: str, where: str = "") -> str:
    """Part of step 5 (frozen with it): ``reached`` and ``last_event_at`` of the lead whose id
    is ``lead`` (an SQL expression), from scratch; ``where``: an extra condition, or the whole
    WHERE clause when ``lead`` is the updated row itself (the backfill)."""
    clause = where if lead == "leads.id" else f"WHERE id = {lead}{where}"
    return f"""
        UPDATE leads SET
            reached = (
                SELECT coalesce(sum(bit), 0) FROM (
                    SELECT DISTINCT 1 << to_stage_id AS bit FROM stage_changes
                    WHERE lead_id = {lead} AND to_stage_id BETWEEN 1 AND 62
                )
            ),
            last_event_at = (
                SELECT max(at) FROM (
                    SELECT max(at) AS at FROM stage_changes WHERE lead_id = {lead}
                    UNION ALL SELECT max(at) FROM activities WHERE lead_id = {lead}
                )
            )
        {clause};"""


def m005_lead_summary_columns(db: Database) -> None:
    """Two columns that summarise a lead's history, kept by triggers, so that reports and the
    audit read one row per lead instead of probing its history (at 1M leads and 3M stage
    changes those probes were most of the time of the dashboard):

    - ``reached``: the stages the lead has ever been at, as bits (``1 << stage id``, for ids 1 to
      62; a stage with a larger id is not recorded there, and readers then use the history);
      stage ids, not positions, so that reordering the pipeline changes nothing stored;
    - ``last_event_at``: its latest stage change or logged action (NULL: none).

    Inserting a stage change or an action updates them in place when they change (a writer
    that knows the values can write them with the lead: an import does, and its history then
    rewrites no row); deleting or editing one (the application never does, but a hand edit
    may) recomputes the lead's from scratch. (An ``INSERT OR REPLACE`` of an existing row
    fires no delete trigger: not for hand edits.)

    Also: the indexes on the stage and on emails gain a column (the stages every lost deal
    reached, and the duplicate open leads, are then read from an index alone; lookups by stage
    or email use the prefix, so the old indexes go), and a small index on the follow-ups pushed
    back 3 times or more (the audit's rule) spares a scan of every follow-up. The index on
    the close date covers what the reports read of a closed deal (stage, source, currency,
    amount, creation: the deals won in a period, their cycle, their paths), and one on the
    recurring deals holds what the forecast reads of them: neither report reads the table.
    """
    _run(
        db,
        f"""
        ALTER TABLE leads ADD COLUMN reached INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE leads ADD COLUMN last_event_at TEXT;
        {_m005_recompute("leads.id")}

        CREATE TRIGGER stage_changes_summary_insert AFTER INSERT ON stage_changes
        WHEN (
            SELECT (
                    NEW.to_stage_id BETWEEN 1 AND 62
                    AND reached & (1 << NEW.to_stage_id) = 0
                ) OR last_event_at IS NULL OR last_event_at < NEW.at
            FROM leads WHERE id = NEW.lead_id
        )
        BEGIN
            UPDATE leads SET
                reached = reached | CASE WHEN NEW.to_stage_id BETWEEN 1 AND 62
                                         THEN 1 << NEW.to_stage_id ELSE 0 END,
                last_event_at = max(coalesce(last_event_at, NEW.at), NEW.at)
            WHERE id = NEW.lead_id;
        END;
        CREATE TRIGGER stage_changes_summary_update
        AFTER UPDATE OF lead_id, to_stage_id, at ON stage_changes BEGIN
            {_m005_recompute("OLD.lead_id")}
            {_m005_recompute("NEW.lead_id", " AND NEW.lead_id IS NOT OLD.lead_id")}
        END;
        CREATE TRIGGER stage_changes_summary_delete AFTER DELETE ON stage_changes BEGIN
            {_m005_recompute("OLD.lead_id")}
        END;
        CREATE TRIGGER activities_summary_insert AFTER INSERT ON activities
        WHEN (
            SELECT last_event_at IS NULL OR last_event_at < NEW.at FROM leads WHERE id = NEW.lead_id
        )
        BEGIN
            UPDATE leads SET last_event_at = max(coalesce(last_event_at, NEW.at), NEW.at)
            WHERE id = NEW.lead_id;
        END;
        CREATE TRIGGER activities_summary_update AFTER UPDATE OF lead_id, at ON activities BEGIN
            {_m005_recompute("OLD.lead_id")}
            {_m005_recompute("NEW.lead_id", " AND NEW.lead_id IS NOT OLD.lead_id")}
        END;
        CREATE TRIGGER activities_summary_delete AFTER DELETE ON activities BEGIN
            {_m005_recompute("OLD.lead_id")}
        END;

        CREATE INDEX leads_stage_reached ON leads (stage_id, reached);
        DROP INDEX leads_stage;
        CREATE INDEX leads_email_stage ON leads (email, stage_id) WHERE email IS NOT NULL;
        DROP INDEX leads_email;
        CREATE INDEX follow_ups_snoozed ON follow_ups (lead_id)
            WHERE done_at IS NULL AND snooze_count >= 3;
        CREATE INDEX leads_closed_deals
            ON leads (closed_at, stage_id, source, currency, amount_cents, created_at)
            WHERE closed_at IS NOT NULL;
        DROP INDEX leads_closed;
        CREATE INDEX leads_recurring
            ON leads (stage_id, frequency, currency, closed_at, amount_cents)
            WHERE frequency IN ('monthly', 'quarterly', 'yearly') AND amount_cents IS NOT NULL
        """,
    )


def m006_lead_import_key(db: Database) -> None:
    """``leads.import_key``: the identity of a lead that an import made from a deal row without
    an external id (a digest of the row's name, company, contact, stage, amount and dates).
    A CRM's opportunity export without ids holds many deals of one contact: they cannot be
    told apart by email and name, so a re-import finds each one by its key instead (see
    ``services/imports/identity.py``). NULL for every other lead; indexed for that lookup."""
    _run(
        db,
        """
        ALTER TABLE leads ADD COLUMN import_key TEXT;
        CREATE INDEX leads_import_key ON leads (import_key) WHERE import_key IS NOT NULL
        """,
    )


#: ``leads.dates_estimated`` bits (:func:`m007_lead_dates_estimated`).
CREATED_ESTIMATED = 1
CLOSED_ESTIMATED = 2


def m007_lead_dates_estimated(db: Database) -> None:
    """``leads.dates_estimated``: which of a lead's dates an import did not find in its file
    and estimated (bit 1: ``created_at``, bit 2: ``closed_at``; 0 for every lead whose dates
    are real, hence every lead before this step). The lead keeps a date (the columns stay NOT
    NULL and the history consistent), but a sales cycle or a month computed from an estimated
    date is invented: the reports leave such leads out of those figures and say how many,
    and ``funnel check`` lists them. An integer, not a text list: reports test it with one
    ``&``. The covering index of the closed deals gains the column, so that the won deals'
    cycle is still read from that index alone; a partial index holds the few estimated leads,
    for ``funnel check`` and the dashboard's count of problems.
    """
    _run(
        db,
        """
        ALTER TABLE leads ADD COLUMN dates_estimated INTEGER NOT NULL DEFAULT 0
            CHECK (dates_estimated BETWEEN 0 AND 3);
        DROP INDEX leads_closed_deals;
        CREATE INDEX leads_closed_deals
            ON leads (closed_at, stage_id, source, currency, amount_cents, created_at,
                dates_estimated)
            WHERE closed_at IS NOT NULL;
        CREATE INDEX leads_dates_estimated ON leads (dates_estimated) WHERE dates_estimated <> 0
        """,
    )


#: Append-only. The position of a step is its schema version.
STEPS: tuple[Callable[[Database], None], ...] = (
    m001_pipeline_and_leads,
    m002_follow_ups_and_activities,
    m003_settings,
    m004_stage_history_covering_index,
    m005_lead_summary_columns,
    m006_lead_import_key,
    m007_lead_dates_estimated,
    m008_journal,
    m009_lead_external_ids,
    m010_follow_up_cancelled,
    m011_forecast_snapshots,
    m012_recurring_term,
)

SCHEMA_VERSION = len(STEPS)


def build(steps: tuple[Callable[[Database], None], ...] | None = None) -> Migrations:
    """The sqlite-utils ``Migrations`` set (imported here, only when a database needs it)."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for step in STEPS if steps is None else steps:
        migrations()(step)
    return migrations
