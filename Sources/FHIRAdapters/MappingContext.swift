import Clinical
import Foundation

/// Shared state while mapping one document: warnings found, and the resources a reference can
/// point to (`#contained`, `urn:uuid:` full URLs, `Type/id` in the same Bundle).
public final class MappingContext {
    public private(set) var warnings: [DataWarning] = []
    public let profile: FHIRProfile
    /// The time records are judged against (an identifier whose period ended before it is retired).
    public let now: Date
    private let resources: [FoundResource]
    private var indexed = false
    private var byFullUrl: [String: JSONNode] = [:]
    private var byTypeAndId: [String: JSONNode] = [:]

    public init(profile: FHIRProfile, resources: [FoundResource] = [], now: Date = Date()) {
        self.profile = profile
        self.resources = resources
        self.now = now
    }

    /// Builds the reference index on first use: most sections (vital signs) never resolve one.
    private func index() {
        guard !indexed else { return }
        indexed = true
        for r in resources {
            if let u = r.fullUrl { byFullUrl[u] = r.resource }
            if let id = r.id { byTypeAndId["\(r.type)/\(id)"] = r.resource }
        }
    }

    /// Records a field that could not be read.
    public func warn(_ path: String, _ value: JSONNode?, _ reason: String) {
        warnings.append(DataWarning(path: path, value: value?.preview, reason: reason))
    }

    public func warn(_ w: DataWarning) { warnings.append(w) }

    /// The resource a `Reference` points to, looked up in `container.contained`, then in the document.
    public func resolve(_ reference: JSONNode?, in container: JSONNode) -> JSONNode? {
        guard let ref = reference?["reference"]?.string, !ref.isEmpty else { return nil }
        if ref.hasPrefix("#") {
            let id = String(ref.dropFirst())
            return (container["contained"]?.list ?? .empty).first { $0["id"]?.text == id }
        }
        index()
        if let r = byFullUrl[ref] { return r }
        if let key = MappingContext.typeAndId(ref), let r = byTypeAndId[key] { return r }
        return nil
    }

    /// `Patient/123` from `Patient/123`, `/Patient/123`, `https://x/fhir/Patient/123/_history/2`.
    public static func typeAndId(_ ref: String) -> String? {
        var parts = ref.split(separator: "/").map(String.init)
        if let h = parts.firstIndex(of: "_history") { parts = Array(parts[..<h]) }
        guard parts.count >= 2 else { return nil }
        return "\(parts[parts.count - 2])/\(parts[parts.count - 1])"
    }

    /// A date field read as `FHIRDate`, warning (but keeping the text) when it does not parse.
    /// (`path` is formed only for a warning: a sync reads tens of thousands of dates.)
    public func date(_ v: JSONNode?, path: @autoclosure () -> String) -> FHIRDate? {
        guard let v, !v.isNull else { return nil }
        guard let s = v.string else {
            warn(path(), v, "expected a date string, got a \(v.typeName)")
            return nil
        }
        let d = FHIRDate(s)
        if d.isUnparsed {
            warn(path(), v, "not a FHIR date; shown as sent")
        } else if d.hour != nil, d.utcOffsetSeconds == nil {
            // FHIR requires a zone on a dateTime with a time; without one the moment is a guess.
            warn(path(), v, "a time without a zone; shown as sent, taken as local time")
        }
        return d
    }

    /// A string field; numbers and booleans are accepted as text with a warning.
    public func string(_ v: JSONNode?, path: @autoclosure () -> String) -> String? {
        guard let v, !v.isNull else { return nil }
        if let s = v.string { return s }
        if let t = v.text {
            warn(path(), v, "expected a string, got a \(v.typeName)")
            return t
        }
        warn(path(), v, "expected a string, got a \(v.typeName)")
        return nil
    }
}

/// Helpers for the common FHIR datatypes, tolerant of the shape variations real servers send.
public enum Datatypes {
    /// Text of a CodeableConcept: `text`, else the first coding's display, else its code.
    public static func conceptText(_ c: JSONNode?) -> String? {
        guard let c else { return nil }
        if let s = c.string { return s }
        if let t = c["text"]?.string, !t.isEmpty { return t }
        for coding in c["coding"]?.list ?? .empty {
            if let d = coding["display"]?.string, !d.isEmpty { return d }
        }
        return c["coding"]?.list.first?["code"]?.text ?? c["display"]?.string ?? c["code"]?.text
    }

    /// The contract's order: first coding's display, else text, else any display, else a code.
    public static func codingFirstText(_ c: JSONNode?) -> String? {
        guard let c else { return nil }
        if let d = c["coding"]?.list.first?["display"]?.string, !d.isEmpty { return d }
        return conceptText(c)
    }

    /// A status that may be a code string (STU3) or a CodeableConcept (R4).
    public static func code(_ v: JSONNode?) -> String? {
        guard let v else { return nil }
        if let s = v.string { return s }
        return v["coding"]?.list.first?["code"]?.text ?? v["text"]?.string
    }

    /// Plain text from a narrative `div` (tags stripped, entities for <>& decoded).
    public static func narrative(_ r: JSONNode) -> String? {
        guard let div = r["text"]?["div"]?.string else { return nil }
        var out = ""
        var inTag = false
        let decoded = div.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        for ch in decoded {
            if ch == "<" {
                inTag = true
                out.append(" ")
                continue
            }
            if ch == ">" {
                inTag = false
                continue
            }
            if !inTag { out.append(ch) }
        }
        let text = out.replacingOccurrences(of: "&amp;", with: "&").split(whereSeparator: { $0.isWhitespace }).joined(
            separator: " ")
        return text.isEmpty ? nil : text
    }

    /// A reference's display, else the name of what it resolves to.
    public static func referenceDisplay(_ ref: JSONNode?, in container: JSONNode, context: MappingContext) -> String? {
        guard let ref else { return nil }
        if let d = ref["display"]?.string, !d.isEmpty { return d }
        guard let target = context.resolve(ref, in: container) else { return nil }
        return resourceName(target)
    }

    /// A readable name for Practitioner, Organization, Location, Medication resources.
    public static func resourceName(_ r: JSONNode) -> String? {
        if let n = r["name"]?.string { return n }
        if let names = r["name"]?.list, let first = names.first {
            if let t = first["text"]?.string { return t }
            let fam = first["family"]?.list.compactMap(\.string).joined(separator: " ") ?? ""
            let giv = (first["given"]?.list ?? .empty).compactMap(\.string).joined(separator: " ")
            let pre = (first["prefix"]?.list ?? .empty).compactMap(\.string).joined(separator: " ")
            let s = [pre, giv, fam].filter { !$0.isEmpty }.joined(separator: " ")
            if !s.isEmpty { return s }
        }
        if r["resourceType"]?.string == "Medication" { return conceptText(r["code"]) }
        return nil
    }
}
