/// An exact amount with six decimals, stored as an integer count of millionths.
///
/// Money, option quantities and LP shares all use this representation so that balances add up to the
/// last unit; `Double` only appears in pricing and crosses into these types at one rounding boundary.
public protocol FixedPointAmount: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Count of millionths.
    var micros: Int64 { get set }
    init(micros: Int64)
}

/// Millionths per whole unit.
public let fixedPointScale: Int64 = 1_000_000

extension FixedPointAmount {
    @inlinable public static var zero: Self { Self(micros: 0) }

    /// A whole number of units.
    @inlinable public init(_ whole: Int) { self.init(micros: Int64(whole) * fixedPointScale) }

    /// Converts a `Double` at the pricing boundary with an explicit rounding rule (never silently).
    @inlinable
    public init(rounding value: Double, _ rule: FloatingPointRoundingRule) {
        let scaled = (value * Double(fixedPointScale)).rounded(rule)
        if scaled.isNaN {
            self.init(micros: 0)
        } else if scaled >= 9.2e18 {
            self.init(micros: Int64.max / 2)
        } else if scaled <= -9.2e18 {
            self.init(micros: Int64.min / 2)
        } else {
            self.init(micros: Int64(scaled))
        }
    }

    /// Parses a decimal string such as `"1250.5"` exactly; nil when ``parse(_:)`` refuses it.
    public init?(decimal text: String) {
        guard case .success(let value) = Self.parse(text) else { return nil }
        self = value
    }

    /// Parses a plain decimal (`"2"`, `"0.25"`, `"-1.5"`, `"1_000"`) exactly, or says why not.
    ///
    /// Strict on purpose, because these are typed amounts of money and contracts: a comma is refused as
    /// ambiguous (`1,5` is 1.5 in much of Europe and 15 in the US), so are exponents, more decimals than the
    /// unit has (six) and magnitudes beyond ``FixedPointLimits/maximumMagnitude`` (one trillion units), so that
    /// no parsed amount can overflow the engine's 64-bit arithmetic when added to another.
    public static func parse(_ text: String) -> Result<Self, AmountParseError> {
        let trimmed = text.trimmingWhitespace()
        var body = Substring(trimmed)
        guard !body.isEmpty else { return .failure(.empty) }
        var negative = false
        if body.hasPrefix("-") { negative = true; body = body.dropFirst() } else if body.hasPrefix("+") { body = body.dropFirst() }
        if body.contains(",") { return .failure(.comma(trimmed)) }
        if body.contains(where: { $0 == "e" || $0 == "E" }), body.contains(where: \.isASCIIDigit) {
            return .failure(.exponent(trimmed))
        }
        let digits = body.filter { $0 != "_" }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let wholePart = parts.first else { return .failure(.notANumber(trimmed)) }
        let fractionPart = parts.count == 2 ? parts[1] : ""
        guard wholePart.allSatisfy(\.isASCIIDigit), fractionPart.allSatisfy(\.isASCIIDigit),
              !(wholePart.isEmpty && fractionPart.isEmpty) else { return .failure(.notANumber(trimmed)) }
        guard fractionPart.count <= 6 else { return .failure(.tooManyDecimals(trimmed)) }
        let significant = wholePart.drop { $0 == "0" }
        guard significant.count <= 13, let whole = Int64(wholePart.isEmpty ? "0" : String(wholePart)) else {
            return .failure(.outOfRange(trimmed))
        }
        let padded = fractionPart + String(repeating: "0", count: 6 - fractionPart.count)
        let fraction = Int64(padded) ?? 0
        let magnitude = whole * fixedPointScale + fraction
        guard magnitude <= FixedPointLimits.maximumMagnitude else { return .failure(.outOfRange(trimmed)) }
        return .success(Self(micros: negative ? -magnitude : magnitude))
    }

    /// `self + other`, or nil when the sum leaves the 64-bit range (user-controlled paths refuse rather than trap).
    @inlinable public func adding(_ other: Self) -> Self? {
        let (sum, overflow) = micros.addingReportingOverflow(other.micros)
        return overflow ? nil : Self(micros: sum)
    }

    /// `self − other`, or nil when the difference leaves the 64-bit range.
    @inlinable public func subtracting(_ other: Self) -> Self? {
        let (difference, overflow) = micros.subtractingReportingOverflow(other.micros)
        return overflow ? nil : Self(micros: difference)
    }

    /// Whether the amount is within ±``FixedPointLimits/maximumMagnitude``, the range every amount or quantity
    /// that comes from outside the engine must be in.
    @inlinable public var isWithinInputRange: Bool {
        micros >= -FixedPointLimits.maximumMagnitude && micros <= FixedPointLimits.maximumMagnitude
    }

