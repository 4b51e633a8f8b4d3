import Clinical
import Foundation

/// Why a file or response body could not be read as FHIR at all.
public enum FHIRReadError: Error, Sendable, Equatable, CustomStringConvertible {
    case notJSON(JSONParseError)
    case notFHIR(String)

    /// Its words stay beside the cases: the FHIR client puts them in the reason an answer was
    /// refused, below the generator that words everything else (`ErrorText`).
    public var description: String {
        switch self {
        case .notJSON(let parse): return "not valid JSON: \(parse)"
        case .notFHIR(let why): return "not a FHIR resource: \(why)"
        }
    }
}

/// A resource found in a document, with the `fullUrl` it was listed under in its Bundle.
public struct FoundResource: Sendable {
    public let resource: JSONNode
    public let fullUrl: String?
    public var type: String { resource["resourceType"]?.string ?? "" }
    public var id: String? { resource["id"]?.text }

    public init(resource: JSONNode, fullUrl: String?) {
        self.resource = resource
        self.fullUrl = fullUrl
    }
}

/// One FHIR JSON document (a resource or a Bundle) flattened to its resources.
public struct FHIRDocument: Sendable {
    public let root: JSONNode
    /// Every resource, Bundles unpacked (also Bundles nested in entries, as a batch-response has).
    public let resources: [FoundResource]
    /// The release the document looks like, from its shapes (see `VersionDetector`).
    public let release: FHIRRelease?
    public let warnings: [DataWarning]

    /// Reads a JSON document; throws only for text that is not JSON or JSON that is not FHIR.
    public init(data: Data) throws(FHIRReadError) {
        let root: JSONNode
        do { root = try JSONNode.parse(data) } catch { throw .notJSON(error) }
        try self.init(json: root)
    }

    public init(json root: JSONNode) throws(FHIRReadError) {
        guard root.kind == .object else {
            throw .notFHIR("the document is a JSON \(root.typeName), not a FHIR resource")
        }
        guard root["resourceType"]?.string != nil else { throw .notFHIR("the document has no 'resourceType'") }
        self.root = root
        var found: [FoundResource] = []
        var warnings: [DataWarning] = []
        FHIRDocument.collect(root, fullUrl: nil, path: "", into: &found, warnings: &warnings, depth: 0)
        resources = found
        self.warnings = warnings
        release = VersionDetector.detect(
            found.map(\.resource), declared: root["fhirVersion"]?.string ?? root["meta"]?["fhirVersion"]?.string)
    }

    private static func collect(
        _ r: JSONNode, fullUrl: String?, path: String, into found: inout [FoundResource],
        warnings: inout [DataWarning], depth: Int
    ) {
        guard depth < 8 else { return }
        if r["resourceType"]?.string == "Bundle" {
            for (k, entry) in (r["entry"]?.list ?? .empty).enumerated() {
                let p = "\(path)Bundle.entry[\(k)]"
                guard var res = entry["resource"] else { continue }
                // Some documentation double-wraps entries ({fullUrl, resource} inside resource).
                if res["resourceType"] == nil, let inner = res["resource"] {
                    warnings.append(
                        DataWarning(
                            path: p + ".resource", value: res.preview,
                            reason: "entry wrapped twice; read the inner resource"))
                    res = inner
                }
                guard res["resourceType"]?.string != nil else {
                    warnings.append(
                        DataWarning(
                            path: p + ".resource", value: res.preview, reason: "entry without resourceType skipped"))
                    continue
                }
                collect(
                    res, fullUrl: entry["fullUrl"]?.string ?? res["fullUrl"]?.string, path: p + ".", into: &found,
                    warnings: &warnings, depth: depth + 1)
            }
            if depth > 0 { found.append(FoundResource(resource: r, fullUrl: fullUrl)) }
            return
        }
        found.append(FoundResource(resource: r, fullUrl: fullUrl))
    }

    /// Resources of one type.
    public func resources(ofType type: String) -> [FoundResource] { resources.filter { $0.type == type } }
}
