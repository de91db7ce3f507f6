import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `pooldesk` command and its subcommands.
public struct PoolDeskCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pooldesk",
        abstract: "A terminal trading desk for a peer-to-pool options market.",
        subcommands: [
            DashboardCommand.self,
            SimCommand.self,
            GreeksCommand.self,
            ImpliedVolCommand.self,
            BenchCommand.self,
            BenchCompareCommand.self,
            ThemesCommand.self,
            VerifyCommand.self, ExportCommand.self, ReplayCommand.self, JournalDrillCommand.self,
            ServeCommand.self, AccountsCommand.self, ConnectCommand.self, ConnectBenchmarkCommand.self,
            ConfigCommand.self,
        ],
        defaultSubcommand: DashboardCommand.self
    )

    public init() {}
}

/// Entry point shared by the executable and the tests: parses, runs, maps every failure to one line and an exit code.
public enum PoolDeskMain {
    /// Exit code for bad input of any kind (flags, files, keystroke scripts).
    public static let badInputExitCode: Int32 = 2

    public static func run(arguments: [String]) -> Never {
        do {
            var command = try PoolDeskCommand.parseAsRoot(arguments)
            try command.run()
            exit(0)
        } catch let error as PoolDeskError {
            writeStandardError("pooldesk: \(error.message)\n")
            exit(error.exitCode)
        } catch {
            let code = PoolDeskCommand.exitCode(for: error)
            if code == .success {
                // --help, --version: the full text belongs on stdout.
                print(PoolDeskCommand.fullMessage(for: error))
                exit(0)
            }
            let message = PoolDeskCommand.message(for: error)
                .split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "invalid input"
            writeStandardError("pooldesk: \(message)\n")
            exit(badInputExitCode)
        }
    }
}

/// A failure the user caused or must act on: printed as one line, never as a stack trace.
public struct PoolDeskError: Error, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32

    public init(_ message: String, exitCode: Int32 = PoolDeskMain.badInputExitCode) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }
}

/// Writes to stderr without buffering, so messages survive an immediate exit.
public func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buffer in
        guard let base = buffer.baseAddress else { return }
        _ = write(2, base, buffer.count)
    }
}
