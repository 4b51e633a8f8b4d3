import FHIRAdapters
import Foundation
import RoundsCore
import Store
import TestSupport
import Testing

/// The team database against a real PostgreSQL 15 started by the tests (SCRAM passwords, TLS
/// offered): the schema, teams of roles, who may connect, and what the database itself enforces.
@Suite(.serialized) struct TeamDatabaseTests {
    static func unique(_ prefix: String) -> String { "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())" }

    /// A team of `members`, made by the administrator.
    static func createTeam(_ cluster: PostgresCluster, _ team: String, members: [String]) throws {
        let admin = CLIRunner(home: try TempDir.make("team-admin"))
        let created = try admin.run(
            ["team", "create", team] + members.flatMap { ["--member", $0] }
                + ["--admin", cluster.adminURL, "--password-file", cluster.adminPasswordFile])
        #expect(created.status == 0, "\(created.stderr)")
    }

    /// A cluster with the schema in place.
    static func initialised() throws -> PostgresCluster {
        let cluster = try PostgresCluster.get()
        let cli = CLIRunner(home: try TempDir.make("team-admin"))
        let done = try cli.run(["team", "init", cluster.adminURL, "--password-file", cluster.adminPasswordFile])
        #expect(done.status == 0, "\(done.stderr)")
        return cluster
    }

