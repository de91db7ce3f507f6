import Foundation
import Testing
@testable import PoolDeskAPI

/// `JSONValue.text` is written by hand for speed; it must stay byte for byte what `JSONEncoder` writes.
@Suite("JSONValue text")
struct JSONValueTextTests {
    /// A small deterministic generator, so a failure names a reproducible case.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
    }

    static let pieces = ["a", "B", "é", "😀", "\u{2028}", "\"", "\\", "/", "\u{0}", "\u{1}", "\u{1f}", "\u{7f}", "\n", "\t", "\r",
                         "\u{8}", "\u{c}", " ", "z", "Z", "_", "0", "9", "日本", "e\u{301}"]

    static func string(_ random: inout Generator) -> String {
        (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined()
    }

    static func number(_ random: inout Generator) -> Double {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return Double(bitPattern: random.next())
        case 1: return Double(Int.random(in: -1_000_000...1_000_000, using: &random))
        case 2: return Double.random(in: -1...1, using: &random) * pow(10, Double(Int.random(in: -30...30, using: &random)))
        case 3:
            let special: [Double] = [0, -0.0, .infinity, -.infinity, .nan, 1e16, 1e15, 1e-7, 0.1, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
            return special[Int.random(in: 0..<special.count, using: &random)]
        case 4: return Double(Int.random(in: 0...100_000, using: &random)) / 100
        default: return Double.random(in: 0..<1e9, using: &random)
        }
    }

    static func value(_ random: inout Generator, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .number(number(&random))
        case 3: return .string(string(&random))
        case 4: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(&random, depth: depth + 1) })
        default:
            var fields: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &random) { fields[string(&random)] = value(&random, depth: depth + 1) }
            return .object(fields)
        }
    }

    @Test("50,000 random values (odd doubles, control characters, non-ASCII keys) print exactly as JSONEncoder prints them")
    func matchesJSONEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var random = Generator(state: 20_261_130)
        var differences: [String] = []
        for _ in 0..<50_000 {
            let value = Self.value(&random)
            let reference = String(decoding: try encoder.encode(value), as: UTF8.self)
            if value.text != reference, differences.count < 3 { differences.append("\(value.text) vs \(reference)") }
        }
        #expect(differences.isEmpty, "\(differences)")
    }

    @Test("known texts: integers without .0, exponents, escapes, key order by UTF-8 bytes")
    func knownTexts() {
        #expect(JSONValue.array([1, -0.0, 0.1, 1e21, 1e-7, 100]).text == "[1,-0,0.1,1e+21,1e-07,100]")
        #expect(JSONValue.string("a\"b\\c/d\u{01}\u{1f}\n\t é").text == #""a\"b\\c/d\u0001\u001f\n\t é""#)
        #expect(JSONValue.object(["b": 1, "B": 2, "a": 3, "é": 4, "_": 5, "10": 6, "9": 7]).text == #"{"10":6,"9":7,"B":2,"_":5,"a":3,"b":1,"é":4}"#)
        #expect(JSONValue.number(.nan).text == "0")
    }
}
