import Foundation
import Clinical
import FHIRAdapters
import RoundsCore

/// `rounds inspect FILE... [--json]`: what Rounds reads out of FHIR JSON files.
enum InspectCommand {
    static func run(_ words: [String]) throws -> Int32 {
        let args = try Arguments(words, flags: ["--json"])
        guard !args.positionals.isEmpty else { throw UsageError(message: "inspect needs at least one FILE") }
        var records: [PatientRecord] = []
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
            let found = RecordAssembler.records(from: doc)
            if found.isEmpty {
                Output.err("\(path): \(doc.root["resourceType"]?.string ?? "document") holds no patient data")
            }
            for r in found {
                for w in r.warnings { Output.err("\(path): warning: \(w.path): \(w.reason)\(w.value.map { " ('\($0)')" } ?? "")") }
            }
            records += found
        }
        if args.has("--json") {
            try Output.json(records)
        } else {
            Output.out(records.map { RecordSummary.text($0) }.joined(separator: "\n\n" + String(repeating: "─", count: 60) + "\n\n"))
        }
        return 0
    }
}
