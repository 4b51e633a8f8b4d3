import Foundation
import Store

/// The operations audited, named as the Teams Patients app named them, plus Rounds' own.
public enum AuditOperation: String, CaseIterable, Sendable {
    case patientListView = "PatientListView"
    case patientListCreate = "PatientListCreate"
    case patientListRename = "PatientListRename"
    case patientListDelete = "PatientListDelete"
    case patientListDefaultSet = "PatientListDefaultSet"
    case patientListAddPatient = "PatientListAddPatient"
    case patientListRemovePatient = "PatientListRemovePatient"
    case patientListEditColumns = "PatientListEditColumns"
    case patientSearch = "PatientSearch"
    case patientView = "PatientView"
    case patientNoteAdd = "PatientNoteAdd"
    case exportInitiation = "ExportInitiation"
    case ehrConnectionSet = "EHRConnectionSet"
    case syncRun = "SyncRun"
    case cachePurge = "CachePurge"
    case screenLock = "ScreenLock"
    case screenUnlock = "ScreenUnlock"
    case screenUnlockFailed = "ScreenUnlockFailed"
    case screenLockPINSet = "ScreenLockPINSet"
    case patientListReorder = "PatientListReorder"
    /// Ours: the notes of a patient were read (`rounds note ls`).
    case patientNoteView = "PatientNoteView"
    /// Ours: a list's handoff was read (`rounds handoff show`, `todo ls`).
    case handoffView = "HandoffView"
    /// Ours: a patient's illness severity, summary or contingency was set.
    case handoffEdit = "HandoffEdit"
    /// Ours: the receiving nurse accepted the handoff (I-PASS synthesis by receiver).
    case handoffAccept = "HandoffAccept"
    case todoAdd = "TodoAdd"
    case todoComplete = "TodoComplete"
    case todoReopen = "TodoReopen"
    /// Ours: the team marked a list's round done (what changed is counted from then).
    case roundDone = "RoundDone"
}

/// Writes audit records for one connection: who (OS user and display name), what, which
/// patient ids, which list, where — never names or values.
public struct AuditTrail: Sendable {
    public let cache: Cache
    public let connection: SavedConnection
    public let settings: Settings
    /// The team whose trail of record also receives every record (through the pending changes,
    /// so none is lost while its database is unreachable).
    public let team: String?

    public init(cache: Cache, connection: SavedConnection, settings: Settings, team: String? = nil) {
        self.cache = cache
        self.connection = connection
        self.settings = settings
        self.team = team
    }

    public init(_ workspace: Workspace) {
        self.init(
            cache: workspace.cache, connection: workspace.connection, settings: workspace.settings,
            team: workspace.team?.team)
    }

    /// Appends one record (and its copy for the team's trail, when connected).
    @discardableResult
    public func record(
        _ operation: AuditOperation, patients: [String] = [], list: String? = nil, outcome: String = "success"
    ) throws -> AuditRecord {
        try append(operation.rawValue, patients: patients, list: list, outcome: outcome)
    }

    private func append(_ operation: String, patients: [String], list: String?, outcome: String) throws -> AuditRecord {
        let record = try cache.appendAudit(
            operation: operation, patientIds: patients, list: list, connection: connection.name,
            tenant: connection.tenant, osUser: OSUser.name, displayName: settings.displayName,
            outcome: outcome)
        if let team {
            try SharedTeamStore.recordAudit(
                cache, team: team, operation: operation, patients: patients, list: list, outcome: outcome,
                at: record.time)
        }
        return record
    }
}
