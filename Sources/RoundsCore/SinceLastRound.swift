import Clinical
import Foundation
import JSONKit
import Store

/// What the cache held of a patient at a list's last round: enough to say what changed since.
public struct RoundSnapshot: Sendable, Equatable {
    public var news2: Int?
    public var location: String?
    public var medications: [String]
    public var allergies: [String]
    public var conditions: [String]
    /// Counts, for the list (which reads no list section): current medications, active allergies
    /// and current conditions.
    public var medicationCount: Int
    public var allergyCount: Int
    public var conditionCount: Int
    /// The time of the latest reading of each kind then, in milliseconds rounded up: a later one is new.
    public var latestReadings: [VitalKind: Int64]

    public init(record: PatientRecord, news2: NEWS2?) {
        latestReadings = [:]
        for vital in record.latestVitals {
            if let kind = vital.kind, let at = vital.effective?.instant {
                latestReadings[kind] = Self.milliseconds(at.timeIntervalSince1970)
            }
        }
        self.news2 = news2?.total
        location = record.lastEncounter?.location
        medications = record.medications.filter(\.isCurrent).map(\.name)
        allergies = record.allergies.filter { !$0.isInactive }.map(\.substance)
        conditions = record.conditions.filter { !$0.isInactive }.map(\.display)
        let digest = SectionDigest(record: record)
        medicationCount = digest.medications
        allergyCount = digest.activeAllergies
        conditionCount = digest.conditions
    }

    var json: String {
        var object: JSONObject = [
            "medications": .array(medications.map(JSONValue.string)),
            "allergies": .array(allergies.map(JSONValue.string)),
            "conditions": .array(conditions.map(JSONValue.string)), "medicationCount": .number(Double(medicationCount)),
            "allergyCount": .number(Double(allergyCount)), "conditionCount": .number(Double(conditionCount)),
        ]
        var readings = JSONObject()
        for (kind, time) in sortedReadings { readings[kind.rawValue] = .number(Double(time) / 1000) }
        object["latestReadings"] = .object(readings)
        if let news2 { object["news2"] = .number(Double(news2)) }
        if let location { object["location"] = .string(location) }
        return JSONValue.object(object).serialized
    }

    /// The short form a list row compares: `r1|NEWS2|meds|allergies|conditions|kind=ms,…|location`.
    /// The location comes last because it is free text (it may hold `|`); no field when unknown.
    var brief: String {
        let readings = sortedReadings.map { kind, time in "\(kind.rawValue)=\(time)" }
        var fields = [
            Self.briefVersion, news2.map(String.init) ?? "", String(medicationCount), String(allergyCount),
            String(conditionCount), readings.joined(separator: ","),
        ]
        if let location { fields.append(location) }
        return fields.joined(separator: "|")
    }

