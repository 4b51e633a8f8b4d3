import Foundation
import RoundsCore
import TUI

/// One subcommand of `rounds`: the single source of its `--help`, of `rounds help`, of the man
/// page (`Docs/rounds.1`) and of the shell completions.
struct CommandSpec: Sendable {
    let name: String
    /// What it is for, in one line.
    let summary: String
    /// Its forms, each after `rounds `.
    let usage: [String]
    /// Its verbs (`list ls`, `team connect`), for completion.
    let verbs: [String]
    /// Its options, for completion.
    let options: [String]
    let run: @Sendable ([String]) async throws -> Int32

    init(
        _ name: String, _ summary: String, usage: [String], verbs: [String] = [], options: [String] = [],
        run: @escaping @Sendable ([String]) async throws -> Int32
    ) {
        self.name = name
        self.summary = summary
        self.usage = usage
        self.verbs = verbs
        self.options = options
        self.run = run
    }

    /// `rounds CMD --help`.
    var help: String {
        let forms = usage.map { "  rounds \($0)" }.joined(separator: "\n")
        return "rounds \(name) — \(summary)\n\nUsage:\n\(forms)\n"
    }
}

/// Every subcommand, in the order `rounds help` lists them.
enum CommandTable {
    static let all: [CommandSpec] = [
        CommandSpec(
            "connect", "save the EHR connection (FHIR base URL, client, tenant) and check it",
            usage: [
                "connect URL --client-id ID --tenant TENANT [--secret-file PATH] [--auth post|basic] [--name NAME]",
                "connect URL --client-id ID --tenant TENANT --private-key FILE [--key-id KID] [--name NAME]",
                "connect … [--token-origin ORIGIN]   (a token endpoint on another origin than URL)",
                "connect … [--allow-plain-http]      (plain http:// off this machine: a test network only)",
            ],
            options: [
                "--client-id", "--tenant", "--secret-file", "--auth", "--name", "--private-key", "--key-id",
                "--token-origin", "--allow-plain-http",
            ],
            run: { try await ConnectCommand.run($0) }),
        CommandSpec(
            "key", "make a signing key for SMART Backend Services and print its public JWKS",
            usage: ["key generate [--alg ES384|RS384] --out FILE", "key jwks FILE"], verbs: ["generate", "jwks"],
            options: ["--alg", "--out"], run: { try KeyCommand.run($0) }),
        CommandSpec(
            "lock", "the PIN that unlocks the screen (read with no echo)",
            usage: ["lock set-pin", "lock remove-pin", "lock status"], verbs: ["set-pin", "remove-pin", "status"],
            run: { try LockCommand.run($0) }),
        CommandSpec(
            "metadata", "what the EHR's FHIR server says it supports", usage: ["metadata [--json]"],
            options: ["--json"], run: { try await MetadataCommand.run($0) }),
        CommandSpec(
            "search", "search the EHR (or the cache) for patients by name, MRN or birth date",
            usage: [
                "search [--name X] [--family X] [--given X] [--mrn X] [--birthdate YYYY-MM-DD]",
                "       [--gender G] [--count N] [--page N] [--offline] [--json]",
            ],
            options: [
                "--name", "--family", "--given", "--mrn", "--birthdate", "--gender", "--count", "--page", "--offline",
                "--json",
            ],
            run: { try await SearchCommand.run($0) }),
        CommandSpec(
            "patient", "one patient's chart: vitals, NEWS2, location, conditions, allergies, medications, coverage",
            usage: ["patient ID [--offline] [--json]", "patient ID --hypercapnic on|off"],
            options: ["--offline", "--json", "--hypercapnic"], run: { try await PatientCommand.run($0) }),
        CommandSpec(
            "sync", "fetch every listed patient from the EHR into the offline cache",
            usage: ["sync [--list NAME] [--concurrency N] [--json]"], options: ["--list", "--concurrency", "--json"],
            run: { try await SyncCommand.run($0) }),
        CommandSpec(
            "list", "rounding lists: their patients, order, columns; shared with the team when connected",
            usage: [
                "list ls [--json]", "list show NAME [--sort COLUMN[-]] [--json]", "list create NAME [--columns col,…]",
                "list rename OLD NEW", "list delete NAME [--yes]", "list default NAME", "list add NAME ID…",
                "list remove NAME ID…", "list move NAME ID --to POS", "list columns NAME [--set col,…]",
                "list export NAME [--output FILE]", "list import FILE [--as NAME]", "list share NAME",
            ],
            verbs: [
                "ls", "show", "create", "rename", "delete", "default", "add", "remove", "move", "columns", "export",
                "import", "share",
            ],
            options: ["--json", "--sort", "--columns", "--yes", "--to", "--set", "--output", "--as", "--overwrite"],
            run: { try await ListCommand.run($0) }),
        CommandSpec(
            "note", "the team's notes on a patient",
            usage: ["note add ID [TEXT]   ($EDITOR without TEXT)", "note ls ID [--json]"],
            verbs: ["add", "ls"], options: ["--json"], run: { try NoteCommand.run($0) }),
        CommandSpec(
            "handoff", "the team's I-PASS handoff of each patient on a list",
            usage: [
                "handoff show LIST [--json]",
                "handoff set ID --list LIST [--severity stable|watcher|unstable] [--summary TEXT] [--contingency TEXT]"
                    + " [--json]",
                "handoff accept LIST [ID…] [--json]   (the receiver read it: the whole list, or those patients)",
                "handoff round-done LIST [--json]     (the team reviewed the list: changes are counted from now)",
            ],
            verbs: ["show", "set", "accept", "round-done"],
            options: ["--list", "--severity", "--summary", "--contingency", "--json"],
            run: { try HandoffCommand.handoff($0) }),
        CommandSpec(
            "todo", "the action list of the handoff: to-dos with owners and due times",
            usage: [
                "todo add ID TEXT --list LIST [--owner O] [--due HH:MM] [--json]",
                "todo done|undo ID N --list LIST [--json]",
                "todo ls [--list LIST] [--mine] [--open] [--json]",
            ],
            verbs: ["add", "done", "undo", "ls"],
            options: ["--list", "--owner", "--due", "--mine", "--open", "--json"],
            run: { try HandoffCommand.todo($0) }),
        CommandSpec(
            "export", "a list for the shift report, or its printable rounding sheet (html)",
            usage: ["export LIST --format csv|md|json|html [--output FILE] [--masked]"],
            options: ["--format", "--output", "--sort", "--overwrite", "--masked"], run: { try ExportCommand.run($0) }),
        CommandSpec(
            "audit", "who saw or changed which patient's data, and whether the trail is intact",
            usage: [
                "audit [--since DATE] [--patient ID] [--operation OP] [--json] [--verify]",
                "audit --team [--json] [--verify]",
            ],
            options: ["--since", "--patient", "--operation", "--json", "--verify", "--team"],
            run: { try AuditCommand.run($0) }),
        CommandSpec(
            "team", "the team database (PostgreSQL) that shares lists, notes and the audit trail",
            usage: [
                "team init URL [--password-file F]              (the schema; as the database's owner)",
                "team create NAME --member ROLE [--member ROLE]… --admin URL [--password-file F]",
                "team members NAME [--add ROLE]… [--remove ROLE]… --admin URL [--password-file F]",
                "team connect URL --team NAME [--password-file F]",
                "team status [--json]", "team disconnect",
            ],
            verbs: ["init", "create", "members", "connect", "status", "disconnect"],
            options: ["--password-file", "--member", "--admin", "--add", "--remove", "--team", "--json"],
            run: { try TeamCommand.run($0) }),
        CommandSpec(
            "cache", "the offline cache", usage: ["cache purge [--older-than 30d]"], verbs: ["purge"],
            options: ["--older-than"], run: { try CacheCommand.run($0) }),
        CommandSpec(
            "inspect", "what Rounds reads out of FHIR JSON files", usage: ["inspect FILE... [--json]"],
            options: ["--json"], run: { try InspectCommand.run($0) }),
        CommandSpec(
            "keys", "the full-screen app's keys, as Markdown (Docs/keybindings.md)", usage: ["keys"],
            run: { _ in
                FileHandle.standardOutput.write(Data(Bindings.markdown.utf8))
                return 0
            }),
        CommandSpec(
            "completion", "a shell completion script", usage: ["completion bash", "completion zsh"],
            verbs: ["bash", "zsh"], run: { words in try CommandTable.completion(words) }),
        CommandSpec(
            "man", "the manual page, as roff (Docs/rounds.1)", usage: ["man"],
            run: { _ in
                Output.out(CommandTable.manPage)
                return 0
            }),
        CommandSpec(
            "help", "this summary", usage: ["help", "help COMMAND"],
            run: { words in
                guard let name = words.first else {
                    Output.out(CommandTable.summary)
                    return 0
                }
                guard let spec = CommandTable.find(name) else { throw UsageError(message: "unknown command '\(name)'") }
                Output.out(spec.help)
                return 0
            }),
        CommandSpec(
            "version", "the version of Rounds", usage: ["version", "--version"],
            run: { _ in
                Output.out("rounds \(RoundsVersion.string)")
                return 0
            }),
    ]

