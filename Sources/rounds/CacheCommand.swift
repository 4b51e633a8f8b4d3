import Foundation
import RoundsCore
import Store

/// `rounds cache purge [--older-than 30d]`
enum CacheCommand {
    static func run(_ words: [String]) throws -> Int32 {
        guard words.first == "purge" else { throw UsageError(message: "cache needs purge") }
        let a = try Arguments(Array(words.dropFirst()), valued: ["--older-than"])
        var cutoff: Date? = nil
        if let s = a.value("--older-than") {
            guard let days = Double(s.hasSuffix("d") ? String(s.dropLast()) : s), days >= 0 else {
                throw UsageError(message: "--older-than takes days, like 30d")
            }
            cutoff = Date().addingTimeInterval(-days * 86400)
        }
        let ctx = try CLIContext.load()
        let ws = try ctx.workspace()
        let n = try ws.cache.purge(olderThan: cutoff)
        AuditHook.record(ctx, .cachePurge, connection: ws.connection, outcome: "success")
        Output.out("Purged \(n) cached patient\(n == 1 ? "" : "s") no list needs.")
        return 0
    }
}
