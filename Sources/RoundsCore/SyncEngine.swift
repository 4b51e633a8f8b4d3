import Clinical
import FHIRClient
import Foundation
import Store

/// Fetches one patient's whole record (the FHIR connection does; tests may pass another).
public protocol RecordFetcher: Sendable {
    func fetchRecord(id: String) async throws -> PatientRecord
    /// How many patients one request may carry now (1: one patient at a time).
    var patientsPerBatch: Int { get }
    /// How many cached patients one request asking what changed may carry, when `patients` of
    /// them are to be asked over `requests` at once.
    func patientsPerRefresh(spreading patients: Int, over requests: Int) -> Int
    /// The records of several patients at once, each a record or why not.
    func fetchRecords(ids: [String]) async -> [String: Result<PatientRecord, Error>]
    /// As `fetchRecords`, asking first what changed since `bases` (a patient with none is read whole).
    func refreshRecords(ids: [String], bases: [String: RefreshBasis]) async -> [String: Result<FetchedRecord, Error>]
}

extension RecordFetcher {
    public var patientsPerBatch: Int { 1 }
    public func patientsPerRefresh(spreading patients: Int, over requests: Int) -> Int { patientsPerBatch }

    public func fetchRecords(ids: [String]) async -> [String: Result<PatientRecord, Error>] {
        var out: [String: Result<PatientRecord, Error>] = [:]
        for id in ids {
            do { out[id] = .success(try await fetchRecord(id: id)) } catch { out[id] = .failure(error) }
        }
        return out
    }

    public func refreshRecords(ids: [String], bases: [String: RefreshBasis]) async -> [String: Result<
        FetchedRecord, Error
    >] {
        (await fetchRecords(ids: ids)).mapValues { result in result.map(FetchedRecord.changed) }
    }
}

extension FHIRConnection: RecordFetcher {
    public func fetchRecord(id: String) async throws -> PatientRecord { try await patientRecord(id: id) }

    public func fetchRecords(ids: [String]) async -> [String: Result<PatientRecord, Error>] {
        (await patientRecords(ids: ids)).mapValues { result in result.mapError { $0 as Error } }
    }

    public func refreshRecords(ids: [String], bases: [String: RefreshBasis]) async -> [String: Result<
        FetchedRecord, Error
    >] {
        (await refreshedRecords(ids: ids, bases: bases)).mapValues { result in result.mapError { $0 as Error } }
    }
}

/// Asks a running sync to stop after the patients in flight (Ctrl-C, the TUI's cancel).
public final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    public init() {}
    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }
    public var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }
}

/// Where a sync is.
public struct SyncProgress: Sendable, Equatable {
    public var done: Int
    public var total: Int
    public var failed: Int
    public var elapsed: TimeInterval
    /// Patients asked of the server and not answered yet.
    public var waiting: Int = 0
    /// How long the request that has waited longest has waited (seconds).
    public var longestWait: TimeInterval = 0
    public init(done: Int, total: Int, failed: Int, elapsed: TimeInterval) {
        self.done = done
        self.total = total
        self.failed = failed
        self.elapsed = elapsed
    }

    /// Seconds a request may take before progress says what is slow.
    public static let slowAfter: TimeInterval = 3

    /// What is slow, when something is: "10 patients waiting 6 s for the server".
    public var slowness: String? {
        guard longestWait >= SyncProgress.slowAfter, waiting > 0 else { return nil }
        let who = waiting == 1 ? "1 patient" : "\(waiting) patients"
        return "\(who) waiting \(Int(longestWait)) s for the server"
    }
    /// Patients per second so far.
    public var rate: Double { elapsed > 0 ? Double(done) / elapsed : 0 }
    /// Seconds left at the current rate.
    public var eta: TimeInterval? { rate > 0 ? Double(total - done) / rate : nil }
}

