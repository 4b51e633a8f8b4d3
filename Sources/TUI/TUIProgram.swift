import Clinical
import FHIRClient
import Foundation
import RoundsCore
import ScreenKit
import Store

/// The running app: reads keys, feeds the reducer, performs its effects, draws the screen.
@MainActor
public final class TUIProgram {
    public internal(set) var state: AppState
    public internal(set) var theme: Theme
    let env: TUIEnvironment
    let terminal: TerminalDevice?
    var lastScreen: Screen?
    var connection: FHIRConnection?
    var syncStop: StopFlag?
    var lastAuditedView: String?
    var lastProbe = Date()
    /// Set by every action; the loop draws only then (an idle screen costs nothing).
    var needsRender = true
    /// Whether the last frame drawn was the locked screen.
    var drawnLocked = false
    /// Work that may wait until the frame is on screen (the audit records of list and patient
    /// views): the first frame comes ~10 ms sooner on a cold start, and each record still lands
    /// before the next key is read.
    var afterFrame: [() -> Void] = []
    let audit: AuditTrail
    /// Lists, notes and marks: the team's when a team database is connected.
    let store: any TeamStore
    /// Listens to the team database and pushes this workstation's changes (when connected).
    var teamLink: TeamLink?

    public init(env: TUIEnvironment, terminal: TerminalDevice?, theme: Theme, size: (Int, Int), now: Date = Date()) {
        self.env = env
        self.terminal = terminal
        self.theme = theme
        state = AppState(width: size.0, height: size.1, now: now)
        state.lockAfter = env.lockAfter
        state.refreshAfter = env.refreshAfter
        // The first background refresh comes an interval after opening (or after the last sync).
        state.lastRefreshAttempt = now
        state.lock.prompt = env.unlocker.prompt
        state.mouseEnabled = env.mouse
        state.themeName = env.themeName
        state.status.connection = env.workspace.connection.name
        state.status.tenant = env.workspace.connection.tenant
        state.status.fhirVersion = env.workspace.connection.fhirVersion
        state.status.lastSync =
            (try? env.workspace.cache.lastSyncRun())??.finishedAt ?? ((try? env.workspace.cache.lastFetched()) ?? nil)
        audit = AuditTrail(env.workspace)
        store = env.workspace.teamStore
        if let team = env.workspace.team {
            let pending = (try? env.workspace.cache.pendingTeamChangeCount(team: team.team)) ?? 0
            state.status.team = AppState.Team(name: team.team, online: nil, pending: pending)
        }
    }

    /// Loads the lists and starts connecting; the UI works from the cache meanwhile.
    public func start() {
        dispatch(.listsLoaded([], select: nil))
        perform(.loadLists(select: nil))
        goOnline()
        startTeamLink()
    }

    /// Follows the team database's changes live (no keypress needed) when a team is connected.
    func startTeamLink() {
        guard env.workspace.team != nil, teamLink == nil else { return }
        teamLink = try? TeamLink(workspace: env.workspace) { [weak self] report in
            Task { @MainActor in self?.report(.teamReported(report)) }
        }
        teamLink?.start()
    }

    /// The event loop: until the user quits.
    public func run() async {
        guard let terminal else { return }
        start()
        var lastTick = Date()
        while !state.quit {
            if needsRender { render() }
            if let key = terminal.readKey() {
                dispatch(.keyPressed(key))
            } else if !terminal.isConnected {
                break
            } else {
                await Task.yield()
            }
            let now = Date()
            if now.timeIntervalSince(lastTick) >= 1 {
                lastTick = now
                dispatch(.clockTicked(now))
                probeIfDue(now)
            }
        }
        syncStop?.stop()
        teamLink?.stop()
        terminal.shutdown()
    }

    /// Draws the current state (only changed cells reach the terminal).
    public func render() {
        needsRender = false
        let screen = Views.render(state, theme: theme)
        // Locking wipes the whole terminal, not only the cells that changed: nothing drawn
        // before stays behind (ncurses keeps Rounds on the alternate screen, off the scrollback).
        let locking = state.mode == .locked && !drawnLocked
        drawnLocked = state.mode == .locked
        if locking { terminal?.wipe() }
        if screen != lastScreen || locking {
            terminal?.draw(screen, previous: locking ? nil : lastScreen)
            lastScreen = screen
        }
        let pending = afterFrame
        afterFrame = []
        for work in pending { work() }
    }

    /// The virtual screen of the current state (tests and the benchmark).
    public var screen: Screen { Views.render(state, theme: theme) }

    public func dispatch(_ action: Action) {
        needsRender = true
        for effect in Reducer.reduce(&state, action) { perform(effect) }
    }

    func report(_ action: Action) {
        dispatch(action)
        render()
    }

    var cache: Cache { env.workspace.cache }

    func goOnline() {
        let connect = env.connect
        let ws = env.workspace
        Task { [weak self] in
            do {
                let c = try await connect()
                await MainActor.run {
                    self?.connection = c
                    self?.report(
                        .connectionChanged(
                            online: true, connection: ws.connection.name, fhirVersion: c.release.rawValue,
                            tenant: ws.connection.tenant, lastSync: nil, message: nil))
                }
            } catch {
                let text = ErrorText.describe(error)
                await MainActor.run {
                    self?.report(
                        .connectionChanged(
                            online: false, connection: ws.connection.name, fhirVersion: ws.connection.fhirVersion,
                            tenant: ws.connection.tenant,
                            lastSync: nil, message: "Offline: \(text) Showing cached data."))
                }
            }
        }
    }

    /// Every 20 s: offline tries to come back; online checks the server is still there.
    func probeIfDue(_ now: Date) {
        guard now.timeIntervalSince(lastProbe) >= 20 else { return }
        lastProbe = now
        if state.status.online == false {
            goOnline()
            return
        }
        guard let conn = connection else { return }
        Task { [weak self] in
            do { _ = try await FHIRConnection.probe(conn.baseURL.absoluteString) } catch let e as FHIRClientError
                where e.isUnreachable
            {
                await MainActor.run { self?.wentOffline(e) }
            } catch {}
        }
    }

    func wentOffline(_ e: FHIRClientError) {
        guard state.status.online != false else { return }
        report(
            .connectionChanged(
                online: false, connection: state.status.connection, fhirVersion: state.status.fhirVersion,
                tenant: state.status.tenant,
                lastSync: nil,
                message:
                    "Offline: \(e.description) Showing data synced "
                    + "\(state.status.lastSync.map { Age.describe(since: $0) } ?? "never")."
            ))
    }
}
