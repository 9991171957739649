/// What the retailer sells, online and in its stores, with prices in fen / cents.
enum Products {
    struct Product {
        let sku: String
        let category: String
        /// Price in CNY fen.
        let yuanCents: Int
        /// Price in USD cents.
        let dollarCents: Int
    }

    static let all: [Product] = [
        Product(sku: "TEA-001", category: "grocery", yuanCents: 3850, dollarCents: 899),
        Product(sku: "TEA-014", category: "grocery", yuanCents: 12800, dollarCents: 2499),
        Product(sku: "RICE-05", category: "grocery", yuanCents: 5990, dollarCents: 1299),
        Product(sku: "RUN-42", category: "sports", yuanCents: 89900, dollarCents: 12990),
        Product(sku: "SOCK-3", category: "sports", yuanCents: 3900, dollarCents: 500),
        Product(sku: "YOGA-7", category: "sports", yuanCents: 19900, dollarCents: 3499),
        Product(sku: "LIP-21", category: "beauty", yuanCents: 32000, dollarCents: 3800),
        Product(sku: "CREAM-9", category: "beauty", yuanCents: 45800, dollarCents: 6500),
        Product(sku: "MUG-11", category: "home", yuanCents: 6900, dollarCents: 1200),
        Product(sku: "LAMP-2", category: "home", yuanCents: 29900, dollarCents: 4999),
        Product(sku: "TOWEL-4", category: "home", yuanCents: 8900, dollarCents: 1899),
    ]

    /// `1234.50` from 123450.
    static func money(_ cents: Int) -> String {
        "\(cents / 100).\(zeroPadded(cents % 100, width: 2))"
    }
}
