import Foundation
import Clinical
import FHIRAdapters

/// The query that fetches one section of a patient, per release (interface.md §3).
public struct SectionQuery: Sendable, Equatable {
    public let section: ClinicalSection
    /// Relative URL, as placed in the batch entry.
    public let url: String
    /// Asked when the first query fails (STU3/R4 Coverage by `beneficiary`).
    public let fallbackURL: String?

    /// The six section queries for a patient.
    public static func all(patientId id: String, profile: FHIRProfile, count: Int) -> [SectionQuery] {
        let pid = FormEncoding.escape(id)
        let sort = "\(profile.sortNewestFirst.name)=\(FormEncoding.escape(profile.sortNewestFirst.value))"
        let newest = profile.release == .dstu2 ? "_sort:desc=date" : sort
        return [
            SectionQuery(section: .vitals, url: "Observation?patient=\(pid)&category=vital-signs&\(newest)", fallbackURL: nil),
            SectionQuery(section: .conditions, url: "Condition?patient=\(pid)&_count=\(count)", fallbackURL: nil),
            SectionQuery(section: .encounter, url: "Encounter?patient=\(pid)&\(newest)&_count=1", fallbackURL: nil),
            SectionQuery(section: .allergies, url: "AllergyIntolerance?patient=\(pid)", fallbackURL: nil),
            SectionQuery(section: .medications, url: "\(profile.medicationResource)?patient=\(pid)&_count=\(count)", fallbackURL: nil),
            SectionQuery(section: .coverage, url: "Coverage?patient=\(pid)",
                         fallbackURL: profile.release == .dstu2 ? nil : "Coverage?beneficiary=\(pid)"),
        ]
    }
}

/// What came back for one section: its resources, or why it is unavailable.
enum SectionResult: Sendable {
    case found([FoundResource])
    case failed(String)
}

extension FHIRConnection {
    /// Opens a patient: `GET Patient/{id}` and one batch for the sections (or parallel GETs when
    /// the server lists no batch or the batch fails). Each section stands on its own: one that
    /// fails is `unavailable` with the reason and never hides the others.
    public func patientRecord(id: String, now: @Sendable () -> Date = Date.init) async throws(FHIRClientError) -> PatientRecord {
        var queries = SectionQuery.all(patientId: id, profile: profile, count: transport.options.sectionCount)
        if learned.useBeneficiaryForCoverage, let i = queries.firstIndex(where: { $0.section == .coverage }), let f = queries[i].fallbackURL {
            queries[i] = SectionQuery(section: .coverage, url: f, fallbackURL: nil)
        }
        async let sectionsTask = sectionResults(queries)
        let patientJSON: JSONValue
        do {
            patientJSON = try await getJSON("Patient/\(FormEncoding.escape(id))")
        } catch {
            _ = await sectionsTask
            if case .notFound = error { throw .patientNotFound(id: id) }
            throw error
        }
        guard patientJSON["resourceType"]?.string == "Patient" else {
            _ = await sectionsTask
            throw .notFHIRJSON(url: "Patient/\(id)", detail: "expected a Patient, got '\(patientJSON["resourceType"]?.string ?? patientJSON.typeName)'")
        }
        let results = await sectionsTask
        let fetched = now()
        let patientCtx = MappingContext(profile: profile, resources: [])
        var record = PatientRecord(patient: Patient(fhir: patientJSON, fallbackId: id, context: patientCtx), fhirVersion: release, fetchedAt: fetched)
        var warnings = patientCtx.warnings
        for q in queries {
            switch results[q.section] ?? .failed("no answer") {
            case .found(let resources):
                let ctx = MappingContext(profile: profile, resources: resources)
                RecordAssembler.apply(q.section, resources: resources, to: &record, context: ctx, fetchedAt: fetched)
                warnings += ctx.warnings
            case .failed(let reason):
                record.sections[q.section] = SectionState(.unavailable(reason: reason), fetchedAt: fetched)
            }
        }
        record.warnings = warnings
        return record
    }

