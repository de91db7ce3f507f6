import Foundation
import PoolEngine

/// Named parameters with Deribit's leniency: numbers and booleans may arrive as strings (HTTP query strings carry
/// nothing else), and every bad value is an `invalid params` error naming the parameter, never a trap.
public struct RequestParameters: Sendable {
    public var values: [String: JSONValue]

    public init(_ values: [String: JSONValue]) { self.values = values }

    public func string(_ name: String) throws(APIError) -> String {
        guard let value = optionalString(name) else { throw .invalidParams(name, "required") }
        return value
    }

    public func optionalString(_ name: String) -> String? {
        if case .string(let text)? = values[name] { return text }
        return nil
    }

    /// An optional string that, when given, must be a string (a number or an object is an error naming `name`).
    public func optionalText(_ name: String) throws(APIError) -> String? {
        switch values[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw .invalidParams(name, "must be a string")
        }
    }

    /// A whole number in `range`, given as a JSON number or a decimal string (nil when absent).
    public func optionalInteger(_ name: String, in range: ClosedRange<Int64>) throws(APIError) -> Int64? {
        guard let value = try optionalNumber(name) else { return nil }
        guard value == value.rounded(), value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
            throw .invalidParams(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return Int64(value)
    }

    /// A finite number, given as a JSON number or as a decimal string.
    public func optionalNumber(_ name: String) throws(APIError) -> Double? {
        switch values[name] {
        case nil, .null?: return nil
        case .number(let value)?:
            guard value.isFinite else { throw .invalidParams(name, "must be a finite number") }
            return value
        case .string(let text)?:
            guard let value = Double(text), value.isFinite else { throw .invalidParams(name, "\"\(text)\" is not a number") }
            return value
        default: throw .invalidParams(name, "must be a number")
        }
    }

    public func optionalBool(_ name: String) throws(APIError) -> Bool? {
        switch values[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case .string("true")?: return true
        case .string("false")?: return false
        default: throw .invalidParams(name, "must be true or false")
        }
    }

    /// An exact amount (contracts or USD) from a number or a decimal string, through the strict fixed-point parser
    /// (at most six decimals, within ±10¹²), so no request can overflow the engine's money.
    public func amount<T: FixedPointAmount>(_ name: String, as type: T.Type) throws(APIError) -> T {
        guard let value = try optionalAmount(name, as: type) else { throw .invalidParams(name, "required") }
        return value
    }

    public func optionalAmount<T: FixedPointAmount>(_ name: String, as type: T.Type) throws(APIError) -> T? {
        let text: String
        switch values[name] {
        case nil, .null?: return nil
        case .string(let given)?: text = given
        case .number(let number)?:
            guard number.isFinite, abs(number) <= 1e12 else { throw .invalidParams(name, "out of range") }
            // Shortest round-trip text, then the exact decimal parser: 0.1 stays 0.1, not 0.1000000000000000055.
            text = "\(number)".contains("e") ? String(format: "%.6f", number) : "\(number)"
        default: throw .invalidParams(name, "must be a number")
        }
        switch T.parse(text) {
        case .success(let value): return value
        case .failure(let error): throw .invalidParams(name, error.description)
        }
    }
}
