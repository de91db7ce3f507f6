import Crypto
import _CryptoExtras
import Foundation
import PoolEngine

/// What a credential may do: Deribit's scopes reduced to the three roles an operator grants.
public enum CredentialRole: String, Codable, Hashable, Sendable, CaseIterable {
    /// Trades options against the pool.
    case trader
    /// Deposits into and withdraws from the pool (and may trade).
    case lp
    /// Reads everything its account may see; never trades or moves money.
    case viewer

    /// Deribit-style scope string returned by `public/auth`.
    public var scope: String {
        switch self {
        case .trader: "account:read trade:read_write"
        case .lp: "account:read_write trade:read_write"
        case .viewer: "account:read trade:read"
        }
    }

    public var mayTrade: Bool { self != .viewer }
}

/// One API credential: the client id, the account it acts for, and only a salted, slow hash of its secret.
public struct StoredCredential: Codable, Hashable, Sendable {
    public var clientID: String
    public var name: String
    public var account: AccountID
    public var role: CredentialRole
    /// Random per credential, so equal secrets hash differently.
    public var salt: [UInt8]
    /// scrypt(secret, salt) with ``CredentialHashing`` parameters.
    public var secretHash: [UInt8]
    public var revoked: Bool
}

/// The slow hash for client secrets: scrypt (RFC 7914) from swift-crypto, N = 2¹⁴, r = 8, p = 1 — about 16 MiB and
/// tens of milliseconds per check, so a stolen credential table cannot be brute-forced cheaply.
public enum CredentialHashing {
    public static let rounds = 1 << 14
    public static let blockSize = 8
    public static let parallelism = 1
    public static let outputBytes = 32

    public static func hash(secret: String, salt: [UInt8]) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(from: Array(secret.utf8), salt: salt, outputByteCount: outputBytes,
                                           rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        return key.withUnsafeBytes { Array($0) }
    }

    /// Compares in time independent of where the bytes differ.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// An account asked for while a server held the session's journal (`pooldesk accounts add` on a served session):
/// the credential is already issued, but the account is opened by the server, the journal's one writer, which then
/// moves the request into ``CredentialStore/credentials``.
public struct PendingAccount: Codable, Hashable, Sendable {
    public var clientID: String
    public var name: String
    public var role: CredentialRole
    /// Starting balance in whole USD, within ``fundingRange``.
    public var funding: Int
    public var salt: [UInt8]
    /// scrypt(secret, salt) with ``CredentialHashing`` parameters.
    public var secretHash: [UInt8]

    /// Starting balances an operator may give, in whole USD.
    public static let fundingRange = 0...1_000_000_000
}

/// Issues credentials and checks secrets. The secret is returned once, at issue, and never stored.
///
/// Stored as `{"credentials": [...], "pendingAccounts": [...]}`; `pendingAccounts` is written only when non-empty and
/// read as empty when absent, so files written before it existed still load.
public struct CredentialStore: Codable, Hashable, Sendable {
    public private(set) var credentials: [StoredCredential] = []
    /// Accounts requested while a server held the journal, not yet opened in the pool.
    public private(set) var pendingAccounts: [PendingAccount] = []

    public init() {}

    enum CodingKeys: String, CodingKey { case credentials, pendingAccounts }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        credentials = try container.decode([StoredCredential].self, forKey: .credentials)
        pendingAccounts = try container.decodeIfPresent([PendingAccount].self, forKey: .pendingAccounts) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(credentials, forKey: .credentials)
        if !pendingAccounts.isEmpty { try container.encode(pendingAccounts, forKey: .pendingAccounts) }
    }

    /// Whether `name` has a live credential or a pending request (names are unique among those).
    public func isNameTaken(_ name: String) -> Bool {
        credentials.contains { $0.name == name && !$0.revoked } || pendingAccounts.contains { $0.name == name }
    }

    /// A new credential for `account`: the client id and the secret to show the operator once.
    public mutating func issue<R: RandomNumberGenerator>(name: String, account: AccountID, role: CredentialRole,
                                                          using random: inout R) throws -> (clientID: String, secret: String) {
        guard !isNameTaken(name) else { throw Self.nameTaken(name) }
        let fresh = try Self.freshSecret(using: &random)
        credentials.append(StoredCredential(clientID: fresh.clientID, name: name, account: account, role: role, salt: fresh.salt,
                                            secretHash: fresh.hash, revoked: false))
        return (fresh.clientID, fresh.secret)
    }

    /// A credential whose account the server will open (see ``PendingAccount``): the client id and the secret to show
    /// the operator once. Throws when `name` is taken.
    public mutating func requestAccount<R: RandomNumberGenerator>(name: String, role: CredentialRole, funding: Int,
                                                                   using random: inout R) throws -> (clientID: String, secret: String) {
        guard !isNameTaken(name) else { throw Self.nameTaken(name) }
        let fresh = try Self.freshSecret(using: &random)
        pendingAccounts.append(PendingAccount(clientID: fresh.clientID, name: name, role: role, funding: funding, salt: fresh.salt,
                                              secretHash: fresh.hash))
        return (fresh.clientID, fresh.secret)
    }

