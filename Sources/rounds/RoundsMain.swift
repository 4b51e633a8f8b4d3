import Foundation
import RoundsCore
import TUI

/// `rounds`: the TUI with no arguments, scriptable subcommands otherwise.
@main
struct RoundsMain {
    static func main() async {
        var words = Array(CommandLine.arguments.dropFirst())
        // No subcommand (or only app options): the full-screen app.
        let command = words.first.map { $0.hasPrefix("-") && !["--help", "-h", "--version"].contains($0) } ?? true ? "" : words.removeFirst()
        let code: Int32
        do {
            code = try await dispatch(command, words)
            TeamCommand.pushAfterCommand()
        } catch let e as UsageError {
            Output.err("rounds: \(e.message)\nRun 'rounds help' for usage.")
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
        case "": return try await AppCommand.run(words)
        case "keys": FileHandle.standardOutput.write(Data(Bindings.markdown.utf8)); return 0
        case "inspect": return try InspectCommand.run(words)
        case "connect": return try await ConnectCommand.run(words)
        case "key": return try KeyCommand.run(words)
        case "lock": return try LockCommand.run(words)
        case "team": return try TeamCommand.run(words)
        case "metadata": return try await MetadataCommand.run(words)
        case "search": return try await SearchCommand.run(words)
        case "patient": return try await PatientCommand.run(words)
        case "sync": return try await SyncCommand.run(words)
        case "list": return try await ListCommand.run(words)
        case "note": return try NoteCommand.run(words)
        case "cache": return try CacheCommand.run(words)
        case "export": return try ExportCommand.run(words)
        case "audit": return try AuditCommand.run(words)
        case "help", "--help", "-h": Output.out(Help.text); return 0
        case "version", "--version": Output.out("rounds \(RoundsVersion.string)"); return 0
        default:
            throw UsageError(message: "unknown command '\(command)'")
        }
    }
}
