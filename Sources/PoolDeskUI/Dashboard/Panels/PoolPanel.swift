import PoolEngine

/// Utilization gauge with the cap, NAV, share price, liquidity, fees, hedge, net Greeks, breakers and the withdrawal queue.
enum PoolPanel {
    static func draw(_ grid: inout CellGrid, rect: Rect, engine: Engine, context: RenderContext) {
        let theme = context.theme
        let snapshot = engine.poolSnapshot()
        let inner = Panel(title: "Pool", info: "NAV \(NumberFormat.compact(snapshot.nav))", focused: false)
            .draw(in: &grid, rect: rect, theme: theme, glyphs: context.glyphs)
        guard inner.width > 10, inner.height > 0 else { return }
        var y = inner.y
        let utilizationText = NumberFormat.percent(snapshot.utilization)
        let gaugeWidth = inner.width - 5 - utilizationText.count - 1
        grid.drawText("Util", x: inner.x, y: y, width: 5, style: theme.style(.muted))
        Gauge(value: snapshot.utilization, cap: snapshot.utilizationCap, midThreshold: 0.4, highThreshold: snapshot.utilizationCap)
            .draw(in: &grid, rect: Rect(x: inner.x + 5, y: y, width: max(1, gaugeWidth), height: 1), theme: theme, glyphs: context.glyphs)
        grid.drawText(utilizationText, x: inner.maxX - utilizationText.count, y: y, width: utilizationText.count,
                      style: theme.style(snapshot.utilization >= snapshot.utilizationCap ? .danger : .text))
        y += 1
        func row(_ label: String, _ value: String, _ role: ThemeRole = .text, _ label2: String = "", _ value2: String = "", _ role2: ThemeRole = .text) {
            guard y < inner.maxY else { return }
            let half = (inner.width - 1) / 2
            // Labels are short and values right-aligned, so at least one blank always separates them.
            grid.drawText(label, x: inner.x, y: y, width: half, style: theme.style(.muted))
            let valueWidth = max(0, half - label.count - 1)
            grid.drawText(value, x: inner.x + half - valueWidth, y: y, width: valueWidth, alignment: .right, style: theme.style(role))
            if !label2.isEmpty {
                let x2 = inner.x + half + 1
                let width2 = inner.maxX - x2
                grid.drawText(label2, x: x2, y: y, width: width2, style: theme.style(.muted))
                let valueWidth2 = max(0, width2 - label2.count - 1)
                grid.drawText(value2, x: inner.maxX - valueWidth2, y: y, width: valueWidth2, alignment: .right, style: theme.style(role2))
            }
            y += 1
        }
        row("NAV", NumberFormat.compact(snapshot.nav, decimals: 2), .text, "Share", NumberFormat.fixed(snapshot.sharePrice, decimals: 4),
            snapshot.sharePrice >= 1 ? .up : .down)
        row("Free", NumberFormat.compactMoney(micros: snapshot.freeLiquidity.micros, decimals: 2),
            snapshot.freeLiquidity.doubleValue < 0.05 * snapshot.nav ? .warning : .text,
            "Lock", NumberFormat.compactMoney(micros: snapshot.lockedCollateral.micros, decimals: 2))
        row("Fees", NumberFormat.compactMoney(micros: snapshot.feesEarned.micros, decimals: 1), .success,
            "Rsrv", NumberFormat.compactMoney(micros: snapshot.reserve.micros, decimals: 1))
        let greeks = snapshot.totalGreeksUSD
        row("Δ$", NumberFormat.compact(greeks.delta), greeks.delta >= 0 ? .up : .down, "Γ$", NumberFormat.compact(greeks.gamma))
        row("ν", NumberFormat.compact(greeks.vega), .text, "Θ/d", NumberFormat.compact(greeks.theta), greeks.theta >= 0 ? .up : .down)
        // Hedge sizes per market, in the underlying's units.
        let hedges = snapshot.hedges.enumerated().map { index, hedge in
            (engine.markets[index].symbol, NumberFormat.signed(hedge.size, decimals: 2))
        }
        row("Hedge", snapshot.hedgingEnabled ? "on" : "OFF", snapshot.hedgingEnabled ? .success : .warning,
            hedges.first?.0 ?? "", hedges.first?.1 ?? "", .muted)
        if hedges.count > 1, inner.height >= 10 {
            for hedge in hedges.dropFirst() { row("", "", .text, hedge.0, hedge.1, .muted) }
        }
        if snapshot.halts.isEmpty {
            row("Breaker", "ok", .success, "Queue", queueText(snapshot), snapshot.queuedWithdrawals > 0 ? .warning : .muted)
        } else {
            row("HALTED", snapshot.halts[0].reason.description, .danger)
            row("Queue", queueText(snapshot), snapshot.queuedWithdrawals > 0 ? .warning : .muted)
        }
        if !snapshot.insolvency.isZero {
            row("Insolvent", NumberFormat.money(micros: snapshot.insolvency.micros), .danger)
        }
    }

    static func queueText(_ snapshot: PoolSnapshot) -> String {
        snapshot.queuedWithdrawals == 0 ? "empty" : "\(snapshot.queuedWithdrawals) · \(NumberFormat.compactMoney(micros: snapshot.queuedValue.micros))"
    }
}
