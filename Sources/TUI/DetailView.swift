import Clinical
import Foundation
import RoundsCore
import ScreenKit
import Store

/// A piece of a line with its theme role.
struct Segment: Equatable {
    var text: String
    var role: String
    init(_ text: String, _ role: String = "screen") {
        self.text = text
        self.role = role
    }
}

/// The detail pane: every section of the record with its own state, vitals with trends, scrolling.
enum DetailView {
    static func draw(_ screen: inout Screen, _ state: AppState, _ theme: Theme, _ r: Rect) {
        screen.box(
            r, title: "Patient", style: theme.style(state.focus == .detail ? "border.focused" : "border"),
            titleStyle: theme.style("header"))
        guard let d = state.detail, state.selectedRow?.id == d.record.id || state.mode == .search else {
            let hint =
                state.rows.isEmpty
                ? ""
                : "Select a patient to see the latest vitals, location, allergies, conditions, medications, coverage "
                    + "and notes."
            screen.put(DisplayWidth.truncate(hint, to: r.width - 4), x: r.x + 2, y: r.y + 1, style: theme.style("dim"))
            return
        }
        let inner = Rect(x: r.x + 2, y: r.y + 1, width: r.width - 4, height: r.height - 2)
        let lines = self.lines(d, state, width: inner.width)
        let maxScroll = max(0, lines.count - inner.height)
        let scroll = min(state.detailScroll, maxScroll)
        for k in 0..<inner.height {
            let i = scroll + k
            guard lines.indices.contains(i) else { break }
            var x = inner.x
            for seg in lines[i] {
                x += screen.put(seg.text, x: x, y: inner.y + k, style: theme.style(seg.role), maxWidth: inner.maxX - x)
            }
        }
        if maxScroll > 0 {
            let more = scroll < maxScroll ? " ↓ more (Tab, then ↓) " : " ↑ top "
            screen.put(more, x: r.maxX - DisplayWidth.of(more) - 1, y: r.maxY - 1, style: theme.style("border"))
        }
    }

    /// The theme role of a severity: the word always shows too (never colour alone).
    static func severityRole(_ severity: Severity?) -> String {
        switch severity {
        case .unstable?: return "news2.high"
        case .watcher?: return "news2.medium"
        case .stable?: return "news2.low"
        case nil: return "dim"
        }
    }

    /// What changed since the last round, as one line ("Since 07:00: NEWS2 up: 3 → 6; …").
    static func sinceLine(_ since: RoundChanges, _ state: AppState) -> [Segment] {
        let lines = since.lines
        return [
            Segment("Since \(Age.short(since.since, now: state.now)): ", "section.title"),
            Segment(
                lines.isEmpty ? "no change" : lines.joined(separator: "; "), lines.isEmpty ? "dim" : "vital.abnormal"),
        ]
    }

    /// The I-PASS block of the patient on the open list: severity, who holds it, summary,
    /// contingency, to-dos, and what changed since the last round.
    static func handoffLines(_ d: AppState.Detail, _ state: AppState) -> [[Segment]] {
        guard let handoff = d.handoff else { return [] }
        var out: [[Segment]] = []
        let severity = handoff.severity?.rawValue.uppercased() ?? "severity not set"
        let held = handoff.holder(now: state.now).map { " · held by \($0)" } ?? " · not accepted yet (A accepts)"
        out.append([
            Segment("Handoff ", "section.title"), Segment(severity, severityRole(handoff.severity)),
            Segment(held, "dim"),
        ])
        if let summary = handoff.summary { out.append([Segment("  Summary: \(summary)")]) }
        if let contingency = handoff.contingency { out.append([Segment("  If: \(contingency)")]) }
        for todo in handoff.todos {
            let details = todo.details(now: state.now)
            let text = "  " + todo.checkboxLine
            out.append([
                Segment(text, todo.isDone ? "dim" : "screen"),
                Segment(details.isEmpty ? "" : " — " + details.joined(separator: ", "), "dim"),
            ])
        }
        if handoff.summary == nil && handoff.contingency == nil && handoff.todos.isEmpty {
            out.append([Segment("  v sets the severity, t adds a to-do, :summary and :if the rest", "dim")])
        }
        if let since = d.since { out.append(sinceLine(since, state)) }
        return out
    }

