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
    /// `operation`, `patientIds`, `list`, `outcome` (goes to the team's audit trail, not the log)
    public static let audit = "audit"
}
