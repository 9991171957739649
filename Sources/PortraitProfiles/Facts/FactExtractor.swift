import Foundation
public import PortraitCore

/// Reads profile facts from canonical records. The canonical schema is the only input format: connectors have
/// already mapped every source onto it. Fields are read straight from the bytes (`CanonicalReader`).
public enum FactExtractor {
    public static func facts(profileID: String, records: [ProfileSourceRecord]) -> ProfileFacts {
        var facts = ProfileFacts(profileID: profileID)
        for record in records {
            facts.recordCounts[record.entity, default: 0] += 1
            var text = record.canonicalText
            let read = text.withUTF8 { bytes -> Bool in
                var reader = CanonicalReader(bytes)
                do {
                    try add(&reader, of: record, to: &facts)
                    return true
                } catch {
                    return false
                }
            }
            if !read { facts.unreadable.append(record.recordID) }
        }
        return facts
    }

    /// Reads one record; its facts are added only once all of it has been read.
    static func add(_ reader: inout CanonicalReader, of record: ProfileSourceRecord, to facts: inout ProfileFacts)
        throws(CanonicalReader.Malformed)
    {
        switch record.entity {
        case .customer:
            var customer = try Self.customer(&reader)
            customer.source = Provenance(recordID: record.recordID, connector: record.connector, at: record.updatedAt)
            facts.customers.append(customer)
        case .order:
            var order = OrderFacts(
                source: Provenance(recordID: record.recordID, connector: record.connector, at: 0), id: "", placedAt: 0,
                channel: nil, storeID: nil, total: nil, currency: nil, status: nil, lines: [])
            var customer: CustomerFacts?
            var placedAt: Double?
            try reader.members { reader, key throws(CanonicalReader.Malformed) in
                if key.equals("placed_at") {
                    placedAt = try reader.string().flatMap(Timestamps.seconds)
                } else if key.equals("customer") {
                    customer = try Self.customer(&reader)
                } else if key.equals("id") {
                    order.id = try reader.string() ?? ""
                } else if key.equals("channel") {
                    order.channel = try reader.string()
                } else if key.equals("store_id") {
                    order.storeID = try reader.string()
                } else if key.equals("total") {
                    order.total = try reader.number()
                } else if key.equals("currency") {
                    order.currency = try reader.string()
                } else if key.equals("status") {
                    order.status = try reader.string()
                } else if key.equals("lines") {
                    try reader.elements { reader throws(CanonicalReader.Malformed) in order.lines.append(try line(&reader)) }
                } else {
                    try reader.skip()
                }
            }
            guard let placedAt else { throw CanonicalReader.Malformed() }
            order.placedAt = placedAt
            order.source.at = placedAt
            if order.total == nil, !order.lines.isEmpty {
                let totals = order.lines.compactMap { line in line.total ?? line.unitPrice.map { $0 * line.quantity } }
                if !totals.isEmpty { order.total = totals.reduce(0, +) }
            }
            if var customer {
                customer.source = order.source
                facts.customers.append(customer)
            }
            facts.orders.append(order)
        case .event:
            var type: String?
            var at: Double?
            var customer: CustomerFacts?
            var category: String?
            var sku: String?
            try reader.members { reader, key throws(CanonicalReader.Malformed) in
                if key.equals("type") {
                    type = try reader.string()
                } else if key.equals("timestamp") {
                    at = try reader.string().flatMap(Timestamps.seconds)
                } else if key.equals("customer") {
                    customer = try Self.customer(&reader)
                } else if key.equals("properties"), try reader.peek() == UInt8(ascii: "{") {
                    try reader.members { reader, key throws(CanonicalReader.Malformed) in
                        if key.equals("category") {
                            category = try reader.string()
                        } else if key.equals("sku") {
                            sku = try reader.string()
                        } else {
                            try reader.skip()
                        }
                    }
                } else {
                    try reader.skip()
                }
            }
            guard let type, let at else { throw CanonicalReader.Malformed() }
            let source = Provenance(recordID: record.recordID, connector: record.connector, at: at)
            if var customer {
                customer.source = source
                facts.customers.append(customer)
            }
            facts.events.append(EventFacts(source: source, type: type, at: at, category: category, sku: sku))
        case .feedback:
            var form: String?
            var at: Double?
            var respondent: CustomerFacts?
            var nps: Double?
            var csat: Double?
            var npsClass: String?
            var topics: [String] = []
            var sentiment: Double?
            try reader.members { reader, key throws(CanonicalReader.Malformed) in
                if key.equals("form_id") {
                    form = try reader.string()
                } else if key.equals("submitted_at") {
                    at = try reader.string().flatMap(Timestamps.seconds)
                } else if key.equals("respondent") {
                    respondent = try Self.customer(&reader)
                } else if key.equals("scores"), try reader.peek() == UInt8(ascii: "{") {
                    try reader.members { reader, key throws(CanonicalReader.Malformed) in
                        if key.equals("nps") {
                            nps = try reader.number()
                        } else if key.equals("csat") {
                            csat = try reader.number()
                        } else {
                            try reader.skip()
                        }
                    }
                } else if key.equals("derived"), try reader.peek() == UInt8(ascii: "{") {
                    try reader.members { reader, key throws(CanonicalReader.Malformed) in
                        if key.equals("nps_class") {
                            npsClass = try reader.string()
                        } else if key.equals("topics"), try reader.peek() == UInt8(ascii: "[") {
                            try reader.elements { reader throws(CanonicalReader.Malformed) in
                                guard try reader.peek() == UInt8(ascii: "{") else { return try reader.skip() }
                                try reader.members { reader, key throws(CanonicalReader.Malformed) in
                                    if key.equals("tag"), let tag = try reader.string() { topics.append(tag) } else { try reader.skip() }
                                }
                            }
                        } else if key.equals("sentiment"), try reader.peek() == UInt8(ascii: "{") {
                            try reader.members { reader, key throws(CanonicalReader.Malformed) in
                                if key.equals("score") { sentiment = try reader.number() } else { try reader.skip() }
                            }
                        } else {
                            try reader.skip()
                        }
                    }
                } else {
                    try reader.skip()
                }
            }
            guard let form, let at else { throw CanonicalReader.Malformed() }
            let source = Provenance(recordID: record.recordID, connector: record.connector, at: at)
            if var respondent {
                respondent.source = source
                facts.customers.append(respondent)
            }
            facts.feedback.append(
                FeedbackFacts(
                    source: source, formID: form, at: at, nps: nps, csat: csat, npsClass: npsClass, topics: topics,
                    sentiment: sentiment))
        }
    }