    static func find(_ name: String) -> CommandSpec? { all.first { $0.name == name } }

    /// `rounds help`.
    static var summary: String {
        let app = "  rounds [--plain] [--theme NAME]   open the full-screen app (--plain: lines for a screen reader)"
        let forms = all.flatMap(\.usage).map { "  rounds \($0)" }.joined(separator: "\n")
        return """
            rounds — rounding lists from the EHR, online and offline

            Usage:
            \(app)
            \(forms)

            'rounds COMMAND --help' shows one command's usage.
            Exit codes: 0 success, 1 error (one line on stderr), 2 usage error.
            Docs: Docs/user-guide.md, Docs/admin-guide.md; man rounds
            """
    }

    /// The manual page, generated: `rounds man > Docs/rounds.1` (a test keeps the file in step).
    static var manPage: String {
        func roff(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
        }
        var page = [
            ".TH ROUNDS 1 \"\" \"Rounds \(RoundsVersion.string)\" \"User Commands\"",
            ".SH NAME", "rounds \\- rounding lists from the EHR, online and offline",
            ".SH SYNOPSIS", ".B rounds", "[\\-\\-plain] [\\-\\-theme NAME]", ".br",
            ".B rounds", "COMMAND [ARGS]",
            ".SH DESCRIPTION",
            "Rounds shows a care team's rounding lists with each patient's latest vital signs, NEWS2, location,",
            "conditions, allergies, medications and coverage from the hospital's FHIR server, works offline from",
            "its cache, and shares lists, notes and the audit trail through the team database.",
            "With no COMMAND it opens the full-screen app (keys: rounds keys).",
            ".SH COMMANDS",
        ]
        for spec in all {
            page.append(".TP")
            page.append(".B \(spec.name)")
            page.append(roff(spec.summary) + ".")
            for form in spec.usage {
                page.append(".br")
                page.append(roff("rounds \(form)"))
            }
        }
        page += [
            ".SH EXIT STATUS", "0 success, 1 error (one line on standard error), 2 usage error.",
            ".SH ENVIRONMENT", ".TP", ".B ROUNDS_HOME", "Where settings, connections and caches live.",
            ".TP", ".B ROUNDS_TIMEOUT", "Seconds to wait for the EHR.",
            ".TP", ".B NO_COLOR", "No colours in the full-screen app.",
            ".SH SEE ALSO", "Docs/user-guide.md, Docs/admin-guide.md, Docs/privacy.md",
        ]
        return page.joined(separator: "\n")
    }

