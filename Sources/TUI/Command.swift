import ScreenKit

/// What a key does, independent of which key it is.
public enum Command: String, Sendable, CaseIterable {
    case up, down, pageUp, pageDown, top, bottom, nextPane, previousPane, open, back, quit
    case search, add, note, columns, sync, export, present, mask, lock, help, commandLine
    case sortNext, sortPrevious, sortReverse, removePatient, moveUp, moveDown, toggleMouse, failures, hypercapnic
    /// The handoff of the selected patient on the open list.
    case severity, todo, acceptHandoff
    case presentNext, presentPrevious, unlock, eraseSecret, clearSecret, confirmYes, confirmNo
    /// In the search field, the note editor and the command line.
    case erase, newLine, save
}
