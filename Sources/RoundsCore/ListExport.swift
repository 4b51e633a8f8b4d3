import Foundation
import TextSafety

/// The shift report: a list's columns, one row per patient, as CSV (RFC 4180, UTF-8 with a BOM
/// so Excel reads Zoë correctly, formula injection neutralised), Markdown or JSON.
public enum ListExport {
    public enum Format: String, Sendable, CaseIterable { case csv, md, json }

    public static func render(listName: String, columns: [Column], rows: [ListRow], format: Format, now: Date = Date())
        -> Data
    {
        let table = rows.map { row in columns.map { $0.value(row, now: now).text } }
        switch format {
        case .csv:
            var out = "\u{FEFF}"
            out += columns.map { csvCell($0.title) }.joined(separator: ",") + "\r\n"
            for r in table { out += r.map(csvCell).joined(separator: ",") + "\r\n" }
            return Data(out.utf8)
        case .md:
            var out = "# \(mdCell(listName))\n\nExported \(Age.stamp(now)) · \(rows.count) patients · contains PHI\n\n"
            out += "| " + columns.map { mdCell($0.title) }.joined(separator: " | ") + " |\n"
            out += "|" + columns.map { _ in " --- |" }.joined() + "\n"
            for r in table { out += "| " + r.map(mdCell).joined(separator: " | ") + " |\n" }
            return Data(out.utf8)
        case .json:
            let objects: [[String: String]] = rows.map { row in
                var o = ["id": row.id]
                for c in columns { o[c.rawValue] = c.value(row, now: now).text }
                return o
            }
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            struct Doc: Encodable {
                let list: String
                let exportedAt: String
                let columns: [String]
                let patients: [[String: String]]
            }
            let doc = Doc(
                list: listName, exportedAt: ISO8601DateFormatter().string(from: now), columns: columns.map(\.rawValue),
                patients: objects)
            let encoded = (try? e.encode(doc)) ?? Data()
            return Data(TerminalText.safeJSON(String(decoding: encoded, as: UTF8.self)).utf8)
        }
    }

    /// One CSV field: a leading `=`, `+`, `-`, `@`, tab or CR gets a `'` so a spreadsheet never
    /// runs it as a formula; quotes, commas and line breaks are quoted per RFC 4180.
    public static func csvCell(_ s: String) -> String {
        var v = TerminalText.safe(s, lines: true)
        if let f = v.first, "=+-@\t\r".contains(f) { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }

    static func mdCell(_ s: String) -> String {
        TerminalText.safe(s.replacingOccurrences(of: "\n", with: " "), lines: false).replacingOccurrences(
            of: "|", with: "\\|")
    }
}
