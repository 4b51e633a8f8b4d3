import Clinical
import FHIRAdapters
import Foundation

/// Several patients in one batch: each patient's `GET Patient/{id}` and its six section queries,
/// seven entries per patient, in one POST. Per-entry failures fail only that patient's section
/// (or, for the Patient read, that patient); a batch the server refuses for its size is split in
/// two and the smaller size remembered for this connection.
extension FHIRConnection {
    /// How many patients a batch carries now.
    public var patientsPerBatch: Int {
        guard capabilities.supportsBatch else { return 1 }
        let setting = max(1, transport.options.patientsPerBatch)
        return min(setting, learned.patientsPerBatchLimit ?? setting)
    }

    /// How many cached patients a batch asking what changed carries: `patients` spread over the
    /// `requests` in flight, so a ward is asked in one wave rather than waiting on a second; at
    /// least twice a whole read's batch (its searches ask for one match each and are answered in
    /// a few bytes), at most five times (fifty patients by default, 400 entries, under the 500 a
    /// batch is commonly capped at). A server that refused a size has taught a limit, which then
    /// holds for these too (as does a server never asked what changed).
    public func patientsPerRefresh(spreading patients: Int, over requests: Int) -> Int {
        guard capabilities.supportsBatch else { return 1 }
        guard asksWhatChanged, learned.patientsPerBatchLimit == nil else { return patientsPerBatch }
        let spread = (patients + max(1, requests) - 1) / max(1, requests)
        return min(patientsPerBatch * 5, max(patientsPerBatch * 2, spread))
    }

    /// The records of `ids`, each a record or why it could not be read. One patient alone is read
    /// as the detail pane reads it (the Patient and its sections at once, two requests) unless
    /// `oneRequest` asks for a single batch (a sync, where requests count more than latency).
    public func patientRecords(
        ids: [String], oneRequest: Bool = false, now: @escaping @Sendable () -> Date = Date.init
    ) async -> [String: Result<PatientRecord, FHIRClientError>] {
        guard ids.count > 1 || (oneRequest && !ids.isEmpty), capabilities.supportsBatch else {
            return await oneByOne(ids, now: now)
        }
        let queries = Dictionary(uniqueKeysWithValues: ids.map { ($0, sectionQueries(for: $0)) })
        var urls: [String] = []
        for id in ids { urls += ["Patient/\(FormEncoding.escape(id))"] + (queries[id] ?? []).map(\.url) }
        let reply: BatchReply
        do {
            reply = try await batchAnswers(urls.map { BatchRequest(url: $0) })
        } catch {
            if Self.refusesTheSize(error) {
                // Halve and learn: the next batches of this connection are no larger.
                let half = max(1, ids.count / 2)
                learned.patientsPerBatchLimit = min(learned.patientsPerBatchLimit ?? half, half)
                async let first = patientRecords(ids: Array(ids[..<half]), now: now)
                async let second = patientRecords(ids: Array(ids[half...]), now: now)
                return await first.merging(await second) { mine, _ in mine }
            }
            if error.isUnreachable || Task.isCancelled {
                return Dictionary(uniqueKeysWithValues: ids.map { ($0, .failure(error)) })
            }
            return await oneByOne(ids, now: now)
        }
        let answers = reply.answers
        var patientAnswers: [String: BatchAnswer] = [:]
        var sections: [String: [ClinicalSection: SectionResult]] = [:]
        var offset = 0
        for id in ids {
            let patientQueries = queries[id] ?? []
            patientAnswers[id] = answers[offset]
            var results: [ClinicalSection: SectionResult] = [:]
            for (k, query) in patientQueries.enumerated() {
                results[query.section] = await sectionResult(answers[offset + 1 + k], first: query.url)
            }
            sections[id] = results
            offset += 1 + patientQueries.count
        }
        // Fallbacks only for patients the server could read (the others fail whole).
        let readable = ids.filter { (200..<300).contains(patientAnswers[$0]?.code ?? 0) }
        sections = await retryingFallbacks(readable, queries, sections)
        var out: [String: Result<PatientRecord, FHIRClientError>] = [:]
        out.reserveCapacity(ids.count)
        for id in ids {
            guard let patientAnswer = patientAnswers[id] else { continue }
            out[id] = await record(
                id, patientAnswer: patientAnswer, queries: queries[id] ?? [], results: sections[id] ?? [:],
                answeredBefore: reply.answeredBefore, now: now)
        }
        return out
    }

