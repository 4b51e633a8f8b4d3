import Foundation
import RoundsCore
import TestSupport
import Testing

/// The secrets that open the screen lock: a PIN kept only as a salted slow hash, and the
/// workstation password through PAM.
@Suite struct ScreenUnlockTests {
    @Test func aPINIsStoredOnlyAsASaltedSlowHashReadableByItsOwner() throws {
        let file = try TempDir.make("pin") + "/lock-pin"
        try PINHash.store("482913", file: file)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!text.contains("482913"))
        let parts = text.trimmingCharacters(in: .newlines).split(separator: "$")
        #expect(parts.count == 4 && parts[0] == "pbkdf2-sha256")
        #expect(Int(parts[1]) ?? 0 >= 600_000, "slow: OWASP's iteration count for PBKDF2-HMAC-SHA256")
        let mode = try #require(FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        #expect(try PINHash.verify("482913", file: file))
        #expect(try !PINHash.verify("482914", file: file))
        #expect(try !PINHash.verify("", file: file))
        // The same PIN stored twice gets two salts, so two hashes.
        let other = file + "-2"
        try PINHash.store("482913", file: other)
        #expect(try String(contentsOfFile: other, encoding: .utf8) != text)
    }

    @Test(arguments: ["123", "1234567890123", "12a4", "", "１２３４"])
    func aPINIsFourToTwelveDigits(pin: String) throws {
        #expect(throws: (any Error).self) { try PINHash.check(pin) }
    }

    @Test func aPINFileOthersCanReadIsRefused() throws {
        let file = try TempDir.make("pin") + "/lock-pin"
        try PINHash.store("2580", file: file)
        chmod(file, 0o644)
        #expect(throws: (any Error).self) { try PINHash.verify("2580", file: file) }
    }

    @Test func aPINAskedForAndNotSetIsSaidBeforeTheAppStarts() throws {
        let home = try TempDir.make("pin")
        let paths = RoundsPaths(environment: ["ROUNDS_HOME": home])
        var settings = Settings()
        settings.unlock = .pin
        let unlocker = ScreenUnlocker.configured(settings, paths: paths)
        #expect(unlocker.problem?.contains("rounds lock set-pin") == true)
        settings.unlock = nil
        #expect(ScreenUnlocker.configured(settings, paths: paths).method == .password, "no PIN set: the password")
        try paths.prepare()
        try PINHash.store("2580", file: paths.pinFile)
        #expect(
            ScreenUnlocker.configured(settings, paths: paths).method == .pin,
            "a PIN set and nothing configured: the PIN")
        settings.unlock = .password
        #expect(ScreenUnlocker.configured(settings, paths: paths).method == .password, "the admin's choice wins")
    }

    /// PAM with a real account: made for the test where the tests run as root (CI), skipped with
    /// the reason otherwise.
    @Test(.enabled(if: PAMAccount.canCreate, PAMAccount.whyNot))
    func thePasswordIsCheckedThroughPAM() throws {
        let account = try PAMAccount()
        defer { account.remove() }
        #expect(PAMCheck.authenticate(service: "login", user: account.name, password: account.password))
        #expect(!PAMCheck.authenticate(service: "login", user: account.name, password: account.password + "x"))
        #expect(!PAMCheck.authenticate(service: "login", user: account.name, password: ""))
        #expect(!PAMCheck.authenticate(service: "login", user: "rounds-no-such-user", password: account.password))
    }
}

/// A throwaway local account with a password, for the PAM test.
struct PAMAccount {
    let name = "rounds-pam-\(getpid())"
    let password = "Synthetic-\(UInt32.random(in: 100_000...999_999))!"

    static var canCreate: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd") }
    static let whyNot: Comment =
        "PAM needs a test account with a known password: only root can make one (CI runs as root)"

    init() throws {
        try PAMAccount.run("/usr/sbin/useradd", ["-M", "-s", "/usr/sbin/nologin", name])
        try PAMAccount.run("/usr/sbin/chpasswd", [], input: "\(name):\(password)\n")
    }

    func remove() { try? PAMAccount.run("/usr/sbin/userdel", [name]) }

    static func run(_ tool: String, _ args: [String], input: String? = nil) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let pipe = Pipe()
        p.standardInput = pipe
        try p.run()
        if let input { pipe.fileHandleForWriting.write(Data(input.utf8)) }
        try pipe.fileHandleForWriting.close()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
    }
}
