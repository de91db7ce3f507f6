import ArgumentParser
import Foundation
import PoolEngine

/// `pooldesk bench-compare --csv FILE`: times the pricing kernels on exactly the options of a CSV file.
///
/// Used by `Tests/Benchmarks/compare.sh`, which runs the same file through a plain C Black-Scholes,
/// QuantLib and py_vollib. The input is `pooldesk greeks` CSV (`type,spot,strike,t,vol,rate`). The
/// timed kernels are: `BlackScholes.valuation` one option at a time (scalar), `BlackScholes.valuations`
/// over the whole file (batch), and `ImpliedVolatility.solve` on the prices PoolDesk computed for
/// those same options (so every library inverts the same targets). Each is the best of `--repetitions`
/// passes on the monotonic clock. Figures go to standard output as one JSON object; `--values`
/// writes every computed value in raw units (vega and rho per 1.00, theta per year).
public struct BenchCompareCommand: ParsableCommand {
    /// The subcommand's name and help.
    public static let configuration = CommandConfiguration(
        commandName: "bench-compare",
        abstract: "Time the pricing and implied-vol kernels on a CSV of options (for Tests/Benchmarks/compare.sh)."
    )

    @Option(help: "Options to time: CSV with the header type,spot,strike,t,vol,rate.")
    var csv: String

    @Option(help: "Write type,spot,strike,t,vol,rate,price,delta,gamma,vega,theta,rho,iv,iv_error (raw units) here.")
    var values: String?

    @Option(help: "Timed passes per kernel; the fastest is reported.")
    var repetitions = 5

    /// Creates the command with default options (ArgumentParser fills them in).
    public init() {}

    /// Parses the file, times the kernels and prints the figures.
    public func run() throws {
        guard repetitions > 0 else { throw PoolDeskError("--repetitions must be positive") }
        let parsed = OptionCSV.parseGreeks(try OptionCSVInput.readAll(csv))
        if let issue = parsed.headerIssue { throw PoolDeskError(issue.description) }
        try OptionCSVInput.failIfAny(parsed.issues)
        var batch = PricingBatch()
        for row in parsed.rows {
            let input = row.values
            batch.append(kind: input.kind, spot: input.spot, strike: input.strike,
                         time: input.time, volatility: input.volatility, rate: input.rate)
        }
        guard !batch.isEmpty else { throw PoolDeskError("\(csv): no options") }

        let timing = CompareTiming(repetitions: repetitions)
        let scalar = timing.scalar(batch)
        let batched = timing.batch(batch)
        let solve = timing.impliedVol(batch, prices: scalar.values.prices)
        let report = CompareReport(
            options: batch.count, repetitions: repetitions,
            scalarNsPerOption: scalar.nanoseconds, batchNsPerOption: batched.nanoseconds,
            impliedVolNsPerSolve: solve.nanoseconds, scalarMatchesBatch: scalar.values == batched.values,
            impliedVolFailures: solve.failures
        )
        print(try JSONOutput.text(report))
        if let values {
            try Self.writeValues(batch: batch, valuations: scalar.values, solves: solve.results, to: values)
        }
    }

    /// Writes the inputs and every computed value, one option per line, in raw units.
    static func writeValues(
        batch: PricingBatch, valuations: ValuationColumns, solves: [Result<Double, ImpliedVolatilityError>], to path: String
    ) throws {
        var text = "type,spot,strike,t,vol,rate,price,delta,gamma,vega,theta,rho,iv,iv_error\n"
        text.reserveCapacity(batch.count * 220)
        for index in 0..<batch.count {
            let numbers = [
                batch.spots[index], batch.strikes[index], batch.times[index], batch.volatilities[index], batch.rates[index],
                valuations.prices[index], valuations.deltas[index], valuations.gammas[index],
                valuations.vegas[index], valuations.thetas[index], valuations.rhos[index],
            ]
            text += batch.kinds[index].rawValue
            for number in numbers { text += ",\(number)" }
            switch solves[index] {
            case .success(let volatility): text += ",\(volatility),\n"
            case .failure(let error): text += ",,\(error.description)\n"
            }
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw PoolDeskError("cannot write \(path)")
        }
    }
}

/// Prices and raw Greeks, one array per column (the scalar kernel's results, or a batch's copied out).
struct ValuationColumns: Equatable {
    var prices: [Double]
    var deltas: [Double]
    var gammas: [Double]
    var vegas: [Double]
    var thetas: [Double]
    var rhos: [Double]

