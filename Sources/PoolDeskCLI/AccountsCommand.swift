import ArgumentParser
import Foundation
import PoolDeskAPI
import PoolDeskJournal
import PoolDeskServer
import PoolEngine

/// `pooldesk accounts`: the operator's API credentials for a served pool.
///
/// A running server reads the credentials file once at start: accounts added or revoked while it runs take effect
/// at its next start (this first version has no reload).
struct AccountsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts",
        abstract: "Manage the API accounts of a served pool (credentials kept beside the journal).",
        subcommands: [Add.self, List.self, Revoke.self]
    )

    init() {}

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open an account in the pool and print its client id and secret (shown once; only a hash is kept).")

        @Argument(help: "The account's name (unique among live credentials).")
        var name: String

        @Option(help: "trader, lp or viewer (default trader).")
        var role: String = "trader"

        @Option(help: "Starting balance in USD (default 100000).")
        var funding: Int = 100_000

        @Option(help: "The session's journal (created with the default seed and bots when it does not exist).")
        var journal: String

        init() {}

        func validate() throws {
            guard CredentialRole(rawValue: role) != nil else { throw ValidationError("unknown --role '\(role)': use trader, lp or viewer") }
            guard (0...1_000_000_000).contains(funding) else { throw ValidationError("--funding must be within 0–1000000000, got \(funding)") }
            guard !name.isEmpty, name.count <= 64, !name.contains(where: { $0.isNewline }) else {
                throw ValidationError("malformed account name: 1–64 characters on one line")
            }
        }

        func run() throws {
            guard let role = CredentialRole(rawValue: role) else { throw PoolDeskError("unknown --role '\(self.role)'") }
            let storePath = CredentialFile.path(forJournal: journal)
            var store: CredentialStore
            do { store = try CredentialFile.load(path: storePath) } catch { throw PoolDeskError("\(error)") }
            // Checked before anything is journaled, so a duplicate name leaves no orphan account in the pool.
            guard !store.credentials.contains(where: { $0.name == name && !$0.revoked }) else {
                throw PoolDeskError("\(name) already has a credential: revoke it first or pick another name")
            }
            // The journal lock also keeps this from racing a running server on the same session.
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
                let issued = try store.issue(name: name, account: account, role: role, using: &random)
                try CredentialFile.save(store, path: storePath)
                print("account \(name) (\(role.rawValue), account \(account.index), funded \(funding) USD) in \(journal)")
                print("client_id \(issued.clientID)")
                print("client_secret \(issued.secret)")
                print("(the secret is shown once; only a salted hash is kept in \(storePath))")
            } catch {
                throw PoolDeskError("\(error)", exitCode: 1)
            }
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
            var store: CredentialStore
            do { store = try CredentialFile.load(path: path) } catch { throw PoolDeskError("\(error)") }
            guard store.revoke(name: name) else { throw PoolDeskError("no live credential named \(name) in \(path)") }
            do { try CredentialFile.save(store, path: path) } catch { throw PoolDeskError("\(error)", exitCode: 1) }
            print("revoked \(name)")
        }
    }
}
