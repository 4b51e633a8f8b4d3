/// What the TUI needs from a terminal. `CursesBackend` implements it; tests drive the program
/// through the virtual screen instead.
@MainActor
public protocol TerminalDevice: AnyObject {
    /// Columns and lines right now.
    var size: (width: Int, height: Int) { get }
    /// Copies the cells that differ from `previous` to the terminal, then places the cursor.
    func draw(_ screen: Screen, previous: Screen?)
    /// The next key or event, waiting at most about 100 ms; `nil` when none came.
    func readKey() -> Key?
    func setMouse(_ on: Bool)
    /// Clears the whole terminal now (the screen lock: nothing drawn before may stay).
    func wipe()
    /// False once the terminal has gone (the SSH session or window closed): the program then
    /// stops instead of polling a dead terminal forever.
    var isConnected: Bool { get }
    /// Restores the terminal.
    func shutdown()
}
