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
    /// Written by arithmetic: the sandbox dates every answer, and a formatter per answer showed in
    /// its profile.
    public static func string(_ date: Date) -> String {
        let utc = UTCTime(date)
        // 1970-01-01 was a Thursday.
        let weekday = weekdays[((utc.days % 7) + 7 + 4) % 7]
        return "\(weekday), \(UTCTime.two(utc.day)) \(months[utc.month - 1]) \(utc.year) \(utc.clock) GMT"
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    /// The form RFC 9110 asks servers to send (`Sun, 06 Nov 1994 08:49:37 GMT`, every answer's
    /// `Date`) is read by hand (a formatter per answer showed in a sync's profile); anything else
    /// by the formatter, as before.
    public static func parse(_ text: String) -> Date? { fixdate(text) ?? formatter().date(from: text) }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func fixdate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].count == 4, parts[0].hasSuffix(","), parts[5] == "GMT",
            parts[1].count == 2, let day = Int(parts[1]), let monthIndex = months.firstIndex(of: String(parts[2])),
            parts[3].count == 4, let year = Int(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }), let hour = Int(clock[0]),
            let minute = Int(clock[1]), let second = Int(clock[2]), (1...31).contains(day), hour < 24, minute < 60,
            second < 61
        else { return nil }
        let days = FHIRDate.daysFromCivil(year, monthIndex + 1, day)
        return Date(timeIntervalSince1970: Double(days * 86400 + hour * 3600 + minute * 60 + second))
    }

    // A formatter per call: DateFormatter is not safe to share across threads.
    private static func formatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }
}
