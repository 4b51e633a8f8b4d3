import Foundation

/// The real TUI under tmux on a private socket: send keys, read the screen as text.
public final class TmuxSession: @unchecked Sendable {
    public let socket: String
    public let name = "rounds"

    /// Starts `command` in a detached session of the given size.
    public init(command: String, width: Int = 120, height: Int = 40) throws {
        socket = "rounds-test-\(UUID().uuidString.prefix(8))"
        try tmux([
            "-f", "/dev/null", "new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), command,
        ])
        _ = try? tmux(["set-option", "-t", name, "remain-on-exit", "on"])
    }

    deinit { stop() }

    /// Stops the tmux server (and whatever still runs in it). Tests call it in a `defer`: an
    /// async test may keep the session alive past its end, and deinit alone left servers behind.
    public func stop() { _ = try? tmux(["kill-server"]) }

    /// Runs tmux with posix_spawn and waitpid: Foundation's Process leaves the forked tmux
    /// client unreaped when waited on from an async test.
    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        let argv = ["tmux", "-L", socket] + args
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw TmuxTimeout(waitingFor: "pipe", screen: "") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let captures = !args.contains("new-session") && !args.contains("kill-server")
        if captures {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        // The calling thread (a dispatch or test worker) blocks most signals, and a spawned
        // process inherits that mask: the tmux server then never saw SIGCHLD or kill-server's
        // wake-up and outlived the tests. Start tmux with no signals blocked and default actions.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let cargs = argv.map { strdup($0) } + [nil]
        defer { for a in cargs { free(a) } }
        let rc = posix_spawnp(&pid, "tmux", &actions, &attr, cargs, environ)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw TmuxTimeout(waitingFor: "spawn tmux (\(rc))", screen: "")
        }
        var data = [UInt8]()
        if captures {
            var buf = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fds[0], &buf, buf.count)
                if n <= 0 { break }
                data.append(contentsOf: buf[0..<n])
            }
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return String(decoding: data, as: UTF8.self)
    }

    /// Presses keys by tmux name (`Down`, `Enter`, `Escape`, `F1`) or single characters.
    public func press(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }

    /// Types text literally.
    public func type(_ text: String) throws { try tmux(["send-keys", "-t", name, "-l", text]) }

    public func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", name]) }

    /// The screen and every line scrolled off it (what a person could scroll back to).
    public func captureWithHistory() throws -> String { try tmux(["capture-pane", "-p", "-S", "-", "-t", name]) }

    /// The pane's title, which an OSC 0/2 sequence written to the terminal would set.
    public func paneTitle() throws -> String {
        try tmux(["display-message", "-p", "-t", name, "#{pane_title}"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", String(width), "-y", String(height)])
    }

    /// Waits until the screen contains `text` (or the predicate holds); returns the screen.
    @discardableResult
    public func waitFor(_ text: String, timeout: TimeInterval = 10) throws -> String {
        try waitUntil(timeout: timeout, what: text) { $0.contains(text) }
    }

    /// Returns a settled screen: tmux may be captured while a frame is only half written (the
    /// header redrawn, the status line below it not yet), so a match is captured again until two
    /// captures agree, for half a second at most (a ticking clock never settles).
    @discardableResult
    public func waitUntil(timeout: TimeInterval = 10, what: String, _ ok: (String) -> Bool) throws -> String {
        let end = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < end {
            last = try screen()
            if ok(last) { return try settled(from: last, ok) }
            usleep(100_000)
        }
        throw TmuxTimeout(waitingFor: what, screen: last)
    }

    /// The first of two captures in a row that agree and still match; else the last that matched.
    private func settled(from first: String, _ ok: (String) -> Bool) throws -> String {
        let end = Date().addingTimeInterval(0.5)
        var previous = first
        var matched = first
        while Date() < end {
            usleep(40_000)
            let again = try screen()
            if ok(again) {
                if again == previous { return again }
                matched = again
            }
            previous = again
        }
        return matched
    }

    /// True when the program in the pane has exited.
    public var exited: Bool {
        (try? tmux(["display-message", "-p", "-t", name, "#{pane_dead}"]))?.trimmingCharacters(
            in: .whitespacesAndNewlines) == "1"
    }
}

public struct TmuxTimeout: Error, CustomStringConvertible {
    public let waitingFor: String
    public let screen: String
    public var description: String { "timed out waiting for '\(waitingFor)'; the screen was:\n\(screen)" }
}
