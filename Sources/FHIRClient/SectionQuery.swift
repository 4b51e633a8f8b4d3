import Clinical
import FHIRAdapters
import Foundation

/// The query that fetches one section of a patient, per release (interface.md §3).
public struct SectionQuery: Sendable, Equatable {
    public let section: ClinicalSection
    /// Relative URL, as placed in the batch entry.
    public let url: String
    /// Asked when the first query fails (STU3/R4 Coverage by `beneficiary`).
    public let fallbackURL: String?
    /// The resource type searched (`Observation` for vital signs).
    public var resourceType: String { String(url.prefix { $0 != "?" }) }
    /// The first search parameter's name (`patient` in `Coverage?patient=…`).
    public var firstParameter: String {
        String(url.drop { $0 != "?" }.dropFirst().prefix { $0 != "=" && $0 != "&" })
    }

    /// The six section queries for a patient. `_sort` is sent as the contract asks, but never
    /// trusted: encounters are asked for by the page (not `_count=1`) and Rounds chooses the
    /// current stay itself; every page of vital signs is read.
    public static func all(patientId id: String, profile: FHIRProfile, count: Int, vitalsPageSize: Int = 200)
        -> [SectionQuery]
    {
        let pid = FormEncoding.escape(id)
        let sort = "\(profile.sortNewestFirst.name)=\(FormEncoding.escape(profile.sortNewestFirst.value))"
        let newest = profile.release == .dstu2 ? "_sort:desc=date" : sort
        let vitals = "Observation?patient=\(pid)&category=vital-signs&\(newest)&_count=\(vitalsPageSize)"
        let medications = "\(profile.medicationResource)?patient=\(pid)&_count=\(count)"
        // DSTU2 defines no patient search on Coverage; the contract asks partners for `patient`,
        // and a strict server that refuses it is asked by `subscriber` (DSTU2's element).
        let coverageFallback = profile.release == .dstu2 ? "Coverage?subscriber=\(pid)" : "Coverage?beneficiary=\(pid)"
        return [
            SectionQuery(section: .vitals, url: vitals, fallbackURL: nil),
            SectionQuery(section: .conditions, url: "Condition?patient=\(pid)&_count=\(count)", fallbackURL: nil),
            SectionQuery(
                section: .encounter, url: "Encounter?patient=\(pid)&\(newest)&_count=\(count)", fallbackURL: nil),
            SectionQuery(section: .allergies, url: "AllergyIntolerance?patient=\(pid)", fallbackURL: nil),
            SectionQuery(section: .medications, url: medications, fallbackURL: nil),
            SectionQuery(section: .coverage, url: "Coverage?patient=\(pid)", fallbackURL: coverageFallback),
        ]
    }
}

/// What came back for one section: its resources, or why it is unavailable.
enum SectionResult: Sendable {
    /// The resources; `incomplete` says why more pages were not read.
    case found([FoundResource], incomplete: String?)
    case failed(String)
}

extension FHIRConnection {
    /// Opens a patient: `GET Patient/{id}` and one batch for the sections (or parallel GETs when
    /// the server lists no batch or the batch fails). Each section stands on its own: one that
    /// fails is `unavailable` with the reason and never hides the others.
    public func patientRecord(id: String, now: @Sendable () -> Date = Date.init) async throws(FHIRClientError)
        -> PatientRecord
    {
        let queries = sectionQueries(for: id)
        async let sectionsTask = sectionResults(queries)
        let patientJSON: JSONNode
        do {
            patientJSON = try await getJSON("Patient/\(FormEncoding.escape(id))")
        } catch {
            // Leaving the scope cancels the sections still under way (a server that timed out on
            // the Patient would keep each of them until its deadline).
            if case .notFound = error { throw .patientNotFound(id: id) }
            throw error
        }
        guard patientJSON["resourceType"]?.string == "Patient" else {
            throw .notFHIRJSON(
                url: "Patient/\(id)",
                detail: "expected a Patient, got '\(patientJSON["resourceType"]?.string ?? patientJSON.typeName)'")
        }
        let results = await sectionsTask
        return await assemble(patientJSON, id: id, queries: queries, results: results, now: now)
    }

    /// The six section queries of a patient, with what this server taught (Coverage by beneficiary).
    func sectionQueries(for id: String) -> [SectionQuery] {
        let options = transport.options
        var queries = SectionQuery.all(
            patientId: id, profile: profile, count: options.sectionCount,
            vitalsPageSize: options.vitalsPageSize)
        // The fallback from the start when the server taught it, or declares Coverage searches
        // without `patient` but with the fallback's parameter (`beneficiary`, DSTU2 `subscriber`).
        if let i = queries.firstIndex(where: { $0.section == .coverage }), let f = queries[i].fallbackURL,
            learned.useBeneficiaryForCoverage || declaresOnlyTheFallback(f)
        {
            queries[i] = SectionQuery(section: .coverage, url: f, fallbackURL: nil)
        }
        return queries
    }

