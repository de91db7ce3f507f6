import Logging
import PoolDeskAPI
import PoolDeskUI
import PoolEngine

/// The dashboard's driver for a served pool (`pooldesk connect`): the engine shown is a replica that applies, in
/// order, exactly the steps the server took (``ReplicaProtocol``), so every panel, the chain and the ticket's live
/// preview work as in the embedded desk and show the server's truth. Orders go to the server as Deribit requests
/// with a label and a worst-acceptable price; the fill the user sees is the server's, arriving in the stream.
final class RemoteDeskDriver: DeskDriver {
    private(set) var engine: Engine
    let link: any RemoteLink
    let logger: Logger
    private(set) var failure: String?
    /// The server run and the last step applied.
    private(set) var serverID: String
    private(set) var sequence: Int64
    /// The account orders are sent for (nil: a monitor).
    private(set) var account: (id: AccountID, name: String)?
    /// False when the token may only read (a `viewer`): the dashboard is a monitor of its account.
    private(set) var mayTrade = true
    private(set) var status: ConnectionStatus
    /// Orders sent and not yet answered, by label; those outstanding when the line drops are asked about by label
    /// after the reconnection — never sent again.
    private(set) var inFlight: [String: InFlightOrder] = [:]
    private var notices: [DashboardAction] = []
    /// The replica's recorded prices ending is announced like the embedded desk's.
    private var historyEnd = HistoryEndNotice()
    private var labelCounter = 0
    private let labelPrefix: String
    /// Entries that arrived while a replica was asked for: the server writes notifications and replies from two
    /// tasks, so steps after the replica can overtake it. Applied after it, skipping what it already holds.
    private var early: [(serverID: String, entries: [ReplicaEntry])] = []
    /// A `public/get_replica` is outstanding (sent by the link on each connection, or by a gap here).
    private var awaitingReplica = false
    /// What a resynchronisation has to say, held until the link is connected.
    private var resyncNotice: StatusMessage?
    /// Steps held back at most while waiting (a few minutes of a busy pool); beyond, the catch-up brings them.
    static let earlyLimit = 20_000

    /// One order on its way.
    struct InFlightOrder: Hashable {
        var summary: String
        var currency: String
        /// Sent on a connection that has since dropped: its fate is asked for by label.
        var lost = false
    }

    init(snapshot: ReplicaSnapshot, link: any RemoteLink, status: ConnectionStatus, logger: Logger) {
        self.engine = snapshot.engine
        self.serverID = snapshot.serverID
        self.sequence = snapshot.sequence
        self.link = link
        self.status = status
        self.logger = logger
        var generator = SystemRandomNumberGenerator()
        labelPrefix = "pd-" + String(generator.next() & 0xFFFF_FFFF, radix: 36)
        link.setResumePoint(serverID: serverID, sequence: sequence)
    }

    var canAdvance: Bool { true }

    /// Applies what the server sent since the last frame; the requested simulated time is the server's business.
    func advance(milliseconds: Double, outOfTime: () -> Bool) -> (events: [EngineEvent], consumed: Double) {
        var events: [EngineEvent] = []
        for message in link.drain() { take(message, into: &events) }
        link.setResumePoint(serverID: serverID, sequence: sequence)
        return (events, milliseconds)
    }

    func pendingNotices() -> [DashboardAction] {
        if let ended = historyEnd.take(from: engine) { notices.append(ended) }
        defer { notices.removeAll() }
        return notices
    }

    /// Pause and speed are the server's; the reducer says so. Nothing here is the driver's own key.
    func handle(_ key: KeyPress, state: DashboardState) -> [DashboardAction]? { nil }

    // MARK: - From the server