    /// Every line of the detail, top to bottom.
    static func lines(_ d: AppState.Detail, _ state: AppState, width: Int) -> [[Segment]] {
        let r = d.record
        let p = r.patient
        var out: [[Segment]] = []
        var head = [
            Segment(Masking.name(p, state.masked), "title"),
            Segment(
                " · \(p.sexLetter) · \(Masking.born(p, state.masked, now: state.now)) · MRN "
                    + "\(Masking.mrn(p, state.masked))"
            ),
        ]
        if let gp = p.generalPractitioner.first { head.append(Segment(" · GP \(gp)")) }
        if let c = r.coverage.first, !c.summary.isEmpty { head.append(Segment(" · \(c.summary)")) }
        out.append(head)
        out.append(encounterLine(r, state))
        if let n = d.news2 {
            out.append([Segment(n.summary + " — " + n.band.response, ListPanes.news2Role(n))])
            for note in n.notes { out.append([Segment("  " + note, "dim")]) }
        }
        out += handoffLines(d, state)
        let left = vitals(r, state, d.news2)
        let right =
            section(.allergies, r, state) {
                $0.allergies.map { a in
                    [
                        Segment(a.isInactive ? "  " : "! ", "allergy"),
                        Segment(a.summary, a.isInactive ? "dim" : "allergy"),
                    ]
                }
            }
            + section(.conditions, r, state) { $0.conditions.map(conditionLine) }
        if width >= 90 {
            let lw = width * 3 / 5
            for k in 0..<max(left.count, right.count) {
                var line = k < left.count ? left[k] : []
                let used = line.reduce(0) { $0 + DisplayWidth.of($1.text) }
                line = clip(line, lw - 1)
                line.append(Segment(String(repeating: " ", count: max(1, lw - min(used, lw - 1))) + "│ ", "border"))
                if k < right.count { line += right[k] }
                out.append(line)
            }
        } else {
            out += left + right
        }
        out += section(.medications, r, state) { record in medicationLines(record, now: state.now) }
        out += section(.coverage, r, state) {
            $0.coverage.map { c in
                [
                    Segment(
                        "  "
                            + [c.payor, c.plan, c.group.map { "group \($0)" }, c.periodEnd.map { "until \($0.raw)" }]
                            .compactMap { $0 }.joined(separator: " · "))
                ]
            }
        }
        out.append([
            Segment("Notes", "section.title"),
            Segment(d.notes.isEmpty ? "  none — press n to add one" : "  (newest first)", "dim"),
        ])
        for n in d.notes {
            out.append([
                Segment("  \(Age.short(n.createdAt, now: state.now)) \(n.author) — ", "dim"),
                Segment(n.text.replacingOccurrences(of: "\n", with: " ")),
            ])
        }
        if !r.warnings.isEmpty {
            out.append([
                Segment(
                    "\(r.warnings.count) field(s) could not be read and are shown as sent; 'rounds patient \(r.id)' "
                        + "lists them.",
                    "dim")
            ])
        }
        return out
    }

    /// A current problem plainly; a resolved, inactive or refuted one dimmed and saying so.
    static func conditionLine(_ c: Condition) -> [Segment] {
        let text = "  " + [c.display, c.severity].compactMap { $0 }.joined(separator: " · ")
        guard c.isInactive else { return [Segment(text)] }
        return [Segment(text, "dim"), Segment(" (\(c.inactiveReason ?? "inactive"))", "dim")]
    }

    /// Current orders (newest first, with a status that is not `active` shown), then the stopped
    /// and completed ones under their own heading, dimmed.
    static func medicationLines(_ r: PatientRecord, now: Date) -> [[Segment]] {
        func line(_ m: Medication) -> String {
            var t = "  " + m.name
            if !m.dosage.isEmpty { t += " — " + m.dosage.joined(separator: "; ") }
            let who = [m.prescriber, m.authored.flatMap { $0.instant }.map { Age.short($0, now: now) }].compactMap {
                $0
            }
            if !who.isEmpty { t += " (\(who.joined(separator: ", ")))" }
            if m.status?.lowercased() != "active" { t += " · " + (m.status ?? "status not given") }
            return t
        }
        let current = r.medications.filter(\.isCurrent).map { [Segment(line($0))] }
        let ended = r.medications.filter { !$0.isCurrent }
        guard !ended.isEmpty else { return current }
        return current + [[Segment("  Stopped or completed (\(ended.count))", "dim")]]
            + ended.map { [Segment(line($0), "dim")] }
    }

