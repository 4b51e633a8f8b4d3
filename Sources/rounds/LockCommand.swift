import Foundation
import RoundsCore

/// `rounds lock set-pin`, `rounds lock remove-pin`, `rounds lock status`: the PIN that unlocks
/// the screen where the admin chose a PIN over the workstation password. The PIN is read with
/// no echo (twice) on a terminal, or as one line on standard input for scripts; never from argv.
enum LockCommand {
    static func run(_ words: [String]) throws -> Int32 {
        guard let verb = words.first else { throw UsageError(message: "lock needs set-pin, remove-pin or status") }
        let ctx = try CLIContext.load()
        let rest = Array(words.dropFirst())
        _ = try Arguments(rest, flags: [])
        switch verb {
        case "set-pin":
            let pin = try readPIN()
            try ctx.paths.prepare()
            try PINHash.store(pin, file: ctx.paths.pinFile)
            AuditHook.record(
                ctx, .screenLockPINSet, connection: ctx.book.current,
                outcome: "success")
            let chosen =
                ctx.settings.unlock == .password
                ? " config.json says \"unlock\": \"password\", so the password still unlocks; "
                    + "remove that line to use the PIN."
                : " The locked screen now asks for it."
            Output.out("PIN set (stored as a salted slow hash in \(ctx.paths.pinFile), mode 0600).\(chosen)")
            return 0
        case "remove-pin":
            guard FileManager.default.fileExists(atPath: ctx.paths.pinFile) else {
                Output.out("No PIN is set.")
                return 0
            }
            try FileManager.default.removeItem(atPath: ctx.paths.pinFile)
            Output.out("PIN removed: the workstation password unlocks the screen.")
            return 0
        case "status":
            let unlocker = ScreenUnlocker.configured(ctx.settings, paths: ctx.paths)
            let what =
                unlocker.method == .pin
                ? "a Rounds PIN" : "the password of '\(unlocker.user)' (PAM service '\(unlocker.pamService)')"
            Output.out(
                "The screen locks after \(SettingText.minutes(ctx.settings.lockMinutes ?? 5)) idle; \(what) unlocks it."
            )
            if let problem = unlocker.problem { Output.out(problem) }
            return 0
        default:
            throw UsageError(message: "lock takes set-pin, remove-pin or status, not '\(verb)'")
        }
    }

    private static func readPIN() throws -> String {
        if isatty(0) == 1, isatty(2) == 1 {
            guard let first = Secrets.prompt("New PIN (4 to 12 digits): "),
                let again = Secrets.prompt("The same PIN again: ")
            else {
                throw CLIError("No PIN was typed.")
            }
            guard first == again else { throw CLIError("The two PINs differ; nothing was changed.") }
            try PINHash.check(first)
            return first
        }
        guard let line = readLine(strippingNewline: true) else { throw CLIError("No PIN on standard input.") }
        try PINHash.check(line)
        return line
    }
}

/// Durations in sentences.
enum SettingText {
    static func minutes(_ value: Double) -> String {
        value == 0 ? "never (the lock is off)" : "\(value == value.rounded() ? String(Int(value)) : String(value)) min"
    }
}
