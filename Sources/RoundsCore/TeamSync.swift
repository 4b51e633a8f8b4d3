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
    /// One connection per database for the whole process: a command's exchange at its start and
    /// its push at its end share it (a connection costs a TCP, TLS and SCRAM round of its own).
    static func database(_ team: TeamConnection) throws -> TeamDatabase {
        openLock.lock()
        defer { openLock.unlock() }
        if let open = opened[team.url] { return open }
        let db = try team.open()
        opened[team.url] = db
        return db
    }

    /// Forgets a connection that failed, so the next exchange dials again.
    static func forget(_ team: TeamConnection) {
        openLock.lock()
        defer { openLock.unlock() }
        opened[team.url] = nil
    }

    /// Runs `body` on the process's connection; a connection that dropped since is dialled once more.
    static func withDatabase<T>(_ team: TeamConnection, _ body: (TeamDatabase) throws -> T) throws -> T {
        do {
            return try body(try database(team))
        } catch let error as TeamDatabaseError where error.isUnreachable {
            forget(team)
            do {
                return try body(try database(team))
            } catch {
                forget(team)
                throw error
            }
        }
    }

    private static let openLock = NSLock()
    nonisolated(unsafe) private static var opened: [String: TeamDatabase] = [:]

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
        let pushed = try database.map { try store.push(to: $0) } ?? withDatabase(team) { try store.push(to: $0) }
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
            return ErrorText.describe(error)
        }
    }

    /// Push what waits, then pull what others did; quietly offline. The sentences a nurse at a
    /// command line should see (renames, deletions, lists shared, conflicts).
    public static func exchange(_ workspace: Workspace) -> [String] {
        guard let store = workspace.sharedTeamStore, let team = workspace.team else { return [] }
        do {
            return try withDatabase(team) { db in
                try store.push(to: db)
                return try store.pull(from: db).filter(\.notable).map(\.sentence)
            }
        } catch let error as TeamDatabaseError where error.isUnreachable {
            return []
        } catch {
            return ["the team's changes stay pending: \(ErrorText.describe(error))"]
        }
    }

    /// Team work on a thread of its own, so a command reads its local copy or prints meanwhile
    /// (dialling the database is most of an exchange's time).
    public final class Background: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var messages: [String] = []
        var arrived = false

        /// The exchange's sentences, and whether anything of the team's arrived (the local copy
        /// must then be read again).
        public func wait() -> (messages: [String], arrived: Bool) {
            done.wait()
            done.signal()
            return (messages, arrived)
        }

        init(_ workspace: Workspace, pullToo: Bool) {
            let thread = Thread { [self] in
                if pullToo {
                    let before = try? workspace.cache.teamState("lastSeq")
                    messages = TeamSync.exchange(workspace)
                    arrived = (try? workspace.cache.teamState("lastSeq")) != before
                } else if let problem = TeamSync.pushQuietly(workspace) {
                    messages = [problem]
                }
                done.signal()
            }
            thread.start()
            TeamSync.runningLock.lock()
            TeamSync.running.append(self)
            TeamSync.runningLock.unlock()
        }
    }

    /// Pushes, then pulls, in the background.
    public static func startExchange(_ workspace: Workspace) -> Background { Background(workspace, pullToo: true) }

    /// Pushes in the background what a command queued (its audit record) while it prints.
    @discardableResult
    public static func startPush(_ workspace: Workspace) -> Background { Background(workspace, pullToo: false) }

    /// Waits for every background exchange and push of this process.
    public static func waitForBackgroundWork() {
        runningLock.lock()
        let started = running
        running = []
        runningLock.unlock()
        for work in started { _ = work.wait() }
    }

    private static let runningLock = NSLock()
    nonisolated(unsafe) private static var running: [Background] = []

    /// Sends a list of this workstation only to the team; `false` when it is the team's already.
    @discardableResult
    public static func share(_ name: String, workspace: Workspace) throws -> Bool {
        guard let store = workspace.sharedTeamStore else {
            throw CoreError.usage("No team database is connected: 'rounds team connect URL --team NAME' first.")
        }
        return try store.share(name)
    }
}