    @Test func initCreatesTheSchemaOnceAndRefusesANewerOne() throws {
        let cluster = try Self.initialised()
        let cli = CLIRunner(home: try TempDir.make("team-admin"))
        let again = try cli.run(["team", "init", cluster.adminURL, "--password-file", cluster.adminPasswordFile])
        #expect(again.status == 0)
        #expect(again.stdout.contains("already at version \(TeamSchema.latest)"), "\(again.stdout)")
        // A database another, newer Rounds migrated: refused, untouched.
        try cluster.sql("CREATE DATABASE rounds_newer", database: "postgres")
        let newer = cluster.url(role: cluster.adminRole, database: "rounds_newer")
        #expect(try cli.run(["team", "init", newer, "--password-file", cluster.adminPasswordFile]).status == 0)
        try cluster.sql("UPDATE rounds_schema SET version = 99", database: "rounds_newer")
        let refused = try cli.run(["team", "init", newer, "--password-file", cluster.adminPasswordFile])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("schema 99, newer than this Rounds"), "\(refused.stderr)")
        #expect(try cluster.sql("SELECT version FROM rounds_schema", database: "rounds_newer") == "99")
    }

    @Test func aTeamIsASetOfRolesAndOnlyMembersMayConnect() throws {
        let cluster = try Self.initialised()
        let team = Self.unique("ward5n")
        let nurse = Self.unique("nurse")
        let outsider = Self.unique("nurse")
        let nursePassword = try cluster.makeRole(nurse)
        let outsiderPassword = try cluster.makeRole(outsider)
        let admin = CLIRunner(home: try TempDir.make("team-admin"))
        let created = try admin.run([
            "team", "create", team, "--member", nurse, "--admin", cluster.adminURL,
            "--password-file", cluster.adminPasswordFile,
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let unknown = try admin.run([
            "team", "members", team, "--add", "no_such_role", "--admin", cluster.adminURL,
            "--password-file", cluster.adminPasswordFile,
        ])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no database role named 'no_such_role'"), "\(unknown.stderr)")

        let workstation = CLIRunner(home: try TempDir.make("team-ws"))
        let connected = try workstation.run([
            "team", "connect", cluster.url(role: nurse), "--team", team,
            "--password-file", nursePassword.file,
        ])
        #expect(connected.status == 0, "\(connected.stderr)")
        #expect(connected.stdout.contains("as role '\(nurse)'"))
        let status = try JSONParser.parse(try workstation.run(["team", "status", "--json"]).stdout)
        #expect(status["online"]?.bool == true && status["role"]?.string == nurse, "\(status)")

        let other = CLIRunner(home: try TempDir.make("team-ws"))
        let refused = try other.run([
            "team", "connect", cluster.url(role: outsider), "--team", team,
            "--password-file", outsiderPassword.file,
        ])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("Role '\(outsider)' is not a member of team '\(team)'"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: other.home + "/team.json"))

        // Added, then removed again: the next connect is refused.
        #expect(
            try admin.run([
                "team", "members", team, "--add", outsider, "--admin", cluster.adminURL,
                "--password-file", cluster.adminPasswordFile,
            ]).status == 0)
        #expect(
            try other.run([
                "team", "connect", cluster.url(role: outsider), "--team", team,
                "--password-file", outsiderPassword.file,
            ]).status == 0)
        let removed = try admin.run([
            "team", "members", team, "--remove", outsider, "--admin", cluster.adminURL,
            "--password-file", cluster.adminPasswordFile,
        ])
        #expect(removed.stdout.contains(nurse) && !removed.stdout.contains(outsider), "\(removed.stdout)")
        let after = try JSONParser.parse(try other.run(["team", "status", "--json"]).stdout)
        #expect(after["online"]?.bool == false, "\(after)")
        #expect((after["problem"]?.string ?? "").contains("not a member"), "\(after)")
    }

    @Test func rowLevelSecurityHoldsOverPlainSQL() throws {
        let cluster = try Self.initialised()
        let team = Self.unique("icu")
        let otherTeam = Self.unique("ed")
        let nurse = Self.unique("nurse")
        let outsider = Self.unique("nurse")
        let nursePassword = try cluster.makeRole(nurse)
        let outsiderPassword = try cluster.makeRole(outsider)
        let admin = CLIRunner(home: try TempDir.make("team-admin"))
        for (name, member) in [(team, nurse), (otherTeam, outsider)] {
            #expect(
                try admin.run([
                    "team", "create", name, "--member", member, "--admin", cluster.adminURL,
                    "--password-file", cluster.adminPasswordFile,
                ]).status == 0)
        }
        let change =
            "INSERT INTO rounds_changes(team, change_id, kind, patient_id) "
            + "VALUES ('\(team)', gen_random_uuid(), 'member.add', 'contos-0001')"
        try cluster.sql(change, role: nurse, password: nursePassword.password)
        #expect(
            try cluster.sql(
                "SELECT count(*) FROM rounds_changes WHERE team = '\(team)'", role: nurse,
                password: nursePassword.password) == "1")
        // A role of another team sees nothing of this one and cannot write to it.
        #expect(
            try cluster.sql("SELECT count(*) FROM rounds_changes", role: outsider, password: outsiderPassword.password)
                == "0")
        #expect(
            try cluster.sql(
                "SELECT count(*) FROM rounds_teams WHERE name = '\(team)'", role: outsider,
                password: outsiderPassword.password) == "0")
        #expect(throws: (any Error).self) {
            try cluster.sql(change, role: outsider, password: outsiderPassword.password)
        }
        // The actor is the database role, whatever the client claims.
        try cluster.sql(
            "INSERT INTO rounds_changes(team, change_id, kind, actor) "
                + "VALUES ('\(team)', gen_random_uuid(), 'note.add', '\(outsider)')",
            role: nurse, password: nursePassword.password)
        #expect(try cluster.sql("SELECT DISTINCT actor FROM rounds_changes WHERE team = '\(team)'") == nurse)
        // Append-only: no nurse edits or deletes the log or the audit trail.
        for statement in [
            "UPDATE rounds_changes SET kind = 'x'", "DELETE FROM rounds_changes",
            "UPDATE rounds_audit SET outcome = 'x'", "DELETE FROM rounds_audit",
        ] {
            #expect(throws: (any Error).self, "\(statement)") {
                try cluster.sql(statement, role: nurse, password: nursePassword.password)
            }
        }
    }

    @Test func theTeamAuditIsChainedByTheDatabaseAndAnEditOrDeletionShows() throws {
        let cluster = try Self.initialised()
        let team = Self.unique("ward")
        let nurse = Self.unique("nurse")
        let password = try cluster.makeRole(nurse)
        try Self.createTeam(cluster, team, members: [nurse])
        let db = try TeamDatabase(url: cluster.url(role: nurse), password: password.password)
        for operation in ["PatientListView", "PatientView", "PatientNoteAdd", "PatientView"] {
            try TeamAudit.append(
                db, team: team, operation: operation, patientIds: ["contos-0001"], list: "ICU",
                outcome: "success", occurredAt: Date(), changeId: UUID())
        }
        #expect(try TeamAudit.verify(db, team: team).ok)
        let records = try TeamAudit.records(db, team: team)
        #expect(records.count == 4 && records.allSatisfy { $0.actor == nurse })
        // An administrator edits the second record, then deletes the third.
        try cluster.sql("UPDATE rounds_audit SET outcome = 'failure' WHERE seq = \(records[1].seq)")
        let edited = try TeamAudit.verify(db, team: team)
        #expect(edited.firstBroken?.seq == records[1].seq, "\(edited)")
        try cluster.sql("UPDATE rounds_audit SET outcome = 'success' WHERE seq = \(records[1].seq)")
        #expect(try TeamAudit.verify(db, team: team).ok)
        try cluster.sql("DELETE FROM rounds_audit WHERE seq = \(records[2].seq)")
        let deleted = try TeamAudit.verify(db, team: team)
        #expect(deleted.firstBroken?.seq == records[3].seq, "\(deleted)")
    }

    @Test func passwordsAndTLSAreRefusedWithTheSentenceThatSaysWhy() throws {
        let cluster = try Self.initialised()
        let nurse = Self.unique("nurse")
        let password = try cluster.makeRole(nurse)
        let wrong = try TempDir.make("pgpass") + "/wrong"
        try Data("not-the-password".utf8).write(to: URL(fileURLWithPath: wrong))
        chmod(wrong, 0o600)
        let cli = CLIRunner(home: try TempDir.make("team-ws"))
        let refused = try cli.run([
            "team", "connect", cluster.url(role: nurse), "--team", "any", "--password-file", wrong,
        ])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("refused the password for role '\(nurse)'"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("not-the-password"))
        chmod(wrong, 0o644)
        let readable = try cli.run([
            "team", "connect", cluster.url(role: nurse), "--team", "any", "--password-file", wrong,
        ])
        #expect(readable.status == 1)
        #expect(readable.stderr.contains("chmod 600"), "\(readable.stderr)")
        // A database that accepts only encrypted connections, asked without TLS.
        let plain = try cli.run([
            "team", "connect", cluster.url(role: nurse, database: "rounds_tls", query: "sslmode=disable"),
            "--team", "any", "--password-file", password.file,
        ])
        #expect(plain.status == 1)
        #expect(plain.stderr.contains("accepts only encrypted connections"), "\(plain.stderr)")
        // TLS whose certificate is not trusted (self-signed, no CA given) with verify-full.
        let untrusted = try cli.run([
            "team", "connect", cluster.url(role: nurse, query: "sslmode=verify-full"),
            "--team", "any", "--password-file", password.file,
        ])
        #expect(untrusted.status == 1)
        #expect(untrusted.stderr.contains("certificate"), "\(untrusted.stderr)")
        // A server without TLS, asked for it: libpq's words, and the sentence Rounds makes of them.
        let noTLS =
            "connection to server at \"db\" (10.0.0.5), port 5432 failed: "
            + "server does not support SSL, but SSL was required"
        #expect(ErrorText.describe(TeamDatabaseError.classifyForTests(noTLS)).contains("does not offer TLS"))
        // Nothing reachable on the port: offline, said so.
        let down = try cli.run([
            "team", "connect", "postgresql://\(nurse)@127.0.0.1:\(try FreePort.unused())/rounds",
            "--team", "any", "--password-file", password.file,
        ])
        #expect(down.status == 1)
        #expect(down.stderr.contains("Cannot reach the team database"), "\(down.stderr)")
    }

    /// A workstation connected to a team: every audit record also goes to the team's trail of
    /// record, as the database role; kept pending while the database is down, pushed exactly once
    /// when it is back, even when the push is killed.
    @Test func theTeamTrailReceivesEveryRecordExactlyOnceThroughOutagesAndKills() throws {
        let cluster = try Self.initialised()
        let team = Self.unique("ward")
        let nurse = Self.unique("nurse")
        let password = try cluster.makeRole(nurse)
        try Self.createTeam(cluster, team, members: [nurse])
        let h = try SandboxHarness(patients: 5)
        let cli = CLIRunner(home: try TempDir.make("team-ws"))
        #expect(try cli.connect(h).status == 0)
        #expect(
            try cli.run(["team", "connect", cluster.url(role: nurse), "--team", team, "--password-file", password.file])
                .status == 0)
        func localCount() throws -> Int {
            try JSONParser.parse(try cli.run(["audit", "--json"]).stdout).array?.count ?? -1
        }
        let before = try localCount()
        #expect(try cli.run(["list", "create", "Ward"]).status == 0)
        #expect(try cli.run(["list", "add", "Ward", "contos-0001"]).status == 0)
        #expect(try cli.run(["list", "show", "Ward"]).status == 0)
        let trail = try JSONParser.parse(try cli.run(["audit", "--team", "--json"]).stdout).array ?? []
        let operations = trail.compactMap { $0["operation"]?.string }
        #expect(operations == ["PatientListCreate", "PatientListAddPatient", "PatientListView"], "\(operations)")
        #expect(trail.allSatisfy { $0["actor"]?.string == nurse }, "the actor is the database role")
        #expect(try cli.run(["audit", "--team", "--verify"]).status == 0)

        // The database goes down: commands still work, their records wait.
        cluster.stop()
        for _ in 0..<40 { #expect(try cli.run(["list", "show", "Ward"]).status == 0) }
        let offline = try JSONParser.parse(try cli.run(["team", "status", "--json"]).stdout)
        #expect(offline["online"]?.bool == false)
        #expect((offline["pendingChanges"]?.double ?? 0) >= 40, "\(offline)")
        try cluster.start()
        // Pushes killed at random moments, then one that finishes.
        try Self.killedPushes(cli, times: 5, seed: 10)
        #expect(try cli.run(["team", "status"]).status == 0)
        let local = try localCount() - before
        let pushed = try JSONParser.parse(try cli.run(["audit", "--team", "--json"]).stdout).array ?? []
        // Every local record since the team connect reached the team once (the audit --json reads
        // of this test are records too, pushed as they happen).
        let afterRead = try localCount() - before
        #expect(
            pushed.count >= local && pushed.count <= afterRead,
            "local \(local)…\(afterRead), team \(pushed.count)")
        let status = try JSONParser.parse(try cli.run(["team", "status", "--json"]).stdout)
        #expect(status["pendingChanges"]?.double == 0, "\(status)")
        #expect(try cli.run(["audit", "--team", "--verify"]).status == 0)

        // A push that committed but was killed before the change left the local queue: the
        // database holds that change id already, and the repeat adds nothing.
        let cache = cli.home + "/data/ehr--contoso.sqlite"
        let db = try RawSQLite(cache)
        let teamCount = try cluster.sql("SELECT count(*) FROM rounds_audit WHERE team = '\(team)'")
        let anyId = try cluster.sql("SELECT change_id FROM rounds_audit WHERE team = '\(team)' LIMIT 1")
        try db.exec(
            "INSERT INTO team_outbox(change_id, team, kind, payload, occurred_at) "
                + "VALUES ('\(anyId)', '\(team)', 'audit', "
                + "'{\"operation\":\"PatientView\",\"patientIds\":[],\"outcome\":\"success\"}', 0)")
        #expect(try cli.run(["team", "status"]).status == 0)
        let status2 = try JSONParser.parse(try cli.run(["team", "status", "--json"]).stdout)
        #expect(status2["pendingChanges"]?.double == 0)
        let teamCount2 = try cluster.sql(
            "SELECT count(*) FROM rounds_audit WHERE team = '\(team)' AND change_id = '\(anyId)'")
        #expect(teamCount2 == "1", "a change id is recorded once (\(teamCount) before)")
        withExtendedLifetime(h) {}
    }

    /// Two workstations of one team: a list shared from one appears on the other; patients
    /// added and removed on either merge; a note carries its author's role; the later rename
    /// wins and the other workstation is told.
    @Test func twoWorkstationsShareAListItsPatientsAndNotes() throws {
        let pair = try Self.twoWorkstations()
        let (a, b, cluster, team, nurseA, h) = (pair.a, pair.b, pair.cluster, pair.team, pair.roleA, pair.sandbox)
        // Who is on the list (its rows are shown in the list's sort order, by NEWS2).
        func patients(_ cli: CLIRunner, _ list: String) throws -> Set<String> {
            let shown = try cli.run(["list", "show", list, "--json"])
            return Set((try JSONParser.parse(shown.stdout)["patients"]?.array ?? []).compactMap { $0["id"]?.string })
        }
        #expect(try a.run(["list", "create", "5 North"]).status == 0)
        #expect(try a.run(["list", "add", "5 North", "contos-0001", "contos-0002"]).status == 0)
        let shared = try a.run(["list", "share", "5 North"])
        #expect(shared.status == 0, "\(shared.stderr)")
        #expect(try patients(b, "5 North") == ["contos-0001", "contos-0002"], "B sees A's list")
        // B adds one, A removes one: both changes on both.
        #expect(try b.run(["list", "add", "5 North", "contos-0003"]).status == 0)
        #expect(try a.run(["list", "remove", "5 North", "contos-0001"]).status == 0)
        #expect(try patients(a, "5 North") == ["contos-0002", "contos-0003"])
        let seenByB = try patients(b, "5 North")
        #expect(seenByB == ["contos-0002", "contos-0003"], "\(seenByB)")
        // A note on A is B's to read, by A's role; the note stays when its patient leaves the list.
        #expect(try a.run(["note", "add", "contos-0002", "Family meeting at 15:00"]).status == 0)
        #expect(try a.run(["list", "remove", "5 North", "contos-0002"]).status == 0)
        let notes = try JSONParser.parse(try b.run(["note", "ls", "contos-0002", "--json"]).stdout).array ?? []
        #expect(notes.count == 1, "\(notes)")
        #expect(notes.first?["author"]?.string == nurseA && notes.first?["text"]?.string == "Family meeting at 15:00")
        // Renamed on both: the later name is kept everywhere, and the first renamer is told.
        #expect(try a.run(["list", "rename", "5 North", "5N high risk"]).status == 0)
        let renamed = try b.run(["list", "rename", "5N high risk", "5 North high risk"])
        #expect(renamed.status == 0, "\(renamed.stderr)")
        let told = try a.run(["list", "ls", "--json"])
        #expect(told.stderr.contains("renamed the list '5N high risk' to '5 North high risk'"), "\(told.stderr)")
        let namesA = (try JSONParser.parse(told.stdout).array ?? []).compactMap { $0["name"]?.string }
        #expect(namesA == ["5 North high risk"], "\(namesA)")
        // Nothing of the EHR reached the team database but patient ids.
        let payloads = try cluster.sql("SELECT payload::text FROM rounds_changes WHERE team = '\(team)'")
        #expect(!payloads.contains("Lindqvist") && !payloads.contains("MRN"), "\(payloads)")
        withExtendedLifetime(h) {}
    }

    @Test func twoWorkstationsShareTheHandoffThroughTheTeamDatabase() throws {
        let pair = try Self.twoWorkstations()
        let (a, b, cluster, team, h) = (pair.a, pair.b, pair.cluster, pair.team, pair.sandbox)
        func handoff(_ cli: CLIRunner) throws -> JSONValue {
            let shown = try cli.run(["handoff", "show", "5 North", "--json"])
            #expect(shown.status == 0, "\(shown.stderr)")
            return try JSONParser.parse(shown.stdout)["patients"]?[0] ?? .null
        }
        #expect(try a.run(["list", "create", "5 North"]).status == 0)
        #expect(try a.run(["list", "add", "5 North", "contos-0001", "contos-0002"]).status == 0)
        #expect(try a.run(["list", "share", "5 North"]).status == 0)
        #expect(
            try a.run([
                "handoff", "set", "contos-0001", "--list", "5 North", "--severity", "unstable", "--summary",
                "Day 2 urosepsis", "--contingency", "If MAP < 65, bolus 500 mL",
            ]).status == 0)
        #expect(
            try a.run(["todo", "add", "contos-0001", "Repeat lactate", "--list", "5 North", "--owner", "registrar"])
                .status == 0)
        let seenByB = try handoff(b)
        #expect(seenByB["severity"]?.string == "unstable" && seenByB["summary"]?.string == "Day 2 urosepsis")
        #expect(seenByB["updatedBy"]?.string == pair.roleA, "\(seenByB)")
        #expect(seenByB["todos"]?[0]?["text"]?.string == "Repeat lactate")
        #expect(seenByB["todos"]?[0]?["addedBy"]?.string == pair.roleA)
        // B ticks it off and accepts the handoff; A sees both, by B's role.
        #expect(try b.run(["todo", "done", "contos-0001", "1", "--list", "5 North"]).status == 0)
        #expect(try b.run(["handoff", "accept", "5 North"]).status == 0)
        let seenByA = try handoff(a)
        #expect(seenByA["todos"]?[0]?["done"]?.bool == true && seenByA["todos"]?[0]?["doneBy"]?.string == pair.roleB)
        #expect(seenByA["acceptedBy"]?.string == pair.roleB, "\(seenByA)")
        // A later edit on B wins on A too; the team's log holds the handoff, not the EHR's data.
        #expect(
            try b.run(["handoff", "set", "contos-0001", "--list", "5 North", "--severity", "watcher"]).status == 0)
        #expect(try handoff(a)["severity"]?.string == "watcher")
        let kinds = try cluster.sql("SELECT kind FROM rounds_changes WHERE team = '\(team)'")
        #expect(kinds.contains("handoff.set") && kinds.contains("todo.done") && kinds.contains("handoff.accept"))
        let payloads = try cluster.sql("SELECT payload::text FROM rounds_changes WHERE team = '\(team)'")
        #expect(!payloads.contains("Lindqvist"), "no EHR data in the team database")
        withExtendedLifetime(h) {}
    }
}
