import Foundation

/// What charted consciousness and oxygen-therapy values mean, for NEWS2. Coded values first
/// (SNOMED CT findings, LOINC answers), then the words, read clause by clause with their
/// negations ("not confused", "off oxygen"). When the meaning is not certain the answer is `nil`:
/// NEWS2 then names the parameter as unknown instead of guessing.
public enum ChartedWords {
    /// ACVPU, least to most severe.
    public enum Level: String, Sendable, Comparable, CaseIterable {
        case alert = "A"
        case confusion = "C"
        case voice = "V"
        case pain = "P"
        case unresponsive = "U"

        public static func < (a: Level, b: Level) -> Bool { a.severity < b.severity }

        var severity: Int { Level.allCases.firstIndex(of: self) ?? 0 }
    }

    // MARK: consciousness

    /// SNOMED CT findings and LOINC answers for a level of consciousness.
    static let consciousnessCodes: [String: Level] = [
        "http://snomed.info/sct|248234008": .alert, // Mentally alert
        "http://snomed.info/sct|130987000": .confusion, // Acute confusion
        "http://snomed.info/sct|286933003": .confusion, // Confusional state
        "http://snomed.info/sct|300202002": .voice, // Responds to voice
        "http://snomed.info/sct|255373000": .voice, // Verbal (AVPU)
        "http://snomed.info/sct|450847001": .pain, // Responds to pain
        "http://snomed.info/sct|422768004": .unresponsive, // Unresponsive
        "http://loinc.org|LA6561-0": .alert, // Oriented
        "http://loinc.org|LA6560-2": .confusion, // Confused
    ]

    /// The level a charted consciousness value states, or `nil` when it is not certain.
    public static func consciousness(text: String?, codes: [String] = []) -> Level? {
        if !codes.isEmpty {
            let coded = Set(codes.compactMap { consciousnessCodes[$0] })
            if coded.count > 1 { return nil }
            if let level = coded.first { return level }
        }
        guard let text else { return nil }
        // The common charted words, without Foundation's case folding (lists score thousands).
        switch text {
        case "Alert", "alert", "A", "Alert (finding)": return .alert
        case "New confusion", "Confused", "C": return .confusion
        case "Voice", "V": return .voice
        case "Pain", "P": return .pain
        case "Unresponsive", "U": return .unresponsive
        default: break
        }
        var stated: Set<Level> = []
        var uncertain = false
        for clause in clauses(text) {
            let reading = consciousness(clause)
            stated.formUnion(reading.levels)
            uncertain = uncertain || reading.uncertain
        }
        if uncertain || stated.isEmpty { return nil }
        // "Alert but confused" is C; alert and unresponsive at once cannot both be true.
        if stated.contains(.alert), stated.contains(where: { $0 > .confusion }) { return nil }
        return stated.max()
    }

    static func consciousness(_ words: [String]) -> (levels: Set<Level>, uncertain: Bool) {
        let clause = words.joined(separator: " ")
        // A whole clause that is one ACVPU letter.
        switch clause {
        case "a": return ([.alert], false)
        case "c": return ([.confusion], false)
        case "v": return ([.voice], false)
        case "p", "pain": return ([.pain], false)
        case "u": return ([.unresponsive], false)
        default: break
        }
        var levels: Set<Level> = []
        var uncertain = false
        if let k = words.firstIndex(of: "unresponsive"), negated(words, at: k) { return ([], true) }
        // Unresponsiveness is often written as a negation: "no response", "not responding".
        if has(words, ["no", "response"]) || has(words, ["not", "responding"]) || has(words, ["non", "responsive"])
            || words.contains("unresponsive") || words.contains("unrousable") || words.contains("nonresponsive")
        {
            return ([.unresponsive], false)
        }
        if let k = firstIndex(words, of: ["alert", "oriented", "orientated", "aox3", "aox4"]), !negated(words, at: k) {
            levels.insert(.alert)
        }
        // "A&O x3", "A and O".
        if has(words, ["a", "and", "o"]) { levels.insert(.alert) }
        let confusionWords = ["confused", "confusion", "disoriented", "disorientated", "delirium", "delirious"]
        if let k = firstIndex(words, of: confusionWords) {
            // NEWS2 scores new confusion: a long-standing one is not the same finding.
            let chronic = words.contains {
                ["chronic", "baseline", "usual", "known", "longstanding", "dementia"].contains($0)
            }
            if negated(words, at: k) || resolvedAfter(words, at: k) {
                // "Not confused" says what the patient is not, not what they are.
            } else if chronic {
                uncertain = true
            } else {
                levels.insert(.confusion)
            }
        }
        if let k = firstIndex(words, of: ["voice", "verbal"]), !negated(words, at: k) { levels.insert(.voice) }
        // "Pain" is P only as a response to it ("responds to pain", "painful stimulus"); "no pain"
        // and "in pain" are about pain, not about consciousness.
        if let k = words.firstIndex(of: "pain"), k > 0, words[..<k].contains(where: { $0.hasPrefix("respon") }),
            !negated(words, at: k)
        {
            levels.insert(.pain)
        }
        if let k = words.firstIndex(of: "painful"), !negated(words, at: k) { levels.insert(.pain) }
        return (levels, uncertain)
    }

