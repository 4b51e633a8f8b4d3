import Foundation

/// The team database's schema, in versioned migrations applied in transactions.
///
/// What it holds is what a team authors: teams and their member roles, the ordered log of changes
/// to lists, patients on them, notes and hypercapnic marks (patient ids only, never EHR data),
/// and the team's audit trail. Row-level security lets a role read and write only the teams it
/// belongs to; nurse roles (members of `rounds_nurse`) may only read and append, and the database
/// itself stamps every row with `current_user` and chains the audit records by SHA-256.
public enum TeamSchema {
    public static var latest: Int { migrations.count }

    static let migrations: [String] = [
        """
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_nurse') THEN
                CREATE ROLE rounds_nurse NOLOGIN;
            END IF;
        END $$;

        CREATE TABLE rounds_teams (
            name text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 200),
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE rounds_team_members (
            team text NOT NULL REFERENCES rounds_teams(name) ON DELETE CASCADE,
            role name NOT NULL,
            PRIMARY KEY (team, role)
        );
        CREATE TABLE rounds_changes (
            seq bigserial PRIMARY KEY,
            team text NOT NULL REFERENCES rounds_teams(name),
            change_id uuid NOT NULL UNIQUE,
            actor name NOT NULL DEFAULT current_user,
            recorded_at timestamptz NOT NULL DEFAULT now(),
            occurred_at timestamptz,
            kind text NOT NULL,
            list_id uuid,
            patient_id text,
            payload jsonb NOT NULL DEFAULT '{}'
        );
        CREATE INDEX rounds_changes_team ON rounds_changes(team, seq);
        CREATE TABLE rounds_audit (
            seq bigint PRIMARY KEY,
            team text NOT NULL REFERENCES rounds_teams(name),
            change_id uuid UNIQUE,
            actor name NOT NULL DEFAULT current_user,
            recorded_at timestamptz NOT NULL DEFAULT now(),
            occurred_at timestamptz,
            operation text NOT NULL,
            patient_ids text[] NOT NULL DEFAULT '{}',
            list text,
            outcome text NOT NULL,
            prev_hash text NOT NULL DEFAULT '',
            hash text NOT NULL DEFAULT ''
        );
        CREATE SEQUENCE rounds_audit_seq;
        CREATE INDEX rounds_audit_team ON rounds_audit(team, seq);

        -- The text an audit record's hash covers, in one place for the trigger and for --verify.
        CREATE FUNCTION rounds_audit_hash(prev text, team text, actor name, recorded_at timestamptz,
                                          occurred_at timestamptz, operation text, patient_ids text[],
                                          list text, outcome text) RETURNS text
            LANGUAGE sql IMMUTABLE AS $f$
            SELECT encode(sha256(convert_to(concat_ws(chr(31), prev, team, actor::text,
                to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
                coalesce(to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), ''),
                operation, array_to_string(patient_ids, ','), coalesce(list, ''), outcome), 'UTF8')), 'hex')
        $f$;

        -- Who and when are the database's to say, not the client's.
        CREATE FUNCTION rounds_stamp_change() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN
            NEW.actor := current_user;
            NEW.recorded_at := clock_timestamp();
            RETURN NEW;
        END $f$;
        CREATE TRIGGER rounds_changes_stamp BEFORE INSERT ON rounds_changes
            FOR EACH ROW EXECUTE FUNCTION rounds_stamp_change();

        -- One chain per team: the next record is numbered and hashed while the team's lock is held,
        -- so two workstations appending at once never fork it.
        CREATE FUNCTION rounds_chain_audit() RETURNS trigger LANGUAGE plpgsql AS $f$
        DECLARE last text;
        BEGIN
            PERFORM pg_advisory_xact_lock(hashtext('rounds-audit'), hashtext(NEW.team));
            NEW.seq := nextval('rounds_audit_seq');
            NEW.actor := current_user;
            NEW.recorded_at := clock_timestamp();
            SELECT hash INTO last FROM rounds_audit WHERE team = NEW.team ORDER BY seq DESC LIMIT 1;
            NEW.prev_hash := coalesce(last, repeat('0', 64));
            NEW.hash := rounds_audit_hash(NEW.prev_hash, NEW.team, NEW.actor, NEW.recorded_at, NEW.occurred_at,
                                          NEW.operation, NEW.patient_ids, NEW.list, NEW.outcome);
            RETURN NEW;
        END $f$;
        CREATE TRIGGER rounds_audit_chain BEFORE INSERT ON rounds_audit
            FOR EACH ROW EXECUTE FUNCTION rounds_chain_audit();

        -- Workstations with the team open hear of each change at once.
        CREATE FUNCTION rounds_notify_change() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN
            PERFORM pg_notify('rounds_' || md5(NEW.team), NEW.seq::text || ' ' || NEW.actor::text);
            RETURN NEW;
        END $f$;
        CREATE TRIGGER rounds_changes_notify AFTER INSERT ON rounds_changes
            FOR EACH ROW EXECUTE FUNCTION rounds_notify_change();

        ALTER TABLE rounds_teams ENABLE ROW LEVEL SECURITY;
        ALTER TABLE rounds_team_members ENABLE ROW LEVEL SECURITY;
        ALTER TABLE rounds_changes ENABLE ROW LEVEL SECURITY;
        ALTER TABLE rounds_audit ENABLE ROW LEVEL SECURITY;
        CREATE POLICY own_membership ON rounds_team_members FOR SELECT TO rounds_nurse
            USING (role = current_user);
        CREATE POLICY member_teams ON rounds_teams FOR SELECT TO rounds_nurse
            USING (name IN (SELECT team FROM rounds_team_members WHERE role = current_user));
        CREATE POLICY member_reads ON rounds_changes FOR SELECT TO rounds_nurse
            USING (team IN (SELECT team FROM rounds_team_members WHERE role = current_user));
        CREATE POLICY member_writes ON rounds_changes FOR INSERT TO rounds_nurse
            WITH CHECK (team IN (SELECT team FROM rounds_team_members WHERE role = current_user));
        CREATE POLICY member_audit_reads ON rounds_audit FOR SELECT TO rounds_nurse
            USING (team IN (SELECT team FROM rounds_team_members WHERE role = current_user));
        CREATE POLICY member_audit_writes ON rounds_audit FOR INSERT TO rounds_nurse
            WITH CHECK (team IN (SELECT team FROM rounds_team_members WHERE role = current_user));

        -- Read and append, nothing else: no UPDATE, no DELETE for nurse roles.
        REVOKE ALL ON rounds_teams, rounds_team_members, rounds_changes, rounds_audit FROM PUBLIC;
        GRANT SELECT ON rounds_teams, rounds_team_members TO rounds_nurse;
        GRANT SELECT, INSERT ON rounds_changes, rounds_audit TO rounds_nurse;
        GRANT USAGE ON SEQUENCE rounds_changes_seq_seq, rounds_audit_seq TO rounds_nurse;
        """
    ]

