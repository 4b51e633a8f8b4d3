import CSQLite
import Foundation

let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A thin, synchronous SQLite connection. Not thread-safe by itself: `Cache` serialises access.
final class SQLiteDatabase {
    let handle: OpaquePointer
    let path: String
    /// Prepared statements of the fixed SQL that `run` and `rows` see again and again (a sync
    /// saves each patient with the same dozen statements). Reset after every use so none holds
    /// a read snapshot open.
    private var statements: [String: Statement] = [:]

    init(path: String, readOnly: Bool = false) throws(StoreError) {
        var db: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let msg = db.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(rc)"
            if let db { sqlite3_close(db) }
            throw .cannotOpen(path: path, reason: msg)
        }
        handle = db
        self.path = path
        sqlite3_busy_timeout(db, 5000)
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    private func cached(_ sql: String) throws(StoreError) -> Statement {
        if let s = statements[sql] { return s }
        let s = try prepare(sql)
        // SQL built with an IN list of many placeholders is not worth keeping.
        if sql.utf8.count < 2000 {
            if statements.count >= 64 { statements.removeAll() }
            statements[sql] = s
        }
        return s
    }

    func execute(_ sql: String) throws(StoreError) {
        var err: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &err) != SQLITE_OK {
            let m = err.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(err)
            throw .sqlite(m)
        }
    }

    func prepare(_ sql: String) throws(StoreError) -> Statement {
        var s: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &s, nil) == SQLITE_OK, let s else {
            throw .sqlite("\(String(cString: sqlite3_errmsg(handle))) in: \(sql.prefix(80))")
        }
        return Statement(s, db: handle)
    }

    /// Runs `body` in one IMMEDIATE transaction: all of it lands, or none of it.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let v = try body()
            try execute("COMMIT")
            return v
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Convenience: run a statement with bindings.
    func run(_ sql: String, _ values: [SQLValue] = []) throws(StoreError) {
        let s = try cached(sql)
        defer { sqlite3_reset(s.raw) }
        try s.bind(values)
        _ = try s.step()
    }

    /// All rows of a query.
    func rows(_ sql: String, _ values: [SQLValue] = []) throws(StoreError) -> [[SQLValue]] {
        let s = try cached(sql)
        defer { sqlite3_reset(s.raw) }
        try s.bind(values)
        var out: [[SQLValue]] = []
        while try s.step() { out.append((0..<s.columnCount).map { s.value($0) }) }
        return out
    }

    var changes: Int { Int(sqlite3_changes(handle)) }
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
}

/// A value going into or coming out of SQLite.
enum SQLValue: Equatable, Sendable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)

    var string: String? {
        if case .text(let s) = self { return s }
        return nil
    }
    var int: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d): return Int64(d)
        default: return nil
        }
    }
    var double: Double? {
        switch self {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }

    static func from(_ s: String?) -> SQLValue { s.map(SQLValue.text) ?? .null }
    static func from(_ d: Date?) -> SQLValue { d.map { .double($0.timeIntervalSince1970) } ?? .null }
}

/// A prepared statement.
final class Statement {
    let raw: OpaquePointer
    let db: OpaquePointer
    init(_ raw: OpaquePointer, db: OpaquePointer) {
        self.raw = raw
        self.db = db
    }
    deinit { sqlite3_finalize(raw) }

    func bind(_ values: [SQLValue]) throws(StoreError) {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
        for (i, v) in values.enumerated() {
            let idx = Int32(i + 1)
            let rc: Int32
            switch v {
            case .null: rc = sqlite3_bind_null(raw, idx)
            case .int(let n): rc = sqlite3_bind_int64(raw, idx, n)
            case .double(let d): rc = sqlite3_bind_double(raw, idx, d)
            case .text(let s): rc = sqlite3_bind_text(raw, idx, s, -1, sqliteTransient)
            }
            guard rc == SQLITE_OK else { throw .sqlite(String(cString: sqlite3_errmsg(db))) }
        }
    }

    /// Steps once; true while a row is available.
    func step() throws(StoreError) -> Bool {
        switch sqlite3_step(raw) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc:
            let m = String(cString: sqlite3_errmsg(db))
            throw rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? .busy(m) : .sqlite(m)
        }
    }

    var columnCount: Int32 { sqlite3_column_count(raw) }

    func value(_ i: Int32) -> SQLValue {
        switch sqlite3_column_type(raw, i) {
        case SQLITE_INTEGER: return .int(sqlite3_column_int64(raw, i))
        case SQLITE_FLOAT: return .double(sqlite3_column_double(raw, i))
        case SQLITE_NULL: return .null
        default: return .text(sqlite3_column_text(raw, i).map { String(cString: $0) } ?? "")
        }
    }
}
