-- funnel schema version 12: the result of the steps of store/migrations.py.
-- Written by `python scripts/refresh_schema.py`: do not edit.

CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);

CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");

CREATE TABLE stages (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (name <> ''),
            position INTEGER NOT NULL,
            probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
            kind TEXT NOT NULL DEFAULT 'open' CHECK (kind IN ('open', 'won', 'lost')),
            is_opportunity INTEGER NOT NULL DEFAULT 0 CHECK (is_opportunity IN (0, 1))
        ) STRICT;

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
        , reached INTEGER NOT NULL DEFAULT 0, last_event_at TEXT, import_key TEXT, dates_estimated INTEGER NOT NULL DEFAULT 0
            CHECK (dates_estimated BETWEEN 0 AND 3), term INTEGER CHECK (term IS NULL OR term >= 1), billed_until TEXT
            CHECK (billed_until IS NULL OR date(billed_until) IS billed_until)) STRICT;

CREATE INDEX leads_created ON leads (created_at);

CREATE UNIQUE INDEX leads_external_id ON leads (external_id)
            WHERE external_id IS NOT NULL;

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

CREATE INDEX stage_changes_to ON stage_changes (to_stage_id, lead_id)
        ;

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
        , cancel_reason TEXT
            CHECK (cancel_reason IS NULL
                OR cancel_reason IN ('lead-won', 'lead-lost') AND done_at IS NOT NULL)) STRICT;

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
        ;

CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

CREATE INDEX stage_changes_lead_stage ON stage_changes (lead_id, at, to_stage_id);

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
            
        UPDATE leads SET
            reached = (
                SELECT coalesce(sum(bit), 0) FROM (
                    SELECT DISTINCT 1 << to_stage_id AS bit FROM stage_changes
                    WHERE lead_id = OLD.lead_id AND to_stage_id BETWEEN 1 AND 62
                )
            ),
            last_event_at = (
                SELECT max(at) FROM (
                    SELECT max(at) AS at FROM stage_changes WHERE lead_id = OLD.lead_id
                    UNION ALL SELECT max(at) FROM activities WHERE lead_id = OLD.lead_id
                )
            )
        WHERE id = OLD.lead_id;
            
        UPDATE leads SET
            reached = (
                SELECT coalesce(sum(bit), 0) FROM (
                    SELECT DISTINCT 1 << to_stage_id AS bit FROM stage_changes
                    WHERE lead_id = NEW.lead_id AND to_stage_id BETWEEN 1 AND 62
                )
            ),
            last_event_at = (
                SELECT max(at) FROM (
                    SELECT max(at) AS at FROM stage_changes WHERE lead_id = NEW.lead_id
                    UNION ALL SELECT max(at) FROM activities WHERE lead_id = NEW.lead_id
                )
            )
        WHERE id = NEW.lead_id AND NEW.lead_id IS NOT OLD.lead_id;
        END;

CREATE TRIGGER stage_changes_summary_delete AFTER DELETE ON stage_changes BEGIN
            
        UPDATE leads SET
            reached = (
                SELECT coalesce(sum(bit), 0) FROM (
                    SELECT DISTINCT 1 << to_stage_id AS bit FROM stage_changes
                    WHERE lead_id = OLD.lead_id AND to_stage_id BETWEEN 1 AND 62
                )
            ),
            last_event_at = (
                SELECT max(at) FROM (
                    SELECT max(at) AS at FROM stage_changes WHERE lead_id = OLD.lead_id
                    UNION ALL SELECT max(at) FROM activities WHERE lead_id = OLD.lead_id
                )
            )
        WHERE id = OLD.lead_id;
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
            
        UPDATE leads SET
            reached = (
                SELECT coalesce(sum(bit), 0) FROM (
                    SELECT DISTINCT 1 << to_stage_id AS bit FROM stage_changes
                    WHERE lead_id = OLD.lead_id AND to_stage_id BETWEEN 1 AND 62
                )
            ),
            last_event_at = (
                SELECT max(at) FROM (
                    SELECT max(at) AS at FROM stage_changes WHERE lead_id = OLD.lead_id
                    UNION ALL SELECT max(at) FROM activities WHERE lead_id = OLD.lead_id
                )
            )
        WHERE id = OLD.lead_id;
            
        UPDATE leads SET
            reached = (
                SELECT coalesce(sum(bit), 0) FROM (
                    SELECT DISTINCT 1 << to_stage_id AS bit FROM stage_changes
                    WHERE lead_id = NEW.lead_id AND to_stage_id BETWEEN 1 AND 62
                )
            ),
            last_event_at = (
                SELECT max(at) FROM (
                    SELECT max(at) AS at FROM stage_changes WHERE lead_id = NEW.lead_id
                    UNION ALL SELECT max(at) FROM activities WHERE lead_id = NEW.lead_id
                )
            )
        WHERE id = NEW.lead_id AND NEW.lead_id IS NOT OLD.lead_id;
        END;

