import Logging
import PoolDeskAPI
import ServiceLifecycle
import Synchronization

/// Client ids whose credentials were revoked while serving: a WebSocket connection authenticated as one of them is
/// closed at the next publication (its tokens are already void in the sequencer).
final class RevokedClients: Sendable {
    private let ids = Mutex(Set<String>())

    func insert(_ revoked: Set<String>) {
        ids.withLock { $0.formUnion(revoked) }
    }

    func contains(_ clientID: String) -> Bool {
        ids.withLock { $0.contains(clientID) }
    }
}

/// Applies changes to the credentials file while the server runs, so `pooldesk accounts add` and `revoke` work on a
/// served session without a second journal writer: `accounts add` leaves a pending request (the credential's hash
/// and the account wanted) in the file; this service opens the account through the sequencer (journaled like any
/// command), records the credential, and hands the new store to the sequencer, which also voids the tokens of
/// revoked credentials. The file's stamp is read every `interval` (1 s by default); the file is re-read only when it
/// changed.
struct CredentialWatcher: Service {
    let path: String
    let sequencer: PoolSequencer
    let revoked: RevokedClients
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var seen: FileStamp?
            var first = true
            while !Task.isCancelled {
                let stamp = CredentialFile.stamp(path: path)
                if first || stamp != seen {
                    first = false
                    do {
                        try await reload()
                    } catch {
                        // Kept until the file changes again: an unreadable file is logged once, not every second.
                        logger.error("credentials: \(error)")
                    }
                    // Our own write (pending accounts recorded) changes the stamp: read it after, so it is not re-read.
                    seen = CredentialFile.stamp(path: path)
                }
                do { try await Task.sleep(for: interval) } catch { break }
            }
        }
    }

    /// Opens pending accounts, records their credentials, and gives the sequencer the file's store.
    func reload() async throws {
        let store: CredentialStore = try await CredentialFile.withLockAcrossAwaits(path: path) {
            var store = try CredentialFile.load(path: path)
            guard !store.pendingAccounts.isEmpty else { return store }
            var opened = false
            for pending in store.pendingAccounts {
                switch await sequencer.openAccount(for: pending, store: store) {
                case .success(let account):
                    store.fulfil(clientID: pending.clientID, account: account)
                    opened = true
                    logger.notice("credentials: opened account \(account.index) for \(pending.name) (\(pending.role.rawValue))")
                case .failure(let error):
                    logger.error("credentials: cannot open an account for \(pending.name): \(error.message) \(error.data?.text ?? "")")
                }
            }
            if opened { try CredentialFile.save(store, path: path) }
            return store
        }
        let ended = await sequencer.replaceCredentials(store)
        if !ended.isEmpty {
            revoked.insert(ended)
            logger.notice("credentials: revoked \(ended.count) credential(s); their tokens and connections are closed")
        }
    }
}