/// What a sync did, for the summary line and `--json`.
public struct SyncSummary: Sendable, Codable, Equatable {
    public struct Failure: Sendable, Codable, Equatable {
        public var id: String
        public var reason: String
        /// The EHR could not be reached at all (not a refusal, not a bad answer).
        public var unreachable: Bool = false
        public init(id: String, reason: String, unreachable: Bool = false) {
            self.id = id
            self.reason = reason
            self.unreachable = unreachable
        }
    }
    public var list: String?
    public var total: Int
    public var synced: Int
    public var unchanged: Int
    public var failed: [Failure]
    public var durationSeconds: Double
    public var interrupted: Bool
    /// Patients not attempted because the sync was stopped.
    public var remaining: Int
    /// Why the sync stopped by itself (the credentials were refused), when it did.
    public var stoppedBecause: String?

    public init(
        list: String?, total: Int, synced: Int, unchanged: Int, failed: [Failure], durationSeconds: Double,
        interrupted: Bool, remaining: Int
    ) {
        self.list = list
        self.total = total
        self.synced = synced
        self.unchanged = unchanged
        self.failed = failed
        self.durationSeconds = durationSeconds
        self.interrupted = interrupted
        self.remaining = remaining
    }
}

/// Syncs patients into the cache, several at once; each patient's write is one transaction, so
/// a sync killed at any moment leaves every patient either old or new, never half.
///
/// `concurrency` is the number of requests the server sees at once (the connection's request
/// gate enforces it). The engine keeps twice that many patients in the pipeline: a patient costs
/// two requests (the Patient read and the section batch, sent together) and then local work
/// (parse, map, write); with only `concurrency` patients the connections would sit idle during
/// that local work.
public struct SyncEngine: Sendable {
    public let cache: Cache
    public let fetcher: RecordFetcher
    public let concurrency: Int
    /// Failures in a row that mean the server is not answering, and end the run.
    public static let unreachableLimit = 3
    /// Patients fetched or written at the same time.
    public var patientsInFlight: Int { concurrency == 1 ? 1 : concurrency * 2 }

    public init(cache: Cache, fetcher: RecordFetcher, concurrency: Int = 6) {
        self.cache = cache
        self.fetcher = fetcher
        self.concurrency = max(1, concurrency)
    }

