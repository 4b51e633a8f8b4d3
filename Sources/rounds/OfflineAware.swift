import Clinical
import FHIRClient
import Foundation
import RoundsCore
import Store

/// Online first; the cache when asked (`--offline`), when the server cannot be reached or when its
/// answer cannot be used (not FHIR, too large, a 5xx), said
/// on stderr ("offline: showing data synced 2026-11-25 08:14, 3 h ago").
enum OfflineAware {
    static func search(_ ctx: CLIContext, query: PatientQuery, offline: Bool, page: Int = 1) async throws
        -> SearchCommand.Result
    {
        let saved = try ctx.requireConnection()
        if !offline {
            do {
                let conn = try await ctx.connect(saved)
                var result = try await conn.searchPatients(query)
                // Page N: follow the server's `next` links N-1 times.
                for _ in 1..<max(1, page) {
                    guard let next = result.next else {
                        result.patients = []
                        break
                    }
                    result = try await conn.nextPage(next)
                }
                AuditHook.record(
                    ctx, .patientSearch, connection: saved, patients: result.patients.map(\.id), outcome: "success")
                let matching =
                    PatientQuery.hasNameParts(query) ? (result.namesByStart ? "starts with" : "contains") : nil
                return SearchCommand.Result(
                    total: result.total, patients: SearchCommand.rows(result.patients), next: result.next,
                    source: "server", nameMatching: matching)
            } catch let e as FHIRClientError where e.isUnreachable || e.isBrokenAnswer {
                Output.err("rounds: \(e.description)")
            }
        }
        let ws = try ctx.workspace()
        Output.err(ws.offlineBanner())
        let found = try ws.cache.search(query)
        AuditHook.record(
            ctx, .patientSearch, connection: saved, patients: found.patients.map(\.id), outcome: "success-offline")
        return SearchCommand.Result(
            total: found.total, patients: SearchCommand.rows(found.patients), next: nil, source: "cache")
    }

    static func patient(_ ctx: CLIContext, id: String, offline: Bool) async throws -> (PatientRecord, Bool) {
        let saved = try ctx.requireConnection()
        if !offline {
            do {
                let conn = try await ctx.connect(saved)
                let r = try await conn.patientRecord(id: id)
                // A patient on a list is refreshed in the cache; others are not kept (minimum PHI).
                if let ws = try? ctx.workspace(), (try? ws.cache.listedPatientIds().contains(id)) == true {
                    _ = try? ws.cache.save(r)
                }
                AuditHook.record(ctx, .patientView, connection: saved, patients: [id], outcome: "success")
                return (r, false)
            } catch let e as FHIRClientError where e.isUnreachable || e.isBrokenAnswer {
                Output.err("rounds: \(e.description)")
            }
        }
        let ws = try ctx.workspace()
        guard let r = try ws.cache.record(id) else {
            throw CLIError("Patient '\(id)' is not in the offline cache; add it to a list and sync while online.")
        }
        Output.err(ws.offlineBanner())
        AuditHook.record(ctx, .patientView, connection: saved, patients: [id], outcome: "success-offline")
        return (r, true)
    }
}
