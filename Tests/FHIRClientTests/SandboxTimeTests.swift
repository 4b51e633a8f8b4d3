import Foundation
import Testing

@testable import Sandbox

/// The sandbox writes every instant through FHIRTime; it must agree with Foundation's formatter.
@Suite struct SandboxTimeTests {
    @Test func fhirTimeAgreesWithISO8601Formatter() {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(secondsFromGMT: 0)
        var t: TimeInterval = -2_208_988_800 // 1900-01-01
        while t < 4_102_444_800 { // 2100-01-01
            let d = Date(timeIntervalSince1970: t)
            #expect(FHIRTime.string(d) == f.string(from: d))
            t += 86_400 * 97 + 3_607.5 // steps through months, leap days, hours and seconds
        }
        #expect(FHIRTime.string(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }
}

/// The sandbox's own URL and form decoding (what it logs is what tests assert on).
@Suite struct SandboxFormTests {
    @Test func decodesPercentAndPlus() {
        let (path, query) = HTTPServer.splitTarget(
            "/stu3/Patient%2Fx?name=Zo%C3%AB+%C3%85ngstr%C3%B6m&birthdate=1951-08-23&flag&bad=%G1")
        #expect(path == "/stu3/Patient/x")
        #expect(query.map(\.0) == ["name", "birthdate", "flag", "bad"])
        #expect(query.map(\.1) == ["Zoë Ångström", "1951-08-23", "", "%G1"])
        #expect(HTTPServer.parseForm("a=1+2%2B3&b=%FF").map(\.1) == ["1 2+3", "%FF"])
    }

    @Test func emptyPairsAndStrayEqualsSigns() {
        func pairs(_ form: String) -> [String] { HTTPServer.parseForm(form).map { "\($0.0)|\($0.1)" } }
        #expect(pairs("") == [])
        #expect(pairs("&&a=1&&") == ["a|1"])
        #expect(pairs("a==b&c=") == ["a|=b", "c|"])
        #expect(pairs("=&==v=w&=x") == ["v|w", "x|"])
        #expect(pairs("a=b=c") == ["a|b=c"])
    }
}
