import Clinical
import Foundation
import JSONKit

#if canImport(Glibc)
    import Glibc
#endif

/// One parsed HTTP/1.1 request.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path without the query, percent-decoded.
    public var path: String
    public var query: [(String, String)]
    public var headers: [String: String]
    public var body: Data

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A response to write back.
public struct HTTPResponse: Sendable, Error {
    public var status: Int
    public var headers: [String: String]
    public var body: Data
    /// A body written as it is made (chunked): `write` sends bytes and is false once the client
    /// is gone. Used by the chaos profiles (huge and slow answers).
    public var stream: (@Sendable (_ write: (Data) -> Bool) -> Void)?

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func json(
        _ status: Int, _ value: String, contentType: String = "application/fhir+json; charset=utf-8"
    ) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: Data(value.utf8))
    }

    public static func json(
        _ status: Int, _ value: JSONValue, contentType: String = "application/fhir+json; charset=utf-8"
    ) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: value.data)
    }
}

/// A small blocking HTTP/1.1 server on POSIX sockets: a thread per connection, keep-alive,
/// `Content-Length` bodies, a request size limit (413) and a read timeout.
public final class HTTPServer: @unchecked Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse
    private let handler: Handler
    private let maxBodyBytes: Int
    private let readTimeoutSeconds: Int
    private var listenFD: Int32 = -1
    private let lock = NSLock()
    private var stopped = false
    private var open: Set<Int32> = []
    public private(set) var port: UInt16 = 0

    public init(maxBodyBytes: Int = 8 << 20, readTimeoutSeconds: Int = 30, handler: @escaping Handler) {
        self.handler = handler
        self.maxBodyBytes = maxBodyBytes
        self.readTimeoutSeconds = readTimeoutSeconds
    }

    /// Binds and listens; port 0 picks a free port (read it from `port`).
    public func start(host: String = "127.0.0.1", port requested: UInt16 = 0) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SandboxError.socket("socket() failed: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = requested.bigEndian
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
            close(fd)
            throw SandboxError.socket("bad listen address '\(host)'")
        }
        let bound = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let m = String(cString: strerror(errno))
            close(fd)
            throw SandboxError.socket("cannot listen on \(host):\(requested): \(m)")
        }
        guard listen(fd, 256) == 0 else {
            close(fd)
            throw SandboxError.socket("listen() failed")
        }
        var actual = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = UInt16(bigEndian: actual.sin_port)
        listenFD = fd
        let t = Thread { [self] in acceptLoop() }
        t.stackSize = 1 << 20
        t.start()
    }

    /// Stops accepting; connections in flight finish their current request.
    /// Stops accepting and drops open keep-alive connections, as a server going down does.
    public func stop() {
        lock.lock()
        stopped = true
        let fd = listenFD
        listenFD = -1
        let conns = open
        lock.unlock()
        if fd >= 0 {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
        for c in conns { shutdown(c, Int32(SHUT_RDWR)) }
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func acceptLoop() {
        while !isStopped {
            let c = accept(listenFD, nil, nil)
            if c < 0 {
                if isStopped { return }
                if errno == EINTR { continue }
                usleep(1000)
                continue
            }
            var tv = timeval(tv_sec: readTimeoutSeconds, tv_usec: 0)
            setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var one: Int32 = 1
            setsockopt(c, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let t = Thread { [self] in serve(c) }
            t.stackSize = 1 << 20
            t.start()
        }
    }

    private func serve(_ fd: Int32) {
        lock.lock()
        open.insert(fd)
        lock.unlock()
        defer {
            lock.lock()
            open.remove(fd)
            lock.unlock()
            close(fd)
        }
        var buffer = [UInt8]()
        buffer.reserveCapacity(16384)
        while !isStopped {
            guard let request = readRequest(fd, &buffer) else { return }
            let response: HTTPResponse
            let keepAlive: Bool
            switch request {
            case .tooLarge:
                response = HTTPResponse.json(
                    413,
                    #"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"too-costly","#
                        + #""diagnostics":"request body larger than \#(maxBodyBytes) bytes"}]}"#
                )
                keepAlive = false
            case .bad(let why):
                response = HTTPResponse.json(
                    400,
                    #"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"structure","#
                        + #""diagnostics":"\#(why)"}]}"#
                )
                keepAlive = false
            case .ok(let r):
                response = handler(r)
                keepAlive = r.header("connection")?.lowercased() != "close"
            }
            if response.stream != nil {
                writeStreamed(fd, response)
                return
            }
            guard write(fd, response, keepAlive: keepAlive), keepAlive else { return }
        }
    }

    private enum ReadResult {
        case ok(HTTPRequest)
        case tooLarge
        case bad(String)
    }

    private func readRequest(_ fd: Int32, _ buf: inout [UInt8]) -> ReadResult? {
        let sep: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int? = nil
        while headerEnd == nil {
            if let r = find(sep, in: buf) {
                headerEnd = r
                break
            }
            if buf.count > 64 * 1024 { return .tooLarge }
            guard fill(fd, &buf) else { return nil }
        }
        let head = String(decoding: buf[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return .bad("malformed request line") }
        var headers: [String: String] = [:]
        for l in lines {
            guard let colon = l.firstIndex(of: ":") else { continue }
            headers[l[..<colon].lowercased()] = l[l.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? -1
        guard length >= 0 else { return .bad("bad Content-Length") }
        if length > maxBodyBytes { return .tooLarge }
        let bodyStart = headerEnd! + 4
        while buf.count < bodyStart + length { guard fill(fd, &buf) else { return nil } }
        let body = Data(buf[bodyStart..<(bodyStart + length)])
        buf.removeFirst(bodyStart + length)
        let target = String(requestLine[1])
        let (path, query) = HTTPServer.splitTarget(target)
        return .ok(HTTPRequest(method: String(requestLine[0]), path: path, query: query, headers: headers, body: body))
    }

    private func fill(_ fd: Int32, _ buf: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 16384, 0) }
        if n <= 0 { return false }
        buf.append(contentsOf: chunk[0..<n])
        return true
    }

    private func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count)
        where hay[i] == needle[0] && hay[i + 1] == needle[1] && hay[i + 2] == needle[2] && hay[i + 3] == needle[3] {
            return i
        }
        return nil
    }

    private func write(_ fd: Int32, _ r: HTTPResponse, keepAlive: Bool) -> Bool {
        var head = "HTTP/1.1 \(r.status) \(HTTPServer.reason(r.status))\r\n"
        var headers = r.headers
        headers["Content-Length"] = String(r.body.count)
        headers["Connection"] = keepAlive ? "keep-alive" : "close"
        if headers["Date"] == nil { headers["Date"] = HTTPDate.string(Date()) }
        for (k, v) in headers.sorted(by: { $0.key < $1.key }) { head += "\(k): \(v)\r\n" }
        head += "\r\n"
        var bytes = [UInt8](head.utf8)
        bytes.append(contentsOf: r.body)
        return sendAll(fd, bytes)
    }

    /// Head, then the stream's bytes in chunks; the connection closes after it.
    private func writeStreamed(_ fd: Int32, _ r: HTTPResponse) {
        var head = "HTTP/1.1 \(r.status) \(HTTPServer.reason(r.status))\r\n"
        var headers = r.headers
        headers["Transfer-Encoding"] = "chunked"
        headers["Connection"] = "close"
        for (k, v) in headers.sorted(by: { $0.key < $1.key }) { head += "\(k): \(v)\r\n" }
        head += "\r\n"
        guard sendAll(fd, Array(head.utf8)) else { return }
        r.stream? { data in
            guard !data.isEmpty else { return true }
            var chunk = Array(String(data.count, radix: 16).utf8) + [13, 10]
            chunk.append(contentsOf: data)
            chunk.append(contentsOf: [13, 10])
            return !self.isStopped && self.sendAll(fd, chunk)
        }
        _ = sendAll(fd, Array("0\r\n\r\n".utf8))
    }

    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    /// `/a/b?x=1&y=2` → (`/a/b`, [(x,1),(y,2)]), percent-decoded.
    public static func splitTarget(_ target: String) -> (String, [(String, String)]) {
        guard let q = target.firstIndex(of: "?") else { return (percentDecode(target[...], plusAsSpace: false), []) }
        return (percentDecode(target[..<q], plusAsSpace: false), parseForm(String(target[target.index(after: q)...])))
    }

    /// Parses `application/x-www-form-urlencoded` text, by bytes (every entry of a batch has a
    /// query, and splitting by Character showed in the sandbox's profile). Empty pairs are
    /// skipped; `=v` reads as a name `v`, as it always has.
    public static func parseForm(_ s: String) -> [(String, String)] {
        var pairs: [(String, String)] = []
        let bytes = s.utf8
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.endIndex
            var nameStart = start
            while nameStart < end, bytes[nameStart] == UInt8(ascii: "=") { nameStart = bytes.index(after: nameStart) }
            if nameStart < end {
                let equals = bytes[nameStart..<end].firstIndex(of: UInt8(ascii: "="))
                let name = percentDecode(s[nameStart..<(equals ?? end)], plusAsSpace: true)
                var value = ""
                if let equals, bytes.index(after: equals) < end {
                    value = percentDecode(s[bytes.index(after: equals)..<end], plusAsSpace: true)
                }
                pairs.append((name, value))
            }
            start = end < bytes.endIndex ? bytes.index(after: end) : end
        }
        return pairs
    }

    /// `%XX` (and `+` in forms) decoded on bytes; text that is not valid UTF-8 once decoded, or
    /// has a broken escape, is kept as sent.
    static func percentDecode(_ s: Substring, plusAsSpace: Bool) -> String {
        let bytes = Array(s.utf8)
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(s)
        }
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 48...57: return b - 48
            case 65...70: return b - 55
            case 97...102: return b - 87
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) else {
                    return String(s)
                }
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(plusAsSpace && b == UInt8(ascii: "+") ? 0x20 : b)
                i += 1
            }
        }
        return String(validating: out, as: UTF8.self) ?? String(s)
    }

    static func reason(_ s: Int) -> String {
        switch s {
        case 200: return "OK"
        case 201: return "Created"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 413: return "Payload Too Large"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}

/// Errors starting or configuring the sandbox.
public enum SandboxError: Error, CustomStringConvertible {
    case socket(String)
    case registry(String)
    public var description: String {
        switch self {
        case .socket(let m), .registry(let m): return m
        }
    }
}
