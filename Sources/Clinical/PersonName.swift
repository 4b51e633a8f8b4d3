import Foundation

/// A person's name as parts, with the display forms Rounds shows.
public struct PersonName: Sendable, Hashable, Codable {
    public var family: String?
    public var given: [String]
    public var prefix: [String]
    public var suffix: [String]
    /// FHIR `use`: official, usual, maiden, nickname…
    public var use: String?
    /// FHIR `text`: the name as one string, when the server sends it.
    public var text: String?

    public init(
        family: String? = nil, given: [String] = [], prefix: [String] = [], suffix: [String] = [],
        use: String? = nil, text: String? = nil
    ) {
        self.family = family
        self.given = given
        self.prefix = prefix
        self.suffix = suffix
        self.use = use
        self.text = text
    }

    /// `Family, Given Middle`; the `text` when there are no parts; `(no name)` when there is nothing.
    public var display: String {
        let fam = family?.trimmed ?? ""
        let giv = given.map(\.trimmed).filter { !$0.isEmpty }.joined(separator: " ")
        switch (fam.isEmpty, giv.isEmpty) {
        case (false, false): return "\(fam), \(giv)"
        case (false, true): return fam
        case (true, false): return giv
        case (true, true):
            if let t = text?.trimmed, !t.isEmpty { return t }
            return PersonName.noName
        }
    }

    /// Natural order with prefix: `Mr. Hugh Chau`.
    public var spoken: String {
        let parts = prefix + given + [family ?? ""] + suffix
        let s = parts.map(\.trimmed).filter { !$0.isEmpty }.joined(separator: " ")
        return s.isEmpty ? display : s
    }

    /// Initials for a masked screen: `H. C.`; `?` when there is no name.
    public var initials: String {
        var letters: [String] = given.compactMap { $0.trimmed.first.map { "\($0)." } }
        if let f = family?.trimmed.first { letters.append("\(f).") }
        if letters.isEmpty, let t = text?.trimmed, !t.isEmpty {
            letters = t.split(separator: " ").compactMap { $0.first.map { "\($0)." } }
        }
        return letters.isEmpty ? "?" : letters.joined(separator: " ")
    }

    /// What a patient without any name is shown as.
    public static let noName = "(no name)"
}

extension String {
    /// Without surrounding whitespace; names rarely have any, so skip Foundation when not needed.
    var trimmed: String {
        guard let f = first, let l = last, f.isWhitespace || l.isWhitespace else { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
