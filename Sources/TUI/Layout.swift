import ScreenKit

/// Where each pane sits for a screen size; shared by the views and the reducer (mouse, paging).
public struct Layout: Equatable, Sendable {
    public var lists: Rect
    public var patients: Rect
    public var detail: Rect
    public var statusY: Int
    public var footerY: Int

    public init(width w: Int, height h: Int) {
        let body = max(0, h - 3)
        let topH = max(6, min(body - 6, body * 9 / 20))
        let listsW = w >= 100 ? 18 : 15
        lists = Rect(x: 0, y: 1, width: listsW, height: topH)
        patients = Rect(x: listsW, y: 1, width: max(0, w - listsW), height: topH)
        detail = Rect(x: 0, y: 1 + topH, width: w, height: max(0, body - topH))
        statusY = h - 2
        footerY = h - 1
    }

    /// Patient rows visible under the column header.
    public var visibleRows: Int { max(1, patients.height - 3) }
    /// The first row's y.
    public var firstRowY: Int { patients.y + 2 }
    public var headerY: Int { patients.y + 1 }
}
