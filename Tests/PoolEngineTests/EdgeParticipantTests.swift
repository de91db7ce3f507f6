import Foundation
import Testing
@testable import PoolEngine

/// Informed volatility traders, jump traders and bank-run LPs, and the mix that assigns them.
@Suite("Participants with an edge")
struct EdgeParticipantTests {
    /// The standard configuration with one-minute ticks, so weeks of simulated time run in a test.
    static func fastStandard() -> EngineConfiguration {
        var configuration = EngineConfiguration.standard
        configuration.tickInterval = .seconds(60)
        configuration.riskRefreshInterval = .seconds(120)
        configuration.liquidationCheckInterval = .seconds(120)
        configuration.priceHistoryInterval = .seconds(60)
        return configuration
    }

    /// Balance, posted collateral and the positions at what closing them now would pay (or cost).
    static func equity(_ engine: Engine, _ account: AccountID) throws -> Double {
        let snapshot = try #require(engine.accountSnapshot(account))
        return snapshot.account.balance.doubleValue
            + snapshot.positions.reduce(0) { $0 + $1.position.collateral.doubleValue + $1.markValue }
    }

    @Test("a mix assigns strategies in proportion, interleaved; no mix is the original assignment")
    func mixAssignment() {
        let twenty = ParticipantMix.standard.strategies(count: 20)
        for strategy in ParticipantStrategy.allCases {
            #expect(twenty.filter { $0 == strategy }.count == ParticipantMix.standard.weights[strategy] ?? 0, "\(strategy)")
        }
        // Interleaved: the first ten already hold 3 informed traders, not all the noise traders first.
        #expect(twenty.prefix(10).filter { $0 == .informed }.count == 3)
        #expect(ParticipantMix([.informed: 1]).strategies(count: 3) == [.informed, .informed, .informed])
        #expect(ParticipantMix([.noise: 1, .informed: 1]).strategies(count: 4) == [.noise, .informed, .noise, .informed])
        #expect(ParticipantConfiguration(count: 12).strategies() == (0..<12).map(ParticipantConfiguration.strategy(forIndex:)))
        #expect(ParticipantMix([:]).validationError() != nil)
    }

