/// Counts with their noun in agreement (`1 position`, `2 positions`), for every message that prints a count.
public enum Plural {
    /// `count` and `singular`, or its plural (by default `singular + "s"`) unless `count` is exactly 1.
    public static func count<Count: BinaryInteger>(_ count: Count, _ singular: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
    }
}
