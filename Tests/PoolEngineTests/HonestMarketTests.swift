import Foundation
import Testing
@testable import PoolEngine

/// Rules 4 (issue 14, an honest market): the price process's own random streams, LPs who hold for days, informed
/// traders who value an option over its life, and the IV premium of new sessions calibrated to the process.
@Suite("An honest market (rules 4)")
struct HonestMarketTests {
    /// Spot of every market after each of `minutes` simulated minutes.
    static func spotPath(_ configuration: EngineConfiguration, seed: UInt64, participants: ParticipantConfiguration, minutes: Int) -> [[Double]] {
        var engine = Scenario(configuration: configuration, seed: seed, participants: participants).engine
        var path: [[Double]] = []
        for minute in 1...minutes {
            _ = engine.advance(to: configuration.startTime + .minutes(Int64(minute)))
            path.append(engine.markets.map(\.spot))
        }
        return path
    }

    @Test("under rules 4 the price path is the same whoever trades; under rules 3 the participants' draws move it")
    func ownPriceStreams() throws {
        let busy = ParticipantConfiguration.standard(count: 20, meanActionInterval: .seconds(30))
        let other = ParticipantConfiguration(count: 20, meanActionInterval: .seconds(30), mix: ParticipantMix([.noise: 1]))
        let none = ParticipantConfiguration(count: 0)
        let current = EngineConfiguration.standard
        #expect(current.rulesVersion == 4 && current.honestMarket == true && current.drawsPricesFromOwnStreams)
        // A configuration built in code, or stored without the field, keeps the simulation as before even under rules 4.
        #expect(EngineConfiguration().rulesVersion == 4 && EngineConfiguration().honestMarket == nil)
        #expect(!EngineConfiguration().drawsPricesFromOwnStreams && !EngineConfiguration().liquidityProvidersHold
                && !EngineConfiguration().informedValueOverOptionLife)
        var stored = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(current)) as? [String: Any])
        #expect(stored["honestMarket"] as? Bool == true)
        stored["honestMarket"] = nil
        #expect(try JSONDecoder().decode(EngineConfiguration.self, from: JSONSerialization.data(withJSONObject: stored)).honestMarket == nil)
        let plain = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(EngineConfiguration())) as? [String: Any])
        #expect(plain["honestMarket"] == nil, "not written when unset, so configurations encode as before")
        let path = Self.spotPath(current, seed: 5, participants: busy, minutes: 60)
        #expect(path == Self.spotPath(current, seed: 5, participants: other, minutes: 60))
        #expect(path == Self.spotPath(current, seed: 5, participants: none, minutes: 60))
        // A different seed is a different path, and the markets' streams differ from each other.
        #expect(path != Self.spotPath(current, seed: 6, participants: none, minutes: 60))
        #expect(Engine.priceStreamSeed(5, market: 0) != Engine.priceStreamSeed(5, market: 1))
        var legacy = current
        legacy.rulesVersion = 3
        #expect(Self.spotPath(legacy, seed: 5, participants: busy, minutes: 60) != Self.spotPath(legacy, seed: 5, participants: none, minutes: 60))
    }

    @Test("a rules-4 snapshot carries the price streams and continues byte for byte; a rules-3 one has no such key")
    func snapshotCarriesStreams() throws {
        var engine = Scenario(configuration: .standard, seed: 9, participants: .standard(count: 10)).engine
        _ = engine.advance(to: engine.configuration.startTime + .minutes(30))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let bytes = try encoder.encode(engine)
        #expect(String(decoding: bytes, as: UTF8.self).contains("\"priceStreams\""))
        var decoded = try JSONDecoder().decode(Engine.self, from: bytes)
        let later = engine.configuration.startTime + .hours(2)
        _ = engine.advance(to: later)
        _ = decoded.advance(to: later)
        #expect(try encoder.encode(decoded) == encoder.encode(engine))
        // A rules-4 snapshot without its streams is refused rather than continued on the shared generator.
        var stored = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        stored["priceStreams"] = nil
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Engine.self, from: JSONSerialization.data(withJSONObject: stored)) }

        var legacy = EngineConfiguration.standard
        legacy.rulesVersion = 3
        let old = Scenario(configuration: legacy, seed: 9, participants: .standard(count: 10)).engine
        #expect(!String(decoding: try encoder.encode(old), as: UTF8.self).contains("priceStreams"))
    }

    @Test("plain LPs hold for days under rules 4; under rules 3 they move money at nearly every action")
    func liquidityProvidersHold() throws {
        let participants = ParticipantConfiguration(count: 10, meanActionInterval: .minutes(10), mix: ParticipantMix([.liquidityProvider: 1]),
                                                    behaviour: ParticipantBehaviour())
        var configuration = EdgeParticipantTests.fastStandard()
        var engine = Scenario(configuration: configuration, seed: 4, participants: participants).engine
        _ = engine.advance(to: configuration.startTime + .days(2))
        // 10 LPs, each leaving with chance 10 min / 7 d per action: about 10 × 2 d / 7 d ≈ 3 withdrawals in two days
        // (and one first deposit each, plus the house LP's); the bound leaves room for the draw.
        #expect(engine.statistics.withdrawals <= 10, "\(engine.statistics.withdrawals) withdrawals")
        #expect(engine.statistics.deposits >= 11)
        #expect(engine.bots.allSatisfy { $0.behaviour != nil }, "rules-4 LPs carry their holding period")
        #expect(engine.checkInvariants().isEmpty)

        configuration.rulesVersion = 3
        var legacy = Scenario(configuration: configuration, seed: 4, participants: participants).engine
        _ = legacy.advance(to: configuration.startTime + .days(2))
        // 10 LPs acting every 10 minutes, 35% of the actions a withdrawal: about 1,000 in two days.
        #expect(legacy.statistics.withdrawals > 500, "\(legacy.statistics.withdrawals) withdrawals")
        #expect(legacy.bots.allSatisfy { $0.behaviour == nil })
    }

    @Test("a holding LP leaves, stays out, and comes back; the holding period is configurable")
    func holdingPeriod() throws {
        var rules = ParticipantBehaviour()
        rules.liquidityHoldingPeriod = .minutes(1)   // leaves at its first look after depositing (chance 1)
        rules.liquidityAbsencePeriod = .days(3650)    // and practically never comes back
        let participants = ParticipantConfiguration(count: 1, meanActionInterval: .minutes(10),
                                                    mix: ParticipantMix([.liquidityProvider: 1]), behaviour: rules)
        var engine = Scenario(configuration: .standard, seed: 3, participants: participants).engine
        let account = engine.bots[0].account
        var events: [EngineEvent] = []
        engine.act(0, into: &events)
        let shares = engine.accounts[account.index].shares
        #expect(shares.isPositive, "deposits at its first action")
        #expect(engine.accounts[account.index].balance.doubleValue >= 0.1 * participants.liquidityProviderFunding.doubleValue - 1e-6)
        engine.act(0, into: &events)
        #expect(engine.accounts[account.index].shares.isZero, "leaves with everything")
        #expect(engine.bots[0].memory?.ranAt == engine.time)
        for _ in 0..<20 { engine.act(0, into: &events) }
        #expect(engine.accounts[account.index].shares.isZero, "stays out")
        engine.bots[0].behaviour?.liquidityAbsencePeriod = .minutes(1)
        engine.act(0, into: &events)
        #expect(engine.accounts[account.index].shares.isPositive, "comes back")
        #expect(engine.bots[0].memory?.ranAt == nil)
    }

    @Test("the behaviour's new fields are optional: a stored behaviour without them decodes, and encodes as before")
    func behaviourStoredForm() throws {
        let keys = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(ParticipantBehaviour())) as? [String: Any]).keys
        #expect(Set(keys) == ["minimumEdge", "jumpPollInterval", "jumpThreshold", "jumpHoldingPeriod", "bankRunDrawdown",
                              "bankRunUtilization", "calmUtilization", "calmPeriod"])
        var rules = ParticipantBehaviour()
        rules.liquidityHoldingPeriod = .days(3)
        let decoded = try JSONDecoder().decode(ParticipantBehaviour.self, from: JSONEncoder().encode(rules))
        #expect(decoded.holdingPeriod == .days(3) && decoded.absencePeriod == .days(2))
        rules.liquidityAbsencePeriod = SimDuration(milliseconds: 0)
        #expect(rules.validationError() == "liquidityAbsencePeriod must be positive")
    }

    @Test("informed traders value an option at the variance expected over its life, regime switches included")
    func expectedVolatility() {
        let bitcoin = MarketConfiguration.bitcoin
        let calm = 0.25 + 0.0222, stressed = 1.21 + 4 * 0.0222   // diffusion + 150 × (0.002² + 0.012²), doubled jumps
        // Now: the regime's own total variance.
        #expect(abs(Engine.expectedVolatility(bitcoin, stressed: false, years: 0) - calm.squareRoot()) < 1e-12)
        #expect(abs(Engine.expectedVolatility(bitcoin, stressed: true, years: 0) - stressed.squareRoot()) < 1e-12)
        // Far out: the long-run mix, 1/7 of the time stressed (8 h for every 2 days calm), from either regime.
        let longRun = (6.0 / 7 * calm + 1.0 / 7 * stressed).squareRoot()
        #expect(abs(Engine.expectedVolatility(bitcoin, stressed: false, years: 50) - longRun) < 1e-3)
        #expect(abs(Engine.expectedVolatility(bitcoin, stressed: true, years: 50) - longRun) < 1e-3)
        // One day from calm, against the chain stepped minute by minute here: P(stressed) moves by
        // (1 − p)/48 h − p/8 h per hour; the mean of p over the day weights the two variances.
        var p = 0.0, sum = 0.0
        for _ in 0..<1_440 {
            let dt = 1.0 / 60
            p += ((1 - p) / 48 - p / 8) * dt
            sum += p
        }
        let oneDay = (calm + sum / 1_440 * (stressed - calm)).squareRoot()
        #expect(abs(Engine.expectedVolatility(bitcoin, stressed: false, years: 1.0 / 365) - oneDay) < 1e-3)
        // The engine uses it under rules 4 only.
        let engine = Engine(configuration: .standard, seed: 1)
        let board = engine.liveBoards(market: MarketID(0)).last
        if let board {
            #expect(abs(engine.informedVolatility(market: MarketID(0), expiry: board.expiry)
                        - Engine.expectedVolatility(bitcoin, stressed: false, years: engine.time.years(until: board.expiry))) < 1e-12)
            var legacy = EngineConfiguration.standard
            legacy.rulesVersion = 3
            let old = Engine(configuration: legacy, seed: 1)
            #expect(old.informedVolatility(market: MarketID(0), expiry: board.expiry) == old.informedVolatility(market: MarketID(0)))
        }
        #expect(board != nil)
    }

    @Test("new sessions quote the process-fair IV premium; stored and directly built configurations keep 1.08")
    func calibratedPremium() {
        // BTC: √((6/7 (0.25 + 0.0222) + 1/7 (1.21 + 0.0888)) / (6/7 · 0.25 + 1/7 · 1.21)) = √(0.41880 / 0.38714) = 1.0401.
        let btc = ((6.0 / 7 * 0.2722 + 1.0 / 7 * 1.2988) / (6.0 / 7 * 0.25 + 1.0 / 7 * 1.21)).squareRoot()
        #expect(abs(MarketConfiguration.bitcoin.processFairImpliedVolatilityPremium - btc) < 1e-9)
        // ETH: calm 0.65, stressed 1.40, the same jumps.
        let eth = ((6.0 / 7 * (0.4225 + 0.0222) + 1.0 / 7 * (1.96 + 0.0888)) / (6.0 / 7 * 0.4225 + 1.0 / 7 * 1.96)).squareRoot()
        #expect(abs(MarketConfiguration.ether.processFairImpliedVolatilityPremium - eth) < 1e-9)
        #expect(EngineConfiguration.standard.markets.map(\.impliedVolatilityPremium) == [1.04, 1.024])
        #expect(EngineConfiguration().markets.map(\.impliedVolatilityPremium) == [1.08, 1.08])
    }
}
