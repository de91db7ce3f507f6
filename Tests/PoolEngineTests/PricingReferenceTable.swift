import Foundation
import PoolEngine

/// One row of Reference/black_scholes_reference.csv (mpmath, 50 digits, rounded once to double).
struct PricingReferenceRow: Sendable, CustomStringConvertible {
    var kind: OptionKind
    var spot, strike, time, volatility, rate: Double
    var expected: OptionValuation
    var line: Int

    var description: String {
        "line \(line): \(kind) S=\(spot) K=\(strike) T=\(time) vol=\(volatility) r=\(rate)"
    }
}

enum PricingReferenceTable {
    /// The table next to this file; loaded once for every test that needs it.
    static let rows: [PricingReferenceRow] = load()

    private static func load() -> [PricingReferenceRow] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Reference/black_scholes_reference.csv")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        var rows: [PricingReferenceRow] = []
        for (index, line) in text.split(separator: "\n").enumerated() where index > 0 {
            let fields = line.split(separator: ",").map(String.init)
            guard fields.count == 12, let kind = OptionKind(rawValue: fields[0]) else { return [] }
            let numbers = fields.dropFirst().compactMap(Double.init)
            guard numbers.count == 11 else { return [] }
            rows.append(PricingReferenceRow(
                kind: kind, spot: numbers[0], strike: numbers[1], time: numbers[2],
                volatility: numbers[3], rate: numbers[4],
                expected: OptionValuation(
                    price: numbers[5], delta: numbers[6], gamma: numbers[7],
                    vega: numbers[8], theta: numbers[9], rho: numbers[10]
                ),
                line: index + 1
            ))
        }
        return rows
    }
}
