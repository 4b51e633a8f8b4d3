/// The members of a JSON object, in document order, looked up by a linear scan.
///
/// FHIR objects have a handful of members, so comparing short keys beats hashing them: parsing
/// and reading a sync's ~30,000 observations spent most of their time in dictionary hashing and
/// allocation. Keys are unique (a repeated key keeps the last value, as a dictionary would), and
/// equality ignores member order, as JSON's does.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: String, value: JSONValue)
    private var members: [Element]

    public init() { members = [] }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = []
        members.reserveCapacity(elements.count)
        for (k, v) in elements { self[k] = v }
    }

    /// Members straight from the parser, which may repeat a key; the last one wins.
    init(parsed: [Element]) {
        members = parsed
        if parsed.count > 1 { dropRepeatedKeys() }
    }

    private mutating func dropRepeatedKeys() {
        // Small objects (nearly all): compare pairwise, no allocation.
        if members.count <= 16 {
            var repeated = false
            outer: for i in 1..<members.count {
                for j in 0..<i where members[j].key == members[i].key {
                    repeated = true
                    break outer
                }
            }
            guard repeated else { return }
        }
        var seen = Set<String>(minimumCapacity: members.count)
        var repeated = false
        for m in members where !seen.insert(m.key).inserted {
            repeated = true
            break
        }
        guard repeated else { return }
        var kept: [Element] = []
        seen.removeAll()
        for m in members.reversed() where seen.insert(m.key).inserted { kept.append(m) }
        members = kept.reversed()
    }

    public subscript(key: String) -> JSONValue? {
        get {
            for m in members where m.key == key { return m.value }
            return nil
        }
        set {
            if let i = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[i].value = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.append((key: key, value: newValue))
            }
        }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }

    public func makeIterator() -> IndexingIterator<[Element]> { members.makeIterator() }

    public func compactMapValues(_ transform: (JSONValue) throws -> JSONValue?) rethrows -> JSONObject {
        var out = JSONObject()
        out.members.reserveCapacity(members.count)
        for m in members { if let v = try transform(m.value) { out.members.append((key: m.key, value: v)) } }
        return out
    }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        guard a.members.count == b.members.count else { return false }
        for m in a.members { guard let v = b[m.key], v == m.value else { return false } }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, to agree with ==.
        var sum = 0
        for m in members {
            var h = Hasher()
            h.combine(m.key)
            h.combine(m.value)
            sum &+= h.finalize()
        }
        hasher.combine(members.count)
        hasher.combine(sum)
    }
}
