import Foundation

/// Ways a broken or hostile partner answers, for tests and the chaos matrix
/// (`rounds-sandbox serve --chaos PROFILE`). Metadata and tokens stay sound unless the profile is
/// about them: a client gets as far as asking for patient data, then meets the fault.
public enum ChaosProfile: String, Sendable, CaseIterable {
    /// Every data answer is a 200 MB bundle, sent chunked with no length announced.
    case hugeBody = "huge-body"
    /// Every data answer is ~1.3 MB of gzip that expands to 200 MB.
    case gzipBomb = "gzip-bomb"
    /// Arrays nested 100,000 deep.
    case deepNesting = "deep-nesting"
    /// The answer's bytes four a second.
    case slowDrip = "slow-drip"
    /// Every searchset's `next` link is the page itself.
    case endlessNext = "endless-next"
    /// A string holding bytes that are not UTF-8.
    case invalidUTF8 = "invalid-utf8"
    /// An HTML page (a proxy's or a portal's) with status 200.
    case wrongContentType = "wrong-content-type"
    /// The token endpoint answers 307 to another origin.
    case tokenRedirect = "token-redirect"
    /// The metadata names a token endpoint on another origin than the base.
    case tokenOtherOrigin = "token-other-origin"
    /// The metadata names a token endpoint on plain `http://` off this machine.
    case tokenPlainHTTP = "token-plain-http"

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The size the body profiles send.
    static let hugeBytes = 200 << 20
}