    func take(_ message: LinkMessage, into events: inout [EngineEvent]) {
        switch message {
        case .snapshot(let snapshot):
            let missed = snapshot.serverID == serverID ? max(0, snapshot.engine.lastEventSequence - engine.lastEventSequence) : 0
            let restarted = snapshot.serverID != serverID
            engine = snapshot.engine
            serverID = snapshot.serverID
            sequence = snapshot.sequence
            status.serverSpeed = snapshot.speed
            // Steps published before this snapshot was taken are in it already; later ones follow on.
            applyEarly(into: &events)
            // Said once the link reports itself connected, after the "connected" line, so it is the one left showing.
            if restarted {
                resyncNotice = StatusMessage("the server restarted: showing its state as resumed from its journal", role: .info)
            } else if missed > 0 {
                resyncNotice = StatusMessage("re-synchronised: \(Plural.count(Int(missed), "event")) while away are in the pool but not in the log", role: .info)
            }
        case .entries(let id, let entries):
            if awaitingReplica {
                if early.reduce(0, { $0 + $1.entries.count }) < Self.earlyLimit { early.append((id, entries)) }
            } else {
                apply(entries, serverID: id, into: &events)
            }
        case .catchUp(let id, let entries):
            if id == serverID {
                apply(entries, serverID: id, into: &events, catchingUp: true)
                if !awaitingReplica { applyEarly(into: &events) }
            } else {
                awaitingReplica = false
                requestReplica()
            }
        case .mayTrade(let allowed):
            mayTrade = allowed
        case .account(let id, let name):
            account = (id, name)
            status.account = name
            notices.append(.connectionChanged(status))
        case .orderReply(let label, let outcome):
            guard let order = inFlight.removeValue(forKey: label) else { return }
            if case .failure(let error) = outcome {
                // The engine's refusal (slippage, collateral…) or a protocol error, in the server's words.
                notices.append(.notice(StatusMessage("\(order.summary) refused by the server: \(error.reasonText)", role: .danger)))
            }
            // A fill shows when its step arrives in the stream: the log and status line say it as for the embedded desk.
        case .labelState(let label, let outcome):
            guard let order = inFlight.removeValue(forKey: label) else { return }
            notices.append(.notice(Self.resolution(of: order, label: label, outcome)))
        case .phase(let phase):
            let wasLive = status.isLive
            status.phase = phase
            if case .disconnected = phase, wasLive {
                for label in inFlight.keys { inFlight[label]?.lost = true }
            }
            if phase == .synchronising {
                // A new connection: the link asks for the replica (a catch-up from here, or a snapshot).
                awaitingReplica = true
                early.removeAll()
            }
            if phase == .connected { resolveLostOrders() }
            notices.append(.connectionChanged(status))
            if phase == .connected, let notice = resyncNotice {
                notices.append(.notice(notice))
                resyncNotice = nil
            }
            if case .disconnected(let reason, let retry) = phase {
                let when = retry.map { " — retrying in \(NumberFormat.fixed($0, decimals: $0 < 1 ? 2 : 0)) s" } ?? ""
                notices.append(.notice(StatusMessage("disconnected from \(status.server): \(reason)\(when); orders are off", role: .danger)))
            }
        case .roundTrip(let milliseconds):
            status.roundTripMilliseconds = milliseconds
            notices.append(.connectionChanged(status))
        case .fatal(let reason):
            notices.append(.notice(StatusMessage(reason, role: .danger)))
        }
    }

    /// Applies consecutive entries; a gap or another server run asks the server again (a catch-up, or a snapshot).
    /// A catch-up answers the outstanding request.
    private func apply(_ entries: [ReplicaEntry], serverID id: String, into events: inout [EngineEvent], catchingUp: Bool = false) {
        if catchingUp { awaitingReplica = false }
        guard id == serverID else {
            // Another server run (a restart): this replica's numbering means nothing there.
            requestReplica()
            return
        }
        for entry in entries where entry.sequence > sequence {
            guard entry.sequence == sequence + 1 else {
                logger.warning("replica gap: have \(sequence), got \(entry.sequence); asking for a catch-up")
                requestReplica()
                return
            }
            entry.apply(to: &engine, into: &events)
            sequence = entry.sequence
        }
    }

    /// The replica is current: the steps that overtook it follow.
    private func applyEarly(into events: inout [EngineEvent]) {
        awaitingReplica = false
        let queued = early
        early.removeAll()
        for batch in queued where !awaitingReplica { apply(batch.entries, serverID: batch.serverID, into: &events) }
    }

    private func requestReplica() {
        guard !awaitingReplica else { return }
        link.setResumePoint(serverID: serverID, sequence: sequence)
        if link.send("public/get_replica", ["server_id": .string(serverID), "since": .number(Double(sequence))]) {
            awaitingReplica = true
            early.removeAll()
        }
    }

