import Clinical
import CursesBackend
import FHIRAdapters
import FHIRClient
import Foundation
import RoundsCore
import ScreenKit
import Store
import TUI

/// `make bench`: measurements the issues ask for, printed as one line per figure.
/// Speed is measured here, never in tests.
@main
struct BenchMain {
    static func main() async {
        do {
            try await run(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("rounds-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ args: [String]) async throws {
        switch args.first {
        case "make-cache":
            // make-cache HOME N LISTED: a Rounds home with a cache of N synthetic patients, LISTED on a list.
            try makeCache(home: args[1], count: Int(args[2]) ?? 100_000, listed: Int(args[3]) ?? 1000)
        case "search":
            try searchBench(home: args[1])
        case "profile":
            try profile(home: args[1])
        case "tui-virtual":
            try await tuiVirtual(home: args[1])
        case "tui-starts":
            // tui-starts HOME N: N cold starts in one process, to profile start-up on its own.
            try await tuiStarts(home: args[1], count: Int(args[2]) ?? 20)
        case "tui-real":
            try await tuiReal(home: args[1], out: args[2])
        case "read-answer":
            // read-answer FILE N: a saved batch-response read N times (parse, resources, records),
            // to profile the client's own work on an answer without a server.
            try readAnswer(file: args[1], times: Int(args[2]) ?? 20)
        default:
            print("usage: rounds-bench make-cache HOME N LISTED | search HOME | tui-virtual HOME | tui-real HOME OUT")
        }
    }

    static func readAnswer(file: String, times: Int) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        var parse = 0.0
        var read = 0.0
        var readings = 0
        for _ in 0..<times {
            let start = Date()
            let root = try JSONNode.parse(data)
            parse += Date().timeIntervalSince(start)
            for entry in root["entry"]?.list ?? .empty {
                guard let resource = entry["resource"] else { continue }
                let document = try FHIRDocument(json: resource)
                let records = RecordAssembler.records(resources: document.resources, release: .stu3)
                readings += records.reduce(0) { $0 + $1.vitalHistory.count }
            }
            read += Date().timeIntervalSince(start)
        }
        let megabytes = Double(data.count * times) / 1e6
        print(
            String(
                format: "read-answer: parse %.1f MB/s; parse, resources and records %.2f ms per answer (%d readings)",
                megabytes / parse, read * 1000 / Double(times), readings / times))
    }

    static let connection = SavedConnection(
        name: "bench", baseURL: "http://127.0.0.1:9/stu3", clientId: nil, tenant: "bench",
        secretFile: nil, auth: .post, fhirVersion: "STU3", tokenURL: nil)

    static func workspace(_ home: String) throws -> Workspace {
        let paths = RoundsPaths(environment: ["ROUNDS_HOME": home])
        return try Workspace(paths: paths, settings: Settings(), connection: connection)
    }

    static func makeCache(home: String, count: Int, listed: Int) throws {
        let paths = RoundsPaths(environment: ["ROUNDS_HOME": home])
        try paths.prepare()
        var book = ConnectionBook()
        book.upsert(connection)
        try book.save(paths)
        let ws = try workspace(home)
        let families = BenchMain.families
        let givens = [
            "Ruth", "Zoë", "Hugh", "José", "Mei", "Björn", "Aisha", "Kenji", "Elena", "Liam", "Noor", "Greta",
        ]
        var rng = SystemRandomNumberGenerator()
        let now = Date()
        let start = Date()
        var batch: [PatientRecord] = []
        for n in 0..<count {
            let id = String(format: "b%06d", n)
            var r = PatientRecord(
                patient: Patient(
                    id: id,
                    name: PersonName(
                        family: families[n % families.count] + (n % 7 == 0 ? "-\(n % 997)" : ""),
                        given: [givens[(n / 20) % givens.count]], use: "official"),
                    gender: n % 2 == 0 ? "female" : "male",
                    birthDate: FHIRDate(String(format: "%04d-%02d-%02d", 1930 + n % 80, 1 + n % 12, 1 + n % 28)),
                    mrn: String(format: "%07d", 1_000_000 + (n * 7919) % 9_000_000),
                    generalPractitioner: ["Dr Jane Doe"]),
                fhirVersion: .stu3, fetchedAt: now)
            var hist: [VitalSign] = []
            for k in 0..<18 {
                let t = FHIRDate(instant: now.addingTimeInterval(-Double(17 - k) * 4 * 3600))
                hist.append(
                    VitalSign(
                        code: "8867-4", display: "Heart rate", value: Double(60 + Int.random(in: 0...50, using: &rng)),
                        unit: "/min", effective: t))
                hist.append(
                    VitalSign(
                        code: "85354-9", display: "Blood pressure", effective: t,
                        components: [
                            VitalComponent(code: "8480-6", value: 120, unit: "mm[Hg]"),
                            VitalComponent(code: "8462-4", value: 75, unit: "mm[Hg]"),
                        ]))
                hist.append(VitalSign(code: "9279-1", value: 16, unit: "/min", effective: t))
                hist.append(VitalSign(code: "59408-5", value: 96, unit: "%", effective: t))
                hist.append(VitalSign(code: "8310-5", value: 37, unit: "Cel", effective: t))
                hist.append(VitalSign(code: "3150-0", value: 21, unit: "%", effective: t))
                hist.append(VitalSign(code: "80288-4", text: "Alert", effective: t))
            }
            r.vitalHistory = hist
            var latest: [String: VitalSign] = [:]
            for v in hist { latest[v.code] = v }
            r.latestVitals = Array(latest.values)
            r.lastEncounter = Encounter(
                status: "in-progress", type: "Hospital admission",
                start: FHIRDate(instant: now.addingTimeInterval(-86400 * 3)),
                location: "4 West, Room \(100 + n % 400), Bed A")
            r.conditions = [
                Condition(display: "Hypertensive disorder", severity: "Moderate"),
                Condition(display: "Type 2 diabetes mellitus"),
            ]
            r.allergies =
                n % 3 == 0
                ? [Allergy(substance: "Penicillin V", reactions: [AllergyReaction(manifestations: ["Anaphylaxis"])])]
                : []
            r.medications = [
                Medication(name: "Labetalol 200 mg tablet", prescriber: "Dr A. Nwosu", dosage: ["200 mg twice daily"])
            ]
            r.coverage = [Coverage(payor: "Contoso Health", plan: "Gold PPO")]
            for s in ClinicalSection.allCases { r.sections[s] = SectionState(.ok, fetchedAt: now) }
            batch.append(r)
            if batch.count == 2000 {
                try ws.cache.saveBatch(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try ws.cache.saveBatch(batch)
        let listName = "Bench \(listed)"
        let listedIds = (0..<listed).map { String(format: "b%06d", $0) }
        try ws.cache.createList(listName, columns: (Column.defaults + [.severity, .delta, .heldBy]).map(\.rawValue))
        try ws.cache.addPatients(listedIds, to: listName)
        // Every listed patient handed over (severity, summary, contingency, a to-do) and a round
        // accepted: the list opens with the handoff fields and the Δ column to compute.
        let severities: [Severity] = [.stable, .watcher, .unstable]
        try ws.cache.atomically { () throws(StoreError) in
            for (index, id) in listedIds.enumerated() {
                let edit = HandoffEdit(
                    severity: severities[index % 3], summary: "Day \(index % 7 + 1) of admission, improving",
                    contingency: "If NEWS2 ≥ 5, call the outreach team")
                try ws.cache.setHandoff(list: listName, patient: id, edit, by: "bench", at: now)
                try ws.cache.addTodo(
                    list: listName, patient: id, id: "todo-\(id)", text: "Repeat obs", owner: "RN", due: "10:00",
                    by: "bench", at: now)
            }
        }
        try ws.cache.acceptHandoff(list: listName, patients: listedIds, by: "bench", at: now)
        try SinceLastRound.refreshSnapshots(list: listName, cache: ws.cache)
        let size = ((try? FileManager.default.attributesOfItem(atPath: ws.cache.path))?[.size] as? Int) ?? 0
        print(
            String(
                format:
                    "cache: %d patients written in %.1f s; file %.1f MB; %.1f KB per patient (vitals history of 126 "
                    + "readings each)",
                count, Date().timeIntervalSince(start), Double(size) / 1e6, Double(size) / Double(count) / 1024))
    }

    /// 400 family names from syllables, so a name part matches hundreds of patients, as in a
    /// real hospital, not a twentieth of the cache.
    static let families: [String] = {
        let a = [
            "Bla", "Chau", "Ngu", "Ång", "O'Bri", "Mül", "Gar", "Oka", "Kow", "Had", "Zie", "Tan", "Søn", "Dub", "Iva",
            "Ros", "Sin", "Kim", "Lin", "Abe",
        ]
        let b = [
            "ck", "ton", "yễn", "ström", "en", "ler", "cía", "for", "alski", "dad", "lińska", "aka", "dergaard", "ois",
            "ova", "si", "gh", "ball", "dqvist", "rnathy",
        ]
        return a.flatMap { x in b.map { x + $0 } }
    }()

    static func percentile(_ xs: [Double], _ p: Double) -> Double {
        let s = xs.sorted()
        return s[min(s.count - 1, Int(Double(s.count - 1) * p))]
    }

    static func searchBench(home: String) throws {
        let ws = try workspace(home)
        let n = try ws.cache.cachedPatientIds().count
        func run(_ name: String, _ queries: [OfflineQuery]) throws {
            var times: [Double] = []
            var hits = 0
            for q in queries {
                let t = DispatchTime.now().uptimeNanoseconds
                hits += try ws.cache.search(q).total
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
            }
            print(
                String(
                    format: "offline search over %d patients, %@: median %.2f ms, p99 %.2f ms (%d queries, %d matches)",
                    n, name, percentile(times, 0.5), percentile(times, 0.99), queries.count, hits))
        }
        // Name parts: 4-6 letters from inside a family name, plus given-name parts.
        var parts: [String] = []
        for k in 0..<300 {
            let f = Array(TextFolding.fold(families[(k * 37) % families.count]))
            let len = 4 + k % 3
            let start = f.count > len ? (k % (f.count - len + 1)) : 0
            parts.append(String(f[start..<min(f.count, start + len)]))
        }
        try run("name part", parts.map { OfflineQuery(name: $0) })
        try run(
            "MRN (exact or prefix)",
            (0..<300).map {
                OfflineQuery(
                    mrn: String(format: "%07d", 1_000_000 + ($0 * 7919 * 31) % 9_000_000).prefix($0 % 2 == 0 ? 7 : 5)
                        .description)
            })
        try run(
            "birth date",
            (0..<300).map {
                OfflineQuery(birthDate: String(format: "%04d-%02d-%02d", 1930 + $0 % 80, 1 + $0 % 12, 1 + $0 % 28))
            })
    }

    /// Where list loading spends its time.
    static func profile(home: String) throws {
        let ws = try workspace(home)
        guard let list = try ws.cache.lists().first else { return }
        var t = DispatchTime.now().uptimeNanoseconds
        func lap(_ what: String) {
            let n = DispatchTime.now().uptimeNanoseconds
            print(String(format: "%@: %.1f ms", what, Double(n - t) / 1e6))
            t = n
        }
        let records = try ws.cache.records(list.patientIds, history: false)
        lap("records (1000, no history)")
        let rows = try ListBuilder.rows(list, cache: ws.cache)
        lap("ListBuilder.rows (columns' sections, NEWS2)")
        let baseline = try SinceLastRound.refreshSnapshots(
            list: list.name, members: list.patientIds, cache: ws.cache, briefOnly: true)
        lap("  of which the round's baseline")
        _ = try SinceLastRound.changes(list: list.name, rows: rows, cache: ws.cache, whole: false, baseline: baseline)
        lap("  of which what changed since")
        _ = try ws.cache.handoffs(list: list)
        lap("  of which the handoffs")
        _ = ListBuilder.sort(rows, by: .news2, descending: true)
        lap("sort by NEWS2")
        var st = AppState(width: 120, height: 40, now: Date())
        _ = Reducer.reduce(&st, .listsLoaded([.init(name: list.name, count: rows.count, isDefault: true)], select: nil))
        _ = Reducer.reduce(&st, .rowsLoaded(list: list.name, rows: rows, columns: ListBuilder.columns(list)))
        lap("reduce rowsLoaded")
        _ = Views.render(st, theme: Theme.fallback)
        lap("render")
        for id in list.patientIds {
            _ = try ws.cache.notes(patientId: id).first
            _ = try ws.cache.isHypercapnic(id)
        }
        lap("notes + settings queries")
        for r in records { _ = NEWS2.score(r) }
        lap("NEWS2 x1000")
        let data = try JSONEncoder().encode(records[0].latestVitals)
        for _ in 0..<6000 { _ = try JSONDecoder().decode([VitalSign].self, from: data) }
        lap("6000 JSONDecoder decodes of latestVitals")
        _ = try ws.cache.record(list.patientIds[0], history: true)
        lap("one record with history")
    }

    static func env(_ home: String) throws -> TUIEnvironment {
        TUIEnvironment(
            workspace: try workspace(home), connect: { throw FHIRClientError.connectionRefused(url: "bench") },
            loadTheme: { _ in Theme.fallback }, staleAfter: 86400, lockAfter: 0, mouse: false, themeName: "default",
            unlocker: ScreenUnlocker(method: .pin, user: "bench", pamService: "login", pinFile: "/nonexistent"))
    }

    /// Start to first full frame, and keypress to frame, on the virtual screen.
    @MainActor
    static func tuiVirtual(home: String) throws {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let environment = try env(home)
        let tEnv = DispatchTime.now().uptimeNanoseconds
        let program = TUIProgram(env: environment, terminal: nil, theme: Theme.fallback, size: (120, 40))
        let tInit = DispatchTime.now().uptimeNanoseconds
        program.start()
        let tStart = DispatchTime.now().uptimeNanoseconds
        program.render() // runs the work queued after the first frame, as the real loop does
        let screen = program.screen
        let first = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        if ProcessInfo.processInfo.environment["BENCH_PHASES"] != nil {
            print(
                String(
                    format: "  phases: open cache %.1f ms, program %.1f ms, lists+rows+detail %.1f ms, frame %.1f ms",
                    Double(tEnv - t0) / 1e6, Double(tInit - tEnv) / 1e6, Double(tStart - tInit) / 1e6,
                    Double(DispatchTime.now().uptimeNanoseconds - tStart) / 1e6))
        }
        // Full means the rows, the selected patient's detail and the footer, not just the title.
        let full = ["1/1000", "Vital", " quit"].allSatisfy { screen.text.contains($0) }
        print(
            String(
                format: "TUI start to first full frame (virtual screen, %d listed patients): %.1f ms%@",
                program.state.rows.count, first,
                full ? "" : " (frame incomplete!)"))
        // Moving the selection also opens that patient's detail from the cache, so one line.
        let moves = [Key](repeating: .down, count: 300) + [Key](repeating: .up, count: 300)
        for (name, keys) in [
            ("move the selection, detail from the cache", moves),
            ("page down/up", (0..<150).flatMap { _ in [Key.pageDown, .pageUp] }),
        ] {
            var times: [Double] = []
            for k in keys {
                let t = DispatchTime.now().uptimeNanoseconds
                program.dispatch(.keyPressed(k))
                _ = program.screen
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
            }
            print(
                String(
                    format: "keypress to frame, %@ (virtual screen, 1000 patients): median %.2f ms, p99 %.2f ms", name,
                    percentile(times, 0.5), percentile(times, 0.99)))
        }
    }

    @MainActor
    static func tuiStarts(home: String, count: Int) throws {
        var times: [Double] = []
        for _ in 0..<count {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let program = TUIProgram(env: try env(home), terminal: nil, theme: Theme.fallback, size: (120, 40))
            program.start()
            program.render()
            _ = program.screen
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        print(String(format: "%d starts: median %.1f ms, min %.1f ms", count, percentile(times, 0.5), times.min() ?? 0))
    }

    /// The same through the real ncurses backend (run inside tmux); results go to `out`.
    @MainActor
    static func tuiReal(home: String, out: String) async throws {
        var lines: [String] = []
        let t0 = DispatchTime.now().uptimeNanoseconds
        let terminal = CursesTerminal(mouse: false)
        let program = TUIProgram(env: try env(home), terminal: terminal, theme: Theme.fallback, size: terminal.size)
        program.start()
        program.render()
        lines.append(
            String(
                format: "TUI start to first full frame (ncurses under tmux, %d listed patients): %.1f ms",
                program.state.rows.count,
                Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6))
        var times: [Double] = []
        for k in [Key](repeating: .down, count: 200) + [Key](repeating: .up, count: 200) {
            let t = DispatchTime.now().uptimeNanoseconds
            program.dispatch(.keyPressed(k))
            program.render()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
        }
        terminal.shutdown()
        lines.append(
            String(
                format: "keypress to frame, move and open (ncurses under tmux): median %.2f ms, p99 %.2f ms",
                percentile(times, 0.5), percentile(times, 0.99)))
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let hwm = status.split(separator: "\n").first { $0.hasPrefix("VmHWM") }.map(String.init) ?? "VmHWM unknown"
        lines.append(
            "peak memory with \(program.state.rows.count) listed patients (whole process): "
                + "\(hwm.replacingOccurrences(of: "VmHWM:", with: "").trimmingCharacters(in: .whitespaces))"
        )
        try (lines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
    }
}
