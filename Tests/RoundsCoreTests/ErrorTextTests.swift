import FHIRAdapters
import FHIRClient
import Foundation
import JOSE
import JSONKit
import RoundsCore
import Store
import TestSupport
import Testing

/// Every message a nurse or an admin can read, pinned: one row per case, worded by the one
/// generator (`ErrorText.describe`). A changed sentence fails here first, on purpose.
@Suite struct ErrorTextTests {
    static func parseError(_ text: String) throws -> JSONParseError {
        do {
            _ = try JSONParser.parse(text)
        } catch {
            // The parser throws only JSONParseError (typed throws).
            return error
        }
        throw CoreError.usage("'\(text)' parsed")
    }

    static func errors() throws -> [(String, any Error)] {
        [
            (
                "StoreError.cannotOpen(path: \"/home/n/.rounds/data/ehr.sqlite\", reason: \"cannot create the "
                    + "directory\")",
                StoreError.cannotOpen(path: "/home/n/.rounds/data/ehr.sqlite", reason: "cannot create the directory")
            ),
            (
                "StoreError.insecurePermissions(path: \"/home/n/.rounds/data\", mode: \"755\", fix: \"chmod 700 "
                    + "/home/n/.rounds/data\")",
                StoreError.insecurePermissions(
                    path: "/home/n/.rounds/data", mode: "755", fix: "chmod 700 /home/n/.rounds/data")
            ),
            (
                "StoreError.newerSchema(path: \"/home/n/c.sqlite\", found: 12, supported: 9)",
                StoreError.newerSchema(path: "/home/n/c.sqlite", found: 12, supported: 9)
            ),
            ("StoreError.sqlite(\"disk I/O error\")", StoreError.sqlite("disk I/O error")),
            ("StoreError.busy(\"database is locked\")", StoreError.busy("database is locked")),
            ("StoreError.corrupt(\"section payload is not JSON\")", StoreError.corrupt("section payload is not JSON")),
            (
                "StoreError.notFound(\"No list named 'Ward'. 'rounds list ls' shows the lists.\")",
                StoreError.notFound("No list named 'Ward'. 'rounds list ls' shows the lists.")
            ),
            (
                "StoreError.conflict(\"A list named 'Ward' already exists.\")",
                StoreError.conflict("A list named 'Ward' already exists.")
            ),
            (
                "CoreError.badConfiguration(\"config.json: lockMinutes must be a number\")",
                CoreError.badConfiguration("config.json: lockMinutes must be a number")
            ),
            ("CoreError.io(\"cannot write /tmp/x\")", CoreError.io("cannot write /tmp/x")),
            ("CoreError.notConnected", CoreError.notConnected),
            (
                "CoreError.secret(\"The secret file is readable by others\")",
                CoreError.secret("The secret file is readable by others")
            ),
            ("CoreError.usage(\"list needs a NAME\")", CoreError.usage("list needs a NAME")),
            ("CoreError.notFound(\"No patient 'x'\")", CoreError.notFound("No patient 'x'")),
            (
                "TeamDatabaseError.unreachable(url: \"postgresql://nurse@db/rounds\", detail: \"connection refused\")",
                TeamDatabaseError.unreachable(url: "postgresql://nurse@db/rounds", detail: "connection refused")
            ),
            ("TeamDatabaseError.wrongPassword(role: \"nurse_a\")", TeamDatabaseError.wrongPassword(role: "nurse_a")),
            ("TeamDatabaseError.needsPassword(role: \"nurse_a\")", TeamDatabaseError.needsPassword(role: "nurse_a")),
            (
                "TeamDatabaseError.tlsNotOffered(url: \"postgresql://nurse@db/rounds\")",
                TeamDatabaseError.tlsNotOffered(url: "postgresql://nurse@db/rounds")
            ),
            (
                "TeamDatabaseError.tlsRequired(url: \"postgresql://nurse@db/rounds\")",
                TeamDatabaseError.tlsRequired(url: "postgresql://nurse@db/rounds")
            ),
            (
                "TeamDatabaseError.certificate(url: \"postgresql://nurse@db/rounds\", detail: \"self-signed "
                    + "certificate\")",
                TeamDatabaseError.certificate(url: "postgresql://nurse@db/rounds", detail: "self-signed certificate")
            ),
            (
                "TeamDatabaseError.notMember(role: \"nurse_c\", team: \"5N\")",
                TeamDatabaseError.notMember(role: "nurse_c", team: "5N")
            ),
            ("TeamDatabaseError.noSuchTeam(\"5N\")", TeamDatabaseError.noSuchTeam("5N")),
            ("TeamDatabaseError.noSuchRole(\"nurse_z\")", TeamDatabaseError.noSuchRole("nurse_z")),
            (
                "TeamDatabaseError.notInitialised(url: \"postgresql://dba@db/rounds\")",
                TeamDatabaseError.notInitialised(url: "postgresql://dba@db/rounds")
            ),
            (
                "TeamDatabaseError.newerSchema(found: 3, supported: 1)",
                TeamDatabaseError.newerSchema(found: 3, supported: 1)
            ),
            (
                "TeamDatabaseError.refused(\"The team database refused this for role 'nurse_a': permission denied\")",
                TeamDatabaseError.refused("The team database refused this for role 'nurse_a': permission denied")
            ),
            (
                "TeamDatabaseError.query(\"syntax error at or near \\\"x\\\"\")",
                TeamDatabaseError.query("syntax error at or near \"x\"")
            ),
            ("FHIRClientError.invalidURL(\"ht!tp://x\")", FHIRClientError.invalidURL("ht!tp://x")),
            (
                "FHIRClientError.cannotResolveHost(host: \"ehr.example\")",
                FHIRClientError.cannotResolveHost(host: "ehr.example")
            ),
            (
                "FHIRClientError.connectionRefused(url: \"https://ehr.example/r4\")",
                FHIRClientError.connectionRefused(url: "https://ehr.example/r4")
            ),
            (
                "FHIRClientError.timedOut(url: \"https://ehr.example/r4/Patient/1\", seconds: 10)",
                FHIRClientError.timedOut(url: "https://ehr.example/r4/Patient/1", seconds: 10)
            ),
            (
                "FHIRClientError.tlsFailure(url: \"https://ehr.example/r4\", detail: \"certificate has expired\")",
                FHIRClientError.tlsFailure(url: "https://ehr.example/r4", detail: "certificate has expired")
            ),
            (
                "FHIRClientError.network(url: \"https://ehr.example/r4\", detail: \"connection reset\")",
                FHIRClientError.network(url: "https://ehr.example/r4", detail: "connection reset")
            ),
            (
                "FHIRClientError.unauthorized(url: \"https://ehr.example/r4\", diagnostics: \"token expired\")",
                FHIRClientError.unauthorized(url: "https://ehr.example/r4", diagnostics: "token expired")
            ),
            (
                "FHIRClientError.forbidden(url: \"https://ehr.example/r4\", diagnostics: nil)",
                FHIRClientError.forbidden(url: "https://ehr.example/r4", diagnostics: nil)
            ),
            ("FHIRClientError.patientNotFound(id: \"42\")", FHIRClientError.patientNotFound(id: "42")),
            (
                "FHIRClientError.notFound(url: \"https://ehr.example/r4/Coverage\", diagnostics: nil)",
                FHIRClientError.notFound(url: "https://ehr.example/r4/Coverage", diagnostics: nil)
            ),
            (
                "FHIRClientError.server(status: 503, url: \"https://ehr.example/r4\", diagnostics: \"maintenance\")",
                FHIRClientError.server(status: 503, url: "https://ehr.example/r4", diagnostics: "maintenance")
            ),
            (
                "FHIRClientError.notFHIRJSON(url: \"https://ehr.example/r4\", detail: \"it is text/html\")",
                FHIRClientError.notFHIRJSON(url: "https://ehr.example/r4", detail: "it is text/html")
            ),
            (
                "FHIRClientError.bodyTooLarge(url: \"https://ehr.example/r4\", limit: 67108864)",
                FHIRClientError.bodyTooLarge(url: "https://ehr.example/r4", limit: 67_108_864)
            ),
            (
                "FHIRClientError.answersTooLarge(url: \"https://ehr.example/r4\", limit: 67108864)",
                FHIRClientError.answersTooLarge(url: "https://ehr.example/r4", limit: 67_108_864)
            ),
            (
                "FHIRClientError.unsupportedVersion(declared: \"5.0.0\", url: \"https://ehr.example/r5\")",
                FHIRClientError.unsupportedVersion(declared: "5.0.0", url: "https://ehr.example/r5")
            ),
            (
                "FHIRClientError.tokenRejected(error: \"invalid_client\", detail: \"unknown client\")",
                FHIRClientError.tokenRejected(error: "invalid_client", detail: "unknown client")
            ),
            (
                "FHIRClientError.assertionRejected(clientId: \"rounds\", error: \"invalid_client\", detail: \"bad "
                    + "signature\")",
                FHIRClientError.assertionRejected(clientId: "rounds", error: "invalid_client", detail: "bad signature")
            ),
            (
                "FHIRClientError.authMethodNotOffered(asked: \"private_key_jwt\", offered: [\"client_secret_basic\"])",
                FHIRClientError.authMethodNotOffered(asked: "private_key_jwt", offered: ["client_secret_basic"])
            ),
            (
                "FHIRClientError.signingAlgorithmNotOffered(algorithm: \"ES384\", offered: [\"RS384\"])",
                FHIRClientError.signingAlgorithmNotOffered(algorithm: "ES384", offered: ["RS384"])
            ),
            ("FHIRClientError.signingFailed(\"no key\")", FHIRClientError.signingFailed("no key")),
            (
                "FHIRClientError.redirectRefused(from: \"https://ehr.example/r4\", to: \"https://other.example/\")",
                FHIRClientError.redirectRefused(from: "https://ehr.example/r4", to: "https://other.example/")
            ),
            (
                "FHIRClientError.crossOriginLink(base: \"https://ehr.example/r4\", link: "
                    + "\"https://other.example/page2\")",
                FHIRClientError.crossOriginLink(base: "https://ehr.example/r4", link: "https://other.example/page2")
            ),
            (
                "FHIRClientError.insecureURL(\"http://ehr.example/r4\")",
                FHIRClientError.insecureURL("http://ehr.example/r4")
            ),
            (
                "FHIRClientError.tokenURLChanged(pinned: \"https://ehr.example/token\", now: "
                    + "\"https://evil.example/token\")",
                FHIRClientError.tokenURLChanged(pinned: "https://ehr.example/token", now: "https://evil.example/token")
            ),
            (
                "FHIRClientError.tokenOnOtherOrigin(base: \"https://ehr.example/r4\", token: "
                    + "\"https://login.example/token\")",
                FHIRClientError.tokenOnOtherOrigin(base: "https://ehr.example/r4", token: "https://login.example/token")
            ),
            (
                "FHIRClientError.tokenEndpointFailed(url: \"https://ehr.example/token\", status: 500, detail: nil)",
                FHIRClientError.tokenEndpointFailed(url: "https://ehr.example/token", status: 500, detail: nil)
            ),
            ("FHIRClientError.missingCredentials(\"no secret\")", FHIRClientError.missingCredentials("no secret")),
            (
                "FHIRClientError.unsupportedSearch(\"DSTU2 cannot search by gender\")",
                FHIRClientError.unsupportedSearch("DSTU2 cannot search by gender")
            ),
            ("KeyError.exists(path: \"/k.pem\")", KeyError.exists(path: "/k.pem")),
            (
                "KeyError.unreadable(path: \"/k.pem\", reason: \"permission denied\")",
                KeyError.unreadable(path: "/k.pem", reason: "permission denied")
            ),
            ("KeyError.notAPrivateKey(path: \"/k.pem\")", KeyError.notAPrivateKey(path: "/k.pem")),
            ("KeyError.unsupportedKey(\"Ed25519\")", KeyError.unsupportedKey("Ed25519")),
            ("KeyError.crypto(\"EVP_DigestSign failed\")", KeyError.crypto("EVP_DigestSign failed")),
            (
                "FHIRReadError.notFHIR(\"the document has no 'resourceType'\")",
                FHIRReadError.notFHIR("the document has no 'resourceType'")
            ),
            ("FHIRReadError.notJSON", FHIRReadError.notJSON(try Self.parseError("[1,")) as any Error),
            ("JSONParseError", try Self.parseError("{\"a\": tru")),
        ]
    }

