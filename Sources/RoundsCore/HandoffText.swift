import Foundation
import Store

extension Todo {
    /// `1. [ ] Repeat lactate` (`[x]` once done).
    public var checkboxLine: String { "\(number). [\(isDone ? "x" : " ")] \(text)" }

    /// Who does it, by when, and who did it: `["registrar", "due 10:00", "done by RN Ade 08:10"]`;
    /// without `doneTime` (printed sheets, exports), "done by RN Ade".
    public func details(now: Date = Date(), doneTime: Bool = true) -> [String] {
        var details: [String] = []
        if let owner { details.append(owner) }
        if let due { details.append("due \(due)") }
        if let by = doneBy {
            if !doneTime {
                details.append("done by \(by)")
            } else if let at = doneAt {
                details.append("done by \(by) \(Age.short(at, now: now))")
            }
        }
        return details
    }
}

extension Handoff {
    /// Who holds the handoff and since when, `RN Ade since 08:00`; `nil` before anyone accepted it.
    public func holder(now: Date = Date()) -> String? {
        acceptedBy.map { by in by + (acceptedAt.map { " since \(Age.short($0, now: now))" } ?? "") }
    }
}
