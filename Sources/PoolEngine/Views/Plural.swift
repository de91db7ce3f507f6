/// Counts with their noun in agreement (`1 position`, `2 positions`), for every message that prints a count.
public enum Plural {
    /// `count` and `singular`, or its plural (by default `singular + "s"`) unless `count` is exactly 1.
    public static func count<Count: BinaryInteger>(_ count: Count, _ singular: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
    }

    /// `1 contract`, `0.5 contracts`, `2 contracts`: a quantity of contracts in plain decimals.
    public static func contracts(_ quantity: Quantity) -> String {
        "\(quantity.plainText) \(quantity == Quantity(1) ? "contract" : "contracts")"
    }
}
