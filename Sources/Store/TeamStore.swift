import Foundation
import JSONKit

/// What the care team authors — lists (name, columns, default), the patients on them and their
/// order, notes, hypercapnic marks — behind one interface. `LocalTeamStore` keeps it in this
/// workstation's SQLite file (the default); `SharedTeamStore` keeps the same local copy and
/// records every change for the team's PostgreSQL database, so every command works offline and
/// the team converges once the database is reachable.
///
/// Both stores spell out their reads (the same four pass-throughs to the cache): moving them into a
/// protocol extension crashed the full-screen app on this toolchain (a null dereference in
/// `lists().map`, called through `any TeamStore` with typed throws, in an incremental debug build).
public protocol TeamStore: Sendable {
    /// Who a note written here is by: the settings' author locally, the database role when shared.
    var author: String { get }
    func lists() throws(StoreError) -> [PatientList]
    func list(named name: String) throws(StoreError) -> PatientList?
    func createList(_ name: String, columns: [String]) throws(StoreError) -> PatientList
    func renameList(_ old: String, to new: String) throws(StoreError)
    func deleteList(_ name: String) throws(StoreError)
    func setDefaultList(_ name: String) throws(StoreError)
    func setColumns(_ columns: [String], for name: String) throws(StoreError)
    /// The ids added (those already on the list are left where they are).
    func addPatients(_ ids: [String], to name: String) throws(StoreError) -> [String]
    /// The ids removed.
    func removePatients(_ ids: [String], from name: String) throws(StoreError) -> [String]
    func movePatient(_ id: String, in name: String, to position: Int) throws(StoreError)
    func addNote(patientId: String, text: String) throws(StoreError) -> Note
    func notes(patientId: String) throws(StoreError) -> [Note]
    func setHypercapnic(_ id: String, _ on: Bool) throws(StoreError)
    func isHypercapnic(_ id: String) throws(StoreError) -> Bool
    /// The handoff of each patient on a list, in the list's order.
    func handoffs(list: String) throws(StoreError) -> [Handoff]
    /// One patient's handoff on a list (empty when none is written).
    func handoff(list: String, patient: String) throws(StoreError) -> Handoff
    func setHandoff(list: String, patient: String, _ edit: HandoffEdit) throws(StoreError)
    func addTodo(list: String, patient: String, text: String, owner: String?, due: String?) throws(StoreError) -> Todo
    /// Marks to-do `number` of the patient done or not done; the to-do as it is now.
    func setTodoDone(list: String, patient: String, number: Int, done: Bool) throws(StoreError) -> Todo
    /// The receiver accepts the handoff of these patients (all of the list's when empty).
    func acceptHandoff(list: String, patients: [String]) throws(StoreError) -> [String]
    /// The team reviewed the list ("round done"): what changed is counted from now.
    func markRoundDone(list: String) throws(StoreError)
}

extension Cache {
    /// To-do `number` of a patient on a list, or a sentence naming what there is.
    func todo(list: String, patient: String, number: Int) throws(StoreError) -> Todo {
        let todos = try handoffs(list: list).first { $0.patientId == patient }?.todos ?? []
        guard let todo = todos.first(where: { $0.number == number }) else {
            let have = todos.isEmpty ? "none" : "1–\(todos.count)"
            throw .notFound("'\(patient)' has no to-do \(number) on '\(list)' (to-dos: \(have)).")
        }
        return todo
    }

    /// The patients an accept covers: those given, or the whole list.
    func acceptedPatients(list: String, _ patients: [String]) throws(StoreError) -> [String] {
        let members = try requireList(list).patientIds
        guard !patients.isEmpty else { return members }
        for patient in patients where !members.contains(patient) {
            throw .notFound("'\(patient)' is not on the list '\(list)'.")
        }
        return patients
    }
}

/// The kinds of change in the team's log, with what each payload holds.
public enum TeamChangeKind {
    /// `listId`, `name`, `columns`
    public static let listCreate = "list.create"
    /// `listId`, `name`
    public static let listRename = "list.rename"
    /// `listId`
    public static let listDelete = "list.delete"
    /// `listId`
    public static let listDefault = "list.default"
    /// `listId`, `columns`
    public static let listColumns = "list.columns"
    /// `listId`, `patientId`
    public static let memberAdd = "member.add"
    /// `listId`, `patientId`
    public static let memberRemove = "member.remove"
    /// `listId`, `patientId`, `position`
    public static let memberMove = "member.move"
    /// `patientId`, `text`
    public static let noteAdd = "note.add"
    /// `patientId`, `on`
    public static let markHypercapnic = "mark.hypercapnic"
    /// `listId`, `patientId`, and those of `severity`, `summary`, `contingency` that were set
    public static let handoffSet = "handoff.set"
    /// `listId`, `patientId`, `todoId`, `text`, `owner`, `due`
    public static let todoAdd = "todo.add"
    /// `listId`, `todoId`, `done`
    public static let todoDone = "todo.done"
    /// `listId`, `patientIds`
    public static let handoffAccept = "handoff.accept"
    /// `listId`
    public static let roundDone = "round.done"
    /// `operation`, `patientIds`, `list`, `outcome` (goes to the team's audit trail, not the log)
    public static let audit = "audit"
}
