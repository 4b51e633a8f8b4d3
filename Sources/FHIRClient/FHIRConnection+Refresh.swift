import Clinical
import FHIRAdapters
import Foundation

/// Incremental refresh: before reading a cached patient again, ask the server in one batch what
/// changed since the last whole read — a conditional read of the Patient and, per section, the
/// same search with `_lastUpdated=gt…` and `_count=1`. A patient of whom nothing changed keeps
/// the cached copy; one with any change is read whole (a record is always one snapshot, never
/// old sections glued to new ones). Where the server cannot say, the patient is read whole.
extension FHIRConnection {
    /// Whether this server can be asked what changed: it takes batches and declares `_lastUpdated`
    /// for every section's type, and it has not refused or ignored it on this connection.
    public var asksWhatChanged: Bool {
        guard capabilities.supportsBatch, !learned.lastUpdatedUnusable else { return false }
        let types = sectionQueries(for: "-").map(\.resourceType)
        return types.allSatisfy(capabilities.declaresLastUpdated)
    }

    /// The records of `ids`: unchanged (with the basis for the next time) for a patient the server
    /// says has not changed since `bases[id]`, read whole otherwise.
    public func refreshedRecords(
        ids: [String], bases: [String: RefreshBasis], now: @escaping @Sendable () -> Date = Date.init
    ) async -> [String: Result<FetchedRecord, FHIRClientError>] {
        let current = now()
        let askable =
            asksWhatChanged
            ? ids.filter { id in
                // A basis from another server (the connection was pointed elsewhere) says nothing here.
                guard let basis = bases[id], basis.server == baseURL.absoluteString else { return false }
                return current.timeIntervalSince(basis.readAt) < RefreshBasis.wholeReadAfter
            } : []
        var out: [String: Result<FetchedRecord, FHIRClientError>] = [:]
        out.reserveCapacity(ids.count)
        if !askable.isEmpty {
            switch await unchangedSince(askable, bases) {
            case .success(let unchanged):
                for (id, basis) in unchanged { out[id] = .success(.unchanged(basis)) }
            case .failure(let error):
                for id in askable { out[id] = .failure(error) }
            }
        }
        // The patients read whole, a whole read's batch at a time (a refresh batch carries more).
        let whole = ids.filter { out[$0] == nil }
        let size = max(1, patientsPerBatch)
        let groups = stride(from: 0, to: whole.count, by: size).map { Array(whole[$0..<min($0 + size, whole.count)]) }
        await withTaskGroup(of: [String: Result<PatientRecord, FHIRClientError>].self) { group in
            for ids in groups {
                group.addTask { await self.patientRecords(ids: ids, oneRequest: true, now: now) }
            }
            for await records in group {
                for (id, result) in records { out[id] = result.map(FetchedRecord.changed) }
            }
        }
        return out
    }

    /// The patients of `ids` the server says have not changed, with their new bases. Fails only
    /// when the server cannot be reached (the others are then not tried again one by one).
    func unchangedSince(_ ids: [String], _ bases: [String: RefreshBasis]) async -> Result<
        [String: RefreshBasis], FHIRClientError
    > {
        var requests: [BatchRequest] = []
        var detectors: [String: [SectionQuery]] = [:]
        for id in ids {
            guard let basis = bases[id] else { continue }
            let queries = sectionQueries(for: id)
            detectors[id] = queries
            requests.append(
                BatchRequest(
                    url: "Patient/\(FormEncoding.escape(id))", ifNoneMatch: basis.patientVersion.map { "W/\"\($0)\"" },
                    ifModifiedSince: basis.patientLastUpdated))
            // A section with a fallback not yet learned (R4 Coverage by beneficiary) is asked both
            // ways, unless the capability statement lists the first way.
            let since = FormEncoding.escape(FHIRDate.iso8601(basis.serverTime))
            for query in queries {
                requests.append(BatchRequest(url: Self.changedSince(query.url, since: since)))
                if let fallback = fallbackAskedToo(query) {
                    requests.append(BatchRequest(url: Self.changedSince(fallback, since: since)))
                }
            }
        }
        let reply: BatchReply
        do {
            reply = try await batchAnswers(requests)
        } catch {
            if error.isUnreachable || Task.isCancelled { return .failure(error) }
            if Self.refusesTheSize(error), ids.count > 1 {
                // Halve and learn, as a whole read does.
                let half = ids.count / 2
                learned.patientsPerBatchLimit = min(learned.patientsPerBatchLimit ?? half, half)
                async let firstHalf = unchangedSince(Array(ids[..<half]), bases)
                async let secondHalf = unchangedSince(Array(ids[half...]), bases)
                switch await (firstHalf, secondHalf) {
                case (.success(let first), .success(let second)):
                    return .success(first.merging(second) { kept, _ in kept })
                case (.failure(let unreachable), _), (_, .failure(let unreachable)):
                    return .failure(unreachable)
                }
            }
            // The batch as a whole was refused: every patient is read whole.
            return .success([:])
        }
        var unchanged: [String: RefreshBasis] = [:]
        var offset = 0
        for id in ids {
            guard let basis = bases[id], let queries = detectors[id] else { continue }
            let patientAnswer = reply.answers[offset]
            offset += 1
            var sectionsUnchanged = true
            for query in queries {
                let first = verdict(reply.answers[offset], since: basis.serverTime)
                offset += 1
                var second: Verdict? = nil
                if fallbackAskedToo(query) != nil {
                    second = verdict(reply.answers[offset], since: basis.serverTime)
                    offset += 1
                }
                sectionsUnchanged = sectionsUnchanged && sectionUnchanged(query, first, second)
            }
            guard patientUnchanged(patientAnswer, basis), sectionsUnchanged else { continue }
            // Asked again from this answer's time on; a server that sent no date is asked from the old one.
            if let answered = reply.answeredBefore, answered > basis.serverTime {
                unchanged[id] = basis.asked(at: answered)
            } else {
                unchanged[id] = basis
            }
        }
        return .success(unchanged)
    }

