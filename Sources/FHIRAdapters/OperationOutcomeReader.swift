/// Reads the diagnostics out of an OperationOutcome (any release).
public enum OperationOutcomeReader {
    /// `error: Patient 123 not found` for each issue, joined; `nil` when the value is no outcome.
    public static func summary(_ r: JSONNode) -> String? {
        guard r["resourceType"]?.string == "OperationOutcome" else { return nil }
        let parts: [String] = (r["issue"]?.list ?? .empty).compactMap { issue in
            let text =
                issue["diagnostics"]?.string ?? issue["details"]?["text"]?.string
                ?? issue["details"]?["coding"]?[0]?["display"]?.string ?? issue["code"]?.string
            guard let text else { return nil }
            if let sev = issue["severity"]?.string { return "\(sev): \(text)" }
            return text
        }
        return parts.isEmpty
            ? "the server returned an OperationOutcome without diagnostics" : parts.joined(separator: "; ")
    }
}
