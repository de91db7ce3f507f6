/// An identifier that is an index into one of the engine's arrays (accounts, markets, boards, series, positions).
///
/// One pattern for all of them: comparable by index, stored as a bare integer (so journals stay compact and the
/// stored form of every ID is the same), made with `init(_ index:)`. Conformers declare only `index` and `init`.
public protocol IndexIdentifier: Hashable, Comparable, Codable, Sendable {
    var index: Int { get set }
    init(_ index: Int)
}

extension IndexIdentifier {
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.index < rhs.index }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(Int.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(index)
    }
}