    /// Asks again, by the fallback query, for the sections whose first query failed: every
    /// patient's in one batch (ten patients on a server without `Coverage?patient` are one more
    /// request, not ten), else each patient's as a single patient's are.
    func retryingFallbacks(
        _ ids: [String], _ queries: [String: [SectionQuery]], _ answered: [String: [ClinicalSection: SectionResult]]
    ) async -> [String: [ClinicalSection: SectionResult]] {
        var retries: [(id: String, section: ClinicalSection, url: String)] = []
        for id in ids {
            for query in queries[id] ?? [] {
                guard let fallback = query.fallbackURL, case .failed? = answered[id]?[query.section] else { continue }
                retries.append((id, query.section, fallback))
            }
        }
        guard !retries.isEmpty else { return answered }
        var results = answered
        guard retries.count > 1, let reply = try? await batchAnswers(retries.map { BatchRequest(url: $0.url) }) else {
            for id in ids {
                results[id] = await retryingFallbacks(queries[id] ?? [], answered[id] ?? [:])
            }
            return results
        }
        for (retry, answer) in zip(retries, reply.answers) {
            let result = await sectionResult(answer, first: retry.url)
            switch (result, results[retry.id]?[retry.section]) {
            case (.found, _):
                results[retry.id]?[retry.section] = result
                if retry.section == .coverage { learned.useBeneficiaryForCoverage = true }
            case (.failed(let why), .failed(let first)?):
                results[retry.id]?[retry.section] = .failed("\(first); fallback: \(why)")
            default:
                break
            }
        }
        return results
    }

    /// A batch too large for the server: 413, a 400 about the request, or no answer in time.
    static func refusesTheSize(_ error: FHIRClientError) -> Bool {
        switch error {
        case .server(let status, _, _): return status == 413 || status == 400
        case .timedOut: return true
        default: return false
        }
    }

    func oneByOne(
        _ ids: [String], now: @escaping @Sendable () -> Date
    ) async -> [String: Result<PatientRecord, FHIRClientError>] {
        await withTaskGroup(of: (String, Result<PatientRecord, FHIRClientError>).self) { group in
            for id in ids {
                group.addTask {
                    do {
                        return (id, .success(try await self.patientRecord(id: id, now: now)))
                    } catch let error as FHIRClientError {
                        return (id, .failure(error))
                    } catch {
                        return (id, .failure(.network(url: "Patient/\(id)", detail: String(describing: error))))
                    }
                }
            }
            var out: [String: Result<PatientRecord, FHIRClientError>] = [:]
            out.reserveCapacity(ids.count)
            for await (id, result) in group { out[id] = result }
            return out
        }
    }