    private func resolveLostOrders() {
        for (label, order) in inFlight where order.lost {
            if !link.queryLabel(label, currency: order.currency) {
                notices.append(.notice(StatusMessage("\(order.summary): could not ask the server about it yet", role: .warning)))
            }
        }
    }

    /// What became of an order whose reply was lost, from `private/get_order_state_by_label`.
    static func resolution(of order: InFlightOrder, label: String, _ outcome: Result<JSONValue, APIError>) -> StatusMessage {
        switch outcome {
        case .failure(let error):
            return StatusMessage("\(order.summary) (label \(label)): the server could not say what became of it (\(error.reasonText)) — check positions before trading again", role: .warning)
        case .success(let result):
            guard case .array(let orders) = result, let state = orders.last?["order_state"] else {
                return StatusMessage("\(order.summary) never reached the server: not filled, and not sent again", role: .warning)
            }
            switch state {
            case "filled": return StatusMessage("\(order.summary) was filled before the line dropped (label \(label))", role: .info)
            case "rejected":
                let reason = orders.last?["reject_reason"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "refused"
                return StatusMessage("\(order.summary) was refused by the server: \(reason)", role: .warning)
            default:
                return StatusMessage("\(order.summary): the server reports it \(state.text)", role: .warning)
            }
        }
    }

    // MARK: - To the server

    func submit(_ command: EngineCommand) -> Result<[EngineEvent], DeskRefusal> {
        guard let account else { return .failure(DeskRefusal("monitor: no account to trade with (connect with credentials)")) }
        guard mayTrade else { return .failure(DeskRefusal("this credential may read but not trade (viewer)")) }
        guard status.isLive else { return .failure(DeskRefusal(status.orderRefusal ?? "not connected")) }
        guard let request = Self.request(for: command, account: account.id, engine: engine) else {
            return .failure(DeskRefusal("\(command.summary) is not available on a served pool"))
        }
        labelCounter += 1
        let label = "\(labelPrefix)-\(labelCounter)"
        var params = request.params
        params["label"] = .string(label)
        guard link.sendOrder(request.method, params, label: label) else {
            return .failure(DeskRefusal("not sent: the connection to \(status.server) is down"))
        }
        inFlight[label] = InFlightOrder(summary: request.summary, currency: request.currency)
        logger.info("sent \(request.method) \(label): \(request.summary)")
        notices.append(.notice(StatusMessage("\(request.summary): sent to \(status.server), waiting for the fill…", role: .muted)))
        return .success([])
    }

    /// Deribit's `price` is per contract, in the API's six decimals; the engine's limit is a total. Rounded in the
    /// trader's favour (a buy's ceiling down, a sell's floor up), so the server never accepts a fill the desk's own
    /// limit would have refused; the difference is at most a millionth of a dollar per contract.
    static func perContract(_ total: Money, _ quantity: Quantity, side: Side) -> Money? {
        guard quantity.isPositive, total.micros >= 0 else { return nil }
        let exact = Double(total.micros) / Double(quantity.micros) * 1_000_000
        let micros = side == .buy ? exact.rounded(.down) : exact.rounded(.up)
        guard micros.isFinite, micros < 9e15 else { return nil }
        return Money(micros: Int64(micros))
    }

    /// A desk command as a Deribit-style request: method, parameters, the market's currency and a summary.
    static func request(for command: EngineCommand, account: AccountID, engine: Engine)
        -> (method: String, params: [String: JSONValue], currency: String, summary: String)? {
        func option(_ series: SeriesID) -> OptionSeries? { engine.isKnownSeries(series) ? engine.series[series.index] : nil }
        func currency(_ series: SeriesID) -> String? {
            guard let option = option(series), engine.markets.indices.contains(option.market.index) else { return nil }
            return engine.markets[option.market.index].symbol
        }
        switch command {
        case .placeOrder(let order):
            guard order.account == account, let option = option(order.series), let symbol = currency(order.series) else { return nil }
            var params: [String: JSONValue] = ["instrument_name": .string(option.name), "amount": .string(order.quantity.plainText),
                                               "type": "market"]
            if let limit = order.limitPremium, let price = perContract(limit, order.quantity, side: order.side) {
                params["type"] = "limit"
                params["price"] = .string(price.plainText)
            }
            let verb = order.side == .buy ? "buy" : "sell"
            return ("private/\(verb)", params, symbol, "\(verb) \(order.quantity.plainText) \(option.name)")
        case .closePosition(let owner, let series, let quantity, let limit):
            guard owner == account, let option = option(series), let symbol = currency(series) else { return nil }
            var params: [String: JSONValue] = ["instrument_name": .string(option.name), "type": "market"]
            if let quantity { params["amount"] = .string(quantity.plainText) }
            let closing = quantity ?? engine.position(account: account, series: series).map { Quantity(micros: abs($0.quantity.micros)) }
            // Closing a long sells it: the worst price is a floor, rounded up; closing a short buys: rounded down.
            let held = engine.position(account: account, series: series)
            if let limit, let closing, let price = perContract(limit, closing, side: held?.isLong == false ? .buy : .sell) {
                params["type"] = "limit"
                params["price"] = .string(price.plainText)
            }
            return ("private/close_position", params, symbol, "close \(quantity.map { "\($0.plainText) of " } ?? "")\(option.name)")
        case .deposit(let owner, let amount):
            guard owner == account else { return nil }
            return ("private/deposit_to_pool", ["amount": .string(amount.plainText)], "USD", "deposit \(amount.plainText) USD")
        case .withdraw(let owner, let shares):
            guard owner == account else { return nil }
            return ("private/withdraw_from_pool", ["shares": .string(shares.plainText)], "USD", "withdraw \(shares.plainText) shares")
        case .placeStrategy(let order):
            guard order.account == account, let name = DeribitMethods.comboName(order.legs, engine: engine),
                  let first = order.legs.first, let symbol = currency(first.series), order.size.isPositive else { return nil }
            var params: [String: JSONValue] = ["instrument_name": .string(name), "amount": .string(order.size.plainText),
                                               "type": "market", "strategy": .string(order.name)]
            if let limit = order.limitNetPremium {
                // The combo's price is per unit of size, signed (paid > 0), rounded to the stricter side.
                params["type"] = "limit"
                params["price"] = .string(limit.scaled(by: 1_000_000, over: order.size.micros, rounding: .down).plainText)
            }
            return ("private/buy", params, symbol, "\(order.name) \(order.size.plainText)")
        case .closeStrategy(let owner, let strategy, let limit):
            guard owner == account, let held = engine.strategy(strategy), let first = held.legs.first, let symbol = currency(first.series) else { return nil }
            var params: [String: JSONValue] = ["strategy_id": .string(strategy.description)]
            if let limit { params["price"] = .string(limit.plainText) }
            return ("private/close_strategy", params, symbol, "close \(held.name) \(strategy)")
        case .closeStrategyLeg(let owner, let strategy, let series, let quantity, let limit):
            guard owner == account, let option = option(series), let symbol = currency(series) else { return nil }
            var params: [String: JSONValue] = ["strategy_id": .string(strategy.description), "instrument_name": .string(option.name)]
            if let quantity { params["amount"] = .string(quantity.plainText) }
            let held = engine.position(account: account, series: series, strategy: strategy)
            let closing = quantity ?? held.map { Quantity(micros: abs($0.quantity.micros)) }
            if let limit, let closing, let price = perContract(limit, closing, side: held?.isLong == false ? .buy : .sell) {
                params["price"] = .string(price.plainText)
            }
            return ("private/close_strategy", params, symbol, "close \(quantity.map { "\($0.plainText) of " } ?? "")\(option.name) of \(strategy)")
        // Shocks are the operator's: a connected desk never sends one.
        case .openAccount, .fund, .setHedging, .shock:
            return nil
        }
    }
}

/// What ``RemoteDeskDriver`` needs of the network (``RemotePoolLink``), so the driver is tested without a socket.
protocol RemoteLink: AnyObject, Sendable {
    func drain() -> [LinkMessage]
    func setResumePoint(serverID: String, sequence: Int64)
    @discardableResult func send(_ method: String, _ params: [String: JSONValue]) -> Bool
    func sendOrder(_ method: String, _ params: [String: JSONValue], label: String) -> Bool
    func queryLabel(_ label: String, currency: String) -> Bool
}

extension RemotePoolLink: RemoteLink {}
