@testable import PoolDeskUI
import PoolEngine
import Testing

/// What a fresh user found trying the strategy features in the real binary, each kept as a case of its kind: completion
/// offering what the parser refuses, a refusal cut at the border, a bad size blamed on the spec, chart labels inside
/// the curves' extremes, heat-map columns labelled by their middle, a repeated label, an unexplained σ, keys typed
/// ahead into an unseen field — and the strategy close ticket that replaced the status-line question.
@Suite("Strategies: the trial's defects, and the close ticket")
struct StrategyTrialTests {
    typealias Base = StrategyDashboardTests

    // MARK: - 1. Completion offers only what the parser accepts

    /// Follows completion from `text` (Tab, and each of a sample of the candidates offered) to where it offers nothing
    /// more; returns those end points. Bounded by `depth` and the sample (first, middle, last candidate).
    static func completionEnds(_ text: String, engine: Engine, depth: Int = 0, ends: inout [String]) {
        guard depth < 10, ends.count < 2_000 else { return }
        let result = CommandLineParser.complete(text, engine: engine, themes: [])
        if result.candidates.isEmpty {
            if result.text == text { ends.append(text) } else { completionEnds(result.text, engine: engine, depth: depth + 1, ends: &ends) }
            return
        }
        let candidates = result.candidates
        let sample = Set([0, candidates.count / 2, candidates.count - 1]).sorted().map { candidates[$0] }
        var words = result.text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for candidate in sample {
            words[words.count - 1] = candidate
            completionEnds(words.joined(separator: " "), engine: engine, depth: depth + 1, ends: &ends)
        }
    }

    @Test("every completion path of every template ends in a command the parser accepts", arguments: StrategyTemplate.allCases)
    func completionOnlyOffersWhatParses(template: StrategyTemplate) throws {
        let fixture = DashboardFixture()
        var ends: [String] = []
        Self.completionEnds("buy \(template.rawValue) ", engine: fixture.engine, ends: &ends)
        #expect(!ends.isEmpty)
        for end in ends {
            let parsed = CommandLineParser.parse(end, engine: fixture.engine, selected: nil, deskAccount: fixture.state.deskAccount)
            guard case .success(.strategy(_, let parsedTemplate, let legs, _)) = parsed else {
                Issue.record("completion led to \"\(end)\", which the parser refuses: \(parsed)")
                continue
            }
            #expect(parsedTemplate == template)
            #expect(legs.count >= 2)
        }
    }

