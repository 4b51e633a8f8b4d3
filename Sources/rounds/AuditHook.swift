import RoundsCore
import Store

/// Appends one audit record for a PHI action to the active connection's trail.
enum AuditHook {
    static func record(_ ctx: CLIContext, operation: String, connection: SavedConnection?, patients: [String] = [], list: String? = nil, outcome: String) throws {
        guard let connection = connection ?? ctx.book.current else { return }
        let ws = try Workspace(paths: ctx.paths, settings: ctx.settings, connection: connection)
        try AuditTrail(ws).record(operation, patients: patients, list: list, outcome: outcome)
    }
}
