/// Ready-made starting points: a funded pool, a funded desk account and simulated participants.
public struct Scenario: Sendable {
    public var engine: Engine
    /// The account of the person at the desk.
    public var deskAccount: AccountID
    /// Events of the setup (accounts opened, seed deposit).
    public var events: [EngineEvent]

    /// A market ready to trade: a house LP seeds the pool with `poolSeed`, the desk gets `deskFunding`.
    public init(
        configuration: EngineConfiguration = EngineConfiguration(),
        seed: UInt64,
        participants: ParticipantConfiguration = ParticipantConfiguration(),
        poolSeed: Money = Money(5_000_000),
        deskFunding: Money = Money(250_000)
    ) {
        var engine = Engine(configuration: configuration, seed: seed)
        var events: [EngineEvent] = []
        events += engine.apply(.openAccount(name: "house-lp", role: .liquidityBot, funding: poolSeed))
        events += engine.apply(.deposit(account: AccountID(0), amount: poolSeed))
        events += engine.apply(.openAccount(name: "desk", role: .trader, funding: deskFunding))
        let desk = AccountID(1)
        events += engine.addParticipants(participants)
        self.engine = engine
        self.deskAccount = desk
        self.events = events
    }
}
