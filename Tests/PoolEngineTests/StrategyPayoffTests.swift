import PoolEngine
import Testing

/// Payoff profiles of every template, built by hand, against closed forms: the `Double` profile the dashboard draws
/// (``StrategyPayoff``) and the exact maximum payout the engine holds as collateral (``StrategyCollateral``).
@Suite("Strategies: payoff, maximum loss and break-evens")
struct StrategyPayoffTests {
    static let front = SimTime(year: 2026, month: 12, day: 4, hour: 8)
    static let back = SimTime(year: 2026, month: 12, day: 11, hour: 8)

    static func call(_ strike: Double, _ quantity: Double, expiry: SimTime = front) -> PayoffLeg {
        PayoffLeg(kind: .call, strike: strike, quantity: quantity, expiry: expiry)
    }

    static func put(_ strike: Double, _ quantity: Double, expiry: SimTime = front) -> PayoffLeg {
        PayoffLeg(kind: .put, strike: strike, quantity: quantity, expiry: expiry)
    }

    /// One template: its legs, the net premium paid (negative: received), and the closed-form answers.
    struct Template: CustomTestStringConvertible, Sendable {
        var name: String
        var legs: [PayoffLeg]
        var netPremium: Double
        var maximumProfit: Double?
        var maximumLoss: Double?
        var breakEvens: [Double]
        /// The exact most the legs can owe at expiry (per unit of size), nil when unbounded.
        var maximumPayout: Double?
        var testDescription: String { name }
    }

    static let templates: [Template] = [
        // Bull call (debit) vertical 100/110 for 4: lose the debit below 100, gain width − debit above 110.
        Template(name: "call vertical (debit)", legs: [call(100, 1), call(110, -1)], netPremium: 4,
                 maximumProfit: 6, maximumLoss: 4, breakEvens: [104], maximumPayout: 0),
        // Bear call (credit) vertical: width − credit at risk, the credit to gain.
        Template(name: "call vertical (credit)", legs: [call(100, -1), call(110, 1)], netPremium: -4,
                 maximumProfit: 4, maximumLoss: 6, breakEvens: [104], maximumPayout: 10),
        // Bull put (credit) vertical 90/100 for 3.
        Template(name: "put vertical (credit)", legs: [put(100, -1), put(90, 1)], netPremium: -3,
                 maximumProfit: 3, maximumLoss: 7, breakEvens: [97], maximumPayout: 10),
        Template(name: "long straddle", legs: [call(100, 1), put(100, 1)], netPremium: 10,
                 maximumProfit: nil, maximumLoss: 10, breakEvens: [90, 110], maximumPayout: 0),
        Template(name: "short straddle", legs: [call(100, -1), put(100, -1)], netPremium: -10,
                 maximumProfit: 10, maximumLoss: nil, breakEvens: [90, 110], maximumPayout: nil),
        Template(name: "long strangle", legs: [put(95, 1), call(105, 1)], netPremium: 4,
                 maximumProfit: nil, maximumLoss: 4, breakEvens: [91, 109], maximumPayout: 0),
        Template(name: "short strangle", legs: [put(95, -1), call(105, -1)], netPremium: -4,
                 maximumProfit: 4, maximumLoss: nil, breakEvens: [91, 109], maximumPayout: nil),
        // Long call butterfly 90/100/110 for 3: the body's width − debit at 100.
        Template(name: "butterfly", legs: [call(90, 1), call(100, -2), call(110, 1)], netPremium: 3,
                 maximumProfit: 7, maximumLoss: 3, breakEvens: [93, 107], maximumPayout: 0),
        // Short iron condor 80/90 puts, 110/125 calls for 3: the wider wing (15) − credit at risk.
        Template(name: "iron condor", legs: [put(80, 1), put(90, -1), call(110, -1), call(125, 1)], netPremium: -3,
                 maximumProfit: 3, maximumLoss: 12, breakEvens: [87, 113], maximumPayout: 15),
        // Short iron butterfly 90/100/100/110 for 6.
        Template(name: "iron butterfly", legs: [put(90, 1), put(100, -1), call(100, -1), call(110, 1)], netPremium: -6,
                 maximumProfit: 6, maximumLoss: 4, breakEvens: [94, 106], maximumPayout: 10),
        // Risk reversal: long 110 call, short 90 put, for a credit of 1: the put's strike − credit at spot 0.
        Template(name: "risk reversal", legs: [put(90, -1), call(110, 1)], netPremium: -1,
                 maximumProfit: nil, maximumLoss: 89, breakEvens: [89], maximumPayout: 90),
        // Calendar: short the front 100 call, long the back one, for 2; the back leg at intrinsic (its floor) at the
        // front expiry makes the debit the most it can lose.
        Template(name: "calendar", legs: [call(100, -1), call(100, 1, expiry: back)], netPremium: 2,
                 maximumProfit: 0, maximumLoss: 2, breakEvens: [], maximumPayout: 0),
        // 1×2 call ratio spread 100/110 for a credit of 1: 11 at 110, unbounded loss above 121.
        Template(name: "ratio spread", legs: [call(100, 1), call(110, -2)], netPremium: -1,
                 maximumProfit: 11, maximumLoss: nil, breakEvens: [121], maximumPayout: nil),
    ]

