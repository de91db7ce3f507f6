import PoolDeskAPI
import PoolEngine

/// A pool served in memory the way the server serves one without a journal: commands applied in order, fills and
/// labelled orders kept in an ``OrderHistory``, history reads answered from it.
struct TestPool {
    var engine: Engine
    var history = OrderHistory()

    init(engine: Engine) { self.engine = engine }

    /// Runs `method` as `account` (nil: public) with the given rights; the result or the error.
    mutating func call(_ method: String, _ params: [String: JSONValue] = [:], account: AccountID? = nil, mayTrade: Bool = true,
                       mayMoveFunds: Bool = false) -> Result<JSONValue, APIError> {
        let request = JSONRPCRequest(id: 1, method: method, params: params)
        let context = APIContext(engine: engine, account: account, mayTrade: mayTrade, mayMoveFunds: mayMoveFunds)
        switch DeribitMethods.handle(request, context) {
        case .failure(let error): return .failure(error)
        case .success(.result(let value)): return .success(value)
        case .success(.command(let command, let render)):
            let events = engine.apply(command)
            history.record(events)
            return render(events, engine)
        case .success(.order(let order, let command)):
            return history.applyOrder(order, command, engine: &engine)
        case .success(.history(let read, let render)):
            return render(history.answer(read, engine: engine), engine)
        }
    }

    /// Opens and funds another account (as `pooldesk accounts add` does).
    mutating func openAccount(_ name: String, role: AccountRole = .trader, funding: Money = Money(100_000)) -> AccountID? {
        let events = engine.apply(.openAccount(name: name, role: role, funding: funding))
        return events.lazy.compactMap { event -> AccountID? in
            if case .accountOpened(let id, _, _, _) = event.payload { return id }
            return nil
        }.first
    }

    /// The at-the-money call and put of the first board still trading, by name.
    func atTheMoney(_ kind: OptionKind = .call) -> String? {
        guard let board = engine.liveBoards(market: MarketID(0)).first(where: { engine.time < $0.tradingCutoff(engine.configuration.amm) })
        else { return nil }
        return engine.series[board.series(kind, strikeIndex: board.atTheMoneyIndex(spot: engine.markets[0].spot)).index].name
    }
}
