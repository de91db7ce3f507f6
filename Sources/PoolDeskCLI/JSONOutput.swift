import Foundation

/// The one way PoolDesk's commands print JSON (`sim --json`, `bench --json`, `bench-compare`): `JSONEncoder` over
/// `Encodable` values, keys sorted so identical results print identically, non-finite numbers as strings.
enum JSONOutput {
    static func text<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
