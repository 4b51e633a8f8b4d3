import Foundation
import Store

/// Keeps an open TUI in step with the team database on a thread of its own: it listens for the
/// database's notifications (`LISTEN`), pulls the others' changes as they come, pushes this
/// workstation's as soon as they are made, and reconnects with a growing pause while the
/// database is unreachable (the local copy keeps working meanwhile).
public final class TeamLink: @unchecked Sendable {
    /// What the link found, for the status line.
    public struct Report: Sendable, Equatable {
        public var online: Bool
        public var pending: Int
        /// The others' changes just applied here, oldest first.
        public var news: [TeamNews]
        /// Why the database is not in use, when it is not.
        public var problem: String?

        public init(online: Bool, pending: Int, news: [TeamNews], problem: String?) {
            self.online = online
            self.pending = pending
            self.news = news
            self.problem = problem
        }
    }

    /// The longest pause between two attempts to reach the database.
    public static let longestPause: TimeInterval = 8
    /// How long one wait for a notification lasts: the longest a local change waits to be pushed.
    static let pollSeconds: TimeInterval = 0.1
    /// A pull even without a notification (one lost while reconnecting, a server that drops them).
    static let pullEvery: TimeInterval = 30

    let store: SharedTeamStore
    let connection: TeamConnection
    let onReport: @Sendable (Report) -> Void
    let condition = NSCondition()
    var stopped = false
    var nudged = false
    var running = false

    public init(workspace: Workspace, onReport: @escaping @Sendable (Report) -> Void) throws {
        guard let store = workspace.sharedTeamStore, let connection = workspace.team else {
            throw CoreError.usage("No team database is connected.")
        }
        self.store = store
        self.connection = connection
        self.onReport = onReport
    }

    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !running else { return }
        running = true
        let thread = Thread { [self] in run() }
        thread.name = "rounds-team-link"
        thread.start()
    }

    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// A change was made here: push it now rather than at the next pull.
    public func nudge() {
        condition.lock()
        nudged = true
        condition.broadcast()
        condition.unlock()
    }

    var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    func takeNudge() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let was = nudged
        nudged = false
        return was
    }

    /// Sleeps up to `seconds`, woken early by `stop()` or `nudge()` (a nurse's change is a good
    /// moment to try the database again).
    func pause(_ seconds: TimeInterval) {
        condition.lock()
        defer { condition.unlock() }
        let until = Date().addingTimeInterval(seconds)
        while !stopped && !nudged && Date() < until { _ = condition.wait(until: until) }
    }

    func run() {
        var pauseSeconds: TimeInterval = 0.5
        while !isStopped {
            do {
                let db = try connection.open()
                try store.listen(on: db)
                try exchange(db)
                pauseSeconds = 0.5
                var lastPull = Date()
                while !isStopped {
                    let signalled = try db.notifications(waiting: Self.pollSeconds)
                    let wantsPush = takeNudge()
                    guard !signalled.isEmpty || wantsPush || Date().timeIntervalSince(lastPull) > Self.pullEvery else {
                        continue
                    }
                    try exchange(db)
                    lastPull = Date()
                }
            } catch {
                report(online: false, news: [], problem: ErrorText.describe(error))
                pause(pauseSeconds)
                pauseSeconds = min(pauseSeconds * 2, Self.longestPause)
            }
        }
    }

    func exchange(_ db: TeamDatabase) throws {
        try store.push(to: db)
        let news = try store.pull(from: db)
        report(online: true, news: news, problem: nil)
    }

    func report(online: Bool, news: [TeamNews], problem: String?) {
        let pending = (try? store.cache.pendingTeamChangeCount(team: store.team)) ?? 0
        onReport(Report(online: online, pending: pending, news: news, problem: problem))
    }
}
