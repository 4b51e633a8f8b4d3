import Clinical
import Foundation
import JSONKit

/// What a later sync may ask the server "changed since?" about, per patient, and the record of
/// a patient the server says has not changed.
extension Cache {
    /// The bases of those of `ids` whose cached copy is whole: every section read and good, none
    /// stale or cut short. A patient with anything less is read whole again.
    public func refreshBases(_ ids: [String]) throws(StoreError) -> [String: RefreshBasis] {
        guard !ids.isEmpty else { return [:] }
        var bases: [String: RefreshBasis] = [:]
        let wanted = ClinicalSection.allCases.count
        try locked { () throws(StoreError) -> Void in
            for (chunk, marks) in Cache.inGroups(ids) {
                let rows = try db.rows(
                    """
                    SELECT p.id, p.refresh_basis FROM patients p
                    WHERE p.id IN (\(marks)) AND p.refresh_basis IS NOT NULL
                      AND (SELECT count(*) FROM sections s WHERE s.patient_id = p.id AND s.stale = 0
                           AND s.status IN ('ok', 'empty') AND s.incomplete IS NULL) = \(wanted)
                    """, chunk.map(SQLValue.text))
                for row in rows {
                    guard let id = row[0].string, let text = row[1].string, let basis = Cache.decodeBasis(text) else {
                        continue
                    }
                    bases[id] = basis
                }
            }
        }
        return bases
    }

    /// The server said nothing of these patients changed: each cached copy is as fresh as a read
    /// now. One transaction for them all.
    public func confirmUnchanged(_ bases: [String: RefreshBasis], at time: Date) throws(StoreError) {
        guard !bases.isEmpty else { return }
        try write {
            for (id, basis) in bases.sorted(by: { $0.key < $1.key }) {
                try db.run(
                    "UPDATE patients SET fetched_at = ?, refresh_basis = ? WHERE id = ?",
                    [.double(time.timeIntervalSince1970), .text(Cache.encodeBasis(basis)), .text(id)])
                try db.run("UPDATE sections SET fetched_at = ? WHERE patient_id = ?", [.from(time), .text(id)])
            }
        }
    }

    static func encodeBasis(_ basis: RefreshBasis) -> String {
        var object: JSONObject = [
            "server": .string(basis.server), "serverTime": .number(basis.serverTime.timeIntervalSince1970),
            "readAt": .number(basis.readAt.timeIntervalSince1970),
        ]
        if let version = basis.patientVersion { object["patientVersion"] = .string(version) }
        if let changed = basis.patientLastUpdated {
            object["patientLastUpdated"] = .number(changed.timeIntervalSince1970)
        }
        return JSONValue.object(object).serialized
    }

    static func decodeBasis(_ text: String) -> RefreshBasis? {
        guard let json = try? JSONParser.parse(text), let server = json["server"]?.string,
            let serverTime = json["serverTime"]?.double, let read = json["readAt"]?.double
        else { return nil }
        return RefreshBasis(
            server: server, serverTime: Date(timeIntervalSince1970: serverTime),
            readAt: Date(timeIntervalSince1970: read),
            patientVersion: json["patientVersion"]?.string,
            patientLastUpdated: json["patientLastUpdated"]?.double.map(Date.init(timeIntervalSince1970:)))
    }
}