    /// The amount as a `Double`, for pricing and display only.
    @inlinable public var doubleValue: Double { Double(micros) / Double(fixedPointScale) }

    @inlinable public var isZero: Bool { micros == 0 }
    @inlinable public var isNegative: Bool { micros < 0 }
    @inlinable public var isPositive: Bool { micros > 0 }
    @inlinable public var magnitude: Self { Self(micros: micros.magnitude > UInt64(Int64.max) ? Int64.max : abs(micros)) }

    @inlinable public static func < (lhs: Self, rhs: Self) -> Bool { lhs.micros < rhs.micros }
    @inlinable public static func + (lhs: Self, rhs: Self) -> Self { Self(micros: lhs.micros + rhs.micros) }
    @inlinable public static func - (lhs: Self, rhs: Self) -> Self { Self(micros: lhs.micros - rhs.micros) }
    @inlinable public static prefix func - (value: Self) -> Self { Self(micros: -value.micros) }
    @inlinable public static func += (lhs: inout Self, rhs: Self) { lhs.micros += rhs.micros }
    @inlinable public static func -= (lhs: inout Self, rhs: Self) { lhs.micros -= rhs.micros }

    /// Exact decimal text with trailing zeros trimmed to at least two places (`"1250.50"`, `"0.000001"`).
    public var description: String {
        let negative = micros < 0
        let absolute = micros.magnitude
        let whole = absolute / UInt64(fixedPointScale)
        var fraction = String(absolute % UInt64(fixedPointScale))
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.count > 2, fraction.hasSuffix("0") { fraction.removeLast() }
        return (negative ? "-" : "") + "\(whole).\(fraction)"
    }

    /// Decimal text without grouping and without trailing zeros (`0.1`, `2`, `1250.5`), as typed into a ticket.
    public var plainText: String {
        var text = description
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// `self × numerator ÷ denominator` computed exactly in 128 bits, rounded as asked.
    @inlinable
    public func scaled(by numerator: Int64, over denominator: Int64, rounding rule: FixedPointRounding) -> Self {
        Self(micros: FixedPointMath.mulDiv(micros, numerator, denominator, rule))
    }

    /// Codable as a bare integer of millionths, so journals are exact and compact.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(micros: try container.decode(Int64.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(micros)
    }
}

/// Bounds on amounts that come from outside the engine.
public enum FixedPointLimits {
    /// One trillion units (10¹⁸ millionths): any two in-range amounts add without overflow, and far beyond
    /// any real pool, balance or order. Typed or sent amounts above it are refused as out of range.
    public static let maximumMagnitude: Int64 = 1_000_000_000_000 * 1_000_000
}

/// Why a typed amount was not accepted; ``description`` is one line for a status bar or stderr.
public enum AmountParseError: Error, Hashable, Sendable, CustomStringConvertible {
    case empty
    case comma(String)
    case exponent(String)
    case tooManyDecimals(String)
    case outOfRange(String)
    case notANumber(String)
    /// Parsed, but zero or negative where only a positive amount makes sense (checked by the caller).
    case notPositive(String)

    public var description: String {
        switch self {
        case .empty: "no number given"
        case .comma(let text): "\"\(text)\": a comma is ambiguous — use . for decimals and no thousands separator"
        case .exponent(let text): "\"\(text)\": exponents are not accepted — write the number out"
        case .tooManyDecimals(let text): "\"\(text)\" has more than 6 decimals"
        case .outOfRange(let text): "\"\(text)\" is out of range (at most 1,000,000,000,000)"
        case .notANumber(let text): "\"\(text)\" is not a number"
        case .notPositive(let text): "\"\(text)\" must be above zero"
        }
    }
}

/// Which way an exact division rounds; the engine always picks the pool's favour.
public enum FixedPointRounding: Sendable {
    case down, up
}

/// Exact 128-bit helpers behind the fixed-point types.
public enum FixedPointMath {
    /// `a × b ÷ c` with 128-bit intermediate, floor or ceiling; saturates instead of trapping.
    @inlinable
    public static func mulDiv(_ a: Int64, _ b: Int64, _ c: Int64, _ rule: FixedPointRounding) -> Int64 {
        guard c != 0 else { return 0 }
        let product = Int128(a) * Int128(b)
        var quotient = product / Int128(c)
        let remainder = product % Int128(c)
        if remainder != 0 {
            let negative = (remainder < 0) != (c < 0)
            switch rule {
            case .down: if negative { quotient -= 1 }
            case .up: if !negative { quotient += 1 }
            }
        }
        if quotient > Int128(Int64.max) { return Int64.max }
        if quotient < Int128(Int64.min) { return Int64.min }
        return Int64(quotient)
    }
}