    static func clip(_ line: [Segment], _ width: Int) -> [Segment] {
        var out: [Segment] = []
        var used = 0
        for seg in line {
            let w = DisplayWidth.of(seg.text)
            if used + w <= width {
                out.append(seg)
                used += w
            } else {
                out.append(Segment(DisplayWidth.truncate(seg.text, to: width - used), seg.role))
                break
            }
        }
        return out
    }

    static func encounterLine(_ r: PatientRecord, _ state: AppState) -> [Segment] {
        let st = r.state(of: .encounter)
        if case .unavailable(let why) = st.status, !st.stale {
            return [Segment("Location unavailable: \(why)", "section.unavailable")]
        }
        guard let e = r.lastEncounter else { return [Segment("No current encounter on record", "section.empty")] }
        var parts = [e.location ?? "location not given"]
        var what = [e.type ?? e.encounterClass, e.status].compactMap { $0 }.joined(separator: ", ")
        if let start = e.start {
            what += " since " + (start.instant.map { Age.short($0, now: state.now) } ?? start.raw)
        }
        if !what.isEmpty { parts.append(what) }
        var segs = [Segment(parts.joined(separator: " — "))]
        if st.stale { segs.append(Segment("  [stale: \(st.staleReason ?? "refresh failed")]", "section.stale")) }
        return segs
    }

    /// A section heading with its state, then its lines (or why there are none).
    static func section(
        _ sec: ClinicalSection, _ r: PatientRecord, _ state: AppState, _ body: (PatientRecord) -> [[Segment]]
    ) -> [[Segment]] {
        let st = r.state(of: sec)
        var head = [Segment(sec.title, "section.title")]
        switch st.status {
        case .ok: break
        case .empty: head.append(Segment("  none recorded", "section.empty"))
        case .unavailable(let why):
            if !st.stale { return [head + [Segment("  unavailable: \(why)", "section.unavailable")]] }
        }
        if st.stale {
            let age = st.fetchedAt.map { " from \(Age.describe(since: $0, now: state.now))" } ?? ""
            head.append(Segment("  [stale\(age): \(st.staleReason ?? "refresh failed")]", "section.stale"))
        }
        if let incomplete = st.incomplete { head.append(Segment("  [incomplete: \(incomplete)]", "section.stale")) }
        return [head] + body(r)
    }

    static func vitals(_ r: PatientRecord, _ state: AppState, _ news: NEWS2?) -> [[Segment]] {
        section(.vitals, r, state) { r in
            var lines: [[Segment]] = [
                [
                    Segment(
                        "  " + DisplayWidth.pad("", to: 17) + DisplayWidth.pad("latest", to: 16)
                            + DisplayWidth.pad("at", to: 12) + "trend", "dim")
                ]
            ]
            for v in r.latestVitals {
                let points = score(v, news)
                let mark = points >= 3 ? "‼" : (points == 2 ? "!" : " ")
                let at = v.effective?.instant.map { Age.short($0, now: state.now) } ?? (v.effective?.raw ?? "—")
                let values: [Double] = r.history(v.kind ?? .heartRate).filter { $0.code == v.code || v.kind != nil }
                    .compactMap { h in
                        v.kind == .bloodPressure ? h.bloodPressure?.systolic : h.value
                    }
                lines.append([
                    Segment(mark + " ", points >= 2 ? "vital.abnormal" : "vital.normal"),
                    Segment(DisplayWidth.pad(v.label, to: 17)),
                    Segment(
                        DisplayWidth.pad(v.formatted, to: 15) + " ", points >= 2 ? "vital.abnormal" : "vital.normal"),
                    Segment(DisplayWidth.pad(at, to: 12), "dim"),
                    Segment(Sparkline.draw(values, width: 12), "dim"),
                ])
            }
            return lines
        }
    }

    /// The NEWS2 points of the parameter this reading feeds (for the abnormal mark).
    static func score(_ v: VitalSign, _ news: NEWS2?) -> Int {
        let p: NEWS2.Parameter?
        switch v.kind {
        case .respiratoryRate: p = .respirationRate
        case .oxygenSaturation: p = .oxygenSaturation
        case .bloodPressure: p = .systolicBP
        case .heartRate: p = .pulse
        case .consciousness: p = .consciousness
        case .bodyTemperature: p = .temperature
        case .inspiredOxygen, .oxygenFlow, .oxygenTherapy: p = .airOrOxygen
        default: p = nil
        }
        return p.flatMap { p in news?.items.first { $0.parameter == p }?.points } ?? 0
    }
}
