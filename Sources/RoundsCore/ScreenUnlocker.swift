internal import CCrypto
internal import CPAM
import Foundation

/// How the locked screen is opened again: the workstation user's password through PAM, or a
/// Rounds PIN the admin chose (`rounds lock set-pin`; `"unlock": "pin"` in config.json, or any
/// PIN set while `unlock` is not given).
public enum UnlockMethod: String, Codable, Sendable {
    case password, pin
}

/// Checks what a nurse types at the locked screen. `verify` blocks (PAM may wait seconds on a
/// wrong password, a PIN hash is slow on purpose): call it off the main thread.
public struct ScreenUnlocker: Sendable {
    public let method: UnlockMethod
    public let user: String
    /// The PAM service: `rounds` when the admin installed `/etc/pam.d/rounds`, else `login`.
    public let pamService: String
    public let pinFile: String

    /// Wrong attempts before the lock refuses everything for `blockSeconds`.
    public static let attemptsBeforeBlock = 5
    public static let blockSeconds: TimeInterval = 60

    public init(method: UnlockMethod, user: String, pamService: String, pinFile: String) {
        self.method = method
        self.user = user
        self.pamService = pamService
        self.pinFile = pinFile
    }

    /// The unlocker the settings and the files on this workstation call for.
    public static func configured(_ settings: Settings, paths: RoundsPaths) -> ScreenUnlocker {
        let pinFile = paths.pinFile
        let method = settings.unlock ?? (FileManager.default.fileExists(atPath: pinFile) ? .pin : .password)
        let service =
            settings.pamService ?? (FileManager.default.fileExists(atPath: "/etc/pam.d/rounds") ? "rounds" : "login")
        return ScreenUnlocker(method: method, user: OSUser.name, pamService: service, pinFile: pinFile)
    }

    /// What the locked screen asks for.
    public var prompt: String { method == .pin ? "PIN" : "Password for \(user)" }

    /// A sentence when this unlocker cannot work (a PIN asked for and none set), else `nil`.
    public var problem: String? {
        guard method == .pin, !FileManager.default.fileExists(atPath: pinFile) else { return nil }
        return "The screen lock asks for a PIN and none is set: run 'rounds lock set-pin' first."
    }

    public func verify(_ typed: String) -> Bool {
        switch method {
        case .pin: return (try? PINHash.verify(typed, file: pinFile)) ?? false
        case .password: return PAMCheck.authenticate(service: pamService, user: user, password: typed)
        }
    }
}

/// The Rounds PIN, stored only as a salted PBKDF2-HMAC-SHA256 hash in a 0600 file of its own.
public enum PINHash {
    /// OWASP's figure for PBKDF2-HMAC-SHA256 (2023): about a third of a second here per guess.
    static let iterations = 600_000
    static let prefix = "pbkdf2-sha256"

    /// 4 to 12 digits.
    public static func check(_ pin: String) throws {
        guard (4...12).contains(pin.count), pin.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw CoreError.usage("A PIN is 4 to 12 digits.")
        }
    }

    public static func store(_ pin: String, file: String) throws {
        try check(pin)
        var salt = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&salt, Int32(salt.count)) == 1 else {
            throw CoreError.secret("No random bytes for the PIN's salt.")
        }
        let hash = try derive(pin, salt: salt, iterations: iterations)
        let line =
            [prefix, String(iterations), Data(salt).base64EncodedString(), Data(hash).base64EncodedString()]
            .joined(separator: "$") + "\n"
        try AtomicFile.write(Data(line.utf8), to: file, mode: 0o600)
    }

    public static func verify(_ pin: String, file: String) throws -> Bool {
        let text = try SecretSource.read(file: file)
        let parts = text.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == prefix, let rounds = Int(parts[1]), rounds >= 100_000,
            let salt = Data(base64Encoded: parts[2]), let expected = Data(base64Encoded: parts[3])
        else {
            throw CoreError.badConfiguration(
                "'\(file)' is not a Rounds PIN file; set the PIN again with 'rounds lock set-pin'.")
        }
        let hash = try derive(pin, salt: [UInt8](salt), iterations: rounds)
        return hash.count == expected.count && CRYPTO_memcmp(hash, [UInt8](expected), hash.count) == 0
    }

    static func derive(_ pin: String, salt: [UInt8], iterations: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let password = Array(pin.utf8)
        let ok = password.withUnsafeBufferPointer { pw in
            pw.withMemoryRebound(to: CChar.self) { chars in
                PKCS5_PBKDF2_HMAC(
                    chars.baseAddress, Int32(chars.count), salt, Int32(salt.count), Int32(iterations),
                    EVP_sha256(), Int32(out.count), &out)
            }
        }
        guard ok == 1 else { throw CoreError.secret("The PIN could not be hashed.") }
        return out
    }
}

/// One PAM conversation: authenticate the user with the typed password, then check the account
/// (expired or locked accounts do not unlock).
public enum PAMCheck {
    public static func authenticate(service: String, user: String, password: String) -> Bool {
        guard let secret = strdup(password) else { return false }
        defer {
            memset(secret, 0, strlen(secret))
            free(secret)
        }
        var conversation = pam_conv(conv: pamAnswer, appdata_ptr: UnsafeMutableRawPointer(secret))
        var handle: OpaquePointer? = nil
        guard pam_start(service, user, &conversation, &handle) == PAM_SUCCESS, let handle else { return false }
        var status = pam_authenticate(handle, 0)
        if status == PAM_SUCCESS { status = pam_acct_mgmt(handle, 0) }
        pam_end(handle, status)
        return status == PAM_SUCCESS
    }
}

/// Answers PAM's prompts: the password for hidden ones, nothing for the rest.
private let pamAnswer:
    @convention(c) (
        Int32, UnsafeMutablePointer<UnsafePointer<pam_message>?>?,
        UnsafeMutablePointer<UnsafeMutablePointer<pam_response>?>?,
        UnsafeMutableRawPointer?
    ) -> Int32 = { count, messages, responses, secret in
        guard count > 0, let messages, let responses, let secret,
            let replies = calloc(Int(count), MemoryLayout<pam_response>.size)?.assumingMemoryBound(
                to: pam_response.self)
        else {
            return PAM_CONV_ERR
        }
        for index in 0..<Int(count) {
            let style = messages[index]?.pointee.msg_style ?? 0
            if style == PAM_PROMPT_ECHO_OFF || style == PAM_PROMPT_ECHO_ON {
                replies[index].resp = strdup(secret.assumingMemoryBound(to: CChar.self))
            }
            replies[index].resp_retcode = 0
        }
        responses.pointee = replies
        return PAM_SUCCESS
    }
