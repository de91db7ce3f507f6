/// Whether an option pays max(S − K, 0) (a call) or max(K − S, 0) (a put) at expiry.
public enum OptionKind: String, Codable, Sendable, CaseIterable, Hashable {
    case call, put
}
