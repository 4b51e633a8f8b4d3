import Clinical
import FHIRAdapters
import Foundation

/// A patient search as the FHIR client sends it (interface.md §2).
public typealias PatientQuery = PatientCriteria

extension PatientCriteria {
    /// The form body for `Patient/_search` in this profile's release; `contains: false` sends the
    /// plain name parameters (for a server that refuses `:contains`).
    public func parameters(_ profile: FHIRProfile, contains: Bool = true) throws(FHIRClientError) -> [(String, String)]
    {
        var p: [(String, String)] = []
        func nameParameter(_ part: String) -> String { contains ? profile.nameParameter(part) : part }
        if let family, !family.isEmpty { p.append((nameParameter("family"), family)) }
        if let given, !given.isEmpty { p.append((nameParameter("given"), given)) }
        if let name, !name.isEmpty { p.append((nameParameter("name"), name)) }
        if let mrn, !mrn.isEmpty { p.append(("identifier", mrn)) }
        if let birthDate, !birthDate.isEmpty {
            guard FHIRDate(birthDate).precision == .date else {
                throw .unsupportedSearch("Birth date '\(birthDate)' must be YYYY-MM-DD.")
            }
            p.append(("birthdate", birthDate))
        }
        if let gender, !gender.isEmpty {
            guard profile.searchesGender else {
                throw .unsupportedSearch("Searching by gender is not available on \(profile.release.rawValue) servers.")
            }
            p.append(("gender", gender.lowercased()))
        }
        if let id, !id.isEmpty { p.append(("_id", id)) }
        p.append(("_count", String(count)))
        return p
    }
}

/// One page of patient search results; `total` is the number of matches, apart from the page.
public struct PatientSearchPage: Sendable {
    public var total: Int?
    public var patients: [Patient]
    public var next: String?
    public var warnings: [DataWarning]
    /// Names matched only by their start: the server refused `:contains`.
    public var namesByStart = false
}

extension PatientCriteria {
    /// Names in a query are the only part whose matching differs between servers.
    public static func hasNameParts(_ q: PatientCriteria) -> Bool {
        [q.family, q.given, q.name].contains { !($0 ?? "").isEmpty }
    }
}

extension FHIRConnection {
    /// `POST Patient/_search` with a form body. Names are searched with `:contains`; a server that
    /// answers that with 400/422/501 (a modifier it does not support) is asked again with the plain
    /// parameters, which it matches by the start of a name, and the page says so. The refusal is
    /// remembered for the connection.
    public func searchPatients(_ query: PatientQuery) async throws(FHIRClientError) -> PatientSearchPage {
        let withNames = PatientQuery.hasNameParts(query)
        if withNames, !learned.containsRefused {
            let answer = try await postSearch(try query.parameters(profile, contains: true))
            if answer.status == 200 { return try page(try answer.json(), url: answer.url) }
            guard [400, 422, 501].contains(answer.status) else { throw FHIRConnection.error(for: answer) }
            learned.containsRefused = true
        }
        let answer = try await postSearch(try query.parameters(profile, contains: !withNames))
        guard answer.status == 200 else { throw FHIRConnection.error(for: answer) }
        var result = try page(try answer.json(), url: answer.url)
        result.namesByStart = withNames
        return result
    }

    private func postSearch(_ parameters: [(String, String)]) async throws(FHIRClientError) -> HTTPAnswer {
        let body = FormEncoding.body(parameters)
        return try await send(
            "POST", try url("Patient/_search"), body: body, contentType: "application/x-www-form-urlencoded")
    }

    /// The page a `next` link points to.
    public func nextPage(_ link: String) async throws(FHIRClientError) -> PatientSearchPage {
        let target = try url(link)
        guard Origin.same(target, baseURL) else { throw .crossOriginLink(base: Origin.text(baseURL), link: link) }
        let answer = try await send("GET", target)
        guard answer.status == 200 else { throw FHIRConnection.error(for: answer) }
        var result = try page(try answer.json(), url: answer.url)
        result.namesByStart = learned.containsRefused
        return result
    }

    func page(_ json: JSONNode, url: String) throws(FHIRClientError) -> PatientSearchPage {
        let doc: FHIRDocument
        do { doc = try FHIRDocument(json: json) } catch { throw .notFHIRJSON(url: url, detail: "\(error)") }
        if let o = OperationOutcomeReader.summary(json) { throw .server(status: 200, url: url, diagnostics: o) }
        let ctx = MappingContext(profile: profile, resources: doc.resources)
        let patients = doc.resources(ofType: "Patient").enumerated().map { k, r in
            Patient(fhir: r.resource, fallbackId: r.fullUrl ?? "result-\(k + 1)", context: ctx)
        }
        let next = (json["link"]?.list ?? .empty).first { $0["relation"]?.string == "next" }?["url"]?.string
        return PatientSearchPage(
            total: json["total"]?.double.map { Int($0) }, patients: patients, next: next, warnings: ctx.warnings)
    }
}
