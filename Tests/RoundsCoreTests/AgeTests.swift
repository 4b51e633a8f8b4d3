import Foundation
import RoundsCore
import Testing

/// Times on screen and in exports are written without DateFormatter; they must read exactly as
/// Foundation's formatter writes them, in the same (local) zone.
@Suite struct AgeTests {
    func formatter(_ format: String) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = format
        return f
    }

    @Test func stampAndShortMatchFoundationFormatting() {
        let stamp = formatter("yyyy-MM-dd HH:mm")
        let time = formatter("HH:mm")
        let dayTime = formatter("d MMM HH:mm")
        let now = Date(timeIntervalSince1970: 1_795_672_264) // 2026-11-26
        var d = Date(timeIntervalSince1970: 1_700_000_000)
        while d < now {
            #expect(Age.stamp(d) == stamp.string(from: d))
            let sameDay = Calendar.current.isDate(d, inSameDayAs: now)
            #expect(Age.short(d, now: now) == (sameDay ? time : dayTime).string(from: d))
            d += 37 * 3600 + 59
        }
        let earlier = now.addingTimeInterval(-90)
        #expect(Age.short(earlier, now: now) == time.string(from: earlier))
        #expect(Age.describe(since: earlier, now: now) == "1 min ago")
    }
}
