import Foundation

/// The online shop: `feeds/orders.xml`, a namespaced order feed the `xml_feed` connector reads, each order with
/// the customer block the shop captured at checkout.
///
/// ```xml
/// <shop:order id="WO-00000017">
///   <shop:placed>2025-03-01T18:22:00+08:00</shop:placed>
///   <cust:customer>
///     <cust:name>张伟</cust:name> <cust:email>…</cust:email> <cust:phone>+86 138 0013 8000</cust:phone>
///     <cust:member_card>SH01-48213907</cust:member_card> <cust:birth_date>1985-03-07</cust:birth_date>
///     <cust:address><cust:line1>…</cust:line1><cust:city>上海</cust:city><cust:postcode>200123</cust:postcode><cust:country>CN</cust:country></cust:address>
///   </cust:customer>
///   <shop:lines><shop:line sku="TEA-001" qty="2"><shop:price>38.50</shop:price></shop:line></shop:lines>
///   <shop:total currency="CNY">77.00</shop:total>
/// </shop:order>
/// ```
///
/// Some orders declare the customer namespace as the default on the block instead (`<customer xmlns="…">`), as
/// feeds assembled from two systems do; the connector matches by namespace URI, so both read the same. The shop
/// is international: US numbers are written nationally (`(202) 555-0123`), Chinese ones with `+86`.
final class OrderFeed: SiloWriter {
    static let path = "feeds/orders.xml"
    static let shopNamespace = "urn:portrait:world:shop"
    static let customerNamespace = "urn:portrait:world:customer"
    private let spool: TimeOrderedSpool
    private let url: URL

    init(directory: URL, spool: URL, slices: Int) {
        url = directory.appendingPathComponent(Self.path)
        self.spool = TimeOrderedSpool(directory: spool, name: "orders", slices: slices)
    }

    func add(_ person: Person, observer: inout Observer) throws {
        for _ in 0..<person.footprint.orders {
            let placed = observer.time()
            let inChina = person.address.country == "CN"
            let defaultNamespace = observer.random.chance(0.15)
            let prefix = defaultNamespace ? "" : "cust:"
            var customer: [String] = []
            func element(_ name: String, _ value: String) {
                customer.append("<\(prefix)\(name)>\(TextEscaping.xml(value))</\(prefix)\(name)>")
            }
            if observer.keeps() { element("name", observer.name(person).full) }
            if observer.keeps() { element("email", observer.email(person)) }
            if observer.keeps() { element("phone", observer.phone(person, home: .us)) }
            if !person.footprint.memberships.isEmpty, observer.keeps() {
                element("member_card", observer.random.pick(person.footprint.memberships).card)
            }
            if observer.keeps() { element("birth_date", observer.birthDate(person).iso) }
            if observer.keeps() {
                let address = person.address
                customer.append(
                    "<\(prefix)address><\(prefix)line1>\(TextEscaping.xml(address.line1))</\(prefix)line1>"
                        + "<\(prefix)city>\(TextEscaping.xml(address.city))</\(prefix)city>"
                        + "<\(prefix)postcode>\(address.postcode)</\(prefix)postcode>"
                        + "<\(prefix)country>\(address.country)</\(prefix)country></\(prefix)address>")
            }
            let open = defaultNamespace ? "<customer xmlns=\"\(Self.customerNamespace)\">" : "<cust:customer>"
            let close = defaultNamespace ? "</customer>" : "</cust:customer>"

            var lines = ""
            var total = 0
            for _ in 0..<observer.random.between(1...3) {
                let product = observer.random.pick(Products.all)
                let quantity = observer.random.between(1...3)
                let price = inChina ? product.yuanCents : product.dollarCents
                total += price * quantity
                lines +=
                    "      <shop:line sku=\"\(product.sku)\" qty=\"\(quantity)\"><shop:price>\(Products.money(price))</shop:price></shop:line>\n"
            }
            let body = """
                >
                    <shop:placed>\(inChina ? WorldCalendar.chinaOffset(placed) : WorldCalendar.utc(placed))</shop:placed>
                    \(open)
                      \(customer.joined(separator: "\n      "))
                    \(close)
                    <shop:lines>
                \(lines)    </shop:lines>
                    <shop:total currency="\(inChina ? "CNY" : "USD")">\(Products.money(total))</shop:total>
                  </shop:order>

                """
            try spool.add(time: placed, person: person.index, body: body)
        }
    }

    func finish(truth: TruthFile) throws -> [WorldSummary.File] {
        let file = try OutputFile(url)
        try file.write(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <shop:feed xmlns:shop="\(Self.shopNamespace)" xmlns:cust="\(Self.customerNamespace)">

            """)
        var count = 0
        try spool.drain { entry in
            count += 1
            let id = "WO-" + zeroPadded(count, width: 8)
            try file.write("  <shop:order id=\"\(id)\"")
            try file.write(utf8: entry.body)
            try truth.record(WorldConnectors.orders, id: id, person: entry.person)
        }
        try file.write("</shop:feed>\n")
        try file.close()
        return [WorldSummary.File(path: Self.path, records: count, bytes: file.bytesWritten, encoding: .utf8)]
    }
}
