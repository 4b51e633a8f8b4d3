internal import CCurl
import FHIRAdapters
import Foundation

/// What an answer is before it is read: status, headers and the body as received.
struct RawAnswer: Sendable {
    let status: Int
    let headers: [String: String]
    let body: ReceivedBytes
}

/// Why an exchange ended without an answer.
enum ExchangeFailure: Error, Equatable {
    case cancelled
    case cannotResolveHost
    case connectionRefused
    /// Nothing arrived for the idle timeout (or the connection could not be made in it).
    case timedOut
    /// The whole exchange outlasted its deadline (a server sending a byte now and then).
    case deadline
    case tls(String)
    /// The server announced a body over the limit.
    case tooLarge
    case lost(String)
}

/// Why an answer was abandoned while it arrived.
enum BodyRefused: Error {
    case tooLarge, budgetSpent
}

/// What bounds one answer: its own size, the bytes all answers hold at once, and time.
struct BodyLimits: Sendable {
    let perBody: Int
    let budget: ByteBudget
    let deadline: TimeInterval
}

/// A count of bytes held by answers in flight, shared by one transport's requests.
final class ByteBudget: @unchecked Sendable {
    private let lock = NSLock()
    private let limit: Int
    private var held = 0

    init(limit: Int) { self.limit = limit }

    func take(_ bytes: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard held + bytes <= limit else { return false }
        held += bytes
        return true
    }

    func give(_ bytes: Int) {
        lock.lock()
        defer { lock.unlock() }
        held -= bytes
    }
}

/// One request as libcurl is told it.
struct CurlRequest: Sendable {
    let method: String
    let url: String
    let headers: [(String, String)]
    let body: Data?
    let connectTimeout: TimeInterval
    /// Longest wait with nothing arriving.
    let idleTimeout: TimeInterval
    let limits: BodyLimits
}

/// libcurl easy handles kept between requests: a handle keeps its connections open, so a
/// reused handle reuses the connection (keep-alive) and its TLS session.
final class CurlHandlePool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [OpaquePointer] = []

    init() { CurlGlobal.initialise() }

    deinit {
        for handle in idle { curl_easy_cleanup(UnsafeMutableRawPointer(handle)) }
    }

    func take() -> OpaquePointer? {
        lock.lock()
        if let handle = idle.popLast() {
            lock.unlock()
            curl_easy_reset(UnsafeMutableRawPointer(handle))
            return handle
        }
        lock.unlock()
        return curl_easy_init().map { OpaquePointer($0) }
    }

    func give(_ handle: OpaquePointer) {
        lock.lock()
        defer { lock.unlock() }
        idle.append(handle)
    }
}

/// `curl_global_init` once per process, before any thread uses libcurl.
enum CurlGlobal {
    private static let done: Bool = {
        curl_global_init(Int(CURL_GLOBAL_ALL))
        return true
    }()

    static func initialise() { _ = done }
}

/// One exchange with libcurl on a thread of its own. The body arrives through the write
/// callback, which runs on that thread as bytes are decoded: the decoded size is bounded while
/// it is received (a gzip body cannot expand in memory), and refusing a chunk ends the transfer.
final class CurlExchange: RunningExchange, @unchecked Sendable {
    private let request: CurlRequest
    private let handles: CurlHandlePool
    private let done: @Sendable (PendingRequest.Outcome) -> Void
    private let lock = NSLock()
    private var cancelled = false
    // Touched only on the exchange's thread (from curl's callbacks) until it ends.
    /// The body as it arrives, in memory sized by its `Content-Length` when one was announced
    /// (else grown by doubling), and parsed where it lies; a refused one is simply dropped.
    private var body: ReceivedBytes?
    private var received = 0
    private var headers: [String: String] = [:]
    private var refusal: BodyRefused?

    init(request: CurlRequest, handles: CurlHandlePool, done: @escaping @Sendable (PendingRequest.Outcome) -> Void) {
        self.request = request
        self.handles = handles
        self.done = done
    }

    func start() {
        let thread = Thread { [self] in done(run()) }
        thread.stackSize = 512 << 10
        thread.start()
    }

    func cancel() {
        lock.lock()
        defer { lock.unlock() }
        cancelled = true
    }

    private var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    private func run() -> PendingRequest.Outcome {
        guard let handle = handles.take() else { return .failure(ExchangeFailure.lost("libcurl could not start")) }
        let easy = UnsafeMutableRawPointer(handle)
        var list: UnsafeMutablePointer<curl_slist>? = nil
        // "Expect:" stops libcurl's 100-continue wait on POST bodies.
        for (name, value) in request.headers + [("Expect", "")] {
            list = curl_slist_append(list, value.isEmpty ? "\(name):" : "\(name): \(value)")
        }
        var errorText = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let me = Unmanaged.passUnretained(self).toOpaque()
        let code: CURLcode = errorText.withUnsafeMutableBufferPointer { errors in
            (request.body ?? Data()).withUnsafeBytes { bodyBytes in
                configure(easy, headers: list, errors: errors.baseAddress!, context: me, body: bodyBytes)
                return curl_easy_perform(easy)
            }
        }
        curl_slist_free_all(list)
        var status = 0
        rounds_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        handles.give(handle)
        request.limits.budget.give(received)
        let answered = body ?? ReceivedBytes()
        body = nil
        if let refusal { return .failure(refusal) }
        guard code == CURLE_OK else {
            let written = String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let detail = written.isEmpty ? String(cString: curl_easy_strerror(code)) : written
            return .failure(CurlExchange.failure(code, detail: detail))
        }
        return .success(RawAnswer(status: status, headers: headers, body: answered))
    }

