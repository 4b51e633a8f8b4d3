import CSQLite
import Foundation

/// Raw SQLite access for assertions the Store API does not offer (query plans, tampering).
public final class RawSQLite {
    let db: OpaquePointer

    public struct Failure: Error, CustomStringConvertible { public let description: String }

    public init(_ path: String) throws {
        var h: OpaquePointer?
        guard sqlite3_open(path, &h) == SQLITE_OK, let h else { throw Failure(description: "cannot open \(path)") }
        db = h
    }

    deinit { sqlite3_close(db) }

    public func exec(_ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw Failure(description: String(cString: sqlite3_errmsg(db)))
        }
    }

    /// One column of every row.
    public func strings(_ sql: String, column: Int32 = 0) throws -> [String] {
        var s: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &s, nil) == SQLITE_OK else {
            throw Failure(description: String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(s) }
        var out: [String] = []
        while sqlite3_step(s) == SQLITE_ROW {
            out.append(sqlite3_column_text(s, column).map { String(cString: $0) } ?? "")
        }
        return out
    }

    /// `EXPLAIN QUERY PLAN` details, joined.
    public func plan(_ sql: String) throws -> String {
        try strings("EXPLAIN QUERY PLAN " + sql, column: 3).joined(separator: " | ")
    }
}
