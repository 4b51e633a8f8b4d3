import FHIRAdapters
import FHIRClient
import Foundation
import RoundsCore

/// `rounds connect URL --client-id ID --tenant TENANT [--secret-file PATH] [--auth post|basic] [--name NAME]`, or with
/// `--private-key FILE [--key-id KID]` for SMART Backend Services; `--token-origin ORIGIN` when the
/// EHR's token endpoint is on another origin than its FHIR base.
enum ConnectCommand {
    static func run(_ words: [String]) async throws -> Int32 {
        let a = try Arguments(
            words,
            valued: [
                "--client-id", "--tenant", "--secret-file", "--auth", "--name", "--private-key", "--key-id",
                "--token-origin",
            ],
            flags: ["--json", "--allow-plain-http"])
        guard a.positionals.count == 1, let base = a.positionals.first else {
            throw UsageError(message: "connect needs exactly one URL")
        }
        guard let tenant = a.value("--tenant") else { throw UsageError(message: "connect needs --tenant TENANT") }
        let auth: ClientAuthMethod
        switch a.value("--auth") ?? "post" {
        case "post": auth = .post
        case "basic": auth = .basic
        case let other: throw UsageError(message: "--auth is post or basic, not '\(other)'")
        }
        var ctx = try CLIContext.load()
        let name = a.value("--name") ?? URL(string: base)?.host ?? "ehr"
        let secretFile = a.value("--secret-file").map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let keyFile = a.value("--private-key").map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if keyFile != nil, secretFile != nil || a.value("--auth") != nil {
            throw UsageError(message: "--private-key replaces --secret-file and --auth; give one way to authenticate")
        }
        if a.value("--key-id") != nil, keyFile == nil {
            throw UsageError(message: "--key-id goes with --private-key FILE")
        }
        // Read the key now: a key others can read is refused before anything is sent.
        if let keyFile { _ = try KeyFile.read(keyFile) }
        var probeOptions = ctx.options
        if a.has("--allow-plain-http") { probeOptions.allowPlainHTTP = true }
        let probe = try await FHIRConnection.probe(base, options: probeOptions)
        var saved = SavedConnection(
            name: name, baseURL: probe.baseURL.absoluteString, clientId: a.value("--client-id"), tenant: tenant,
            secretFile: secretFile, auth: keyFile == nil ? auth : .privateKeyJWT, fhirVersion: probe.release.rawValue,
            tokenURL: probe.tokenURL?.absoluteString)
        saved.privateKeyFile = keyFile
        saved.keyId = a.value("--key-id")
        if a.has("--allow-plain-http") { saved.allowPlainHTTP = true }
        if let origin = a.value("--token-origin") {
            guard let url = URL(string: origin), url.scheme != nil, url.host != nil, url.path.isEmpty || url.path == "/"
            else {
                throw UsageError(
                    message: "--token-origin is an origin such as https://auth.example.org, not '\(origin)'")
            }
            saved.tokenOrigin = Origin.text(url)
        }
        if probe.tokenURL != nil, saved.clientId == nil {
            throw UsageError(message: "this server needs --client-id ID")
        }
        let conn = try await ctx.connect(saved)
        if let m = await conn.authMethod { saved.auth = m }
        ctx.book.upsert(saved)
        try ctx.book.save(ctx.paths)
        AuditHook.record(ctx, .ehrConnectionSet, connection: saved, outcome: "success")
        let caps = conn.capabilities
        Output.out(
            """
            Connected to '\(saved.name)' at \(saved.baseURL)
              FHIR version: \(conn.release.rawValue) (declared \
            \(caps.declaredVersion.isEmpty ? "nothing" : caps.declaredVersion))\(caps.software.map { ", \($0)" } ?? "")
              Token URL:    \(conn.tokenURL?.absoluteString ?? "none (open server)")
              Auth:         \(conn.tokenURL == nil ? "none" : authName(saved)), tenant '\(tenant)'
              Batch:        \(caps.supportsBatch ? "available" : "not declared (parallel GETs)")
              Resources:    \(caps.resources.keys.sorted().joined(separator: ", "))
            Saved as the active connection (\(keyFile.map { "the key stays in \($0)" } ?? "the secret is not "
                + "stored")\(secretFile.map { "; read from \($0)" } ?? "")).
            """)
        return 0
    }

    static func authName(_ saved: SavedConnection) -> String {
        saved.auth == .privateKeyJWT
            ? "private_key_jwt (SMART Backend Services)" : "client_secret_\(saved.auth.rawValue)"
    }
}
