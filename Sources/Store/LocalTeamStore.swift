import Foundation
import JSONKit

/// The team's data in this workstation's cache file only: Rounds with no team database.
public struct LocalTeamStore: TeamStore {
    public let cache: Cache
    public let author: String

    public init(cache: Cache, author: String) {
        self.cache = cache
        self.author = author
    }

    public func lists() throws(StoreError) -> [PatientList] { try cache.lists() }

    public func list(named name: String) throws(StoreError) -> PatientList? { try cache.list(named: name) }

    public func createList(_ name: String, columns: [String]) throws(StoreError) -> PatientList {
        try cache.createList(name, columns: columns)
    }

    public func renameList(_ old: String, to new: String) throws(StoreError) { try cache.renameList(old, to: new) }

    public func deleteList(_ name: String) throws(StoreError) { try cache.deleteList(name) }

    public func setDefaultList(_ name: String) throws(StoreError) { try cache.setDefaultList(name) }

    public func setColumns(_ columns: [String], for name: String) throws(StoreError) {
        try cache.setColumns(columns, for: name)
    }

    public func addPatients(_ ids: [String], to name: String) throws(StoreError) -> [String] {
        try cache.addPatients(ids, to: name)
    }

    public func removePatients(_ ids: [String], from name: String) throws(StoreError) -> [String] {
        try cache.removePatients(ids, from: name)
    }

    public func movePatient(_ id: String, in name: String, to position: Int) throws(StoreError) {
        try cache.movePatient(id, in: name, to: position)
    }

    public func addNote(patientId: String, text: String) throws(StoreError) -> Note {
        try cache.addNote(patientId: patientId, author: author, text: text)
    }

    public func notes(patientId: String) throws(StoreError) -> [Note] { try cache.notes(patientId: patientId) }

    public func setHypercapnic(_ id: String, _ on: Bool) throws(StoreError) { try cache.setHypercapnic(id, on) }

    public func isHypercapnic(_ id: String) throws(StoreError) -> Bool { try cache.isHypercapnic(id) }

    public func handoffs(list: String) throws(StoreError) -> [Handoff] { try cache.handoffs(list: list) }

    public func handoff(list: String, patient: String) throws(StoreError) -> Handoff {
        try cache.handoff(list: list, patient: patient)
    }

    public func setHandoff(list: String, patient: String, _ edit: HandoffEdit) throws(StoreError) {
        try cache.setHandoff(list: list, patient: patient, edit, by: author, at: cache.now())
    }

    public func addTodo(list: String, patient: String, text: String, owner: String?, due: String?) throws(StoreError)
        -> Todo
    {
        try cache.addTodo(
            list: list, patient: patient, id: UUID().uuidString.lowercased(), text: text, owner: owner, due: due,
            by: author, at: cache.now())
    }

    public func setTodoDone(list: String, patient: String, number: Int, done: Bool) throws(StoreError) -> Todo {
        let todo = try cache.todo(list: list, patient: patient, number: number)
        try cache.setTodoDone(id: todo.id, done: done, by: author, at: cache.now())
        return try cache.todo(list: list, patient: patient, number: number)
    }

    public func acceptHandoff(list: String, patients: [String]) throws(StoreError) -> [String] {
        let accepted = try cache.acceptedPatients(list: list, patients)
        try cache.acceptHandoff(list: list, patients: accepted, by: author, at: cache.now())
        return accepted
    }

    public func markRoundDone(list: String) throws(StoreError) {
        try cache.markRound(list: list, by: author, at: cache.now())
    }
}
