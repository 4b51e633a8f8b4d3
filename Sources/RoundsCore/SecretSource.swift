import Foundation
import JOSE

/// Where a client secret comes from: a file only the user can read, or `ROUNDS_CLIENT_SECRET`.
/// Never argv, never the cache, never a log. (The TTY prompt lives in the executable.)
public enum SecretSource {
    /// Reads a secret file, refusing one that group or others can read (as ssh does).
    public static func read(file path: String) throws -> String {
        try FileOwnership.refuseForeignLink(path, what: "secret file")
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw CoreError.secret("Cannot read the secret file '\(path)': \(String(cString: strerror(errno))).")
        }
        if st.st_mode & 0o077 != 0 {
            throw CoreError.secret(
                "The secret file '\(path)' can be read by others (mode \(String(st.st_mode & 0o777, radix: 8))). Run "
                    + "'chmod 600 \(path)' and try again."
            )
        }
        guard let data = FileManager.default.contents(atPath: path), let s = String(data: data, encoding: .utf8) else {
            throw CoreError.secret("Cannot read the secret file '\(path)'.")
        }
        let secret = s.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else { throw CoreError.secret("The secret file '\(path)' is empty.") }
        return secret
    }

    /// The secret from `ROUNDS_CLIENT_SECRET`, if set.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        env["ROUNDS_CLIENT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// A private key file for SMART Backend Services: the user's own, readable by nobody else.
public enum KeyFile {
    public static func read(_ path: String) throws -> SigningKey {
        try FileOwnership.refuseForeignLink(path, what: "private key")
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw CoreError.secret("Cannot read the private key '\(path)': \(String(cString: strerror(errno))).")
        }
        if st.st_mode & 0o077 != 0 {
            let mode = String(st.st_mode & 0o777, radix: 8)
            throw CoreError.secret(
                "The private key '\(path)' can be read by others (mode \(mode)). Run 'chmod 600 \(path)' and try again."
            )
        }
        guard st.st_uid == getuid() else {
            throw CoreError.secret(
                "The private key '\(path)' belongs to another user; use a key of your own (rounds key generate).")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CoreError.secret("Cannot read the private key '\(path)'.")
        }
        do {
            return try SigningKey.read(pem: data, path: path)
        } catch {
            throw CoreError.secret(error.description)
        }
    }
}

/// A symbolic link someone else owns can be pointed anywhere, at any time: a secret, a key or a
/// cache is never read or written through one.
public enum FileOwnership {
    public static func refuseForeignLink(_ path: String, what: String) throws {
        var st = stat()
        guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK, st.st_uid != getuid() else { return }
        throw CoreError.secret(
            "The \(what) '\(path)' is a symbolic link owned by another user; use a file of your own.")
    }
}
