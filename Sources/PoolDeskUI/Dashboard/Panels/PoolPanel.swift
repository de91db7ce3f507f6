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
        // Rows in display order, each with a rank: when the panel is too short, the lowest ranks go first. The
        // withdrawal queue, a halt and insolvency outrank the Greeks and the hedge, so they are seen at 80×24 too.
        struct Row {
            var label: String, value: String, role: ThemeRole = .text
            var label2 = "", value2 = "", role2: ThemeRole = .text
            var rank: Int
        }
        var rows: [Row] = []
        rows.append(Row(label: "NAV", value: NumberFormat.compact(snapshot.nav, decimals: 2), label2: "Share",
                        value2: NumberFormat.fixed(snapshot.sharePrice, decimals: 4), role2: snapshot.sharePrice >= 1 ? .up : .down, rank: 100))
        rows.append(Row(label: "Free", value: NumberFormat.compactMoney(micros: snapshot.freeLiquidity.micros, decimals: 2),
                        role: snapshot.freeLiquidity.doubleValue < 0.05 * snapshot.nav ? .warning : .text,
                        label2: "Lock", value2: NumberFormat.compactMoney(micros: snapshot.lockedCollateral.micros, decimals: 2), rank: 90))
        rows.append(Row(label: "Fees", value: NumberFormat.compactMoney(micros: snapshot.feesEarned.micros, decimals: 1), role: .success,
                        label2: "Rsrv", value2: NumberFormat.compactMoney(micros: snapshot.reserve.micros, decimals: 1), rank: 40))
        let greeks = snapshot.totalGreeksUSD
        rows.append(Row(label: "Δ$", value: NumberFormat.compact(greeks.delta), role: greeks.delta >= 0 ? .up : .down,
                        label2: "Γ$", value2: NumberFormat.compact(greeks.gamma), rank: 50))
        rows.append(Row(label: "ν", value: NumberFormat.compact(greeks.vega), label2: "Θ/d", value2: NumberFormat.compact(greeks.theta),
                        role2: greeks.theta >= 0 ? .up : .down, rank: 30))
        // Hedge sizes per market, in the underlying's units.
        let hedges = snapshot.hedges.enumerated().map { index, hedge in
            (engine.markets[index].symbol, NumberFormat.signed(hedge.size, decimals: 2))
        }
        rows.append(Row(label: "Hedge", value: snapshot.hedgingEnabled ? "on" : "OFF", role: snapshot.hedgingEnabled ? .success : .warning,
                        label2: hedges.first?.0 ?? "", value2: hedges.first?.1 ?? "", role2: .muted, rank: 35))
        for hedge in hedges.dropFirst() { rows.append(Row(label: "", value: "", label2: hedge.0, value2: hedge.1, role2: .muted, rank: 10)) }
        let queued = snapshot.queuedWithdrawals > 0
        if snapshot.halts.isEmpty {
            rows.append(Row(label: "Breaker", value: "ok", role: .success, label2: "Queue", value2: queueText(snapshot),
                            role2: queued ? .warning : .muted, rank: queued ? 95 : 5))
        } else {
            rows.append(Row(label: "HALTED", value: snapshot.halts[0].reason.description, role: .danger, rank: 97))
            rows.append(Row(label: "Queue", value: queueText(snapshot), role: queued ? .warning : .muted, rank: queued ? 95 : 5))
        }
        if !snapshot.insolvency.isZero {
            rows.append(Row(label: "Insolvent", value: NumberFormat.money(micros: snapshot.insolvency.micros), role: .danger, rank: 98))
        }
        let room = max(0, inner.maxY - y)
        while rows.count > room, let weakest = rows.indices.min(by: { rows[$0].rank < rows[$1].rank }) { rows.remove(at: weakest) }

        for entry in rows {
            let half = (inner.width - 1) / 2
            // Labels are short and values right-aligned, so at least one blank always separates them.
            grid.drawText(entry.label, x: inner.x, y: y, width: half, style: theme.style(.muted))
            let valueWidth = max(0, half - entry.label.count - 1)
            if entry.label2.isEmpty && entry.value2.isEmpty {
                // A row of its own (a halt's reason, the queue) may use the whole width.
                let wide = max(0, inner.width - entry.label.count - 1)
                grid.drawText(entry.value, x: inner.maxX - wide, y: y, width: wide, alignment: .right, style: theme.style(entry.role))
            } else {
                grid.drawText(entry.value, x: inner.x + half - valueWidth, y: y, width: valueWidth, alignment: .right, style: theme.style(entry.role))
                let x2 = inner.x + half + 1
                let width2 = inner.maxX - x2
                grid.drawText(entry.label2, x: x2, y: y, width: width2, style: theme.style(.muted))
                let valueWidth2 = max(0, width2 - entry.label2.count - 1)
                grid.drawText(entry.value2, x: inner.maxX - valueWidth2, y: y, width: valueWidth2, alignment: .right, style: theme.style(entry.role2))
            }
            y += 1
        }
    }

    static func queueText(_ snapshot: PoolSnapshot) -> String {
        snapshot.queuedWithdrawals == 0 ? "empty" : "\(snapshot.queuedWithdrawals) · \(NumberFormat.compactMoney(micros: snapshot.queuedValue.micros))"
    }
}
