import Clinical
import Foundation
import JSONKit
import RoundsCore
import Store

/// `rounds list show`: the list as a table with its columns, or JSON.
enum ListShow {
    static func print(_ list: PatientList, rows listed: [ListRow], sort: (Column, Bool)?, json: Bool) throws {
        let now = Date()
        var rows = listed
        if let (c, d) = sort { rows = ListBuilder.sort(rows, by: c, descending: d, now: now) }
        let cols = ListBuilder.columns(list)
        if json {
            let out: [String: JSONish] = [
                "name": .s(list.name), "columns": .a(cols.map { .s($0.rawValue) }),
                "sort": sort.map { .s($0.0.rawValue + ($0.1 ? "-" : "")) } ?? .null,
                "patients": .a(
                    rows.map { row in
                        var cells: [String: JSONish] = [:]
                        for c in cols { cells[c.rawValue] = .s(c.value(row, now: now).text) }
                        return .o([
                            "id": .s(row.id), "synced": .b(row.record != nil), "cells": .o(cells),
                            "news2": row.news2.map { n in
                                .o([
                                    "score": .n(Double(n.total)), "band": .s(n.band.rawValue),
                                    "partial": .b(n.isPartial),
                                    "missing": .a(n.missing.map { .s($0.rawValue) }),
                                    "stale": .a(n.stale.map { .s($0.rawValue) }),
                                    "notes": .a(n.notes.map { .s($0) }),
                                ])
                            } ?? .null,
                        ])
                    }),
            ]
            try Output.json(out)
            return
        }
        var t = TextTable(headers: cols.map(\.title))
        for row in rows {
            t.rows.append(
                cols.map { c in
                    let v = c.value(row, now: now)
                    return v.abnormal && c != .news2 ? v.text + "!" : v.text
                })
        }
        Output.out(
            "\(list.name) (\(rows.count) patients)\(sort.map { " sorted by \($0.0.title)\($0.1 ? " ↓" : " ↑")" } ?? "")"
        )
        Output.out(t.render())
        let partial = rows.filter { $0.news2?.isPartial == true }.count
        if partial > 0 {
            Output.out("? NEWS2 partial for \(partial) patient(s): 'rounds patient ID' names what is missing or stale.")
        }
    }
}
