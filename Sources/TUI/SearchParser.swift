import FHIRClient
import Foundation

/// Reads what was typed into the one search field: `1951-08-23` is a birth date, digits an MRN,
/// `male`/`female` a gender, `Family, Given` a family and given name, other words a name.
public enum SearchParser {
    public static func query(_ text: String, count: Int = 50) -> PatientQuery {
        var q = PatientQuery(count: count)
        var words: [String] = []
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.contains(",") {
            let parts = trimmed.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if !parts[0].isEmpty { q.family = parts[0] }
            if parts.count > 1, !parts[1].isEmpty { q.given = parts[1] }
            return q
        }
        for w in trimmed.split(separator: " ").map(String.init) {
            if w.count == 10, w.dropFirst(4).first == "-", w.dropFirst(7).first == "-", w.filter(\.isNumber).count == 8
            {
                q.birthDate = w
            } else if !w.isEmpty, w.allSatisfy(\.isNumber) {
                q.mrn = w
            } else if ["male", "female", "other", "unknown"].contains(w.lowercased()) {
                q.gender = w.lowercased()
            } else {
                words.append(w)
            }
        }
        if !words.isEmpty { q.name = words.joined(separator: " ") }
        return q
    }

    /// `name 'zo'`, `MRN 1234567`, … for the status line.
    public static func describe(_ q: PatientQuery) -> String {
        [
            q.family.map { "family '\($0)'" }, q.given.map { "given '\($0)'" }, q.name.map { "name '\($0)'" },
            q.mrn.map { "MRN \($0)" },
            q.birthDate.map { "born \($0)" }, q.gender,
        ].compactMap { $0 }.joined(separator: ", ")
    }
}
