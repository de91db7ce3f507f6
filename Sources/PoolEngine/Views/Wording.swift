/// Small wording rules shared by engine messages, the dashboard and the command line.
public enum Wording {
    /// `1 position`, `2 positions`, `0 positions`: a count with its noun in agreement.
    public static func count(_ count: Int, _ singular: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : (plural ?? singular + "s"))"
    }

    /// `1 contract`, `0.5 contracts`, `2 contracts`: a quantity of contracts in plain decimals.
    public static func contracts(_ quantity: Quantity) -> String {
        "\(quantity.plainText) \(quantity == Quantity(1) ? "contract" : "contracts")"
    }
}