    /// A customer block (its provenance is set by the caller).
    static func customer(_ reader: inout CanonicalReader) throws(CanonicalReader.Malformed) -> CustomerFacts {
        var customer = CustomerFacts(
            source: Provenance(recordID: 0, connector: "", at: 0), identifiers: [], fullName: nil, givenName: nil,
            familyName: nil, birthDate: nil, gender: nil, occupation: nil, incomeBand: nil, address: nil, city: nil,
            country: nil, consents: [], interests: [])
        guard try reader.peek() == UInt8(ascii: "{") else {
            try reader.skip()
            return customer
        }
        try reader.members { reader, key throws(CanonicalReader.Malformed) in
            if key.equals("identifiers"), try reader.peek() == UInt8(ascii: "[") {
                try reader.elements { reader throws(CanonicalReader.Malformed) in
                    guard try reader.peek() == UInt8(ascii: "{") else { return try reader.skip() }
                    var type: String?
                    var value: String?
                    try reader.members { reader, key throws(CanonicalReader.Malformed) in
                        if key.equals("type") {
                            type = try reader.string()
                        } else if key.equals("value") {
                            value = try reader.string()
                        } else {
                            try reader.skip()
                        }
                    }
                    if let type, let value { customer.identifiers.append((type, value)) }
                }
            } else if key.equals("name"), try reader.peek() == UInt8(ascii: "{") {
                try reader.members { reader, key throws(CanonicalReader.Malformed) in
                    if key.equals("full") {
                        customer.fullName = try reader.string()
                    } else if key.equals("given") {
                        customer.givenName = try reader.string()
                    } else if key.equals("family") {
                        customer.familyName = try reader.string()
                    } else {
                        try reader.skip()
                    }
                }
            } else if key.equals("birth_date") {
                customer.birthDate = try reader.string()
            } else if key.equals("gender") {
                customer.gender = try reader.string()
            } else if key.equals("occupation") {
                customer.occupation = try reader.string()
            } else if key.equals("income_band") {
                customer.incomeBand = try reader.string()
            } else if key.equals("address") {
                let address = try reader.stringObject()
                if let address, address.objectValue?.isEmpty == false {
                    customer.address = address
                    customer.city = address["city"]?.stringValue
                    customer.country = address["country"]?.stringValue
                }
            } else if key.equals("consents"), try reader.peek() == UInt8(ascii: "[") {
                try reader.elements { reader throws(CanonicalReader.Malformed) in
                    guard try reader.peek() == UInt8(ascii: "{") else { return try reader.skip() }
                    var channel: String?
                    var purpose: String?
                    var granted: Bool?
                    var at: Double?
                    try reader.members { reader, key throws(CanonicalReader.Malformed) in
                        if key.equals("channel") {
                            channel = try reader.string()
                        } else if key.equals("purpose") {
                            purpose = try reader.string()
                        } else if key.equals("granted") {
                            granted = try reader.bool()
                        } else if key.equals("timestamp") {
                            at = try reader.string().flatMap(Timestamps.seconds)
                        } else {
                            try reader.skip()
                        }
                    }
                    if let channel, let purpose, let granted, let at {
                        customer.consents.append(ConsentFact(channel: channel, purpose: purpose, granted: granted, at: at))
                    }
                }
            } else if key.equals("interests") {
                customer.interests = try reader.strings()
            } else {
                try reader.skip()
            }
        }
        if customer.fullName == nil, let given = customer.givenName, let family = customer.familyName {
            // Chinese names are written family first without a space (王小明); others given first.
            customer.fullName = isHan(family) || isHan(given) ? family + given : given + " " + family
        }
        return customer
    }

    static func line(_ reader: inout CanonicalReader) throws(CanonicalReader.Malformed) -> OrderLineFacts {
        var line = OrderLineFacts(sku: nil, name: nil, category: nil, quantity: 1, unitPrice: nil, total: nil)
        guard try reader.peek() == UInt8(ascii: "{") else {
            try reader.skip()
            return line
        }
        try reader.members { reader, key throws(CanonicalReader.Malformed) in
            if key.equals("sku") {
                line.sku = try reader.string()
            } else if key.equals("name") {
                line.name = try reader.string()
            } else if key.equals("category") {
                line.category = try reader.string()
            } else if key.equals("qty") {
                line.quantity = try reader.number() ?? 1
            } else if key.equals("unit_price") {
                line.unitPrice = try reader.number()
            } else if key.equals("total") {
                line.total = try reader.number()
            } else {
                try reader.skip()
            }
        }
        return line
    }

    static func isHan(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.isIdeographic }
    }
}
