import Foundation
import JSONKit
import Sandbox
import Store
import TestSupport
import Testing

/// The rounding sheet printed by a real browser: headless Chromium prints the exported HTML to
/// PDF with no network, `pdftoppm` renders its pages, `pdftotext` reads them back.
@Suite struct RoundingSheetBrowserTests {
    static let severities: [Severity] = [.stable, .watcher, .unstable]

    /// A ward of `count` synced patients, each with a handoff (a summary unique to it).
    static func ward(count: Int) throws -> (SandboxHarness, CLIRunner, [String]) {
        let sandbox = try SandboxHarness(patients: count)
        let (cli, ids) = try PatientBatchTests.ward(sandbox, patients: count)
        #expect(try cli.run(["sync"]).status == 0)
        for (index, id) in ids.enumerated() {
            let severity = severities[index % severities.count].rawValue
            let set = try cli.run([
                "handoff", "set", id, "--list", "Ward", "--severity", severity, "--summary",
                "Summary of bed \(index + 1)",
                "--contingency", "If MAP < 65 call the registrar",
            ])
            #expect(set.status == 0, "\(set.stderr)")
        }
        #expect(try cli.run(["todo", "add", ids[0], "Repeat lactate", "--list", "Ward", "--due", "10:00"]).status == 0)
        return (sandbox, cli, ids)
    }

    static func tool(_ name: String, _ args: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + args
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(
            process.terminationStatus == 0, "\(name) \(args) failed; 'make deps' installs chromium and poppler-utils")
        return String(decoding: data, as: UTF8.self)
    }

    /// Prints the page to PDF with headless Chromium, offline, and returns its pages' text.
    static func print(_ html: String, in directory: String) throws -> [String] {
        let pdf = directory + "/sheet.pdf"
        _ = try tool(
            "chromium",
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                "--user-data-dir=\(directory)/chrome",
                // No network: a page that needed any would print without it.
                "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
                "--print-to-pdf=\(pdf)", "file://\(html)",
            ])
        let info = try tool("pdfinfo", [pdf])
        let pages =
            Int(
                info.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "0") ?? 0
        // Every page renders.
        _ = try tool("pdftoppm", ["-r", "40", "-png", pdf, directory + "/page"])
        let images = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
            $0.hasPrefix("page") && $0.hasSuffix(".png")
        }
        #expect(images.count == pages, "\(images)")
        return try (1...max(1, pages)).map { page in
            try tool("pdftotext", ["-f", "\(page)", "-l", "\(page)", "-layout", pdf, "-"])
        }
    }

    @Test func theSheetPrintsEveryPatientWholeOnLandscapePagesWithNoNetwork() throws {
        let (sandbox, cli, ids) = try Self.ward(count: 14)
        defer { withExtendedLifetime(sandbox) {} }
        let html = cli.home + "/sheet.html"
        let export = try cli.run(["export", "Ward", "--format", "html", "--output", html])
        #expect(export.status == 0, "\(export.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(!page.contains("http://") && !page.contains("https://") && !page.contains("<script"), "self-contained")
        let pages = try Self.print(html, in: try TempDir.make("sheet"))
        #expect(pages.count >= 2 && pages.count <= 6, "14 patients on a few landscape pages: \(pages.count)")
        #expect(pages[0].contains("Ward") && pages[0].contains("Printed"), "the header")
        let shown = try JSONParser.parse(try cli.run(["handoff", "show", "Ward", "--json"]).stdout)
        for (index, patient) in (shown["patients"]?.array ?? []).enumerated() {
            let name = try #require(patient["name"]?.string)
            let family = String(name.split(separator: ",").first ?? "")
            let summary = "Summary of bed \(index + 1)"
            let severity = Self.severities[index % Self.severities.count].rawValue.uppercased()
            // The patient's block is on one page: its name, severity and summary together.
            let on = pages.indices.filter { pages[$0].contains(summary + "\n") || pages[$0].contains(summary + " ") }
            #expect(on.count == 1, "\(ids[index]) '\(summary)' on pages \(on)")
            guard let p = on.first else { continue }
            #expect(pages[p].contains(family), "\(family) with its summary on page \(p + 1)")
            #expect(pages[p].contains(severity), "\(severity) on page \(p + 1)")
        }
        #expect(pages.joined().contains("Repeat lactate"))
    }

    @Test func aMaskedSheetShowsNoNames() throws {
        let (sandbox, cli, _) = try Self.ward(count: 3)
        defer { withExtendedLifetime(sandbox) {} }
        let html = cli.home + "/masked.html"
        #expect(try cli.run(["export", "Ward", "--format", "html", "--masked", "--output", html]).status == 0)
        let text = try Self.print(html, in: try TempDir.make("masked")).joined()
        let shown = try JSONParser.parse(try cli.run(["handoff", "show", "Ward", "--json"]).stdout)
        for patient in shown["patients"]?.array ?? [] {
            let family = String((patient["name"]?.string ?? "").split(separator: ",").first ?? "")
            #expect(!family.isEmpty && !text.contains(family), "\(family) is masked")
        }
        #expect(text.contains("names masked") && text.contains("•••"), "\(text.prefix(300))")
        #expect(text.contains("UNSTABLE") || text.contains("WATCHER"), "the handoff still shows")
    }
}