    private func configure(
        _ easy: UnsafeMutableRawPointer, headers list: UnsafeMutablePointer<curl_slist>?,
        errors: UnsafeMutablePointer<CChar>, context: UnsafeMutableRawPointer,
        body: UnsafeRawBufferPointer
    ) {
        rounds_curl_setopt_pointer(easy, CURLOPT_URL, request.url)
        rounds_curl_setopt_pointer(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        rounds_curl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
        // Threads and signals do not mix: libcurl must not use SIGALRM for its timeouts.
        rounds_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        rounds_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, CurlExchange.milliseconds(request.connectTimeout))
        rounds_curl_setopt_long(easy, CURLOPT_TIMEOUT_MS, CurlExchange.milliseconds(request.limits.deadline))
        rounds_curl_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, 1)
        rounds_curl_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, max(1, Int(request.idleTimeout.rounded(.up))))
        // Every encoding libcurl can decode is offered; the write callback sees decoded bytes.
        rounds_curl_setopt_pointer(easy, CURLOPT_ACCEPT_ENCODING, "")
        rounds_curl_setopt_offset(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.limits.perBody))
        rounds_curl_setopt_pointer(easy, CURLOPT_HTTPHEADER, list)
        rounds_curl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errors)
        // Bodies of a megabyte arrive in fewer, larger pieces (fewer reads and callbacks).
        rounds_curl_setopt_long(easy, CURLOPT_BUFFERSIZE, CurlExchange.receiveBufferSize)
        rounds_curl_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION, curlWrite)
        rounds_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        rounds_curl_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION, curlHeader)
        rounds_curl_setopt_pointer(easy, CURLOPT_HEADERDATA, context)
        rounds_curl_setopt_long(easy, CURLOPT_NOPROGRESS, 0)
        rounds_curl_setopt_progress_callback(easy, curlProgress)
        rounds_curl_setopt_pointer(easy, CURLOPT_XFERINFODATA, context)
        switch request.method {
        case "GET": rounds_curl_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case "POST":
            rounds_curl_setopt_long(easy, CURLOPT_POST, 1)
            rounds_curl_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            rounds_curl_setopt_pointer(easy, CURLOPT_POSTFIELDS, body.baseAddress ?? UnsafeRawPointer(bitPattern: 1))
        default:
            rounds_curl_setopt_pointer(easy, CURLOPT_CUSTOMREQUEST, request.method)
        }
    }

    /// A chunk of the body, decoded: kept if it fits under both limits, else the transfer ends.
    fileprivate func received(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard refusal == nil else { return false }
        if received + bytes.count > request.limits.perBody {
            refusal = .tooLarge
            return false
        }
        guard request.limits.budget.take(bytes.count) else {
            refusal = .budgetSpent
            return false
        }
        let into = body ?? ReceivedBytes(expected: min(announcedLength ?? 0, request.limits.perBody))
        into.append(bytes)
        body = into
        received += bytes.count
        return true
    }

    /// A header line; a new status line (after a 100 Continue) starts the headers again.
    fileprivate func header(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            headers = [:]
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = String(trimmed[..<colon])
        let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        headers[name] = headers[name].map { $0 + ", " + value } ?? value
    }

    /// The body's length as announced, when it was (the decoded length may differ: gzip).
    private var announcedLength: Int? {
        let announced = headers.first { $0.key.lowercased() == "content-length" }.flatMap { Int($0.value) }
        return announced.map { max(0, $0) }
    }

    fileprivate var shouldAbort: Bool { isCancelled }

    /// libcurl's receive buffer (its default is 16 KB).
    static let receiveBufferSize = 256 << 10

    static func milliseconds(_ seconds: TimeInterval) -> Int {
        Int(min(seconds, 86_400) * 1000)
    }

    static func failure(_ code: CURLcode, detail: String) -> ExchangeFailure {
        switch code {
        case CURLE_ABORTED_BY_CALLBACK: return .cancelled
        case CURLE_COULDNT_RESOLVE_HOST: return .cannotResolveHost
        case CURLE_COULDNT_CONNECT: return .connectionRefused
        case CURLE_OPERATION_TIMEDOUT:
            // libcurl says which limit it hit; the whole-transfer one is the deadline.
            return detail.contains("Operation timed out after") && !detail.contains("Connection timed out")
                ? .deadline : .timedOut
        case CURLE_FILESIZE_EXCEEDED: return .tooLarge
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            return .tls(detail)
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE:
            return .lost("network connection lost: \(detail)")
        default: return .lost(detail)
        }
    }
}

private func exchange(_ context: UnsafeMutableRawPointer?) -> CurlExchange {
    Unmanaged<CurlExchange>.fromOpaque(context!).takeUnretainedValue()
}

private let curlWrite: rounds_curl_data_callback = { data, size, count, context in
    let length = size * count
    let bytes = UnsafeRawBufferPointer(start: data, count: length)
    return exchange(context).received(bytes) ? length : 0
}

private let curlHeader: rounds_curl_data_callback = { data, size, count, context in
    let length = size * count
    let bytes = UnsafeRawBufferPointer(start: data, count: length)
    exchange(context).header(String(decoding: bytes, as: UTF8.self))
    return length
}

private let curlProgress: rounds_curl_progress_callback = { context, _, _, _, _ in
    exchange(context).shouldAbort ? 1 : 0
}
