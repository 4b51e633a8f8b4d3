import FHIRAdapters
import Foundation
import Sandbox

/// `rounds-sandbox`: the interop partner in miniature, for the demo and the tests.
@main
struct SandboxMain {
    static let usage = """
        rounds-sandbox — a FHIR partner server with synthetic patients (DSTU2, STU3, R4)

        Usage:
          rounds-sandbox [serve] [--host 127.0.0.1] [--port 0] [--state DIR] [--seed N] [--patients N]
                         [--token-ttl SECONDS] [--latency-ms N] [--fail-rate F] [--malformed-rate F]
                         [--no-batch] [--max-batch-entries N] [--ignore-sort] [--ignore-last-updated]
                         [--status PATH=CODE]... [--log FILE]
                         [--discovery extension|smart|none] [--retry-after SECONDS] [--port-file FILE]
                         [--page-size N] [--strict] [--no-contains] [--history] [--us-core-oxygen]
                         [--auth-methods client_secret_post,client_secret_basic,private_key_jwt] [--chaos PROFILE]

        Server behaviours (to play partners Rounds has not seen):
          --ignore-sort      answer section searches oldest first, whatever _sort asks
          --page-size N      never send more than N resources a page, whatever _count asks
          --strict           refuse unknown search parameters and modifiers, and DSTU2 Coverage?patient;
                             no incremental reads (_lastUpdated refused, no ETag, conditional reads in full)
          --ignore-last-updated  declare _lastUpdated and ignore it
          --no-contains      refuse the :contains modifier (names match by their start only)
          --history          old, planned, cancelled and entered-in-error records; stopped orders;
                             a retired MRN first; a bed partOf its ward
          --us-core-oxygen   oxygen only as components of the pulse-oximetry reading (US Core R4)
          --hostile-text     the first patient's record carries terminal escapes and bidi tricks

        While it runs, POST /_admin/readings {"tenant","patients":[ids],"code","value","unit"} adds a
        reading taken now to each patient (meta.lastUpdated now), as a monitor charting.

        As an adversary (--chaos PROFILE; metadata and tokens stay sound unless the profile is about them):
          huge-body          every data answer is 200 MB, chunked, with no length announced
          gzip-bomb          every data answer is 1.3 MB of gzip that expands to 200 MB
          deep-nesting       arrays nested 100,000 deep
          slow-drip          four bytes a second (never idle, never done)
          endless-next       every searchset's next link is the page itself
          invalid-utf8       a string holding bytes that are not UTF-8
          wrong-content-type an HTML sign-in page with status 200
          token-redirect     the token endpoint answers 307 to another origin
          token-other-origin the metadata names a token endpoint on another origin than the base
          token-plain-http   the metadata names a token endpoint on plain http:// off this machine
          rounds-sandbox client add NAME --tenant T [--tenant T2…] [--auth any|post|basic|key] [--secret-file FILE]
                                     [--jwks FILE]   (public keys for private_key_jwt; --auth key: keys only)
          rounds-sandbox client rotate NAME [--secret-file FILE]
          rounds-sandbox client revoke NAME
          rounds-sandbox client ls

        State (the client registry) lives in --state, else $ROUNDS_SANDBOX_HOME, else ~/.local/share/rounds-sandbox.
        """

    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        do {
            if args.first == "client" {
                args.removeFirst()
                try ClientCommand.run(args)
            } else if args.first == "--help" || args.first == "-h" || args.first == "help" {
                print(usage)
            } else {
                if args.first == "serve" { args.removeFirst() }
                try serve(args)
            }
        } catch let e as SandboxUsage {
            FileHandle.standardError.write(Data("rounds-sandbox: \(e.message)\n\(usage)\n".utf8))
            exit(2)
        } catch {
            FileHandle.standardError.write(Data("rounds-sandbox: \(error)\n".utf8))
            exit(1)
        }
    }

    static func serve(_ args: [String]) throws {
        let o = try Options(
            args,
            valued: [
                "--host", "--port", "--state", "--seed", "--patients", "--token-ttl", "--latency-ms", "--fail-rate",
                "--malformed-rate", "--max-batch-entries", "--status", "--log", "--discovery", "--retry-after",
                "--port-file",
                "--page-size", "--auth-methods", "--chaos",
            ],
            flags: [
                "--no-batch", "--ignore-sort", "--ignore-last-updated", "--strict", "--no-contains", "--history",
                "--us-core-oxygen",
                "--hostile-text",
            ])
        var c = SandboxConfiguration(stateDirectory: o.value("--state") ?? Options.defaultState)
        if let v = o.value("--seed") { c.seed = UInt64(v) ?? 42 }
        if let v = o.value("--patients") { c.patientsPerTenant = max(1, Int(v) ?? 200) }
        if let v = o.value("--token-ttl") { c.tokenTTL = Double(v) ?? 3600 }
        if let v = o.value("--latency-ms") { c.latencyMs = Int(v) ?? 0 }
        if let v = o.value("--fail-rate") { c.failRate = Double(v) ?? 0 }
        if let v = o.value("--malformed-rate") { c.malformedRate = Double(v) ?? 0 }
        if let v = o.value("--retry-after") { c.retryAfterSeconds = Int(v) ?? 1 }
        if let v = o.value("--discovery") {
            guard let d = SandboxConfiguration.Discovery(rawValue: v) else {
                throw SandboxUsage(message: "--discovery is extension, smart or none")
            }
            c.discovery = d
        }
        c.noBatch = o.has("--no-batch")
        if let v = o.value("--page-size") {
            guard let n = Int(v), n > 0 else { throw SandboxUsage(message: "--page-size is a whole number above 0") }
            c.pageSize = n
        }
        c.strict = o.has("--strict")
        c.noContains = o.has("--no-contains")
        c.history = o.has("--history")
        c.usCoreOxygen = o.has("--us-core-oxygen")
        c.hostileText = o.has("--hostile-text")
        if let v = o.value("--auth-methods") {
            let methods = v.split(separator: ",").map(String.init)
            let known = ["client_secret_post", "client_secret_basic", "private_key_jwt"]
            guard !methods.isEmpty, methods.allSatisfy(known.contains) else {
                throw SandboxUsage(
                    message: "--auth-methods is a comma-separated list of \(known.joined(separator: ", "))")
            }
            c.authMethods = methods
        }
        if let v = o.value("--chaos") {
            guard let profile = ChaosProfile(rawValue: v) else {
                throw SandboxUsage(message: "--chaos is one of \(ChaosProfile.names), not '\(v)'")
            }
            c.chaos = profile
        }
        c.ignoreSort = o.has("--ignore-sort")
        c.ignoreLastUpdated = o.has("--ignore-last-updated")
        if let limit = o.value("--max-batch-entries") {
            guard let n = Int(limit), n > 0 else { throw SandboxUsage(message: "--max-batch-entries takes a number") }
            c.maxBatchEntries = n
        }
        c.logPath = o.value("--log")
        for s in o.values("--status") {
            let kv = s.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, let code = Int(kv[1]) else {
                throw SandboxUsage(message: "--status takes PATH=CODE, not '\(s)'")
            }
            c.statusOverrides.append((String(kv[0]), code))
        }
        let server = try SandboxServer(configuration: c)
        let port = try server.start(host: o.value("--host") ?? "127.0.0.1", port: UInt16(o.value("--port") ?? "0") ?? 0)
        if let pf = o.value("--port-file") { try String(port).write(toFile: pf, atomically: true, encoding: .utf8) }
        print(
            "rounds-sandbox listening on http://\(o.value("--host") ?? "127.0.0.1"):\(port) (bases /dstu2 /stu3 /r4, "
                + "token /oauth/token)"
        )
        FileHandle.standardOutput.synchronizeFile()
        let done = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { done.signal() }
            s.resume()
            sources.append(s)
        }
        done.wait()
        server.stop()
        print("rounds-sandbox stopped")
        _ = sources
    }
}