extension SandboxServer {
    /// The data answer a body profile sends instead of `response`; `nil` for other profiles.
    func chaosAnswer(_ response: HTTPResponse) -> HTTPResponse? {
        switch configuration.chaos {
        case .hugeBody?: return Chaos.huge(meter: streamed)
        case .gzipBomb?: return Chaos.gzipBomb()
        case .deepNesting?:
            let depth = 100_000
            let body =
                Data(repeating: UInt8(ascii: "["), count: depth) + Data(repeating: UInt8(ascii: "]"), count: depth)
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/fhir+json"], body: body)
        case .slowDrip?: return Chaos.drip(response)
        case .invalidUTF8?:
            var r = response
            guard let open = r.body.firstIndex(of: UInt8(ascii: "{")) else { return r }
            // A string member right after the opening brace, holding bytes that are not UTF-8.
            let bad = Data(#""implicitRules":"urn:"#.utf8) + Data([0xFF, 0xFE, 0xC3, 0x28]) + Data(#"","#.utf8)
            r.body.insert(contentsOf: bad, at: open + 1)
            return r
        case .wrongContentType?:
            let page =
                "<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Session expired</h1>"
                + "<p>Please sign in to continue.</p></body></html>"
            return HTTPResponse(
                status: 200, headers: ["Content-Type": "text/html; charset=utf-8"], body: Data(page.utf8))
        default: return nil
        }
    }

    /// The token URL the metadata names under a token profile, else the sandbox's own.
    func chaosTokenURL(_ req: HTTPRequest) -> String? {
        let host = req.header("host") ?? "127.0.0.1"
        switch configuration.chaos {
        case .tokenOtherOrigin?:
            // The same sandbox under another name: a request that arrives there is logged.
            let other =
                host.hasPrefix("127.0.0.1")
                ? host.replacingOccurrences(of: "127.0.0.1", with: "localhost")
                : "127.0.0.1" + (host.firstIndex(of: ":").map { String(host[$0...]) } ?? "")
            return "http://\(other)/oauth/token"
        case .tokenPlainHTTP?: return "http://token.rounds-sandbox.example/oauth/token"
        default: return nil
        }
    }

    /// Where the token endpoint redirects under `token-redirect`.
    func chaosTokenRedirect(_ req: HTTPRequest) -> String? {
        guard configuration.chaos == .tokenRedirect else { return nil }
        let host = req.header("host") ?? "127.0.0.1"
        return "http://" + host.replacingOccurrences(of: "127.0.0.1", with: "localhost") + "/oauth/elsewhere"
    }
}

/// The bodies of the chaos profiles.
enum Chaos {
    static func huge(meter: StreamMeter) -> HTTPResponse {
        var r = HTTPResponse(status: 200, headers: ["Content-Type": "application/fhir+json"])
        r.stream = { write in
            var sent = 0
            defer { meter.record(sent) }
            let start =
                #"{"resourceType":"Bundle","type":"searchset","entry":"#
                + #"[{"resource":{"resourceType":"Basic","id":"x","text":{"status":"generated","div":"<div>"#
            let head = Data(start.utf8)
            guard write(head) else { return }
            sent = head.count
            let chunk = Data(repeating: UInt8(ascii: "A"), count: 1 << 16)
            while sent < ChaosProfile.hugeBytes {
                guard write(chunk) else { return }
                sent += chunk.count
            }
            _ = write(Data(#"</div>"}}}]}"#.utf8))
        }
        return r
    }

    static func drip(_ response: HTTPResponse) -> HTTPResponse {
        var r = response
        let body = response.body
        r.body = Data()
        r.stream = { write in
            // Four bytes a second: fast enough that the connection never looks idle, slow enough
            // that an answer would take an hour; only a deadline on the whole exchange ends it.
            for byte in body {
                guard write(Data([byte])) else { return }
                usleep(250_000)
            }
        }
        return r
    }

    static func gzipBomb() -> HTTPResponse {
        HTTPResponse(
            status: 200, headers: ["Content-Type": "application/fhir+json", "Content-Encoding": "gzip"],
            body: bombBytes)
    }

    /// A gzip member of one fixed-Huffman deflate block: a JSON start as literals, then one letter
    /// repeated by back-references (length 258, distance 1: 13 bits per 258 bytes). The trailer's
    /// CRC is left zero: a client that inflates that far has already failed.
    static let bombBytes: Data = {
        var bits = BitWriter()
        bits.write(1, count: 1) // BFINAL
        bits.write(1, count: 2) // BTYPE 01: fixed Huffman
        let start = #"{"resourceType":"Bundle","type":"searchset","id":"A"#
        for byte in start.utf8 { bits.writeCode(0x30 + Int(byte), length: 8) }
        var produced = start.utf8.count
        while produced + 258 <= ChaosProfile.hugeBytes {
            bits.writeCode(0b1100_0101, length: 8) // length code 285: 258 bytes
            bits.writeCode(0, length: 5) // distance code 0: 1 byte back
            produced += 258
        }
        bits.writeCode(0, length: 7) // end of block
        var out = Data([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF])
        out.append(contentsOf: bits.flushed)
        out.append(contentsOf: [0, 0, 0, 0])
        let size = UInt32(truncatingIfNeeded: produced)
        out.append(contentsOf: (0..<4).map { UInt8(truncatingIfNeeded: size >> (8 * UInt32($0))) })
        return out
    }()
}

/// Packs deflate's bit stream: fields least significant bit first, Huffman codes most significant first.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var current: UInt8 = 0
    private var used = 0

    mutating func write(_ value: Int, count: Int) {
        for i in 0..<count { push((value >> i) & 1) }
    }

    mutating func writeCode(_ code: Int, length: Int) {
        for i in stride(from: length - 1, through: 0, by: -1) { push((code >> i) & 1) }
    }

    private mutating func push(_ bit: Int) {
        current |= UInt8(bit) << UInt8(used)
        used += 1
        if used == 8 {
            bytes.append(current)
            current = 0
            used = 0
        }
    }

    /// The bytes with the last partial byte flushed.
    var flushed: [UInt8] { used == 0 ? bytes : bytes + [current] }
}

/// How much of its streamed answers the sandbox could send before each client hung up: a client
/// that bounds what it receives hangs up near its limit, one that buffers everything takes it all.
public final class StreamMeter: @unchecked Sendable {
    private let lock = NSLock()
    private var sizes: [Int] = []

    func record(_ bytes: Int) {
        lock.lock()
        defer { lock.unlock() }
        sizes.append(bytes)
    }

    /// Bytes sent of each streamed answer, in the order they ended.
    public var sent: [Int] {
        lock.lock()
        defer { lock.unlock() }
        return sizes
    }
}
