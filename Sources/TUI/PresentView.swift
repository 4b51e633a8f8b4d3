import Clinical
import Foundation
import RoundsCore
import ScreenKit

/// Present mode for the IDT/MDT meeting: one patient filling the screen, essentials large and spaced.
enum PresentView {
    static func draw(_ screen: inout Screen, _ state: AppState, _ theme: Theme) {
        let w = state.width
        let pos = state.rows.isEmpty ? "" : "\(state.presentIndex + 1) of \(state.rows.count) "
        screen.put(
            " Rounds · Present · \(state.currentList?.name ?? "")", x: 0, y: 0, style: theme.style("title"),
            maxWidth: w - DisplayWidth.of(pos) - 1)
        screen.put(pos, x: w - DisplayWidth.of(pos), y: 0, style: theme.style("title"))
        Views.footer(&screen, state, theme, y: state.height - 1)
        guard state.rows.indices.contains(state.presentIndex), let d = state.detail,
            d.record.id == state.rows[state.presentIndex].id
        else {
            screen.put("Loading…", x: 4, y: 3, style: theme.style("dim"))
            return
        }
        let r = d.record
        let p = r.patient
        var y = 2
        let x = 4
        func line(_ segs: [Segment], gap: Int = 1) {
            guard y < state.height - 2 else { return }
            var cx = x
            for seg in segs {
                cx += screen.put(seg.text, x: cx, y: y, style: theme.style(seg.role), maxWidth: w - cx - 2)
            }
            y += gap
        }
        let name =
            state.masked
            ? (p.name?.initials ?? "?")
            : (p.name.map { n in
                [n.family?.uppercased(), n.given.joined(separator: " ")].compactMap { $0 }.joined(separator: ", ")
            } ?? p.displayName)
        line([Segment(name, "present.name")], gap: 2)
        // In the meeting, what changed since the last round comes first.
        if let since = d.since { line(DetailView.sinceLine(since, state), gap: 2) }
        if let handoff = d.handoff, let severity = handoff.severity {
            line([
                Segment("Handoff ", "present.label"),
                Segment(severity.rawValue.uppercased(), DetailView.severityRole(severity)),
            ])
        }
        line(
            [
                Segment(
                    "\(p.sexLetter) · \(Masking.born(p, state.masked, now: state.now)) · MRN "
                        + "\(Masking.mrn(p, state.masked))"
                )
            ],
            gap: 2)
        line(DetailView.encounterLine(r, state), gap: 2)
        if let n = d.news2 { line([Segment(n.summary + " — " + n.band.response, ListPanes.news2Role(n))], gap: 2) }
        let vitalsState = r.state(of: .vitals)
        if vitalsState.stale {
            let age = vitalsState.fetchedAt.map { " from \(Age.describe(since: $0, now: state.now))" } ?? ""
            line(
                [
                    Segment(
                        "Vital signs are the previous copy\(age): \(vitalsState.staleReason ?? "the refresh failed")",
                        "section.stale")
                ],
                gap: 2)
        }
        for v in r.latestVitals
        where [
            .respiratoryRate, .oxygenSaturation, .inspiredOxygen, .oxygenFlow, .bloodPressure, .heartRate,
            .consciousness, .bodyTemperature,
        ].contains(v.kind) {
            let points = DetailView.score(v, d.news2)
            line([
                Segment(DisplayWidth.pad(v.label, to: 20), "present.label"),
                Segment(
                    DisplayWidth.pad(v.formatted, to: 16) + (points >= 3 ? " ‼" : points == 2 ? " !" : ""),
                    points >= 2 ? "vital.abnormal" : "vital.normal"),
            ])
        }
        y += 1
        let allergies = r.allergies.filter { !$0.isInactive }
        line(
            [
                Segment(DisplayWidth.pad("Allergies", to: 20), "present.label"),
                Segment(
                    allergies.isEmpty
                        ? sectionWord(.allergies, r) : allergies.map { "! " + $0.summary }.joined(separator: "   "),
                    allergies.isEmpty ? "screen" : "allergy"),
            ], gap: 2)
        // The meeting sees what is current; resolved problems and stopped orders are counted apart.
        let conditions = r.conditions.filter { !$0.isInactive }
        let pastConditions = r.conditions.count - conditions.count
        var conditionText =
            conditions.isEmpty ? sectionWord(.conditions, r) : conditions.map(\.display).joined(separator: " · ")
        if pastConditions > 0 { conditionText += "  (+\(pastConditions) resolved or refuted)" }
        line([Segment(DisplayWidth.pad("Conditions", to: 20), "present.label"), Segment(conditionText)], gap: 2)
        let medications = r.medications.filter(\.isCurrent)
        let stopped = r.medications.count - medications.count
        var medicationText =
            medications.isEmpty ? sectionWord(.medications, r) : medications.map(\.name).joined(separator: " · ")
        if stopped > 0 { medicationText += "  (+\(stopped) stopped or completed)" }
        line([Segment(DisplayWidth.pad("Medications", to: 20), "present.label"), Segment(medicationText)], gap: 2)
        if let n = d.notes.first {
            line([
                Segment(DisplayWidth.pad("Latest note", to: 20), "present.label"),
                Segment("\(Age.short(n.createdAt, now: state.now)) \(n.author) — \(n.text)"),
            ])
        }
    }

    static func sectionWord(_ sec: ClinicalSection, _ r: PatientRecord) -> String {
        switch r.state(of: sec).status {
        case .ok, .empty: return "none recorded"
        case .unavailable(let why): return "unavailable: \(why)"
        }
    }
}
