import Foundation
public import PortraitCore

/// Reads profile facts from canonical records. The canonical schema is the only input format: connectors have
/// already mapped every source onto it.
public enum FactExtractor {
    public static func facts(profileID: String, records: [ProfileSourceRecord]) -> ProfileFacts {
        var facts = ProfileFacts(profileID: profileID)
        for record in records {
            facts.recordCounts[record.entity, default: 0] += 1
            guard let json = try? JSONValue(parsing: record.canonicalText) else {
                facts.unreadable.append(record.recordID)
                continue
            }
            add(json, of: record, to: &facts)
        }
        return facts
    }

    static func add(_ json: JSONValue, of record: ProfileSourceRecord, to facts: inout ProfileFacts) {
        func provenance(_ at: Double) -> Provenance {
            Provenance(recordID: record.recordID, connector: record.connector, at: at)
        }
        switch record.entity {
        case .customer:
            facts.customers.append(customer(json, source: provenance(record.updatedAt)))
        case .order:
            guard let at = json["placed_at"]?.stringValue.flatMap(Timestamps.seconds) else {
                facts.unreadable.append(record.recordID)
                return
            }
            let source = provenance(at)
            if let block = json["customer"] { facts.customers.append(customer(block, source: source)) }
            facts.orders.append(order(json, source: source))
        case .event:
            guard let at = json["timestamp"]?.stringValue.flatMap(Timestamps.seconds), let type = json["type"]?.stringValue
            else {
                facts.unreadable.append(record.recordID)
                return
            }
            let source = provenance(at)
            if let block = json["customer"] { facts.customers.append(customer(block, source: source)) }
            let properties = json["properties"]
            facts.events.append(
                EventFacts(
                    source: source, type: type, at: at, category: properties?["category"]?.stringValue,
                    sku: properties?["sku"]?.stringValue))
        case .feedback:
            guard let at = json["submitted_at"]?.stringValue.flatMap(Timestamps.seconds),
                let form = json["form_id"]?.stringValue
            else {
                facts.unreadable.append(record.recordID)
                return
            }
            let source = provenance(at)
            if let block = json["respondent"] { facts.customers.append(customer(block, source: source)) }
            let derived = json["derived"]
            facts.feedback.append(
                FeedbackFacts(
                    source: source, formID: form, at: at, nps: double(json["scores"]?["nps"]),
                    csat: double(json["scores"]?["csat"]), npsClass: derived?["nps_class"]?.stringValue,
                    topics: derived?["topics"]?.arrayValue?.compactMap { $0["tag"]?.stringValue } ?? [],
                    sentiment: double(derived?["sentiment"]?["score"])))
        }
    }

    static func double(_ value: JSONValue?) -> Double? {
        value?.numberValue.map { Double(truncating: $0 as NSNumber) }
    }

    static func customer(_ json: JSONValue, source: Provenance) -> CustomerFacts {
        let name = json["name"]
        let address = json["address"]
        let identifiers: [(type: String, value: String)] =
            json["identifiers"]?.arrayValue?.compactMap { item in
                guard let type = item["type"]?.stringValue, let value = item["value"]?.stringValue else { return nil }
                return (type, value)
            } ?? []
        let consents: [ConsentFact] =
            json["consents"]?.arrayValue?.compactMap { item in
                guard let channel = item["channel"]?.stringValue, let purpose = item["purpose"]?.stringValue,
                    let granted = item["granted"]?.boolValue,
                    let at = item["timestamp"]?.stringValue.flatMap(Timestamps.seconds)
                else { return nil }
                return ConsentFact(channel: channel, purpose: purpose, granted: granted, at: at)
            } ?? []
        var full = name?["full"]?.stringValue
        if full == nil, let given = name?["given"]?.stringValue, let family = name?["family"]?.stringValue {
            // Chinese names are written family first without a space (王小明); others given first.
            full = isHan(family) || isHan(given) ? family + given : given + " " + family
        }
        return CustomerFacts(
            source: source, identifiers: identifiers, fullName: full, givenName: name?["given"]?.stringValue,
            familyName: name?["family"]?.stringValue, birthDate: json["birth_date"]?.stringValue,
            gender: json["gender"]?.stringValue, occupation: json["occupation"]?.stringValue,
            incomeBand: json["income_band"]?.stringValue,
            address: address.flatMap { $0.objectValue?.isEmpty == false ? $0 : nil },
            city: address?["city"]?.stringValue, country: address?["country"]?.stringValue, consents: consents,
            interests: json["interests"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    static func isHan(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.isIdeographic }
    }

    static func order(_ json: JSONValue, source: Provenance) -> OrderFacts {
        let lines: [OrderLineFacts] =
            json["lines"]?.arrayValue?.map { line in
                OrderLineFacts(
                    sku: line["sku"]?.stringValue, name: line["name"]?.stringValue,
                    category: line["category"]?.stringValue, quantity: double(line["qty"]) ?? 1,
                    unitPrice: double(line["unit_price"]), total: double(line["total"]))
            } ?? []
        var total = double(json["total"])
        if total == nil, !lines.isEmpty {
            var sum = 0.0
            var known = false
            for line in lines {
                if let lineTotal = line.total ?? line.unitPrice.map({ $0 * line.quantity }) {
                    sum += lineTotal
                    known = true
                }
            }
            if known { total = sum }
        }
        return OrderFacts(
            source: source, id: json["id"]?.stringValue ?? "", placedAt: source.at, channel: json["channel"]?.stringValue,
            storeID: json["store_id"]?.stringValue, total: total, currency: json["currency"]?.stringValue,
            status: json["status"]?.stringValue, lines: lines)
    }
}
