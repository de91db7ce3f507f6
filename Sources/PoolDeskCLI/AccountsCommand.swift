import ArgumentParser
import Foundation
import PoolDeskAPI
import PoolDeskJournal
import PoolDeskServer
import PoolEngine

/// `pooldesk accounts`: the operator's API credentials for a served pool.
///
/// On a session no process holds, `add` opens the account in the journal itself. On a session a server holds (its
/// journal lock is taken), it leaves a pending request in the credentials file instead — never a second journal
/// writer — and the server opens the account within a second. `revoke` only edits the file; a running server applies
/// it within a second, ending the credential's tokens and connections. Every read-modify-write of the file holds its
/// lock (`PATH.credentials.json.lock`).
struct AccountsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts",
        abstract: "Manage the API accounts of a served pool (credentials kept beside the journal).",
        subcommands: [Add.self, List.self, Revoke.self]
    )

    init() {}

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open an account in the pool and print its client id and secret (shown once; only a hash is kept).",
            discussion: "Works beside a running `pooldesk serve` on the same journal: the server opens the account within a second.")

        @Argument(help: "The account's name (unique among live credentials).")
        var name: String

        @Option(help: "trader, lp or viewer (default trader).")
        var role: String = "trader"

        @Option(help: "Starting balance in USD (default 100000).")
        var funding: Int = 100_000

        @Option(help: "The session's journal (created with the default seed and bots when it does not exist).")
        var journal: String

        /// How long to wait for a running server to open a requested account before reporting it pending.
        static let serverWait = 5.0

        init() {}

        func validate() throws {
            guard CredentialRole(rawValue: role) != nil else { throw ValidationError("unknown --role '\(role)': use trader, lp or viewer") }
            guard PendingAccount.fundingRange.contains(funding) else {
                throw ValidationError("--funding must be within 0–1000000000, got \(funding)")
            }
            guard !name.isEmpty, name.count <= 64, !name.contains(where: { $0.isNewline }) else {
                throw ValidationError("malformed account name: 1–64 characters on one line")
            }
        }

        func run() throws {
            guard let role = CredentialRole(rawValue: role) else { throw PoolDeskError("unknown --role '\(self.role)'") }
            let storePath = CredentialFile.path(forJournal: journal)
            if FileManager.default.fileExists(atPath: journal) && SessionJournal.isInUse(journal) {
                try request(role: role, storePath: storePath)
            } else {
                try openHere(role: role, storePath: storePath)
            }
        }

        /// No process holds the journal: open the account in it, then issue the credential.
        func openHere(role: CredentialRole, storePath: String) throws {
            // Checked before anything is journaled, so a duplicate name leaves no orphan account in the pool.
            do {
                if try CredentialFile.load(path: storePath).isNameTaken(name) { throw Self.taken(name) }
            } catch let error as CredentialFileError {
                throw PoolDeskError("\(error)")
            }
            // The journal lock keeps this from racing a server that starts meanwhile on the same session.
            let session = try JournalOpening.openOrCreate(
                path: journal, parameters: SessionParameters(seed: SimCommand.defaultSeed, participants: ParticipantConfiguration(count: SimCommand.defaultBots)),
                createdBy: "pooldesk accounts add")
            var engine = session.engine
            let command = EngineCommand.openAccount(name: name, role: .trader, funding: Money(funding))
            let events = engine.apply(command)
            guard let account = events.lazy.compactMap({ event -> AccountID? in
                if case .accountOpened(let id, _, _, _) = event.payload { return id }
                return nil
            }).first else {
                try? session.journal.close(engine: session.engine)
                throw PoolDeskError("the pool refused to open \(name)")
            }
            do {
                try session.journal.recordCommand(command, events: events, engine: engine)
                try session.journal.close(engine: engine)
            } catch {
                throw PoolDeskError("journal: \(error)", exitCode: 1)
            }
            var random = SystemRandomNumberGenerator()
            do {
                let issued = try CredentialFile.withLock(path: storePath) {
                    var store = try CredentialFile.load(path: storePath)
                    let issued = try store.issue(name: name, account: account, role: role, using: &random)
                    try CredentialFile.save(store, path: storePath)
                    return issued
                }
                print("account \(name) (\(role.rawValue), account \(account.index), funded \(funding) USD) in \(journal)")
                printSecret(issued, storePath: storePath)
            } catch {
                throw PoolDeskError("\(error)", exitCode: 1)
            }
        }

        /// A server (or another writer) holds the journal: leave a pending request for it, and wait briefly for a
        /// server to open the account.
        func request(role: CredentialRole, storePath: String) throws {
            var random = SystemRandomNumberGenerator()
            let issued: (clientID: String, secret: String)
            do {
                issued = try CredentialFile.withLock(path: storePath) {
                    var store = try CredentialFile.load(path: storePath)
                    guard !store.isNameTaken(name) else { throw Self.taken(name) }
                    let issued = try store.requestAccount(name: name, role: role, funding: funding, using: &random)
                    try CredentialFile.save(store, path: storePath)
                    return issued
                }
            } catch let error as PoolDeskError {
                throw error
            } catch {
                throw PoolDeskError("\(error)")
            }
            let deadline = Date().addingTimeInterval(Self.serverWait)
            var opened: StoredCredential?
            while opened == nil, Date() < deadline {
                Thread.sleep(forTimeInterval: 0.1)
                opened = (try? CredentialFile.load(path: storePath))?.credentials.first { $0.clientID == issued.clientID }
            }
            if let opened {
                print("account \(name) (\(role.rawValue), account \(opened.account.index), funded \(funding) USD) in \(journal), opened by the running server")
            } else {
                print("account \(name) (\(role.rawValue), funding \(funding) USD) requested: \(journal) is in use by another process; "
                      + "`pooldesk serve` on it opens the account (at its next start if it is not running)")
            }
            printSecret(issued, storePath: storePath)
        }

        func printSecret(_ issued: (clientID: String, secret: String), storePath: String) {
            print("client_id \(issued.clientID)")
            print("client_secret \(issued.secret)")
            print("(the secret is shown once; only a salted hash is kept in \(storePath))")
        }

        static func taken(_ name: String) -> PoolDeskError {
            PoolDeskError("\(name) already has a credential: revoke it first or pick another name")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the credentials of a journal (never secrets).")

        @Option(help: "The session's journal.")
        var journal: String

        init() {}

        func run() throws {
            let store: CredentialStore
            do { store = try CredentialFile.load(path: CredentialFile.path(forJournal: journal)) } catch { throw PoolDeskError("\(error)") }
            print("name\trole\taccount\tclient_id\trevoked")
            for credential in store.credentials {
                print("\(credential.name)\t\(credential.role.rawValue)\t\(credential.account.index)\t\(credential.clientID)\t\(credential.revoked ? "yes" : "no")")
            }
            // Requested while a server held the journal, not yet opened by it.
            for pending in store.pendingAccounts {
                print("\(pending.name)\t\(pending.role.rawValue)\tpending\t\(pending.clientID)\tno")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke every credential of NAME (the account itself stays).")

        @Argument(help: "The account's name.")
        var name: String

        @Option(help: "The session's journal.")
        var journal: String

        init() {}

        func run() throws {
            let path = CredentialFile.path(forJournal: journal)
            let found: Bool
            do {
                found = try CredentialFile.withLock(path: path) {
                    var store = try CredentialFile.load(path: path)
                    guard store.revoke(name: name) else { return false }
                    try CredentialFile.save(store, path: path)
                    return true
                }
            } catch {
                throw PoolDeskError("\(error)")
            }
            guard found else { throw PoolDeskError("no live credential named \(name) in \(path)") }
            let served = FileManager.default.fileExists(atPath: journal) && SessionJournal.isInUse(journal)
            print(served ? "revoked \(name) (a running server ends its tokens and connections within a second)" : "revoked \(name)")
        }
    }
}
