/// Plain LPs under ``EngineRules`` 4: a deposit held for days, not money moved every few minutes.
///
/// Under rules 1–3 an LP deposited 5–30% of its balance or withdrew 10–50% of its shares at every action (about every
/// 10 simulated minutes), so each LP paid the 0.3% withdrawal fee on most of its money several times an hour and the
/// LPs who stayed collected it: in a 1-day run of 50 participants those fees were 2.4 × the trading fees, and most of
/// the share price's rise. Real LPs of options vaults commit for an epoch (Lyra's and Ribbon's ran weekly) or longer.
extension Engine {
    /// Invested: leaves with everything with chance (action interval ÷ holding period) at each action, so the time it
    /// stays is exponential with mean ``ParticipantBehaviour/liquidityHoldingPeriod`` (a week by default). Out: first
    /// deposits at once; after leaving, comes back with chance (action interval ÷ absence period) at each action.
    /// A deposit is 50–90% of the balance.
    mutating func actHoldingLiquidityProvider(_ index: Int, into events: inout [EngineEvent]) {
        let account = bots[index].account
        let rules = bots[index].behaviour ?? ParticipantBehaviour()
        var memory = bots[index].memory ?? ParticipantMemory()
        defer { bots[index].memory = memory }
        let look = Double(max(1, participantActionInterval.milliseconds))
        let held = accounts[account.index].shares
        if held.isPositive {
            guard random.chance(look / Double(max(1, rules.holdingPeriod.milliseconds))) else { return }
            apply(.withdraw(account: account, shares: held), into: &events)
            memory.ranAt = time
            return
        }
        if memory.ranAt != nil, !random.chance(look / Double(max(1, rules.absencePeriod.milliseconds))) { return }
        let balance = accounts[account.index].balance
        let amount = Money(micros: Int64(Double(balance.micros) * random.double(in: 0.5...0.9)))
        guard amount.isPositive else { return }
        apply(.deposit(account: account, amount: amount), into: &events)
        memory.ranAt = nil
    }
}
