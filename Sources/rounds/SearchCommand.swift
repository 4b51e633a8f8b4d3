import Clinical
import FHIRClient
import Foundation
import RoundsCore

/// `rounds search [--name X] [--family X] [--given X] [--mrn X] [--birthdate D] [--gender G] [--count N] [--offline]
/// [--json]`
enum SearchCommand {
    struct Row: Encodable {
        let id: String, name: String, gender: String?, birthDate: String?, mrn: String?
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(gender, forKey: .gender)
            try c.encode(birthDate, forKey: .birthDate)
            try c.encode(mrn, forKey: .mrn)
        }
        enum CodingKeys: String, CodingKey { case id, name, gender, birthDate, mrn }
    }

    struct Result: Encodable {
        let total: Int?
        let patients: [Row]
        let next: String?
        let source: String
        /// `contains` (a name part anywhere in a name) or `starts with` (the server refused `:contains`).
        var nameMatching: String? = nil
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(total, forKey: .total)
            try c.encode(patients, forKey: .patients)
            try c.encode(next, forKey: .next)
            try c.encode(source, forKey: .source)
            try c.encode(nameMatching, forKey: .nameMatching)
        }
        enum CodingKeys: String, CodingKey { case total, patients, next, source, nameMatching }
    }

    static func query(_ a: Arguments) throws -> PatientQuery {
        let q = PatientQuery(
            name: a.value("--name"), family: a.value("--family"), given: a.value("--given"), mrn: a.value("--mrn"),
            birthDate: a.value("--birthdate"), gender: a.value("--gender"), id: a.value("--id"),
            count: try a.int("--count") ?? 25)
        if let g = q.gender, !["male", "female", "other", "unknown"].contains(g.lowercased()) {
            throw UsageError(message: "--gender is male, female, other or unknown")
        }
        guard !q.isEmpty else {
            throw UsageError(
                message: "search needs at least one of --name, --family, --given, --mrn, --birthdate, --gender, --id")
        }
        return q
    }

    static func run(_ words: [String]) async throws -> Int32 {
        let a = try Arguments(
            words,
            valued: ["--name", "--family", "--given", "--mrn", "--birthdate", "--gender", "--count", "--id", "--page"],
            flags: ["--json", "--offline"])
        let q = try query(a)
        let ctx = try CLIContext.load()
        let result = try await OfflineAware.search(
            ctx, query: q, offline: a.has("--offline"), page: try a.int("--page") ?? 1)
        print(result, json: a.has("--json"))
        return 0
    }

    static func rows(_ patients: [Patient]) -> [Row] {
        patients.map {
            Row(id: $0.id, name: $0.displayName, gender: $0.gender, birthDate: $0.birthDate?.raw, mrn: $0.mrn)
        }
    }

    static func print(_ r: Result, json: Bool) {
        if json {
            try? Output.json(r)
            return
        }
        var t = TextTable(headers: ["Name", "MRN", "Sex", "Birth date", "Id"])
        for p in r.patients {
            t.rows.append([p.name, p.mrn ?? "—", Patient(id: "", gender: p.gender).sexLetter, p.birthDate ?? "—", p.id])
        }
        Output.out(t.render())
        if r.nameMatching == "starts with" {
            Output.out("names matched by their start only: this server does not search inside names")
        }
        let total = r.total.map(String.init) ?? "unknown"
        let source = r.source == "cache" ? " (offline, from the cache)" : ""
        let next = r.next != nil ? " — next page with --page N" : ""
        Output.out("showing \(r.patients.count) of \(total)\(source)\(next)")
    }
}