    init(count: Int) {
        // Separate allocations: copies of one array would be copied again on first write, inside the timing.
        prices = Array(repeating: 0, count: count)
        deltas = Array(repeating: 0, count: count)
        gammas = Array(repeating: 0, count: count)
        vegas = Array(repeating: 0, count: count)
        thetas = Array(repeating: 0, count: count)
        rhos = Array(repeating: 0, count: count)
    }

    init(_ batch: ValuationBatch) {
        prices = batch.prices
        deltas = batch.deltas
        gammas = batch.gammas
        vegas = batch.vegas
        thetas = batch.thetas
        rhos = batch.rhos
    }
}

/// The figures `bench-compare` prints (its JSON keys are the property names).
struct CompareReport: Encodable {
    var options: Int
    var repetitions: Int
    var scalarNsPerOption: Double
    var batchNsPerOption: Double
    var impliedVolNsPerSolve: Double
    var scalarMatchesBatch: Bool
    var impliedVolFailures: [String: Int]
}

/// Best-of-N timing of the three kernels; every result feeds a published checksum.
struct CompareTiming {
    var repetitions: Int

    /// One `BlackScholes.valuation` call per option, stored column-wise like the batch output.
    func scalar(_ batch: PricingBatch) -> (nanoseconds: Double, values: ValuationColumns) {
        let count = batch.count
        var output = ValuationColumns(count: count)
        let nanoseconds = best(per: count) {
            batch.kinds.withUnsafeBufferPointer { kinds in
            batch.spots.withUnsafeBufferPointer { spots in
            batch.strikes.withUnsafeBufferPointer { strikes in
            batch.times.withUnsafeBufferPointer { times in
            batch.volatilities.withUnsafeBufferPointer { volatilities in
            batch.rates.withUnsafeBufferPointer { rates in
            output.prices.withUnsafeMutableBufferPointer { prices in
            output.deltas.withUnsafeMutableBufferPointer { deltas in
            output.gammas.withUnsafeMutableBufferPointer { gammas in
            output.vegas.withUnsafeMutableBufferPointer { vegas in
            output.thetas.withUnsafeMutableBufferPointer { thetas in
            output.rhos.withUnsafeMutableBufferPointer { rhos in
                for index in 0..<count {
                    let value = BlackScholes.valuation(
                        kind: kinds[index], spot: spots[index], strike: strikes[index],
                        time: times[index], volatility: volatilities[index], rate: rates[index]
                    )
                    prices[index] = value.price
                    deltas[index] = value.delta
                    gammas[index] = value.gamma
                    vegas[index] = value.vega
                    thetas[index] = value.theta
                    rhos[index] = value.rho
                }
            }}}}}}}}}}}}
            return output.prices[0] + output.rhos[count - 1]
        }
        return (nanoseconds, output)
    }

    /// `BlackScholes.valuations(_:into:)` over the whole batch.
    func batch(_ batch: PricingBatch) -> (nanoseconds: Double, values: ValuationColumns) {
        var output = ValuationBatch()
        BlackScholes.valuations(batch, into: &output)   // size the output outside the timed region
        let nanoseconds = best(per: batch.count) {
            BlackScholes.valuations(batch, into: &output)
            return output.prices[0] + output.rhos[batch.count - 1]
        }
        return (nanoseconds, ValuationColumns(output))
    }

    /// `ImpliedVolatility.solve` for every option at `prices`; failures are counted by reason.
    func impliedVol(_ batch: PricingBatch, prices: [Double]) -> (
        nanoseconds: Double, results: [Result<Double, ImpliedVolatilityError>], failures: [String: Int]
    ) {
        var results = [Result<Double, ImpliedVolatilityError>](repeating: .success(0), count: batch.count)
        let nanoseconds = best(per: batch.count) {
            var checksum = 0.0
            for index in 0..<batch.count {
                let result = ImpliedVolatility.solve(
                    kind: batch.kinds[index], spot: batch.spots[index], strike: batch.strikes[index],
                    time: batch.times[index], rate: batch.rates[index], price: prices[index]
                )
                if case .success(let volatility) = result { checksum += volatility }
                results[index] = result
            }
            return checksum
        }
        var failures: [String: Int] = [:]
        for case .failure(let error) in results { failures[error.description, default: 0] += 1 }
        return (nanoseconds, results, failures)
    }

    /// The fastest of `repetitions` runs of `body`, in nanoseconds per item.
    private func best(per items: Int, _ body: () -> Double) -> Double {
        PricingBenchmarks.bestNanoseconds(per: items, repetitions: repetitions, body)
    }
}
