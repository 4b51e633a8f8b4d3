import Foundation
import TestSupport
import Testing

/// Settings that crashed the HTTP library (SIGILL) are refused with a sentence naming the value.
@Suite struct SettingsValidationTests {
    @Test(arguments: ["nan", "inf", "-inf", "1e20", "0", "-5", "ten"])
    func aBadTimeoutInTheEnvironmentIsNamed(_ value: String) throws {
        let cli = CLIRunner(home: try TempDir.make("settings"), environment: ["ROUNDS_TIMEOUT": value])
        let result = try cli.run(["search", "--name", "a"])
        #expect(result.status == 1, "no crash: exit 1, not a signal")
        #expect(result.stderr.contains("ROUNDS_TIMEOUT is '\(value)'"), "\(result.stderr)")
    }

    @Test(arguments: [
        (#"{"timeoutSeconds": 1e300}"#, "timeoutSeconds"), (#"{"news2StaleHours": 0}"#, "news2StaleHours"),
        (#"{"concurrency": 0}"#, "concurrency"), (#"{"lockMinutes": -1}"#, "lockMinutes"),
    ])
    func aBadValueInConfigIsNamed(_ json: String, _ key: String) throws {
        let home = try TempDir.make("settings-file")
        try json.write(toFile: home + "/config.json", atomically: true, encoding: .utf8)
        let result = try CLIRunner(home: home).run(["search", "--name", "a"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("'\(key)'"), "\(result.stderr)")
    }
}
