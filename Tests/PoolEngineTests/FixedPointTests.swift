import Foundation
import PoolEngine
import PropertyBased
import Testing

/// Exact six-decimal amounts: parsing, text, rounding at the one `Double` boundary.
@Suite("Fixed point")
struct FixedPointTests {
    @Test(arguments: [
        ("1250.5", 1_250_500_000), ("0.000001", 1), ("-0.000001", -1), ("+3", 3_000_000), ("42", 42_000_000),
        (" 7.25 ", 7_250_000), ("1_000_000", 1_000_000_000_000), (".5", 500_000),
        ("5.", 5_000_000), ("-0", 0), ("999999999999.999999", 999_999_999_999_999_999), ("0.1", 100_000),
    ] as [(String, Int64)])
    func parsesPlainDecimals(text: String, micros: Int64) {
        #expect(Money(decimal: text)?.micros == micros)
        #expect(Quantity(decimal: text)?.micros == micros)
    }

    @Test(arguments: ["", " ", ".", "-", "+", "abc", "1.2345678", "1e6", "--1", "+-1", "1.2.3", "1 000", "0x10", "1234567890123",
                      "١٢", "−1", "12a", "1.-5", "1,000.25", "1,5", "1000000000000.000001", "all"])
    func rejectsMalformedDecimals(text: String) {
        #expect(Money(decimal: text) == nil)
    }

    @Test("a typed amount that is refused says why: comma, exponent, too many decimals, range, not a number")
    func parseErrorsAreSpecific() {
        #expect(Quantity.parse("1,5") == .failure(.comma("1,5")))
        #expect(Money.parse("1,000.25") == .failure(.comma("1,000.25")))
        #expect(Quantity.parse("1e3") == .failure(.exponent("1e3")))
        #expect(Quantity.parse("2E-1") == .failure(.exponent("2E-1")))
        #expect(Quantity.parse("12.3456789") == .failure(.tooManyDecimals("12.3456789")))
        #expect(Money.parse("all") == .failure(.notANumber("all")))
        #expect(Money.parse("") == .failure(.empty))
        #expect(Money.parse("1000000000001") == .failure(.outOfRange("1000000000001")))
        #expect(Money.parse("99999999999999999999999") == .failure(.outOfRange("99999999999999999999999")))
        #expect(Money.parse("1000000000000") == .success(Money(1_000_000_000_000)))
        #expect(AmountParseError.comma("1,5").description.contains("comma is ambiguous"))
    }

    @Test("checked addition and subtraction report overflow instead of trapping")
    func checkedArithmetic() {
        #expect(Money(micros: .max).adding(Money(micros: 1)) == nil)
        #expect(Money(micros: .min).subtracting(Money(micros: 1)) == nil)
        #expect(Money(micros: 5).adding(Money(micros: -7)) == Money(micros: -2))
        #expect(Quantity(micros: 1).subtracting(Quantity(micros: 3)) == Quantity(micros: -2))
    }

    @Test func descriptionIsExactWithAtLeastTwoPlaces() {
        #expect(Money(micros: 1_250_500_000).description == "1250.50")
        #expect(Money(micros: 1).description == "0.000001")
        #expect(Money(micros: -500_000).description == "-0.50")
        #expect(Money.zero.description == "0.00")
        #expect(Money(1).description == "1.00")
        #expect(Money(micros: 12_345_678).description == "12.345678")
        #expect(Money(micros: 10_100_000).description == "10.10")
        #expect(Money(micros: Int64.max).description == "9223372036854.775807")
        #expect(Money(micros: Int64.min).description == "-9223372036854.775808")
    }

    @Test func descriptionRoundTripsThroughParsing() async {
        await propertyCheck(count: 300, input: Gen.int64(in: -999_999_999_999_999_999...999_999_999_999_999_999)) { micros in
            let money = Money(micros: micros)
            #expect(Money(decimal: money.description) == money)
        }
    }

    @Test func mulDivRoundsDownAndUpIncludingNegatives() {
        // 7 / 2 = 3.5: floor 3, ceiling 4; −3.5: floor −4, ceiling −3 (whichever operand carries the sign).
        #expect(FixedPointMath.mulDiv(7, 1, 2, .down) == 3)
        #expect(FixedPointMath.mulDiv(7, 1, 2, .up) == 4)
        #expect(FixedPointMath.mulDiv(-7, 1, 2, .down) == -4)
        #expect(FixedPointMath.mulDiv(-7, 1, 2, .up) == -3)
        #expect(FixedPointMath.mulDiv(7, -1, 2, .down) == -4)
        #expect(FixedPointMath.mulDiv(7, 1, -2, .down) == -4)
        #expect(FixedPointMath.mulDiv(7, 1, -2, .up) == -3)
        #expect(FixedPointMath.mulDiv(-7, 1, -2, .down) == 3)
        #expect(FixedPointMath.mulDiv(-7, 1, -2, .up) == 4)
        // Exact quotients are not nudged.
        #expect(FixedPointMath.mulDiv(6, 5, 3, .down) == 10)
        #expect(FixedPointMath.mulDiv(6, 5, 3, .up) == 10)
        #expect(FixedPointMath.mulDiv(-6, 5, 3, .up) == -10)
        // 128-bit intermediate: (2^63 − 1)² / (2^63 − 1) is exact.
        #expect(FixedPointMath.mulDiv(Int64.max, Int64.max, Int64.max, .down) == Int64.max)
        // Saturates instead of trapping; division by zero gives zero.
        #expect(FixedPointMath.mulDiv(Int64.max, 2, 1, .down) == Int64.max)
        #expect(FixedPointMath.mulDiv(Int64.min, 2, 1, .up) == Int64.min)
        #expect(FixedPointMath.mulDiv(5, 5, 0, .up) == 0)
    }

