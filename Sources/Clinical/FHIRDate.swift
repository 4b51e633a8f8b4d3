import Foundation

/// A FHIR date or dateTime that keeps the precision it was sent with.
///
/// Servers send `2000`, `2019-12`, `1951-08-23`, `2026-11-25T07:45:00-05:00`, and sometimes text
/// such as `09/17/2018 1:00:00 PM`. Unparsable values are kept verbatim (`precision == .unparsed`)
/// so they can be shown as sent instead of being dropped.
public struct FHIRDate: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How much of the date the source gave.
    public enum Precision: String, Sendable, Hashable, Codable {
        case year, yearMonth, date, dateTime, unparsed
    }

    /// The value exactly as the server sent it.
    public let raw: String
    public let precision: Precision
    public let year: Int?
    public let month: Int?
    public let day: Int?
    public let hour: Int?
    public let minute: Int?
    public let second: Double?
    /// Offset from UTC in seconds; `nil` for a dateTime sent without a zone (or a plain date).
    public let utcOffsetSeconds: Int?
    /// Seconds since 1970 of the earliest instant denoted; computed once (dates are compared a lot).
    let epoch: Double?

    /// Parses a FHIR date/dateTime; anything else becomes an `.unparsed` value holding the text.
    public init(_ raw: String) {
        self.raw = raw
        if let p = FHIRDate.parse(raw) {
            precision = p.precision
            year = p.year
            month = p.month
            day = p.day
            hour = p.hour
            minute = p.minute
            second = p.second
            utcOffsetSeconds = p.offset
            let days = FHIRDate.daysFromCivil(p.year, p.month ?? 1, p.day ?? 1)
            let wallClock = Double(days * 86400 + (p.hour ?? 0) * 3600 + (p.minute ?? 0) * 60) + (p.second ?? 0)
            // A time sent without a zone is taken as this workstation's local time (the mappers
            // warn about it); a plain date has no time of day and stays at UTC midnight.
            let offset = p.offset ?? (p.hour == nil ? 0 : FHIRDate.localOffset(atWallClock: wallClock))
            epoch = wallClock - Double(offset)
        } else {
            precision = .unparsed
            year = nil
            month = nil
            day = nil
            hour = nil
            minute = nil
            second = nil
            utcOffsetSeconds = nil
            epoch = nil
        }
    }

    static func localOffset(atWallClock seconds: Double) -> Int {
        TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: seconds))
    }

    /// A date-time at an exact instant, written in UTC.
    public init(instant: Date) {
        self.init(FHIRDate.iso8601(instant))
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        self.init(try c.decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(raw)
    }

    public var description: String { raw }

    /// True when the text could not be read as a FHIR date.
    public var isUnparsed: Bool { precision == .unparsed }

    /// The earliest instant this value can denote. A dateTime without a zone and a plain date are
    /// read as UTC: good enough for ordering, never shown as a time of day.
    public var instant: Date? { epoch.map(Date.init(timeIntervalSince1970:)) }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Completed years of age on `reference` (in the given calendar's zone).
    ///
    /// A partial birth date gives the age its precision allows: born `1990-07` is counted from
    /// the first of July, born `1990` from the first of January. 29 February counts as passed on
    /// 1 March of a common year.
    public func age(on reference: Date, calendar: Calendar = FHIRDate.gregorianUTC) -> Int? {
        guard let year else { return nil }
        let now = calendar.dateComponents([.year, .month, .day], from: reference)
        guard let ny = now.year, let nm = now.month, let nd = now.day else { return nil }
        var age = ny - year
        let bm = month ?? 1
        let bd = day ?? 1
        if (nm, nd) < (bm, bd) { age -= 1 }
        return age >= 0 ? age : nil
    }

    /// A calendar fixed to UTC, so results never depend on the machine's zone.
    public static let gregorianUTC: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(secondsFromGMT: 0) ?? c.timeZone
        return c
    }()

    /// `2026-11-25T13:00:00Z` for an instant.
    public static func iso8601(_ date: Date) -> String {
        // By arithmetic, not a calendar and String(format:): a re-sync writes one per patient and
        // section (they showed as a quarter of its CPU).
        let utc = UTCTime(date)
        let year = String(utc.year)
        let paddedYear = String(repeating: "0", count: max(0, 4 - year.count)) + year
        return "\(paddedYear)-\(UTCTime.two(utc.month))-\(UTCTime.two(utc.day))T\(utc.clock)Z"
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (the inverse of `daysFromCivil`).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private struct Parts {
        var precision: Precision
        var year: Int
        var month: Int?
        var day: Int?
        var hour: Int?
        var minute: Int?
        var second: Double?
        var offset: Int?
    }

    private static func parse(_ s: String) -> Parts? {
        let b = Array(s.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in i..<(i + n) {
                guard b[k] >= 48, b[k] <= 57 else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            i += n
            return v
        }
        func expect(_ ch: UInt8) -> Bool {
            guard i < b.count, b[i] == ch else { return false }
            i += 1
            return true
        }
        guard let y = digits(4), y > 0 else { return nil }
        if i == b.count { return Parts(precision: .year, year: y) }
        guard expect(45), let m = digits(2), (1...12).contains(m) else { return nil }
        if i == b.count { return Parts(precision: .yearMonth, year: y, month: m) }
        guard expect(45), let d = digits(2), d >= 1, d <= daysIn(month: m, year: y) else { return nil }
        if i == b.count { return Parts(precision: .date, year: y, month: m, day: d) }
        guard expect(84), let hh = digits(2), hh < 24, expect(58), let mm = digits(2), mm < 60 else { return nil }
        var sec: Double? = nil
        if expect(58) {
            guard let ss = digits(2), ss < 61 else { return nil }
            var fraction = 0.0
            var scale = 0.1
            if expect(46) {
                var any = false
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    fraction += Double(b[i] - 48) * scale
                    scale /= 10
                    i += 1
                    any = true
                }
                guard any else { return nil }
            }
            sec = Double(ss) + fraction
        }
        var offset: Int? = nil
        if i < b.count {
            if expect(90) {
                offset = 0
            } else {
                guard i < b.count, b[i] == 43 || b[i] == 45 else { return nil }
                let sign = b[i] == 45 ? -1 : 1
                i += 1
                guard let oh = digits(2), oh <= 14, expect(58), let om = digits(2), om < 60 else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == b.count else { return nil }
        return Parts(precision: .dateTime, year: y, month: m, day: d, hour: hh, minute: mm, second: sec, offset: offset)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension FHIRDate {
    /// Orders by instant; values without one (unparsed text) sort before every real date,
    /// so "latest" never picks a value nobody can read as a date.
    public static func isEarlier(_ a: FHIRDate?, _ b: FHIRDate?) -> Bool {
        switch (a?.epoch, b?.epoch) {
        case (let x?, let y?): return x < y
        case (nil, _?): return true
        default: return false
        }
    }
}

/// An instant split into its UTC day and time of day by arithmetic, for the writers of FHIR
/// instants and HTTP dates.
struct UTCTime {
    /// Days since 1970-01-01.
    let days: Int
    let year: Int
    let month: Int
    let day: Int
    /// Seconds since midnight.
    let second: Int

    init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        second = seconds - days * 86400
        (year, month, day) = FHIRDate.civil(fromDays: days)
    }

    /// `hh:mm:ss`.
    var clock: String { "\(Self.two(second / 3600)):\(Self.two(second / 60 % 60)):\(Self.two(second % 60))" }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