    static func completion(_ words: [String]) throws -> Int32 {
        switch words.first {
        case "bash": Output.out(bashCompletion)
        case "zsh": Output.out(zshCompletion)
        default: throw UsageError(message: "completion takes bash or zsh")
        }
        return 0
    }

    static var bashCompletion: String {
        let names = all.map(\.name).joined(separator: " ")
        let cases = all.filter { !$0.verbs.isEmpty || !$0.options.isEmpty }.map { spec in
            "        \(spec.name)) verbs=\"\(spec.verbs.joined(separator: " "))\"; "
                + "options=\"\(spec.options.joined(separator: " ")) --help\" ;;"
        }
        return """
            # bash completion for rounds (generated: rounds completion bash)
            _rounds() {
                local current=${COMP_WORDS[COMP_CWORD]} verbs="" options=""
                if [ "$COMP_CWORD" -eq 1 ]; then
                    COMPREPLY=($(compgen -W "\(names) --plain --theme --help --version" -- "$current"))
                    return
                fi
                case "${COMP_WORDS[1]}" in
            \(cases.joined(separator: "\n"))
                esac
                if [ "$COMP_CWORD" -eq 2 ] && [ -n "$verbs" ] && [[ "$current" != -* ]]; then
                    COMPREPLY=($(compgen -W "$verbs" -- "$current"))
                else
                    COMPREPLY=($(compgen -W "$options" -- "$current"))
                fi
            }
            complete -F _rounds rounds
            """
    }

    static var zshCompletion: String {
        let commands = all.map { "'\($0.name):\($0.summary.replacingOccurrences(of: "'", with: ""))'" }
        let cases = all.filter { !$0.verbs.isEmpty || !$0.options.isEmpty }.map { spec in
            "        \(spec.name)) compadd -- \((spec.verbs + spec.options + ["--help"]).joined(separator: " ")) ;;"
        }
        return """
            #compdef rounds
            # zsh completion for rounds (generated: rounds completion zsh)
            _rounds() {
                if (( CURRENT == 2 )); then
                    local -a commands
                    commands=(\(commands.joined(separator: " ")))
                    _describe 'command' commands
                    return
                fi
                case $words[2] in
            \(cases.joined(separator: "\n"))
                esac
            }
            _rounds "$@"
            """
    }
}
