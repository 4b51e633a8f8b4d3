import Foundation
import Store

extension Workspace {
    /// Where the team's lists, notes and marks are read and written: the team database's local
    /// copy once `rounds team connect` was run, else this workstation's own file.
    public var teamStore: any TeamStore {
        guard let team else { return LocalTeamStore(cache: cache, author: settings.author) }
        return SharedTeamStore(cache: cache, team: team.team, role: team.role)
    }

    /// The shared store when a team is connected.
    public var sharedTeamStore: SharedTeamStore? {
        team.map { SharedTeamStore(cache: cache, team: $0.team, role: $0.role) }
    }
}

/// A command's exchange with the team database: push what waits, then pull what others did.
public enum TeamSync {
    public struct Outcome: Sendable, Equatable {
        public var pushed: Int
        public var remaining: Int
    }

    /// Sends the pending changes (see `SharedTeamStore.push`).
    @discardableResult
    public static func push(_ workspace: Workspace, database: TeamDatabase? = nil) throws -> Outcome {
        guard let store = workspace.sharedTeamStore, let team = workspace.team else {
            return Outcome(pushed: 0, remaining: 0)
        }
        guard try workspace.cache.pendingTeamChangeCount(team: store.team) > 0 else {
            return Outcome(pushed: 0, remaining: 0)
        }
        let db = try database ?? team.open()
        let pushed = try store.push(to: db)
        return Outcome(pushed: pushed, remaining: try workspace.cache.pendingTeamChangeCount(team: store.team))
    }

    /// Pushes when a team is connected, quietly: an unreachable database leaves the changes
    /// pending for the next command. The sentence for anything else.
    public static func pushQuietly(_ workspace: Workspace) -> String? {
        do {
            try push(workspace)
            return nil
        } catch let error as TeamDatabaseError where error.isUnreachable {
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Push what waits, then pull what others did; quietly offline. The sentences a nurse at a
    /// command line should see (renames, deletions, lists shared, conflicts).
    public static func exchange(_ workspace: Workspace) -> [String] {
        guard let store = workspace.sharedTeamStore, let team = workspace.team else { return [] }
        do {
            let db = try team.open()
            try store.push(to: db)
            return try store.pull(from: db).filter(\.notable).map(\.sentence)
        } catch let error as TeamDatabaseError where error.isUnreachable {
            return []
        } catch {
            return ["the team's changes stay pending: \(error)"]
        }
    }

    /// Sends a list of this workstation only to the team; `false` when it is the team's already.
    @discardableResult
    public static func share(_ name: String, workspace: Workspace) throws -> Bool {
        guard let store = workspace.sharedTeamStore else {
            throw CoreError.usage("No team database is connected: 'rounds team connect URL --team NAME' first.")
        }
        return try store.share(name)
    }
}
