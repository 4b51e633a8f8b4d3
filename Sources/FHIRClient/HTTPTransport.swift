import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import FHIRAdapters

/// An HTTP answer.
public struct HTTPAnswer: Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: Data
    public let url: String

    public func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    /// The body as JSON, or a `notFHIRJSON` error naming what was wrong.
    public func json() throws(FHIRClientError) -> JSONValue {
        do { return try JSONParser.parse(body) } catch {
            let snippet = String(decoding: body.prefix(60), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
            throw .notFHIRJSON(url: url, detail: body.isEmpty ? "empty body" : "\(error.description); starts '\(snippet)'")
        }
    }

    /// The diagnostics of an OperationOutcome body, if the body is one.
    public var diagnostics: String? {
        (try? JSONParser.parse(body)).flatMap(OperationOutcomeReader.summary)
    }
}

/// One `URLSession` with explicit timeouts, keep-alive, a bounded number of parallel requests,
/// FHIR `Accept`, a Rounds `User-Agent`, `Retry-After` and bounded retries.
public final class HTTPTransport: Sendable {
    public let options: ClientOptions
    private let session: URLSession
    private let queue: RequestQueue
    private let challenges = ChallengeCanceller()
    public static let userAgent = "Rounds/\(ClientVersion.string) (FHIR client; Swift; +https://example.invalid/rounds)"
    public static let accept = "application/fhir+json, application/json+fhir;q=0.9, application/json;q=0.8"

    public init(options: ClientOptions) {
        self.options = options
        let c = URLSessionConfiguration.ephemeral
        c.timeoutIntervalForRequest = options.timeout
        c.timeoutIntervalForResource = max(options.timeout * 4, 60)
        c.httpMaximumConnectionsPerHost = options.maxConcurrentRequests
        c.httpShouldSetCookies = false
        c.urlCache = nil
        c.requestCachePolicy = .reloadIgnoringLocalCacheData
        c.urlCredentialStorage = nil
        session = URLSession(configuration: c, delegate: challenges, delegateQueue: nil)
        queue = RequestQueue(permits: options.maxConcurrentRequests)
    }

    deinit { session.invalidateAndCancel() }

    /// Sends a request; `idempotent` requests are retried on 5xx (at most `maxRetries`).
    public func send(_ method: String, _ url: URL, headers: [String: String] = [:], body: Data? = nil,
                     idempotent: Bool) async throws(FHIRClientError) -> HTTPAnswer {
        var attempt = 0
        while true {
            let answer = try await once(method, url, headers: headers, body: body)
            let s = answer.status
            let retryable = s == 429 || s == 503 || (s >= 500 && idempotent)
            guard retryable, attempt < options.maxRetries else { return answer }
            var wait = 0.25 * pow(3, Double(attempt))
            if s == 429 || s == 503 {
                if let ra = answer.header("Retry-After").flatMap(HTTPTransport.retryAfter) {
                    guard ra <= options.maxRetryAfter else { return answer }
                    wait = ra
                }
                // 429/503 mean "not now", safe to repeat even for a POST search.
            } else if !idempotent { return answer }
            attempt += 1
            try? await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
        }
    }

    private func once(_ method: String, _ url: URL, headers: [String: String], body: Data?) async throws(FHIRClientError) -> HTTPAnswer {
        var req = URLRequest(url: url, timeoutInterval: options.timeout)
        req.httpMethod = method
        req.setValue(HTTPTransport.accept, forHTTPHeaderField: "Accept")
        req.setValue(HTTPTransport.userAgent, forHTTPHeaderField: "User-Agent")
        for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
        req.httpBody = body
        let result = await perform(req)
        let display = HTTPTransport.redacted(url)
        switch result {
        case .failure(let e): throw map(e, url: url)
        case .success(let (data, response)):
            guard let http = response as? HTTPURLResponse else { throw .network(url: display, detail: "not an HTTP response") }
            if data.count > options.maxBodyBytes { throw .bodyTooLarge(url: display, limit: options.maxBodyBytes) }
            var hs: [String: String] = [:]
            for (k, v) in http.allHeaderFields { hs["\(k)"] = "\(v)" }
            return HTTPAnswer(status: http.statusCode, headers: hs, body: data, url: display)
        }
    }

