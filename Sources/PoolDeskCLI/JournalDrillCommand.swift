import ArgumentParser
import PoolDeskJournal
import PoolEngine

// TEST SCAFFOLDING: a hidden subcommand that exists for Tests/PoolDeskCLITests/JournalCrashRecoveryTests.swift
// and JournalSingleWriterCLITests.swift; users never need it.

/// `pooldesk journal-drill` (hidden): a busy journaled session that prints `ack COMMAND SEQ TIME` after each
/// command is committed. The crash-recovery test kills it with SIGKILL at random moments and checks that
/// every acknowledged command survives; run it again on the same journal to continue.
struct JournalDrillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal-drill", abstract: "Crash-recovery drill for the journal (used by tests).", shouldDisplay: false)

    @Option(help: "Journal file (created, or resumed when it exists).")
    var journal: String

    @Option(help: "Seed of the market and of the desk script.")
    var seed: UInt64 = 5

    @Option(help: "Simulated participants.")
    var bots: Int = 40

    @Option(help: "Stop after this many commands in the journal.")
    var commands: Int = 1_000

    @Option(help: "Simulated seconds between two desk commands.")
    var step: Int64 = 10

    func run() throws {
        let parameters = SessionParameters(seed: seed, participants: ParticipantConfiguration(count: bots, meanActionInterval: .minutes(1)))
        let opened = try JournalOpening.openOrCreate(path: journal, parameters: parameters, createdBy: "pooldesk journal-drill")
        let journal = opened.journal
        journal.snapshotInterval = .minutes(15)
        journal.minimumSnapshotWallInterval = 0.2
        var engine = opened.engine
        var written = Int(journal.commandsWritten)
        do {
            while written < commands {
                var events: [EngineEvent] = []
                engine.advance(to: engine.time + .seconds(step), into: &events)
                try journal.recordAdvance(events, engine: engine)
                written += 1
                let command = DeskDrillScript.command(number: written, seed: seed, engine: engine, desk: opened.deskAccount)
                let produced = engine.apply(command)
                try journal.recordCommand(command, events: produced, engine: engine)
                writeStandardOutput("ack \(written) \(journal.lastSequence) \(engine.time.milliseconds)\n")
                try journal.flushIfDue(engine: engine)
            }
            try journal.close(engine: engine)
        } catch let error as JournalError {
            throw PoolDeskError(error.message)
        }
    }
}
