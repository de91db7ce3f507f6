import PoolEngine

/// One line of the desk's own blotter ("My activity", `a`): a fill, a liquidation, a settlement or an LP flow.
///
/// Kept apart from the event log, whose 500 lines the crowd's trades soon push the desk's own out of; amounts are
/// the engine's exact fixed-point values, formatted only when drawn.
public struct ActivityEntry: Hashable, Sendable {
    /// What happened, as the blotter's Type column writes it.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case buy = "BUY"
        case sell = "SELL"
        /// A short forced closed below its minimum collateral (the buy-back, then its penalty).
        case liquidation = "LIQ"
        /// A position paid out at expiry.
        case settlement = "SETTLE"
        case deposit = "DEPOSIT"
        /// A withdrawal waiting for locked liquidity to free up.
        case withdrawalQueued = "QUEUED"
        case withdrawal = "WITHDRAW"
    }

    public var time: SimTime
    public var kind: Kind
    /// The series name, or `pool` for LP flows.
    public var instrument: String
    /// Contracts (+ bought, − sold) as typed amounts are written, or LP shares (+ received, − given up) to the cent.
    public var quantity: String
    /// Per contract for fills, the settlement spot for settlements, the share price for LP flows.
    public var price: Double?
    /// Cash to the desk's balance: + received, − paid (fees included).
    public var cash: Money?
    public var fee: Money?
    /// P&L realized by this line (a close, a settlement, a liquidation).
    public var realizedPnL: Money?
    /// Anything else worth a word: collateral posted or released, a penalty, a shortfall.
    public var note: String

    public init(time: SimTime, kind: Kind, instrument: String, quantity: String, price: Double? = nil, cash: Money? = nil,
                fee: Money? = nil, realizedPnL: Money? = nil, note: String = "") {
        self.time = time
        self.kind = kind
        self.instrument = instrument
        self.quantity = quantity
        self.price = price
        self.cash = cash
        self.fee = fee
        self.realizedPnL = realizedPnL
        self.note = note
    }

    /// Whether the `/` filter `text` (any case) matches this line's type, instrument or note.
    public func matches(_ text: String) -> Bool {
        guard !text.isEmpty else { return true }
        return "\(kind.rawValue) \(instrument) \(note)".range(of: text, options: .caseInsensitive) != nil
    }

    /// The desk's own lines among `events`, oldest first.
    ///
    /// A liquidation arrives as a forced fill followed by a `liquidated` event; the two become one line (the fill's
    /// price, cash and P&L with the penalty as its note).
    public static func entries(for events: [EngineEvent], engine: Engine, desk: AccountID) -> [ActivityEntry] {
        func seriesName(_ id: SeriesID) -> String { engine.isKnownSeries(id) ? engine.series[id.index].name : "—" }
        func signed(_ text: String, negative: Bool) -> String { (negative ? "-" : "+") + text }
        // LP shares read like money (two decimals, grouped); contracts as typed.
        func shareText(_ amount: Shares, negative: Bool) -> String { signed(NumberFormat.money(micros: amount.micros), negative: negative) }
        // Paid amounts show negative; the engine's amounts are far inside Int64, and the one value without a negation
        // is clamped rather than trapped on.
        func negated(_ amount: Money) -> Money { Money(micros: amount.micros == .min ? .max : -amount.micros) }
        var entries: [ActivityEntry] = []
        for event in events {
            let time = event.time
            switch event.payload {
            case .orderFilled(let fill) where fill.account == desk:
                let received = fill.side == .sell
                let flow = fill.traderCashFlow
                var notes: [String] = []
                if fill.collateralChange.isPositive { notes.append("collateral \(NumberFormat.money(micros: fill.collateralChange.micros)) posted") }
                if fill.collateralChange.isNegative { notes.append("collateral \(NumberFormat.money(micros: -fill.collateralChange.micros)) released") }
                if fill.isLiquidation { notes.insert("forced buy-back", at: 0) }
                entries.append(ActivityEntry(
                    time: time, kind: fill.isLiquidation ? .liquidation : (received ? .sell : .buy), instrument: seriesName(fill.series),
                    quantity: signed(fill.quantity.plainText, negative: received), price: fill.pricePerContract,
                    cash: received ? flow : negated(flow), fee: fill.fee,
                    realizedPnL: fill.closedQuantity.isPositive ? fill.realizedPnL : nil, note: notes.joined(separator: ", ")))
            case .liquidated(let liquidation) where liquidation.account == desk:
                var note = "penalty \(NumberFormat.money(micros: liquidation.penalty.micros)), returned \(NumberFormat.money(micros: liquidation.returned.micros))"
                if liquidation.shortfall.isPositive { note += ", shortfall \(NumberFormat.money(micros: liquidation.shortfall.micros))" }
                let name = seriesName(liquidation.series)
                if let last = entries.indices.last, entries[last].kind == .liquidation, entries[last].instrument == name,
                   entries[last].note.hasPrefix("forced buy-back") {
                    entries[last].note = note
                } else {
                    entries.append(ActivityEntry(time: time, kind: .liquidation, instrument: name,
                                                 quantity: signed(liquidation.quantity.plainText, negative: false),
                                                 cash: liquidation.returned, note: note))
                }
            case .positionSettled(let settlement) where settlement.account == desk:
                var notes: [String] = []
                if settlement.collateralReleased.isPositive { notes.append("collateral \(NumberFormat.money(micros: settlement.collateralReleased.micros)) released") }
                if settlement.shortfall.isPositive { notes.append("shortfall \(NumberFormat.money(micros: settlement.shortfall.micros))") }
                let contracts = Quantity(micros: abs(settlement.quantity.micros))
                entries.append(ActivityEntry(
                    time: time, kind: .settlement, instrument: seriesName(settlement.series),
                    quantity: signed(contracts.plainText, negative: settlement.quantity.isNegative), price: settlement.spot,
                    cash: settlement.payoff, realizedPnL: settlement.realizedPnL, note: notes.joined(separator: ", ")))
            case .deposited(let account, let amount, let shares, let price) where account == desk:
                entries.append(ActivityEntry(time: time, kind: .deposit, instrument: "pool", quantity: shareText(shares, negative: false),
                                             price: price, cash: negated(amount), note: "LP shares bought"))
            case .withdrawalQueued(let account, let shares) where account == desk:
                entries.append(ActivityEntry(time: time, kind: .withdrawalQueued, instrument: "pool", quantity: shareText(shares, negative: true),
                                             note: "LP withdrawal queued until liquidity frees up"))
            case .withdrawn(let account, let shares, let amount, let fee, let price) where account == desk:
                entries.append(ActivityEntry(time: time, kind: .withdrawal, instrument: "pool", quantity: shareText(shares, negative: true),
                                             price: price, cash: amount, fee: fee, note: "LP shares redeemed"))
            default:
                continue
            }
        }
        return entries
    }
}