/// An amount of the quote stablecoin (USD), exact to 1e-6.
public struct Money: FixedPointAmount {
    public var micros: Int64
    @inlinable public init(micros: Int64) { self.micros = micros }
}

/// A number of option contracts (one contract is one unit of the underlying), exact to 1e-6.
public struct Quantity: FixedPointAmount {
    public var micros: Int64
    @inlinable public init(micros: Int64) { self.micros = micros }
}

/// Liquidity-provider shares of the pool, exact to 1e-6.
public struct Shares: FixedPointAmount {
    public var micros: Int64
    @inlinable public init(micros: Int64) { self.micros = micros }
}

extension Money {
    /// The cost of `quantity` contracts at `perUnit` each, exact, rounded as asked.
    @inlinable
    public static func notional(_ perUnit: Money, _ quantity: Quantity, rounding rule: FixedPointRounding) -> Money {
        Money(micros: FixedPointMath.mulDiv(perUnit.micros, quantity.micros, fixedPointScale, rule))
    }

    /// Converts a per-unit `Double` price times a quantity into money at the single pricing boundary.
    @inlinable
    public static func fromPricing(perUnit price: Double, quantity: Quantity, rounding rule: FixedPointRounding) -> Money {
        let value = max(0, price.isFinite ? price : 0) * quantity.doubleValue
        return Money(rounding: value, rule == .up ? .up : .down)
    }
}

extension Money {
    /// Cash-settlement payoff `max(spot − strike, 0) × quantity` (call) or `max(strike − spot, 0) × quantity` (put),
    /// computed exactly from the binary value of `spot` and rounded once, as asked.
    public static func payoff(kind: OptionKind, spot: Double, strike: Money, quantity: Quantity, rounding rule: FixedPointRounding) -> Money {
        guard spot.isFinite, spot >= 0, quantity.micros > 0 else { return .zero }
        if let micros = FixedPointMath.exactPayoffMicros(call: kind == .call, spot: spot, strikeMicros: strike.micros,
                                                         quantityMicros: quantity.micros, rule) {
            return Money(micros: micros)
        }
        // Only for spots beyond 128-bit exact arithmetic (absurd magnitudes): the rounded `Double` product.
        let intrinsic = kind == .call ? max(spot - strike.doubleValue, 0) : max(strike.doubleValue - spot, 0)
        return fromPricing(perUnit: intrinsic, quantity: quantity, rounding: rule)
    }
}

extension FixedPointMath {
    /// `(spot·10⁶ − strikeMicros) × quantityMicros / 10⁶` (negated for puts), floored at zero, with `spot` taken as the exact
    /// fraction `m / 2^k` it is in binary; nil when that does not fit 128 bits.
    static func exactPayoffMicros(call: Bool, spot: Double, strikeMicros: Int64, quantityMicros: Int64, _ rule: FixedPointRounding) -> Int64? {
        var numerator: Int128 = 0
        var shift = 0
        if spot > 0 {
            // spot = significand × 2^exponent, the significand holding `significandWidth` fractional bits.
            let width = Int(spot.significandWidth)
            let mantissa = Int128(spot.significand * Double(sign: .plus, exponent: width, significand: 1))
            shift = width - Int(spot.exponent)
            if shift < 0 {
                guard -shift < 60 else { return nil }
                numerator = mantissa << -shift
                shift = 0
            } else {
                guard shift <= 80 else { return nil }
                numerator = mantissa
            }
        }
        let scale = Int128(1) << shift
        let (spotMicros, o1) = numerator.multipliedReportingOverflow(by: 1_000_000)
        let (strikeScaled, o2) = Int128(strikeMicros).multipliedReportingOverflow(by: scale)
        guard !o1, !o2 else { return nil }
        var difference = spotMicros - strikeScaled
        if !call { difference = -difference }
        guard difference > 0 else { return 0 }
        let (product, o3) = difference.multipliedReportingOverflow(by: Int128(quantityMicros))
        guard !o3 else { return nil }
        let denominator = scale * 1_000_000
        var quotient = product / denominator
        if rule == .up, product % denominator != 0 { quotient += 1 }
        guard quotient <= Int128(Int64.max) else { return nil }
        return Int64(quotient)
    }
}

extension String {
    /// The text without leading and trailing whitespace (Foundation-free; used wherever typed text is read).
    public func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}


extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