    /// The latest readings in one order (by kind's name), so the same snapshot is written the same way.
    private var sortedReadings: [(kind: VitalKind, time: Int64)] {
        latestReadings.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.value) }
    }

    /// From a brief: the counts, not the names (a list row compares counts only).
    init?(brief text: String) {
        var text = text
        guard
            let read = text.withUTF8({ bytes in
                var reader = BriefReader(bytes: bytes)
                return reader.snapshot()
            })
        else { return nil }
        self = read
    }

    init(
        news2: Int?, location: String?, medicationCount: Int, allergyCount: Int, conditionCount: Int,
        latestReadings: [VitalKind: Int64]
    ) {
        self.news2 = news2
        self.location = location
        self.medicationCount = medicationCount
        self.allergyCount = allergyCount
        self.conditionCount = conditionCount
        self.latestReadings = latestReadings
        medications = []
        allergies = []
        conditions = []
    }

    static let briefVersion = "r1"

    /// Seconds to whole milliseconds, rounded up, so a reading and its own time in a snapshot
    /// always compare equal (never "new"), from a brief or from the whole payload.
    static func milliseconds(_ seconds: Double) -> Int64 { Int64((seconds * 1000).rounded(.up)) }

    /// From the stored form: the brief when `brief` (a list row) and there is one, else the payload.
    init?(_ stored: StoredRoundSnapshot, brief: Bool) {
        if brief, let text = stored.brief {
            self.init(brief: text)
        } else if let payload = stored.payload {
            self.init(json: payload)
        } else {
            return nil
        }
    }

    init?(json text: String) {
        guard let json = try? JSONParser.parse(text) else { return nil }
        news2 = json["news2"]?.double.map { Int($0) }
        location = json["location"]?.string
        medications = json["medications"]?.array?.compactMap(\.string) ?? []
        allergies = json["allergies"]?.array?.compactMap(\.string) ?? []
        conditions = json["conditions"]?.array?.compactMap(\.string) ?? []
        medicationCount = Int(json["medicationCount"]?.double ?? 0)
        allergyCount = Int(json["allergyCount"]?.double ?? 0)
        conditionCount = Int(json["conditionCount"]?.double ?? 0)
        latestReadings = [:]
        if case .object(let readings)? = json["latestReadings"] {
            for (name, time) in readings {
                if let kind = VitalKind(rawValue: name), let seconds = time.double {
                    latestReadings[kind] = Self.milliseconds(seconds)
                }
            }
        }
    }
}

/// What changed for a patient since the list's last round: NEWS2 up or down, new abnormal vital
/// signs, a move, medications started or stopped, new allergies or conditions.
public struct RoundChanges: Sendable, Equatable {
    public var since: Date
    public var news2From: Int?
    public var news2To: Int?
    /// Readings taken since the round that score in NEWS2 ("RR 25 at 09:10").
    public var abnormalVitals: [String]
    public var movedFrom: String?
    public var movedTo: String?
    public var newMedications: [String]
    public var stoppedMedications: [String]
    public var newAllergies: [String]
    public var newConditions: [String]
    /// Only counts are known (the list reads no list section): the change in each.
    public var medicationsDelta = 0
    public var allergiesDelta = 0
    public var conditionsDelta = 0

    public init(
        since: Date, news2From: Int?, news2To: Int?, abnormalVitals: [String], movedFrom: String?, movedTo: String?,
        newMedications: [String], stoppedMedications: [String], newAllergies: [String], newConditions: [String]
    ) {
        self.since = since
        self.news2From = news2From
        self.news2To = news2To
        self.abnormalVitals = abnormalVitals
        self.movedFrom = movedFrom
        self.movedTo = movedTo
        self.newMedications = newMedications
        self.stoppedMedications = stoppedMedications
        self.newAllergies = newAllergies
        self.newConditions = newConditions
    }

    public var news2Changed: Bool { news2From != news2To && news2To != nil }

    public var isEmpty: Bool {
        !news2Changed && abnormalVitals.isEmpty && movedTo == nil && newMedications.isEmpty
            && stoppedMedications.isEmpty && newAllergies.isEmpty && newConditions.isEmpty && medicationsDelta == 0
            && allergiesDelta == 0 && conditionsDelta == 0
    }

