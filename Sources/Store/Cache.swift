import CSQLite
import Clinical
import Foundation

/// The offline cache of one connection and tenant: a SQLite file (WAL, foreign keys, busy
/// timeout) readable by its owner only. Every method is safe to call from any thread; writes for
/// one patient are one transaction, so the cache is never half-written.
public final class Cache: @unchecked Sendable {
    let db: SQLiteDatabase
    /// Recursive, so a team store can wrap a change and its pending copy in one transaction.
    let lock = NSRecursiveLock()
    /// How many `write`s enclose the current one (under `lock`): only the outermost commits.
    var writeDepth = 0
    public let path: String
    let now: @Sendable () -> Date

    /// Opens (creating when absent) and migrates the cache at `path`.
    /// - Throws: `insecurePermissions` for a group/world-readable file or directory, with the `chmod`
    ///   that fixes it; `newerSchema` for a file written by a newer Rounds.
    public init(path: String, now: @escaping @Sendable () -> Date = Date.init, upToVersion: Int? = nil)
        throws(StoreError)
    {
        self.path = path
        self.now = now
        let dir = (path as NSString).deletingLastPathComponent
        try Cache.checkPermissions(dir: dir, file: path)
        // Every file SQLite creates (-wal, -shm) gets 0600.
        let old = umask(0o077)
        defer { umask(old) }
        db = try SQLiteDatabase(path: path)
        // A 16 MB page cache: a name search reads thousands of index rows, and with the default
        // 2 MB they were read from the OS again on every search.
        try db.execute(
            "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16000;")
        try migrate(upTo: upToVersion ?? Schema.latest)
    }

    static func checkPermissions(dir: String, file: String) throws(StoreError) {
        var st = stat()
        if stat(dir, &st) != 0 {
            do {
                try FileManager.default.createDirectory(
                    atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .cannotOpen(path: dir, reason: "cannot create the directory")
            }
        } else if st.st_mode & 0o077 != 0 {
            throw .insecurePermissions(path: dir, mode: String(st.st_mode & 0o777, radix: 8), fix: "chmod 700 \(dir)")
        }
        for f in [file, file + "-wal", file + "-shm"] where stat(f, &st) == 0 {
            if st.st_mode & 0o077 != 0 {
                throw .insecurePermissions(path: f, mode: String(st.st_mode & 0o777, radix: 8), fix: "chmod 600 \(f)")
            }
        }
    }

    /// The schema version of the open file.
    public var schemaVersion: Int {
        (try? locked { () throws(StoreError) -> Int in Int(try db.rows("PRAGMA user_version").first?.first?.int ?? 0) })
            ?? 0
    }

    public static var latestSchemaVersion: Int { Schema.latest }

    private func migrate(upTo target: Int) throws(StoreError) {
        let current = Int(try db.rows("PRAGMA user_version").first?.first?.int ?? 0)
        if current > Schema.latest { throw .newerSchema(path: path, found: current, supported: Schema.latest) }
        guard current < target else { return }
        for v in current..<min(target, Schema.latest) {
            do {
                try db.transaction {
                    try db.execute(Schema.migrations[v])
                    try db.execute("PRAGMA user_version = \(v + 1)")
                }
            } catch {
                throw .sqlite("migration to schema \(v + 1) failed: \(error)")
            }
        }
    }

    /// `PRAGMA integrity_check` result (`ok` when sound).
    public func integrityCheck() throws(StoreError) -> String {
        try locked { () throws(StoreError) -> String in
            try db.rows("PRAGMA integrity_check").compactMap { $0.first?.string }.joined(separator: "; ")
        }
    }

    func locked<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    func write<T>(_ body: () throws -> T) throws(StoreError) -> T {
        lock.lock()
        defer { lock.unlock() }
        writeDepth += 1
        defer { writeDepth -= 1 }
        do {
            if writeDepth > 1 { return try body() }
            return try db.transaction(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .sqlite("\(error)")
        }
    }

    /// Runs `body` as one transaction: every write inside commits together or not at all.
    public func atomically<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try write { () throws -> T in try body() }
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()
    static let decoder = JSONDecoder()

    static func json<T: Encodable>(_ v: T) throws(StoreError) -> String {
        do { return String(decoding: try encoder.encode(v), as: UTF8.self) } catch {
            throw .sqlite("cannot encode: \(error)")
        }
    }

    static func decode<T: Decodable>(_ t: T.Type, _ s: String?) throws(StoreError) -> T {
        guard let s else { throw .corrupt("missing value") }
        do { return try decoder.decode(t, from: Data(s.utf8)) } catch { throw .corrupt("\(error)") }
    }
}
