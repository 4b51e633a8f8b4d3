import Clinical
import Foundation
import JSONKit

/// What a save did to the cached patient.
public enum SaveOutcome: String, Sendable, Codable {
    case new, updated, unchanged
}

/// A patient search over the cache: name parts as folded substrings, MRN exact or prefix,
/// birth date exact, gender; `count` results at most.
public typealias OfflineQuery = PatientCriteria

extension Cache {
    /// Ids in groups SQLite can bind at once (its default limit is 999 parameters), each with the
    /// `?,?,…` list for an `IN (…)`.
    static func inGroups(_ ids: [String]) -> [(ids: [String], marks: String)] {
        stride(from: 0, to: ids.count, by: 900).map { start in
            let group = Array(ids[start..<min(ids.count, start + 900)])
            return (group, Array(repeating: "?", count: group.count).joined(separator: ","))
        }
    }

    static func payload(_ s: ClinicalSection, _ r: PatientRecord) -> String {
        let j: JSONValue
        switch s {
        case .vitals: j = ["latestVitals": .array(r.latestVitals.map(StorageJSON.encode))]
        case .encounter: j = ["lastEncounter": StorageJSON.encode(r.lastEncounter)]
        case .conditions: j = .array(r.conditions.map(StorageJSON.encode))
        case .allergies: j = .array(r.allergies.map(StorageJSON.encode))
        case .medications: j = .array(r.medications.map(StorageJSON.encode))
        case .coverage: j = .array(r.coverage.map(StorageJSON.encode))
        }
        return j.serialized
    }

    static func apply(_ s: ClinicalSection, payload: String, to r: inout PatientRecord) throws(StoreError) {
        let j = try StorageJSON.parse(payload)
        switch s {
        case .vitals: r.latestVitals = (j["latestVitals"]?.array ?? []).map(StorageJSON.vital)
        case .encounter: r.lastEncounter = j["lastEncounter"].flatMap(StorageJSON.encounter)
        case .conditions: r.conditions = (j.array ?? []).map(StorageJSON.condition)
        case .allergies: r.allergies = (j.array ?? []).map(StorageJSON.allergy)
        case .medications: r.medications = (j.array ?? []).map(StorageJSON.medication)
        case .coverage: r.coverage = (j.array ?? []).map(StorageJSON.coverage)
        }
    }

    /// Saves many records in one transaction (imports and benchmarks; sync saves one at a time).
    public func saveBatch(_ records: [PatientRecord]) throws(StoreError) {
        lock.lock()
        defer { lock.unlock() }
        do {
            try db.execute("BEGIN IMMEDIATE")
            for r in records { _ = try saveUnlocked(r) }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw (error as? StoreError) ?? .sqlite("\(error)")
        }
    }

