import Clinical
import CursesBackend
import FHIRClient
import Foundation
import RoundsCore
import ScreenKit
import Store
import TUI

/// `rounds [--plain] [--theme NAME]`: the full-screen app, or the line-oriented plain mode.
enum AppCommand {
    static func run(_ words: [String]) async throws -> Int32 {
        let a = try Arguments(words, valued: ["--theme"], flags: ["--plain", "--no-mouse"])
        let ctx = try CLIContext.load()
        guard ctx.book.current != nil else { throw CoreError.notConnected }
        let ws = try ctx.workspace()
        let themeName = a.value("--theme") ?? ctx.settings.theme ?? "default"
        let loader = ThemeLoader(paths: ctx.paths)
        guard let theme = loader.load(themeName) else {
            throw CLIError("No theme named '\(themeName)'. Built in: \(ThemeLoader.builtIn.joined(separator: ", ")).")
        }
        let saved = ws.connection
        let unlocker = ScreenUnlocker.configured(ctx.settings, paths: ctx.paths)
        if let problem = unlocker.problem { throw CLIError(problem) }
        var env = TUIEnvironment(
            workspace: ws, connect: { try await ctx.connect(saved) }, loadTheme: { loader.load($0) },
            staleAfter: ctx.staleAfter, lockAfter: (ctx.settings.lockMinutes ?? 5) * 60,
            mouse: !(a.has("--no-mouse") || ctx.settings.mouse == false), themeName: themeName,
            unlocker: unlocker)
        env.refreshAfter = (ctx.settings.refreshMinutes ?? 5) * 60
        if a.has("--plain") || isatty(1) == 0 {
            return try await PlainMode.run(env: env, ctx: ctx)
        }
        let terminal = await CursesTerminal(mouse: env.mouse)
        let program = await TUIProgram(env: env, terminal: terminal, theme: theme, size: await terminal.size)
        await program.run()
        return 0
    }
}

/// Finds themes: the user's config directory, the installed share directory, the source tree,
/// then the compiled-in default. `NO_COLOR` (non-empty) removes colour but keeps bold/reverse.
struct ThemeLoader: Sendable {
    let paths: RoundsPaths
    static let builtIn = ["default", "light", "high-contrast", "colorblind", "monochrome"]

    var directories: [String] {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        return [
            paths.themesDirectory, exe.appendingPathComponent("../share/rounds/themes").standardized.path,
            "/usr/local/share/rounds/themes", "/usr/share/rounds/themes",
            exe.appendingPathComponent("../../Themes").standardized.path,
            exe.appendingPathComponent("../../../Themes").standardized.path,
        ]
    }

    func load(_ name: String) -> Theme? {
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        var theme: Theme? = nil
        for d in directories {
            let f = d + "/" + name + ".theme"
            if let text = try? String(contentsOfFile: f, encoding: .utf8), let t = try? Theme.parse(text, name: name) {
                theme = t
                break
            }
        }
        if theme == nil, name == "default" { theme = Theme.fallback }
        return noColor ? theme?.withoutColor : theme
    }
}