    func record(
        _ id: String, patientAnswer: BatchAnswer, queries: [SectionQuery], results: [ClinicalSection: SectionResult],
        answeredBefore: Date?, now: @escaping @Sendable () -> Date
    ) async -> Result<PatientRecord, FHIRClientError> {
        let url = "Patient/\(id)"
        guard (200..<300).contains(patientAnswer.code), let patientJSON = patientAnswer.resource else {
            if patientAnswer.code == 404 { return .failure(.patientNotFound(id: id)) }
            let why = patientAnswer.resource.flatMap(OperationOutcomeReader.summary)
            return .failure(.server(status: patientAnswer.code, url: url, diagnostics: why ?? patientAnswer.status))
        }
        guard patientJSON["resourceType"]?.string == "Patient" else {
            let got = patientJSON["resourceType"]?.string ?? patientJSON.typeName
            return .failure(.notFHIRJSON(url: url, detail: "expected a Patient, got '\(got)'"))
        }
        var record = await assemble(patientJSON, id: id, queries: queries, results: results, now: now)
        // A whole read answered at a known server time is what the next sync asks "changed since?" about.
        if let answeredBefore {
            let meta = patientJSON["meta"]
            record.basis = RefreshBasis(
                server: baseURL.absoluteString, serverTime: answeredBefore, readAt: record.fetchedAt ?? now(),
                patientVersion: meta?["versionId"]?.string,
                patientLastUpdated: meta?["lastUpdated"]?.string.flatMap { FHIRDate($0).instant })
        }
        return .success(record)
    }

    func sectionResult(_ answer: BatchAnswer, first url: String) async -> SectionResult {
        guard (200..<300).contains(answer.code), let resource = answer.resource else {
            let why = answer.resource.flatMap(OperationOutcomeReader.summary) ?? answer.status
            return .failed("server answered \(answer.status.isEmpty ? "nothing" : answer.status): \(why)")
        }
        return await collect(resource, first: url)
    }

    /// One entry of a batch-response.
    struct BatchAnswer: Sendable {
        var code: Int
        var status: String
        var resource: JSONNode?
    }

    /// One GET of a batch, conditional when it names what the client holds.
    struct BatchRequest: Sendable {
        var url: String
        var ifNoneMatch: String? = nil
        var ifModifiedSince: Date? = nil
    }

    /// A batch's answers in order, and the server's time before which everything in them held.
    struct BatchReply: Sendable {
        var answers: [BatchAnswer]
        var answeredBefore: Date?
    }

    /// One batch POST of GETs; its answers in order. Throws when the batch as a whole fails.
    func batchAnswers(_ requests: [BatchRequest]) async throws(FHIRClientError) -> BatchReply {
        let entries: [JSONValue] = requests.map { request in
            var fields: JSONObject = ["method": "GET", "url": .string(request.url)]
            if let tag = request.ifNoneMatch { fields["ifNoneMatch"] = .string(tag) }
            if let since = request.ifModifiedSince { fields["ifModifiedSince"] = .string(FHIRDate.iso8601(since)) }
            return ["request": .object(fields)]
        }
        let bundle: JSONValue = ["resourceType": "Bundle", "type": "batch", "entry": .array(entries)]
        let sent = Date()
        let answer = try await send("POST", baseURL, body: bundle.data, contentType: "application/fhir+json")
        guard answer.status == 200 else { throw FHIRConnection.error(for: answer) }
        let json = try answer.json()
        let answered = json["entry"]?.list ?? .empty
        guard json["resourceType"]?.string == "Bundle", json["type"]?.string == "batch-response",
            answered.count == requests.count
        else {
            throw .notFHIRJSON(url: answer.url, detail: "expected a batch-response with \(requests.count) entries")
        }
        let answers = answered.map { entry in
            let status = entry["response"]?["status"]?.string ?? ""
            return BatchAnswer(code: Int(status.prefix(3)) ?? 0, status: status, resource: entry["resource"])
        }
        return BatchReply(answers: answers, answeredBefore: Self.serverTime(answer, sentAt: sent))
    }

    /// The server's clock when it began on a request: its `Date` header less the time the exchange
    /// took and `RefreshBasis.margin`; `nil` when it sent no date (then nothing is asked "since").
    static func serverTime(_ answer: HTTPAnswer, sentAt sent: Date) -> Date? {
        guard let date = answer.header("Date").flatMap(HTTPDate.parse) else { return nil }
        return date.addingTimeInterval(-Date().timeIntervalSince(sent) - RefreshBasis.margin)
    }
}
