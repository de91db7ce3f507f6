import PoolEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Micro-benchmarks of the pricing kernel, reported by `pooldesk bench` (run a release build).
///
/// Each runs a deterministic mixed book like a listed market (chains of 16 strikes per expiry,
/// calls and puts, expiries 1 hour to 2 years, vols 5–300%, strikes ±3 standard deviations
/// around spot within 0.3–3× spot), takes the best of several repetitions on the monotonic
/// clock, and folds every result into a checksum that is published, so the optimizer cannot
/// drop the work.
public enum PricingBenchmarks {
    /// Options per repetition for the pricing benchmarks.
    static let optionCount = 400_000
    /// Solves per repetition for the implied-volatility benchmark.
    static let solveCount = 200_000
    /// Repetitions; the fastest is reported (the others absorb warm-up and scheduler noise).
    static let repetitions = 5

    /// Nanoseconds per option for `BlackScholes.valuation` (price and five Greeks), one call per option.
    public static func priceGreeksNanosecondsPerOption() -> Double {
        priceGreeksNanosecondsPerOption(book: makeBook(count: optionCount))
    }

    /// The scalar benchmark on a given book (the tests and experiments pass other books).
    static func priceGreeksNanosecondsPerOption(book: Book) -> Double {
        return bestNanoseconds(per: book.count) {
            var checksum = 0.0
            for index in 0..<book.count {
                let value = BlackScholes.valuation(
                    kind: book.kinds[index], spot: book.spots[index], strike: book.strikes[index],
                    time: book.times[index], volatility: book.volatilities[index], rate: book.rates[index]
                )
                checksum += value.price + value.delta + value.gamma + value.vega + value.theta + value.rho
            }
            return checksum
        }
    }

    /// Nanoseconds per option for `BlackScholes.valuations(_:into:)` over a structure-of-arrays batch.
    public static func priceGreeksBatchNanosecondsPerOption() -> Double {
        let book = makeBook(count: optionCount)
        var batch = PricingBatch(reservingCapacity: book.count)
        for index in 0..<book.count {
            batch.append(
                kind: book.kinds[index], spot: book.spots[index], strike: book.strikes[index],
                time: book.times[index], volatility: book.volatilities[index], rate: book.rates[index]
            )
        }
        var output = ValuationBatch()
        BlackScholes.valuations(batch, into: &output)   // size the output outside the timed region
        return bestNanoseconds(per: book.count) {
            BlackScholes.valuations(batch, into: &output)
            var checksum = 0.0
            // Fold one column fully and sample the rest: enough to keep every store observable.
            for price in output.prices { checksum += price }
            checksum += output.deltas[0] + output.gammas[1] + output.vegas[2] + output.thetas[3] + output.rhos[4]
            return checksum
        }
    }

    /// Nanoseconds per `ImpliedVolatility.solve` on prices generated from the mixed book.
    public static func impliedVolNanosecondsPerSolve() -> Double {
        let book = makeBook(count: solveCount)
        var prices = [Double](repeating: 0, count: book.count)
        for index in 0..<book.count {
            prices[index] = BlackScholes.price(
                kind: book.kinds[index], spot: book.spots[index], strike: book.strikes[index],
                time: book.times[index], volatility: book.volatilities[index], rate: book.rates[index]
            )
        }
        return bestNanoseconds(per: book.count) {
            var checksum = 0.0
            for index in 0..<book.count {
                let result = ImpliedVolatility.solve(
                    kind: book.kinds[index], spot: book.spots[index], strike: book.strikes[index],
                    time: book.times[index], rate: book.rates[index], price: prices[index]
                )
                switch result {
                case .success(let volatility): checksum += volatility
                case .failure: checksum += 1
                }
            }
            return checksum
        }
    }

    /// Column arrays of a deterministic, realistic mixed book.
    struct Book {
        var kinds: [OptionKind] = []
        var spots: [Double] = []
        var strikes: [Double] = []
        var times: [Double] = []
        var volatilities: [Double] = []
        var rates: [Double] = []
        var count: Int { spots.count }
    }

    /// Strikes listed per expiry in the benchmark book.
    static let strikesPerExpiry = 16

    /// A listed-market book: chains of `strikesPerExpiry` strikes sharing spot, expiry and rate,
    /// strikes spread ±3 standard deviations (kept within 0.3–3× spot), each with its own vol
    /// (a smile around the chain's at-the-money vol), calls and puts mixed. No two options repeat.
    static func makeBook(count: Int) -> Book {
        var generator = BenchmarkRandom(seed: 0x5EED_0F_B00C)
        var book = Book()
        var spot = 0.0, time = 0.0, atmVolatility = 0.0, rate = 0.0
        for index in 0..<count {
            if index % strikesPerExpiry == 0 {
                spot = logUniform(&generator, 100, 100_000)
                time = logUniform(&generator, 1.0 / 8760, 2)
                atmVolatility = logUniform(&generator, 0.05, 2)
                rate = 0.1 * generator.nextUnit()
            }
            let standardDeviations = 6 * generator.nextUnit() - 3
            let moneyness = min(max(exp(standardDeviations * atmVolatility * time.squareRoot()), 0.3), 3)
            book.kinds.append(generator.nextUnit() < 0.5 ? .call : .put)
            book.spots.append(spot)
            book.strikes.append(spot * moneyness)
            book.times.append(time)
            book.volatilities.append(min(atmVolatility * (1 + 0.05 * standardDeviations * standardDeviations), 3))
            book.rates.append(rate)
        }
        return book
    }

    private static func logUniform(_ generator: inout BenchmarkRandom, _ low: Double, _ high: Double) -> Double {
        low * exp(log(high / low) * generator.nextUnit())
    }

    /// Runs `body` `repetitions` times and returns the fastest run in nanoseconds per item; `body` returns a
    /// checksum of its results, which is published so the optimizer cannot drop the work.
    static func bestNanoseconds(per items: Int, repetitions: Int = repetitions, _ body: () -> Double) -> Double {
        let clock = ContinuousClock()
        var best = Double.infinity
        var checksum = 0.0
        for _ in 0..<repetitions {
            let start = clock.now
            checksum += body()
            let elapsed = start.duration(to: clock.now)
            let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) * 1e-9
            best = min(best, nanoseconds / Double(max(items, 1)))
        }
        publish(checksum)
        return best
    }

    /// Where checksums go: a global store keeps every timed result observable to the optimizer.
    @inline(never)
    static func publish(_ checksum: Double) {
        lastChecksum = checksum
    }

    /// The last checksum; written only by the benchmarks, read by nobody (it exists to be written).
    nonisolated(unsafe) static var lastChecksum = 0.0
}

/// A tiny deterministic generator (SplitMix64) so the benchmark book is the same on every run.
struct BenchmarkRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double uniform in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}
