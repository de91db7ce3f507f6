import Foundation
import PoolEngine
import Testing

/// The stored forms of configuration, commands, events and snapshots read what earlier builds wrote, and what
/// later builds will write with fields this build does not know.
@Suite("Stored forms")
struct StoredFormTests {
    func json(_ value: some Encodable) throws -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try #require(JSONSerialization.jsonObject(with: encoder.encode(value)) as? [String: Any])
    }

    func decode<T: Decodable>(_ type: T.Type, _ object: Any) throws -> T {
        try JSONDecoder().decode(type, from: JSONSerialization.data(withJSONObject: object))
    }

    @Test("a configuration round-trips, and new sessions run under the current rules")
    func roundTrip() throws {
        var configuration = EngineConfiguration()
        configuration.hedging.costRate = 0.001
        configuration.markets[1].maximumOrderSize = Quantity(321)
        #expect(configuration.rulesVersion == EngineRules.current)
        #expect(try decode(EngineConfiguration.self, try json(configuration)) == configuration)
    }

    @Test("a configuration written before a field existed reads with that field's default; unknown keys are ignored")
    func missingAndUnknownFields() throws {
        var stored = try json(EngineConfiguration())
        // As written by a build that had no rules version, no hedging cost and no ETH order limit,
        // but also by one that has a field this build does not know.
        stored["rulesVersion"] = nil
        var hedging = try #require(stored["hedging"] as? [String: Any])
        hedging["costRate"] = nil
        stored["hedging"] = hedging
        var markets = try #require(stored["markets"] as? [[String: Any]])
        markets[1]["maximumOrderSize"] = nil
        markets[1]["someFutureField"] = 42
        stored["markets"] = markets
        stored["participantMix"] = ["informed": 0.2]
        let decoded = try decode(EngineConfiguration.self, stored)
        #expect(decoded.rulesVersion == EngineRules.original)
        #expect(decoded.hedging.costRate == HedgingConfiguration().costRate)
        #expect(decoded.markets[1].symbol == "ETH")
        #expect(decoded.markets[1].maximumOrderSize == MarketConfiguration.bitcoin.maximumOrderSize)
    }

    @Test("snapshot statistics written before a rejection reason was added read with a zero count for it")
    func statisticsPadding() throws {
        var statistics = EngineStatistics()
        statistics.trades = 7
        var stored = try json(statistics)
        stored["rejectionCounts"] = Array(repeating: 1, count: RejectionReason.allCases.count - 1)
        let decoded = try decode(EngineStatistics.self, stored)
        #expect(decoded.trades == 7)
        #expect(decoded.rejectionCounts.count == RejectionReason.allCases.count)
        #expect(decoded.rejectionCounts.last == 0)
    }

    @Test("a command or an event with a field this build does not know still reads")
    func unknownFieldsInCommandsAndEvents() throws {
        let order = Order(account: AccountID(1), series: SeriesID(3), side: .buy, quantity: Quantity(2))
        var command = try json(EngineCommand.placeOrder(order))
        var body = try #require(command["placeOrder"] as? [String: Any])
        var stored = try #require(body["_0"] as? [String: Any])
        stored["timeInForce"] = "IOC"
        body["_0"] = stored
        command["placeOrder"] = body
        #expect(try decode(EngineCommand.self, command) == .placeOrder(order))
        // A close written before closes carried a limit.
        let close = ["closePosition": ["account": 1, "series": 3, "quantity": 2_000_000]]
        #expect(try decode(EngineCommand.self, close) == .closePosition(account: AccountID(1), series: SeriesID(3), quantity: Quantity(2)))
    }
}
