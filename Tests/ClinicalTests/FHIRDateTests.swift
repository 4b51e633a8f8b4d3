import Clinical
import Foundation
import Testing

@Suite struct FHIRDateTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let raw: String
        let precision: FHIRDate.Precision
        let offset: Int?
        var testDescription: String { raw }
    }

    @Test(arguments: [
        Case(raw: "2000", precision: .year, offset: nil),
        Case(raw: "2019-12", precision: .yearMonth, offset: nil),
        Case(raw: "1951-08-23", precision: .date, offset: nil),
        Case(raw: "2026-11-25T07:45:00-05:00", precision: .dateTime, offset: -18000),
        Case(raw: "2015-02-07T13:28:17.239+02:00", precision: .dateTime, offset: 7200),
        Case(raw: "2016-03-08T14:00:00.000Z", precision: .dateTime, offset: 0),
        Case(raw: "2009-01-05T10:00:00-00:00", precision: .dateTime, offset: 0),
        Case(raw: "2026-11-25T07:45:00", precision: .dateTime, offset: nil),
        Case(raw: "2026-11-25T07:45", precision: .dateTime, offset: nil),
        Case(raw: "09/17/2018 1:00:00 PM", precision: .unparsed, offset: nil),
        Case(raw: "2019-02-29", precision: .unparsed, offset: nil),
        Case(raw: "2020-13-01", precision: .unparsed, offset: nil),
        Case(raw: "", precision: .unparsed, offset: nil),
        Case(raw: "approximately November 2012", precision: .unparsed, offset: nil),
    ])
    func parses(_ c: Case) {
        let d = FHIRDate(c.raw)
        #expect(d.precision == c.precision)
        #expect(d.utcOffsetSeconds == c.offset)
        #expect(d.raw == c.raw)
        #expect((d.instant == nil) == (c.precision == .unparsed))
    }

    @Test func instantHonoursZone() throws {
        let a = try #require(FHIRDate("2026-11-25T10:00:00+10:00").instant)
        let b = try #require(FHIRDate("2026-11-25T00:00:00Z").instant)
        #expect(a == b)
    }

    static let reference = FHIRDate("2026-11-26T12:00:00Z").instant!

    @Test(arguments: [
        ("1990-07", 36), ("1990-12", 35), ("1990", 36), ("1951-08-23", 75), ("1951-11-27", 74), ("1951-11-26", 75),
    ])
    func ageFromPartialDates(_ birth: String, _ age: Int) {
        #expect(FHIRDate(birth).age(on: Self.reference) == age)
    }

    @Test func leapDayBirthday() throws {
        let born = FHIRDate("2000-02-29")
        let feb28 = try #require(FHIRDate("2027-02-28").instant)
        let mar1 = try #require(FHIRDate("2027-03-01").instant)
        let feb29 = try #require(FHIRDate("2028-02-29").instant)
        #expect(born.age(on: feb28) == 26)
        #expect(born.age(on: mar1) == 27)
        #expect(born.age(on: feb29) == 28)
    }

    @Test func unparsedHasNoAge() {
        #expect(FHIRDate("09/17/2018").age(on: Self.reference) == nil)
    }

    @Test func codableKeepsTheRawText() throws {
        let d = FHIRDate("2019-12")
        let data = try JSONEncoder().encode([d])
        #expect(String(decoding: data, as: UTF8.self) == #"["2019-12"]"#)
        #expect(try JSONDecoder().decode([FHIRDate].self, from: data) == [d])
    }
}

@Suite struct PersonNameTests {
    @Test func displayForms() {
        #expect(PersonName(family: "Black", given: ["Ruth", "C."]).display == "Black, Ruth C.")
        #expect(PersonName(given: ["Jim"]).display == "Jim")
        #expect(PersonName(text: "张无忌").display == "张无忌")
        #expect(PersonName().display == "(no name)")
        #expect(PersonName(family: "Chau", given: ["Hugh"], prefix: ["Mr"]).spoken == "Mr Hugh Chau")
        #expect(PersonName(family: "Black", given: ["Ruth", "Clara"]).initials == "R. C. B.")
    }

    @Test func unitsDisplay() {
        #expect(Units.display("Cel") == "°C")
        #expect(Units.display("[degF]") == "°F")
        #expect(Units.display("mm[Hg]") == "mmHg")
        #expect(Units.display("furlong") == "furlong")
        #expect(abs(Units.celsius(98.6, unit: "[degF]")! - 37.0) < 0.001)
    }
}

/// HTTP dates: the form every server sends, read by hand, agrees with the formatter.
@Suite struct HTTPDateTests {
    @Test(arguments: [0, 784_111_777, 951_782_400, 1_709_164_799, 1_795_000_000, 4_102_444_800])
    func theReaderReadsWhatTheWriterWrites(_ seconds: Int) {
        let date = Date(timeIntervalSince1970: Double(seconds))
        let text = HTTPDate.string(date)
        #expect(HTTPDate.parse(text) == date, "\(text)")
    }

    @Test func theWriterAgreesWithAFormatterFrom1900To2300() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var checked = 0
        // Every 3 days and 7 777 seconds, so every weekday, month and hour comes round.
        var seconds = -2_208_988_800.0
        while seconds < 10_413_792_000 {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(HTTPDate.string(date) == formatter.string(from: date), "\(seconds)")
            checked += 1
            seconds += 3 * 86_400 + 7_777
        }
        #expect(checked > 45_000)
    }

    @Test func knownDatesAndRefusals() {
        #expect(HTTPDate.string(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == Date(timeIntervalSince1970: 784_111_777))
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 25:49:37 GMT") == nil)
        #expect(HTTPDate.parse("Sun, 06 Foo 1994 08:49:37 GMT") == nil)
        #expect(HTTPDate.parse("yesterday") == nil)
    }
}

/// `FHIRDate.iso8601` writes by arithmetic; a calendar must agree, every day of four centuries.
@Suite struct ISO8601WritingTests {
    @Test func agreesWithTheCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var checked = 0
        // Every 7 days and 12 345 seconds from 1900 to 2300, and the edges of days and years.
        var seconds = -2_208_988_800.0
        while seconds < 10_413_792_000 {
            for instant in [seconds, seconds + 0.999, (seconds / 86400).rounded(.down) * 86400 - 1] {
                let date = Date(timeIntervalSince1970: instant)
                let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
                let expected = String(
                    format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
                #expect(FHIRDate.iso8601(date) == expected)
                checked += 1
            }
            seconds += 7 * 86400 + 12_345
        }
        #expect(checked > 60_000)
        #expect(FHIRDate.iso8601(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }
}