    /// From a snapshot to the record now. `whole` is false for a list row, whose record holds no
    /// medications, allergies or conditions: then only their counts (from the digest) compare.
    public static func between(
        _ snapshot: RoundSnapshot, since: Date, record: PatientRecord, digest: SectionDigest, news2: NEWS2?, whole: Bool
    ) -> RoundChanges {
        var changes = RoundChanges(
            since: since, news2From: snapshot.news2, news2To: news2?.total, abnormalVitals: [], movedFrom: nil,
            movedTo: nil, newMedications: [], stoppedMedications: [], newAllergies: [], newConditions: [])
        let location = record.lastEncounter?.location
        if location != snapshot.location, let location {
            changes.movedFrom = snapshot.location
            changes.movedTo = location
        }
        // A reading is new when it is later than the latest of its kind at the round (not by the
        // round's clock time: readings are charted late). Compared in whole milliseconds.
        for vital in record.latestVitals {
            guard let at = vital.effective?.instant else { continue }
            if let kind = vital.kind, let before = snapshot.latestReadings[kind],
                RoundSnapshot.milliseconds(at.timeIntervalSince1970) <= before
            {
                continue
            }
            guard let text = abnormal(vital, news2: news2) else { continue }
            changes.abnormalVitals.append("\(text) at \(Age.short(at))")
        }
        if whole {
            let medications = record.medications.filter(\.isCurrent).map(\.name)
            changes.newMedications = medications.filter { !snapshot.medications.contains($0) }
            changes.stoppedMedications = snapshot.medications.filter { !medications.contains($0) }
            let allergies = record.allergies.filter { !$0.isInactive }.map(\.substance)
            changes.newAllergies = allergies.filter { !snapshot.allergies.contains($0) }
            let conditions = record.conditions.filter { !$0.isInactive }.map(\.display)
            changes.newConditions = conditions.filter { !snapshot.conditions.contains($0) }
        } else {
            changes.medicationsDelta = digest.medications - snapshot.medicationCount
            changes.allergiesDelta = digest.activeAllergies - snapshot.allergyCount
            changes.conditionsDelta = digest.conditions - snapshot.conditionCount
        }
        return changes
    }

    /// `RR 25` when the reading scores in NEWS2, else `nil`.
    static func abnormal(_ vital: VitalSign, news2: NEWS2?) -> String? {
        guard let value = vital.value else { return nil }
        let whole = Int(value.rounded())
        switch vital.kind {
        case .respiratoryRate: return NEWS2.respiration(whole) > 0 ? "RR \(VitalSign.number(value))" : nil
        case .heartRate: return NEWS2.pulse(whole) > 0 ? "HR \(VitalSign.number(value))" : nil
        case .oxygenSaturation:
            let score = NEWS2.saturation(whole, scale2: news2?.scale == 2, onOxygen: false)
            return score > 0 ? "SpO2 \(VitalSign.number(value))" : nil
        case .bodyTemperature:
            guard let celsius = Units.celsius(value, unit: vital.unit) else { return nil }
            return NEWS2.temperature(celsius) > 0 ? "Temp \(Units.oneDecimal(celsius))" : nil
        case .bloodPressure:
            guard let systolic = vital.bloodPressure?.systolic else { return nil }
            return NEWS2.systolic(Int(systolic.rounded())) > 0 ? "SBP \(VitalSign.number(systolic))" : nil
        default: return nil
        }
    }

    /// The Δ cell: `NEWS2 3→6`, `moved`, `+1 med`, `2 abnormal` — the first things a nurse asks.
    public var brief: String {
        var parts: [String] = []
        if news2Changed {
            let from = news2From.map(String.init) ?? "?"
            let arrow = (news2To ?? 0) > (news2From ?? 0) ? "▲" : "▼"
            parts.append("\(from)→\(news2To.map(String.init) ?? "?")\(arrow)")
        }
        if !abnormalVitals.isEmpty { parts.append("\(abnormalVitals.count) abn") }
        if movedTo != nil { parts.append("moved") }
        let meds = whole ? newMedications.count - stoppedMedications.count : medicationsDelta
        if !newMedications.isEmpty || !stoppedMedications.isEmpty || medicationsDelta != 0 {
            parts.append(meds == 0 ? "meds±" : "\(meds > 0 ? "+" : "")\(meds) med")
        }
        let allergies = whole ? newAllergies.count : allergiesDelta
        if allergies > 0 { parts.append("+\(allergies) allergy") }
        let conditions = whole ? newConditions.count : conditionsDelta
        if conditions > 0 { parts.append("+\(conditions) cond") }
        return parts.joined(separator: " ")
    }

    private var whole: Bool { medicationsDelta == 0 && allergiesDelta == 0 && conditionsDelta == 0 }

