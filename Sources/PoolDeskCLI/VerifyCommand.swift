import ArgumentParser
import PoolDeskJournal

/// `pooldesk verify FILE`: checks a journal's hash chain, replays it and checks the invariants.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a session journal: hash chain, full replay, invariants (exit 2 at the first bad row).",
        discussion: "Never writes to the file. Prints one `ok:` summary line when the journal is sound."
    )

    @Argument(help: "The session journal (.sqlite).")
    var file: String

    func run() throws {
        do {
            print(try JournalVerifier.verify(path: file).line)
        } catch let error as JournalError {
            throw PoolDeskError("verify \(file): \(error.message.hasPrefix(file) ? String(error.message.dropFirst(file.count + 2)) : error.message)")
        }
    }
}
