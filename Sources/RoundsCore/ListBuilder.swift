import Clinical
import Foundation
import Store

/// Builds and sorts the rows of a rounding list from the cache.
public enum ListBuilder {
    /// One row per patient on the list, in list order; patients not yet synced get an empty row.
    public static func rows(_ list: PatientList, cache: Cache, now: Date = Date(), staleAfter: TimeInterval = 24 * 3600)
        throws -> [ListRow]
    {
        // Only the sections the columns show are read; the detail pane reads the whole record.
        let needed = Set(columns(list).compactMap(\.section)).union([.vitals])
        let entries = try cache.listEntries(list.patientIds, sections: needed)
        let notes = try cache.latestNotes()
        let scale2 = try cache.hypercapnicIds()
        let ids = list.patientIds
        let scores = try Parallelism.map(ids.count) { k in
            entries[k].map {
                NEWS2.score(
                    $0.record, hypercapnic: scale2.contains(ids[k]), now: now, staleAfter: staleAfter, describe: false)
            }
        }
        var rows = ids.enumerated().map { k, id in
            ListRow(
                id: id, record: entries[k]?.record, digest: entries[k]?.digest, news2: scores[k], latestNote: notes[id])
        }
        // What changed since the list's last round: the baseline is taken once per round (here when
        // the round came from another workstation), then compared with the list's own reads.
        let baseline = try SinceLastRound.refreshSnapshots(
            list: list.name, members: list.patientIds, cache: cache, now: now, briefOnly: true)
        let changes =
            try baseline.map {
                try SinceLastRound.changes(list: list.name, rows: rows, cache: cache, whole: false, baseline: $0)
            }
            ?? [:]
        let handoffs = try cache.handoffs(list: list)
        for k in rows.indices {
            rows[k].sinceRound = changes[rows[k].id]
            if k < handoffs.count, handoffs[k].patientId == rows[k].id, !handoffs[k].isEmpty {
                rows[k].handoff = handoffs[k]
            }
        }
        return rows
    }

    /// Sorts rows by a column; missing values always last. Ties keep list order.
    public static func sort(_ rows: [ListRow], by column: Column, descending: Bool, now: Date = Date()) -> [ListRow] {
        // Sort positions, not rows: a row is a large value and copying it dominates otherwise.
        let keys = rows.map { column.sortKey($0, now: now) }
        let order = keys.indices.sorted { a, b in
            let (x, y) = (keys[a], keys[b])
            if x == y { return a < b }
            if x == .missing { return false }
            if y == .missing { return true }
            return descending ? y < x : x < y
        }
        return order.map { rows[$0] }
    }

    /// `news2-` → (.news2, descending).
    public static func parseSort(_ s: String) throws -> (Column, Bool) {
        let desc = s.hasSuffix("-")
        let key = desc ? String(s.dropLast()) : (s.hasSuffix("+") ? String(s.dropLast()) : s)
        guard let c = Column(rawValue: key.lowercased()) else {
            throw CoreError.usage(
                "Unknown sort column '\(key)'. Columns: \(Column.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return (c, desc)
    }

    /// Risk lists open with the highest NEWS2 first.
    public static func defaultSort(_ list: PatientList) -> (Column, Bool)? {
        list.columns.contains(Column.news2.rawValue) ? (.news2, true) : nil
    }

    public static func columns(_ list: PatientList) -> [Column] {
        let cs = list.columns.compactMap(Column.init(rawValue:))
        return cs.isEmpty ? Column.defaults : cs
    }
}

/// The file `rounds list export` writes and `rounds list import` reads: a list with its patient
/// ids, order, columns and notes, to hand to the next shift. It holds no clinical data beyond notes.
public struct ListTransfer: Codable, Sendable, Equatable {
    public struct Member: Codable, Sendable, Equatable {
        public var id: String
        public var notes: [TransferNote]
    }
    public struct TransferNote: Codable, Sendable, Equatable {
        public var author: String
        public var createdAt: Date
        public var text: String
    }

    public var format = "rounds-list"
    public var version = 1
    public var name: String
    public var columns: [String]
    public var patients: [Member]
    public var exportedAt: Date

    public static func export(_ list: PatientList, cache: Cache, now: Date = Date()) throws -> ListTransfer {
        ListTransfer(
            name: list.name, columns: list.columns,
            patients: try list.patientIds.map { id in
                Member(
                    id: id,
                    notes: try cache.notes(patientId: id).reversed().map {
                        TransferNote(author: $0.author, createdAt: $0.createdAt, text: $0.text)
                    })
            }, exportedAt: now)
    }

    public static func decode(_ data: Data) throws -> ListTransfer {
        let t: ListTransfer
        do { t = try JSONDecoder.rounds.decode(ListTransfer.self, from: data) } catch {
            throw CoreError.usage("Not a Rounds list file: \(ErrorText.describe(error))")
        }
        guard t.format == "rounds-list", t.version == 1 else {
            throw CoreError.usage("Not a Rounds list file (format '\(t.format)' version \(t.version)).")
        }
        return t
    }

    /// Creates the list (under `name` when given) with its order, columns and notes.
    /// Creates the list and its notes. A note from a file says it was imported, by whom and when:
    /// its author and time are the file's word, not a fact this workstation saw.
    public func apply(to cache: Cache, as name: String? = nil, importer: String = OSUser.name, now: Date = Date())
        throws -> PatientList
    {
        let listName = name ?? self.name
        _ = try cache.createList(listName, columns: columns.isEmpty ? Column.defaults.map(\.rawValue) : columns)
        try cache.addPatients(patients.map(\.id), to: listName)
        let stamp = "imported by \(importer) \(Age.stamp(now))"
        for m in patients {
            for n in m.notes {
                let author = "\(n.author) (\(stamp))"
                try cache.importNote(Note(id: 0, patientId: m.id, author: author, createdAt: n.createdAt, text: n.text))
            }
        }
        guard let l = try cache.list(named: listName) else {
            throw CoreError.notFound("List '\(listName)' was not created.")
        }
        return l
    }
}