    @Test func mulDivBracketsTheExactQuotient() async {
        let values = Gen.int64(in: -4_000_000_000_000...4_000_000_000_000)
        await propertyCheck(count: 500, input: values, values, Gen.int64(in: 1...9_000_000_000)) { a, b, c in
            for divisor in [c, -c] {
                let down = FixedPointMath.mulDiv(a, b, divisor, .down)
                let up = FixedPointMath.mulDiv(a, b, divisor, .up)
                // Definition: down ≤ a·b/d ≤ up and up − down ≤ 1, checked by multiplying back.
                let product = Int128(a) * Int128(b)
                let d = Int128(divisor)
                // Quotients beyond Int64 saturate (the fixed cases above); the bracket holds for the rest.
                let exact = product / d
                if exact >= Int128(Int64.max) || exact <= Int128(Int64.min) {
                    #expect(down == (exact > 0 ? Int64.max : Int64.min) || up == (exact > 0 ? Int64.max : Int64.min))
                    continue
                }
                func times(_ q: Int64) -> Int128 { Int128(q) * d }
                if divisor > 0 {
                    #expect(times(down) <= product && product < times(down) + d)
                    #expect(times(up) >= product && product > times(up) - d)
                } else {
                    #expect(times(down) >= product && product > times(down) + d)
                    #expect(times(up) <= product && product < times(up) - d)
                }
                #expect(up - down == (product % d == 0 ? 0 : 1))
            }
        }
    }

    @Test func scaledAndNotionalRoundAsAsked() {
        // 10.000001 × 1/3 = 3.333333667: floor 3.333333, ceiling 3.333334.
        let amount = Money(micros: 10_000_001)
        #expect(amount.scaled(by: 1, over: 3, rounding: .down) == Money(micros: 3_333_333))
        #expect(amount.scaled(by: 1, over: 3, rounding: .up) == Money(micros: 3_333_334))
        // 0.333333 × 0.000003 = 0.000000999999: down 0, up 0.000001.
        #expect(Money.notional(Money(micros: 333_333), Quantity(micros: 3), rounding: .down) == .zero)
        #expect(Money.notional(Money(micros: 333_333), Quantity(micros: 3), rounding: .up) == Money(micros: 1))
        // 62,000 × 1.5 contracts = 93,000 exactly.
        #expect(Money.notional(Money(62_000), Quantity(micros: 1_500_000), rounding: .up) == Money(93_000))
    }

    @Test func fromPricingBoundary() {
        // 0.1234565 per unit for 1 contract: 123456.5 micro-units, floor and ceiling.
        #expect(Money.fromPricing(perUnit: 0.1234565, quantity: Quantity(1), rounding: .down) == Money(micros: 123_456))
        #expect(Money.fromPricing(perUnit: 0.1234565, quantity: Quantity(1), rounding: .up) == Money(micros: 123_457))
        // 2.5 × 2 is exactly 5.
        #expect(Money.fromPricing(perUnit: 2.5, quantity: Quantity(2), rounding: .down) == Money(5))
        #expect(Money.fromPricing(perUnit: 2.5, quantity: Quantity(2), rounding: .up) == Money(5))
        // Negative, NaN and infinite prices are worth nothing; never a trap.
        #expect(Money.fromPricing(perUnit: -3, quantity: Quantity(2), rounding: .up) == .zero)
        #expect(Money.fromPricing(perUnit: .nan, quantity: Quantity(2), rounding: .up) == .zero)
        #expect(Money.fromPricing(perUnit: .infinity, quantity: Quantity(2), rounding: .up) == .zero)
        // A tiny positive price rounds up to one micro-unit for the payer, down to zero for the receiver.
        #expect(Money.fromPricing(perUnit: 1e-12, quantity: Quantity(1), rounding: .up) == Money(micros: 1))
        #expect(Money.fromPricing(perUnit: 1e-12, quantity: Quantity(1), rounding: .down) == .zero)
        // Absurd sizes saturate instead of trapping.
        #expect(Money.fromPricing(perUnit: 1e300, quantity: Quantity(1), rounding: .down).micros == Int64.max / 2)
        #expect(Money(rounding: -1e300, .down).micros == Int64.min / 2)
        #expect(Money(rounding: .nan, .up) == .zero)
    }

    @Test func codableAsBareMicros() throws {
        let encoded = try JSONEncoder().encode([Money(micros: 1_500_000), Money(micros: -1)])
        #expect(String(decoding: encoded, as: UTF8.self) == "[1500000,-1]")
        let decoded = try JSONDecoder().decode([Shares].self, from: Data("[7,0]".utf8))
        #expect(decoded == [Shares(micros: 7), .zero])
    }

    @Test func arithmeticAndPredicates() {
        var money = Money(10)
        money += Money(micros: 5)
        money -= Money(1)
        #expect(money == Money(micros: 9_000_005))
        #expect((-money).isNegative && money.isPositive && !money.isZero)
        #expect(Money(micros: -3).magnitude == Money(micros: 3))
        #expect(Money(micros: 1_500_000).doubleValue == 1.5)
        #expect(Quantity(3) > Quantity(micros: 2_999_999))
    }
}