    @Test("payoff at expiry is the sum of the legs' payoffs at every spot of a grid", arguments: templates)
    func payoffIsSumOfLegs(_ template: Template) {
        for step in 0...400 {
            let spot = Double(step) * 0.5
            var sum = 0.0
            for leg in template.legs {
                let intrinsic = leg.kind == .call ? max(spot - leg.strike, 0) : max(leg.strike - spot, 0)
                sum += intrinsic * leg.quantity
            }
            #expect(StrategyPayoff.value(template.legs, atSpot: spot) == sum, "\(template.name) at \(spot)")
        }
    }

    @Test("maximum profit, maximum loss and break-evens match the closed forms", arguments: templates)
    func profile(_ template: Template) {
        let profile = StrategyPayoff.profile(template.legs, netPremium: template.netPremium)
        #expect(profile.maximumLoss.map { ($0 * 1e9).rounded() } == template.maximumLoss.map { ($0 * 1e9).rounded() })
        #expect(profile.maximumProfit.map { ($0 * 1e9).rounded() } == template.maximumProfit.map { ($0 * 1e9).rounded() })
        #expect(profile.breakEvens.count == template.breakEvens.count, "\(profile.breakEvens)")
        for (found, expected) in zip(profile.breakEvens, template.breakEvens) {
            #expect(abs(found - expected) < 1e-9, "\(template.name): break-even \(found), expected \(expected)")
        }
    }

    @Test("the exact maximum payout the engine holds matches the closed form, in micro-units", arguments: templates)
    func maximumPayout(_ template: Template) {
        // The engine bounds strategies of one expiry; a calendar's legs are all one expiry here only in the profile.
        guard template.name != "calendar" else { return }
        // Size 3.5 contracts per unit, so the arithmetic covers fractional sizes.
        let legs = template.legs.map {
            StrategyCollateral.Leg(kind: $0.kind, strike: Money(Int($0.strike)), quantity: Quantity(micros: Int64($0.quantity * 3_500_000)))
        }
        let payout = StrategyCollateral.maximumPayout(legs)
        #expect(payout?.micros == template.maximumPayout.map { Int64($0 * 3.5 * 1_000_000) })
    }

    @Test func maximumPayoutRoundsUpOnce() {
        // Width 0.000003 USD × 0.5 contracts = 0.0000015 USD: one micro-unit and a half, rounded up to 2.
        let legs = [StrategyCollateral.Leg(kind: .call, strike: Money(micros: 100_000_000), quantity: Quantity(micros: -500_000)),
                    StrategyCollateral.Leg(kind: .call, strike: Money(micros: 100_000_003), quantity: Quantity(micros: 500_000))]
        #expect(StrategyCollateral.maximumPayout(legs) == Money(micros: 2))
    }
}
