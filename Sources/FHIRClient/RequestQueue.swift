import Foundation

/// Bounds the requests in flight (per connection, hence per host) and starts the next queued
/// request from the completion handler of the one that finished. Starting it from async code
/// instead would wait for a free Swift-concurrency thread, and during a sync those are busy
/// parsing and saving the previous answers: the connections sat idle for milliseconds.
final class RequestQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var available: Int
    private var waiting: [PendingRequest] = []

    init(permits: Int) { available = max(1, permits) }

    func submit(_ r: PendingRequest) {
        lock.lock()
        if available > 0 {
            available -= 1
            lock.unlock()
            r.start()
        } else {
            waiting.append(r)
            lock.unlock()
        }
    }

    /// Takes back a request that has not started; false when it already has.
    func withdraw(_ r: PendingRequest) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard let i = waiting.firstIndex(where: { $0 === r }) else { return false }
        waiting.remove(at: i)
        return true
    }

    /// A request let go of its permit: the oldest waiting one starts now, on this thread.
    func finished() {
        lock.lock()
        if waiting.isEmpty {
            available += 1
            lock.unlock()
        } else {
            let next = waiting.removeFirst()
            lock.unlock()
            next.start()
        }
    }
}

/// An exchange under way, which can be abandoned.
protocol RunningExchange: AnyObject, Sendable {
    func cancel()
}

/// One request from submission to answer: queued, then running as an exchange.
final class PendingRequest: @unchecked Sendable {
    typealias Outcome = Result<RawAnswer, Error>
    private let lock = NSLock()
    private var task: RunningExchange?
    private var continuation: CheckedContinuation<Outcome, Never>?
    private var cancelled = false
    private let queue: RequestQueue
    /// Starts the exchange; it calls `completed` when it ends.
    private let makeTask: (PendingRequest) -> RunningExchange

    init(queue: RequestQueue, makeTask: @escaping (PendingRequest) -> RunningExchange) {
        self.queue = queue
        self.makeTask = makeTask
    }

    func wait(_ k: CheckedContinuation<Outcome, Never>) {
        lock.lock()
        continuation = k
        lock.unlock()
        queue.submit(self)
    }

    /// Called with a permit held.
    fileprivate func start() {
        lock.lock()
        if cancelled {
            lock.unlock()
            queue.finished()
            finish(.failure(ExchangeFailure.cancelled))
            return
        }
        lock.unlock()
        let t = makeTask(self)
        lock.lock()
        task = t
        let cancelledMeanwhile = cancelled
        lock.unlock()
        if cancelledMeanwhile { t.cancel() }
    }

    /// From the exchange's end: free the permit first, then answer.
    func completed(_ outcome: Outcome) {
        // The exchange holds this request (to answer it); letting go of it here breaks the cycle.
        lock.lock()
        task = nil
        lock.unlock()
        queue.finished()
        finish(outcome)
    }

    func cancel() {
        lock.lock()
        cancelled = true
        let t = task
        lock.unlock()
        if let t {
            t.cancel()
            return
        }
        if queue.withdraw(self) { finish(.failure(ExchangeFailure.cancelled)) }
    }

    private func finish(_ outcome: Outcome) {
        lock.lock()
        let k = continuation
        continuation = nil
        lock.unlock()
        k?.resume(returning: outcome)
    }
}
