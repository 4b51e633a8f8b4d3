import Foundation

/// One audit record: who did what to which patients, never the PHI itself.
public struct AuditRecord: Sendable, Codable, Equatable {
    public var id: Int64
    public var time: Date
    public var osUser: String
    public var displayName: String?
    public var operation: String
    public var patientIds: [String]
    public var list: String?
    public var connection: String?
    public var tenant: String?
    public var outcome: String
    /// SHA-256 of the previous record (64 zeros for the first).
    public var prevHash: String
    public var hash: String
}

/// What `verifyAudit` found.
public struct AuditVerification: Sendable, Equatable {
    public var records: Int
    /// The first record whose hash or link does not hold, with why.
    public var firstBroken: (id: Int64, reason: String)?
    public var ok: Bool { firstBroken == nil }
    public static func == (a: AuditVerification, b: AuditVerification) -> Bool {
        a.records == b.records && a.firstBroken?.id == b.firstBroken?.id
            && a.firstBroken?.reason == b.firstBroken?.reason
    }
}

extension Cache {
    static let genesis = String(repeating: "0", count: 64)

    /// The text a record's hash covers: the previous hash and every field, in a fixed order.
    static func canonical(_ r: AuditRecord) -> String {
        let ids = r.patientIds.joined(separator: ",")
        let ms = Int64((r.time.timeIntervalSince1970 * 1000).rounded())
        return [
            r.prevHash, String(r.id), String(ms), r.osUser, r.displayName ?? "", r.operation, ids, r.list ?? "",
            r.connection ?? "", r.tenant ?? "", r.outcome,
        ].joined(separator: "\u{1F}")
    }

    /// Appends a record chained to the last one (in one transaction, so two processes never fork the chain).
    @discardableResult
    public func appendAudit(
        operation: String, patientIds: [String] = [], list: String? = nil, connection: String?, tenant: String?,
        osUser: String, displayName: String?, outcome: String
    ) throws(StoreError) -> AuditRecord {
        let at = Date(timeIntervalSince1970: (now().timeIntervalSince1970 * 1000).rounded() / 1000)
        let record = try write { () throws -> AuditRecord in
            let last = try db.rows("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").first
            let id = (last?[0].int ?? 0) + 1
            var r = AuditRecord(
                id: id, time: at, osUser: osUser, displayName: displayName, operation: operation,
                patientIds: patientIds,
                list: list, connection: connection, tenant: tenant, outcome: outcome,
                prevHash: last?[1].string ?? Cache.genesis, hash: "")
            r.hash = Digest.sha256Hex(Cache.canonical(r))
            try db.run(
                "INSERT INTO audit(id, time, os_user, display_name, operation, patient_ids, list, connection, tenant, "
                    + "outcome, prev_hash, hash) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    .int(id), .from(at), .text(osUser), .from(displayName), .text(operation),
                    .text(try Cache.json(patientIds)), .from(list),
                    .from(connection), .from(tenant), .text(outcome), .text(r.prevHash), .text(r.hash),
                ])
            return r
        }
        // After the commit: a mark never names a record that is not there (two writers at once may
        // leave the earlier mark, which only weakens the check).
        writeAuditMark(id: record.id, hash: record.hash)
        return record
    }

    /// Records, oldest first, filtered.
    public func auditRecords(since: Date? = nil, patient: String? = nil, operation: String? = nil) throws(StoreError)
        -> [AuditRecord]
    {
        var clauses: [String] = []
        var values: [SQLValue] = []
        if let since {
            clauses.append("time >= ?")
            values.append(.from(since))
        }
        if let operation {
            clauses.append("operation = ?")
            values.append(.text(operation))
        }
        let sql =
            "SELECT id, time, os_user, display_name, operation, patient_ids, list, connection, tenant, outcome, "
            + "prev_hash, hash FROM audit"
            + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")) + " ORDER BY id"
        let all = try locked { () throws(StoreError) -> [AuditRecord] in try db.rows(sql, values).map(Cache.auditRecord)
        }
        guard let patient else { return all }
        return all.filter { $0.patientIds.contains(patient) }
    }

    static func auditRecord(_ r: [SQLValue]) throws(StoreError) -> AuditRecord {
        AuditRecord(
            id: r[0].int ?? 0, time: Date(timeIntervalSince1970: r[1].double ?? 0), osUser: r[2].string ?? "",
            displayName: r[3].string,
            operation: r[4].string ?? "", patientIds: (try? decode([String].self, r[5].string)) ?? ["<unreadable>"],
            list: r[6].string,
            connection: r[7].string, tenant: r[8].string, outcome: r[9].string ?? "", prevHash: r[10].string ?? "",
            hash: r[11].string ?? "")
    }

    /// Where the number and hash of the last record written are kept, outside the database: a
    /// trail emptied or cut short (rows deleted, the cache file replaced) no longer reaches it.
    /// Someone who rewrites both can still hide it; the team database's trail is the record.
    public var auditMarkPath: String { path + ".audit-mark" }

    /// The mark: "id hash", in a 0600 file never followed through a link.
    func writeAuditMark(id: Int64, hash: String) {
        let fd = open(auditMarkPath, O_WRONLY | O_CREAT | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let text = Array("\(id) \(hash)\n".utf8)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        _ = ftruncate(fd, off_t(text.count))
    }

    /// The last record's number and hash as written, or `nil` when no mark exists.
    public func auditMark() -> (id: Int64, hash: String)? {
        guard let text = try? String(contentsOfFile: auditMarkPath, encoding: .utf8) else { return nil }
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        guard parts.count == 2, let id = Int64(parts[0]) else { return nil }
        return (id, String(parts[1]))
    }

    /// Walks the chain: each record's hash must match its content and link to the one before.
    /// An edited record fails its own hash; a deleted one breaks the next record's link; a trail
    /// emptied or cut short at its end falls short of the mark kept outside the database.
    public func verifyAudit() throws(StoreError) -> AuditVerification {
        let chain = try verifyChain()
        guard chain.ok, let mark = auditMark() else { return chain }
        if Int64(chain.records) < mark.id {
            let reason =
                "the trail has \(chain.records) records but \(mark.id) were written; "
                + "records were deleted from its end, or the cache was replaced"
            return AuditVerification(records: chain.records, firstBroken: (mark.id, reason))
        }
        let marked = try auditRecords().first { $0.id == mark.id }
        if marked?.hash != mark.hash {
            return AuditVerification(
                records: chain.records, firstBroken: (mark.id, "is not the record written (the trail was rewritten)"))
        }
        return chain
    }

    func verifyChain() throws(StoreError) -> AuditVerification {
        let all = try auditRecords()
        var prev = Cache.genesis
        var expectedId: Int64 = 1
        for r in all {
            if r.id != expectedId {
                return AuditVerification(records: all.count, firstBroken: (r.id, "record \(expectedId) is missing"))
            }
            if r.prevHash != prev {
                return AuditVerification(
                    records: all.count, firstBroken: (r.id, "does not link to the record before it"))
            }
            if Digest.sha256Hex(Cache.canonical(r)) != r.hash {
                return AuditVerification(
                    records: all.count, firstBroken: (r.id, "content does not match its hash (edited)"))
            }
            prev = r.hash
            expectedId += 1
        }
        return AuditVerification(records: all.count, firstBroken: nil)
    }
}
