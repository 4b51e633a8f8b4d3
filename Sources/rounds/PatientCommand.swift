import Clinical
import FHIRClient
import Foundation
import RoundsCore

/// `rounds patient ID [--offline] [--json]`
enum PatientCommand {
    static func run(_ words: [String]) async throws -> Int32 {
        let a = try Arguments(words, valued: ["--hypercapnic"], flags: ["--json", "--offline"])
        guard a.positionals.count == 1 else { throw UsageError(message: "patient needs exactly one ID") }
        let ctx = try CLIContext.load()
        if let flag = a.value("--hypercapnic") {
            guard ["on", "off"].contains(flag) else { throw UsageError(message: "--hypercapnic is on or off") }
            let ws = try ctx.workspace()
            try ws.teamStore.setHypercapnic(a.positionals[0], flag == "on")
            Output.out(
                flag == "on"
                    ? "NEWS2 for '\(a.positionals[0])' now uses SpO2 scale 2 (hypercapnic respiratory failure)."
                    : "NEWS2 for '\(a.positionals[0])' uses SpO2 scale 1.")
            return 0
        }
        let (record, offline) = try await OfflineAware.patient(ctx, id: a.positionals[0], offline: a.has("--offline"))
        for w in record.warnings.prefix(10) { Output.err("warning: \(w.path): \(w.reason)") }
        if a.has("--json") { try Output.json(record) } else { Output.out(RecordSummary.text(record, showAge: offline)) }
        return 0
    }
}
