import Foundation
import RoundsCore
import TUI

/// `rounds`: the TUI with no arguments, scriptable subcommands otherwise.
@main
struct RoundsMain {
    static func main() async {
        var words = Array(CommandLine.arguments.dropFirst())
        // No subcommand (or only app options): the full-screen app.
        let command =
            words.first.map { $0.hasPrefix("-") && !["--help", "-h", "--version"].contains($0) } ?? true
            ? "" : words.removeFirst()
        let code: Int32
        do {
            code = try await dispatch(command, words)
            TeamCommand.pushAfterCommand()
        } catch let e as UsageError {
            let help = CommandTable.find(command) == nil ? "rounds help" : "rounds \(command) --help"
            Output.err("rounds: \(e.message)\nRun '\(help)' for usage.")
            code = 2
        } catch let e as CLIError {
            Output.err("rounds: \(e.message)")
            code = 1
        } catch {
            Output.err("rounds: \(ErrorText.describe(error))")
            code = 1
        }
        exit(code)
    }

    static func dispatch(_ command: String, _ words: [String]) async throws -> Int32 {
        switch command {
        case "":
            return try await AppCommand.run(words)
        case "--help", "-h":
            Output.out(CommandTable.summary)
            return 0
        case "--version":
            Output.out("rounds \(RoundsVersion.string)")
            return 0
        default:
            break
        }
        guard let spec = CommandTable.find(command) else {
            throw UsageError(message: "unknown command '\(command)'")
        }
        // Every command's usage, whatever else was typed with it.
        if words.contains("--help") || words.contains("-h") {
            Output.out(spec.help)
            return 0
        }
        return try await spec.run(words)
    }
}