    /// A data task with a completion handler: on Linux the async `data(for:)` hangs forever on a
    /// 401 carrying `WWW-Authenticate: Basic` (swift-corelibs-foundation #5456). The session
    /// delegate cancels such challenges and keeps the 401 so it is reported, not waited on.
    private func perform(_ req: URLRequest) async -> Result<(Data, URLResponse), Error> {
        let pending = PendingRequest(queue: queue) { [session, challenges] pending in
            session.dataTask(with: req) { data, response, error in
                let id = pending.taskIdentifier
                if let error {
                    if let refused = challenges.take(id) {
                        pending.completed(.success((data ?? Data(), refused)))
                    } else {
                        pending.completed(.failure(error))
                    }
                } else if let response {
                    _ = challenges.take(id)
                    pending.completed(.success((data ?? Data(), response)))
                } else {
                    pending.completed(.failure(URLError(.badServerResponse)))
                }
            }
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { pending.wait($0) }
        } onCancel: {
            pending.cancel()
        }
    }

    private func map(_ error: Error, url: URL) -> FHIRClientError {
        let display = HTTPTransport.redacted(url)
        guard let u = error as? URLError else { return .network(url: display, detail: "\(error.localizedDescription)") }
        switch u.code {
        case .cannotFindHost, .dnsLookupFailed: return .cannotResolveHost(host: url.host ?? display)
        case .cannotConnectToHost: return .connectionRefused(url: display)
        case .timedOut: return .timedOut(url: display, seconds: Int(options.timeout.rounded()))
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid,
             .serverCertificateHasUnknownRoot, .clientCertificateRejected, .clientCertificateRequired:
            return .tlsFailure(url: display, detail: u.localizedDescription)
        case .notConnectedToInternet, .networkConnectionLost: return .network(url: display, detail: "network connection lost")
        case .dataLengthExceedsMaximum: return .bodyTooLarge(url: display, limit: options.maxBodyBytes)
        default: return .network(url: display, detail: u.localizedDescription)
        }
    }

    /// The URL without its query (which may carry a patient id or name) for messages.
    public static func redacted(_ url: URL) -> String {
        var c = URLComponents(url: url, resolvingAgainstBaseURL: false)
        c?.query = nil
        c?.user = nil; c?.password = nil
        return c?.string ?? url.absoluteString
    }

    /// Seconds from a `Retry-After` value (delta-seconds or an HTTP date).
    static func retryAfter(_ v: String) -> TimeInterval? {
        if let s = Double(v.trimmingCharacters(in: .whitespaces)) { return max(0, s) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return f.date(from: v).map { max(0, $0.timeIntervalSinceNow) }
    }
}

/// The version in the User-Agent.
public enum ClientVersion {
    public static let string = "0.1.0"
}

/// Answers HTTP authentication challenges by cancelling them, remembering the 401 response.
final class ChallengeCanceller: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var refused: [Int: URLResponse] = [:]

    func urlSession(_ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
                    completionHandler: @escaping (URLSession.AuthChallengeDisposition, URLCredential?) -> Void) {
        if let r = challenge.failureResponse {
            lock.lock(); refused[task.taskIdentifier] = r; lock.unlock()
        }
        completionHandler(.cancelAuthenticationChallenge, nil)
    }

    /// Follows a redirect only within the origin (scheme, host and port) the request was sent to:
    /// a token request or a request carrying a bearer token is never sent on to another host. The
    /// 3xx itself is returned, and reported.
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        let from = task.originalRequest?.url
        let to = request.url
        completionHandler(Origin.same(from, to) ? request : nil)
    }

    func take(_ id: Int?) -> URLResponse? {
        guard let id else { return nil }
        lock.lock(); defer { lock.unlock() }
        return refused.removeValue(forKey: id)
    }
}

/// Origins (RFC 6454: scheme, host, port) and the hosts that are this machine.
public enum Origin {
    public static func same(_ a: URL?, _ b: URL?) -> Bool {
        guard let a, let b, let sa = a.scheme?.lowercased(), let sb = b.scheme?.lowercased(),
              let ha = a.host?.lowercased(), let hb = b.host?.lowercased() else { return false }
        return sa == sb && ha == hb && port(a) == port(b)
    }

    static func port(_ url: URL) -> Int {
        url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
    }

    /// 127.0.0.0/8, ::1 and localhost: plain HTTP there never crosses a network.
    public static func isLoopback(_ url: URL) -> Bool {
        guard let host = url.host?.lowercased() else { return false }
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// `https://host:port`, for messages.
    public static func text(_ url: URL) -> String {
        "\(url.scheme ?? "?")://\(url.host ?? "?")\(url.port.map { ":\($0)" } ?? "")"
    }
}
