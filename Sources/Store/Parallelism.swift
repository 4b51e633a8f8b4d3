import Foundation

/// Work spread over every core, results kept in order.
public enum Parallelism {
    /// The number of cores, read once: Foundation re-reads cgroup files on every
    /// `activeProcessorCount`, which showed up in list loading's profile.
    public static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// `body(i)` for every `i` in `0..<count`, on up to `cores` workers (fewer for small counts:
    /// one worker per `perWorker` items). The first error thrown is rethrown after all finish.
    public static func map<T>(_ count: Int, perWorker: Int = 50, _ body: (Int) throws -> T?) throws -> [T?] {
        guard count > 0 else { return [] }
        let slots = Slots<T>(count: count)
        let workers = max(1, min(cores, 8, count / perWorker + 1))
        withoutActuallyEscaping(body) { body in
            let box = UnsafeSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var k = w
                while k < count {
                    do { if let v = try box.value(k) { slots.set(k, v) } } catch { slots.fail(error) }
                    k += workers
                }
            }
        }
        if let e = slots.error { throw e }
        return slots.values
    }
}

/// Results written by parallel workers, each slot by exactly one of them.
private final class Slots<T>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<T?>
    private let count: Int
    private let lock = NSLock()
    private(set) var error: Error?
    init(count: Int) {
        self.count = count
        base = .allocate(capacity: count)
        base.initialize(repeating: nil, count: count)
    }
    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }
    func set(_ i: Int, _ v: T) { base[i] = v }
    func fail(_ e: Error) {
        lock.lock()
        if error == nil { error = e }
        lock.unlock()
    }
    var values: [T?] { Array(UnsafeBufferPointer(start: base, count: count)) }
}

/// A closure that is only called while the caller waits (concurrentPerform returns when all
/// workers have finished), so handing it to other threads is safe.
private struct UnsafeSendable<F>: @unchecked Sendable {
    let value: F
    init(_ value: F) { self.value = value }
}
