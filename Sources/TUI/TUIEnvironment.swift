import FHIRClient
import Foundation
import RoundsCore
import ScreenKit

/// What the running TUI talks to: the cache of the active connection, a way to go online,
/// themes, and the user's settings.
public struct TUIEnvironment: Sendable {
    public var workspace: Workspace
    public var connect: @Sendable () async throws -> FHIRConnection
    public var loadTheme: @Sendable (String) -> Theme?
    public var staleAfter: TimeInterval
    public var lockAfter: TimeInterval
    /// How often the open list is synced in the background (0: never; `refreshMinutes`).
    public var refreshAfter: TimeInterval = 0
    public var mouse: Bool
    public var themeName: String
    /// What opens the locked screen (the user's password through PAM, or a PIN).
    public var unlocker: ScreenUnlocker

    public init(
        workspace: Workspace, connect: @escaping @Sendable () async throws -> FHIRConnection,
        loadTheme: @escaping @Sendable (String) -> Theme?,
        staleAfter: TimeInterval, lockAfter: TimeInterval, mouse: Bool, themeName: String, unlocker: ScreenUnlocker
    ) {
        self.workspace = workspace
        self.connect = connect
        self.loadTheme = loadTheme
        self.staleAfter = staleAfter
        self.lockAfter = lockAfter
        self.mouse = mouse
        self.themeName = themeName
        self.unlocker = unlocker
    }
}
