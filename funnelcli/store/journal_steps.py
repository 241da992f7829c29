"""The schema steps of the journal and what came with it (issues 15 and 16): 8 to 12 of
``store/migrations.py``'s ``STEPS`` (append-only: a shipped step never changes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from funnelcli.store.sqlscript import run_script as _run

if TYPE_CHECKING:  # pragma: no cover
    from sqlite_utils import Database


def m008_journal(db: Database) -> None:
    """The journal that ``funnel undo`` reads (issue 15): one entry per write command, the row
    changes it made recorded by triggers (see ``store/journal_schema.py`` for why triggers, and
    why inserts are recorded as id ranges). Written by this step from the columns the tables have
    now; a later step that adds a column rebuilds the triggers."""
    from funnelcli.store import journal_schema

    _run(db, journal_schema.TABLES)
    journal_schema.create_triggers(db.conn, db.execute)


def m009_lead_external_ids(db: Database) -> None:
    """``lead_external_ids``: the external ids a lead holds besides ``leads.external_id``
    (issue 15: ``funnel merge`` gives the kept lead the ids of the leads merged into it, so that
    a re-import of either CRM record finds it, and ``funnel show ID`` too).

    ``leads.external_id`` stays the lead's primary id, the one exports and JSON give (a
    contract), and the one every writer (add, edit, import) already keeps; this table holds
    only the others. Not a copy of the column: a second home for the same id, kept in step by
    every writer or by triggers, would drift, and triggers that write it would fight ``undo``,
    which restores each row itself. So there is nothing to fill from ``leads.external_id``: the
    table starts empty. An id is held once across both (``UNIQUE`` here; the writers of the
    column check this table, ``lead_fields.external_id_free``). Journaled like the leads; its
    rows go with their lead (``ON DELETE CASCADE``).

    ``lead_import_keys`` does the same for the keys of deal rows without an id
    (``leads.import_key``, step 6): a merge of two leads that both came from such rows keeps
    the other's key, so that a re-import of its row finds the kept lead."""
    from funnelcli.store import journal_schema

    _run(
        db,
        """
        CREATE TABLE lead_external_ids (
            id INTEGER PRIMARY KEY,
            lead_id INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
            external_id TEXT NOT NULL UNIQUE CHECK (external_id <> '')
        ) STRICT;
        CREATE INDEX lead_external_ids_lead ON lead_external_ids (lead_id);
        CREATE TABLE lead_import_keys (
            id INTEGER PRIMARY KEY,
            lead_id INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
            import_key TEXT NOT NULL UNIQUE CHECK (import_key <> '')
        ) STRICT;
        CREATE INDEX lead_import_keys_lead ON lead_import_keys (lead_id)
        """,
    )
    journal_schema.create_triggers(
        db.conn, db.execute, tables=("lead_external_ids", "lead_import_keys")
    )


def m010_follow_up_cancelled(db: Database) -> None:
    """``follow_ups.cancel_reason``: a promise closed without being kept, and why, as a code
    (``lead-won``, ``lead-lost``: ``win`` and ``lose`` cancel the lead's open promises, so that
    ``overdue`` stops mailing about a deal that is over; words are chosen at display time).
    A cancelled promise keeps ``done_at`` as the moment it was closed: every reader of the open
    promises (``overdue``, ``check``, the partial indexes on ``done_at IS NULL``) stays right
    without a change, and a promise is open, done or cancelled, never two of them. NULL for
    every promise before this step (open or kept)."""
    from funnelcli.store import journal_schema

    _run(
        db,
        """
        ALTER TABLE follow_ups ADD COLUMN cancel_reason TEXT
            CHECK (cancel_reason IS NULL
                OR cancel_reason IN ('lead-won', 'lead-lost') AND done_at IS NOT NULL)
        """,
    )
    journal_schema.create_triggers(db.conn, db.execute, tables=("follow_ups",))


def m011_forecast_snapshots(db: Database) -> None:
    """What ``funnel report forecast --record`` said, for ``funnel report accuracy`` (issue 16).
    Not journaled: a record of a report, not an edit to undo (``store/snapshots.py`` says why)."""
    from funnelcli.store import snapshots

    _run(db, snapshots.TABLE)


def m012_recurring_term(db: Database) -> None:
    """``leads.term`` (the number of payments of a recurring deal, the first one being the won
    amount) and ``leads.billed_until`` (the last day it bills, ``YYYY-MM-DD``): ``funnel
    qualify --term N --until DATE`` (issue 16). The forecast counts the billings of a recurring
    deal up to the end its term or date say, and at most 12 months of them when neither is
    known. NULL for every lead before this step (no term known). ``leads_recurring``, the
    covering index of the forecast's recurring query, is rebuilt with both columns so that the
    query still reads the index alone. Journaled columns: the leads' triggers are recreated."""
    from funnelcli.store import journal_schema

    _run(
        db,
        """
        ALTER TABLE leads ADD COLUMN term INTEGER CHECK (term IS NULL OR term >= 1);
        ALTER TABLE leads ADD COLUMN billed_until TEXT
            CHECK (billed_until IS NULL OR date(billed_until) IS billed_until);
        DROP INDEX leads_recurring;
        CREATE INDEX leads_recurring
            ON leads (stage_id, frequency, currency, closed_at, amount_cents, term, billed_until)
            WHERE frequency IN ('monthly', 'quarterly', 'yearly') AND amount_cents IS NOT NULL
        """,
    )
    journal_schema.create_triggers(db.conn, db.execute, tables=("leads",))
