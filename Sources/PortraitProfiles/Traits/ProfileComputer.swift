import Foundation
public import PortraitCore

/// Records of a profile per entity, small enough to keep for a million profiles.
public struct RecordCounts: Sendable, Hashable {
    public var customer: Int32 = 0
    public var order: Int32 = 0
    public var event: Int32 = 0
    public var feedback: Int32 = 0

    public init(_ counts: [Entity: Int]) {
        customer = Int32(counts[.customer] ?? 0)
        order = Int32(counts[.order] ?? 0)
        event = Int32(counts[.event] ?? 0)
        feedback = Int32(counts[.feedback] ?? 0)
    }

    public var total: Int { Int(customer) + Int(order) + Int(event) + Int(feedback) }

    /// Entity name → count, for the change feed (entities without records left out).
    public var json: JSONValue {
        var object: [String: JSONValue] = [:]
        for (entity, count) in [(Entity.customer, customer), (.order, order), (.event, event), (.feedback, feedback)] where count > 0 {
            object[entity.rawValue] = .number(Int(count))
        }
        return .object(object)
    }
}

/// A computed profile waiting for the population's RFM boundaries (``ProfileComputer/pending(_:)``).
public struct PendingProfile: Sendable {
    public var id: String
    /// The document without its fields (``ProfileDocument/slim(_:)``).
    public var slim: String
    var packed: PackedValues
    public var rfm: (recency: Double, frequency: Double, monetary: Double)?
    public var counts: RecordCounts
    public var unreadable: Int
    /// Already stored by the rebuild, all but the field values that wait for the RFM boundaries.
    public var written = false
    /// Its fields are stored too, scored against boundaries estimated from the buyers computed before it: the
    /// rebuild writes them again only if the population's boundaries score it differently.
    public var scoredEarly = false
}

/// A profile ready to write: its document without fields, and its field values.
public struct FinishedProfile: Sendable {
    public var id: String
    public var slim: String
    public var values: [ProfileValue?]
    public var counts: RecordCounts
    public var unreadable: Int
    /// Already stored by the rebuild, all but `values`.
    public var written = false
}

/// A profile computed from its records: the golden record and every field value, in layout order.
public struct ComputedProfile: Sendable {
    public var id: String
    public var golden: GoldenRecord
    /// One value per field of the layout; nil where the profile has none.
    public var values: [ProfileValue?]
    public var recordCounts: [Entity: Int]
    public var unreadable: [Int64]
}

/// Computes profiles from facts: golden record, shipped and declared traits, then (with the population's RFM
/// boundaries) the RFM scores and the tier.
///
/// Everything is recomputed from the records each time: no trait is patched with a sum that a merge or split
/// could not undo.
public struct ProfileComputer: Sendable {
    public let settings: ProfileSettings
    public let layout: ProfileLayout
    /// Unix seconds that the windows and ages are measured from.
    public let now: Double

    private let tierRules: [(name: String, compiled: CompiledExpression)]
    /// `now` as a UTC calendar day, for ages (worked out once, not per profile).
    private let today: (year: Int, month: Int, day: Int)

    public init(settings: ProfileSettings, now: Double) {
        self.settings = settings
        self.layout = ProfileLayout(traits: settings.traits)
        self.now = now
        let day = Timestamps.day(now).split(separator: "-").compactMap { Int($0) }
        today = day.count == 3 ? (day[0], day[1], day[2]) : (1970, 1, 1)
        let slots = layout.slots
        tierRules = settings.tiers.map { ($0.name, $0.condition.compile(slots: slots)) }
    }

