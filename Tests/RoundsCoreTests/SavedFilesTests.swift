import Foundation
import RoundsCore
import Testing

/// The dates in Rounds' own files (connections.json, team.json, list exports): written as ISO 8601
/// in UTC and read back to the second, as files written by earlier versions are.
@Suite struct SavedFilesTests {
    struct Stamp: Codable, Equatable {
        var at: Date
    }

    @Test func datesAreWrittenInUTCAndReadBackToTheSecond() throws {
        let instant = Date(timeIntervalSince1970: 1_796_110_690) // 2026-12-01T07:38:10Z
        let written = String(decoding: try JSONEncoder.rounds.encode(Stamp(at: instant)), as: UTF8.self)
        #expect(written.contains(#""at" : "2026-12-01T07:38:10Z""#))
        let read = try JSONDecoder.rounds.decode(Stamp.self, from: Data(written.utf8))
        #expect(read == Stamp(at: instant))
        // A fraction of a second is not written (as before), so the file holds whole seconds.
        let fraction = try JSONEncoder.rounds.encode(Stamp(at: instant.addingTimeInterval(0.75)))
        #expect(try JSONDecoder.rounds.decode(Stamp.self, from: fraction) == Stamp(at: instant))
    }

    @Test(arguments: [
        ("2026-12-01T07:38:10Z", 1_796_110_690.0), ("2026-12-01T08:38:10+01:00", 1_796_110_690.0),
        ("2026-12-01T02:38:10-05:00", 1_796_110_690.0), ("1999-12-31T23:59:59Z", 946_684_799.0),
    ])
    func aDateWithAZoneIsRead(_ text: String, _ seconds: Double) throws {
        let read = try JSONDecoder.rounds.decode(Stamp.self, from: Data(#"{"at":"\#(text)"}"#.utf8))
        #expect(read.at.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: ["2026-12-01", "2026-12-01T07:38:10", "yesterday", "", "2026-13-01T07:38:10Z"])
    func anythingElseIsRefusedAndSaysWhatWasExpected(_ text: String) {
        do {
            _ = try JSONDecoder.rounds.decode(Stamp.self, from: Data(#"{"at":"\#(text)"}"#.utf8))
            Issue.record("'\(text)' was read as a date")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("date and time with a zone"))
            #expect(context.debugDescription.contains("'\(text)'"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
