import GRDB
import PortraitCore

extension SQLiteStore {
    /// The trigger that queues a profile for an update whenever one of its records moves in or out, changes or is
    /// deleted (created by `v8-profiles`; a resolve from scratch drops it while it places every record, and queues
    /// ``everyProfile`` instead). Its text must not change: a different trigger needs a migration of its own.
    static let profileDirtyTrigger = """
        CREATE TRIGGER records_profile_dirty AFTER UPDATE OF profile_id, canonical, deleted ON records
        WHEN old.profile_id IS NOT new.profile_id OR old.canonical IS NOT new.canonical
            OR old.deleted IS NOT new.deleted
        BEGIN
            INSERT OR REPLACE INTO profile_dirty (profile_id)
                SELECT old.profile_id WHERE old.profile_id IS NOT NULL;
            INSERT OR REPLACE INTO profile_dirty (profile_id)
                SELECT new.profile_id WHERE new.profile_id IS NOT NULL AND new.profile_id IS NOT old.profile_id;
        END;
        """

    /// The index of records by profile (as `v4-records-appended` created it); a resolve from scratch drops it while
    /// it places every record and creates it again after.
    static let recordsByProfileIndex =
        "CREATE INDEX records_by_profile ON records(profile_id) WHERE profile_id IS NOT NULL"
    /// The index of identity links by their second record (as `v6-identity` created it); a resolve from scratch
    /// drops it while it writes every link and creates it again after.
    static let linksByBIndex = "CREATE INDEX identity_links_by_b ON identity_links(b)"

