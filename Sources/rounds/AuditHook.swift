import Foundation
import RoundsCore
import Store

/// Appends one audit record for a PHI action to the active connection's trail. A record that
/// cannot be written is said on stderr (the command has already done its work; the nurse and
/// the admin must know the trail lacks it).
enum AuditHook {
    static func record(
        _ ctx: CLIContext, _ operation: AuditOperation, connection: SavedConnection?, patients: [String] = [],
        list: String? = nil, outcome: String
    ) {
        do {
            try recordOrRefuse(ctx, operation, connection: connection, patients: patients, list: list, outcome: outcome)
        } catch {
            Output.err(
                "rounds: warning: the audit record \(operation.rawValue) could not be written: "
                    + "\(ErrorText.describe(error))"
            )
        }
    }

    /// The same, for a read that must not show anything its trail does not hold (`note ls`).
    static func recordOrRefuse(
        _ ctx: CLIContext, _ operation: AuditOperation, connection: SavedConnection?, patients: [String] = [],
        list: String? = nil, outcome: String
    ) throws {
        guard let connection = connection ?? ctx.book.current else { return }
        let workspace =
            connection == ctx.book.current
            ? try ctx.workspace() : try Workspace(paths: ctx.paths, settings: ctx.settings, connection: connection)
        try AuditTrail(workspace).record(operation, patients: patients, list: list, outcome: outcome)
    }
}