    /// The sentences of the "since 07:00" block, most urgent first.
    public var lines: [String] {
        var out: [String] = []
        if news2Changed {
            let from = news2From.map(String.init) ?? "not scored"
            let direction = (news2To ?? 0) > (news2From ?? 0) ? "up" : "down"
            out.append("NEWS2 \(direction): \(from) → \(news2To.map(String.init) ?? "?")")
        }
        if !abnormalVitals.isEmpty { out.append("New abnormal: " + abnormalVitals.joined(separator: ", ")) }
        if let movedTo { out.append("Moved: \(movedFrom ?? "unknown") → \(movedTo)") }
        if !newMedications.isEmpty { out.append("Started: " + newMedications.joined(separator: ", ")) }
        if !stoppedMedications.isEmpty { out.append("Stopped: " + stoppedMedications.joined(separator: ", ")) }
        if !newAllergies.isEmpty { out.append("New allergy: " + newAllergies.joined(separator: ", ")) }
        if !newConditions.isEmpty { out.append("New condition: " + newConditions.joined(separator: ", ")) }
        return out
    }
}

/// Keeps each list's snapshots in step with its last round, and reads what changed since.
public enum SinceLastRound {
    /// Takes the snapshot of every patient of the list whose snapshot is older than the list's
    /// last round (a round this workstation made now, or one it learned of from the team: then
    /// its baseline is what this cache holds when it learns of it).
    /// Returns the list's round and snapshots as they are after (`nil`: no round yet). `members`: the
    /// list's patients when already read; `briefOnly`: the snapshots as a list row compares them.
    @discardableResult
    public static func refreshSnapshots(
        list: String, members known: [String]? = nil, cache: Cache, now: Date = Date(), briefOnly: Bool = false
    ) throws -> Baseline? {
        guard let round = try cache.lastRound(list: list),
            let members = try known ?? cache.list(named: list)?.patientIds
        else { return nil }
        var snapshots = try cache.roundSnapshots(list: list, briefOnly: briefOnly)
        let stale = members.filter { id in snapshots[id].map { $0.roundAt < round.at } ?? true }
        guard !stale.isEmpty else { return Baseline(roundAt: round.at, snapshots: snapshots) }
        let scale2 = try cache.hypercapnicIds()
        var taken: [String: (payload: String, brief: String)] = [:]
        for record in try cache.records(stale, history: true) {
            let score = NEWS2.score(record, hypercapnic: scale2.contains(record.id), now: now, describe: false)
            let snapshot = RoundSnapshot(record: record, news2: score)
            taken[record.id] = (snapshot.json, snapshot.brief)
        }
        try cache.saveRoundSnapshots(list: list, roundAt: round.at, taken)
        for (id, snapshot) in taken {
            snapshots[id] = StoredRoundSnapshot(roundAt: round.at, payload: snapshot.payload, brief: snapshot.brief)
        }
        return Baseline(roundAt: round.at, snapshots: snapshots)
    }

    /// A list's last round and each patient's snapshot taken for it.
    public struct Baseline: Sendable {
        public var roundAt: Date
        public var snapshots: [String: StoredRoundSnapshot]
    }

    /// What changed since the last round, from each patient's whole cached record (the CLI, the
    /// detail pane, exports): names of medications, allergies and conditions, not only counts.
    public static func wholeChanges(list: String, cache: Cache, now: Date = Date()) throws -> [String: RoundChanges] {
        guard let ids = try cache.list(named: list)?.patientIds else { return [:] }
        let scale2 = try cache.hypercapnicIds()
        let rows = try cache.records(ids, history: false).map { record in
            ListRow(
                id: record.id, record: record,
                news2: NEWS2.score(record, hypercapnic: scale2.contains(record.id), now: now, describe: false),
                latestNote: nil)
        }
        return try changes(list: list, rows: rows, cache: cache, whole: true)
    }

