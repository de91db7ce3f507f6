import Benchmark
import Foundation
import PoolDeskCLI
import PoolEngine

// The ordo-one suite: the same kernels `pooldesk bench` times, with ordo-one's percentiles,
// allocation counts and peak resident memory. Figures are per option / solve (scaling factor
// 1,000) and per tick / order / frame (one per iteration), so they read like `pooldesk bench`'s.
// Heavy set-up (engines with 10,000 and 100,000 positions) runs in `setup`, outside the measurement.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 10_000
    )
    let perOption = Benchmark.Configuration(scalingFactor: .kilo)

    // Pricing: 1,000 options of a mixed book per iteration (one per scaled iteration).
    let book = OptionBook(count: 1_000)
    Benchmark("Pricing: price + 5 Greeks, scalar", configuration: perOption) { benchmark in
        var checksum = 0.0
        for index in benchmark.scaledIterations {
            let value = BlackScholes.valuation(
                kind: book.batch.kinds[index], spot: book.batch.spots[index], strike: book.batch.strikes[index],
                time: book.batch.times[index], volatility: book.batch.volatilities[index], rate: book.batch.rates[index]
            )
            checksum += value.price + value.delta + value.gamma + value.vega + value.theta + value.rho
        }
        blackHole(checksum)
    }
    Benchmark("Pricing: price + 5 Greeks, batched", configuration: perOption) { _ in
        BlackScholes.valuations(book.batch, into: &book.output)
        blackHole(book.output.prices[book.output.count - 1])
    }
    Benchmark("Pricing: implied-vol solve", configuration: perOption) { benchmark in
        var checksum = 0.0
        for index in benchmark.scaledIterations {
            let result = ImpliedVolatility.solve(
                kind: book.batch.kinds[index], spot: book.batch.spots[index], strike: book.batch.strikes[index],
                time: book.batch.times[index], rate: book.batch.rates[index], price: book.prices[index]
            )
            if case .success(let volatility) = result { checksum += volatility }
        }
        blackHole(checksum)
    }

    // Engine: 10,000 and 100,000 open positions; the state carries over from iteration to iteration.
    let engine10k = EngineHolder(positions: 10_000)
    Benchmark(
        "Engine: chain revaluation per tick (all live series)",
        configuration: .init(setup: { engine10k.prepare() })
    ) { benchmark in
        engine10k.tick()
        benchmark.startMeasurement()
        blackHole(engine10k.revaluer.revalue(engine10k.engine))
        benchmark.stopMeasurement()
    }
    Benchmark(
        "Engine: tick, 10,000 positions",
        configuration: .init(setup: { engine10k.prepare() })
    ) { _ in
        engine10k.tick()
    }
    let engine100k = EngineHolder(positions: 100_000)
    Benchmark(
        "Engine: tick, 100,000 positions",
        configuration: .init(setup: { engine100k.prepare() }, teardown: { engine100k.release() })
    ) { _ in
        engine100k.tick()
    }
    Benchmark(
        "Engine: order through apply",
        configuration: .init(setup: { engine10k.prepareOrders() })
    ) { _ in
        engine10k.placeNextOrder()
    }

    // Frames: a 200×60 dashboard over the 10,000-position engine, one tick apart.
    let frames = FrameHolder()
    Benchmark(
        "Frame: compose 200×60",
        configuration: .init(setup: { frames.prepare(engine10k) })
    ) { benchmark in
        frames.bench?.tick()
        benchmark.startMeasurement()
        frames.bench?.compose()
        benchmark.stopMeasurement()
    }
    Benchmark(
        "Frame: flush (diff + encode) 200×60",
        configuration: .init(setup: { frames.prepare(engine10k) })
    ) { benchmark in
        frames.bench?.tick()
        frames.bench?.compose()
        benchmark.startMeasurement()
        blackHole(frames.bench?.flush())
        benchmark.stopMeasurement()
    }

    // Journal writes per second: the journal engineer adds "Journal: write" here, next to
    // `journalWritesPerSecond` in `pooldesk bench`.
}

/// A deterministic mixed book (spot 100–100,000, K/S 0.3–3, expiry 1 h–2 y, vol 5–300%) and its prices.
final class OptionBook: @unchecked Sendable {
    let batch: PricingBatch
    let prices: [Double]
    var output = ValuationBatch()

    init(count: Int) {
        var state: UInt64 = 0x5EED
        func unit() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
        }
        func logUniform(_ low: Double, _ high: Double) -> Double { low * exp(log(high / low) * unit()) }
        var batch = PricingBatch(reservingCapacity: count)
        for _ in 0..<count {
            let kind: OptionKind = unit() < 0.5 ? .call : .put
            let spot = logUniform(100, 100_000)
            batch.append(kind: kind, spot: spot, strike: spot * logUniform(0.3, 3), time: logUniform(1.0 / 8760, 2),
                         volatility: logUniform(0.05, 3), rate: 0.1 * unit())
        }
        self.batch = batch
        prices = BlackScholes.valuations(batch).prices
        BlackScholes.valuations(batch, into: &output)
    }
}

/// An engine with open positions, built on first use and shared by the engine and frame benchmarks.
final class EngineHolder: @unchecked Sendable {
    let positions: Int
    private var built: Engine?
    var engine = Engine(seed: 7)
    var revaluer = EngineBenchmarks.ChainRevaluer()
    private var orderAccount = AccountID(0)
    private var orderSeries: [SeriesID] = []
    private var orderIndex = 0

    init(positions: Int) { self.positions = positions }

    /// Builds the engine once, then restarts every benchmark from the same state.
    func prepare() {
        if built == nil { built = EngineBenchmarks.engineWithPositions(positions) }
        if let built { engine = built }
    }

    /// Frees the engine after the last benchmark that needs it.
    func release() {
        built = nil
        engine = Engine(seed: 7)
    }

    func tick() {
        _ = engine.advance(to: engine.time + engine.configuration.tickInterval)
    }

    /// A funded trader and the near-the-money series it alternately buys and sells.
    func prepareOrders() {
        prepare()
        _ = engine.apply(.openAccount(name: "bench", role: .trader, funding: Money(1_000_000_000)))
        orderAccount = AccountID(engine.accounts.count - 1)
        orderSeries = engine.liveBoards.flatMap { id -> [SeriesID] in
            let board = engine.boards[id.index]
            return (board.calls + board.puts).filter { abs(engine.markValuation($0).delta) > 0.3 }
        }
        orderIndex = 0
    }

    func placeNextOrder() {
        guard !orderSeries.isEmpty else { return }
        let id = orderSeries[orderIndex % orderSeries.count]
        let quantity = engine.marketConfiguration(engine.series[id.index].market).minimumOrderSize
        let side: Side = (orderIndex / orderSeries.count) % 2 == 0 ? .buy : .sell
        blackHole(engine.apply(.placeOrder(Order(account: orderAccount, series: id, side: side, quantity: quantity))))
        orderIndex += 1
    }
}

/// The dashboard frame bench over the 10,000-position engine.
final class FrameHolder: @unchecked Sendable {
    var bench: EngineBenchmarks.FrameBench?

    func prepare(_ holder: EngineHolder) {
        holder.prepare()
        bench = EngineBenchmarks.FrameBench(engine: holder.engine)
    }
}
