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

/// A server's answer read in place (`JSONNode`): the same values as the tree, and what a tape
/// must get right that a tree gets for free.
@Suite struct JSONNodeTests {
    @Test func aRepeatedNameKeepsTheLastValueAndOthersTheFirst() throws {
        let node = try JSONNode.parse(#"{"a":1,"b":2,"a":3,"ab":4,"ba":5}"#)
        #expect(node["a"]?.double == 3)
        #expect(node["b"]?.double == 2)
        #expect(node["ab"]?.double == 4)
        #expect(node["ba"]?.double == 5)
        #expect(node["c"] == nil)
        let escaped = try JSONNode.parse(#"{"status":"final","st\u0061tus":"amended"}"#)
        #expect(escaped["status"]?.string == "amended", "an escaped name is the same name")
        #expect(try JSONParser.parse(#"{"a":1,"a":3}"#) == ["a": 3])
    }

    @Test func stringsOnEveryByteBoundary() throws {
        // Quotes, escapes, non-ASCII and control bytes at each offset of the eight-byte scan.
        for pad in 0..<17 {
            let prefix = String(repeating: "x", count: pad)
            let text = "[\"\(prefix)\", \"\(prefix)\\\"q\", \"\(prefix)é\", \"\(prefix)\\u00e9\\n\"]"
            let node = try JSONNode.parse(text)
            #expect(node[0]?.string == prefix)
            #expect(node[1]?.string == prefix + "\"q")
            #expect(node[2]?.string == prefix + "é")
            #expect(node[3]?.string == prefix + "é\n")
            #expect(throws: JSONParseError.self) { try JSONNode.parse("[\"\(prefix)\u{01}\"]") }
        }
    }

    @Test(
        arguments: [
            [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],
            [0x22, 0xE2, 0x82, 0x22], [0x22, 0x80, 0x22],
        ] as [[UInt8]])
    func malformedUTF8IsRefused(_ bytes: [UInt8]) {
        #expect(throws: JSONParseError.self) { try JSONNode.parse(Data(bytes)) }
    }

    @Test func wellFormedUTF8IsRead() throws {
        #expect(try JSONNode.parse(Data([0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22])).string == "😀")
        #expect(try JSONNode.parse(Data([0x22, 0xE2, 0x82, 0xAC, 0x22])).string == "€")
    }

    @Test func shapesAsTheTreeHasThem() throws {
        let text = #"{"resourceType":"Observation","n":[1,2.5,-3e2],"o":{"k":true},"s":"v","z":null,"e":[]}"#
        let node = try JSONNode.parse(text)
        #expect(node.value == (try JSONParser.parse(text)))
        #expect(node["n"]?.array?.count == 3)
        #expect(node["n"]?.list.compactMap(\.double) == [1, 2.5, -300])
        #expect(node["n"]?[2]?.double == -300)
        #expect(node["n"]?[3] == nil)
        #expect(node["s"]?.list.map(\.string) == ["v"], "a single value reads as a list of one")
        #expect(node["z"]?.list.isEmpty == true)
        #expect(node["z"]?.isNull == true)
        #expect(node["e"]?.array?.isEmpty == true)
        #expect(node["o"]?["k"]?.bool == true)
        #expect(node["o"]?.kind == .object)
        #expect(node["s"]?.isString("v") == true)
        #expect(node["s"]?.isString("w") == false)
        #expect(node.members.map(\.key) == ["resourceType", "n", "o", "s", "z", "e"])
        #expect(node.preview == "{e, n, o, resourceType}")
        #expect(JSONNode(node.value).value == node.value)
    }

    @Test func aReceivedBodyIsReadWhereItLiesAsACopyWouldBe() throws {
        let text =
            "\u{FEFF}" + #"{"resourceType":"Bundle","entry":[{"s":"Zoë \"q\""},{"n":-2.5}],"pad":""#
            + String(repeating: "x", count: 70_000) + #""}"#
        let bytes = Array(text.utf8)
        // Received in uneven pieces, as libcurl hands them over, into memory that grows.
        let received = ReceivedBytes(expected: 10)
        var offset = 0
        for size in [1, 2, 7, 4096, 65_536] + Array(repeating: 100_000, count: 2) where offset < bytes.count {
            let end = min(bytes.count, offset + size)
            bytes[offset..<end].withUnsafeBytes { received.append($0) }
            offset = end
        }
        #expect(received.count == bytes.count)
        #expect(received.data == Data(bytes))
        let inPlace = try JSONNode.parse(received)
        #expect(inPlace.value == (try JSONNode.parse(Data(bytes))).value)
        #expect(inPlace["entry"]?[0]?["s"]?.string == "Zoë \"q\"")
        #expect(inPlace["entry"]?[1]?["n"]?.double == -2.5)
        #expect(inPlace["pad"]?.string?.count == 70_000)
    }

    @Test func aReceivedBodyOutlivesWhatReadsIt() throws {
        var data: Data?
        var node: JSONNode?
        do {
            let received = ReceivedBytes()
            Array(#"{"a":[1,"two"]}"#.utf8).withUnsafeBytes { received.append($0) }
            data = received.data
            node = try JSONNode.parse(received)["a"]
        }
        // The document and the Data each keep the bytes alive without the other.
        #expect(node?[1]?.string == "two")
        node = nil
        #expect(data.map { String(decoding: $0, as: UTF8.self) } == #"{"a":[1,"two"]}"#)
        // A body that is not JSON fails, and its bytes stay readable (no double free).
        let broken = ReceivedBytes()
        Array("{\"a\":".utf8).withUnsafeBytes { broken.append($0) }
        #expect(throws: JSONParseError.self) { try JSONNode.parse(broken) }
        #expect(throws: JSONParseError.self) { try JSONNode.parse(ReceivedBytes()) }
        #expect(String(decoding: broken.data, as: UTF8.self) == "{\"a\":")
    }
}
