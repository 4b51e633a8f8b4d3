import FHIRAdapters
import Foundation

/// An HTTP answer.
public struct HTTPAnswer: Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: Data
    public let url: String
    /// The body as received, parsed in place.
    private let received: ReceivedBytes

    init(status: Int, headers: [String: String], received: ReceivedBytes, url: String) {
        self.status = status
        self.headers = headers
        self.body = received.data
        self.url = url
        self.received = received
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    /// The body as JSON, or a `notFHIRJSON` error naming what was wrong.
    public func json() throws(FHIRClientError) -> JSONNode {
        do { return try JSONNode.parse(received) } catch {
            let snippet = String(decoding: body.prefix(60), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
            // A sign-in page or a proxy's error page says what it is in its content type.
            let type = header("Content-Type")?.split(separator: ";").first.map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            let typeText = type.map { $0.lowercased().contains("json") ? "" : "it is \($0); " } ?? ""
            throw .notFHIRJSON(
                url: url, detail: body.isEmpty ? "empty body" : "\(typeText)\(error.description); starts '\(snippet)'")
        }
    }

    /// The diagnostics of an OperationOutcome body, if the body is one.
    public var diagnostics: String? {
        (try? JSONNode.parse(received)).flatMap(OperationOutcomeReader.summary)
    }
}

/// HTTP for the FHIR client, on libcurl: explicit timeouts, keep-alive, a bounded number of
/// parallel requests, FHIR `Accept`, a Rounds `User-Agent`, `Retry-After` and bounded retries.
/// Bodies are bounded while they arrive (decoded size, and bytes held by all answers at once),
/// every exchange has a deadline, and redirects are followed only within the origin.
public final class HTTPTransport: Sendable {
    public let options: ClientOptions
    private let queue: RequestQueue
    private let handles = CurlHandlePool()
    /// Bytes of answers being received at once, over every request in flight: a sync has several,
    /// and a hostile server could send each the per-body limit.
    private let budget: ByteBudget
    /// The longest one exchange may take from first byte sent to last byte received.
    public var exchangeDeadline: TimeInterval { options.timeout * 2 }
    /// Same-origin redirects followed for one request.
    static let maxRedirects = 5
    public static let userAgent = "Rounds/\(ClientVersion.string) (FHIR client; Swift; +https://example.invalid/rounds)"
    public static let accept = "application/fhir+json, application/json+fhir;q=0.9, application/json;q=0.8"

    public init(options: ClientOptions) {
        self.options = options
        queue = RequestQueue(permits: options.maxConcurrentRequests)
        budget = ByteBudget(limit: options.maxBodyBytes)
    }

    /// Sends a request; `idempotent` requests are retried on 5xx (at most `maxRetries`).
    public func send(
        _ method: String, _ url: URL, headers: [String: String] = [:], body: Data? = nil,
        idempotent: Bool
    ) async throws(FHIRClientError) -> HTTPAnswer {
        var attempt = 0
        while true {
            let answer = try await following(method, url, headers: headers, body: body)
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
            } else if !idempotent {
                return answer
            }
            attempt += 1
            try? await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
        }
    }

    /// One request and the redirects it is given within its origin (scheme, host and port): a
    /// token request or a request carrying a bearer token is never sent on to another host. A
    /// redirect elsewhere is returned as it is, and reported by the caller.
    private func following(
        _ method: String, _ url: URL, headers: [String: String],
        body: Data?
    ) async throws(FHIRClientError) -> HTTPAnswer {
        var method = method
        var url = url
        var body = body
        for _ in 0...HTTPTransport.maxRedirects {
            let answer = try await once(method, url, headers: headers, body: body)
            guard [301, 302, 303, 307, 308].contains(answer.status), let location = answer.header("Location"),
                let next = URL(string: location, relativeTo: url)?.absoluteURL, Origin.same(url, next)
            else { return answer }
            if answer.status == 303 || (answer.status != 307 && answer.status != 308 && method == "POST") {
                method = "GET"
                body = nil
            }
            url = next
        }
        throw .network(url: HTTPTransport.redacted(url), detail: "more than \(HTTPTransport.maxRedirects) redirects")
    }

    private func once(_ method: String, _ url: URL, headers: [String: String], body: Data?)
        async throws(FHIRClientError) -> HTTPAnswer
    {
        var fields = ["Accept": HTTPTransport.accept, "User-Agent": HTTPTransport.userAgent]
        for (k, v) in headers { fields[k] = v }
        let request = CurlRequest(
            method: method, url: url.absoluteString, headers: fields.sorted { $0.key < $1.key },
            body: body, connectTimeout: options.timeout, idleTimeout: options.timeout,
            limits: BodyLimits(perBody: options.maxBodyBytes, budget: budget, deadline: exchangeDeadline))
        let result = await perform(request)
        let display = HTTPTransport.redacted(url)
        switch result {
        case .failure(let e as BodyRefused):
            switch e {
            case .tooLarge: throw .bodyTooLarge(url: display, limit: options.maxBodyBytes)
            case .budgetSpent: throw .answersTooLarge(url: display, limit: options.maxBodyBytes)
            }
        case .failure(let e as ExchangeFailure): throw map(e, url: url)
        case .failure(let e): throw .network(url: display, detail: "\(e)")
        case .success(let raw):
            return HTTPAnswer(status: raw.status, headers: raw.headers, received: raw.body, url: display)
        }
    }

    /// Runs the exchange on its own thread (libcurl blocks) once the request queue lets it start.
    private func perform(_ request: CurlRequest) async -> Result<RawAnswer, Error> {
        let pending = PendingRequest(queue: queue) { [handles] pending in
            let exchange = CurlExchange(request: request, handles: handles) { pending.completed($0) }
            exchange.start()
            return exchange
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { pending.wait($0) }
        } onCancel: {
            pending.cancel()
        }
    }

    private func map(_ failure: ExchangeFailure, url: URL) -> FHIRClientError {
        let display = HTTPTransport.redacted(url)
        switch failure {
        case .cancelled: return .network(url: display, detail: "cancelled")
        case .cannotResolveHost: return .cannotResolveHost(host: url.host ?? display)
        case .connectionRefused: return .connectionRefused(url: display)
        case .timedOut: return .timedOut(url: display, seconds: Int(options.timeout.rounded()))
        case .deadline: return .timedOut(url: display, seconds: Int(exchangeDeadline.rounded()))
        case .tls(let detail): return .tlsFailure(url: display, detail: detail)
        case .tooLarge: return .bodyTooLarge(url: display, limit: options.maxBodyBytes)
        case .lost(let detail): return .network(url: display, detail: detail)
        }
    }

    /// The URL without its query (which may carry a patient id or name) for messages.
    public static func redacted(_ url: URL) -> String {
        var c = URLComponents(url: url, resolvingAgainstBaseURL: false)
        c?.query = nil
        c?.user = nil
        c?.password = nil
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

/// Origins (RFC 6454: scheme, host, port) and the hosts that are this machine.
public enum Origin {
    public static func same(_ a: URL?, _ b: URL?) -> Bool {
        guard let a, let b, let sa = a.scheme?.lowercased(), let sb = b.scheme?.lowercased(),
            let ha = a.host?.lowercased(), let hb = b.host?.lowercased()
        else { return false }
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
