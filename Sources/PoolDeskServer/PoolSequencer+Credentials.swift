import PoolDeskAPI
import PoolEngine

/// The answer to one request from ``PoolSequencer/handle(_:connection:)``.
public enum SequencedReply: Sendable {
    /// Send this response; close the connection after it when `close`.
    case send(JSONValue, close: Bool)
    /// Check this client secret outside the sequencer (``SecretVerifier``), then call
    /// ``PoolSequencer/completeAuthentication(_:_:connection:)`` for the response.
    case verifySecret(SecretCheck)
}

/// Credentials and accounts as the sequencer sees them. Checking a secret (scrypt, tens of milliseconds) never
/// happens here: the transport checks it against ``credentials`` (a copy) and only asks this actor to mint tokens.
extension PoolSequencer {
    /// The credential store as the sequencer holds it now (a copy: secrets are checked against it elsewhere).
    public var credentials: CredentialStore { authority.credentials }

    /// The response to a `client_credentials` `public/auth` whose secret the transport has checked: tokens when the
    /// credential is still live (it may have been revoked while the secret was hashed), else a refusal.
    public func completeAuthentication(_ check: SecretCheck, _ verification: SecretVerification,
                                       connection: inout APIConnection) -> JSONValue {
        var random = SystemRandomNumberGenerator()
        return connection.completeAuthentication(check, verification, authority: &authority, now: Self.wallTime(), using: &random)
    }

    /// Replaces the credential store (the credentials file changed) and ends every token of a credential that was
    /// live and no longer is. Returns those client ids, so the transport can close their connections.
    public func replaceCredentials(_ store: CredentialStore) -> Set<String> {
        let wasLive = Set(authority.credentials.credentials.filter { !$0.revoked }.map(\.clientID))
        let isLive = Set(store.credentials.filter { !$0.revoked }.map(\.clientID))
        let ended = wasLive.subtracting(isLive)
        for clientID in ended { authority.tokens.revokeAll(clientID: clientID) }
        authority.credentials = store
        return ended
    }

    /// Opens the account `pending` asks for, as a journaled command like any other, and returns it.
    ///
    /// A crash between journaling the account and recording its credential leaves a trader account of that name
    /// that no credential in `store` holds; such an account (never the desk's) is adopted instead of opening a
    /// second one, so asking again is harmless.
    public func openAccount(for pending: PendingAccount, store: CredentialStore) async -> Result<AccountID, APIError> {
        // The file is input like any other: a funding outside what `accounts add` accepts is refused, not trapped on.
        guard PendingAccount.fundingRange.contains(pending.funding) else {
            return .failure(.invalidParams("funding", "within \(PendingAccount.fundingRange.lowerBound)–\(PendingAccount.fundingRange.upperBound) USD"))
        }
        let held = Set(store.credentials.map(\.account))
        if let orphan = engine.accounts.first(where: {
            $0.name == pending.name && $0.role == .trader && $0.id != journal?.deskAccount && !held.contains($0.id)
        }) {
            return .success(orphan.id)
        }
        switch await apply(.openAccount(name: pending.name, role: .trader, funding: Money(pending.funding))) {
        case .failure(let error):
            return .failure(error)
        case .success(let events):
            for event in events {
                if case .accountOpened(let account, _, _, _) = event.payload { return .success(account) }
            }
            return .failure(APIError(-32603, "Internal error", data: ["reason": .string("the pool refused to open \(pending.name)")]))
        }
    }
}