    // MARK: oxygen therapy

    static let oxygenCodes: [String: Bool] = [
        "http://snomed.info/sct|722742002": false, // Breathing room air
        "http://snomed.info/sct|57485005": true, // Oxygen therapy
        "http://snomed.info/sct|371907003": true, // Oxygen administration by nasal cannula
    ]

    /// Whether a charted oxygen-therapy value says the patient is on supplemental oxygen
    /// (`true`), on air (`false`), or `nil` when it is not certain.
    public static func onOxygen(text: String?, codes: [String] = []) -> Bool? {
        let coded = Set(codes.compactMap { oxygenCodes[$0] })
        if coded.count == 1 { return coded.first }
        if coded.count > 1 { return nil }
        guard let text else { return nil }
        var answers: Set<Bool> = []
        for words in clauses(text) {
            if let answer = onOxygen(words) { answers.insert(answer) }
        }
        return answers.count == 1 ? answers.first : nil
    }

    static func onOxygen(_ words: [String]) -> Bool? {
        let clause = words.joined(separator: " ")
        switch clause {
        case "yes", "y", "true": return true
        case "no", "n", "none", "nil", "false": return false
        default: break
        }
        let oxygenWords = [
            "oxygen", "o2", "cannula", "nc", "mask", "venturi", "nrb", "rebreather", "hfnc", "cpap", "bipap",
            "niv", "optiflow", "airvo", "litres", "liters", "lpm",
        ]
        let flowGiven = words.contains { w in
            // "2l", "4lpm", "1.5l/min" read as tokens "2l", "4lpm", "1", "5l".
            guard let last = w.last, last == "l" || w.hasSuffix("lpm") else { return false }
            return w.first?.isNumber == true
        }
        let oxygenAt =
            firstIndex(words, of: oxygenWords) ?? (flowGiven ? words.firstIndex { $0.first?.isNumber == true } : nil)
        let airAt = words.firstIndex(of: "air") ?? words.firstIndex(of: "ra")
        var answers: Set<Bool> = []
        if let k = oxygenAt {
            let stopped =
                negated(words, at: k) || resolvedAfter(words, at: k)
                || words.contains { ["discontinued", "stopped", "removed", "weaned", "ceased"].contains($0) }
            // "Weaned to room air" names air and says the oxygen stopped: both read as air.
            answers.insert(!stopped)
        }
        if let k = airAt {
            answers.insert(negated(words, at: k))
        }
        return answers.count == 1 ? answers.first : nil
    }

    // MARK: words

    /// A text as clauses of lower-case words: split at `,` `;` `.` `/` line breaks and "but".
    static func clauses(_ text: String) -> [[String]] {
        var clauses: [[String]] = []
        var words: [String] = []
        var word = ""
        func endWord() {
            if !word.isEmpty { words.append(word) }
            word = ""
        }
        func endClause() {
            endWord()
            if !words.isEmpty { clauses.append(words) }
            words = []
        }
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber {
                word.append(ch)
            } else if ",;.\n/".contains(ch) {
                endClause()
            } else if ch == "&" {
                endWord()
                words.append("and")
            } else {
                endWord()
                if words.last == "but" {
                    words.removeLast()
                    endClause()
                }
            }
        }
        endWord()
        if words.last == "but" { words.removeLast() }
        endClause()
        return clauses
    }

    /// Words that deny what follows them in a clause ("not confused", "no new confusion",
    /// "denies confusion", "off oxygen").
    static let negations: Set<String> = [
        "not", "no", "non", "denies", "denied", "deny", "without", "nil", "never", "negative",
        "off", "free", "absent", "nor", "isn", "isnt", "wasn", "wasnt",
    ]

    /// Words that name a finding: a negation reaches back over at most three words and stops at
    /// the previous finding ("weaned off O2 to RA": "off" denies the oxygen, not the air).
    static let findings: Set<String> = [
        "alert", "oriented", "orientated", "confused", "confusion", "disoriented", "delirium",
        "voice", "verbal", "pain", "painful", "unresponsive", "oxygen", "o2", "cannula", "nc",
        "mask", "air", "ra",
    ]

    static func negated(_ words: [String], at index: Int) -> Bool {
        var k = index - 1
        while k >= 0, k >= index - 3 {
            if negations.contains(words[k]) { return true }
            if findings.contains(words[k]) { return false }
            k -= 1
        }
        return false
    }

    /// Words after a finding that say it has gone ("confusion resolved", "oxygen discontinued").
    static func resolvedAfter(_ words: [String], at index: Int) -> Bool {
        let after = words[(index + 1)...]
        if after.contains(where: {
            ["resolved", "settled", "cleared", "gone", "discontinued", "stopped", "removed", "ceased"].contains($0)
        }) {
            return true
        }
        return has(Array(after), ["no", "longer"])
    }

    static func firstIndex(_ words: [String], of candidates: [String]) -> Int? {
        words.firstIndex { candidates.contains($0) }
    }

    static func has(_ words: [String], _ phrase: [String]) -> Bool {
        guard words.count >= phrase.count else { return false }
        for start in 0...(words.count - phrase.count) where Array(words[start..<(start + phrase.count)]) == phrase {
            return true
        }
        return false
    }
}
