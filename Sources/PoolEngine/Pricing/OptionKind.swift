/// Whether an option pays max(S − K, 0) (a call) or max(K − S, 0) (a put) at expiry.
public enum OptionKind: String, Codable, Sendable, CaseIterable, Hashable {
    case call, put

    /// +1 for a call and −1 for a put: the sign that turns one closed form into the other.
    @inlinable
    public var sign: Double {
        switch self {
        case .call: 1
        case .put: -1
        }
    }
}
