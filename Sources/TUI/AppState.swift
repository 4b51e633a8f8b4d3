import Clinical
import Foundation
import RoundsCore
import Store

/// Everything the screen shows, as a value. The reducer changes it; views draw it.
public struct AppState: Equatable, Sendable {
    public enum Mode: Equatable, Sendable {
        case browse, search, note, help, command, confirm, present, locked, failures
    }
    public enum Pane: Equatable, Sendable { case lists, patients, detail }

    public struct ListInfo: Equatable, Sendable {
        public var name: String
        public var count: Int
        public var isDefault: Bool
        public init(name: String, count: Int, isDefault: Bool) {
            self.name = name
            self.count = count
            self.isDefault = isDefault
        }
    }

    /// The patient opened in the detail pane.
    public struct Detail: Equatable, Sendable {
        public var record: PatientRecord
        public var notes: [Note]
        public var news2: NEWS2?
        /// The patient's handoff on the open list (`nil` outside a list).
        public var handoff: Handoff?
        /// What changed since the list's last round (`nil`: no round yet).
        public var since: RoundChanges?
        public init(
            record: PatientRecord, notes: [Note], news2: NEWS2?, handoff: Handoff? = nil, since: RoundChanges? = nil
        ) {
            self.record = record
            self.notes = notes
            self.news2 = news2
            self.handoff = handoff
            self.since = since
        }
    }

    public struct Search: Equatable, Sendable {
        public var query = ""
        public var results: [Patient] = []
        public var total: Int?
        /// "server" or "cache".
        public var source: String?
        public var busy = false
        public var index = 0
        /// True when the arrow keys move through the results rather than editing the query.
        public var focusResults = false
        public var error: String?
    }

    public struct Status: Equatable, Sendable {
        public var connection: String?
        public var fhirVersion: String?
        public var tenant: String?
        /// `nil` while connecting.
        public var online: Bool?
        public var lastSync: Date?
        public var message: String?
        public var messageIsError = false
        public var sync: SyncProgress?
        public var syncFailures: [SyncSummary.Failure] = []
        /// The team database this workstation shares lists with, when connected.
        public var team: Team?
    }

    /// The team database as the status shows it.
    public struct Team: Equatable, Sendable {
        public var name: String
        /// `nil` while connecting.
        public var online: Bool?
        /// Changes made here that the team database does not have yet.
        public var pending: Int

        public init(name: String, online: Bool?, pending: Int) {
            self.name = name
            self.online = online
            self.pending = pending
        }
    }

    /// A question waiting for y/n, and what to do on yes.
    /// The locked screen: what has been typed (never drawn), wrong attempts, and the block.
    public struct Lock: Equatable, Sendable {
        /// "PIN" or "Password for nurse_a".
        public var prompt = "Password"
        public var typed = ""
        public var checking = false
        public var failures = 0
        public var blockedUntil: Date?
        public var message: String?
        public init() {}
    }

    public struct Confirm: Equatable, Sendable {
        public var question: String
        public var onYes: Effect
    }

    public var width: Int
    public var height: Int
    public var mode: Mode = .browse
    public var previousMode: Mode = .browse
    public var focus: Pane = .patients
    public var lists: [ListInfo] = []
    public var listIndex = 0
    public var rows: [ListRow] = []
    public var columns: [Column] = Column.defaults
    public var sort: SortSpec?
    public var rowIndex = 0
    public var rowScroll = 0
    public var detail: Detail?
    public var detailScroll = 0
    public var search = Search()
    public var noteDraft = ""
    public var commandLine = ""
    public var confirm: Confirm?
    public var presentIndex = 0
    public var masked = false
    public var mouseEnabled = true
    public var status = Status()
    public var now: Date
    public var lastActivity: Date
    public var lockAfter: TimeInterval = 300
    /// The open list is synced in the background this often (0: never).
    public var refreshAfter: TimeInterval = 0
    /// When the last sync of the open list started (the next background refresh counts from it).
    public var lastRefreshAttempt: Date?
    /// Extra wait while the EHR does not answer: doubles each time, up to 4 × `refreshAfter`.
    public var refreshBackoff: TimeInterval = 0
    /// Whether the sync under way was started by the clock, not by the nurse.
    public var refreshing = false
    /// The NEWS2 bands of the open list when the sync under way started.
    public var bandsBeforeSync: [String: NEWS2.Band]?
    /// Patients whose NEWS2 band rose at the last sync: marked (▲) until the nurse opens them.
    public var risen: Set<String> = []
    public var lock = Lock()
    public var themeName = "default"
    public var helpScroll = 0
    public var quit = false

    public init(width: Int, height: Int, now: Date) {
        self.width = width
        self.height = height
        self.now = now
        lastActivity = now
    }

    public var currentList: ListInfo? { lists.indices.contains(listIndex) ? lists[listIndex] : nil }
    public var selectedRow: ListRow? { rows.indices.contains(rowIndex) ? rows[rowIndex] : nil }

    /// Below this the layout cannot show a patient safely.
    public static let minimumWidth = 60
    public static let minimumHeight = 20
    public var isTooSmall: Bool { width < AppState.minimumWidth || height < AppState.minimumHeight }
}

/// Sort column and direction.
public struct SortSpec: Equatable, Sendable {
    public var column: Column
    public var descending: Bool
    public init(column: Column, descending: Bool) {
        self.column = column
        self.descending = descending
    }
}