CREATE TRIGGER activities_summary_delete AFTER DELETE ON activities BEGIN
            
        UPDATE leads SET
            reached = (
                SELECT coalesce(sum(bit), 0) FROM (
                    SELECT DISTINCT 1 << to_stage_id AS bit FROM stage_changes
                    WHERE lead_id = OLD.lead_id AND to_stage_id BETWEEN 1 AND 62
                )
            ),
            last_event_at = (
                SELECT max(at) FROM (
                    SELECT max(at) AS at FROM stage_changes WHERE lead_id = OLD.lead_id
                    UNION ALL SELECT max(at) FROM activities WHERE lead_id = OLD.lead_id
                )
            )
        WHERE id = OLD.lead_id;
        END;

CREATE INDEX leads_stage_reached ON leads (stage_id, reached);

CREATE INDEX leads_email_stage ON leads (email, stage_id) WHERE email IS NOT NULL;

CREATE INDEX follow_ups_snoozed ON follow_ups (lead_id)
            WHERE done_at IS NULL AND snooze_count >= 3;

CREATE INDEX leads_import_key ON leads (import_key) WHERE import_key IS NOT NULL
        ;

CREATE INDEX leads_closed_deals
            ON leads (closed_at, stage_id, source, currency, amount_cents, created_at,
                dates_estimated)
            WHERE closed_at IS NOT NULL;

CREATE INDEX leads_dates_estimated ON leads (dates_estimated) WHERE dates_estimated <> 0
        ;

CREATE TABLE journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    command TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'command' CHECK (kind IN ('command', 'undo', 'redo')),
    reverts INTEGER,      -- for an undo or a redo: the entry it reverted
    undone_by INTEGER,    -- the entry that reverted this one
    purged INTEGER NOT NULL DEFAULT 0 CHECK (purged IN (0, 1))  -- can no longer be undone
) STRICT;

