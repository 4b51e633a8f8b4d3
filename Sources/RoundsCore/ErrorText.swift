import FHIRAdapters
import FHIRClient
import Foundation
import JOSE
import JSONKit
import Store

/// The one place that turns an error into the sentence a nurse or an admin reads. Errors stay
/// typed until here (every layer throws its own cases); the CLI, the full-screen app, plain mode,
/// the sync's failures and the team link all word them through `describe`. The FHIR client's and
/// the key file's errors keep their words beside their cases (`description`): the FHIR layer also
/// writes them into a record as the reason a section is unavailable, below this module (see
/// Docs/Decisions.md, 2026-12-02). Every message is pinned by ErrorTextTests.
public enum ErrorText {
    public static func describe(_ error: any Error) -> String {
        switch error {
        case let error as StoreError: return words(error)
        case let error as CoreError: return words(error)
        case let error as TeamDatabaseError: return words(error)
        case let error as DecodingError: return words(error)
        case let error as FHIRReadError: return sentence(error.description)
        case let error as JSONParseError: return "Not valid JSON: \(error)."
        case let error as CustomStringConvertible: return error.description
        default: return "Unexpected error: \(String(describing: error))."
        }
    }

    /// A phrase from a lower layer as a sentence: capitalised, with its full stop.
    static func sentence(_ phrase: String) -> String {
        guard let first = phrase.first else { return phrase }
        let capitalised = first.uppercased() + phrase.dropFirst()
        return capitalised.hasSuffix(".") ? capitalised : capitalised + "."
    }

    /// A settings or saved-connection file that does not decode: which field, and what was wrong,
    /// not Swift's dump of the decoder's state.
    static func words(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the file" : "'\(keys.joined(separator: "."))'"
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context)) should be \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context)) is empty; it should be \(typeName(type))"
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "'\(key.stringValue)' is missing" + (context.codingPath.isEmpty ? "" : " in \(parent)")
        case .dataCorrupted(let context):
            if let underlying = context.underlyingError as NSError?,
                let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
            {
                return "\(path(context)) is not valid JSON (\(detail))"
            }
            return "\(path(context)) is not valid: \(context.debugDescription)"
        @unknown default:
            return "the file cannot be read"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "text"
        case is Double.Type, is Int.Type, is Float.Type: return "a number"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a \(name)"
        }
    }

    static func words(_ error: StoreError) -> String {
        switch error {
        case .cannotOpen(let p, let r): return "Cannot open the cache '\(p)': \(r)."
        case .insecurePermissions(let p, let m, let fix):
            return
                "The cache '\(p)' can be read by other users (mode \(m)). It holds patient data; run '\(fix)' and try "
                + "again."
        case .newerSchema(let p, let found, let supported):
            return
                "The cache '\(p)' was written by a newer Rounds (schema \(found); this Rounds knows up to "
                + "\(supported)). Update Rounds, or move the file aside to start a new cache."
        case .sqlite(let m): return "Cache error: \(m)."
        case .busy(let m): return "The cache is busy (another Rounds is writing): \(m). Try again."
        case .corrupt(let m): return "The cache holds unreadable data: \(m)."
        case .notFound(let m), .conflict(let m): return m
        }
    }

    static func words(_ error: CoreError) -> String {
        switch error {
        case .badConfiguration(let m), .io(let m), .secret(let m), .usage(let m), .notFound(let m): return m
        case .notConnected:
            return "No EHR connection yet. Run 'rounds connect URL --client-id ID --tenant TENANT' first."
        }
    }

    static func words(_ error: TeamDatabaseError) -> String {
        switch error {
        case .unreachable(let url, let detail):
            return "Cannot reach the team database at \(url) (\(detail)). Rounds works on the local copy meanwhile."
        case .wrongPassword(let role):
            return
                "The team database refused the password for role '\(role)'. "
                + "Check the password file, PGPASSFILE or ~/.pgpass."
        case .needsPassword(let role):
            return "The team database needs a password for role '\(role)': give --password-file FILE (mode 0600), "
                + "put it in PGPASSFILE or ~/.pgpass, or run the command on a terminal to be asked."
        case .tlsNotOffered(let url):
            return "The team database at \(url) does not offer TLS, and the URL requires it (sslmode). "
                + "Ask the database administrator to enable TLS; Rounds does not fall back to a plain connection."
        case .tlsRequired(let url):
            return
                "The team database at \(url) accepts only encrypted connections: add ?sslmode=verify-full to the URL."
        case .certificate(let url, let detail):
            return "The team database at \(url) presented a certificate Rounds cannot trust (\(detail)). "
                + "Install the hospital's CA (sslrootcert=… in the URL or ~/.postgresql/root.crt)."
        case .notMember(let role, let team):
            return "Role '\(role)' is not a member of team '\(team)'. An administrator adds it with "
                + "'rounds team members \(team) --add \(role) --admin URL'."
        case .noSuchTeam(let team): return "There is no team named '\(team)' in this database."
        case .noSuchRole(let role):
            return "There is no database role named '\(role)'. "
                + "Create it first (CREATE ROLE \(role) LOGIN PASSWORD …)."
        case .notInitialised(let url):
            return "The database at \(url) has no Rounds schema yet: run 'rounds team init URL' as its administrator."
        case .newerSchema(let found, let supported):
            return "The team database has schema \(found), newer than this Rounds understands (\(supported)). "
                + "Upgrade Rounds on this workstation; nothing was changed."
        case .refused(let m): return m
        case .query(let m): return "The team database answered with an error: \(m)"
        }
    }

}
