import Foundation
import Store

/// The operations audited, named as the Teams Patients app named them, plus Rounds' own.
public enum AuditOperation: String, CaseIterable, Sendable {
    case patientListView = "PatientListView", patientListCreate = "PatientListCreate", patientListRename = "PatientListRename"
    case patientListDelete = "PatientListDelete", patientListDefaultSet = "PatientListDefaultSet"
    case patientListAddPatient = "PatientListAddPatient", patientListRemovePatient = "PatientListRemovePatient"
    case patientListEditColumns = "PatientListEditColumns", patientSearch = "PatientSearch", patientView = "PatientView"
    case patientNoteAdd = "PatientNoteAdd", exportInitiation = "ExportInitiation", ehrConnectionSet = "EHRConnectionSet"
    case syncRun = "SyncRun", cachePurge = "CachePurge", screenLock = "ScreenLock", screenUnlock = "ScreenUnlock"
    case screenUnlockFailed = "ScreenUnlockFailed", screenLockPINSet = "ScreenLockPINSet"
    case patientListReorder = "PatientListReorder"
    /// Ours: the notes of a patient were read (`rounds note ls`).
    case patientNoteView = "PatientNoteView"
}

/// Writes audit records for one connection: who (OS user and display name), what, which
/// patient ids, which list, where — never names or values.
public struct AuditTrail: Sendable {
    public let cache: Cache
    public let connection: SavedConnection
    public let settings: Settings

    public init(cache: Cache, connection: SavedConnection, settings: Settings) {
        self.cache = cache; self.connection = connection; self.settings = settings
    }

    @discardableResult
    public func record(_ operation: String, patients: [String] = [], list: String? = nil, outcome: String = "success") throws -> AuditRecord {
        try cache.appendAudit(operation: operation, patientIds: patients, list: list, connection: connection.name, tenant: connection.tenant,
                              osUser: OSUser.name, displayName: settings.displayName, outcome: outcome)
    }

    public func record(_ op: AuditOperation, patients: [String] = [], list: String? = nil, outcome: String = "success") throws {
        try record(op.rawValue, patients: patients, list: list, outcome: outcome)
    }
}