    public func run(
        ids: [String], list: String?, stop: StopFlag = StopFlag(),
        progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) async -> SyncSummary {
        let start = Date()
        let run = try? cache.beginSyncRun(list: list)
        var synced = 0
        var unchanged = 0
        var failures: [SyncSummary.Failure] = []
        var done = 0
        var stoppedBecause: String?
        var unreachableInARow = 0
        // Cached patients first, in batches asking what changed (they carry more patients), then
        // the others, read whole.
        let cached = Set(((try? cache.refreshBases(ids)) ?? [:]).keys)
        var queue = (ids.filter(cached.contains) + ids.filter { !cached.contains($0) })[...]
        // Several patients per request when the server takes batches: as many batches in flight
        // as requests, each of `patientsPerBatch` patients (read again at each launch: a server
        // that refused a size has taught a smaller one). Not more: a stop (Ctrl-C, refused
        // credentials) finishes what is in flight, and each batch is many patients.
        let batching = fetcher.patientsPerBatch > 1
        let inFlight = InFlight()
        func current() -> SyncProgress {
            var p = SyncProgress(
                done: done, total: ids.count, failed: failures.count, elapsed: Date().timeIntervalSince(start))
            (p.waiting, p.longestWait) = inFlight.snapshot()
            return p
        }
        // Progress says what is slow while nothing finishes: every second a request has waited
        // past `slowAfter`. Looked at four times a second, said once per whole second waited: the
        // line comes when the wait reaches `slowAfter`, not up to a second later (or never, when a
        // busy machine wakes the ticker late and the answer comes first).
        let ticker = Task { [inFlight] in
            var lastSaid = -1
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 250_000_000)
                let (waiting, longest) = inFlight.snapshot()
                let seconds = Int(longest)
                guard longest >= SyncProgress.slowAfter, seconds != lastSaid, !Task.isCancelled else { continue }
                lastSaid = seconds
                var p = inFlight.lastProgress ?? SyncProgress(done: 0, total: ids.count, failed: 0, elapsed: 0)
                p.elapsed = Date().timeIntervalSince(start)
                (p.waiting, p.longestWait) = (waiting, longest)
                progress(p)
            }
        }
        defer { ticker.cancel() }
        await withTaskGroup(of: [(String, Result<SaveOutcome, Error>)].self) { group in
            func launch() -> Bool {
                guard !stop.isStopped, !queue.isEmpty else { return false }
                let refreshing = cached.contains(queue[queue.startIndex])
                let size = max(
                    1,
                    refreshing
                        ? fetcher.patientsPerRefresh(spreading: cached.count, over: concurrency)
                        : fetcher.patientsPerBatch)
                let chunk = Array(queue.prefix(size).prefix { cached.contains($0) == refreshing })
                queue = queue.dropFirst(chunk.count)
                let ticket = inFlight.begin(chunk.count)
                group.addTask {
                    let results = await self.syncChunk(chunk)
                    inFlight.end(ticket)
                    return results
                }
                return true
            }
            for _ in 0..<(batching ? concurrency : patientsInFlight) { if !launch() { break } }
            while let results = await group.next() {
                var outcomes: [SyncOutcomeRow] = []
                var reports: [SyncProgress] = []
                for (id, result) in results {
                    done += 1
                    var outcome = "failed"
                    var failureReason: String?
                    switch result {
                    case .success(let saved):
                        outcome = saved.rawValue
                        if saved == .unchanged {
                            unchanged += 1
                        } else {
                            synced += 1
                        }
                        unreachableInARow = 0
                    case .failure(let e):
                        let reason = SyncEngine.describe(e)
                        failureReason = reason
                        let unreachable = (e as? FHIRClientError)?.isUnreachable ?? false
                        failures.append(.init(id: id, reason: reason, unreachable: unreachable))
                        // Refused credentials fail every patient alike: stop after those in flight,
                        // with one clear reason, instead of asking the token endpoint for each.
                        if let clientError = e as? FHIRClientError, clientError.isCredentialRefusal {
                            stoppedBecause = reason
                            stop.stop()
                        }
                        // A server that stopped answering (timeouts, refused connections) is not asked
                        // for every remaining patient: the cache keeps their last copies.
                        if let clientError = e as? FHIRClientError, clientError.isUnreachable {
                            unreachableInARow += 1
                            if unreachableInARow >= SyncEngine.unreachableLimit, stoppedBecause == nil {
                                stoppedBecause = "the server stopped answering (\(reason))"
                                stop.stop()
                                // The patients in flight would each wait out their own deadlines.
                                group.cancelAll()
                            }
                        }
                    }
                    outcomes.append(SyncOutcomeRow(patientId: id, outcome: outcome, reason: failureReason))
                    reports.append(current())
                }
                // The next batch goes out before this one's bookkeeping is written: the server's
                // wait and the disk's overlap.
                _ = launch()
                if let run { try? cache.recordSyncOutcomes(run: run, outcomes) }
                for report in reports {
                    inFlight.lastProgress = report
                    progress(report)
                }
            }
        }
        let interrupted = stop.isStopped && !queue.isEmpty
        if let run {
            try? cache.finishSyncRun(
                run, synced: synced, unchanged: unchanged, failed: failures.count, interrupted: interrupted)
        }
        var summary = SyncSummary(
            list: list, total: ids.count, synced: synced, unchanged: unchanged, failed: failures,
            durationSeconds: Date().timeIntervalSince(start), interrupted: interrupted, remaining: queue.count)
        summary.stoppedBecause = stoppedBecause
        return summary
    }

    private func syncChunk(_ ids: [String]) async -> [(String, Result<SaveOutcome, Error>)] {
        // Patients whose cached copy is whole are asked "what changed since?" first.
        let bases = (try? cache.refreshBases(ids)) ?? [:]
        if bases.isEmpty, ids.count == 1 { return [(ids[0], await syncOne(ids[0]))] }
        let fetched = await fetcher.refreshRecords(ids: ids, bases: bases)
        var changed: [PatientRecord] = []
        var unchanged: [String: RefreshBasis] = [:]
        for id in ids {
            switch fetched[id] {
            case .success(.changed(let record))?: changed.append(record)
            case .success(.unchanged(let basis))?: unchanged[id] = basis
            default: break
            }
        }
        // The batch's records in one transaction; the unchanged ones confirmed in another.
        let saved = Dictionary(
            zip(changed.map(\.id), cache.save(changed)), uniquingKeysWith: { first, _ in first })
        var confirmed: Result<Void, Error> = .success(())
        do { try cache.confirmUnchanged(unchanged, at: Date()) } catch { confirmed = .failure(error) }
        return ids.map { id in
            let missing = CoreError.notFound("The batch gave no answer for '\(id)'.")
            switch fetched[id] ?? .failure(missing) {
            case .success(.changed(let record)):
                return (id, outcome(record, saved[record.id] ?? .failure(.sqlite("not saved"))))
            case .success(.unchanged):
                return (id, confirmed.map { SaveOutcome.unchanged })
            case .failure(let error):
                return (id, store(id, .failure(error)))
            }
        }
    }

    /// A saved record's outcome: a section that failed makes the patient a partial failure.
    private func outcome(_ record: PatientRecord, _ saved: Result<SaveOutcome, StoreError>) -> Result<
        SaveOutcome, Error
    > {
        switch saved {
        case .failure(let error):
            try? cache.markStale(record.id, reason: SyncEngine.describe(error))
            return .failure(error)
        case .success(let outcome):
            let failed = ClinicalSection.allCases.compactMap { section -> String? in
                guard case .unavailable(let reason) = record.state(of: section).status else { return nil }
                return "\(section.title.lowercased()): \(reason)"
            }
            if !failed.isEmpty { return .failure(SectionsFailed(sections: failed)) }
            return .success(outcome)
        }
    }

    private func syncOne(_ id: String) async -> Result<SaveOutcome, Error> {
        do {
            return store(id, .success(try await fetcher.fetchRecord(id: id)))
        } catch {
            return store(id, .failure(error))
        }
    }

    /// Saves a fetched record; a failure marks the cached copy stale.
    private func store(_ id: String, _ fetched: Result<PatientRecord, Error>) -> Result<SaveOutcome, Error> {
        do {
            let record = try fetched.get()
            // The good sections are saved; a section that failed keeps its old copy, marked stale,
            // and makes the patient a partial failure: counted, listed, never "synced".
            let saved: Result<SaveOutcome, StoreError>
            do { saved = .success(try cache.save(record)) } catch { saved = .failure(error) }
            return outcome(record, saved)
        } catch {
            // The cached copy stays; it is marked stale so nobody mistakes it for fresh.
            try? cache.markStale(id, reason: SyncEngine.describe(error))
            return .failure(error)
        }
    }

    static func describe(_ error: Error) -> String { ErrorText.describe(error) }
}