    /// Everything but the RFM scores and the tier (``finish(_:cutoffs:)``).
    public func compute(_ facts: ProfileFacts) -> ComputedProfile {
        var values = [ProfileValue?](repeating: nil, count: layout.fields.count)
        func set(_ name: String, _ value: ProfileValue?) { values[layout.slot(name)] = value }
        let golden = GoldenRecordBuilder.build(facts.customers, settings: settings)

        // The golden record, flat.
        let name = golden.values[.name]?.value
        set("name", name?["full"]?.stringValue.map(ProfileValue.text))
        set("given_name", name?["given"]?.stringValue.map(ProfileValue.text))
        set("family_name", name?["family"]?.stringValue.map(ProfileValue.text))
        set("email", golden.text(.email).map(ProfileValue.text))
        set("phone", golden.text(.phone).map(ProfileValue.text))
        set("gender", golden.text(.gender).map(ProfileValue.text))
        set("occupation", golden.text(.occupation).map(ProfileValue.text))
        set("income_band", golden.text(.incomeBand).map(ProfileValue.text))
        let address = golden.values[.address]?.value
        set("city", address?["city"]?.stringValue.map(ProfileValue.text))
        set("country", address?["country"]?.stringValue.map(ProfileValue.text))
        if let birth = golden.text(.birthDate), let born = Timestamps.seconds(birth) {
            set("birth_date", .date(birth))
            set("age", .number(Double(Self.age(born: birth, today: today) ?? Int((now - born) / 31_556_952))))
        }
        for (field, channel) in [("email_opt_in", "email"), ("sms_opt_in", "sms")] {
            let latest = golden.consents.map(\.consent).filter { $0.channel == channel && $0.purpose == "marketing" }
                .max { $0.at < $1.at }
            set(field, latest.map { .bool($0.granted) })
        }
        if !golden.interests.isEmpty { set("interests", .list(golden.interests)) }
        var sources = Set(facts.customers.map(\.source.connector))
        sources.formUnion(facts.orders.map(\.source.connector))
        sources.formUnion(facts.events.map(\.source.connector))
        sources.formUnion(facts.feedback.map(\.source.connector))
        if !sources.isEmpty { set("sources", .list(sources.sorted())) }
        set("record_count", .number(Double(facts.recordCounts.values.reduce(0, +))))

        shippedTraits(facts, golden: golden, set: set)
        for trait in settings.traits { set(trait.name, declared(trait, facts)) }
        return ComputedProfile(
            id: facts.profileID, golden: golden, values: values, recordCounts: facts.recordCounts,
            unreadable: facts.unreadable)
    }

    /// Recency days, frequency and monetary value of a buyer (nil for a profile without purchases).
    public func rfm(_ values: [ProfileValue?]) -> (recency: Double, frequency: Double, monetary: Double)? {
        guard case .number(let recency)? = values[layout.slot("recency_days")],
            case .number(let frequency)? = values[layout.slot("frequency")],
            case .number(let monetary)? = values[layout.slot("monetary")]
        else { return nil }
        return (recency, frequency, monetary)
    }

    /// What a rebuild keeps of a profile until the population's RFM boundaries are known: its document without
    /// fields, its values packed, its RFM measures.
    public func pending(_ facts: ProfileFacts) -> PendingProfile {
        let profile = compute(facts)
        return PendingProfile(
            id: profile.id, slim: ProfileDocument.slim(profile), packed: PackedValues(profile.values),
            rfm: rfm(profile.values), counts: RecordCounts(profile.recordCounts), unreadable: profile.unreadable.count)
    }

    /// Scores a pending profile against the population's boundaries and picks its tier.
    public func finish(_ pending: PendingProfile, cutoffs: RFMCutoffs) -> FinishedProfile {
        var values = pending.packed.unpacked(count: layout.fields.count)
        score(&values, cutoffs: cutoffs)
        return FinishedProfile(
            id: pending.id, slim: pending.slim, values: values, counts: pending.counts, unreadable: pending.unreadable,
            written: pending.written)
    }