    /// The schema, one named step per change. Never edit a released step: append a new one (`v2-…`).
    ///
    /// Times are unix seconds (`REAL`); JSON columns hold `JSONValue.canonicalText`.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-records") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sync_runs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        connector TEXT NOT NULL,
                        status TEXT NOT NULL,
                        started_at REAL NOT NULL,
                        finished_at REAL,
                        "read" INTEGER NOT NULL DEFAULT 0,
                        "new" INTEGER NOT NULL DEFAULT 0,
                        "updated" INTEGER NOT NULL DEFAULT 0,
                        "unchanged" INTEGER NOT NULL DEFAULT 0,
                        quarantined INTEGER NOT NULL DEFAULT 0,
                        warnings INTEGER NOT NULL DEFAULT 0,
                        error TEXT
                    );
                    CREATE INDEX sync_runs_by_connector ON sync_runs(connector, id);

                    CREATE TABLE checkpoints (
                        connector TEXT PRIMARY KEY NOT NULL,
                        state TEXT NOT NULL,
                        updated_at REAL NOT NULL,
                        run_id INTEGER
                    );

                    CREATE TABLE records (
                        connector TEXT NOT NULL CHECK (connector <> ''),
                        stream TEXT NOT NULL CHECK (stream <> ''),
                        source_id TEXT NOT NULL CHECK (source_id <> ''),
                        entity TEXT NOT NULL,
                        raw TEXT NOT NULL,
                        canonical TEXT NOT NULL,
                        location TEXT NOT NULL,
                        deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
                        content_hash TEXT NOT NULL,
                        profile_id TEXT,
                        first_seen_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        run_id INTEGER,
                        PRIMARY KEY (connector, stream, source_id)
                    );
                    CREATE INDEX records_by_profile ON records(profile_id);
                    CREATE INDEX records_by_entity ON records(entity);

                    CREATE TABLE quarantine (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        connector TEXT NOT NULL,
                        stream TEXT NOT NULL,
                        source_id TEXT,
                        location TEXT NOT NULL,
                        raw TEXT NOT NULL,
                        reasons TEXT NOT NULL,
                        first_seen_at REAL NOT NULL,
                        last_seen_at REAL NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 1,
                        run_id INTEGER
                    );
                    CREATE UNIQUE INDEX quarantine_by_source_id ON quarantine(connector, stream, source_id)
                        WHERE source_id IS NOT NULL;
                    CREATE UNIQUE INDEX quarantine_by_location ON quarantine(connector, stream, location)
                        WHERE source_id IS NULL;
                    CREATE INDEX quarantine_by_connector ON quarantine(connector, id);

                    CREATE TABLE profiles (
                        id TEXT PRIMARY KEY NOT NULL,
                        profile TEXT NOT NULL,
                        updated_at REAL NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("v2-source-text-and-parts") { db in
            // The line as the source wrote it (CSV), and per-file counts of a run (JSON array of RunPart).
            try db.execute(
                sql: """
                    ALTER TABLE quarantine ADD COLUMN source_text TEXT;
                    ALTER TABLE sync_runs ADD COLUMN parts TEXT;
                    """
            )
        }
        migrator.registerMigration("v3-records-clustered") { db in
            // Records are stored in their key's b-tree (WITHOUT ROWID): an insert or a look-up by key touches one
            // b-tree instead of a table and its primary-key index. Nothing read records by entity, so that index
            // goes; the profile index only holds placed records, so an import does not write an entry per row.
            try db.execute(
                sql: """
                    CREATE TABLE records_v3 (
                        connector TEXT NOT NULL CHECK (connector <> ''),
                        stream TEXT NOT NULL CHECK (stream <> ''),
                        source_id TEXT NOT NULL CHECK (source_id <> ''),
                        entity TEXT NOT NULL,
                        raw TEXT NOT NULL,
                        canonical TEXT NOT NULL,
                        location TEXT NOT NULL,
                        deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
                        content_hash TEXT NOT NULL,
                        profile_id TEXT,
                        first_seen_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        run_id INTEGER,
                        PRIMARY KEY (connector, stream, source_id)
                    ) WITHOUT ROWID;
                    INSERT INTO records_v3 (connector, stream, source_id, entity, raw, canonical, location, deleted,
                        content_hash, profile_id, first_seen_at, updated_at, run_id)
                    SELECT connector, stream, source_id, entity, raw, canonical, location, deleted, content_hash,
                        profile_id, first_seen_at, updated_at, run_id FROM records;
                    DROP TABLE records;
                    ALTER TABLE records_v3 RENAME TO records;
                    CREATE INDEX records_by_profile ON records(profile_id) WHERE profile_id IS NOT NULL;
                    """
            )
        }
        migrator.registerMigration("v4-records-appended") { db in
            // Records go back to a rowid table, appended in arrival order, with the key in its own unique index.
            // Clustering on the key (v3) wrote every record into its key's place in a b-tree of whole records:
            // cheap when ids arrive in order (a CSV of receipts), but a pull in updated-at order (a CRM) lands
            // each record on a random page and rewrites it, which made a 100,000-contact pull 2.2 times slower.
            // Now only the small index entry lands at random; in-order imports cost about 4% more.
            try db.execute(
                sql: """
                    CREATE TABLE records_v4 (
                        connector TEXT NOT NULL CHECK (connector <> ''),
                        stream TEXT NOT NULL CHECK (stream <> ''),
                        source_id TEXT NOT NULL CHECK (source_id <> ''),
                        entity TEXT NOT NULL,
                        raw TEXT NOT NULL,
                        canonical TEXT NOT NULL,
                        location TEXT NOT NULL,
                        deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
                        content_hash TEXT NOT NULL,
                        profile_id TEXT,
                        first_seen_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        run_id INTEGER,
                        UNIQUE (connector, stream, source_id)
                    );
                    INSERT INTO records_v4 (connector, stream, source_id, entity, raw, canonical, location, deleted,
                        content_hash, profile_id, first_seen_at, updated_at, run_id)
                    SELECT connector, stream, source_id, entity, raw, canonical, location, deleted, content_hash,
                        profile_id, first_seen_at, updated_at, run_id FROM records;
                    DROP TABLE records;
                    ALTER TABLE records_v4 RENAME TO records;
                    CREATE INDEX records_by_profile ON records(profile_id) WHERE profile_id IS NOT NULL;
                    """
            )
        }
        migrator.registerMigration("v5-leases") { db in
            // Who runs what (`sync:<connector>`) until when, so two `portrait run` processes on one store never
            // sync the same connector at once.
            try db.execute(
                sql: """
                    CREATE TABLE leases (
                        name TEXT PRIMARY KEY NOT NULL,
                        holder TEXT NOT NULL,
                        expires_at REAL NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("v6-identity") { db in
            // Identity resolution: each record's observation (normalised features), its blocking and deterministic
            // keys as 64-bit hashes (the candidate look-up of an incremental resolve), the model's accepted links
            // with their evidence, operators' pins, merged ids (aliases), the merge and split history, term
            // counts, and small state (the pending mark, the profile counter, the model).
            // A record whose canonical form or deletion changes is queued for the next resolve by a trigger; new
            // records are found by rowid above the pending mark, so an import pays nothing for this.
            try db.execute(
                sql: """
                    CREATE TABLE identity_observations (
                        record_id INTEGER PRIMARY KEY,
                        features TEXT NOT NULL
                    );
                    CREATE TABLE identity_keys (
                        key INTEGER NOT NULL,
                        record_id INTEGER NOT NULL,
                        PRIMARY KEY (key, record_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE identity_links (
                        a INTEGER NOT NULL,
                        b INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        weight REAL NOT NULL,
                        evidence TEXT NOT NULL,
                        PRIMARY KEY (a, b)
                    ) WITHOUT ROWID;
                    CREATE INDEX identity_links_by_b ON identity_links(b);
                    CREATE TABLE identity_pins (
                        a INTEGER NOT NULL,
                        b INTEGER NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('apart', 'together')),
                        created_at REAL NOT NULL,
                        PRIMARY KEY (a, b)
                    ) WITHOUT ROWID;
                    CREATE INDEX identity_pins_by_b ON identity_pins(b);
                    CREATE TABLE identity_aliases (
                        alias TEXT PRIMARY KEY NOT NULL,
                        profile_id TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX identity_aliases_by_profile ON identity_aliases(profile_id);
                    CREATE TABLE identity_history (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at REAL NOT NULL,
                        action TEXT NOT NULL,
                        profile_id TEXT NOT NULL,
                        other_id TEXT,
                        detail TEXT NOT NULL
                    );
                    CREATE INDEX identity_history_by_profile ON identity_history(profile_id, id);
                    CREATE INDEX identity_history_by_other ON identity_history(other_id, id);
                    CREATE TABLE identity_terms (
                        field TEXT NOT NULL,
                        value TEXT NOT NULL,
                        count INTEGER NOT NULL,
                        PRIMARY KEY (field, value)
                    ) WITHOUT ROWID;
                    CREATE TABLE identity_state (
                        name TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL
                    );
                    CREATE TABLE identity_dirty (
                        record_id INTEGER PRIMARY KEY
                    );
                    CREATE TRIGGER records_identity_dirty AFTER UPDATE OF canonical, deleted ON records
                    WHEN old.canonical IS NOT new.canonical OR old.deleted IS NOT new.deleted
                    BEGIN
                        INSERT OR IGNORE INTO identity_dirty (record_id) VALUES (new.rowid);
                    END;
                    """
            )
        }
        migrator.registerMigration("v7-sync-requests") { db in
            // `portrait sync NAME` asking a running `portrait run` to sync a connector now: filed by the command,
            // taken by the service that will run it, answered with the run (or why none ran).
            try db.execute(
                sql: """
                    CREATE TABLE sync_requests (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        connector TEXT NOT NULL,
                        full INTEGER NOT NULL DEFAULT 0,
                        requested_at REAL NOT NULL,
                        taken_by TEXT,
                        taken_at REAL,
                        run_id INTEGER,
                        answered_at REAL,
                        error TEXT
                    );
                    CREATE INDEX sync_requests_untaken ON sync_requests(id) WHERE taken_by IS NULL;
                    """
            )
        }
        migrator.registerMigration("v8-profiles") { db in
            // Profiles: the current document with its version, earlier versions (`--as-of`), the change feed,
            // segment definitions and memberships with entry and exit times, small state (RFM boundaries, the
            // fields layout), and a queue of profiles to recompute, filled by a trigger whenever a record moves
            // between profiles, changes or is deleted. The queue's mark only grows (AUTOINCREMENT), so clearing a
            // profile up to the mark it was read at never drops a change made while it was computed.
            // `profile_fields` (one typed column per field, for segments) is created by the engine for its layout.
            try db.execute(
                sql: """
                    ALTER TABLE profiles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
                    ALTER TABLE profiles ADD COLUMN created_at REAL NOT NULL DEFAULT 0;
                    ALTER TABLE profiles ADD COLUMN version_at REAL NOT NULL DEFAULT 0;
                    CREATE TABLE profile_versions (
                        profile_id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        valid_from REAL NOT NULL,
                        valid_to REAL NOT NULL,
                        profile TEXT NOT NULL,
                        PRIMARY KEY (profile_id, version)
                    ) WITHOUT ROWID;
                    CREATE TABLE profile_changes (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at REAL NOT NULL,
                        type TEXT NOT NULL,
                        profile_id TEXT NOT NULL,
                        other_id TEXT,
                        segment TEXT,
                        detail TEXT NOT NULL
                    );
                    CREATE INDEX profile_changes_by_profile ON profile_changes(profile_id, id);
                    CREATE TABLE segments (
                        name TEXT PRIMARY KEY NOT NULL,
                        expression TEXT NOT NULL,
                        description TEXT,
                        defined_at REAL NOT NULL
                    );
                    CREATE TABLE segment_members (
                        segment TEXT NOT NULL,
                        profile_id TEXT NOT NULL,
                        entered_at REAL NOT NULL,
                        exited_at REAL,
                        PRIMARY KEY (segment, profile_id, entered_at)
                    ) WITHOUT ROWID;
                    CREATE UNIQUE INDEX segment_members_current ON segment_members(segment, profile_id)
                        WHERE exited_at IS NULL;
                    CREATE INDEX segment_members_by_profile ON segment_members(profile_id);
                    CREATE TABLE profile_state (
                        name TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL
                    );
                    CREATE TABLE profile_dirty (
                        mark INTEGER PRIMARY KEY AUTOINCREMENT,
                        profile_id TEXT NOT NULL UNIQUE
                    );
                    """ + SQLiteStore.profileDirtyTrigger
            )
        }
        migrator.registerMigration("v9-webhooks") { db in
            // Webhooks: per webhook the last change id it has handled, and the delivery log. A change a webhook
            // accepts gets its row (pending) in the same transaction that moves the cursor past it.
            try db.execute(
                sql: """
                    CREATE TABLE webhook_cursors (
                        webhook TEXT PRIMARY KEY NOT NULL,
                        change_id INTEGER NOT NULL,
                        updated_at REAL NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE webhook_deliveries (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        webhook TEXT NOT NULL,
                        change_id INTEGER NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
                        last_status_code INTEGER,
                        last_error TEXT,
                        first_attempt_at REAL,
                        last_attempt_at REAL,
                        delivered_at REAL
                    );
                    CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries(webhook, status, change_id);
                    """
            )
        }
        migrator.registerMigration("v10-profile-fields-once") { db in
            // A profile's field values live in `profile_fields` only; the stored document no longer repeats them
            // (readers put them back). Versions keep the whole document.
            try db.execute(sql: "UPDATE profiles SET profile = json_remove(profile, '$.fields') WHERE json_valid(profile)")
        }
        return migrator
    }()

    /// Refuses files that are not Portrait stores or that a newer Portrait migrated, then applies missing steps.
    static func migrate(_ writer: any DatabaseWriter, location: String) throws {
        let migrator = Self.migrator
        do {
            let (applied, upToDate, otherTables) = try writer.read { db in
                let applied = try migrator.appliedIdentifiers(db)
                let otherTables =
                    try Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                    ) ?? 0
                return (applied, try migrator.hasCompletedMigrations(db), otherTables)
            }
            if applied.isEmpty && otherTables > 0 {
                throw PortraitError.store(
                    "\(location) is not a Portrait store (it is another program's SQLite database). Move it "
                        + "aside, or point store.path in portrait.yml at another file."
                )
            }
            // Refuse rather than guess: a newer schema may mean something this version would write wrongly.
            let unknown = applied.subtracting(migrator.migrations).sorted()
            if !unknown.isEmpty {
                throw PortraitError.store(
                    "\(location) was written by a newer version of Portrait (schema steps this version does not "
                        + "know: \(unknown.joined(separator: ", "))). Upgrade portrait, or point store.path in "
                        + "portrait.yml at another file."
                )
            }
            // Migrating takes the write lock even when there is nothing to do; skipping it lets `portrait status`
            // open the store while a sync holds that lock.
            if !upToDate {
                try migrator.migrate(writer)
            }
        } catch {
            throw StoreErrors.translate(error, location: location, action: "update the store's schema")
        }
    }
}