struct SandboxUsage: Error { let message: String }

/// Minimal option parsing for the sandbox.
struct Options {
    var positionals: [String] = []
    var options: [String: [String]] = [:]
    var flags: Set<String> = []

    static var defaultState: String {
        let env = ProcessInfo.processInfo.environment
        if let h = env["ROUNDS_SANDBOX_HOME"], !h.isEmpty { return h }
        let base = env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.local/share")
        return base + "/rounds-sandbox"
    }

    init(_ words: [String], valued: Set<String>, flags known: Set<String>) throws {
        var i = 0
        while i < words.count {
            let w = words[i]
            if valued.contains(w) {
                guard i + 1 < words.count else { throw SandboxUsage(message: "'\(w)' needs a value") }
                options[w, default: []].append(words[i + 1])
                i += 2
                continue
            }
            if known.contains(w) {
                flags.insert(w)
                i += 1
                continue
            }
            if w.hasPrefix("-") { throw SandboxUsage(message: "unknown option '\(w)'") }
            positionals.append(w)
            i += 1
        }
    }

    func value(_ k: String) -> String? { options[k]?.last }
    func values(_ k: String) -> [String] { options[k] ?? [] }
    func has(_ k: String) -> Bool { flags.contains(k) }
}

/// A JWKS file as the client's admin exported it (`rounds key jwks FILE`): public keys only.
func readJWKS(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
        throw SandboxUsage(message: "cannot read the JWKS file '\(path)'")
    }
    guard let keys = (try? JSONParser.parse(text))?["keys"]?.array, !keys.isEmpty else {
        throw SandboxUsage(message: "'\(path)' is not a JWKS document ({\"keys\": [...]})")
    }
    guard keys.allSatisfy({ $0["d"] == nil }) else {
        throw SandboxUsage(message: "'\(path)' holds a private key; register the public JWKS only")
    }
    return text
}