    /// The pinned table: `case<TAB>message` per line (RECORD_ERROR_MESSAGES=1 writes it again).
    static let table = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("ErrorMessages.tsv")

    @Test func everyMessageIsWordedAsPinned() throws {
        let rows = try Self.errors().map { ($0.0, ErrorText.describe($0.1)) }
        if ProcessInfo.processInfo.environment["RECORD_ERROR_MESSAGES"] == "1" {
            let text = rows.map { "\($0.0)\t\($0.1)" }.joined(separator: "\n") + "\n"
            try text.write(to: Self.table, atomically: true, encoding: .utf8)
        }
        var pinned: [String: String] = [:]
        for line in try String(contentsOf: Self.table, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            pinned[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        #expect(pinned.count == rows.count, "one pinned row per case")
        for (label, message) in rows {
            #expect(pinned[label] == message, "\(label)")
            #expect(!message.contains("Error("), "Swift's own text reaches nobody: \(label)")
        }
    }

    /// A settings file that does not decode says which field and what it should be, not
    /// Swift's dump of the decoder.
    @Test func aBadSettingsFileNamesTheField() throws {
        let home = try TempDir.make("settings")
        try Data(#"{"lockMinutes": "five"}"#.utf8).write(to: URL(fileURLWithPath: home + "/config.json"))
        let paths = RoundsPaths(environment: ["ROUNDS_HOME": home])
        do {
            _ = try Settings.load(paths)
            Issue.record("a bad config.json loaded")
        } catch {
            let message = ErrorText.describe(error)
            #expect(message == "Cannot read '\(home)/config.json': 'lockMinutes' should be a number.", "\(message)")
        }
    }
}
