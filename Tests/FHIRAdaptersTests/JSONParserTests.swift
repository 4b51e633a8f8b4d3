import FHIRAdapters
import Foundation
import Testing

/// The hand-written parser: numbers (with the integer fast path), strings, errors.
@Suite struct JSONParserTests {
    @Test(arguments: [
        ("0", 0.0), ("-0", 0.0), ("118", 118.0), ("-40", -40.0), ("36.55556", 36.55556), ("1e3", 1000.0),
        ("-2.5E-1", -0.25), ("123456789012345", 123456789012345.0), ("12345678901234567890", 12345678901234567890.0),
    ])
    func numbers(_ text: String, _ value: Double) throws {
        #expect(try JSONParser.parse("[\(text)]")[0]?.double == value)
    }

    @Test(arguments: ["[01]", "[-]", "[1.]", "[.5]", "[1e]", "[+1]", "{\"a\":1,}", "[1 2]", "\"\\x\"", "[\"a\n\"]"])
    func rejects(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func stringsWithAndWithoutEscapes() throws {
        let j = try JSONParser.parse(#"["Zoë Ångström", "a\"b\\c\u00e9\ud83d\ude00", "plain"]"#)
        #expect(j[0]?.string == "Zoë Ångström")
        #expect(j[1]?.string == "a\"b\\cé😀")
        #expect(j[2]?.string == "plain")
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Data([0x22, 0xFF, 0x22])) }
    }

    @Test func roundTripsThroughTheSerializer() throws {
        let v: JSONValue = ["a": [1, 2.5, "x", nil, true], "resourceType": "Patient", "n": ["k": "v\n"]]
        #expect(try JSONParser.parse(v.serialized) == v)
        #expect(v.serialized.hasPrefix(#"{"resourceType":"Patient""#))
    }

    @Test func serializerWritesExactText() throws {
        let v: JSONValue = [
            "resourceType": "Observation", "b": [0, -7, 118, 36.5, -0.25, 123_456_789_012_345, 1e20, .number(.nan)],
            "a": "tab\there \"q\" back\\slash \u{01} Zoë", "c": [true, false, nil],
        ]
        #expect(
            v.serialized
                == #"{"resourceType":"Observation","b":[0,-7,118,36.5,-0.25,123456789012345,1e+20,null],"#
                + #""a":"tab\there \"q\" back\\slash \u0001 Zoë","c":[true,false,null]}"#
        )
        #expect(v.data == Data(v.serialized.utf8))
        // Member order is kept through a parse, so a document serializes back to its own text.
        let text = #"{"resourceType":"Patient","name":[{"given":["Zoë"],"family":"Ångström"}],"active":true,"id":"p1"}"#
        #expect(try JSONParser.parse(text).serialized == text)
    }
}
