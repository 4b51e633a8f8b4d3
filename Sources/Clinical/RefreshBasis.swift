import Foundation

/// What a later sync may ask a server "what changed since?" about, kept with each patient after
/// a whole read of the record: the server's clock when it answered, and the Patient's version.
///
/// A class, held by reference in `PatientRecord`: as a struct field of it, Swift 6.3.1 debug builds
/// crashed copying the list's rows ("Bad pointer dereference" in ListRow's value witness).
public final class RefreshBasis: Sendable, Hashable {
    /// The server that answered (its base URL): a basis says nothing about another server's data.
    public let server: String
    /// The server's time, by its own clock, before which the copy is known whole.
    public let serverTime: Date
    /// This workstation's time of the last whole read (a copy is read whole again after
    /// `wholeReadAfter`, so a record deleted outright, which no "changed since" shows, goes).
    public let readAt: Date
    /// `meta.versionId` of the Patient, for `If-None-Match`.
    public let patientVersion: String?
    /// `meta.lastUpdated` of the Patient, for `If-Modified-Since`.
    public let patientLastUpdated: Date?

    /// Seconds after which a copy is read whole again, whatever the server says changed.
    public static let wholeReadAfter: TimeInterval = 3600
    /// Taken off the server's time: its `Date` header counts whole seconds, and a write stamped
    /// just before an answer may become visible just after it.
    public static let margin: TimeInterval = 10

    public init(
        server: String, serverTime: Date, readAt: Date, patientVersion: String? = nil, patientLastUpdated: Date? = nil
    ) {
        self.server = server
        self.serverTime = serverTime
        self.readAt = readAt
        self.patientVersion = patientVersion
        self.patientLastUpdated = patientLastUpdated
    }

    /// The same basis, asked again from `time` on.
    public func asked(at time: Date) -> RefreshBasis {
        RefreshBasis(
            server: server, serverTime: time, readAt: readAt, patientVersion: patientVersion,
            patientLastUpdated: patientLastUpdated)
    }

    public static func == (lhs: RefreshBasis, rhs: RefreshBasis) -> Bool {
        lhs.server == rhs.server && lhs.serverTime == rhs.serverTime && lhs.readAt == rhs.readAt
            && lhs.patientVersion == rhs.patientVersion && lhs.patientLastUpdated == rhs.patientLastUpdated
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(server)
        hasher.combine(serverTime)
        hasher.combine(readAt)
        hasher.combine(patientVersion)
        hasher.combine(patientLastUpdated)
    }
}

/// What a sync brought back for one patient: a record read anew, or the server's word that
/// nothing changed since the cached copy (with the basis for the next time).
public enum FetchedRecord: Sendable {
    case changed(PatientRecord)
    case unchanged(RefreshBasis)
}

/// Dates as HTTP writes them (RFC 9110 IMF-fixdate): `Wed, 02 Dec 2026 12:00:00 GMT`.
public enum HTTPDate {
    public static func string(_ date: Date) -> String { formatter().string(from: date) }

    public static func parse(_ text: String) -> Date? { formatter().date(from: text) }

    // A formatter per call: DateFormatter is not safe to share across threads.
    private static func formatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }
}