    @Test("a participant configuration stored before mixes existed reads as the original mix")
    func storedWithoutMix() throws {
        var stored = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(ParticipantConfiguration.standard(count: 5))) as? [String: Any])
        #expect(stored["mix"] != nil && stored["behaviour"] != nil)
        stored["mix"] = nil
        stored["behaviour"] = nil
        let decoded = try JSONDecoder().decode(ParticipantConfiguration.self, from: JSONSerialization.data(withJSONObject: stored))
        #expect(decoded.mix == nil && decoded.behaviour == nil)
        #expect(decoded == ParticipantConfiguration(count: 5))
        // Written without a mix, it encodes exactly as before mixes existed (no new keys), so old journals' hashes hold.
        #expect(Set(try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(decoded)) as? [String: Any]).keys)
                == ["count", "meanActionInterval", "traderFunding", "liquidityProviderFunding"])
        // And the new fields round-trip, the mix keyed by strategy name.
        let standard = ParticipantConfiguration.standard(count: 9)
        let json = try JSONEncoder().encode(standard)
        #expect(String(decoding: json, as: UTF8.self).contains("\"informed\":6"))
        #expect(try JSONDecoder().decode(ParticipantConfiguration.self, from: json) == standard)
    }

    @Test("informed volatility traders make money against the pool, noise traders lose it (seeded, 3 weeks)")
    func informedTradersWin() throws {
        let participants = ParticipantConfiguration(count: 12, mix: ParticipantMix([.informed: 1, .noise: 1]), behaviour: ParticipantBehaviour())
        var engine = Scenario(configuration: Self.fastStandard(), seed: 11, participants: participants).engine
        for day in 1...21 { _ = engine.advance(to: engine.configuration.startTime + .days(Int64(day))) }
        #expect(engine.checkInvariants().isEmpty)
        var informed = 0.0, noise = 0.0
        for bot in engine.bots {
            let gain = try Self.equity(engine, bot.account) - participants.traderFunding.doubleValue
            if bot.strategy == .informed { informed += gain } else { noise += gain }
        }
        let funding = participants.traderFunding.doubleValue * 6
        // Direction with a margin: the informed six gain at least 1% of what they started with; the noise six lose.
        #expect(informed > 0.01 * funding, "informed \(informed), noise \(noise)")
        #expect(noise < 0, "informed \(informed), noise \(noise)")
        #expect(engine.statistics.trades > 100)
    }

    @Test("the informed know the process: its regime volatility with the jump variance added")
    func informedVolatility() {
        let engine = Engine(configuration: .standard, seed: 1)
        // BTC starts calm: 0.50 diffusion; jumps 150/yr with mean -0.002 and sd 0.012 add 150 × (0.002² + 0.012²) = 0.0222.
        #expect(abs(engine.informedVolatility(market: MarketID(0)) - (0.25 + 0.0222).squareRoot()) < 1e-12)
    }

    @Test("a jump trader reads a large jump as stress and a small one as calm")
    func jumpPosterior() {
        let bitcoin = MarketConfiguration.bitcoin
        // Prior: 8 h stressed for every 2 days calm, 1/7.
        #expect(abs(Engine.jumpPosterior(move: -0.002, market: bitcoin) - 1.0 / 7) < 0.1)
        #expect(Engine.jumpPosterior(move: -0.006, market: bitcoin) < 1.0 / 7)
        #expect(Engine.jumpPosterior(move: -0.06, market: bitcoin) > 0.9)
        #expect(Engine.jumpPosterior(move: 0.05, market: bitcoin) > 0.9)
    }

    @Test("a bank-run LP withdraws once the share price is past its drawdown threshold, and comes back when calm")
    func bankRun() throws {
        var rules = ParticipantBehaviour()
        rules.bankRunDrawdown = 0.02
        rules.calmPeriod = .hours(6)
        let participants = ParticipantConfiguration(count: 1, meanActionInterval: .hours(1),
                                                    mix: ParticipantMix([.bankRunLiquidityProvider: 1]), behaviour: rules)
        var engine = Scenario(configuration: .standard, seed: 3, participants: participants).engine
        let account = engine.bots[0].account
        var events: [EngineEvent] = []
        engine.act(0, into: &events)
        #expect(engine.accounts[account.index].shares.isPositive, "starts by depositing")
        let price = engine.sharePrice(nav: engine.cachedNAV)
        // 1.5% below the peak it remembers: it stays.
        engine.bots[0].memory?.peakSharePrice = price / (1 - 0.015)
        engine.act(0, into: &events)
        #expect(engine.accounts[account.index].shares.isPositive)
        // 2.5% below: it takes everything out.
        engine.bots[0].memory?.peakSharePrice = price / (1 - 0.025)
        engine.act(0, into: &events)
        #expect(engine.accounts[account.index].shares.isZero)
        #expect(events.contains { if case .withdrawalQueued(account, _) = $0.payload { true } else if case .withdrawn(account, _, _, _, _) = $0.payload { true } else { false } })
        let ran = try #require(engine.bots[0].memory?.ranAt)
        // Not back before the calm period, even when it wakes up.
        engine.act(0, into: &events)
        #expect(engine.accounts[account.index].shares.isZero)
        _ = engine.advance(to: ran + .hours(5))
        #expect(engine.accounts[account.index].shares.isZero)
        // Back within a day after it (it wakes about hourly and the pool is calm).
        _ = engine.advance(to: ran + .hours(30))
        #expect(engine.accounts[account.index].shares.isPositive)
        #expect(engine.bots[0].memory?.ranAt == nil)
    }
}