    /// Moves the pending request `clientID` into `credentials`, for the account the pool opened for it; false when
    /// there is no such request (revoked meanwhile).
    @discardableResult
    public mutating func fulfil(clientID: String, account: AccountID) -> Bool {
        guard let index = pendingAccounts.firstIndex(where: { $0.clientID == clientID }) else { return false }
        let request = pendingAccounts.remove(at: index)
        credentials.append(StoredCredential(clientID: request.clientID, name: request.name, account: account, role: request.role,
                                            salt: request.salt, secretHash: request.secretHash, revoked: false))
        return true
    }

    /// The credential a client id and secret prove, or nil (unknown id, wrong secret, revoked): one answer for all
    /// three, so a caller cannot learn which ids exist. Slow on purpose (scrypt): never call it inside the sequencer.
    public func authenticate(clientID: String, secret: String) -> StoredCredential? {
        guard let credential = credentials.first(where: { $0.clientID == clientID }),
              let hash = try? CredentialHashing.hash(secret: secret, salt: credential.salt),
              CredentialHashing.constantTimeEqual(hash, credential.secretHash), !credential.revoked else { return nil }
        return credential
    }

    /// Whether `credential` is still live here, with the same secret hash (it may have been revoked, or replaced,
    /// while its secret was being checked elsewhere).
    public func isLive(_ credential: StoredCredential) -> Bool {
        credentials.contains { $0.clientID == credential.clientID && !$0.revoked && $0.secretHash == credential.secretHash }
    }

    /// Revokes every credential named `name` and drops its pending requests; false when there was none.
    public mutating func revoke(name: String) -> Bool {
        var found = false
        for index in credentials.indices where credentials[index].name == name && !credentials[index].revoked {
            credentials[index].revoked = true
            found = true
        }
        let pending = pendingAccounts.count
        pendingAccounts.removeAll { $0.name == name }
        return found || pendingAccounts.count != pending
    }

    static func nameTaken(_ name: String) -> APIError {
        APIError(-32602, "Invalid params", data: ["param": "name", "reason": .string("\(name) already has a credential")])
    }

    static func freshSecret<R: RandomNumberGenerator>(using random: inout R) throws
        -> (clientID: String, secret: String, salt: [UInt8], hash: [UInt8]) {
        let clientID = token(bytes: 8, using: &random)
        let secret = token(bytes: 24, using: &random)
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        return (clientID, secret, salt, try CredentialHashing.hash(secret: secret, salt: salt))
    }

    /// `bytes` random bytes as lower-case hex.
    static func token<R: RandomNumberGenerator>(bytes: Int, using random: inout R) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &random)) }.joined()
    }
}

/// Access and refresh tokens for authenticated connections (`public/auth`), held in memory by the server.
public struct TokenTable: Sendable {
    public struct Grant: Hashable, Sendable {
        public var clientID: String
        public var account: AccountID
        public var role: CredentialRole
        public var expires: SimTime
    }

    /// How long an access token lives (Deribit: 900 s); a refresh token lives ten times as long.
    public var accessLifetime: SimDuration = .seconds(900)
    private var access: [String: Grant] = [:]
    private var refresh: [String: Grant] = [:]

    public init() {}

    /// Tokens for `credential` at wall time `now` (the server's clock), as `public/auth` returns them.
    public mutating func grant<R: RandomNumberGenerator>(_ credential: StoredCredential, now: SimTime, using random: inout R) -> JSONValue {
        let accessToken = CredentialStore.token(bytes: 24, using: &random)
        let refreshToken = CredentialStore.token(bytes: 24, using: &random)
        let grant = Grant(clientID: credential.clientID, account: credential.account, role: credential.role, expires: now + accessLifetime)
        access[accessToken] = grant
        var longer = grant
        longer.expires = now + SimDuration(milliseconds: accessLifetime.milliseconds * 10)
        refresh[refreshToken] = longer
        return ["access_token": .string(accessToken), "refresh_token": .string(refreshToken), "token_type": "bearer",
                "expires_in": .number(accessLifetime.seconds), "scope": .string(credential.role.scope)]
    }

    /// The grant behind a live access token.
    public func validate(accessToken: String, now: SimTime) -> Grant? {
        guard let grant = access[accessToken], now < grant.expires else { return nil }
        return grant
    }

    /// A refresh token's grant, consumed (a refresh token works once).
    public mutating func redeem(refreshToken: String, now: SimTime) -> Grant? {
        guard let grant = refresh.removeValue(forKey: refreshToken), now < grant.expires else { return nil }
        return grant
    }

    /// Ends every token of `clientID` (`private/logout`, or a revoked credential).
    public mutating func revokeAll(clientID: String) {
        access = access.filter { $0.value.clientID != clientID }
        refresh = refresh.filter { $0.value.clientID != clientID }
    }
}
