import Foundation
import Testing

/// Runs the real binary without a terminal and checks bad input: one line on stderr, exit code 2.
@Suite("Command-line errors")
struct CommandLineErrorTests {
    struct Outcome {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    func run(_ arguments: [String], input: String? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = try TmuxSession.builtExecutable()
        process.arguments = arguments
        let output = Pipe(), error = Pipe(), standardInput = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = standardInput
        try process.run()
        if let input { standardInput.fileHandleForWriting.write(Data(input.utf8)) }
        try standardInput.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, standardOutput: String(decoding: out, as: UTF8.self),
                       standardError: String(decoding: err, as: UTF8.self))
    }

    func expectOneLineFailure(_ outcome: Outcome, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.status == 2, "exit status", sourceLocation: sourceLocation)
        let lines = outcome.standardError.split(separator: "\n")
        #expect(lines.count == 1, "expected one line, got: \(outcome.standardError)", sourceLocation: sourceLocation)
        #expect(outcome.standardError.contains(text), "stderr: \(outcome.standardError)", sourceLocation: sourceLocation)
        #expect(!outcome.standardError.contains("Fatal error") && !outcome.standardError.contains("Stack dump"), sourceLocation: sourceLocation)
    }

    @Test("an unknown flag")
    func unknownFlag() throws {
        expectOneLineFailure(try run(["--bogus"]), mentioning: "--bogus")
    }

    @Test("a malformed duration for sim")
    func badDuration() throws {
        expectOneLineFailure(try run(["sim", "--duration", "7x"]), mentioning: "7x")
    }

    @Test("out-of-range dashboard flags")
    func badDashboardFlags() throws {
        expectOneLineFailure(try run(["--speed", "0"]), mentioning: "--speed")
        expectOneLineFailure(try run(["--fps", "500"]), mentioning: "--fps")
        expectOneLineFailure(try run(["--bots", "-3"]), mentioning: "bots")
    }

    @Test("the dashboard without a terminal refuses with one line")
    func notATerminal() throws {
        expectOneLineFailure(try run([]), mentioning: "terminal")
    }

    @Test("an unknown theme is refused before the screen opens")
    func unknownTheme() throws {
        expectOneLineFailure(try run(["--theme", "no-such-theme"]), mentioning: "no-such-theme")
    }

    @Test("a CSV row with a negative vol names the line and field; valid rows are still written")
    func greeksBadRow() throws {
        let input = "type,spot,strike,t,vol,rate\ncall,100,100,1,0.2,0\nput,100,100,1,-0.2,0\nput,100,90,0.5,0.3,0.01\n"
        let outcome = try run(["greeks"], input: input)
        expectOneLineFailure(outcome, mentioning: "line 3")
        #expect(outcome.standardError.contains("vol"))
        let rows = outcome.standardOutput.split(separator: "\n")
        #expect(rows.count == 3, "header plus the two valid rows: \(outcome.standardOutput)")
    }
}
