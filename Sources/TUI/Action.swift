import Clinical
import Foundation
import RoundsCore
import ScreenKit
import Store

/// Something that happened: a key, a resize, a result arriving. Named in the past tense.
public enum Action: Equatable, Sendable {
    case keyPressed(Key)
    case resized(width: Int, height: Int)
    case clockTicked(Date)
    case listsLoaded([AppState.ListInfo], select: String?)
    case rowsLoaded(list: String, rows: [ListRow], columns: [Column])
    case detailLoaded(AppState.Detail)
    case searchCompleted(query: String, results: [Patient], total: Int?, source: String)
    case searchFailed(query: String, message: String)
    case connectionChanged(
        online: Bool, connection: String?, fhirVersion: String?, tenant: String?, lastSync: Date?, message: String?)
    case syncProgressed(SyncProgress)
    case syncFinished(SyncSummary, lastSync: Date?)
    case operationSucceeded(String)
    case operationFailed(String)
    case themeChanged(String)
    /// What the lock's check of the typed password or PIN found.
    case unlockChecked(Bool)
    /// The team database link's news: online or not, changes waiting, the others' changes.
    case teamReported(TeamLink.Report)
}

/// Work the reducer asks for; the runtime performs it and reports back with actions.
public enum Effect: Equatable, Sendable {
    case loadLists(select: String?)
    case loadRows(list: String)
    case loadDetail(id: String)
    case search(query: String)
    case addToList(id: String, list: String)
    case saveNote(id: String, text: String)
    case sync(list: String?)
    case cancelSync
    case createList(String)
    case renameList(old: String, new: String)
    case deleteList(String)
    case setDefaultList(String)
    case removeFromList(id: String, list: String)
    case movePatient(id: String, list: String, to: Int)
    case setColumns(list: String, columns: [Column])
    case export(list: String, format: String, path: String)
    case setTheme(String)
    case setMouse(Bool)
    case setHypercapnic(id: String, on: Bool)
    case setHandoff(id: String, list: String, HandoffEdit)
    case addTodo(id: String, list: String, text: String, owner: String?, due: String?)
    case setTodoDone(id: String, list: String, number: Int, done: Bool)
    /// The receiver accepts the handoff of these patients (all of the list's when empty).
    case acceptHandoff(list: String, patients: [String])
    case roundDone(list: String)
    case audit(operation: AuditOperation, patients: [String], list: String?)
    /// Checks a typed password or PIN (off the main thread); answers with `unlockChecked`.
    case checkUnlock(String)
    case quit

    /// Whether the effect changes what the team shares (the team link then pushes at once).
    var changesTeamData: Bool {
        switch self {
        case .addToList, .saveNote, .createList, .renameList, .deleteList, .setDefaultList, .removeFromList,
            .movePatient, .setColumns, .setHypercapnic, .audit, .export, .setHandoff, .addTodo, .setTodoDone,
            .acceptHandoff, .roundDone:
            return true
        default:
            return false
        }
    }
}
