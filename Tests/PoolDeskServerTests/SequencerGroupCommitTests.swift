import Foundation
import Logging
import PoolDeskAPI
import PoolDeskJournal
import PoolDeskServer
import PoolEngine
import Testing

/// `PoolSequencer`'s group commit, without sockets: many commands at once, each answered only once durable, and a
/// failed write refusing its whole group with the engine rolled back.
@Suite("sequencer group commit", .serialized)
struct SequencerGroupCommitTests {
    /// A sequencer on a new journal in a temporary folder (no bots), with the ATM call of the first tradable board.
    struct Pool {
        var folder: URL
        var path: String
        var sequencer: PoolSequencer
        var series: SeriesID
        var size: Quantity
    }

    static func makePool() throws -> Pool {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-sequencer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("session.sqlite").path
        let (journal, scenario) = try SessionJournal.create(at: path, parameters: SessionParameters(seed: 4, participants: ParticipantConfiguration(count: 0)),
                                                            createdBy: "sequencer tests")
        let engine = scenario.engine
        let board = try #require(engine.liveBoards(market: MarketID(0)).first { engine.time < $0.tradingCutoff(engine.configuration.amm) })
        let series = board.series(.call, strikeIndex: board.atTheMoneyIndex(spot: engine.markets[0].spot))
        var logger = Logger(label: "sequencer-tests")
        logger.logLevel = .critical
        let sequencer = PoolSequencer(engine: engine, journal: journal, credentials: CredentialStore(), speed: 60, logger: logger)
        return Pool(folder: folder, path: path, sequencer: sequencer, series: series, size: engine.configuration.markets[0].minimumOrderSize)
    }

    /// The highest event sequence in the journal file now (events are written in sequence order).
    static func lastWrittenSequence(_ path: String) throws -> UInt64 {
        let queue = try JournalReader.openReadOnly(path: path)
        return try JournalReader.recentEvents(queue: queue, path: path, limit: 1).last?.sequence ?? 0
    }

    @Test("forty accounts opened and forty orders placed at once: each answer comes once its events are in the file; the journal verifies")
    func concurrentCommands() async throws {
        let pool = try Self.makePool()
        defer { try? FileManager.default.removeItem(at: pool.folder) }
        let path = pool.path
        let accounts = try await withThrowingTaskGroup(of: AccountID?.self) { group in
            for number in 0..<40 {
                group.addTask {
                    let result = await pool.sequencer.apply(.openAccount(name: "t\(number)", role: .trader, funding: Money(50_000)))
                    let events = try result.get()
                    // Answered only once durable: its last event is already in the file.
                    let last = try #require(events.last)
                    #expect(try Self.lastWrittenSequence(path) >= last.sequence)
                    return events.lazy.compactMap { event -> AccountID? in
                        if case .accountOpened(let id, _, _, _) = event.payload { return id }
                        return nil
                    }.first
                }
            }
            var opened: [AccountID] = []
            for try await account in group { if let account { opened.append(account) } }
            return opened
        }
        #expect(accounts.count == 40)
        let fills = try await withThrowingTaskGroup(of: Int.self) { group in
            for account in accounts {
                group.addTask {
                    let order = Order(account: account, series: pool.series, side: .buy, quantity: pool.size)
                    let events = try await pool.sequencer.apply(.placeOrder(order)).get()
                    let last = try #require(events.last)
                    #expect(try Self.lastWrittenSequence(path) >= last.sequence)
                    return events.filter { if case .orderFilled = $0.payload { true } else { false } }.count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(fills == 40)
        #expect(await pool.sequencer.commandsCommitted == 80)
        #expect(await pool.sequencer.groupsCommitted <= 80)
        // The committed engine holds every acknowledged fill.
        for account in accounts { #expect(await pool.sequencer.engine.positions(of: account).count == 1) }
        try await pool.sequencer.close()
        let summary = try JournalVerifier.verify(path: path)
        #expect(summary.commands == 80)
    }

    @Test("a journal failure mid-group refuses every command of the group and after it; the engine is the last committed one")
    func failedGroup() async throws {
        let pool = try Self.makePool()
        defer { try? FileManager.default.removeItem(at: pool.folder) }
        let opened = try await pool.sequencer.apply(.openAccount(name: "first", role: .trader, funding: Money(50_000))).get()
        let account = try #require(opened.lazy.compactMap { event -> AccountID? in
            if case .accountOpened(let id, _, _, _) = event.payload { return id }
            return nil
        }.first)
        let before = try JournalCodec.makeEncoder().encode(await pool.sequencer.engine)
        // Another writer takes command id 2: the next group's transaction fails on it.
        try Self.sqlite3(pool.path, "INSERT INTO commands (id, sim_time, after_seq, kind, command, recorded_at, hash) VALUES (2, 0, 0, 'x', '{}', '', '')")
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    let order = Order(account: account, series: pool.series, side: .buy, quantity: pool.size)
                    if case .success = await pool.sequencer.apply(.placeOrder(order)) { return true }
                    return false
                }
            }
            var succeeded = 0
            for await outcome in group where outcome { succeeded += 1 }
            return succeeded
        }
        #expect(outcomes == 0, "no command of a failed group (or after it) is acknowledged")
        #expect(await pool.sequencer.failure != nil)
        #expect(try JournalCodec.makeEncoder().encode(await pool.sequencer.engine) == before, "the engine is the last committed state")
        #expect(await pool.sequencer.engine.positions(of: account).isEmpty)
        let refused = await pool.sequencer.apply(.openAccount(name: "late", role: .trader, funding: Money(1)))
        if case .success = refused { Issue.record("a stopped journal must refuse commands") }
        try await pool.sequencer.close()
        // Without the intruder's row, the file is the one committed command, and verifies.
        try Self.sqlite3(pool.path, "DELETE FROM commands WHERE id = 2")
        let summary = try JournalVerifier.verify(path: pool.path)
        #expect(summary.commands == 1)
    }

    static func sqlite3(_ path: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, sql]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "sqlite3 \(sql)")
    }
}
