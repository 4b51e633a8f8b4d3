/// The cache's schema as forward migrations. `PRAGMA user_version` holds the version; each
/// migration runs in its own transaction at open. Never edit a shipped migration: add one.
enum Schema {
    static let migrations: [String] = [
        // 1: patients by section, lists, notes, sync runs, audit trail.
        """
        CREATE TABLE patients(
            id TEXT PRIMARY KEY,
            fhir_version TEXT,
            display_name TEXT NOT NULL,
            family_folded TEXT NOT NULL DEFAULT '',
            given_folded TEXT NOT NULL DEFAULT '',
            mrn TEXT,
            birth_date TEXT,
            gender TEXT,
            demographics TEXT NOT NULL,
            warnings TEXT NOT NULL DEFAULT '[]',
            content_hash TEXT,
            fetched_at REAL NOT NULL
        );
        CREATE INDEX patients_mrn ON patients(mrn);
        CREATE INDEX patients_birth_date ON patients(birth_date);
        CREATE INDEX patients_gender ON patients(gender);
        CREATE VIRTUAL TABLE patient_names USING fts5(family, given, tokenize = 'trigram');
        CREATE TABLE sections(
            patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
            section TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT,
            payload TEXT NOT NULL,
            fetched_at REAL,
            stale INTEGER NOT NULL DEFAULT 0,
            stale_reason TEXT,
            PRIMARY KEY(patient_id, section)
        ) WITHOUT ROWID;
        CREATE TABLE lists(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            position INTEGER NOT NULL,
            is_default INTEGER NOT NULL DEFAULT 0,
            columns TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE TABLE list_members(
            list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
            patient_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            added_at REAL NOT NULL,
            PRIMARY KEY(list_id, patient_id)
        ) WITHOUT ROWID;
        CREATE INDEX list_members_patient ON list_members(patient_id);
        CREATE TABLE notes(
            id INTEGER PRIMARY KEY,
            patient_id TEXT NOT NULL,
            author TEXT NOT NULL,
            created_at REAL NOT NULL,
            text TEXT NOT NULL
        );
        CREATE TABLE sync_runs(
            id INTEGER PRIMARY KEY,
            started_at REAL NOT NULL,
            finished_at REAL,
            list TEXT,
            synced INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0,
            interrupted INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE sync_outcomes(
            run_id INTEGER NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
            patient_id TEXT NOT NULL,
            outcome TEXT NOT NULL,
            reason TEXT,
            PRIMARY KEY(run_id, patient_id)
        ) WITHOUT ROWID;
        CREATE TABLE audit(
            id INTEGER PRIMARY KEY,
            time REAL NOT NULL,
            os_user TEXT NOT NULL,
            display_name TEXT,
            operation TEXT NOT NULL,
            patient_ids TEXT NOT NULL DEFAULT '[]',
            list TEXT,
            connection TEXT,
            tenant TEXT,
            outcome TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        """,
        // 2: per-patient settings (NEWS2 SpO2 scale 2 for hypercapnic patients); faster note lookups.
        """
        CREATE TABLE patient_settings(
            patient_id TEXT PRIMARY KEY,
            hypercapnic INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX notes_patient ON notes(patient_id, created_at);
        CREATE INDEX audit_operation ON audit(operation, time);
        """,
        // 3: "synced N ago" and purge by age without scanning every patient.
        """
        CREATE INDEX patients_fetched_at ON patients(fetched_at);
        """,
        // 4: the name index carries the display name, so a name search sorts and counts inside
        //    the index instead of reading thousands of patient rows.
        """
        DROP TABLE patient_names;
        CREATE VIRTUAL TABLE patient_names USING fts5(family, given, sort_name UNINDEXED, tokenize = 'trigram');
        INSERT INTO patient_names(rowid, family, given, sort_name) SELECT rowid, family_folded, given_folded, \
        display_name FROM patients;
        """,
        // 5: the vital-sign history (≈8 KB a patient) in its own table. Inline among the sections
        //    it spread every patient's small sections over extra pages, and opening a 1,000-patient
        //    list read five times the pages it needed. And each patient's list row (ListRowCodec),
        //    written at save, so a list opens from one row per patient; NULL until the next save.
        """
        ALTER TABLE patients ADD COLUMN list_row TEXT;
        CREATE TABLE vitals_history(
            patient_id TEXT PRIMARY KEY REFERENCES patients(id) ON DELETE CASCADE,
            payload TEXT NOT NULL,
            fetched_at REAL
        );
        INSERT INTO vitals_history(patient_id, payload, fetched_at)
            SELECT patient_id, payload, fetched_at FROM sections WHERE section = 'vitals_history';
        DELETE FROM sections WHERE section = 'vitals_history';
        """,
        // 6: a section the server had more of than Rounds read (a page bound, a page that failed).
        """
        ALTER TABLE sections ADD COLUMN incomplete TEXT;
        """,
        // 7: the stale sections of a list's patients, found without reading every section
        //    (a list of 1,000 spent 20 ms on it, a third of its first frame).
        """
        CREATE INDEX sections_stale ON sections(patient_id, section) WHERE stale = 1;
        """,
        // 8: changes for the team database not yet pushed (kept while it is unreachable), in
        //    order, each with the id that makes a repeated push a no-op; and the last exchange.
        """
        CREATE TABLE team_outbox(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            change_id TEXT NOT NULL UNIQUE,
            team TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            occurred_at REAL NOT NULL
        );
        CREATE TABLE team_state(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
        // 9: lists shared with the team (its id for the list), and notes that came through the
        //    team (the change that carried them, so one arriving twice is kept once).
        """
        ALTER TABLE lists ADD COLUMN team_list_id TEXT;
        ALTER TABLE notes ADD COLUMN change_id TEXT;
        CREATE UNIQUE INDEX notes_change ON notes(change_id) WHERE change_id IS NOT NULL;
        """,
        // 10: what a later sync may ask the server "changed since?" about (RefreshBasis as JSON):
        //     set by a whole read, cleared by any other.
        """
        ALTER TABLE patients ADD COLUMN refresh_basis TEXT;
        """,
        // 11: the team's handoff per patient on a list (I-PASS), its to-dos, and who accepted it.
        //     Each field keeps the time it was set: of two edits the later wins on every workstation.
        """
        CREATE TABLE handoffs(
            list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
            patient_id TEXT NOT NULL,
            severity TEXT, severity_at REAL,
            summary TEXT, summary_at REAL,
            contingency TEXT, contingency_at REAL,
            updated_by TEXT, updated_at REAL,
            accepted_by TEXT, accepted_at REAL,
            PRIMARY KEY(list_id, patient_id)
        );
        CREATE TABLE todos(
            id TEXT PRIMARY KEY,
            list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
            patient_id TEXT NOT NULL,
            text TEXT NOT NULL,
            owner TEXT,
            due TEXT,
            added_by TEXT NOT NULL,
            added_at REAL NOT NULL,
            done_by TEXT,
            done_at REAL,
            state_at REAL
        );
        CREATE INDEX todos_patient ON todos(list_id, patient_id, added_at);
        """,
        // 12: the last round of each list (an accept or a "round done" mark, the team's), and what
        //     this workstation's cache held of each patient then, to say what changed since.
        """
        CREATE TABLE list_rounds(
            list_id INTEGER PRIMARY KEY REFERENCES lists(id) ON DELETE CASCADE,
            marked_at REAL NOT NULL,
            marked_by TEXT NOT NULL
        );
        CREATE TABLE round_snapshots(
            list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
            patient_id TEXT NOT NULL,
            round_at REAL NOT NULL,
            payload TEXT NOT NULL,
            PRIMARY KEY(list_id, patient_id)
        );
        """,
        // 13: a snapshot's brief (NEWS2, counts, latest reading times, location): what a list row
        //     compares, so opening a list of a thousand reads no whole snapshot.
        """
        ALTER TABLE round_snapshots ADD COLUMN brief TEXT;
        """,
    ]

    static var latest: Int { migrations.count }
}