    /// Adds the RFM scores (against the population's boundaries) and the tier (first rule that matches).
    public func score(_ values: inout [ProfileValue?], cutoffs: RFMCutoffs) {
        if let rfm = rfm(values) {
            let r = cutoffs.recencyScore(rfm.recency)
            let f = cutoffs.frequencyScore(rfm.frequency)
            let m = cutoffs.monetaryScore(rfm.monetary)
            values[layout.slot("r_score")] = .number(r)
            values[layout.slot("f_score")] = .number(f)
            values[layout.slot("m_score")] = .number(m)
            values[layout.slot("rfm")] = .text("\(Int(r))\(Int(f))\(Int(m))")
        }
        let tierSlot = layout.slot("tier")
        values[tierSlot] = nil
        let tier = values.withUnsafeBufferPointer { buffer in tierRules.first { $0.compiled.matches(buffer) }?.name }
        values[tierSlot] = tier.map(ProfileValue.text)
    }

    // MARK: Shipped traits

    private func isPurchase(_ order: OrderFacts) -> Bool {
        guard let status = order.status else { return true }
        return !settings.excludedStatuses.contains(status.lowercased())
    }

    /// The order's total in the base currency (as written when no conversion is configured or known).
    private func amount(_ order: OrderFacts) -> Double? {
        guard let total = order.total else { return nil }
        guard let currency = settings.currency, let code = order.currency, code != currency.base,
            let rate = currency.rates[code]
        else { return total }
        return total * rate
    }

    private func shippedTraits(_ facts: ProfileFacts, golden: GoldenRecord, set: (String, ProfileValue?) -> Void) {
        let day = 86_400.0
        let purchases = facts.orders.filter(isPurchase)
        set("cancelled_orders", .number(Double(facts.orders.count - purchases.count)))
        set("order_count", .number(Double(purchases.count)))
        let lifecycle = settings.lifecycle
        if purchases.isEmpty {
            set("lifecycle", .text("prospect"))
        } else {
            let first = purchases.map(\.placedAt).min()!
            let last = purchases.map(\.placedAt).max()!
            let amounts = purchases.compactMap(amount)
            let spend = amounts.reduce(0, +)
            let recency = max(0, ((now - last) / day).rounded(.down))
            let windowStart = now - Double(settings.rfmWindowDays) * day
            let inWindow = purchases.filter { $0.placedAt >= windowStart && $0.placedAt <= now }
            set("total_spend", .number(Self.cents(spend)))
            if !amounts.isEmpty { set("average_order_value", .number(Self.cents(spend / Double(amounts.count)))) }
            set("first_purchase", .date(Timestamps.day(first)))
            set("last_purchase", .date(Timestamps.day(last)))
            set("recency_days", .number(recency))
            set("frequency", .number(Double(inWindow.count)))
            set("monetary", .number(Self.cents(inWindow.compactMap(amount).reduce(0, +))))
            for days in [30, 90, 365] {
                let start = now - Double(days) * day
                set("purchases_\(days)d", .number(Double(purchases.filter { $0.placedAt >= start && $0.placedAt <= now }.count)))
            }
            let online = purchases.filter { $0.channel == "online" }.count
            let offline = purchases.filter { $0.channel == "offline" }.count
            set("online_orders", .number(Double(online)))
            set("offline_orders", .number(Double(offline)))
            if online + offline > 0 {
                set("online_share", .number((Double(online) / Double(online + offline) * 1000).rounded() / 1000))
                set("channel_mix", .text(online == 0 ? "offline" : offline == 0 ? "online" : "omnichannel"))
            }
            let stage: String
            if (now - first) / day <= Double(lifecycle.newDays) && purchases.count == 1 {
                stage = "new"
            } else if recency <= Double(lifecycle.activeDays) {
                stage = "active"
            } else if recency <= Double(lifecycle.lapsedDays) {
                stage = "at_risk"
            } else {
                stage = "lapsed"
            }
            set("lifecycle", .text(stage))
        }

        // Interests: purchased categories weighted by quantity and recency, plus stated interests weighted by the
        // age of the response that stated them.
        let halfLife = settings.interestHalfLifeDays * day
        func decay(_ at: Double) -> Double { pow(0.5, max(0, now - at) / halfLife) }
        var categoryWeight: [String: Double] = [:]
        for order in purchases {
            let weight = decay(order.placedAt)
            for line in order.lines {
                if let category = line.category { categoryWeight[category, default: 0] += weight * max(line.quantity, 0) }
            }
        }
        set("favourite_category", Self.top(categoryWeight, 1).first.map(ProfileValue.text))
        var interestWeight = categoryWeight
        for customer in facts.customers {
            for interest in customer.interests { interestWeight[interest, default: 0] += decay(customer.source.at) }
        }
        let top = Self.top(interestWeight, 3)
        if !top.isEmpty { set("top_interests", .list(top)) }

        let scored = facts.feedback.filter { $0.nps != nil }.max { ($0.at, $0.source.recordID) < ($1.at, $1.source.recordID) }
        if let scored, let nps = scored.nps {
            set("nps", .number(nps))
            set("nps_class", .text(scored.npsClass ?? (nps >= 9 ? "promoter" : nps >= 7 ? "passive" : "detractor")))
            set("nps_at", .date(Timestamps.day(scored.at)))
        }
        set("feedback_count", .number(Double(facts.feedback.count)))
        set("event_count", .number(Double(facts.events.count)))
        set("last_event", facts.events.map(\.at).max().map { .date(Timestamps.day($0)) })
    }

