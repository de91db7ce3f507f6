import ArgumentParser
import Foundation
import PoolDeskJournal
import PoolEngine

/// `pooldesk config`: prints the documented default configuration file, or checks one and prints what it amounts to.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the default configuration file (--default), or check FILE and print the configuration it gives.",
        discussion: "The file is TOML; every key is optional and overrides the default it names. Use it with "
            + "`pooldesk --config FILE`, `pooldesk sim --config FILE` or `pooldesk serve --config FILE`. A bad file is "
            + "reported as FILE:LINE: key: problem (exit code 2)."
    )

    @Flag(name: .customLong("default"), help: "Print every setting with its default, unit and source, as a valid configuration file.")
    var printDefaults = false

    @Argument(help: "A configuration file to check.")
    var file: String?

    init() {}

    func validate() throws {
        if printDefaults == (file != nil) { throw ValidationError("give either --default or a FILE to check") }
    }

    func run() throws {
        if let file {
            print(ConfigWriter.render(try SessionConfigOption.settings(path: file)), terminator: "")
        } else {
            print(ConfigWriter.render(.standard), terminator: "")
        }
    }
}

/// `--config FILE` as the dashboard, `sim` and `serve` use it.
enum SessionConfigOption {
    /// The settings of `path` over the defaults (the defaults without a file); a bad file is one line, exit code 2.
    static func settings(path: String?) throws -> SessionSettings {
        guard let path else { return .standard }
        do {
            return try ConfigFile.load(path: path)
        } catch let error as ConfigFileError {
            throw PoolDeskError(error.description)
        }
    }

    /// Why `requested` cannot apply to a session started with `held` (nil when they agree): the first part that differs.
    static func difference(held: SessionParameters, requested: SessionSettings) -> String? {
        let have = held.configuration, want = requested.configuration
        let parts: [(String, Bool)] = [
            ("markets", have.markets == want.markets), ("amm", have.amm == want.amm), ("pool", have.pool == want.pool),
            ("shorts", have.shorts == want.shorts), ("hedging", have.hedging == want.hedging), ("breakers", have.breakers == want.breakers),
            ("participants", held.participants == requested.participants),
        ]
        if let part = parts.first(where: { !$0.1 }) { return part.0 }
        return have == want ? nil : "engine settings"
    }

    /// Refuses `--config` when the session at `path` (which exists) was started with a different configuration.
    static func refuseIfDifferent(config: String, requested: SessionSettings, existing path: String) throws {
        let held: SessionParameters
        do {
            held = try JournalReader.session(queue: JournalReader.openReadOnly(path: path), path: path).parameters
        } catch let error as JournalError {
            throw PoolDeskError(error.message)
        }
        if let part = difference(held: held, requested: requested) {
            throw PoolDeskError("--config \(config) cannot apply: \(path) resumes its own session, whose \(part) differ from the file's; "
                + "drop --config or give a new --journal path")
        }
    }
}