    /// Saves the records of a sync's batch in one transaction (each patient whole or not at all;
    /// one commit instead of one per patient). If that fails, each is saved on its own, so one
    /// record the cache cannot take costs only itself.
    public func save(_ records: [PatientRecord]) -> [Result<SaveOutcome, StoreError>] {
        if records.count > 1,
            let outcomes = try? write({ () throws -> [SaveOutcome] in try records.map { try saveUnlocked($0) } })
        {
            return outcomes.map { .success($0) }
        }
        var results: [Result<SaveOutcome, StoreError>] = []
        for record in records {
            do throws(StoreError) {
                results.append(.success(try save(record)))
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }

    @discardableResult
    public func save(_ record: PatientRecord) throws(StoreError) -> SaveOutcome {
        try write { () throws -> SaveOutcome in try saveUnlocked(record) }
    }

    private func saveUnlocked(_ record: PatientRecord) throws -> SaveOutcome {
        let p = record.patient
        let demographics = StorageJSON.encode(p).serialized
        var payloads: [ClinicalSection: String] = [:]
        for s in ClinicalSection.allCases { payloads[s] = Cache.payload(s, record) }
        let history = StorageJSON.historyText(record.vitalHistory)
        let content =
            ([demographics, history]
            + ClinicalSection.allCases.map { "\($0.rawValue)=\(record.state(of: $0).status.name):\(payloads[$0]!)" })
            .joined(separator: "\n")
        let hash = Digest.sha256Hex(content)
        let fetched = record.fetchedAt ?? now()
        do {
            let old = try db.rows("SELECT content_hash FROM patients WHERE id = ?", [.text(p.id)]).first
            var existing: [String: String] = [:]
            for row in try db.rows("SELECT section, status FROM sections WHERE patient_id = ?", [.text(p.id)]) {
                if let s = row[0].string, let st = row[1].string { existing[s] = st }
            }
            let hadHistory = !(try db.rows("SELECT 1 FROM vitals_history WHERE patient_id = ?", [.text(p.id)]).isEmpty)
            let listRow = ListRowCodec.encode(try listView(record, keeping: existing))
            try db.run(
                """
                INSERT INTO patients(id, fhir_version, display_name, family_folded, given_folded, mrn, birth_date, \
                gender, demographics, warnings, content_hash, fetched_at, list_row, refresh_basis)
                VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT(id) DO UPDATE SET fhir_version=excluded.fhir_version, display_name=excluded.display_name,
                  family_folded=excluded.family_folded, given_folded=excluded.given_folded, mrn=excluded.mrn, \
                birth_date=excluded.birth_date,
                  gender=excluded.gender, demographics=excluded.demographics, warnings=excluded.warnings, \
                content_hash=excluded.content_hash,
                  fetched_at=excluded.fetched_at, list_row=excluded.list_row, refresh_basis=excluded.refresh_basis
                """,
                [
                    .text(p.id), .from(record.fhirVersion?.rawValue), .text(p.displayName),
                    .text(TextFolding.fold(p.name?.family ?? p.name?.text ?? "")),
                    .text(TextFolding.fold((p.name?.given ?? []).joined(separator: " "))),
                    .from(p.mrn), .from(p.birthDate?.raw), .from(p.gender?.lowercased()), .text(demographics),
                    .text(JSONValue.array(record.warnings.map(StorageJSON.encode)).serialized), .text(hash),
                    .double(fetched.timeIntervalSince1970),
                    .text(listRow), .from(record.basis.map(Cache.encodeBasis)),
                ])
            try reindexName(p)
            for s in ClinicalSection.allCases {
                let st = record.state(of: s)
                if case .unavailable(let reason) = st.status, let had = existing[s.rawValue], had != "unavailable" {
                    try db.run(
                        "UPDATE sections SET stale = 1, stale_reason = ? WHERE patient_id = ? AND section = ?",
                        [.text(reason), .text(p.id), .text(s.rawValue)])
                    continue
                }
                try upsertSection(
                    p.id, s.rawValue, status: st.status.name, reason: st.status.reason, payload: payloads[s]!,
                    fetched: st.fetchedAt ?? fetched, incomplete: st.incomplete)
            }
            let vitalsFailed = record.state(of: .vitals).status.name == "unavailable"
            if !vitalsFailed || !hadHistory {
                try db.run(
                    """
                    INSERT INTO vitals_history(patient_id, payload, fetched_at) VALUES(?,?,?)
                    ON CONFLICT(patient_id) DO UPDATE SET payload=excluded.payload, fetched_at=excluded.fetched_at
                    """, [.text(p.id), .text(history), .from(fetched)])
            }
            guard let oldHash = old?.first?.string else { return .new }
            return oldHash == hash ? .unchanged : .updated
        }
    }

    /// The record as the list should show it: a section that failed this time keeps the cached
    /// copy (as the sections table does), so the row does not lose good data either.
    private func listView(_ r: PatientRecord, keeping existing: [String: String]) throws -> PatientRecord {
        var v = r
        for s in ClinicalSection.allCases {
            guard case .unavailable = r.state(of: s).status, let had = existing[s.rawValue], had != "unavailable",
                let payload = try db.rows(
                    "SELECT payload FROM sections WHERE patient_id = ? AND section = ?",
                    [.text(r.id), .text(s.rawValue)]
                ).first?.first?.string
            else { continue }
            try Cache.apply(s, payload: payload, to: &v)
            v.sections[s] = SectionState(had == "empty" ? .empty : .ok)
        }
        return v
    }

    /// Each patient as a list row shows it (see `ListRowCodec`), in the order of `ids` (`nil` for
    /// a patient not cached). Rows are decoded on every core. Patients saved before the row
    /// existed are read from their sections instead.
    public func listEntries(_ ids: [String], sections: Set<ClinicalSection>) throws(StoreError) -> [ListEntry?] {
        var found: [String: (text: String?, version: String?, fetched: Double?)] = [:]
        found.reserveCapacity(ids.count)
        try locked { () throws(StoreError) -> Void in
            for (chunk, marks) in Cache.inGroups(ids) {
                for r in try db.rows(
                    "SELECT id, list_row, fhir_version, fetched_at FROM patients WHERE id IN (\(marks))",
                    chunk.map(SQLValue.text))
                {
                    if let id = r[0].string { found[id] = (r[1].string, r[2].string, r[3].double) }
                }
            }
        }
        let rows = ids.map { found[$0] }
        var out =
            (try? Parallelism.map(rows.count, perWorker: 100) { k -> ListEntry? in
                guard let row = rows[k], let text = row.text, let (decoded, digest) = ListRowCodec.decode(text),
                    decoded.id == ids[k]
                else { return nil }
                var record = decoded
                record.fhirVersion = row.version.flatMap(FHIRRelease.init(rawValue:))
                record.fetchedAt = row.fetched.map(Date.init(timeIntervalSince1970:))
                return ListEntry(record: record, digest: digest)
            }) ?? Array(repeating: nil, count: rows.count)
        let missing = ids.indices.filter { out[$0] == nil && rows[$0] != nil }
        if !missing.isEmpty {
            let full = try records(
                missing.map { ids[$0] }, sections: sections.union([.allergies, .conditions, .medications, .coverage]))
            let byId = Dictionary(full.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for k in missing {
                if let r = byId[ids[k]] { out[k] = ListEntry(record: r, digest: SectionDigest(record: r)) }
            }
        }
        // A row shows the good copy of a section whose last refresh failed: say so on the row too.
        let stale = try staleSections(ids)
        for k in out.indices where out[k] != nil {
            for (section, reason) in stale[ids[k]] ?? [] {
                var state = out[k]!.record.sections[section] ?? SectionState(.ok)
                state.stale = true
                state.staleReason = reason
                out[k]!.record.sections[section] = state
            }
        }
        return out
    }

    /// The sections marked stale (their last refresh failed) of these patients, with the reason.
    public func staleSections(_ ids: [String]) throws(StoreError) -> [String: [(ClinicalSection, String?)]] {
        var out: [String: [(ClinicalSection, String?)]] = [:]
        try locked { () throws(StoreError) -> Void in
            for (chunk, marks) in Cache.inGroups(ids) {
                // The partial index holds only stale rows; without it SQLite reads every section
                // (payload included) of every patient on the list.
                let sql =
                    "SELECT patient_id, section, stale_reason FROM sections INDEXED BY sections_stale "
                    + "WHERE stale = 1 AND patient_id IN (\(marks))"
                for r in try db.rows(sql, chunk.map(SQLValue.text)) {
                    guard let id = r[0].string, let section = r[1].string.flatMap(ClinicalSection.init(rawValue:))
                    else { continue }
                    out[id, default: []].append((section, r[2].string))
                }
            }
        }
        return out
    }

    private func upsertSection(
        _ id: String, _ section: String, status: String, reason: String?, payload: String, fetched: Date,
        incomplete: String?
    ) throws {
        try db.run(
            """
            INSERT INTO sections(patient_id, section, status, reason, payload, fetched_at, stale, stale_reason, \
            incomplete)
            VALUES(?,?,?,?,?,?,0,NULL,?)
            ON CONFLICT(patient_id, section) DO UPDATE SET status=excluded.status, reason=excluded.reason, \
            payload=excluded.payload,
              fetched_at=excluded.fetched_at, stale=0, stale_reason=NULL, incomplete=excluded.incomplete
            """,
            [
                .text(id), .text(section), .text(status), .from(reason), .text(payload), .from(fetched),
                .from(incomplete),
            ])
    }

    private func reindexName(_ p: Patient) throws {
        guard let rowid = try db.rows("SELECT rowid FROM patients WHERE id = ?", [.text(p.id)]).first?.first?.int else {
            return
        }
        try db.run("DELETE FROM patient_names WHERE rowid = ?", [.int(rowid)])
        try db.run(
            "INSERT INTO patient_names(rowid, family, given, sort_name) VALUES(?,?,?,?)",
            [
                .int(rowid), .text(TextFolding.fold(p.name?.family ?? p.name?.text ?? "")),
                .text(TextFolding.fold(((p.name?.given ?? []) + (p.name?.prefix ?? [])).joined(separator: " "))),
                .text(p.displayName),
            ])
    }

    /// Marks every cached section of a patient stale (the whole fetch failed); data stays.
    public func markStale(_ id: String, reason: String) throws(StoreError) {
        try write {
            try db.run(
                "UPDATE sections SET stale = 1, stale_reason = ? WHERE patient_id = ?", [.text(reason), .text(id)])
        }
    }

    /// The cached record, with each section's fetch time and stale flag; `nil` when not cached.
    public func record(_ id: String, history: Bool = true) throws(StoreError) -> PatientRecord? {
        try locked { () throws(StoreError) -> PatientRecord? in
            guard
                let row = try db.rows(
                    "SELECT id, demographics, fhir_version, fetched_at, warnings FROM patients WHERE id = ?",
                    [.text(id)]
                ).first
            else { return nil }
            let sections = try db.rows(
                "SELECT patient_id, section, status, reason, payload, fetched_at, stale, stale_reason, incomplete "
                    + "FROM sections WHERE patient_id = ?",
                [.text(id)])
            let trend =
                history
                ? try db.rows("SELECT payload FROM vitals_history WHERE patient_id = ?", [.text(id)]).first?.first?
                    .string : nil
            return try Cache.decodeRecord(row, sections, history: trend)
        }
    }

    /// Records for many ids (missing ones skipped), in the order given; three queries in all,
    /// however long the list.
    /// - Parameter sections: only these sections are read (a list needs only what its columns show;
    ///   `nil` reads every section).
    public func records(_ ids: [String], history: Bool = false, sections only: Set<ClinicalSection>? = nil)
        throws(StoreError) -> [PatientRecord]
    {
        guard !ids.isEmpty else { return [] }
        // Read the rows under the lock; decode them outside it, on every core.
        var patientRows: [String: [SQLValue]] = [:]
        var sectionRows: [String: [[SQLValue]]] = [:]
        var historyRows: [String: String] = [:]
        try locked { () throws(StoreError) -> Void in
            for (chunk, marks) in Cache.inGroups(ids) {
                let values = chunk.map(SQLValue.text)
                for row in try db.rows(
                    "SELECT id, demographics, fhir_version, fetched_at, warnings FROM patients WHERE id IN (\(marks))",
                    values)
                {
                    if let id = row[0].string { patientRows[id] = row }
                }
                let filter =
                    only.map { " AND section IN (" + $0.map { "'\($0.rawValue)'" }.joined(separator: ",") + ")" } ?? ""
                for row in try db.rows(
                    "SELECT patient_id, section, status, reason, payload, fetched_at, stale, stale_reason, incomplete "
                        + "FROM sections WHERE patient_id IN (\(marks))\(filter)",
                    values)
                {
                    if let id = row[0].string { sectionRows[id, default: []].append(row) }
                }
                if history {
                    for row in try db.rows(
                        "SELECT patient_id, payload FROM vitals_history WHERE patient_id IN (\(marks))", values)
                    {
                        if let id = row[0].string, let h = row[1].string { historyRows[id] = h }
                    }
                }
            }
        }
        let prows = patientRows
        let srows = sectionRows
        let hrows = historyRows
        let present = ids.filter { prows[$0] != nil }
        do {
            return try Parallelism.map(present.count) { k in
                try Cache.decodeRecord(prows[present[k]]!, srows[present[k]] ?? [], history: hrows[present[k]])
            }.compactMap { $0 }
        } catch {
            throw (error as? StoreError) ?? .corrupt("\(error)")
        }
    }

    static func decodeRecord(_ row: [SQLValue], _ sections: [[SQLValue]], history: String?) throws(StoreError)
        -> PatientRecord
    {
        var r = PatientRecord(
            patient: try StorageJSON.patient(try StorageJSON.parse(row[1].string)),
            fhirVersion: row[2].string.flatMap(FHIRRelease.init(rawValue:)),
            fetchedAt: row[3].double.map(Date.init(timeIntervalSince1970:)),
            warnings: ((try? StorageJSON.parse(row[4].string))?.array ?? []).map(StorageJSON.warning))
        if let history { r.vitalHistory = StorageJSON.history(try StorageJSON.parse(history)) }
        for s in sections {
            if let section = s[1].string.flatMap(ClinicalSection.init(rawValue:)) {
                try Cache.apply(section, payload: s[4].string ?? "", to: &r)
                let status: SectionStatus =
                    s[2].string == "ok"
                    ? .ok : (s[2].string == "empty" ? .empty : .unavailable(reason: s[3].string ?? "unknown"))
                r.sections[section] = SectionState(
                    status, fetchedAt: s[5].double.map(Date.init(timeIntervalSince1970:)),
                    stale: s[6].int == 1, staleReason: s[7].string,
                    incomplete: s.count > 8 ? s[8].string : nil)
            }
        }
        return r
    }

    /// The newest note of each patient that has one.
    public func latestNotes() throws(StoreError) -> [String: Note] {
        try locked { () throws(StoreError) -> [String: Note] in
            var out: [String: Note] = [:]
            for r in try db.rows("SELECT id, patient_id, author, max(created_at), text FROM notes GROUP BY patient_id")
            {
                guard let pid = r[1].string else { continue }
                out[pid] = Note(
                    id: r[0].int ?? 0, patientId: pid, author: r[2].string ?? "",
                    createdAt: Date(timeIntervalSince1970: r[3].double ?? 0), text: r[4].string ?? "")
            }
            return out
        }
    }

    /// Patients marked hypercapnic (NEWS2 SpO2 scale 2).
    public func hypercapnicIds() throws(StoreError) -> Set<String> {
        try locked { () throws(StoreError) -> Set<String> in
            Set(
                try db.rows("SELECT patient_id FROM patient_settings WHERE hypercapnic = 1").compactMap { $0[0].string }
            )
        }
    }

    /// Ids of every cached patient.
    public func cachedPatientIds() throws(StoreError) -> [String] {
        try locked { () throws(StoreError) -> [String] in
            try db.rows("SELECT id FROM patients ORDER BY id").compactMap { $0[0].string }
        }
    }

    /// The most recent fetch time of any cached patient.
    public func lastFetched() throws(StoreError) -> Date? {
        try locked { () throws(StoreError) -> Date? in
            try db.rows("SELECT max(fetched_at) FROM patients").first?.first?.double.map(
                Date.init(timeIntervalSince1970:))
        }
    }

    /// Searches cached patients through the indexes (FTS5 trigram for name parts; B-trees for MRN,
    /// birth date and gender). Returns the number of matches and the first `limit`.
    public func search(_ q: OfflineQuery) throws(StoreError) -> (total: Int, patients: [Patient]) {
        let plan = Cache.searchStatements(q)
        return try locked { () throws(StoreError) -> (total: Int, patients: [Patient]) in
            let total = Int(try db.rows(plan.countSQL, plan.values).first?.first?.int ?? 0)
            let page = try db.rows(plan.pageSQL, plan.values + [.int(Int64(q.count))])
            guard plan.viaNameIndex else {
                return (
                    total,
                    try page.map { r throws(StoreError) in try StorageJSON.patient(try StorageJSON.parse(r[0].string)) }
                )
            }
            let rowids = page.compactMap { $0[0].int }
            guard !rowids.isEmpty else { return (total, []) }
            let marks = Array(repeating: "?", count: rowids.count).joined(separator: ",")
            var byRow: [Int64: Patient] = [:]
            for r in try db.rows(
                "SELECT rowid, demographics FROM patients WHERE rowid IN (\(marks))", rowids.map(SQLValue.int))
            {
                if let id = r[0].int { byRow[id] = try StorageJSON.patient(try StorageJSON.parse(r[1].string)) }
            }
            return (total, rowids.compactMap { byRow[$0] })
        }
    }

    /// SQLite's query plan for the statements `search` runs for `q` (one line per plan step), so a
    /// test can check the real statements use the indexes.
    public func explainSearch(_ q: OfflineQuery) throws(StoreError) -> [String] {
        let plan = Cache.searchStatements(q)
        return try locked { () throws(StoreError) -> [String] in
            let count = try db.rows("EXPLAIN QUERY PLAN " + plan.countSQL, plan.values)
            let page = try db.rows("EXPLAIN QUERY PLAN " + plan.pageSQL, plan.values + [.int(Int64(q.count))])
            return (count + page).compactMap { $0.last?.string }
        }
    }

    /// The count and page statements of a search, with their values (the page's `LIMIT` last).
    struct SearchStatements {
        let countSQL: String
        let pageSQL: String
        let values: [SQLValue]
        /// The page statement gives name-index rowids (read the patients after it).
        let viaNameIndex: Bool
    }

    static func searchStatements(_ q: OfflineQuery) -> SearchStatements {
        var clauses: [String] = []
        var values: [SQLValue] = []
        func namePart(_ column: String?, _ raw: String?) {
            guard let raw, !raw.isEmpty else { return }
            let folded = TextFolding.fold(raw)
            if folded.count >= 3 {
                let phrase = "\"" + folded.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                clauses.append("p.rowid IN (SELECT rowid FROM patient_names WHERE patient_names MATCH ?)")
                values.append(.text(column.map { "\($0) : \(phrase)" } ?? phrase))
            } else {
                let like =
                    "%" + folded.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
                switch column {
                case "family":
                    clauses.append("p.family_folded LIKE ?")
                    values.append(.text(like))
                case "given":
                    clauses.append("p.given_folded LIKE ?")
                    values.append(.text(like))
                default:
                    clauses.append("(p.family_folded LIKE ? OR p.given_folded LIKE ?)")
                    values += [.text(like), .text(like)]
                }
            }
        }
        namePart("family", q.family)
        namePart("given", q.given)
        namePart(nil, q.name)
        if let m = q.mrn, !m.isEmpty {
            clauses.append("(p.mrn >= ? AND p.mrn < ?)")
            values += [.text(m), .text(m + "\u{10FFFF}")]
        }
        if let b = q.birthDate, !b.isEmpty {
            clauses.append("p.birth_date = ?")
            values.append(.text(b))
        }
        if let g = q.gender, !g.isEmpty {
            clauses.append("p.gender = ?")
            values.append(.text(g.lowercased()))
        }
        // Name parts only, all long enough for the trigram index: count, sort and page inside the
        // index, then read just the page's patients.
        let parts = [("family", q.family), ("given", q.given), (nil, q.name)].compactMap { c, v -> (String?, String)? in
            guard let v, !v.isEmpty else { return nil }
            return (c, TextFolding.fold(v))
        }
        let otherCriteria = !(q.mrn ?? "").isEmpty || !(q.birthDate ?? "").isEmpty || !(q.gender ?? "").isEmpty
        if !parts.isEmpty, parts.allSatisfy({ $0.1.count >= 3 }), !otherCriteria {
            let match = parts.map { c, v in
                let phrase = "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                return c.map { "\($0) : \(phrase)" } ?? phrase
            }.joined(separator: " AND ")
            return SearchStatements(
                countSQL: "SELECT count(*) FROM patient_names WHERE patient_names MATCH ?",
                pageSQL: "SELECT rowid FROM patient_names WHERE patient_names MATCH ? ORDER BY sort_name LIMIT ?",
                values: [.text(match)], viaNameIndex: true)
        }
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return SearchStatements(
            countSQL: "SELECT count(*) FROM patients p \(whereSQL)",
            pageSQL: "SELECT demographics FROM patients p \(whereSQL) ORDER BY p.display_name LIMIT ?",
            values: values, viaNameIndex: false)
    }

    /// Per-patient settings: SpO2 scale 2 for a patient with hypercapnic respiratory failure.
    public func isHypercapnic(_ id: String) throws(StoreError) -> Bool {
        try locked { () throws(StoreError) -> Bool in
            try db.rows("SELECT hypercapnic FROM patient_settings WHERE patient_id = ?", [.text(id)]).first?.first?.int
                == 1
        }
    }

    public func setHypercapnic(_ id: String, _ on: Bool) throws(StoreError) {
        try write {
            try db.run(
                "INSERT INTO patient_settings(patient_id, hypercapnic) VALUES(?,?) ON CONFLICT(patient_id) DO UPDATE "
                    + "SET hypercapnic=excluded.hypercapnic",
                [.text(id), .int(on ? 1 : 0)])
        }
    }
}

/// A patient as a list shows it: the list's view of the record and the digest of its list sections.
public struct ListEntry: Sendable {
    public var record: PatientRecord
    public var digest: SectionDigest
}