    /// Whole years from a `YYYY-MM-DD` birth date to `now`, counting a birthday only once it has come.
    static func age(born: String, today: (year: Int, month: Int, day: Int)) -> Int? {
        let parts = born.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var years = today.year - parts[0]
        if (today.month, today.day) < (parts[1], parts[2]) { years -= 1 }
        return years
    }

    /// Money rounded to cents, so sums of many orders compare equal however they were added up.
    static func cents(_ amount: Double) -> Double { (amount * 100).rounded() / 100 }

    /// The `count` heaviest keys, heaviest first; ties by name.
    static func top(_ weights: [String: Double], _ count: Int) -> [String] {
        weights.filter { $0.value > 0 }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(count).map(\.key)
    }

    // MARK: Declared traits

    private func declared(_ trait: TraitDefinition, _ facts: ProfileFacts) -> ProfileValue? {
        let windowStart = trait.windowDays.map { now - Double($0) * 86_400 }
        var items: [(at: Double, value: (String) -> ProfileValue?)] = []
        func consider(_ at: Double, _ value: @escaping (String) -> ProfileValue?) {
            if let windowStart, at < windowStart || at > now { return }
            if let filter = trait.filter, !filter.matches(value) { return }
            items.append((at, value))
        }
        switch trait.stream {
        case .orders:
            for order in facts.orders where isPurchase(order) || trait.filter?.fieldsUsed.contains("status") == true {
                consider(order.placedAt, orderValue(order))
            }
        case .orderLines:
            for order in facts.orders where isPurchase(order) || trait.filter?.fieldsUsed.contains("status") == true {
                for line in order.lines { consider(order.placedAt, lineValue(line, of: order)) }
            }
        case .events:
            for event in facts.events { consider(event.at, eventValue(event)) }
        case .feedback:
            for response in facts.feedback { consider(response.at, feedbackValue(response)) }
        }
        if trait.aggregate == .count { return .number(Double(items.count)) }
        guard let field = trait.field else { return nil }
        let values = items.sorted { $0.at < $1.at }.compactMap { $0.value(field) }
        switch trait.aggregate {
        case .count: return .number(Double(items.count))
        case .sum, .avg:
            let numbers = values.compactMap { if case .number(let n) = $0 { return n } else { return nil } }
            if trait.aggregate == .sum { return .number(Self.cents(numbers.reduce(0, +))) }
            return numbers.isEmpty ? nil : .number(Self.cents(numbers.reduce(0, +) / Double(numbers.count)))
        case .min: return values.min(by: Self.less)
        case .max: return values.max(by: Self.less)
        case .first: return values.first
        case .last: return values.last
        case .mostFrequent:
            var counts: [String: Int] = [:]
            for value in values { for text in Self.texts(value) { counts[text, default: 0] += 1 } }
            return counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }.map { .text($0.key) }
        case .uniqueList:
            let unique = Set(values.flatMap(Self.texts)).sorted()
            return unique.isEmpty ? nil : .list(unique)
        }
    }

    static func texts(_ value: ProfileValue) -> [String] {
        switch value {
        case .text(let text), .date(let text): return [text]
        case .list(let list): return list
        case .number(let number): return [number == number.rounded() ? String(Int(number)) : String(number)]
        case .bool(let bool): return [String(bool)]
        }
    }

    static func less(_ a: ProfileValue, _ b: ProfileValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y
        case (.text(let x), .text(let y)), (.date(let x), .date(let y)): return Array(x.utf8).lexicographicallyPrecedes(y.utf8)
        default: return false
        }
    }

    private func orderValue(_ order: OrderFacts) -> (String) -> ProfileValue? {
        let amount = amount(order)
        return { field in
            switch field {
            case "id": return .text(order.id)
            case "total": return amount.map(ProfileValue.number)
            case "channel": return order.channel.map(ProfileValue.text)
            case "store_id": return order.storeID.map(ProfileValue.text)
            case "currency": return order.currency.map(ProfileValue.text)
            case "status": return order.status.map(ProfileValue.text)
            case "categories":
                let list = Set(order.lines.compactMap(\.category)).sorted()
                return list.isEmpty ? nil : .list(list)
            case "skus":
                let list = Set(order.lines.compactMap(\.sku)).sorted()
                return list.isEmpty ? nil : .list(list)
            case "line_count": return .number(Double(order.lines.count))
            case "placed_at": return .date(Timestamps.day(order.placedAt))
            case "connector": return .text(order.source.connector)
            default: return nil
            }
        }
    }

    private func lineValue(_ line: OrderLineFacts, of order: OrderFacts) -> (String) -> ProfileValue? {
        { field in
            switch field {
            case "sku": return line.sku.map(ProfileValue.text)
            case "name": return line.name.map(ProfileValue.text)
            case "category": return line.category.map(ProfileValue.text)
            case "qty": return .number(line.quantity)
            case "unit_price": return line.unitPrice.map(ProfileValue.number)
            case "total": return (line.total ?? line.unitPrice.map { $0 * line.quantity }).map(ProfileValue.number)
            case "channel": return order.channel.map(ProfileValue.text)
            case "store_id": return order.storeID.map(ProfileValue.text)
            case "status": return order.status.map(ProfileValue.text)
            case "placed_at": return .date(Timestamps.day(order.placedAt))
            case "connector": return .text(order.source.connector)
            default: return nil
            }
        }
    }

    private func eventValue(_ event: EventFacts) -> (String) -> ProfileValue? {
        { field in
            switch field {
            case "type": return .text(event.type)
            case "category": return event.category.map(ProfileValue.text)
            case "sku": return event.sku.map(ProfileValue.text)
            case "timestamp": return .date(Timestamps.day(event.at))
            case "connector": return .text(event.source.connector)
            default: return nil
            }
        }
    }

    private func feedbackValue(_ response: FeedbackFacts) -> (String) -> ProfileValue? {
        { field in
            switch field {
            case "form_id": return .text(response.formID)
            case "nps": return response.nps.map(ProfileValue.number)
            case "csat": return response.csat.map(ProfileValue.number)
            case "nps_class": return response.npsClass.map(ProfileValue.text)
            case "topics": return response.topics.isEmpty ? nil : .list(response.topics)
            case "sentiment": return response.sentiment.map(ProfileValue.number)
            case "submitted_at": return .date(Timestamps.day(response.at))
            case "connector": return .text(response.source.connector)
            default: return nil
            }
        }
    }
}
