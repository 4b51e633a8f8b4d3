import Clinical
import FHIRClient
import Foundation
import RoundsCore
import ScreenKit
import Store

extension TUIProgram {
    /// Performs one effect; results come back as actions.
    func perform(_ effect: Effect) {
        do {
            try performThrowing(effect)
        } catch {
            dispatch(.operationFailed(ErrorText.describe(error)))
        }
        if effect.changesTeamData { teamLink?.nudge() }
    }

    private func performThrowing(_ effect: Effect) throws {
        switch effect {
        case .loadLists(let select):
            let lists = try store.lists().map {
                AppState.ListInfo(name: $0.name, count: $0.patientIds.count, isDefault: $0.isDefault)
            }
            dispatch(.listsLoaded(lists, select: select))
        case .loadRows(let name):
            guard let list = try store.list(named: name) else { return }
            let rows = try ListBuilder.rows(list, cache: cache, now: state.now, staleAfter: env.staleAfter)
            afterFrame.append { [weak self] in
                self?.record(.patientListView, patients: list.patientIds, list: list.name)
            }
            dispatch(.rowsLoaded(list: list.name, rows: rows, columns: ListBuilder.columns(list)))
        case .loadDetail(let id):
            if let r = try cache.record(id, history: true) {
                showDetail(r)
            } else if let conn = connection {
                Task { [weak self] in
                    do {
                        let r = try await conn.patientRecord(id: id)
                        await MainActor.run { self?.showDetail(r) }
                    } catch {
                        await MainActor.run { self?.failed(error) }
                    }
                }
            } else {
                dispatch(.operationFailed("Patient '\(id)' is not in the offline cache."))
            }
        case .search(let text):
            let q = SearchParser.query(text)
            record(.patientSearch)
            if let conn = connection, state.status.online == true {
                Task { [weak self] in
                    do {
                        let page = try await conn.searchPatients(q)
                        await MainActor.run {
                            self?.report(
                                .searchCompleted(
                                    query: text, results: page.patients, total: page.total,
                                    source: page.namesByStart ? "server-starts-with" : "server"))
                        }
                    } catch let e as FHIRClientError where e.isUnreachable {
                        await MainActor.run {
                            self?.wentOffline(e)
                            self?.searchCache(text, q)
                        }
                    } catch {
                        let m = ErrorText.describe(error)
                        await MainActor.run { self?.report(.searchFailed(query: text, message: m)) }
                    }
                }
            } else {
                searchCache(text, q)
            }
        case .addToList(let id, let list):
            if let conn = connection, state.status.online == true {
                Task { [weak self] in
                    do {
                        let r = try await conn.patientRecord(id: id)
                        await MainActor.run { self?.finishAdd(r, list: list) }
                    } catch {
                        await MainActor.run { self?.failed(error) }
                    }
                }
            } else if let r = try cache.record(id) {
                finishAdd(r, list: list)
            } else {
                dispatch(
                    .operationFailed(
                        "Offline: '\(id)' is not cached, so it cannot be added until the EHR is reachable."))
            }
        case .saveNote(let id, let text):
            _ = try store.addNote(patientId: id, text: text)
            record(.patientNoteAdd, patients: [id], list: state.currentList?.name)
            dispatch(.operationSucceeded("Note saved."))
            if let r = try cache.record(id, history: true) { showDetail(r, audit: false) }
            if let l = state.currentList { perform(.loadRows(list: l.name)) }
        case .sync(let list): startSync(list)
        case .cancelSync: syncStop?.stop()
        case .createList(let name):
            let l = try store.createList(name, columns: Column.defaults.map(\.rawValue))
            record(.patientListCreate, list: l.name)
            perform(.loadLists(select: l.name))
            dispatch(.operationSucceeded("Created list '\(l.name)'."))
        case .renameList(let old, let new):
            try store.renameList(old, to: new)
            record(.patientListRename, list: new)
            perform(.loadLists(select: new))
        case .deleteList(let name):
            let ids = try cache.list(named: name)?.patientIds ?? []
            try store.deleteList(name)
            record(.patientListDelete, patients: ids, list: name)
            perform(.loadLists(select: nil))
            dispatch(.operationSucceeded("Deleted list '\(name)'."))
        case .setDefaultList(let name):
            try store.setDefaultList(name)
            record(.patientListDefaultSet, list: name)
            perform(.loadLists(select: name))
            dispatch(.operationSucceeded("'\(name)' opens first."))
        case .removeFromList(let id, let list):
            _ = try store.removePatients([id], from: list)
            record(.patientListRemovePatient, patients: [id], list: list)
            perform(.loadLists(select: list))
        case .movePatient(let id, let list, let to):
            try store.movePatient(id, in: list, to: to)
            record(.patientListReorder, patients: [id], list: list)
            perform(.loadRows(list: list))
        case .setColumns(let list, let columns):
            try store.setColumns(columns.map(\.rawValue), for: list)
            record(.patientListEditColumns, list: list)
            perform(.loadRows(list: list))
        case .export(let list, let format, let path):
            guard let l = try cache.list(named: list), let f = ListExport.Format(rawValue: format) else { return }
            let rows = state.rows
            let handoffs = Dictionary(
                try store.handoffs(list: l.name).map { ($0.patientId, $0) }, uniquingKeysWith: { first, _ in first })
            // A sheet printed from the shared screen in masked mode is masked too.
            let data = ListExport.render(
                listName: l.name, columns: state.columns, rows: rows, format: f, now: state.now, handoffs: handoffs,
                printedBy: env.workspace.settings.displayName ?? NSUserName(), masked: state.masked)
            let full = (path as NSString).expandingTildeInPath
            try AtomicFile.write(data, to: full)
            record(.exportInitiation, patients: l.patientIds, list: l.name)
            dispatch(.operationSucceeded("Exported \(rows.count) patients to \(full) (0600). It holds PHI."))
        case .setTheme(let name):
            guard let t = env.loadTheme(name) else {
                dispatch(
                    .operationFailed(
                        "No theme named '\(name)' (built in: default, light, high-contrast, colorblind, monochrome)."))
                return
            }
            theme = t
            lastScreen = nil
            needsRender = true
            dispatch(.themeChanged(name))
        case .setMouse(let on): terminal?.setMouse(on)
        case .setHypercapnic(let id, let on):
            try store.setHypercapnic(id, on)
            dispatch(.operationSucceeded(on ? "Marked hypercapnic: NEWS2 uses SpO2 scale 2." : "SpO2 scale 1 again."))
            if let l = state.currentList { perform(.loadRows(list: l.name)) }
        case .setHandoff(let id, let list, let edit):
            try store.setHandoff(list: list, patient: id, edit)
            record(.handoffEdit, patients: [id], list: list)
            let what = edit.severity.map { "Severity: \($0.rawValue)." } ?? "Handoff updated."
            dispatch(.operationSucceeded(what))
            perform(.loadDetail(id: id))
        case .addTodo(let id, let list, let text, let owner, let due):
            let todo = try store.addTodo(list: list, patient: id, text: text, owner: owner, due: due)
            record(.todoAdd, patients: [id], list: list)
            dispatch(.operationSucceeded("To-do \(todo.number) added."))
            perform(.loadDetail(id: id))
        case .setTodoDone(let id, let list, let number, let done):
            _ = try store.setTodoDone(list: list, patient: id, number: number, done: done)
            record(done ? .todoComplete : .todoReopen, patients: [id], list: list)
            dispatch(.operationSucceeded(done ? "To-do \(number) done." : "To-do \(number) open again."))
            perform(.loadDetail(id: id))
        case .acceptHandoff(let list, let patients):
            let accepted = try store.acceptHandoff(list: list, patients: patients)
            try SinceLastRound.refreshSnapshots(list: list, cache: cache)
            record(.handoffAccept, patients: accepted, list: list)
            dispatch(.operationSucceeded("You hold the handoff of \(accepted.count) patients on '\(list)'."))
            perform(.loadRows(list: list))
        case .roundDone(let list):
            try store.markRoundDone(list: list)
            try SinceLastRound.refreshSnapshots(list: list, cache: cache)
            record(.roundDone, patients: (try? cache.list(named: list)?.patientIds) ?? [], list: list)
            dispatch(.operationSucceeded("Round of '\(list)' done: changes are counted from now."))
            perform(.loadRows(list: list))
        case .audit(let op, let ids, let list):
            record(op, patients: ids, list: list)
        case .checkUnlock(let typed):
            let unlocker = env.unlocker
            Task.detached { [weak self] in
                let ok = unlocker.verify(typed)
                await MainActor.run { self?.report(.unlockChecked(ok)) }
            }
        case .quit: break
        }
    }

