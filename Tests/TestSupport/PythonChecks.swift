import Foundation

/// The third-party checkers under `Tests/Validation`, run with the Python that has their packages:
/// `$ROUNDS_PYTHON` (set by `make test` to the venv `make deps` fills), else `python3`.
public enum PythonChecks {
    public static let python =
        ProcessInfo.processInfo.environment["ROUNDS_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"

    public static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Validation/\(name)").path
    }

    /// Runs a checker; its exit status and everything it printed (stdout and stderr).
    public static func run(_ name: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script(name)] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// The sentence for a checker whose package is missing.
    public static func missing(_ package: String) -> String {
        "\(package) is not installed for \(python): run `make deps` (it sets ROUNDS_PYTHON)"
    }
}