    /// The fallback a refresh asks beside a section's query: none when the server declares the
    /// query's own parameter (a failure then makes the patient read whole, fallback and all).
    private func fallbackAskedToo(_ query: SectionQuery) -> String? {
        guard let fallback = query.fallbackURL else { return nil }
        if capabilities.declaresSearch(query.resourceType, by: query.firstParameter) == true { return nil }
        return fallback
    }

    /// `304 Not Modified`, or the same version sent again by a server that ignored the condition.
    func patientUnchanged(_ answer: BatchAnswer, _ basis: RefreshBasis) -> Bool {
        if answer.code == 304 { return true }
        guard answer.code == 200, let version = answer.resource?["meta"]?["versionId"]?.string else { return false }
        return version == basis.patientVersion
    }

    /// What one "changed since?" search said.
    enum Verdict {
        /// An empty searchset.
        case nothingNew
        /// Matches changed after the time asked.
        case changed
        /// Matches older than asked for, or without `meta.lastUpdated`: the server ignored it.
        case ignored
        /// Not answered (the status code).
        case failed(Int)
    }

    func verdict(_ answer: BatchAnswer, since: Date) -> Verdict {
        guard (200..<300).contains(answer.code), let bundle = answer.resource,
            bundle["resourceType"]?.string == "Bundle"
        else { return .failed(answer.code) }
        let matches = (bundle["entry"]?.list ?? .empty).filter { entry in
            entry["search"]?["mode"]?.string != "outcome"
                && entry["resource"]?["resourceType"]?.string != "OperationOutcome"
        }
        if matches.isEmpty { return (bundle["total"]?.double ?? 0) == 0 ? .nothingNew : .changed }
        let honoured = matches.allSatisfy { entry in
            guard let text = entry["resource"]?["meta"]?["lastUpdated"]?.string,
                let changed = FHIRDate(text).instant
            else { return false }
            return changed > since
        }
        return honoured ? .changed : .ignored
    }

    /// Whether a section is unchanged, from its question and, for a section with a fallback, the
    /// fallback's. A server that ignored `_lastUpdated`, or refused it where the same search
    /// without it worked before, is not asked again on this connection.
    func sectionUnchanged(_ query: SectionQuery, _ first: Verdict, _ fallback: Verdict?) -> Bool {
        switch (first, fallback) {
        case (.ignored, _), (_, .ignored?):
            learned.lastUpdatedUnusable = true
            return false
        case (.changed, _), (_, .changed?):
            return false
        case (.nothingNew, _):
            return true
        case (.failed, .nothingNew?):
            // The first search is refused and its fallback answers, as at the last whole read.
            if query.section == .coverage { learned.useBeneficiaryForCoverage = true }
            return true
        case (.failed(let code), _):
            if code == 400, fallback == nil || isFailed400(fallback) { learned.lastUpdatedUnusable = true }
            return false
        }
    }

    private func isFailed400(_ verdict: Verdict?) -> Bool {
        if case .failed(400)? = verdict { return true }
        return false
    }

    /// A section's search asking only whether anything changed after `since` (an escaped
    /// instant, written once per patient): its filters, with `_lastUpdated=gt…` and `_count=1`
    /// instead of its sort and page size. Formed by bytes: a re-sync forms one per section and
    /// patient, and splitting by Character showed in its profile.
    static func changedSince(_ url: String, since: String) -> String {
        let bytes = url.utf8
        let question = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex
        var out = String(url[..<question])
        out.reserveCapacity(bytes.count + since.utf8.count + 24)
        var separator = "?"
        var start = question < bytes.endIndex ? bytes.index(after: question) : question
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.endIndex
            let parameter = url[start..<end]
            let replaced = parameter.utf8.starts(with: "_sort".utf8) || parameter.utf8.starts(with: "_count=".utf8)
            if !parameter.isEmpty, !replaced {
                out += separator
                out += parameter
                separator = "&"
            }
            start = end < bytes.endIndex ? bytes.index(after: end) : end
        }
        out += separator + "_lastUpdated=gt" + since + "&_count=1"
        return out
    }
}
