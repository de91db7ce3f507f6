import ArgumentParser
import Foundation
import PoolDeskUI

/// `pooldesk themes`: lists built-in and user themes and where they come from.
public struct ThemesCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "themes", abstract: "List the available themes.")

    @Flag(help: "Load every theme and report errors (exit 2 if any is broken).")
    var check = false

    public init() {}

    public func run() throws {
        let catalog = ThemeCatalog.forCurrentProcess()
        var broken: [String] = []
        for entry in catalog.list() {
            var line = entry.name.padding(toLength: 18, withPad: " ", startingAt: 0) + " " + String(describing: entry.source).padding(toLength: 10, withPad: " ", startingAt: 0)
            line += " " + (entry.path ?? "(compiled in)")
            if check {
                do {
                    _ = try catalog.load(entry.path ?? entry.name)
                } catch {
                    broken.append(error.description)
                    line += "  BROKEN"
                }
            }
            print(line)
        }
        if let first = broken.first { throw PoolDeskError(first) }
    }
}