/// The requests of a sync under way, for progress: how many patients wait, since when.
final class InFlight: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var started: [Int: (at: Date, patients: Int)] = [:]
    private var last: SyncProgress?

    func begin(_ patients: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        next += 1
        started[next] = (Date(), patients)
        return next
    }

    func end(_ ticket: Int) {
        lock.lock()
        defer { lock.unlock() }
        started[ticket] = nil
    }

    /// Patients waiting, and the longest wait in seconds.
    func snapshot() -> (Int, TimeInterval) {
        lock.lock()
        defer { lock.unlock() }
        let waiting = started.values.reduce(0) { $0 + $1.patients }
        let oldest = started.values.map(\.at).min()
        return (waiting, oldest.map { Date().timeIntervalSince($0) } ?? 0)
    }

    /// The last progress reported when patients finished (the ticker repeats it, with the wait).
    var lastProgress: SyncProgress? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return last
        }
        set {
            lock.lock()
            defer { lock.unlock() }
            last = newValue
        }
    }
}

/// A patient whose record came back with sections the server could not give (a 503 on the
/// observations): saved, but only in part.
struct SectionsFailed: Error, CustomStringConvertible {
    let sections: [String]
    var description: String { "only part of the record was refreshed; failed: " + sections.joined(separator: "; ") }
}
