import Clinical
import FHIRAdapters
import Foundation

/// The public FHIR examples under `Tests/Corpus` (see its PROVENANCE.md).
public enum Corpus {
    /// The corpus folder: `$ROUNDS_CORPUS`, else `Tests/Corpus` next to this file.
    public static let root: URL = {
        if let env = ProcessInfo.processInfo.environment["ROUNDS_CORPUS"], !env.isEmpty,
            FileManager.default.fileExists(atPath: env)
        {
            return URL(fileURLWithPath: env)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Corpus")
    }()

    /// Every `.json` file, as paths relative to the corpus root, sorted.
    public static let allJSONFiles: [String] = {
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: root.path) else { return [] }
        return e.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") && !$0.hasSuffix("provenance.json") }
            .sorted()
    }()

    public static func data(_ relative: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(relative))
    }

    /// The records Rounds reads out of one corpus file.
    public static func records(_ relative: String) throws -> [PatientRecord] {
        RecordAssembler.records(from: try FHIRDocument(data: try data(relative)))
    }

    /// The one record of a file that holds one patient.
    public static func record(_ relative: String) throws -> PatientRecord {
        let rs = try records(relative)
        guard let first = rs.first else { throw CorpusError.noPatient(relative) }
        return first
    }

    public enum CorpusError: Error { case noPatient(String) }
}

/// A small deterministic random generator (SplitMix64) so failures reproduce.
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
