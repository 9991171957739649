import Foundation

/// The offline stores: per store, a member list `drops/members_<store>.csv` and its till receipts
/// `drops/receipts_<store>.csv`, which two `csv_drop` connectors read from the one folder.
///
/// Each store's till writes its own way (see ``StoreCatalog``): GB18030 with CRLF line ends in Shanghai and
/// Beijing, UTF-8 with a BOM in Guangzhou and New York, plain UTF-8 elsewhere; `member_card` or `Member Card`
/// headers; birth dates as `1985/03/07`, `1985-03-07` or `03/07/1985`; local Chinese time or UTC. Tills store
/// Chinese numbers nationally and any other with its country code.
///
/// A member has one card per registration (a second one at ``WorldConfig/Presence/duplicateRate``); a receipt
/// names the card shown, the phone and the name the cashier typed, each possibly missing, and is dated after
/// that card was issued.
final class StoreDrops: SiloWriter {
    private let members: TimeOrderedSpool
    private let receipts: TimeOrderedSpool
    private let directory: URL
    private let allUTF8: Bool

    init(directory: URL, spool: URL, slices: Int, allUTF8: Bool) {
        self.directory = directory
        self.allUTF8 = allUTF8
        members = TimeOrderedSpool(directory: spool, name: "members", slices: slices)
        receipts = TimeOrderedSpool(directory: spool, name: "receipts", slices: slices)
    }

    static func membersPath(_ store: StoreCatalog.Store) -> String { "drops/members_\(store.code).csv" }
    static func receiptsPath(_ store: StoreCatalog.Store) -> String { "drops/receipts_\(store.code).csv" }

    func add(_ person: Person, observer: inout Observer) throws {
        let cards = person.footprint.memberships
        var joined: [Int64] = []
        for membership in cards {
            let store = membership.store
            let time = observer.time()
            joined.append(time)
            let birth = observer.keeps() ? store.birthDateFormat.text(observer.birthDate(person)) : ""
            let row = [
                observer.name(person).full,
                observer.keeps() ? observer.phone(person, home: .cn) : "",
                observer.keeps() ? Self.gender(person.gender, store: store) : "",
                birth, store.code, Self.time(time, store: store),
            ]
            try members.add(
                time: time, person: person.index, key: Self.key(store), fixedID: membership.card,
                body: Self.rest(row, store: store))
        }
        for _ in 0..<person.footprint.receipts {
            let which = observer.random.below(cards.count)
            let store = cards[which].store
            let time = observer.time(from: joined[which])
            let product = observer.random.pick(Products.all)
            let quantity = observer.random.between(1...3)
            let cents = (store.country == "CN" ? product.yuanCents : product.dollarCents) * quantity
            let row = [
                store.code, Self.time(time, store: store),
                observer.keeps() ? cards[which].card : "",
                observer.keeps() ? observer.phone(person, home: .cn) : "",
                observer.keeps() ? observer.name(person).full : "",
                product.category, Products.money(cents),
            ]
            try receipts.add(time: time, person: person.index, key: Self.key(store), body: Self.rest(row, store: store))
        }
    }

    func finish(truth: TruthFile) throws -> [WorldSummary.File] {
        var written: [WorldSummary.File] = []
        written += try write(
            members, path: Self.membersPath,
            header: ["member_card", "name", "phone", "gender", "birth_date", "store_id", "joined_at"]
        ) { entry, _, _ in
            try truth.record(WorldConnectors.members, id: entry.fixedID, person: entry.person)
            return entry.fixedID
        }
        written += try write(
            receipts, path: Self.receiptsPath,
            header: ["receipt_id", "store_id", "timestamp", "member_card", "phone", "name", "category", "amount"]
        ) { entry, store, number in
            let id = "\(store.code)-R\(zeroPadded(number, width: 7))"
            try truth.record(WorldConnectors.receipts, id: id, person: entry.person)
            return id
        }
        return written
    }

    /// Writes one file per store from `spool`, each row led by the id `identify` returns for it (given the entry,
    /// its store and its number in that store's file, from 1).
    private func write(
        _ spool: TimeOrderedSpool, path: (StoreCatalog.Store) -> String, header: [String],
        identify: (TimeOrderedSpool.Entry, StoreCatalog.Store, Int) throws -> String
    ) throws -> [WorldSummary.File] {
        let stores = StoreCatalog.stores
        let files = try stores.map { store in
            let file = try OutputFile(directory.appendingPathComponent(path(store)), encoding: encoding(store))
            let names = store.titleCaseHeader ? header.map(Self.titleCase) : header
            try file.write(names.joined(separator: ",") + Self.lineEnd(store))
            return file
        }
        var counts = Array(repeating: 0, count: stores.count)
        try spool.drain { entry in
            counts[entry.key] += 1
            let id = try identify(entry, stores[entry.key], counts[entry.key])
            try files[entry.key].write(TextEscaping.csv(id))
            try files[entry.key].write(utf8: entry.body)
        }
        return try stores.indices.map { index in
            try files[index].close()
            return WorldSummary.File(
                path: path(stores[index]), records: counts[index], bytes: files[index].bytesWritten,
                encoding: encoding(stores[index]))
        }
    }

    private func encoding(_ store: StoreCatalog.Store) -> FileEncoding {
        allUTF8 ? .utf8 : store.encoding
    }

    private static func key(_ store: StoreCatalog.Store) -> Int {
        StoreCatalog.stores.firstIndex(of: store)!
    }

    /// The row after its id: `,field,field…` and the store's line end.
    private static func rest(_ fields: [String], store: StoreCatalog.Store) -> String {
        fields.map { "," + TextEscaping.csv($0) }.joined() + lineEnd(store)
    }

    /// Windows tills (the GB18030 ones) end lines with CRLF.
    private static func lineEnd(_ store: StoreCatalog.Store) -> String {
        store.encoding == .gb18030 ? "\r\n" : "\n"
    }

    private static func time(_ millis: Int64, store: StoreCatalog.Store) -> String {
        store.writesLocalTime ? WorldCalendar.chinaLocal(millis) : WorldCalendar.utc(millis)
    }

    private static func gender(_ gender: Gender, store: StoreCatalog.Store) -> String {
        switch (gender, store.country) {
        case (.female, "CN"): return "女"
        case (.male, "CN"): return "男"
        case (.female, _): return "F"
        default: return "M"
        }
    }

    /// `member_card` → `Member Card`, `store_id` → `Store ID`.
    private static func titleCase(_ column: String) -> String {
        column.split(separator: "_").map { $0 == "id" ? "ID" : $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined(separator: " ")
    }
}
