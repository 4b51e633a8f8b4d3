import Foundation

/// Parses a document into a tree (`JSONValue`), for JSON Rounds reads whole and keeps: its own
/// cache, exports and settings. A server's answers are read in place (`JSONNode.parse`).
public enum JSONParser {
    public static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
        try JSONNode.parse(data).value
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try JSONNode.parse(text).value
    }
}