    /// Creates or migrates the schema: each migration in its own transaction, under a lock so two
    /// admins at once do not race; a database newer than this Rounds is refused untouched.
    /// Returns the versions (before, after).
    @discardableResult
    public static func migrate(_ db: TeamDatabase) throws(TeamDatabaseError) -> (Int, Int) {
        try db.execute("SELECT pg_advisory_lock(hashtext('rounds-schema'))")
        defer { _ = try? db.execute("SELECT pg_advisory_unlock(hashtext('rounds-schema'))") }
        try db.execute("CREATE TABLE IF NOT EXISTS rounds_schema (version integer NOT NULL)")
        try db.execute("GRANT SELECT ON rounds_schema TO PUBLIC")
        let before = try version(db) ?? 0
        if before > latest { throw .newerSchema(found: before, supported: latest) }
        for (index, sql) in migrations.enumerated() where index + 1 > before {
            try db.transaction { () throws(TeamDatabaseError) in
                try db.executeScript(sql)
                try db.execute("DELETE FROM rounds_schema")
                try db.execute("INSERT INTO rounds_schema(version) VALUES ($1)", [String(index + 1)])
            }
        }
        return (before, latest)
    }

    /// The schema version, or `nil` where Rounds never initialised the database.
    public static func version(_ db: TeamDatabase) throws(TeamDatabaseError) -> Int? {
        let exists = try db.execute("SELECT to_regclass('rounds_schema') IS NOT NULL")
        guard exists.first?.first == "t" else { return nil }
        return try db.execute("SELECT version FROM rounds_schema").first?.first.flatMap { $0.flatMap(Int.init) } ?? 0
    }
}
