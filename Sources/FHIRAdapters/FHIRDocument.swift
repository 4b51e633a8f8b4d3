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
    /// Read once: sections filter by type many times.
    public let type: String
    public var id: String? { resource["id"]?.text }

    public init(resource: JSONNode, fullUrl: String?) {
        self.resource = resource
        self.fullUrl = fullUrl
        type = resource["resourceType"]?.string ?? ""
    }
}

/// One FHIR JSON document (a resource or a Bundle) flattened to its resources.
public struct FHIRDocument: Sendable {
    public let root: JSONNode
    /// Every resource, Bundles unpacked (also Bundles nested in entries, as a batch-response has).
    public let resources: [FoundResource]
    /// The release the document looks like, from its shapes (see `VersionDetector`). Judged when
    /// asked: a sync knows the release from the server and never asks.
    public var release: FHIRRelease? {
        VersionDetector.detect(
            resources.map(\.resource), declared: root["fhirVersion"]?.string ?? root["meta"]?["fhirVersion"]?.string)
    }
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
    }

    /// Bundles nested deeper than this are not read.
    private static let maxDepth = 8

    private static func collect(
        _ r: JSONNode, fullUrl: String?, path: String, into found: inout [FoundResource],
        warnings: inout [DataWarning], depth: Int
    ) {
        guard depth < FHIRDocument.maxDepth else { return }
        let resource = FoundResource(resource: r, fullUrl: fullUrl)
        guard resource.type == "Bundle" else {
            found.append(resource)
            return
        }
        for (k, entry) in (r["entry"]?.list ?? .empty).enumerated() {
            // Formed only for a warning or a nested Bundle: a searchset has thousands of entries.
            func entryPath() -> String { "\(path)Bundle.entry[\(k)]" }
            guard var res = entry["resource"] else { continue }
            var type = res["resourceType"]
            // Some documentation double-wraps entries ({fullUrl, resource} inside resource).
            if type == nil, let inner = res["resource"] {
                warnings.append(
                    DataWarning(
                        path: entryPath() + ".resource", value: res.preview,
                        reason: "entry wrapped twice; read the inner resource"))
                res = inner
                type = res["resourceType"]
            }
            guard type?.kind == .string else {
                warnings.append(
                    DataWarning(
                        path: entryPath() + ".resource", value: res.preview,
                        reason: "entry without resourceType skipped"))
                continue
            }
            let entryURL = entry["fullUrl"]?.string ?? res["fullUrl"]?.string
            if type?.isString("Bundle") == true {
                collect(
                    res, fullUrl: entryURL, path: entryPath() + ".", into: &found, warnings: &warnings,
                    depth: depth + 1)
            } else if depth + 1 < FHIRDocument.maxDepth {
                found.append(FoundResource(resource: res, fullUrl: entryURL))
            }
        }
        if depth > 0 { found.append(resource) }
    }

    /// Resources of one type.
    public func resources(ofType type: String) -> [FoundResource] { resources.filter { $0.type == type } }
}
