import Dispatch
import PoolDeskAPI
import Synchronization

/// Checks client secrets (`public/auth` with `client_credentials`) outside the sequencer. scrypt keeps a core busy
/// for tens of milliseconds by design; inside the actor it would stall every other client's trades and tickers.
///
/// Bounded three ways, so an authentication flood cannot starve the machine: at most `concurrency` checks run at
/// once, each on a Dispatch thread (never the cooperative pool, which the connections and the sequencer share); at
/// most `queueLimit` wait for one, past which `public/auth` is refused at once; and an address that has used up its
/// ``FailureBudget`` is refused before anything is hashed.
final class SecretVerifier: Sendable {
    struct State {
        var running = 0
        var waiting: [CheckedContinuation<Slot, Never>] = []
        var failures: FailureBudget
    }

    enum Slot: Sendable {
        case granted
        case refused(APIError)
    }

    private let state: Mutex<State>
    private let concurrency: Int
    private let queueLimit: Int
    private let check: @Sendable (CredentialStore, String, String) -> StoredCredential?

    init(options: ServerOptions) {
        state = Mutex(State(failures: options.authenticationFailures))
        concurrency = max(1, options.concurrentSecretChecks)
        queueLimit = max(0, options.queuedSecretChecks)
        check = options.checkSecret
    }

    /// Deribit's 10028 `too_many_requests`, with the reason.
    static func tooMany(_ reason: String) -> APIError {
        APIError(10_028, "too_many_requests", data: ["reason": .string(reason)])
    }

    /// Checks `request`'s secret from a client at `address` against the store `store` returns (read after the wait
    /// for a thread, so a credential revoked meanwhile is not accepted).
    func verify(_ request: SecretCheck, address: String, store: @Sendable () async -> CredentialStore) async -> SecretVerification {
        let now = PoolSequencer.monotonicSeconds()
        let slot: Slot = await withCheckedContinuation { continuation in
            let immediate: Slot? = state.withLock { state in
                guard state.failures.allows(address, now: now) else {
                    return .refused(Self.tooMany("too many failed authentications from \(address); try again later"))
                }
                if state.running < concurrency {
                    state.running += 1
                    return .granted
                }
                guard state.waiting.count < queueLimit else {
                    return .refused(Self.tooMany("too many authentications in progress; try again later"))
                }
                state.waiting.append(continuation)
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
        if case .refused(let error) = slot { return .refused(error) }
        let snapshot = await store()
        let check = self.check
        let found: StoredCredential? = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: check(snapshot, request.clientID, request.secret))
            }
        }
        release()
        guard let found else {
            let failedAt = PoolSequencer.monotonicSeconds()
            state.withLock { $0.failures.recordFailure(address, now: failedAt) }
            return .rejected
        }
        return .verified(found)
    }

    /// Hands the running slot to the next waiting check, or frees it.
    private func release() {
        let next: CheckedContinuation<Slot, Never>? = state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.running -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume(returning: .granted)
    }
}
