import FHIRAdapters
import FHIRClient
import Foundation
import RoundsCore

/// `rounds metadata [--json]`
enum MetadataCommand {
    static func run(_ words: [String]) async throws -> Int32 {
        let a = try Arguments(words, flags: ["--json"])
        let ctx = try CLIContext.load()
        let saved = try ctx.requireConnection()
        let probe = try await FHIRConnection.probe(saved.baseURL, options: ctx.options)
        if a.has("--json") {
            try Output.json(probe.capabilities)
        } else {
            let c = probe.capabilities
            Output.out(
                "\(saved.baseURL)\n  \(c.resourceType) fhirVersion \(c.declaredVersion) → "
                    + "\(probe.release.rawValue)\(c.software.map { " (\($0))" } ?? "")"
            )
            Output.out("  Token URL: \(probe.tokenURL?.absoluteString ?? "none (open)")")
            Output.out(
                "  System interactions: "
                    + "\(c.systemInteractions.isEmpty ? "none" : c.systemInteractions.joined(separator: ", "))"
            )
            for (t, i) in c.resources.sorted(by: { $0.key < $1.key }) {
                Output.out("  \(t): \(i.joined(separator: ", "))")
            }
        }
        return 0
    }
}