    static func baseline(list: String, cache: Cache) throws -> Baseline? {
        guard let round = try cache.lastRound(list: list) else { return nil }
        return Baseline(roundAt: round.at, snapshots: try cache.roundSnapshots(list: list))
    }

    /// What changed for one patient since the list's last round (the detail pane).
    public static func changes(list: String, record: PatientRecord, news2: NEWS2?, cache: Cache) throws
        -> RoundChanges?
    {
        guard let round = try cache.lastRound(list: list),
            let taken = try cache.roundSnapshot(list: list, patient: record.id),
            let snapshot = RoundSnapshot(taken, brief: false)
        else { return nil }
        return RoundChanges.between(
            snapshot, since: round.at, record: record, digest: SectionDigest(record: record), news2: news2, whole: true)
    }

    /// What changed for each patient of the list since its last round (none when no round yet).
    public static func changes(
        list: String, rows: [ListRow], cache: Cache, whole: Bool, baseline known: Baseline? = nil
    ) throws -> [String: RoundChanges] {
        guard let baseline = try known ?? self.baseline(list: list, cache: cache) else { return [:] }
        let snapshots = baseline.snapshots
        // A list row compares each snapshot's brief, the detail and exports the whole one; on every core.
        let changes = try Parallelism.map(rows.count) { k -> RoundChanges? in
            let row = rows[k]
            guard let record = row.record, let taken = snapshots[row.id],
                let snapshot = RoundSnapshot(taken, brief: !whole)
            else { return nil }
            return RoundChanges.between(
                snapshot, since: baseline.roundAt, record: record, digest: row.digest, news2: row.news2, whole: whole)
        }
        var out: [String: RoundChanges] = [:]
        for (k, change) in changes.enumerated() {
            if let change { out[rows[k].id] = change }
        }
        return out
    }
}

/// Reads a brief byte by byte: a thousand are read as a list opens, and splitting them as strings
/// cost more than all the rest of the comparison.
private struct BriefReader {
    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func snapshot() -> RoundSnapshot? {
        guard String(decoding: field().bytes, as: UTF8.self) == RoundSnapshot.briefVersion else { return nil }
        let news2 = field().bytes
        guard let medications = Self.number(field().bytes), let allergies = Self.number(field().bytes),
            let conditions = Self.number(field().bytes)
        else { return nil }
        let readings = field()
        var latest: [VitalKind: Int64] = [:]
        var rest = BriefReader(bytes: UnsafeBufferPointer(rebasing: readings.bytes))
        while rest.position < rest.bytes.count {
            let reading = rest.field(until: UInt8(ascii: ","))
            var parts = BriefReader(bytes: UnsafeBufferPointer(rebasing: reading.bytes))
            let name = parts.field(until: UInt8(ascii: "="))
            guard name.separated, let time = Self.number(parts.field().bytes) else { return nil }
            // A kind this version does not know (a brief from a newer Rounds) compares nothing.
            if let kind = VitalKind(rawValue: String(decoding: name.bytes, as: UTF8.self)) { latest[kind] = time }
        }
        // The location is the rest, `|` and all; no field at all when it was unknown.
        return RoundSnapshot(
            news2: Self.number(news2).map { Int($0) },
            location: readings.separated ? String(decoding: bytes[position...], as: UTF8.self) : nil,
            medicationCount: Int(medications), allergyCount: Int(allergies), conditionCount: Int(conditions),
            latestReadings: latest)
    }

    /// The bytes up to the next separator (or the end), and whether a separator ended them.
    mutating func field(until separator: UInt8 = UInt8(ascii: "|")) -> (bytes: Bytes, separated: Bool) {
        let start = position
        while position < bytes.count, bytes[position] != separator { position += 1 }
        let field = bytes[start..<position]
        guard position < bytes.count else { return (field, false) }
        position += 1
        return (field, true)
    }

    /// A non-negative whole number of at most 18 digits; `nil` for anything else (or nothing).
    static func number(_ digits: Bytes) -> Int64? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
