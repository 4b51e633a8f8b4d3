import Clinical
import FHIRAdapters
import Foundation
import RoundsCore

/// `rounds inspect FILE... [--json]`: what Rounds reads out of FHIR JSON files.
enum InspectCommand {
    static func run(_ words: [String]) throws -> Int32 {
        let args = try Arguments(words, flags: ["--json"])
        guard !args.positionals.isEmpty else { throw UsageError(message: "inspect needs at least one FILE") }
        // Every file's resources are read together: two files of one patient (a Patient and a
        // bundle of observations, or two exports) make one record, not two with one id.
        var resources: [FoundResource] = []
        var release: FHIRRelease?
        var documentWarnings: [DataWarning] = []
        for path in args.positionals {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIError("Cannot read '\(path)': no such file or not readable.")
            }
            let doc: FHIRDocument
            do { doc = try FHIRDocument(data: data) } catch {
                switch error {
                case .notJSON(let e): throw CLIError("'\(path)' is not JSON (\(e.description)).")
                case .notFHIR(let why): throw CLIError("'\(path)' is not FHIR: \(why).")
                }
            }
            if RecordAssembler.records(from: doc).isEmpty {
                Output.err("\(path): \(doc.root["resourceType"]?.string ?? "document") holds no patient data")
            }
            resources += doc.resources
            release = release ?? doc.release
            documentWarnings += doc.warnings
        }
        // The same resource in two files counts once (the later copy wins).
        var lastIndex: [String: Int] = [:]
        for (k, r) in resources.enumerated() { if let id = r.id { lastIndex["\(r.type)/\(id)"] = k } }
        let unique = resources.enumerated().filter { k, r in r.id.map { lastIndex["\(r.type)/\($0)"] == k } ?? true }
            .map(\.element)
        let records = RecordAssembler.records(resources: unique, release: release, documentWarnings: documentWarnings)
        for r in records {
            for w in r.warnings {
                Output.err("warning: \(r.id): \(w.path): \(w.reason)\(w.value.map { " ('\($0)')" } ?? "")")
            }
        }
        if args.has("--json") {
            try Output.json(records)
        } else {
            Output.out(
                records.map { RecordSummary.text($0) }.joined(
                    separator: "\n\n" + String(repeating: "─", count: 60) + "\n\n"))
        }
        return 0
    }
}