    @Test("a spread's second strike is offered only above the first: never 60000/60000 or a high/low pair")
    func spreadStrikesAscend() throws {
        let fixture = DashboardFixture()
        let k = try Base.strikes(fixture, count: 3)
        let second = CommandLineParser.complete("buy spread BTC-1D-\(k[1])/", engine: fixture.engine, themes: [])
        #expect(!second.candidates.isEmpty)
        for candidate in second.candidates {
            let strike = try #require(Double(candidate.split(separator: "/")[1].dropLast()), "\(candidate)")
            #expect(strike > Double(k[1]) ?? 0, "offered \(candidate)")
        }
        #expect(!second.candidates.contains { $0.hasSuffix("/\(k[1])-") || $0.hasSuffix("/\(k[0])-") })
        // The board's highest strike cannot start a spread (no strike above it), nor can a straddle take -C.
        let first = CommandLineParser.complete("buy spread BTC-1D-", engine: fixture.engine, themes: [])
        let board = try #require(fixture.engine.liveBoards.map { fixture.engine.boards[$0.index] }.first {
            fixture.engine.markets[$0.market.index].symbol == "BTC" && $0.tenors.contains(.days(1))
        })
        let highest = try #require(board.strikes.last)
        #expect(!first.candidates.isEmpty && !first.candidates.contains { $0.hasPrefix("BTC-1D-\(NumberFormat.fixed(highest.doubleValue, decimals: 0, grouping: false))/") })
        #expect(CommandLineParser.complete("buy straddle BTC-1D-\(k[1])-", engine: fixture.engine, themes: []).candidates.isEmpty)
        // A condor needs three strikes above its first: the last three strikes are not offered first.
        let condor = CommandLineParser.complete("buy condor BTC-1D-", engine: fixture.engine, themes: [])
        #expect(condor.candidates.count == board.strikes.count - 3, "\(condor.candidates)")
    }

    // MARK: - 3. A malformed word gets a reason naming it

    @Test("a bad size, ratio or extra word is named with why", arguments: [
        ("buy straddle BTC-1D-60000 -1", "size \"-1\" must be above zero"),
        ("buy straddle BTC-1D-60000 0", "size \"0\" must be above zero"),
        ("buy straddle BTC-1D-60000 1,5", "\"1,5\": a comma is ambiguous"),
        ("buy straddle BTC-1D-60000 1e3", "\"1e3\": exponents"),
        ("buy straddle -1", "missing the series before the size \"-1\""),
        ("buy ratio BTC-1D-60000/61000-C 1x20 1", "ratio \"1x20\" must be AxB"),
        ("buy strangle BTC-1D-59000 BTC-1D-61000", "unexpected \"BTC-1D-61000\""),
        ("buy straddle BTC-1D-60000 2 1", "\"2\" looks like a size"),
        ("buy straddle BTC-1D-60000 1 banana", "unexpected \"banana\" after the size \"1\""),
        ("buy straddle BTC-1D-60000 1 @ 1500", "\"@\" sets a single order's price"),
        ("buy fooble BTC-1D-60000 1", "\"fooble\" is neither a quantity nor a strategy"),
        ("buy custom +BTC-1D-60000-C -BTC-1D-61000-C -1", "size \"-1\" must be above zero"),
        ("buy spread BTC-1D-61000/60000-C", "\"BTC-1D-61000/60000-C\": strikes must be written low to high"),
    ])
    func malformedWordsAreNamed(command: String, reason: String) {
        let fixture = DashboardFixture()
        let parsed = CommandLineParser.parse(command, engine: fixture.engine, selected: nil, deskAccount: fixture.state.deskAccount)
        guard case .failure(let error) = parsed else {
            Issue.record("\(command) parsed: \(parsed)")
            return
        }
        #expect(error.message.contains(reason), "\(command): \(error.message)")
        #expect(!error.message.contains("one series spec"))
    }

    @Test("the other commands name their malformed word too", arguments: [
        ("speed fast", "\"fast\" is not a number"),
        ("speed 99999", "\"99999\" is outside"),
        ("slippage lots", "\"lots\" is not a percentage"),
        ("slippage 60%", "\"60%\" is outside 0% to 50%"),
        ("hedge maybe", "\"maybe\": on or off"),
        ("buy 2 BTC-1D-60000-C extra", "unexpected \"extra\""),
        ("buy -1 BTC-1D-60000-C", "\"-1\" must be above zero"),
    ])
    func otherCommandsNameTheWord(command: String, reason: String) {
        let fixture = DashboardFixture()
        let parsed = CommandLineParser.parse(command, engine: fixture.engine, selected: nil, deskAccount: fixture.state.deskAccount)
        guard case .failure(let error) = parsed else {
            Issue.record("\(command) parsed: \(parsed)")
            return
        }
        #expect(error.message.contains(reason), "\(command): \(error.message)")
    }

    // MARK: - 2. A refusal is shown whole at every size

    /// The rows of `grid` from the one holding `marker` down, each cut at the modal's right border, joined and with
    /// runs of spaces collapsed.
    static func textFrom(_ marker: String, in grid: CellGrid) -> String? {
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        guard let row = lines.firstIndex(where: { String($0).contains(marker) }) else { return nil }
        let line = String(lines[row])
        guard let start = line.range(of: marker).map({ line.distance(from: line.startIndex, to: $0.lowerBound) }) else { return nil }
        var pieces: [String] = []
        for cells in lines[row...] {
            guard cells.count > start else { break }
            let rest = cells[start...]
            guard let end = rest.firstIndex(where: { "┃│┗┛╰╯".contains($0) }) else { pieces.append(String(rest)); continue }
            let piece = String(cells[start..<end])
            if piece.allSatisfy({ $0 == "━" || $0 == " " }) { break }
            pieces.append(piece)
            if "┗┛".contains(cells[end]) { break }
        }
        return pieces.joined(separator: " ").split(separator: " ").joined(separator: " ")
    }

    @Test("the ✗ reason of a refused strategy is readable whole at every size", arguments: [(80, 24), (100, 30), (120, 40), (160, 48), (220, 60)])
    func refusalWraps(width: Int, height: Int) throws {
        var fixture = DashboardFixture()
        let k = try Base.strikes(fixture, count: 3)
        _ = Base.run(&fixture, "sell strangle BTC-1D-\(k[0])/\(k[2]) 400")
        let ticket = try #require(fixture.state.strategyTicket, "\(fixture.state.status?.text ?? "")")
        let order = try #require(ticket.order(account: fixture.state.deskAccount))
        let rejection = try #require(fixture.engine.previewStrategy(order).rejection)
        let expected = "✗ would be rejected: \(rejection.message)".split(separator: " ").joined(separator: " ")
        #expect(expected.count > 100, "a reason longer than the ticket is wide at 160 columns: \(expected)")
        let grid = fixture.render(width: width, height: height)
        let shown = try #require(Self.textFrom("✗ would be rejected", in: grid), "\(grid.text)")
        #expect(shown.contains(expected), "\(width)×\(height):\n\(shown)\n\(grid.text)")
    }

    // MARK: - 4. The payoff chart's labels are the curves' true extremes

    @Test("a butterfly's peak between two dot columns is still the top of the chart's range")
    func extremesIncludeKinks() {
        let expiry = SimTime(milliseconds: 7 * 86_400_000)
        func leg(_ strike: Double, _ quantity: Double) -> ModelLeg {
            ModelLeg(payoff: PayoffLeg(kind: .call, strike: strike, quantity: quantity, expiry: expiry), volatility: 0.5)
        }
        let legs = [leg(950, 1), leg(1_000, -2), leg(1_050, 1)]
        let premium = 12.5
        // Dots at 900, 966.7, 1033.3, 1100: none at the 1,000 peak.
        let curve = StrategyAnalytics.curve(legs, netPremium: premium, range: 900...1_100, count: 4, now: SimTime(milliseconds: 0), rate: 0)
        #expect((curve.atExpiry.max() ?? 0) < 50 - premium - 1)
        let range = StrategyAnalytics.extremes(legs, netPremium: premium, curve: curve, now: SimTime(milliseconds: 0), rate: 0)
        // Closed forms: the peak is the wing width less the premium, the floor the premium.
        #expect(abs(range.upperBound - (50 - premium)) < 1e-9)
        #expect(abs(range.lowerBound - (-premium)) < 1e-9)
    }

    @Test("the straddle's chart labels its bottom with the maximum loss, to the cent")
    func chartBottomIsTheMaximumLoss() throws {
        var fixture = DashboardFixture()
        let k = try Base.strikes(fixture, count: 3)
        _ = Base.run(&fixture, "buy straddle BTC-1D-\(k[1]) 1")
        let ticket = try #require(fixture.state.strategyTicket)
        let preview = fixture.engine.previewStrategy(try #require(ticket.order(account: fixture.state.deskAccount)))
        // A long straddle's maximum loss is its debit, fees in (spot at the strike at expiry).
        let debit = preview.netCashFlow.doubleValue
        #expect(debit > 0)
        for (width, height) in [(120, 40), (160, 48), (220, 60)] {
            let text = fixture.render(width: width, height: height).text
            #expect(text.contains(NumberFormat.signed(-debit, decimals: 2)), "\(width)×\(height): no \(NumberFormat.signed(-debit, decimals: 2)) label\n\(text)")
        }
        #expect(PayoffChart.axisLabel(-1_758.11, outward: .down) == "-1,758.11")
        #expect(PayoffChart.axisLabel(-17_581.1, outward: .down) == "-17,582")
        #expect(PayoffChart.axisLabel(17_581.1, outward: .up) == "+17,582")
    }

    // MARK: - 5. Heat-map columns are labelled by the strikes they hold

    @Test("strike columns hold whole strikes and are labelled first to last")
    func strikeColumns() {
        let columns = RiskView.strikeColumns([58_000, 60_500, 59_000, 60_000, 61_000, 60_000], count: 3)
        #expect(columns.map(\.strikes) == [[58_000], [59_000, 60_000], [60_500, 61_000]])
        #expect(RiskView.strikeColumns([60_000, 61_000], count: 15).map(\.strikes) == [[60_000], [61_000]])
        #expect(RiskView.strikeLabel(60_500) == "60,500" && RiskView.strikeLabel(2_962.5) == "2,962.50")
    }

    @Test("every heat-map header label is a strike the pool holds at its column")
    func riskHeaderLabelsAreStrikes() throws {
        var fixture = DashboardFixture(minutes: 90)
        fixture.press(.character("b"), .enter)
        fixture.press(.character("r"), .tab)
        let report = try #require(fixture.state.riskView?.report)
        let strikes = Set(report.exposure.filter { $0.market.index == 0 }.map(\.strike))
        let lines = fixture.render(width: 160, height: 48).text.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.contains("expiry\\strike") })
        let tokens = header.split(separator: " ").map(String.init)
        let start = try #require(tokens.firstIndex { $0.contains("expiry") })
        let labels = tokens[(start + 1)...].map { $0.filter { $0 != "*" && $0 != "┃" && $0 != "│" && $0 != "–" } }.filter { !$0.isEmpty }
        #expect(!labels.isEmpty)
        for label in labels {
            let value = try #require(Double(label.replacingOccurrences(of: ",", with: "")), "label \(label)")
            #expect(strikes.contains(value), "\(label) is not a strike held")
        }
    }

    // MARK: - 6, 7. No label said twice on a line; σ explained

    /// The ticket's rows as (label, value): the 16 cells after the modal's left border, and the rest to the right one.
    static func ticketRows(_ grid: CellGrid, title: String) -> [(label: String, value: String)] {
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        guard let top = lines.firstIndex(where: { String($0).contains(title) }),
              let left = lines[top].firstIndex(of: "┏") else { return [] }
        var rows: [(String, String)] = []
        for cells in lines[(top + 1)...] {
            guard cells.count > left + 18, cells[left] == "┃" else { break }
            let inside = cells[(left + 2)...]
            let end = inside.firstIndex(of: "┃") ?? cells.endIndex
            let row = Array(cells[(left + 2)..<end])
            rows.append((String(row.prefix(16)).trimmingCharacters(in: " "), String(row.dropFirst(16))))
        }
        return rows
    }

    static func repeatedLabels(_ rows: [(label: String, value: String)]) -> [String] {
        var problems: [String] = []
        let greeks = ["Δ$", "Γ$", "ν", "Θ"]
        for row in rows {
            let words = (row.label + " " + row.value).split(separator: " ").map(String.init)
            for greek in greeks where words.filter({ $0 == greek }).count > 1 { problems.append("\(greek) twice: \(row)") }
            let labelWords = row.label.lowercased().split { !$0.isLetter }.map(String.init).filter { $0.count > 2 }
            let valueWords = Set(row.value.lowercased().split { !$0.isLetter }.map(String.init))
            for word in labelWords where valueWords.contains(word) { problems.append("\"\(word)\" in label and value: \(row)") }
        }
        return problems
    }

    @Test("no line of the strategy ticket says its label twice; σ says what vol it is")
    func ticketLinesSayThingsOnce() throws {
        var fixture = DashboardFixture()
        let k = try Base.strikes(fixture, count: 3)
        _ = Base.run(&fixture, "buy straddle BTC-1D-\(k[1]) 1")
        let grid = fixture.render(width: 160, height: 48)
        let rows = Self.ticketRows(grid, title: "Buy straddle")
        #expect(rows.count > 10, "\(grid.text)")
        #expect(Self.repeatedLabels(rows).isEmpty, "\(Self.repeatedLabels(rows))")
        let text = grid.text
        #expect(text.contains("Your Greeks") && text.contains("Δ$ 0 → ") && text.contains("Γ$ 0 → "))
        #expect(text.contains("the legs' traded vol before this order's impact"), "\(text)")
    }

    // MARK: - 8. Keys typed ahead never reach an unseen field

    @Test("digits typed before the strategy ticket is drawn do not reach its size; after a frame they do")
    func typedAheadKeysAreDropped() throws {
        var fixture = DashboardFixture()
        let k = try Base.strikes(fixture, count: 3)
        fixture.drawsBetweenKeys = false
        fixture.press(.character(":"))
        fixture.type("buy straddle BTC-1D-\(k[1]) 1")
        fixture.press(.enter)
        #expect(fixture.state.strategyTicket?.size.text == "1")
        // Typed in the same burst: the ticket is not on screen yet.
        fixture.type("25")
        #expect(fixture.press(.enter).isEmpty, "Enter before the ticket was seen sends nothing")
        #expect(fixture.state.strategyTicket?.size.text == "1")
        #expect(fixture.state.status?.text.contains("not on screen yet") == true, "\(fixture.state.status?.text ?? "")")
        // A frame on a screen too small for the dashboard shows no ticket: still nothing reaches it.
        fixture.presentFrame(width: 40, height: 10)
        fixture.type("3")
        #expect(fixture.state.strategyTicket?.size.text == "1")
        fixture.presentFrame()
        fixture.type("3")
        #expect(fixture.state.strategyTicket?.size.text == "3")
        // Esc always works, seen or not.
        fixture.press(.escape)
        #expect(fixture.state.strategyTicket == nil)
    }

    @Test("the single-order ticket and the close ticket take keys only once drawn, too")
    func everyTicketWaitsForItsFrame() throws {
        var fixture = DashboardFixture()
        fixture.drawsBetweenKeys = false
        fixture.press(.character("b"), .character("5"), .enter)
        #expect(fixture.state.ticket?.quantityText == "0.1")
        #expect(fixture.engine.positions(of: fixture.state.deskAccount).isEmpty)
        fixture.presentFrame()
        fixture.press(.character("5"))
        #expect(fixture.state.ticket?.quantityText == "5")
        fixture.press(.escape)

        // A strategy held; c then Enter in one burst closes nothing.
        fixture.drawsBetweenKeys = true
        let k = try Base.strikes(fixture, count: 3)
        _ = Base.run(&fixture, "buy straddle BTC-1D-\(k[1]) 1")
        fixture.press(.enter)
        let id = try #require(fixture.engine.strategies(of: fixture.state.deskAccount).first?.id)
        fixture.press(.tab)
        fixture.drawsBetweenKeys = false
        #expect(fixture.press(.character("c"), .enter).isEmpty)
        #expect(fixture.state.strategyCloseTicket?.strategy == id)
        #expect(fixture.engine.strategy(id) != nil)
    }

    @Test("an edit and Enter in one burst trade nothing: Enter waits until the changed ticket has been drawn (trial 2)")
    func enterAfterAnUnseenEditWaits() throws {
        var fixture = DashboardFixture()
        let k = try Base.strikes(fixture, count: 3)
        _ = Base.run(&fixture, "buy straddle BTC-1D-\(k[1]) 1")
        #expect(fixture.state.strategyTicket?.size.text == "1")
        // Tab (buy → sell) and Enter in one burst: the SELL was never on screen, so nothing trades.
        fixture.drawsBetweenKeys = false
        #expect(fixture.press(.tab, .enter).isEmpty)
        #expect(fixture.engine.strategies(of: fixture.state.deskAccount).isEmpty)
        #expect(fixture.state.status?.text.hasPrefix("Enter ignored: the ticket changed") == true, "\(fixture.state.status?.text ?? "")")
        // Once a frame has shown the change, Enter confirms what it shows.
        fixture.presentFrame()
        fixture.press(.enter)
        let held = fixture.engine.strategies(of: fixture.state.deskAccount)
        #expect(held.count == 1)
        #expect(held.first?.legs.allSatisfy { $0.quantity.micros < 0 } == true, "the confirmed straddle is the sold one that was shown")

        // The single-order ticket too: a size typed and Enter in one burst wait for a frame.
        fixture.drawsBetweenKeys = true
        fixture.press(.character("b"))
        fixture.drawsBetweenKeys = false
        let before = fixture.engine.positions(of: fixture.state.deskAccount).count
        #expect(fixture.press(.character("3"), .enter).isEmpty)
        #expect(fixture.engine.positions(of: fixture.state.deskAccount).count == before)
        #expect(fixture.state.ticket?.quantityText == "3")
    }

    @Test("an expanded strategy's legs keep their names whole (call and put told apart) from 80×24 to 220×60")
    func expandedLegNamesAreWhole() throws {
        var fixture = DashboardFixture()
        let k = try Base.strikes(fixture, count: 3)
        _ = Base.run(&fixture, "sell straddle BTC-1D-\(k[1]) 0.1")
        fixture.press(.enter)
        #expect(fixture.engine.strategies(of: fixture.state.deskAccount).count == 1, "\(fixture.state.status?.text ?? "")")
        fixture.press(.tab)
        fixture.press(.character("e"))
        // The short straddle's legs are the call and the put of one strike; the trial saw both cut to `…-6000…`.
        let strike = String(k[1])
        for (width, height) in [(80, 24), (120, 40), (160, 48), (220, 60)] {
            let text = fixture.render(width: width, height: height).text
            let lines = text.split(separator: "\n").filter { $0.contains(strike) && $0.contains("-0.10") }
            #expect(lines.count == 2, "\(width)×\(height): leg rows \(lines)")
            let kinds = Set(lines.compactMap { line -> Character? in
                if line.contains("\(strike)C") || line.contains("\(strike)-C") { return "C" }
                if line.contains("\(strike)P") || line.contains("\(strike)-P") { return "P" }
                return nil
            })
            #expect(kinds == ["C", "P"], "\(width)×\(height): \(lines)")
        }
    }

    @Test("at 80×24 a held strategy keeps the positions' P&L column: long strategy names give way to the template's word")
    func narrowPositionsKeepPnL() throws {
        var fixture = DashboardFixture()
        let k = try Base.strikes(fixture, count: 3)
        _ = Base.run(&fixture, "buy spread BTC-1D-\(k[1])/\(k[2])-C 0.1")
        fixture.press(.enter)
        #expect(fixture.engine.strategies(of: fixture.state.deskAccount).count == 1, "\(fixture.state.status?.text ?? "")")
        let text = fixture.render(width: 80, height: 24).text
        let header = text.split(separator: "\n").first { $0.contains("Series") }
        #expect(header?.contains("P&L") == true, "\(text)")
        #expect(text.contains("▶ spread") || text.contains("▶ vertical spread"), "\(text)")
        // Wide screens keep the full name, and the widest add the strikes (two spreads told apart unexpanded).
        #expect(fixture.render(width: 160, height: 48).text.contains("▶ vertical spread"))
        let wide = fixture.render(width: 220, height: 60).text
        #expect(wide.contains("▶ vertical spread \(k[1])/\(k[2])C"), "\(wide)")
    }

    // MARK: - 9. The strategy close ticket

    /// A desk holding the iron condor of `StrategyDashboardTests`, focus on its positions row.
    static func condorDesk() throws -> (fixture: DashboardFixture, id: StrategyID) {
        var fixture = DashboardFixture()
        let k = try Base.strikes(fixture, count: 4)
        _ = Base.run(&fixture, "buy condor BTC-1D-\(k[0])/\(k[1])/\(k[2])/\(k[3]) 0.5")
        fixture.press(.enter)
        let id = try #require(fixture.engine.strategies(of: fixture.state.deskAccount).first?.id, "\(fixture.state.status?.text ?? "")")
        fixture.press(.tab)
        return (fixture, id)
    }

    @Test("c on a strategy row opens its close ticket; Enter sends the previewed net ± slippage; the fill is the preview")
    func closeTicketSendsWhatItShows() throws {
        var (fixture, id) = try Self.condorDesk()
        #expect(fixture.press(.character("c")).isEmpty)
        let ticket = try #require(fixture.state.strategyCloseTicket)
        #expect(ticket.strategy == id && ticket.leg == nil && ticket.name == "iron condor")
        let preview = fixture.engine.previewStrategyClose(account: fixture.state.deskAccount, strategy: id)
        #expect(preview.rejection == nil && preview.legs.count == 4)
        let text = fixture.render(width: 160, height: 48).text
        for label in ["Close iron condor \(id)", "Net premium", "Worst accepted", "Collateral", "released", "Balance after", "Realized P&L", "Enter close   Esc keep it"] {
            #expect(text.contains(label), "close ticket misses \(label)\n\(text)")
        }
        #expect(text.contains(NumberFormat.money(micros: abs(preview.netCashFlow.micros))))
        let balanceBefore = fixture.engine.accounts[fixture.state.deskAccount.index].balance
        let effects = fixture.press(.enter)
        guard case .engine(.closeStrategy(_, let sent, let limit))? = effects.first else {
            Issue.record("expected a strategy close, got \(effects)"); return
        }
        #expect(sent == id)
        let flow = preview.netCashFlow.micros
        #expect(limit == Money(micros: flow + abs(flow) / 100), "the previewed net moved by 1% against the trader")
        #expect(fixture.engine.strategy(id) == nil, "\(fixture.state.status?.text ?? "")")
        // What the ticket showed is what happened: the balance moved by the released collateral less the net paid.
        #expect(fixture.engine.accounts[fixture.state.deskAccount.index].balance == preview.balanceAfter)
        #expect(preview.balanceAfter == balanceBefore + preview.collateralReleased - preview.netCashFlow)
    }

    @Test("c on a leg closes that leg alone through its ticket; Esc keeps everything")
    func legCloseTicket() throws {
        var (fixture, id) = try Self.condorDesk()
        fixture.press(.character("e"), .down)
        guard case .leg(let leg, _)? = fixture.state.selectedPositionRow(in: fixture.engine) else {
            Issue.record("cursor not on a leg"); return
        }
        fixture.press(.character("c"))
        #expect(fixture.state.strategyCloseTicket?.leg == leg.position.series)
        let text = fixture.render(width: 160, height: 48).text
        #expect(text.contains("Close leg \(leg.series.name) · iron condor \(id)") && text.contains("Left open"), "\(text)")
        fixture.press(.escape)
        #expect(fixture.state.strategyCloseTicket == nil && fixture.state.status?.text == "close cancelled: the leg stays open")
        #expect(fixture.engine.strategy(id)?.legs.count == 4)
        fixture.press(.character("c"))
        let preview = fixture.engine.previewStrategyClose(account: fixture.state.deskAccount, strategy: id, leg: leg.position.series)
        let fill = try #require(preview.legs.first?.fill)
        let effects = fixture.press(.enter)
        guard case .engine(.closeStrategyLeg(_, id, leg.position.series, nil, let limit))? = effects.first else {
            Issue.record("expected a leg close, got \(effects)"); return
        }
        #expect(limit == Order.slippageLimit(previewed: fill.traderCashFlow, side: fill.side, tolerance: fixture.state.slippage))
        #expect(fixture.engine.strategy(id)?.legs.count == 3)
    }

    @Test("the close ticket closes itself, sending nothing, when its strategy is gone")
    func vanishedStrategyClosesTheTicket() throws {
        var (fixture, id) = try Self.condorDesk()
        fixture.press(.character("c"))
        #expect(fixture.state.strategyCloseTicket != nil)
        // Closed from elsewhere (the same account on another client): the next engine step closes the ticket.
        let events = fixture.engine.apply(.closeStrategy(account: fixture.state.deskAccount, strategy: id, limitNetPremium: nil))
        _ = DashboardReducer.reduce(&fixture.state, action: .engineEvents(events), engine: fixture.engine)
        #expect(fixture.state.strategyCloseTicket == nil)
        // The desk's own close keeps the status line; the ticket's notice goes to the log.
        let said = (fixture.state.status.map { [$0.text] } ?? []) + fixture.state.log.map(\.text)
        #expect(said.contains { $0.contains("is no longer held — close ticket closed, nothing sent") }, "\(said.suffix(3))")
    }

    @Test("the close ticket shows every leg, the figures and its keys at every size", arguments: [(80, 24), (100, 30), (160, 48), (220, 60)])
    func closeTicketSizes(width: Int, height: Int) throws {
        var (fixture, id) = try Self.condorDesk()
        fixture.press(.character("c"))
        let text = fixture.render(width: width, height: height).text
        let held = try #require(fixture.engine.strategy(id))
        for leg in held.legs { #expect(text.contains(fixture.engine.series[leg.series.index].name), "\(width)×\(height)") }
        for label in ["Close iron condor", "Net premium", "Balance after", "Realized P&L", "Enter close   Esc keep it"] {
            #expect(text.contains(label), "\(width)×\(height) misses \(label)\n\(text)")
        }
    }

    @Test("golden: the iron condor's close ticket, 120×40")
    func closeTicketGolden() throws {
        var (fixture, _) = try Self.condorDesk()
        fixture.press(.character("c"))
        try Golden.check(fixture.render(width: 120, height: 40), named: "strategy-close-ticket-120x40")
    }

    @Test("golden: a leg close the pool refuses shows the leg and the reason whole, 80×24")
    func refusedLegCloseGolden() throws {
        // A credit call spread whose long leg, closed alone, would leave a naked short the desk cannot collateralize.
        var fixture = DashboardFixture()
        let k = try Base.strikes(fixture, count: 3)
        _ = Base.run(&fixture, "sell spread BTC-1D-\(k[1])/\(k[2])-C 6")
        fixture.press(.enter)
        let id = try #require(fixture.engine.strategies(of: fixture.state.deskAccount).first?.id, "\(fixture.state.status?.text ?? "")")
        fixture.press(.tab, .character("e"), .down, .down)
        guard case .leg(let leg, _)? = fixture.state.selectedPositionRow(in: fixture.engine) else {
            Issue.record("cursor not on a leg: \(fixture.state.positionRows(in: fixture.engine))"); return
        }
        fixture.press(.character("c"))
        let preview = fixture.engine.previewStrategyClose(account: fixture.state.deskAccount, strategy: id, leg: leg.position.series)
        let rejection = try #require(preview.rejection, "the leg close should be refused")
        let grid = fixture.render(width: 80, height: 24)
        let shown = try #require(Self.textFrom("✗ would be rejected", in: grid), "\(grid.text)")
        #expect(shown.contains("✗ would be rejected: \(rejection.message)".split(separator: " ").joined(separator: " ")), "\(shown)")
        try Golden.check(grid, named: "strategy-close-refused-80x24")
    }
}
