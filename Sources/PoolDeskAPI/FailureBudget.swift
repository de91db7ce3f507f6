/// Failed authentications allowed per client address: a token bucket per key (a burst of `capacity` failures,
/// refilled at `refillPerSecond`). An address whose bucket is empty is refused before any secret is hashed, so a
/// guessing flood from one address costs the server almost nothing; other addresses are unaffected.
///
/// Time is passed in (monotonic seconds), so the rule is tested without a clock. Memory is bounded by
/// `maximumKeys`: past it, buckets that have refilled completely (which hold no information) are dropped, and if
/// that is not enough the table starts afresh — a flood from very many addresses then gets a fresh burst each, which
/// the bounded verification queue still limits.
public struct FailureBudget: Sendable {
    /// Failures one address may make in a burst.
    public var capacity: Double
    /// Failures per second one address regains.
    public var refillPerSecond: Double
    /// Addresses remembered at most.
    public var maximumKeys: Int
    private var buckets: [String: Bucket] = [:]

    struct Bucket: Sendable {
        var credits: Double
        var at: Double
    }

    /// A budget of `capacity` failures per address, regaining `refillPerSecond` a second (default: 10, then one
    /// every 2 s).
    public init(capacity: Double = 10, refillPerSecond: Double = 0.5, maximumKeys: Int = 10_000) {
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.maximumKeys = maximumKeys
    }

    /// Credits `key` has at `now`.
    func credits(_ key: String, now: Double) -> Double {
        guard let bucket = buckets[key] else { return capacity }
        return min(capacity, bucket.credits + max(0, now - bucket.at) * refillPerSecond)
    }

    /// Whether `key` may try a secret at `now` (it has at least one failure left).
    public func allows(_ key: String, now: Double) -> Bool {
        credits(key, now: now) >= 1
    }

    /// Charges one failure to `key` at `now`.
    public mutating func recordFailure(_ key: String, now: Double) {
        buckets[key] = Bucket(credits: max(0, credits(key, now: now) - 1), at: now)
        if buckets.count > maximumKeys {
            buckets = buckets.filter { credits($0.key, now: now) < capacity }
            if buckets.count > maximumKeys { buckets.removeAll(keepingCapacity: true) }
        }
    }

    /// Addresses currently remembered.
    public var trackedKeys: Int { buckets.count }
}