    /// Appends an audit record; one that cannot be written is said on the status line (the
    /// trail must not silently lack what was shown).
    func record(_ operation: AuditOperation, patients: [String] = [], list: String? = nil, outcome: String = "success")
    {
        do {
            try audit.record(operation, patients: patients, list: list, outcome: outcome)
        } catch {
            report(
                .operationFailed(
                    "The audit record \(operation.rawValue) could not be written: \(ErrorText.describe(error))"))
        }
    }

    func showDetail(_ r: PatientRecord, audit doAudit: Bool = true) {
        let notes = (try? store.notes(patientId: r.id)) ?? []
        let news = NEWS2.score(
            r, hypercapnic: (try? store.isHypercapnic(r.id)) ?? false, now: state.now, staleAfter: env.staleAfter)
        if doAudit, lastAuditedView != r.id {
            lastAuditedView = r.id
            let list = state.currentList?.name
            afterFrame.append { [weak self] in self?.record(.patientView, patients: [r.id], list: list) }
        }
        var handoff: Handoff?
        var since: RoundChanges?
        if let list = state.currentList?.name, (try? cache.list(named: list)?.patientIds.contains(r.id)) == true {
            handoff = try? store.handoff(list: list, patient: r.id)
            since = try? SinceLastRound.changes(list: list, record: r, news2: news, cache: cache)
        }
        report(
            .detailLoaded(AppState.Detail(record: r, notes: notes, news2: news, handoff: handoff, since: since)))
    }

