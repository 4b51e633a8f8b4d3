import Foundation

/// A body received straight into memory of its own, parsed where it lies: a sync receives
/// tens of megabytes, and copying each body into one buffer and then into the parser's touched
/// every byte three times. Written once while it arrives (`append`), then only read.
public final class ReceivedBytes: @unchecked Sendable {
    private var base: UnsafeMutableRawPointer?
    private var capacity = 0
    public private(set) var count = 0

    /// Room for `expected` bytes (an announced `Content-Length`) without growing.
    public init(expected: Int = 0) {
        if expected > 0 { grow(to: expected) }
    }

    deinit { free(base) }

    /// Adds bytes at the end, growing the memory (doubling) when they do not fit.
    public func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        let needed = count + bytes.count
        let destination = needed > capacity ? grow(to: max(needed, capacity * 2, 64 << 10)) : base
        guard let destination else { preconditionFailure("a body's memory is gone while it is received") }
        (destination + count).copyMemory(from: source, byteCount: bytes.count)
        count = needed
    }

    /// The memory, grown to `size` bytes (its start may move).
    @discardableResult
    private func grow(to size: Int) -> UnsafeMutableRawPointer {
        guard let grown = realloc(base, size) else { preconditionFailure("out of memory for a \(size)-byte body") }
        base = grown
        capacity = size
        return grown
    }

    /// The bytes, in place.
    var buffer: UnsafeMutableBufferPointer<UInt8> {
        UnsafeMutableBufferPointer(start: base?.assumingMemoryBound(to: UInt8.self), count: count)
    }

    /// The bytes as `Data`, without a copy: the `Data` keeps this memory alive.
    public var data: Data {
        guard let base, count > 0 else { return Data() }
        return Data(bytesNoCopy: base, count: count, deallocator: .custom { _, _ in withExtendedLifetime(self) {} })
    }
}
