import Clinical
import Foundation

/// The readable, line-oriented summary of a record used by `rounds patient`, `rounds inspect`
/// and plain mode: every section with its state, nothing dropped.
public enum RecordSummary {
    public static func text(_ r: PatientRecord, now: Date = Date(), showAge: Bool = false) -> String {
        var out: [String] = []
        let p = r.patient
        var head = "\(p.displayName) · \(p.sexLetter)"
        if let b = p.birthDate { head += " · " + (b.age(on: now).map { "\($0) y (\(b.raw))" } ?? b.raw) }
        head += " · MRN \(p.mrn ?? "—") · id \(p.id)"
        if let v = r.fhirVersion { head += " · \(v.rawValue)" }
        out.append(head)
        if !p.generalPractitioner.isEmpty { out.append("GP: \(p.generalPractitioner.joined(separator: ", "))") }
        for s in ClinicalSection.allCases {
            out.append("")
            out.append(heading(s, r.state(of: s), now: now, showAge: showAge))
            if case .unavailable = r.state(of: s).status, !r.state(of: s).stale { continue }
            out.append(contentsOf: lines(s, r).map { "  " + $0 })
        }
        if !r.warnings.isEmpty {
            out.append("")
            out.append("Fields not read (\(r.warnings.count)):")
            for w in r.warnings.prefix(20) {
                out.append("  \(w.path): \(w.reason)\(w.value.map { " ('\($0)')" } ?? "")")
            }
            if r.warnings.count > 20 { out.append("  … \(r.warnings.count - 20) more") }
        }
        return out.joined(separator: "\n")
    }

    static func heading(_ s: ClinicalSection, _ st: SectionState, now: Date, showAge: Bool) -> String {
        var h = s.title
        switch st.status {
        case .ok: break
        case .empty: h += ": none recorded"
        case .unavailable(let reason): h += ": unavailable (\(reason))"
        }
        if st.stale { h += " [stale: \(st.staleReason ?? "refresh failed")]" }
        if let incomplete = st.incomplete { h += " [incomplete: \(incomplete)]" }
        if showAge, let f = st.fetchedAt { h += " — synced \(Age.describe(since: f, now: now))" }
        return h
    }

    /// The lines of one section.
    public static func lines(_ s: ClinicalSection, _ r: PatientRecord) -> [String] {
        switch s {
        case .vitals:
            return r.latestVitals.map { v in
                "\(v.label.padding(toLength: 20, withPad: " ", startingAt: 0)) "
                    + "\(v.formatted)\(v.effective.map { "  at \($0.raw)" } ?? "")"
            }
        case .encounter:
            guard let e = r.lastEncounter else { return [] }
            let parts = [e.location, e.type ?? e.encounterClass, e.status, e.start.map { "since \($0.raw)" }].compactMap
            { $0 }
            return [parts.joined(separator: " — ")]
        case .conditions:
            return r.conditions.map { c in
                let parts = [
                    c.display, c.severity, c.clinicalStatus,
                    c.verificationStatus.flatMap { $0 == "confirmed" ? nil : $0 },
                    c.recorded.map { "recorded \($0.raw)" },
                ]
                let line = parts.compactMap { $0 }.joined(separator: " · ")
                return c.isInactive ? "(\(c.inactiveReason ?? "inactive")) " + line : line
            }
        case .allergies:
            return r.allergies.map { a in
                let mark = a.isInactive ? " " : "!"
                let st = [a.status, a.clinicalStatus, a.verificationStatus, a.criticality.map { "criticality \($0)" }]
                    .compactMap { $0 }
                return "\(mark) \(a.summary)\(st.isEmpty ? "" : " (\(st.joined(separator: ", ")))")"
            }
        case .medications:
            func line(_ m: Medication) -> String {
                var s = m.name
                if !m.dosage.isEmpty { s += " — " + m.dosage.joined(separator: "; ") }
                let who = [m.prescriber, m.authored?.raw].compactMap { $0 }
                if !who.isEmpty { s += " (\(who.joined(separator: ", ")))" }
                if let e = m.ended { s += " ended \(e.raw)" }
                return s + " · " + (m.status ?? "status not given")
            }
            let current = r.medications.filter(\.isCurrent).map(line)
            let ended = r.medications.filter { !$0.isCurrent }.map(line)
            guard !ended.isEmpty else { return current }
            return current + ["Stopped or completed (\(ended.count)):"] + ended.map { "  " + $0 }
        case .coverage:
            return r.coverage.map { c in
                [
                    c.payor, c.plan, c.group.map { "group \($0)" }, c.subscriberId.map { "subscriber \($0)" },
                    c.periodStart.map { "from \($0.raw)" }, c.periodEnd.map { "to \($0.raw)" },
                ].compactMap { $0 }.joined(separator: " · ")
            }
        }
    }
}

/// "3 min ago", "5 h ago", "2 days ago".
public enum Age {
    public static func describe(since date: Date, now: Date = Date()) -> String {
        let s = max(0, now.timeIntervalSince(date))
        if s < 60 { return "just now" }
        if s < 3600 { return "\(Int(s / 60)) min ago" }
        if s < 86400 * 2 { return "\(Int(s / 3600)) h ago" }
        return "\(Int(s / 86400)) days ago"
    }

    /// `2026-11-25 08:14` in the local zone.
    public static func stamp(_ date: Date) -> String {
        let t = local(date)
        return "\(t.tm_year + 1900)-\(two(t.tm_mon + 1))-\(two(t.tm_mday)) \(two(t.tm_hour)):\(two(t.tm_min))"
    }

    /// `08:14` today, `25 Nov 08:14` before (local zone).
    public static func short(_ d: Date, now: Date = Date()) -> String {
        let t = local(d)
        let n = local(now)
        let time = "\(two(t.tm_hour)):\(two(t.tm_min))"
        if t.tm_year == n.tm_year, t.tm_yday == n.tm_yday { return time }
        return "\(t.tm_mday) \(months[Int(t.tm_mon)]) \(time)"
    }

    // Times are written with the C library's local time (TZ, else /etc/localtime), not
    // DateFormatter: its first use loads ICU, a few ms of every command's start and of the TUI's
    // first frame, and these formats need no locale.
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let zoneLoaded: Bool = {
        tzset()
        return true
    }()

    private static func local(_ d: Date) -> tm {
        _ = zoneLoaded
        var seconds = time_t(d.timeIntervalSince1970.rounded(.down))
        var out = tm()
        localtime_r(&seconds, &out)
        return out
    }

    private static func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : String(v) }
}