CREATE TABLE journal_ranges (
    entry_id INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    after INTEGER NOT NULL,
    upto INTEGER,         -- NULL while the entry is open
    PRIMARY KEY (entry_id, tbl)
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX journal_ranges_open ON journal_ranges (tbl) WHERE upto IS NULL;

CREATE TABLE journal_changes (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    row_id INTEGER NOT NULL,
    old TEXT,             -- the row before (update, delete), as a JSON object
    new TEXT              -- the row after (update)
) STRICT;

CREATE INDEX journal_changes_entry ON journal_changes (entry_id);

CREATE INDEX journal_changes_row ON journal_changes (tbl, row_id);

CREATE TRIGGER journal_stages_update AFTER UPDATE ON stages BEGIN
            INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id, 'stages', 'update', OLD.rowid, json_object('id', OLD.id, 'name', OLD.name, 'position', OLD.position, 'probability', OLD.probability, 'kind', OLD.kind, 'is_opportunity', OLD.is_opportunity), json_object('id', NEW.id, 'name', NEW.name, 'position', NEW.position, 'probability', NEW.probability, 'kind', NEW.kind, 'is_opportunity', NEW.is_opportunity) FROM journal_ranges WHERE tbl = 'stages' AND upto IS NULL
            AND OLD.rowid <= after;
        END;

CREATE TRIGGER journal_stages_delete AFTER DELETE ON stages BEGIN
            INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id, 'stages', 'delete', OLD.rowid, json_object('id', OLD.id, 'name', OLD.name, 'position', OLD.position, 'probability', OLD.probability, 'kind', OLD.kind, 'is_opportunity', OLD.is_opportunity), NULL FROM journal_ranges WHERE tbl = 'stages' AND upto IS NULL
            AND OLD.rowid <= after;
        END;

CREATE TRIGGER journal_settings_update AFTER UPDATE ON settings BEGIN
            INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id, 'settings', 'update', OLD.rowid, json_object('rowid', OLD.rowid, 'key', OLD.key, 'value', OLD.value), json_object('rowid', NEW.rowid, 'key', NEW.key, 'value', NEW.value) FROM journal_ranges WHERE tbl = 'settings' AND upto IS NULL
            AND OLD.rowid <= after;
        END;

CREATE TRIGGER journal_settings_delete AFTER DELETE ON settings BEGIN
            INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id, 'settings', 'delete', OLD.rowid, json_object('rowid', OLD.rowid, 'key', OLD.key, 'value', OLD.value), NULL FROM journal_ranges WHERE tbl = 'settings' AND upto IS NULL
            AND OLD.rowid <= after;
        END;

CREATE TRIGGER journal_activities_update AFTER UPDATE ON activities BEGIN
            INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id, 'activities', 'update', OLD.rowid, json_object('id', OLD.id, 'lead_id', OLD.lead_id, 'type', OLD.type, 'text', OLD.text, 'at', OLD.at, 'follow_up_id', OLD.follow_up_id, 'created_at', OLD.created_at), json_object('id', NEW.id, 'lead_id', NEW.lead_id, 'type', NEW.type, 'text', NEW.text, 'at', NEW.at, 'follow_up_id', NEW.follow_up_id, 'created_at', NEW.created_at) FROM journal_ranges WHERE tbl = 'activities' AND upto IS NULL
            AND OLD.rowid <= after;
        END;

CREATE TRIGGER journal_activities_delete AFTER DELETE ON activities BEGIN
            INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id, 'activities', 'delete', OLD.rowid, json_object('id', OLD.id, 'lead_id', OLD.lead_id, 'type', OLD.type, 'text', OLD.text, 'at', OLD.at, 'follow_up_id', OLD.follow_up_id, 'created_at', OLD.created_at), NULL FROM journal_ranges WHERE tbl = 'activities' AND upto IS NULL
            AND OLD.rowid <= after;
        END;

CREATE TRIGGER journal_stage_changes_update AFTER UPDATE ON stage_changes BEGIN
            INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id, 'stage_changes', 'update', OLD.rowid, json_object('id', OLD.id, 'lead_id', OLD.lead_id, 'from_stage_id', OLD.from_stage_id, 'to_stage_id', OLD.to_stage_id, 'at', OLD.at, 'note', OLD.note), json_object('id', NEW.id, 'lead_id', NEW.lead_id, 'from_stage_id', NEW.from_stage_id, 'to_stage_id', NEW.to_stage_id, 'at', NEW.at, 'note', NEW.note) FROM journal_ranges WHERE tbl = 'stage_changes' AND upto IS NULL
            AND OLD.rowid <= after;
        END;

CREATE TRIGGER journal_stage_changes_delete AFTER DELETE ON stage_changes BEGIN
            INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id, 'stage_changes', 'delete', OLD.rowid, json_object('id', OLD.id, 'lead_id', OLD.lead_id, 'from_stage_id', OLD.from_stage_id, 'to_stage_id', OLD.to_stage_id, 'at', OLD.at, 'note', OLD.note), NULL FROM journal_ranges WHERE tbl = 'stage_changes' AND upto IS NULL
            AND OLD.rowid <= after;
        END;

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
        ;

CREATE TRIGGER journal_lead_external_ids_update AFTER UPDATE ON lead_external_ids BEGIN
            INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id, 'lead_external_ids', 'update', OLD.rowid, json_object('id', OLD.id, 'lead_id', OLD.lead_id, 'external_id', OLD.external_id), json_object('id', NEW.id, 'lead_id', NEW.lead_id, 'external_id', NEW.external_id) FROM journal_ranges WHERE tbl = 'lead_external_ids' AND upto IS NULL
            AND OLD.rowid <= after;
        END;

CREATE TRIGGER journal_lead_external_ids_delete AFTER DELETE ON lead_external_ids BEGIN
            INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id, 'lead_external_ids', 'delete', OLD.rowid, json_object('id', OLD.id, 'lead_id', OLD.lead_id, 'external_id', OLD.external_id), NULL FROM journal_ranges WHERE tbl = 'lead_external_ids' AND upto IS NULL
            AND OLD.rowid <= after;
        END;

CREATE TRIGGER journal_lead_import_keys_update AFTER UPDATE ON lead_import_keys BEGIN
            INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id, 'lead_import_keys', 'update', OLD.rowid, json_object('id', OLD.id, 'lead_id', OLD.lead_id, 'import_key', OLD.import_key), json_object('id', NEW.id, 'lead_id', NEW.lead_id, 'import_key', NEW.import_key) FROM journal_ranges WHERE tbl = 'lead_import_keys' AND upto IS NULL
            AND OLD.rowid <= after;
        END;

CREATE TRIGGER journal_lead_import_keys_delete AFTER DELETE ON lead_import_keys BEGIN
            INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id, 'lead_import_keys', 'delete', OLD.rowid, json_object('id', OLD.id, 'lead_id', OLD.lead_id, 'import_key', OLD.import_key), NULL FROM journal_ranges WHERE tbl = 'lead_import_keys' AND upto IS NULL
            AND OLD.rowid <= after;
        END;

CREATE TRIGGER journal_follow_ups_update AFTER UPDATE ON follow_ups BEGIN
            INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id, 'follow_ups', 'update', OLD.rowid, json_object('id', OLD.id, 'lead_id', OLD.lead_id, 'text', OLD.text, 'due_date', OLD.due_date, 'due_time', OLD.due_time, 'created_at', OLD.created_at, 'done_at', OLD.done_at, 'done_note', OLD.done_note, 'snooze_count', OLD.snooze_count, 'cancel_reason', OLD.cancel_reason), json_object('id', NEW.id, 'lead_id', NEW.lead_id, 'text', NEW.text, 'due_date', NEW.due_date, 'due_time', NEW.due_time, 'created_at', NEW.created_at, 'done_at', NEW.done_at, 'done_note', NEW.done_note, 'snooze_count', NEW.snooze_count, 'cancel_reason', NEW.cancel_reason) FROM journal_ranges WHERE tbl = 'follow_ups' AND upto IS NULL
            AND OLD.rowid <= after;
        END;

CREATE TRIGGER journal_follow_ups_delete AFTER DELETE ON follow_ups BEGIN
            INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id, 'follow_ups', 'delete', OLD.rowid, json_object('id', OLD.id, 'lead_id', OLD.lead_id, 'text', OLD.text, 'due_date', OLD.due_date, 'due_time', OLD.due_time, 'created_at', OLD.created_at, 'done_at', OLD.done_at, 'done_note', OLD.done_note, 'snooze_count', OLD.snooze_count, 'cancel_reason', OLD.cancel_reason), NULL FROM journal_ranges WHERE tbl = 'follow_ups' AND upto IS NULL
            AND OLD.rowid <= after;
        END;

CREATE TABLE forecast_snapshots (
    id INTEGER PRIMARY KEY,
    recorded_on TEXT NOT NULL,    -- local day of as_of: one snapshot a day per choice
    as_of TEXT NOT NULL,          -- UTC instant the forecast was computed at
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    period_label TEXT NOT NULL,
    by TEXT NOT NULL CHECK (by IN ('month', 'quarter')),
    method TEXT NOT NULL,
    source TEXT,                  -- the --source filter; NULL: every source
    bucket TEXT NOT NULL,
    bucket_from TEXT NOT NULL,
    bucket_to TEXT NOT NULL,
    currency TEXT NOT NULL,
    pipeline_cents INTEGER NOT NULL,
    recurring_cents INTEGER NOT NULL,
    won_cents INTEGER NOT NULL,
    total_cents INTEGER NOT NULL
) STRICT;

CREATE INDEX forecast_snapshots_day ON forecast_snapshots (recorded_on, period_from)
;

CREATE INDEX leads_recurring
            ON leads (stage_id, frequency, currency, closed_at, amount_cents, term, billed_until)
            WHERE frequency IN ('monthly', 'quarterly', 'yearly') AND amount_cents IS NOT NULL
        ;

CREATE TRIGGER journal_leads_update AFTER UPDATE ON leads BEGIN
            INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id, 'leads', 'update', OLD.rowid, json_object('id', OLD.id, 'name', OLD.name, 'company', OLD.company, 'email', OLD.email, 'phone', OLD.phone, 'source', OLD.source, 'notes', OLD.notes, 'external_id', OLD.external_id, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'stage_id', OLD.stage_id, 'closed_at', OLD.closed_at, 'lost_reason', OLD.lost_reason, 'amount_cents', OLD.amount_cents, 'currency', OLD.currency, 'frequency', OLD.frequency, 'price_only', OLD.price_only, 'decision_maker', OLD.decision_maker, 'contact_decides', OLD.contact_decides, 'needs_approval', OLD.needs_approval, 'prerequisites', OLD.prerequisites, 'expected_close', OLD.expected_close, 'probability', OLD.probability, 'reached', OLD.reached, 'last_event_at', OLD.last_event_at, 'import_key', OLD.import_key, 'dates_estimated', OLD.dates_estimated, 'term', OLD.term, 'billed_until', OLD.billed_until), json_object('id', NEW.id, 'name', NEW.name, 'company', NEW.company, 'email', NEW.email, 'phone', NEW.phone, 'source', NEW.source, 'notes', NEW.notes, 'external_id', NEW.external_id, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'stage_id', NEW.stage_id, 'closed_at', NEW.closed_at, 'lost_reason', NEW.lost_reason, 'amount_cents', NEW.amount_cents, 'currency', NEW.currency, 'frequency', NEW.frequency, 'price_only', NEW.price_only, 'decision_maker', NEW.decision_maker, 'contact_decides', NEW.contact_decides, 'needs_approval', NEW.needs_approval, 'prerequisites', NEW.prerequisites, 'expected_close', NEW.expected_close, 'probability', NEW.probability, 'reached', NEW.reached, 'last_event_at', NEW.last_event_at, 'import_key', NEW.import_key, 'dates_estimated', NEW.dates_estimated, 'term', NEW.term, 'billed_until', NEW.billed_until) FROM journal_ranges WHERE tbl = 'leads' AND upto IS NULL
            AND OLD.rowid <= after;
        END;

CREATE TRIGGER journal_leads_delete AFTER DELETE ON leads BEGIN
            INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id, 'leads', 'delete', OLD.rowid, json_object('id', OLD.id, 'name', OLD.name, 'company', OLD.company, 'email', OLD.email, 'phone', OLD.phone, 'source', OLD.source, 'notes', OLD.notes, 'external_id', OLD.external_id, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'stage_id', OLD.stage_id, 'closed_at', OLD.closed_at, 'lost_reason', OLD.lost_reason, 'amount_cents', OLD.amount_cents, 'currency', OLD.currency, 'frequency', OLD.frequency, 'price_only', OLD.price_only, 'decision_maker', OLD.decision_maker, 'contact_decides', OLD.contact_decides, 'needs_approval', OLD.needs_approval, 'prerequisites', OLD.prerequisites, 'expected_close', OLD.expected_close, 'probability', OLD.probability, 'reached', OLD.reached, 'last_event_at', OLD.last_event_at, 'import_key', OLD.import_key, 'dates_estimated', OLD.dates_estimated, 'term', OLD.term, 'billed_until', OLD.billed_until), NULL FROM journal_ranges WHERE tbl = 'leads' AND upto IS NULL
            AND OLD.rowid <= after;
        END;

INSERT INTO "_sqlite_migrations" ("id", "migration_set", "name", "applied_at") VALUES (1, 'funnelcli', 'm001_pipeline_and_leads', :applied_at);

INSERT INTO "_sqlite_migrations" ("id", "migration_set", "name", "applied_at") VALUES (2, 'funnelcli', 'm002_follow_ups_and_activities', :applied_at);

INSERT INTO "_sqlite_migrations" ("id", "migration_set", "name", "applied_at") VALUES (3, 'funnelcli', 'm003_settings', :applied_at);

INSERT INTO "_sqlite_migrations" ("id", "migration_set", "name", "applied_at") VALUES (4, 'funnelcli', 'm004_stage_history_covering_index', :applied_at);

INSERT INTO "_sqlite_migrations" ("id", "migration_set", "name", "applied_at") VALUES (5, 'funnelcli', 'm005_lead_summary_columns', :applied_at);

INSERT INTO "_sqlite_migrations" ("id", "migration_set", "name", "applied_at") VALUES (6, 'funnelcli', 'm006_lead_import_key', :applied_at);

INSERT INTO "_sqlite_migrations" ("id", "migration_set", "name", "applied_at") VALUES (7, 'funnelcli', 'm007_lead_dates_estimated', :applied_at);

INSERT INTO "_sqlite_migrations" ("id", "migration_set", "name", "applied_at") VALUES (8, 'funnelcli', 'm008_journal', :applied_at);

INSERT INTO "_sqlite_migrations" ("id", "migration_set", "name", "applied_at") VALUES (9, 'funnelcli', 'm009_lead_external_ids', :applied_at);

INSERT INTO "_sqlite_migrations" ("id", "migration_set", "name", "applied_at") VALUES (10, 'funnelcli', 'm010_follow_up_cancelled', :applied_at);

INSERT INTO "_sqlite_migrations" ("id", "migration_set", "name", "applied_at") VALUES (11, 'funnelcli', 'm011_forecast_snapshots', :applied_at);

INSERT INTO "_sqlite_migrations" ("id", "migration_set", "name", "applied_at") VALUES (12, 'funnelcli', 'm012_recurring_term', :applied_at);

INSERT INTO "stages" ("id", "name", "position", "probability", "kind", "is_opportunity") VALUES (1, 'new', 1, 5, 'open', 0);

INSERT INTO "stages" ("id", "name", "position", "probability", "kind", "is_opportunity") VALUES (2, 'contacted', 2, 10, 'open', 0);

INSERT INTO "stages" ("id", "name", "position", "probability", "kind", "is_opportunity") VALUES (3, 'qualified', 3, 25, 'open', 1);

INSERT INTO "stages" ("id", "name", "position", "probability", "kind", "is_opportunity") VALUES (4, 'proposal', 4, 50, 'open', 0);

INSERT INTO "stages" ("id", "name", "position", "probability", "kind", "is_opportunity") VALUES (5, 'negotiation', 5, 75, 'open', 0);

INSERT INTO "stages" ("id", "name", "position", "probability", "kind", "is_opportunity") VALUES (6, 'won', 6, 100, 'won', 0);

INSERT INTO "stages" ("id", "name", "position", "probability", "kind", "is_opportunity") VALUES (7, 'lost', 7, 0, 'lost', 0);

-- end of the schema
