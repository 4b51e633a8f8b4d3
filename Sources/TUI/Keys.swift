import Clinical
import Foundation
import RoundsCore
import ScreenKit

/// A key, through the binding table of the current mode, to its command. Keys the table does not
/// bind type into the field of the modes that have one (search, note, command line, lock).
enum Keys {
    static func handle(_ state: inout AppState, _ key: Key) -> [Effect] {
        if state.mode == .locked { return Reducer.lockedKey(&state, key) }
        if let command = Bindings.command(for: key, in: state.mode), !typesIntoField(key, command, state) {
            return perform(command, &state)
        }
        return typed(key, &state)
    }

    /// `a` in the search field is a letter of the name until a result is selected.
    static func typesIntoField(_ key: Key, _ command: Command, _ state: AppState) -> Bool {
        guard state.mode == .search, command == .add, case .char = key else { return false }
        return !state.search.inResults
    }

    /// What a command does in the current mode.
    static func perform(_ command: Command, _ state: inout AppState) -> [Effect] {
        switch state.mode {
        case .browse: return Commands.browse(command, &state)
        case .search: return Commands.search(command, &state)
        case .note: return Commands.note(command, &state)
        case .command: return Commands.commandLine(command, &state)
        case .present: return Commands.present(command, &state)
        case .help: return Commands.help(command, &state)
        case .confirm: return Commands.confirm(command, &state)
        case .failures: return Commands.failures(command, &state)
        case .locked: return []
        }
    }

    /// A key no command takes: a character typed into the mode's field, or nothing.
    static func typed(_ key: Key, _ state: inout AppState) -> [Effect] {
        guard case .char(let character) = key else { return [] }
        switch state.mode {
        case .search:
            state.search.focusResults = false
            state.search.query.append(character)
        case .note:
            state.noteDraft.append(character)
        case .command:
            state.commandLine.append(character)
        default:
            break
        }
        return []
    }
}

extension AppState.Search {
    /// Whether a result (not the query field) is selected.
    var inResults: Bool { index >= 0 && !results.isEmpty && focusResults }
}
