import Foundation

/// A throwaway PostgreSQL 15 cluster on 127.0.0.1 for the team-database tests: password (SCRAM)
/// logins only, a `rounds` database, TLS offered with a self-signed certificate, and the database
/// `rounds_tls` that refuses unencrypted connections. As root (CI) it runs as the `postgres` user
/// the package creates; `initdb` refuses root.
public final class PostgresCluster: @unchecked Sendable {
    public static let binDirectory = "/usr/lib/postgresql/15/bin"
    public let directory: String
    public let port: Int
    public let adminRole = "rounds_admin"
    public let adminPassword = "Synthetic-admin-\(UInt32.random(in: 100_000...999_999))"
    /// A 0600 file holding the admin's password, for `--password-file`.
    public let adminPasswordFile: String
    private let asPostgres: Bool

    /// One cluster for every test of the process, started on first use.
    public static let shared: Result<PostgresCluster, Error> = Result {
        let cluster = try PostgresCluster()
        atexit {
            guard let cluster = try? PostgresCluster.shared.get() else { return }
            cluster.stop()
            try? FileManager.default.removeItem(atPath: cluster.directory)
        }
        return cluster
    }

    public static func get() throws -> PostgresCluster { try shared.get() }

    public var adminURL: String { url(role: adminRole) }

    public func url(role: String, database: String = "rounds", query: String = "") -> String {
        "postgresql://\(role)@127.0.0.1:\(port)/\(database)\(query.isEmpty ? "" : "?" + query)"
    }

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: PostgresCluster.binDirectory + "/initdb") else {
            throw Failure("PostgreSQL 15 is not installed (make deps installs postgresql and libpq-dev)")
        }
        asPostgres = getuid() == 0
        // Its own directory under /tmp: the postgres user cannot enter the tests' private one.
        var template = Array("/tmp/rounds-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure("cannot make a directory for the cluster") }
        directory = String(cString: made)
        port = Int(try FreePort.unused())
        adminPasswordFile = try TempDir.make("pgadmin") + "/password"
        try Data(adminPassword.utf8).write(to: URL(fileURLWithPath: adminPasswordFile))
        chmod(adminPasswordFile, 0o600)
        let pwfile = directory + "/initdb-password"
        try Data(adminPassword.utf8).write(to: URL(fileURLWithPath: pwfile))
        if asPostgres { try run("/bin/chown", ["-R", "postgres:postgres", directory], asPostgres: false) }
        try run(
            PostgresCluster.binDirectory + "/initdb",
            [
                "-D", directory + "/data", "-A", "scram-sha-256", "-U", adminRole,
                "--pwfile", pwfile, "-E", "UTF8", "--no-instructions",
            ])
        try makeCertificate()
        let hba = """
            local all all scram-sha-256
            hostnossl rounds_tls all 127.0.0.1/32 reject
            host all all 127.0.0.1/32 scram-sha-256
            """
        try write(hba + "\n", to: directory + "/data/pg_hba.conf")
        try start()
        try run(
            PostgresCluster.binDirectory + "/psql",
            [
                "-h", "127.0.0.1", "-p", String(port), "-U", adminRole, "-d", "postgres",
                "-c", "CREATE DATABASE rounds", "-c", "CREATE DATABASE rounds_tls",
            ],
            environment: ["PGPASSWORD": adminPassword])
    }

    deinit { stop() }

    public func start() throws {
        let options =
            "-k \(directory) -c listen_addresses=127.0.0.1 -p \(port) -c ssl=on "
            + "-c ssl_cert_file=\(directory)/server.crt -c ssl_key_file=\(directory)/server.key"
        // The server pg_ctl leaves running must not hold this process's pipes open.
        try run(
            PostgresCluster.binDirectory + "/pg_ctl",
            [
                "-D", directory + "/data", "-o", options, "-l", directory + "/log",
                "-w", "start",
            ], detached: true)
    }

    public func stop() {
        _ = try? run(PostgresCluster.binDirectory + "/pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"])
    }

    /// Stops and starts the server again (a database restart in the middle of a session).
    public func restart() throws {
        stop()
        try start()
    }

    /// Runs SQL as the administrator on `database`; the rows as tab-separated lines.
    @discardableResult
    public func sql(_ statement: String, database: String = "rounds") throws -> String {
        try run(
            PostgresCluster.binDirectory + "/psql",
            [
                "-h", "127.0.0.1", "-p", String(port), "-U", adminRole, "-d", database,
                "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-c", statement,
            ],
            environment: ["PGPASSWORD": adminPassword])
    }

    /// Runs SQL as `role` with `password`; the output, or the error text as a Failure.
    @discardableResult
    public func sql(_ statement: String, role: String, password: String) throws -> String {
        try run(
            PostgresCluster.binDirectory + "/psql",
            [
                "-h", "127.0.0.1", "-p", String(port), "-U", role, "-d", "rounds",
                "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-c", statement,
            ],
            environment: ["PGPASSWORD": password])
    }

    /// A login role with a password, and a 0600 file holding the password.
    public func makeRole(_ name: String) throws -> (password: String, file: String) {
        let password = "Synthetic-\(name)-\(UInt32.random(in: 100_000...999_999))"
        try sql("CREATE ROLE \(name) LOGIN PASSWORD '\(password)'")
        let file = try TempDir.make("pgpass") + "/password"
        try Data(password.utf8).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o600)
        return (password, file)
    }

    private func makeCertificate() throws {
        try run(
            "/usr/bin/openssl",
            [
                "req", "-new", "-x509", "-days", "2", "-nodes", "-subj", "/CN=rounds-test-db",
                "-keyout", directory + "/server.key", "-out", directory + "/server.crt",
            ])
        chmod(directory + "/server.key", 0o600)
    }

    private func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        if asPostgres { try run("/bin/chown", ["postgres:postgres", path], asPostgres: false) }
    }

    @discardableResult
    private func run(
        _ tool: String, _ args: [String], environment: [String: String] = [:], asPostgres: Bool? = nil,
        detached: Bool = false
    ) throws -> String {
        let p = Process()
        let sudo = asPostgres ?? self.asPostgres
        if sudo {
            p.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            p.arguments = ["-u", "postgres", "--", "env"] + environment.map { "\($0.key)=\($0.value)" } + [tool] + args
        } else {
            p.executableURL = URL(fileURLWithPath: tool)
            p.arguments = args
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        p.currentDirectoryURL = URL(fileURLWithPath: "/tmp")
        if detached {
            // posix_spawn and waitpid: Foundation's Process did not notice this one exit (its
            // child, the server, lives on), and the server must not inherit any pipe of ours.
            let argv = sudo ? ["/usr/sbin/runuser", "-u", "postgres", "--", tool] + args : [tool] + args
            var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            // Nothing else of this process either: the server would hold other tests' pipes and
            // sockets open (their readers then wait for an end that never comes).
            typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
            else {
                throw Failure(
                    "this C library cannot close descriptors for a spawned server (glibc 2.34 or later needed)")
            }
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
            let cArgs = argv.map { strdup($0) } + [nil]
            defer { for argument in cArgs { free(argument) } }
            var pid: pid_t = 0
            guard posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ) == 0 else {
                throw Failure("cannot start \(tool)")
            }
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            guard status == 0 else {
                let log = (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? ""
                throw Failure("\(tool) \(args.joined(separator: " ")) failed: \(log.suffix(2000))")
            }
            return ""
        }
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failure("\(tool) \(args.joined(separator: " ")): \(String(decoding: errors + output, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
