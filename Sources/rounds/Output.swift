import Clinical
import Foundation
import TextSafety

/// An error for the user: one line on stderr, exit code 1.
struct CLIError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Where the CLI writes. Everything passes `TerminalText`: server and file text never reaches the
/// terminal with its control or bidi characters.
enum Output {
    static func out(_ s: String) {
        FileHandle.standardOutput.write(Data((TerminalText.safe(s) + "\n").utf8))
    }

    static func err(_ s: String) {
        FileHandle.standardError.write(Data((TerminalText.safe(s) + "\n").utf8))
    }

    static func json<T: Encodable>(_ value: T) throws {
        raw(try PatientRecord.jsonEncoder().encode(value))
    }

    /// JSON already encoded: written with the characters a terminal acts on escaped (`\u009b`).
    static func raw(_ json: Data) {
        let text = TerminalText.safeJSON(String(decoding: json, as: UTF8.self))
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static var stdoutIsTTY: Bool { isatty(1) == 1 }
    static var stderrIsTTY: Bool { isatty(2) == 1 }
}
