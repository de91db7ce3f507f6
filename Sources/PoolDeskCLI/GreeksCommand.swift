import ArgumentParser
import PoolEngine

/// `pooldesk greeks [FILE]`: Black-Scholes price and Greeks for each CSV row.
public struct GreeksCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "greeks",
        abstract: "Price options and their Greeks from CSV (type,spot,strike,t,vol,rate).",
        discussion: """
            Reads CSV with the header type,spot,strike,t,vol,rate (type call or put, t in ACT/365 \
            years, vol and rate per 1.00) and writes the same columns plus \
            price,delta,gamma,vega,theta,rho at full double precision. Greeks are in trader units \
            (vega and rho per 1%, theta per calendar day) unless --raw is given. A bad row is \
            reported on stderr with its line and field and makes the exit status 2; every valid \
            row is still written.
            """
    )

    @Argument(help: "CSV file to read; standard input when omitted or '-'.")
    public var file: String?

    @Flag(name: .long, help: "Raw units: vega and rho per 1.00, theta per year.")
    public var raw = false

    public init() {}

    public func run() throws {
        let text = try OptionCSVInput.readAll(file)
        let parsed = OptionCSV.parseGreeks(text)
        if let issue = parsed.headerIssue { throw PoolDeskError(issue.description) }
        var output = OptionCSVOutput()
        output.appendLine(OptionCSV.greeksHeader)
        for case .success(let row) in parsed.lines {
            let input = row.values
            let valuation = BlackScholes.valuation(
                kind: input.kind, spot: input.spot, strike: input.strike,
                time: input.time, volatility: input.volatility, rate: input.rate
            )
            output.appendLine(OptionCSV.formatGreeks(row, raw ? valuation : valuation.traderUnits))
        }
        output.flush()
        try OptionCSVInput.failIfAny(parsed.issues)
    }
}
