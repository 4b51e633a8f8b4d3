import FHIRAdapters
import Foundation

/// A JSON-lines log of every request, for tests to assert on. Secrets and tokens are never
/// written: the client secret and client assertions are masked and only the kind of Authorization header is noted.
final class RequestLog: @unchecked Sendable {
    struct Entry {
        var time = Date()
        var method: String
        var path: String
        var query: [(String, String)]
        var form: [(String, String)] = []
        var auth: String
        var authMethod: String?
        var tenant: String?
        var contentType: String?
        /// The `Host` the request was sent to: a request to the sandbox under another name (another origin) shows.
        var host: String?
        var batchURLs: [String] = []
        var status = 0

        init(request r: HTTPRequest) {
            method = r.method
            path = r.path
            query = r.query
            contentType = r.header("content-type")
            host = r.header("host")
            let h = (r.header("authorization") ?? "").lowercased()
            auth = h.hasPrefix("bearer ") ? "bearer" : (h.hasPrefix("basic ") ? "basic" : "none")
        }

        var json: JSONValue {
            func pairs(_ p: [(String, String)]) -> JSONValue {
                .array(
                    p.map { k, v in [.string(k), .string(k == "client_secret" || k == "client_assertion" ? "***" : v)] }
                )
            }
            return .object([
                "time": .string(FHIRTime.string(time)), "method": .string(method), "path": .string(path),
                "query": pairs(query), "form": pairs(form), "auth": .string(auth),
                "authMethod": .from(authMethod), "tenant": .from(tenant), "contentType": .from(contentType),
                "host": .from(host),
                "batch": .array(batchURLs.map(JSONValue.string)), "status": .number(Double(status)),
            ])
        }
    }

    private let handle: FileHandle
    private let lock = NSLock()

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let h = FileHandle(forWritingAtPath: path) else { throw SandboxError.socket("cannot open log '\(path)'") }
        h.seekToEndOfFile()
        handle = h
    }

    func append(_ e: Entry) {
        let line = e.json.serialized + "\n"
        lock.lock()
        defer { lock.unlock() }
        handle.write(Data(line.utf8))
    }
}
