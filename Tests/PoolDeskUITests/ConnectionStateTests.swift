import PoolDeskUI
import PoolEngine
import Testing

@Suite("A network dashboard's connection: header, order keys, the server's clock")
struct ConnectionStateTests {
    func connected(_ phase: ConnectionStatus.Phase = .connected, account: String? = "alice", readOnly: Bool = false) -> DashboardFixture {
        var fixture = DashboardFixture(readOnly: readOnly)
        let status = ConnectionStatus(server: "127.0.0.1:8750", account: account, phase: .connected, roundTripMilliseconds: 0.8, serverSpeed: 120)
        _ = DashboardReducer.reduce(&fixture.state, action: .connectionChanged(status), engine: fixture.engine)
        if phase != .connected {
            var changed = status
            changed.phase = phase
            _ = DashboardReducer.reduce(&fixture.state, action: .connectionChanged(changed), engine: fixture.engine)
        }
        return fixture
    }

    @Test("the header names the server, the account and the round trip, and shows the server's speed")
    func header() {
        let fixture = connected()
        let top = fixture.render(width: 160, height: 48).text.split(separator: "\n").first.map(String.init) ?? ""
        #expect(top.contains("127.0.0.1:8750 · alice"), "\(top)")
        #expect(top.contains("0.8 ms"), "\(top)")
        #expect(top.contains("×120"), "\(top)")
        #expect(!top.contains("DISCONNECTED"))
    }

    @Test("a lost line: DISCONNECTED badge, the open ticket closes, order keys refuse with the reason")
    func disconnected() {
        var fixture = connected()
        fixture.press(.character("b"))
        #expect(fixture.state.ticket != nil)
        let lost = ConnectionStatus(server: "127.0.0.1:8750", account: "alice", phase: .disconnected(reason: "reset", retryInSeconds: 1), serverSpeed: 120)
        _ = DashboardReducer.reduce(&fixture.state, action: .connectionChanged(lost), engine: fixture.engine)
        #expect(fixture.state.ticket == nil)
        #expect(fixture.render(width: 160, height: 48).text.split(separator: "\n").first?.contains("DISCONNECTED") == true)
        let effects = fixture.press(.character("b"))
        #expect(effects.isEmpty)
        #expect(fixture.state.status?.text.contains("disconnected from 127.0.0.1:8750") == true, "\(fixture.state.status?.text ?? "")")
        fixture.press(.character(":"))
        fixture.type("buy 1")
        #expect(fixture.press(.enter).isEmpty)
        #expect(fixture.state.status?.text.contains("not sent") == true, "\(fixture.state.status?.text ?? "")")
    }

    @Test("pause and speed belong to the server's operator: keys and commands say so and change nothing")
    func serverClock() {
        var fixture = connected()
        fixture.press(.character(" "))
        #expect(!fixture.state.paused)
        #expect(fixture.state.status?.text.contains("the server runs the clock") == true)
        fixture.press(.character("+"))
        #expect(fixture.state.speed == 120)
        fixture.press(.character(":"))
        fixture.type("speed 600")
        fixture.press(.enter)
        #expect(fixture.state.speed == 120)
        #expect(fixture.state.status?.text.contains("operator's") == true, "\(fixture.state.status?.text ?? "")")
    }

    @Test("a monitor says its order keys are off and why")
    func monitor() {
        var fixture = connected(account: nil, readOnly: true)
        #expect(fixture.press(.character("b")).isEmpty)
        #expect(fixture.state.status?.text.contains("monitor: order keys are off") == true)
        #expect(fixture.render(width: 160, height: 48).text.split(separator: "\n").first?.contains("MONITOR") == true)
    }
}