    func searchCache(_ text: String, _ q: PatientQuery) {
        do {
            let found = try cache.search(q)
            report(.searchCompleted(query: text, results: found.patients, total: found.total, source: "cache"))
        } catch {
            report(.searchFailed(query: text, message: ErrorText.describe(error)))
        }
    }

    func finishAdd(_ r: PatientRecord, list: String) {
        do {
            try cache.save(r)
            let added = try store.addPatients([r.id], to: list)
            record(.patientListAddPatient, patients: added, list: list)
            teamLink?.nudge()
            report(
                .operationSucceeded(
                    added.isEmpty
                        ? "\(state.masked ? "The patient" : r.patient.displayName) is already on '\(list)'."
                        : "Added \(state.masked ? "the patient" : r.patient.displayName) to '\(list)'."))
            perform(.loadLists(select: list))
        } catch {
            failed(error)
        }
    }

    func failed(_ error: Error) {
        if let e = error as? FHIRClientError, e.isUnreachable { wentOffline(e) }
        report(.operationFailed(ErrorText.describe(error)))
    }

    func startSync(_ list: String?) {
        guard let conn = connection else {
            report(
                .syncFinished(
                    SyncSummary(
                        list: list, total: 0, synced: 0, unchanged: 0, failed: [], durationSeconds: 0,
                        interrupted: false, remaining: 0), lastSync: nil))
            report(.operationFailed("Cannot sync while offline."))
            return
        }
        let ids = (try? list.flatMap { try cache.list(named: $0) }?.patientIds) ?? []
        let stop = StopFlag()
        syncStop = stop
        let engine = SyncEngine(cache: cache, fetcher: conn, concurrency: env.workspace.settings.concurrency ?? 6)
        Task { [weak self] in
            let summary = await engine.run(ids: ids, list: list, stop: stop) { p in
                Task { @MainActor in self?.report(.syncProgressed(p)) }
            }
            let outcome = summary.failed.isEmpty ? "success" : "partial"
            await MainActor.run {
                self?.record(.syncRun, patients: ids, list: list, outcome: outcome)
                if summary.failed.first?.unreachable == true { self?.state.status.online = false }
                self?.report(.syncFinished(summary, lastSync: Date()))
            }
        }
    }
}
