import PoolDeskUI
import PoolEngine
import Testing

/// `:shock` and `:volshock` on the command line: parsed, applied by the operator, refused where the desk is not it.
@Suite("Shock commands")
struct ShockCommandTests {
    @Test("`shock BTC -20%` and `volshock eth +40` parse to the market and the fraction")
    func parsing() {
        let engine = Engine(seed: 1)
        func parse(_ text: String) -> Result<DeskCommand, CommandLineError> {
            CommandLineParser.parse(text, engine: engine, selected: nil, deskAccount: AccountID(1))
        }
        #expect(parse("shock BTC -20%") == .success(.shock(market: 0, spotMove: -0.2)))
        #expect(parse("shock btc 15") == .success(.shock(market: 0, spotMove: 0.15)))
        #expect(parse("volshock eth +40") == .success(.volatilityShock(market: 1, volatilityShift: 0.4)))
        #expect(parse("volshock BTC -10") == .success(.volatilityShock(market: 0, volatilityShift: -0.1)))
        for (text, problem) in [("shock BTC", "needs a market and an amount"), ("shock DOGE -5%", "unknown market"),
                                ("shock BTC -100%", "out of range"), ("shock BTC lots", "not a percentage"),
                                ("volshock BTC +900", "out of range")] {
            guard case .failure(let error) = parse(text) else {
                Issue.record("accepted: \(text)")
                continue
            }
            #expect(error.message.contains(problem), "\(text): \(error.message)")
            #expect(error.message.contains("usage:"))
        }
    }

    @Test("the operator's shock is an engine command; the log shows it")
    func applied() {
        var fixture = DashboardFixture()
        let before = fixture.engine.markets[0].spot
        fixture.press(.character(":"))
        fixture.type("shock BTC -25%")
        let effects = fixture.press(.enter)
        #expect(effects == [.engine(.shock(market: MarketID(0), spotMove: -0.25, volatilityShift: 0))])
        #expect(fixture.engine.markets[0].spot == before * 0.75)
        #expect(fixture.state.log.contains { $0.text.hasPrefix("SHOCK BTC: spot -25.0%") }, "\(fixture.state.log.suffix(3).map(\.text))")
    }

    @Test("read-only and connected dashboards refuse shocks with the reason and change nothing")
    func refused() {
        var watching = DashboardFixture(readOnly: true)
        watching.press(.character(":"))
        watching.type("volshock BTC +40")
        #expect(watching.press(.enter).isEmpty)
        #expect(watching.state.status?.text.contains("read-only") == true)

        var connected = DashboardFixture()
        let status = ConnectionStatus(server: "127.0.0.1:8750", account: "alice", phase: .connected, roundTripMilliseconds: 0.8, serverSpeed: 120)
        _ = DashboardReducer.reduce(&connected.state, action: .connectionChanged(status), engine: connected.engine)
        connected.press(.character(":"))
        connected.type("shock BTC -20%")
        #expect(connected.press(.enter).isEmpty)
        #expect(connected.state.status?.text.contains("operator's") == true, "\(connected.state.status?.text ?? "")")
    }
}
