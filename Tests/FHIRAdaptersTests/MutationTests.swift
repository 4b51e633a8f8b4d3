import Clinical
import FHIRAdapters
import Foundation
import TestSupport
import Testing

/// Random damage to real files (a key dropped, a value's type changed, an array cut short) never
/// crashes the adapters.
@Suite struct MutationTests {
    /// One corpus file and its seed: a stable hash of the file's name (Swift's `hashValue` changes
    /// with every process), named in the test's description so a crash can be replayed.
    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        var seed: UInt64 {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in file.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            return h
        }
        var testDescription: String { "\(file) (seed \(seed))" }
    }

    static let files: [Case] = Corpus.allJSONFiles.filter {
        !$0.contains("smart-sample-data") || $0.contains("SYNTHEA/Armstrong")
    }
    .map(Case.init(file:))

    @Test(arguments: files)
    func mutationsNeverCrash(_ c: Case) throws {
        let file = c.file
        let root = try JSONParser.parse(try Corpus.data(file))
        var rng = SeededRandom(seed: c.seed)
        let rounds = file.contains("SYNTHEA") ? 10 : 40
        for _ in 0..<rounds {
            var doc = root
            for _ in 0..<Int.random(in: 1...6, using: &rng) { doc = mutate(doc, rng: &rng, depth: 0) }
            guard let parsed = try? FHIRDocument(json: JSONNode(doc)) else { continue }
            for r in RecordAssembler.records(from: parsed) {
                _ = RecordSummaryProbe.touch(r)
            }
            if ["Conformance", "CapabilityStatement"].contains(doc["resourceType"]?.string) {
                _ = ServerCapabilities(json: JSONNode(doc))
            }
        }
    }

    func mutate(_ v: JSONValue, rng: inout SeededRandom, depth: Int) -> JSONValue {
        switch v {
        case .object(var o) where !o.isEmpty:
            let key = o.keys.sorted()[Int.random(in: 0..<o.count, using: &rng)]
            if key == "resourceType" && depth == 0 { return v }
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: o[key] = nil
            case 1: o[key] = retype(o[key]!, rng: &rng)
            default: o[key] = mutate(o[key]!, rng: &rng, depth: depth + 1)
            }
            return .object(o)
        case .array(var a) where !a.isEmpty:
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: a.removeLast(Int.random(in: 1...a.count, using: &rng))
            case 1: a[0] = retype(a[0], rng: &rng)
            default:
                let i = Int.random(in: 0..<a.count, using: &rng)
                a[i] = mutate(a[i], rng: &rng, depth: depth + 1)
            }
            return .array(a)
        default:
            return retype(v, rng: &rng)
        }
    }

    func retype(_ v: JSONValue, rng: inout SeededRandom) -> JSONValue {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return .null
        case 1: return .bool(true)
        case 2: return .number(-1e308)
        case 3: return .string("09/17/2018 1:00:00 PM")
        case 4: return .array([v, v])
        default: return .object(["value": v])
        }
    }
}

/// Reads every derived property of a record, so a crash anywhere in them shows here.
enum RecordSummaryProbe {
    static func touch(_ r: PatientRecord) -> Int {
        var n = r.patient.displayName.count + r.patient.sexLetter.count + (r.patient.name?.initials.count ?? 0)
        n += r.patient.birthDate?.age(on: Date()) ?? 0
        for v in r.latestVitals { n += v.formatted.count + v.label.count }
        for a in r.allergies { n += a.summary.count }
        n += r.lastEncounter?.start?.instant == nil ? 0 : 1
        return n
    }
}
