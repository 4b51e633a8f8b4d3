import Foundation

/// How ill a patient is, as the team hands over (I-PASS "Illness severity").
public enum Severity: String, Sendable, Codable, CaseIterable {
    /// Expected to stay as now.
    case stable
    /// Could get worse: watch closely.
    case watcher
    /// Getting worse or at risk now: needs action.
    case unstable
}

/// One thing to do for a patient, with who does it and by when (I-PASS "Action list").
public struct Todo: Sendable, Equatable {
    /// Its number for the patient on the list, from 1 in the order added (as `todo ls` shows it).
    public var number: Int
    /// Stable across workstations (the change that added it).
    public var id: String
    public var text: String
    /// A person or a role ("RN Jones", "registrar").
    public var owner: String?
    /// `HH:MM`, the time of day it is due.
    public var due: String?
    public var addedBy: String
    public var addedAt: Date
    public var doneBy: String?
    public var doneAt: Date?
    public var isDone: Bool { doneAt != nil }

    public init(
        number: Int, id: String, text: String, owner: String?, due: String?, addedBy: String, addedAt: Date,
        doneBy: String? = nil, doneAt: Date? = nil
    ) {
        self.number = number
        self.id = id
        self.text = text
        self.owner = owner
        self.due = due
        self.addedBy = addedBy
        self.addedAt = addedAt
        self.doneBy = doneBy
        self.doneAt = doneAt
    }
}

/// A patient's handoff on one list: I-PASS illness severity, patient summary, action list,
/// situation awareness and contingency, and the receiver's synthesis (who accepted it, when).
public struct Handoff: Sendable, Equatable {
    public var patientId: String
    public var severity: Severity?
    public var summary: String?
    public var contingency: String?
    public var updatedBy: String?
    public var updatedAt: Date?
    public var todos: [Todo]
    /// Who holds the patient's handoff: the nurse who last accepted it, and when.
    public var acceptedBy: String?
    public var acceptedAt: Date?

    public init(
        patientId: String, severity: Severity? = nil, summary: String? = nil, contingency: String? = nil,
        updatedBy: String? = nil, updatedAt: Date? = nil, todos: [Todo] = [], acceptedBy: String? = nil,
        acceptedAt: Date? = nil
    ) {
        self.patientId = patientId
        self.severity = severity
        self.summary = summary
        self.contingency = contingency
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
        self.todos = todos
        self.acceptedBy = acceptedBy
        self.acceptedAt = acceptedAt
    }

    /// Nothing written yet.
    public var isEmpty: Bool {
        severity == nil && summary == nil && contingency == nil && todos.isEmpty && acceptedBy == nil
    }
}

/// What a handoff edit changes: only the fields given (`nil` leaves a field as it is; an empty
/// text clears it).
public struct HandoffEdit: Sendable, Equatable {
    public var severity: Severity?
    public var summary: String?
    public var contingency: String?

    public init(severity: Severity? = nil, summary: String? = nil, contingency: String? = nil) {
        self.severity = severity
        self.summary = summary
        self.contingency = contingency
    }

    public var isEmpty: Bool { severity == nil && summary == nil && contingency == nil }
}
