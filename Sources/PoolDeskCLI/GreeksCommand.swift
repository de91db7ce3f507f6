import ArgumentParser
import PoolEngine

/// `pooldesk greeks [FILE]`: Black-Scholes price and Greeks for each CSV row.
public struct GreeksCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "greeks",
        abstract: "Price options and their Greeks from CSV (type,spot,strike,t,vol,rate).",
        discussion: """
            Reads CSV (RFC 4180: quoted fields, CRLF, a byte-order mark are fine) with the columns \
            type,spot,strike,t,vol,rate in any order and case (type call or put, t in ACT/365 \
            years, vol and rate per 1.00); other columns are carried through. Writes the same \
            columns plus price,delta,gamma,vega,theta,rho at full double precision and error. \
            Greeks are in trader units (vega and rho per 1%, theta per calendar day) unless --raw \
            is given. A bad row (malformed, or outside the pricing domain) keeps its place in the \
            output with the reason in error, is named on stderr, and makes the exit status 2.
            """
    )

    @Argument(help: "CSV file to read; standard input when omitted or '-'.")
    public var file: String?

    @Flag(name: .long, help: "Raw units: vega and rho per 1.00, theta per year.")
    public var raw = false

    public init() {}

    public func run() throws {
        let parsed = OptionCSV.parseGreeks(try OptionCSVInput.readAll(file))
        try OptionCSVInput.transform(parsed, header: OptionCSV.greeksHeader(extraColumns: parsed.extraColumns),
                                     resultColumns: OptionCSV.greeksOutputColumns.count - 1) { row in
            let input = row.values
            let valuation = BlackScholes.valuation(
                kind: input.kind, spot: input.spot, strike: input.strike, time: input.time, volatility: input.volatility, rate: input.rate)
            return OptionCSV.formatGreeks(row, raw ? valuation : valuation.traderUnits)
        }
    }
}
