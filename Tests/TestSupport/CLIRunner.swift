import Foundation

/// Runs the built `rounds` / `rounds-sandbox` executables as a user would.
public struct CLIRunner: Sendable {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// The directory holding the built executables (`ROUNDS_BIN_DIR`, else `.build/debug`).
    public static let binDirectory: String = {
        if let d = ProcessInfo.processInfo.environment["ROUNDS_BIN_DIR"], !d.isEmpty { return d }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug").path
    }()

    public var home: String
    public var environment: [String: String] = [:]

    public init(home: String, environment: [String: String] = [:]) {
        self.home = home
        self.environment = environment
    }

    /// Runs `rounds ARGS`, optionally feeding `input` on stdin.
    @discardableResult
    public func run(_ args: [String], input: String? = nil, executable: String = "rounds", timeout: TimeInterval = 60)
        throws -> Result
    {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLIRunner.binDirectory + "/" + executable)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["ROUNDS_HOME"] = home
        env["ROUNDS_CLIENT_SECRET"] = nil
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe()
        let err = Pipe()
        let inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        try? inp.fileHandleForWriting.close()
        // Read both pipes while the process runs so a full pipe never blocks it.
        let group = DispatchGroup()
        nonisolated(unsafe) var o = Data()
        nonisolated(unsafe) var e = Data()
        group.enter()
        DispatchQueue.global().async {
            o = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            e = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            // A run that outlives its time fails the test, it never hangs it: SIGTERM, then SIGKILL
            // (a sync finishes its patients in flight on SIGTERM, which may be never).
            p.terminate()
            if group.wait(timeout: .now() + 5) == .timedOut { kill(p.processIdentifier, SIGKILL) }
        }
        p.waitUntilExit()
        return Result(
            status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self))
    }
}