    private func declaresOnlyTheFallback(_ fallback: String) -> Bool {
        let parameter = fallback.split(separator: "?").last?.split(separator: "=").first.map(String.init) ?? ""
        return capabilities.declaresSearch("Coverage", by: "patient") == false
            && capabilities.declaresSearch("Coverage", by: parameter) == true
    }

    /// A record from its Patient resource and its sections' answers: each section stands on its
    /// own, one that failed is `unavailable` with the reason.
    func assemble(
        _ patientJSON: JSONNode, id: String, queries: [SectionQuery], results: [ClinicalSection: SectionResult],
        now: @Sendable () -> Date
    ) async -> PatientRecord {
        let fetched = now()
        let patientCtx = MappingContext(profile: profile, resources: [])
        var record = PatientRecord(
            patient: Patient(fhir: patientJSON, fallbackId: id, context: patientCtx), fhirVersion: release,
            fetchedAt: fetched)
        var warnings = patientCtx.warnings
        for q in queries {
            switch results[q.section] ?? .failed("no answer") {
            case .found(let resources, let incomplete):
                let resolved = await resolvingReferences(q.section, resources)
                let ctx = MappingContext(profile: profile, resources: resolved)
                RecordAssembler.apply(q.section, resources: resolved, to: &record, context: ctx, fetchedAt: fetched)
                record.sections[q.section]?.incomplete = incomplete
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
        var batchFailure: FHIRClientError?
        if capabilities.supportsBatch {
            do { results = try await batch(queries) } catch { batchFailure = error }
        }
        if let batchFailure, batchFailure.isUnreachable || Task.isCancelled {
            // A server that does not answer the batch will not answer each search either.
            for q in queries { results[q.section] = .failed(batchFailure.description) }
            return results
        }
        if results.isEmpty {
            results = await parallel(queries.map { ($0.section, $0.url) })
        }
        return await retryingFallbacks(queries, results)
    }

    /// Asks again, by the fallback query, for the sections whose first query failed.
    func retryingFallbacks(
        _ queries: [SectionQuery], _ answered: [ClinicalSection: SectionResult]
    ) async -> [ClinicalSection: SectionResult] {
        var results = answered
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
        let bundle: JSONValue = [
            "resourceType": "Bundle", "type": "batch",
            "entry": .array(queries.map { ["request": ["method": "GET", "url": .string($0.url)]] }),
        ]
        let answer = try await send("POST", baseURL, body: bundle.data, contentType: "application/fhir+json")
        guard answer.status == 200 else { throw FHIRConnection.error(for: answer) }
        let json = try answer.json()
        let entries = json["entry"]?.list ?? .empty
        guard json["resourceType"]?.string == "Bundle", json["type"]?.string == "batch-response",
            entries.count == queries.count
        else {
            throw .notFHIRJSON(url: answer.url, detail: "expected a batch-response with \(queries.count) entries")
        }
        var out: [ClinicalSection: SectionResult] = [:]
        for (q, e) in zip(queries, entries) {
            let status = e["response"]?["status"]?.string ?? ""
            let code = Int(status.prefix(3)) ?? 0
            guard (200..<300).contains(code), let res = e["resource"] else {
                let why =
                    e["resource"].flatMap(OperationOutcomeReader.summary) ?? (status.isEmpty ? "no status" : status)
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
        let json: JSONNode
        do { json = try await getJSON(url) } catch { return .failed(error.description) }
        return await collect(json, first: url)
    }

    /// A searchset's resources, following `next` links up to the page bound. A search that asked
    /// for one result (`_count=1`) never follows `next`. A section cut short — by the bound or by
    /// a page that failed — keeps what it read and says so.
    func collect(_ first: JSONNode, first url: String) async -> SectionResult {
        if let o = OperationOutcomeReader.summary(first) { return .failed(o) }
        let single = url.split(separator: "?").last?.split(separator: "&").contains("_count=1") ?? false
        let maxPages = transport.options.maxSectionPages
        var page = first
        var all: [FoundResource] = []
        // A resource on two pages (the data moved while paging) counts once; a `next` link to a
        // page already read is a loop and is not followed.
        var seen: Set<String> = []
        var visited: Set<String> = [url]
        for pageNumber in 1...maxPages {
            guard let doc = try? FHIRDocument(json: page) else { return .failed("the answer to '\(url)' is not FHIR") }
            for found in doc.resources where found.type != "Bundle" && found.type != "OperationOutcome" {
                guard let id = found.resource["id"]?.string else {
                    all.append(found)
                    continue
                }
                if seen.insert(found.type + "/" + id).inserted { all.append(found) }
            }
            let links = page["link"]?.list ?? .empty
            guard let next = links.first(where: { $0["relation"]?.string == "next" })?["url"]?.string else { break }
            if single { break }
            guard visited.insert(next).inserted else {
                return .found(all, incomplete: "the server's next link repeats a page already read; not followed")
            }
            // A `next` link to another origin would carry the token (and the patient id) there.
            guard let nextURL = URL(string: next), !next.hasPrefix("http") || Origin.same(nextURL, baseURL) else {
                return .found(all, incomplete: "the next page is on another origin ('\(next)'); not followed")
            }
            if pageNumber == maxPages {
                return .found(all, incomplete: "stopped after \(maxPages) pages; older records were not read")
            }
            do {
                page = try await getJSON(next)
            } catch {
                if all.isEmpty { return .failed(error.description) }
                return .found(
                    all, incomplete: "page \(pageNumber + 1) failed (\(error.description)); older records were not read"
                )
            }
        }
        return .found(all, incomplete: nil)
    }
}

extension FHIRConnection {
    /// Reads what a section's resources name only by reference, so the record can say it: a
    /// Coverage payor given only as `Organization/…`, and the Locations of an encounter whose
    /// place is not named or has several current places (bed, room, ward) to choose between.
    /// Reads are cached per connection (one payor serves many patients); one that fails leaves
    /// the reference unresolved, never the section.
    func resolvingReferences(_ section: ClinicalSection, _ resources: [FoundResource]) async -> [FoundResource] {
        var wanted: [String] = []
        switch section {
        case .coverage:
            for r in resources where r.type == "Coverage" {
                let payors = (r.resource["payor"]?.list ?? .empty) + (r.resource["issuer"].map { [$0] } ?? [])
                for payor in payors where payor["display"]?.string?.isEmpty ?? true {
                    if let key = Self.readableReference(payor, type: "Organization") { wanted.append(key) }
                }
            }
        case .encounter:
            for r in resources where r.type == "Encounter" {
                let places = r.resource["location"]?.list ?? .empty
                let active = places.filter { Datatypes.code($0["status"]) == "active" }
                let needsTypes = active.count > 1 && active.contains { $0["physicalType"] == nil }
                for place in places where needsTypes || (place["location"]?["display"]?.string?.isEmpty ?? true) {
                    if let key = Self.readableReference(place["location"], type: "Location") { wanted.append(key) }
                }
            }
        default:
            return resources
        }
        let present = Set(resources.compactMap { r in r.id.map { "\(r.type)/\($0)" } })
        var seen: Set<String> = []
        let missing = wanted.filter { !present.contains($0) && seen.insert($0).inserted }
        guard !missing.isEmpty else { return resources }
        var out = resources
        for key in missing {
            let json = await referenceCache.resolve(key) { [self] in await readReference(key) }
            if let json { out.append(FoundResource(resource: json, fullUrl: nil)) }
        }
        return out
    }

    /// One referenced resource by `Type/id`, or `nil` when it cannot be read or is of another type.
    /// Kept out of the caching closure (typed throws inside closures crashed release builds).
    func readReference(_ key: String) async -> JSONNode? {
        let json: JSONNode
        do { json = try await getJSON(key) } catch { return nil }
        let type = key.split(separator: "/").first.map(String.init)
        return json["resourceType"]?.string == type ? json : nil
    }

    /// `Organization/123` for a relative reference of that type on this server; `nil` for a
    /// contained (`#…`), absolute or other-typed reference (never read from another origin).
    static func readableReference(_ ref: JSONNode?, type: String) -> String? {
        guard let text = ref?["reference"]?.string, text.hasPrefix(type + "/") else { return nil }
        let parts = text.split(separator: "/")
        guard parts.count == 2 || (parts.count == 4 && parts[2] == "_history") else { return nil }
        return "\(type)/\(parts[1])"
    }
}

/// Resources read to resolve references, by `Type/id`. A read in flight is shared (patients of a
/// sync that share a payor ask at once), and a failed read is remembered as `nil` so a sync of a
/// unit does not ask again for every patient.
actor ReferenceCache {
    private var reads: [String: Task<JSONNode?, Never>] = [:]

    func resolve(_ key: String, read: @escaping @Sendable () async -> JSONNode?) async -> JSONNode? {
        if let existing = reads[key] { return await existing.value }
        let task = Task { await read() }
        reads[key] = task
        return await task.value
    }
}
