import Foundation
import TestSupport
import Testing

/// Every command answers `--help` and `-h`; `rounds help`, the man page and the shell
/// completions come from the one command table.
@Suite struct CLIConventionTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func commands(_ cli: CLIRunner) throws -> [String] {
        let help = try cli.run(["help"]).stdout
        var names: [String] = []
        for line in help.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 2, words[0] == "rounds", !words[1].hasPrefix("["), !words[1].hasPrefix("—") else {
                continue
            }
            let name = String(words[1])
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    @Test func everyCommandPrintsItsUsageForHelpAndExitsZero() throws {
        let cli = CLIRunner(home: try TempDir.make("cli-help"))
        let names = try commands(cli)
        #expect(names.count >= 18, "\(names)")
        for name in names where name != "--version" {
            for flag in ["--help", "-h"] {
                let shown = try cli.run([name, flag])
                #expect(shown.status == 0, "rounds \(name) \(flag): \(shown.stderr)")
                #expect(shown.stdout.hasPrefix("rounds \(name) — "), "rounds \(name) \(flag): \(shown.stdout)")
                #expect(shown.stdout.contains("Usage:\n  rounds \(name)"), "\(shown.stdout)")
                #expect(shown.stderr.isEmpty)
            }
            #expect(try cli.run(["help", name]).stdout == (try cli.run([name, "--help"]).stdout))
        }
        // Also after a verb and other words: nothing runs.
        let deep = try cli.run(["list", "delete", "Ward", "--help"])
        #expect(deep.status == 0 && deep.stdout.contains("rounds list delete NAME [--yes]"))
        let wrong = try cli.run(["sync", "--bogus"])
        #expect(wrong.status == 2 && wrong.stderr.contains("Run 'rounds sync --help' for usage."), "\(wrong.stderr)")
    }

    @Test func theManPageIsGeneratedFromTheTable() throws {
        let cli = CLIRunner(home: try TempDir.make("cli-man"))
        let page = try cli.run(["man"]).stdout
        let committed = try String(contentsOf: Self.repository.appendingPathComponent("Docs/rounds.1"), encoding: .utf8)
        #expect(committed == page, "run: rounds man > Docs/rounds.1")
        for name in try commands(cli) where name != "--version" { #expect(page.contains(".B \(name)\n"), "\(name)") }
    }

    /// The bash script, sourced into a real bash, completes commands, verbs and options.
    @Test func bashCompletesCommandsVerbsAndOptions() throws {
        let cli = CLIRunner(home: try TempDir.make("cli-completion"))
        let script = try cli.run(["completion", "bash"]).stdout
        let file = try TempDir.make("completion") + "/rounds.bash"
        try Data(script.utf8).write(to: URL(fileURLWithPath: file))
        func complete(_ words: [String]) throws -> [String] {
            let quoted = words.map { "'\($0)'" }.joined(separator: " ")
            let program =
                "source '\(file)'; COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); _rounds; "
                + "printf '%s\\n' \"${COMPREPLY[@]}\""
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["--norc", "-c", program]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        #expect(try complete(["rounds", "li"]) == ["list"])
        #expect(try complete(["rounds", "list", "s"]) == ["show", "share"])
        #expect(try complete(["rounds", "sync", "--c"]) == ["--concurrency"])
        #expect(try complete(["rounds", "team", "connect", "URL", "--pa"]) == ["--password-file"])
    }
}
