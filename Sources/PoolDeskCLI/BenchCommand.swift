import ArgumentParser
import Foundation
import PoolEngine

/// `pooldesk bench`: the core speed figures, measured in this process (build with `-c release`).
public struct BenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure pricing, engine, order and frame speed (run the release build).",
        subcommands: [BenchServeCommand.self, BenchServeClientsCommand.self]
    )

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Flag(help: "Skip the 100,000-position run (it takes the longest to set up).")
    var quick = false

    public init() {}

    public func run() throws {
        var figures: [(key: String, label: String, value: Double, unit: String)] = []
        func record(_ key: String, _ label: String, _ value: Double, _ unit: String) {
            figures.append((key, label, value, unit))
            if !json { print("  \(label.padding(toLength: 44, withPad: " ", startingAt: 0)) \(format(value)) \(unit)") }
        }
        #if DEBUG
        if !json { print("warning: this is a debug build; run `swift run -c release pooldesk bench` for real figures") }
        #endif
        if !json { print("PoolDesk bench (best of several runs; 2-core figures are noisy, compare within one run)") }
        record("priceGreeksNsPerOption", "price + 5 Greeks, scalar", PricingBenchmarks.priceGreeksNanosecondsPerOption(), "ns/option")
        record("priceGreeksBatchNsPerOption", "price + 5 Greeks, batched", PricingBenchmarks.priceGreeksBatchNanosecondsPerOption(), "ns/option")
        record("impliedVolNsPerSolve", "implied-vol solve", PricingBenchmarks.impliedVolNanosecondsPerSolve(), "ns/solve")
        let engine10k = EngineBenchmarks.engineWithPositions(10_000)
        record("openPositions10k", "open positions (10k run)", Double(engine10k.positions.count), "positions")
        record("ticksPerSecond10k", "engine ticks, 10k positions, 8 boards", EngineBenchmarks.ticksPerSecond(engine10k), "ticks/s")
        record("ordersPerSecond", "orders through the engine", EngineBenchmarks.ordersPerSecond(engine10k), "orders/s")
        for (key, label, engine) in [("0", "no other positions", EngineBenchmarks.engineWithPositions(0)), ("10k", "10k positions", engine10k)] {
            guard let strategies = EngineBenchmarks.strategies(engine) else { continue }
            if !strategies.allFilled && !json { print("warning: some benchmark strategies or orders were refused (\(label))") }
            record("placeStrategyUs\(key)", "iron condor as one strategy, \(label)", strategies.placeStrategyMicroseconds, "µs")
            record("fourOrdersUs\(key)", "the same 4 legs as single orders, \(label)", strategies.fourOrdersMicroseconds, "µs")
            record("previewStrategyUs\(key)", "iron condor preview, \(label)", strategies.previewMicroseconds, "µs")
        }
        let chain = EngineBenchmarks.chainRevaluation(engine10k)
        record("chainSeries", "live series (all markets × expiries)", Double(chain.seriesCount), "series")
        record("chainRevaluationUs", "full chain revaluation, batched", chain.batchMicroseconds, "µs/tick")
        record("chainRevaluationScalarUs", "full chain revaluation, markValuation", chain.scalarMicroseconds, "µs/tick")
        let frame = EngineBenchmarks.frame(engine10k)
        record("frameMs", "compose 200×60 frame", frame.composeMilliseconds, "ms")
        record("frameDiffMs", "diff 200×60 frame against the last", frame.diffMilliseconds, "ms")
        record("frameFlushMs", "flush: diff + encode escape sequences", frame.flushMilliseconds, "ms")
        record("frameTotalMs", "compose + flush", frame.composeMilliseconds + frame.flushMilliseconds, "ms")
        record("changedCellsPerTick", "cells changed per tick (prices only)", Double(frame.changedCellsPerTick), "cells")
        record("bytesPerTickEstimate", "bytes to the terminal per tick (encoded)", Double(frame.estimatedBytesPerTick), "bytes")
        if !quick {
            let engine100k = EngineBenchmarks.engineWithPositions(100_000)
            record("ticksPerSecond100k", "engine ticks, 100k positions", EngineBenchmarks.ticksPerSecond(engine100k), "ticks/s")
        }
        record("journalWritesPerSecond", "orders journaled (fsynced transactions)", JournalBenchmarks.journalWritesPerSecond(), "orders/s")
        record("peakMemoryMB", "peak memory", EngineBenchmarks.peakMemoryMegabytes(), "MB")
        if json {
            var object: [String: Double] = [:]
            for figure in figures { object[figure.key] = figure.value }
            print(try JSONOutput.text(object))
        }
    }

    private func format(_ value: Double) -> String {
        value >= 1000 ? String(format: "%.0f", value) : String(format: "%.3g", value)
    }
}
