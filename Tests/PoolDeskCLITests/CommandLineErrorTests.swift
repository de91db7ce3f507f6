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

    /// A fresh temporary HOME with its XDG directories, so no test reads or writes the real ones.
    static func temporaryHome() throws -> URL {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return home
    }

    func run(_ arguments: [String], input: String? = nil, home: URL? = nil, environment extra: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = try TmuxSession.builtExecutable()
        process.arguments = arguments
        let ownHome = home == nil
        let home = try home ?? Self.temporaryHome()
        defer { if ownHome { try? FileManager.default.removeItem(at: home) } }
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        environment["XDG_DATA_HOME"] = home.appendingPathComponent("data").path
        environment["XDG_CONFIG_HOME"] = home.appendingPathComponent("config").path
        environment["XDG_STATE_HOME"] = home.appendingPathComponent("state").path
        environment.merge(extra) { _, new in new }
        process.environment = environment
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

    @Test("the dashboard without a terminal refuses with one line, naming the program once")
    func notATerminal() throws {
        let home = try Self.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let outcome = try run([], home: home)
        expectOneLineFailure(outcome, mentioning: "terminal")
        #expect(!outcome.standardError.contains("pooldesk: pooldesk"), "\(outcome.standardError)")
        // Refused before anything else: no session created or resumed, no last-session written.
        let data = home.appendingPathComponent("data/pooldesk")
        let written = (FileManager.default.enumerator(atPath: data.path)?.allObjects as? [String]) ?? []
        #expect(!written.contains { $0.hasSuffix(".sqlite") || $0.hasSuffix("last-session") }, "\(written)")
        expectOneLineFailure(try run(["--new"], home: home), mentioning: "terminal")
        let after = (FileManager.default.enumerator(atPath: data.path)?.allObjects as? [String]) ?? []
        #expect(!after.contains { $0.hasSuffix(".sqlite") || $0.hasSuffix("last-session") }, "\(after)")
    }

    @Test("one set of limits: the range a message states is the range enforced, the same in every command")
    func limitsAreOneRule() throws {
        let half = try run(["--speed", "0.5"])
        expectOneLineFailure(half, mentioning: "--speed must be within 1–3600, got 0.5")
        expectOneLineFailure(try run(["replay", "x.sqlite", "--speed", "0.5"]), mentioning: "--speed must be within 1–3600, got 0.5")
        expectOneLineFailure(try run(["--fps", "61"]), mentioning: "--fps must be within 1–60, got 61")
        let dashboard = try run(["--bots", "1001"])
        let sim = try run(["sim", "--bots", "1001", "--duration", "1m"])
        expectOneLineFailure(dashboard, mentioning: "--bots must be within 0–1000, got 1001")
        expectOneLineFailure(sim, mentioning: "--bots must be within 0–1000, got 1001")
        #expect(dashboard.standardError == sim.standardError)
        // The upper bound itself is accepted.
        let largest = try run(["sim", "--bots", "1000", "--duration", "1s", "--json"])
        #expect(largest.status == 0, "\(largest.standardError)")
    }

    @Test("--bots and --demo on a session that would be resumed are refused before the screen opens")
    func dashboardResumeRefusesNewSessionFlags() throws {
        let home = try Self.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let journal = home.appendingPathComponent("desk.sqlite").path
        let created = try run(["sim", "--journal", journal, "--duration", "1m", "--bots", "2"], home: home)
        #expect(created.status == 0, "\(created.standardError)")
        expectOneLineFailure(try run(["--journal", journal, "--bots", "5"], home: home), mentioning: "--bots applies only to new sessions")
        expectOneLineFailure(try run(["--journal", journal, "--demo"], home: home), mentioning: "--demo applies only to new sessions")
        expectOneLineFailure(try run(["--read-only", "--journal", journal, "--bots", "5"], home: home), mentioning: "--bots applies only to new sessions")
        // Without those flags the resume goes on to need a terminal, as before.
        expectOneLineFailure(try run(["--journal", journal], home: home), mentioning: "terminal")
    }

    @Test("sim --journal EXISTING refuses a different --seed or --bots instead of reporting them as used")
    func simResumeRefusesOtherParameters() throws {
        let home = try Self.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let journal = home.appendingPathComponent("run.sqlite").path
        #expect(try run(["sim", "--journal", journal, "--duration", "1h", "--bots", "3"], home: home).status == 0)
        let refused = try run(["sim", "--journal", journal, "--seed", "5", "--bots", "1"], home: home)
        expectOneLineFailure(refused, mentioning: "--seed 5, --bots 1 cannot apply")
        #expect(refused.standardError.contains("seed 1 · 3 bots"))
        #expect(refused.standardOutput.isEmpty)
        let resumed = try run(["sim", "--journal", journal, "--duration", "2h", "--bots", "3"], home: home)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput.contains("resumed session (seed 1 · 3 bots); this run: 2h,"), "\(resumed.standardOutput)")
    }

    @Test("greeks: |rate × t| ≥ 700 is refused like any bad row, not printed as zeros")
    func greeksOutsideDomain() throws {
        let outcome = try run(["greeks"], input: "type,spot,strike,t,vol,rate\ncall,100,100,80,0.2,10\n")
        expectOneLineFailure(outcome, mentioning: "line 2, field \"rate\"")
        let lines = outcome.standardOutput.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.last?.hasPrefix("call,100,100,80,0.2,10,,,,,,,") == true, "\(outcome.standardOutput)")
        let iv = try run(["iv"], input: "type,spot,strike,t,rate,price\ncall,100,100,80,10,50\n")
        expectOneLineFailure(iv, mentioning: "line 2, field \"rate\"")
    }

    @Test("greeks names every bad row on stderr up to 20, then how many more; output keeps every row in place")
    func manyBadRows() throws {
        var input = "type,spot,strike,t,vol,rate\n"
        for index in 0..<25 { input += index == 12 ? "call,100,100,1,0.2,0\n" : "call,100,100,1,-0.2,0\n" }
        let outcome = try run(["greeks"], input: input)
        #expect(outcome.status == 2)
        let errors = outcome.standardError.split(separator: "\n")
        #expect(errors.count == 21, "\(outcome.standardError)")
        #expect(errors.first == "pooldesk: line 2, field \"vol\": -0.2 is negative")
        #expect(!errors.contains("pooldesk: line 14, field \"vol\": -0.2 is negative"), "line 14 is the good row")
        #expect(errors.last == "pooldesk: … and 4 more bad rows")
        let rows = outcome.standardOutput.split(separator: "\n")
        #expect(rows.count == 26)
        #expect(rows[13].hasSuffix(",") && !rows[13].hasSuffix(",,"), "the good row has values and an empty error: \(rows[13])")
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
        #expect(rows.count == 4, "header plus every row, the bad one in place: \(outcome.standardOutput)")
        #expect(rows[2].hasSuffix(#","line 3, field ""vol"": -0.2 is negative""#), "\(rows[2])")
    }
}
