/// A usage mistake: exit code 2 with the message and a hint.
struct UsageError: Error {
    let message: String
}

/// Command-line words split into positionals, options with values, and flags.
struct Arguments {
    var positionals: [String] = []
    var options: [String: [String]] = [:]
    var flags: Set<String> = []

    /// Parses `words` knowing which options take a value; anything unknown is a usage error.
    init(_ words: [String], valued: Set<String> = [], flags known: Set<String> = []) throws {
        var i = 0
        while i < words.count {
            let w = words[i]
            if w == "--" {
                positionals += words[(i + 1)...]
                break
            }
            if w.hasPrefix("--") || (w.hasPrefix("-") && w.count == 2 && !w.dropFirst().allSatisfy(\.isNumber)) {
                var name = w
                var inline: String? = nil
                if let eq = w.firstIndex(of: "=") {
                    name = String(w[..<eq])
                    inline = String(w[w.index(after: eq)...])
                }
                if valued.contains(name) {
                    if let inline {
                        options[name, default: []].append(inline)
                    } else {
                        guard i + 1 < words.count else { throw UsageError(message: "'\(name)' needs a value") }
                        options[name, default: []].append(words[i + 1])
                        i += 1
                    }
                } else if known.contains(name) {
                    flags.insert(name)
                } else {
                    throw UsageError(message: "unknown option '\(name)'")
                }
            } else {
                positionals.append(w)
            }
            i += 1
        }
    }

    func value(_ name: String) -> String? { options[name]?.last }
    /// Every value of a repeatable option, in order.
    func values(_ name: String) -> [String] { options[name] ?? [] }
    func has(_ flag: String) -> Bool { flags.contains(flag) }

    func int(_ name: String) throws -> Int? {
        guard let v = value(name) else { return nil }
        guard let n = Int(v), n > 0 else { throw UsageError(message: "'\(name)' needs a positive number, not '\(v)'") }
        return n
    }
}