    func sectionResults(_ queries: [SectionQuery]) async -> [ClinicalSection: SectionResult] {
        var results: [ClinicalSection: SectionResult] = [:]
        if capabilities.supportsBatch, let batched = try? await batch(queries) {
            results = batched
        } else {
            results = await parallel(queries.map { ($0.section, $0.url) })
        }
        // Fallbacks for sections whose first query failed (STU3 has no Coverage?patient).
        let retry = queries.compactMap { q -> (ClinicalSection, String)? in
            guard let f = q.fallbackURL, case .failed = results[q.section] else { return nil }
            return (q.section, f)
        }
        if !retry.isEmpty {
            for (s, r) in await parallel(retry) {
                if case .found = r {
                    results[s] = r
                    if s == .coverage { learned.useBeneficiaryForCoverage = true }
                } else if case .failed(let why) = r, case .failed(let first)? = results[s] {
                    results[s] = .failed("\(first); fallback: \(why)")
                }
            }
        }
        return results
    }

    /// One `batch` POST; throws when the batch as a whole fails (then the caller uses GETs).
    func batch(_ queries: [SectionQuery]) async throws(FHIRClientError) -> [ClinicalSection: SectionResult] {
        let bundle: JSONValue = ["resourceType": "Bundle", "type": "batch",
                                 "entry": .array(queries.map { ["request": ["method": "GET", "url": .string($0.url)]] })]
        let answer = try await send("POST", baseURL, body: bundle.data, contentType: "application/fhir+json")
        guard answer.status == 200 else { throw FHIRConnection.error(for: answer) }
        let json = try answer.json()
        let entries = json["entry"]?.list ?? []
        guard json["resourceType"]?.string == "Bundle", json["type"]?.string == "batch-response", entries.count == queries.count else {
            throw .notFHIRJSON(url: answer.url, detail: "expected a batch-response with \(queries.count) entries")
        }
        var out: [ClinicalSection: SectionResult] = [:]
        for (q, e) in zip(queries, entries) {
            let status = e["response"]?["status"]?.string ?? ""
            let code = Int(status.prefix(3)) ?? 0
            guard (200..<300).contains(code), let res = e["resource"] else {
                let why = e["resource"].flatMap(OperationOutcomeReader.summary) ?? (status.isEmpty ? "no status" : status)
                out[q.section] = .failed("server answered \(status.isEmpty ? "nothing" : status): \(why)")
                continue
            }
            out[q.section] = await collect(res, first: q.url)
        }
        return out
    }

    /// The same queries as separate GETs, several at once.
    func parallel(_ queries: [(ClinicalSection, String)]) async -> [ClinicalSection: SectionResult] {
        await withTaskGroup(of: (ClinicalSection, SectionResult).self) { group in
            for (s, u) in queries {
                group.addTask { (s, await self.fetchSection(u)) }
            }
            var out: [ClinicalSection: SectionResult] = [:]
            for await (s, r) in group { out[s] = r }
            return out
        }
    }

    /// One section by GET. Kept out of the task-group closure: a typed-throws call inside it
    /// crashed release builds of Swift 6.3.1 ("Bad pointer dereference" when storing the result).
    func fetchSection(_ url: String) async -> SectionResult {
        let json: JSONValue
        do { json = try await getJSON(url) } catch { return .failed(error.description) }
        return await collect(json, first: url)
    }

    /// A searchset's resources, following `next` links (bounded).
    func collect(_ first: JSONValue, first url: String) async -> SectionResult {
        if let o = OperationOutcomeReader.summary(first) { return .failed(o) }
        var page = first
        var all: [FoundResource] = []
        for _ in 0..<transport.options.maxSectionPages {
            guard let doc = try? FHIRDocument(json: page) else { return .failed("the answer to '\(url)' is not FHIR") }
            all += doc.resources.filter { $0.type != "Bundle" && $0.type != "OperationOutcome" }
            guard let next = (page["link"]?.list ?? []).first(where: { $0["relation"]?.string == "next" })?["url"]?.string else { break }
            do { page = try await getJSON(next) } catch { return all.isEmpty ? .failed(error.description) : .found(all) }
        }
        return .found(all)
    }
}
