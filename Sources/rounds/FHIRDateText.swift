import Foundation
import RoundsCore
import Store

enum FHIRDateText {
    static func iso(_ d: Date) -> String { ISO8601DateFormatter().string(from: d) }
}
