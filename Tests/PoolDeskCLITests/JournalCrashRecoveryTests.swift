import Foundation
import PoolDeskCLI
import PoolDeskJournal
import PoolEngine
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the real `pooldesk` binary headless (no tmux): stdout and stderr go to files, never pipes.
struct HeadlessRun {
    let process = Process()
    let stdoutURL: URL
    let stderrURL: URL

    init(_ arguments: [String], in folder: URL, tag: String) throws {
        process.executableURL = try TmuxSession.builtExecutable()
        process.arguments = arguments
        stdoutURL = folder.appendingPathComponent("\(tag).out")
        stderrURL = folder.appendingPathComponent("\(tag).err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_DATA_HOME"] = folder.appendingPathComponent("data").path
        environment["XDG_STATE_HOME"] = folder.appendingPathComponent("state").path
        process.environment = environment
        try process.run()
    }

    /// Runs to completion and returns (exit status, stdout, stderr).
    static func complete(_ arguments: [String], in folder: URL, tag: String) throws -> (Int32, String, String) {
        let run = try HeadlessRun(arguments, in: folder, tag: tag)
        run.process.waitUntilExit()
        return (run.process.terminationStatus, run.stdout, run.stderr)
    }

    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
}

@Suite("Journal: crash recovery of the real binary", .serialized)
struct JournalCrashRecoveryTests {
    static let seed: UInt64 = 5
    static let bots = 40
    static let step: Int64 = 10

    /// The highest `ack N` line the drill printed so far.
    static func lastAcknowledged(_ output: String) -> Int {
        output.split(separator: "\n").filter { $0.hasPrefix("ack ") }.compactMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0) } }.max() ?? 0
    }

    @Test func killNineAtRandomMomentsLosesNothingAcknowledged() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-crash-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("drill.sqlite").path
        let parameters = SessionParameters(seed: Self.seed, participants: ParticipantConfiguration(count: Self.bots, meanActionInterval: .minutes(1)))
        let scenario = parameters.makeScenario()
        var reference = scenario.engine
        var referenceCommands = 0
        var random = SeededRandom(seed: 2024)
        var acknowledged = 0
        var kills = 0
        let encoder = JournalCodec.makeEncoder()

        for round in 0..<10 {
            let run = try HeadlessRun(
                ["journal-drill", "--journal", journal, "--seed", "\(Self.seed)", "--bots", "\(Self.bots)",
                 "--step", "\(Self.step)", "--commands", "1000000"],
                in: folder, tag: "round\(round)")
            if round.isMultiple(of: 2) {
                // At a random moment: from "still creating the file" to "well into a busy run".
                usleep(UInt32(random.integer(in: 20_000...600_000)))
            } else {
                // After a random number of further acknowledgements, however slow a loaded machine runs, so the
                // drill always gets well into the journal (bounded: at most 30 s of waiting).
                let target = acknowledged + random.integer(in: 5...40)
                var waits = 0
                while waits < 3_000, run.process.isRunning, Self.lastAcknowledged(run.stdout) < target {
                    usleep(10_000)
                    waits += 1
                }
            }
            kill(run.process.processIdentifier, SIGKILL)
            run.process.waitUntilExit()
            if run.process.terminationReason == .uncaughtSignal { kills += 1 }
            #expect(run.stderr.isEmpty, "round \(round): \(run.stderr)")
            acknowledged = max(acknowledged, Self.lastAcknowledged(run.stdout))
            guard FileManager.default.fileExists(atPath: journal) else {
                #expect(acknowledged == 0, "round \(round): acknowledged commands but no journal")
                continue
            }
            let recovered = try SessionJournal.resume(at: journal)
            let written = Int(recovered.journal.commandsWritten)
            #expect(written >= acknowledged, "round \(round): \(acknowledged) acknowledged, \(written) recovered")
            // The state after the last complete transaction: `written` commands, each after `step` seconds.
            while referenceCommands < written {
                referenceCommands += 1
                _ = reference.advance(to: scenario.engine.time + .seconds(Self.step * Int64(referenceCommands)))
                _ = reference.apply(DeskDrillScript.command(number: referenceCommands, seed: Self.seed, engine: reference, desk: scenario.deskAccount))
            }
            #expect(recovered.engine.time == reference.time, "round \(round)")
            #expect(try encoder.encode(recovered.engine) == encoder.encode(reference), "round \(round): recovered state differs")
        }
        #expect(kills >= 8)
        #expect(acknowledged > 20, "the drill made progress between kills")

        let (status, output, errors) = try HeadlessRun.complete(["verify", journal], in: folder, tag: "verify")
        #expect(status == 0, "\(errors)")
        #expect(output.hasPrefix("ok: "))
    }

    @Test func verifyAndExportFromTheCommandLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-cli-journal-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("sim.sqlite").path
        let (simStatus, _, simErrors) = try HeadlessRun.complete(
            ["sim", "--seed", "3", "--duration", "3h", "--bots", "30", "--journal", journal], in: folder, tag: "sim")
        #expect(simStatus == 0, "\(simErrors)")
        let (verifyStatus, verifyOutput, _) = try HeadlessRun.complete(["verify", journal], in: folder, tag: "verify")
        #expect(verifyStatus == 0)
        #expect(verifyOutput.hasPrefix("ok: "))

        let (csvStatus, csv, _) = try HeadlessRun.complete(["export", journal, "--format", "csv"], in: folder, tag: "csv")
        #expect(csvStatus == 0)
        #expect(csv.hasPrefix("record,seq,time,account,account_name,series,"))
        #expect(csv.contains("\nfill,"))
        let jsonPath = folder.appendingPathComponent("out.json").path
        let (jsonStatus, _, _) = try HeadlessRun.complete(["export", journal, "--format", "json", "--output", jsonPath], in: folder, tag: "json")
        #expect(jsonStatus == 0)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: jsonPath))) as? [String: Any]
        #expect((object?["fills"] as? [Any])?.isEmpty == false)

        // Bad files: one line on stderr, exit 2, the file left as it was.
        let garbage = folder.appendingPathComponent("garbage.sqlite").path
        try Data(repeating: 0x41, count: 5000).write(to: URL(fileURLWithPath: garbage))
        for arguments in [["verify", garbage], ["export", garbage], ["replay", garbage], ["--journal", garbage], ["sim", "--duration", "1h", "--journal", garbage]] {
            let (status, _, errors) = try HeadlessRun.complete(arguments, in: folder, tag: "bad")
            #expect(status == 2, "\(arguments)")
            #expect(errors.hasPrefix("pooldesk: ") && errors.filter { $0 == "\n" }.count == 1, "\(arguments): \(errors)")
            // The dashboard refuses without a terminal before it opens any session (so it never reads this one).
            let expected = arguments.first == "--journal" ? "needs an interactive terminal" : "not a PoolDesk journal"
            #expect(errors.contains(expected), "\(arguments): \(errors)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: garbage)) == Data(repeating: 0x41, count: 5000))
        let (formatStatus, _, _) = try HeadlessRun.complete(["export", journal, "--format", "xml"], in: folder, tag: "fmt")
        #expect(formatStatus == 2)
    }
}
