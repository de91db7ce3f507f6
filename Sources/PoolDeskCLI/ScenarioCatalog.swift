import Foundation
import PoolEngine

/// The built-in stress scenarios of `sim --scenario NAME`, and loading a scenario file by path.
///
/// Built-ins are written in the scenario file format (``ScenarioFile``), so they double as its examples; `@name`
/// in a `prices`/`iv` line names data embedded in the binary (``ScenarioData``).
enum ScenarioCatalog {
    struct Entry {
        var name: String
        var text: String
    }

    static let builtIns: [Entry] = [
        Entry(name: "march-2020", text: """
            summary  Real BTC and ETH hourly prices 5–19 March 2020 (Binance spot): BTC -37% on 12 March; IV follows realized vol
            prices   BTC=@march-2020-btc
            prices   ETH=@march-2020-eth
            """),
        Entry(name: "may-2021", text: """
            summary  Real BTC and ETH hourly prices 12–26 May 2021 (Binance spot) with Deribit DVOL as the IV level: ETH -27% on 19 May
            prices   BTC=@may-2021-btc
            prices   ETH=@may-2021-eth
            iv       BTC=@may-2021-btc-dvol
            iv       ETH=@may-2021-eth-dvol
            """),
        Entry(name: "slow-bleed", text: """
            summary  Simulated markets bleeding: -0.3% (BTC) and -0.35% (ETH) every 2 hours for 10 days (about -30%), IV +3 points a day
            duration 10d
            every 2h until 10d shock BTC -0.3%
            every 2h until 10d shock ETH -0.35%
            every 1d until 10d volshock BTC +3
            every 1d until 10d volshock ETH +3
            """),
        Entry(name: "vol-spike", text: """
            summary  Implied vol +60 points (BTC) and +70 (ETH) at 12h without a price move, back down at 2d; 3 days
            duration 3d
            at 12h volshock BTC +60
            at 12h volshock ETH +70
            at 2d  volshock BTC -60
            at 2d  volshock ETH -70
            """),
        Entry(name: "squeeze", text: """
            summary  A short squeeze: BTC +6%, +5%, +4%, +4%, +3% (ETH more) hour by hour from 6h with IV +25 points, IV back at 1d; 2 days
            duration 2d
            at 6h  volshock BTC +25
            at 6h  volshock ETH +30
            at 6h  shock BTC +6%
            at 7h  shock BTC +5%
            at 8h  shock BTC +4%
            at 9h  shock BTC +4%
            at 10h shock BTC +3%
            at 6h  shock ETH +8%
            at 7h  shock ETH +6%
            at 8h  shock ETH +5%
            at 9h  shock ETH +5%
            at 10h shock ETH +4%
            at 1d  volshock BTC -25
            at 1d  volshock ETH -30
            """),
    ]

    /// Embedded data by `@name`.
    static let embedded: [String: String] = [
        "march-2020-btc": ScenarioData.march2020BTC, "march-2020-eth": ScenarioData.march2020ETH,
        "may-2021-btc": ScenarioData.may2021BTC, "may-2021-eth": ScenarioData.may2021ETH,
        "may-2021-btc-dvol": ScenarioData.may2021BTCDVOL, "may-2021-eth-dvol": ScenarioData.may2021ETHDVOL,
    ]

    /// `name  summary` lines for `--scenario list`.
    static func listing() throws -> String {
        var lines = ["Built-in scenarios (sim --scenario NAME; or a scenario file, see README):"]
        for entry in builtIns {
            let scenario = try load(entry.name)
            lines.append("  \(entry.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(scenario.summary)")
        }
        return lines.joined(separator: "\n")
    }

    /// A built-in by name, else a scenario file at `reference` (its `prices`/`iv` paths relative to it).
    static func load(_ reference: String) throws -> StressScenario {
        if let entry = builtIns.first(where: { $0.name == reference.lowercased() }) {
            return try ScenarioFile.parse(entry.text, file: "scenario \(entry.name)", name: entry.name) { name in
                guard name.hasPrefix("@"), let text = embedded[String(name.dropFirst())] else {
                    throw PoolDeskError("scenario \(entry.name): no embedded data \(name)")
                }
                return RecordedSources.File(symbol: "", name: "\(name.dropFirst()).csv", text: text)
            }
        }
        guard FileManager.default.fileExists(atPath: reference) else {
            throw PoolDeskError("--scenario \(reference): no such built-in scenario or file (built-ins: \(builtIns.map(\.name).joined(separator: ", ")); --scenario list describes them)")
        }
        let text: String
        do {
            text = try String(contentsOfFile: reference, encoding: .utf8)
        } catch {
            throw PoolDeskError("\(reference): cannot read (not UTF-8 text or not readable)")
        }
        let folder = URL(fileURLWithPath: reference).deletingLastPathComponent()
        let name = URL(fileURLWithPath: reference).deletingPathExtension().lastPathComponent
        return try ScenarioFile.parse(text, file: reference, name: name) { path in
            if path.hasPrefix("@"), let text = embedded[String(path.dropFirst())] {
                return RecordedSources.File(symbol: "", name: "\(path.dropFirst()).csv", text: text)
            }
            let resolved = path.hasPrefix("/") ? path : folder.appendingPathComponent(path).path
            do {
                return RecordedSources.File(symbol: "", name: resolved, text: try String(contentsOfFile: resolved, encoding: .utf8))
            } catch {
                throw PoolDeskError("\(resolved): cannot read (\(FileManager.default.fileExists(atPath: resolved) ? "not UTF-8 text or not readable" : "no such file"))")
            }
        }
    }
}
