/// The world's `portrait.yml`: every silo imported by the real connectors, mapped to the canonical schema.
///
/// The CRM is the `rest` connector with the `hubspot` preset against `portrait mock-crm` serving
/// `crm/contacts.jsonl`: its address comes from `PORTRAIT_WORLD_CRM_URL` (default ``defaultCRMURL``), its token
/// from `crm/token`. Everything else is read from files under the world's folder.
enum WorldConfigFile {
    static let defaultCRMURL = "http://127.0.0.1:8089"
    static let crmURLVariable = "PORTRAIT_WORLD_CRM_URL"
    static let tokenPath = "crm/token"

    static func text(config: WorldConfig) -> String {
        let currencies = StoreCatalog.stores.map { "\($0.code): \($0.country == "CN" ? "CNY" : "USD")" }
            .joined(separator: ", ")
        let questions = """
                        - { id: nps, type: nps }
                        - { id: csat, type: csat }
                        - { id: name, type: text, profile: name }
                        - { id: email, type: text, identity: email }
                        - { id: phone, type: text, identity: phone, country: CN }
                        - { id: member_card, type: text, identity: member_card }
                        - { id: birthday, type: date, profile: birth_date }
                        - { id: comment, type: free_text }
            """
        return #"""
            # Written by `portrait generate --people \#(config.people) --seed \#(config.seed)`: a benchmark world of one
            # population seen through four silos. truth.csv says which person each record is about.
            #
            # The CRM is served by the mock CRM. From this folder, in another terminal:
            #   portrait mock-crm --port 8089 --contacts crm/contacts.jsonl --token-file crm/token
            # then `portrait sync --config portrait.yml`. Set \#(crmURLVariable) to use another address.
            # Store files are moved to drops/archive/ once imported; generate again (--force) for a fresh world.
            version: 1
            store:
              path: .portrait/portrait.db
            connectors:
              # CRM contacts through the HubSpot-style API: names in two fields, phones as a company in China
              # writes them (Chinese numbers nationally, others with their country code).
              - name: \#(WorldConnectors.crm.connector)
                kind: rest
                options:
                  preset: hubspot
                  base_url: "${\#(crmURLVariable):-\#(defaultCRMURL)}"
                  auth: { type: bearer, token: "${file:\#(tokenPath)}" }
                mapping:
                  \#(WorldConnectors.crm.stream):
                    entity: customer
                    fields:
                      identifiers.crm_id: id
                      identifiers.email: { from: properties.email, transform: [email] }
                      identifiers.phone: { from: properties.phone, transform: [{ phone: { country: CN } }] }
                      name.given: properties.firstname
                      name.family: properties.lastname
                      address.city: properties.city

              # The online shop's order feed: the customer block in a namespace of its own (some orders declare it
              # as the default namespace; elements match by URI). US numbers are written nationally here.
              - name: \#(WorldConnectors.orders.connector)
                kind: xml_feed
                options:
                  path: \#(OrderFeed.path)
                  namespaces: { shop: "\#(OrderFeed.shopNamespace)", cust: "\#(OrderFeed.customerNamespace)" }
                  record: /shop:feed/shop:order
                  id_field: id
                  fields:
                    id: "@id"
                    placed: shop:placed
                    name: cust:customer/cust:name
                    email: cust:customer/cust:email
                    phone: cust:customer/cust:phone
                    member_card: cust:customer/cust:member_card
                    birth_date: cust:customer/cust:birth_date
                    address.line1: cust:customer/cust:address/cust:line1
                    address.city: cust:customer/cust:address/cust:city
                    address.postcode: cust:customer/cust:address/cust:postcode
                    address.country: cust:customer/cust:address/cust:country
                    total: shop:total
                    currency: shop:total/@currency
                    lines: { each: shop:lines/shop:line, fields: { sku: "@sku", qty: "@qty", price: shop:price } }
                mapping:
                  \#(WorldConnectors.orders.stream):
                    entity: order
                    fields:
                      id: id
                      placed_at: { from: placed, transform: [{ datetime: { formats: [iso8601] } }] }
                      channel: { const: online }
                      total: { from: total, transform: [decimal], required: true }
                      currency: currency
                      customer.identifiers.email: { from: email, transform: [email] }
                      customer.identifiers.phone: { from: phone, transform: [{ phone: { country: US } }] }
                      customer.identifiers.member_card: member_card
                      customer.name: { from: name, transform: [split_name] }
                      customer.birth_date: { from: birth_date, transform: [{ date: { formats: [yyyy-MM-dd] } }] }
                      customer.address.line1: address.line1
                      customer.address.city: address.city
                      customer.address.postcode: address.postcode
                      customer.address.country: address.country
                      lines:
                        from: lines
                        each:
                          sku: sku
                          qty: { from: qty, transform: [decimal] }
                          unit_price: { from: price, transform: [decimal] }

              # Store member lists, one file per store (GB18030, UTF-8 with BOM or UTF-8; detected), headers
              # spelled `member_card` or `Member Card` (the same column to the connector).
              - name: \#(WorldConnectors.members.connector)
                kind: csv_drop
                options: { folder: drops, glob: "members_*.csv", stream: \#(WorldConnectors.members.stream), id_field: member_card, complete_when: renamed }
                mapping:
                  \#(WorldConnectors.members.stream):
                    entity: customer
                    fields:
                      identifiers.member_card: member_card
                      name: { from: name, transform: [split_name] }
                      identifiers.phone: { from: phone, transform: [{ phone: { country: CN } }] }
                      gender: { from: gender, transform: [gender] }
                      birth_date: { from: birth_date, transform: [{ date: { formats: [yyyy-MM-dd, yyyy/MM/dd, MM/dd/yyyy] } }] }
                      # store_id and joined_at are kept under attributes.

              # Till receipts: Chinese stores write local time, US stores UTC with its Z.
              - name: \#(WorldConnectors.receipts.connector)
                kind: csv_drop
                options: { folder: drops, glob: "receipts_*.csv", stream: \#(WorldConnectors.receipts.stream), id_field: receipt_id, complete_when: renamed }
                mapping:
                  \#(WorldConnectors.receipts.stream):
                    entity: order
                    fields:
                      id: receipt_id
                      store_id: store_id
                      placed_at: { from: timestamp, transform: [{ datetime: { formats: ["yyyy-MM-dd HH:mm:ss"], time_zone: Asia/Shanghai } }] }
                      total: { from: amount, transform: [decimal], required: true }
                      currency: { from: store_id, transform: [{ map: { values: { \#(currencies) } } }] }
                      channel: { const: offline }
                      lines[0].category: category
                      customer.identifiers.member_card: member_card
                      customer.identifiers.phone: { from: phone, transform: [{ phone: { country: CN } }] }
                      customer.name: { from: name, transform: [split_name] }

              # The survey tool's export: the forms are the mapping (identities normalised, NPS classed, comments
              # tagged). The name question fills the respondent's name (profile: name).
              - name: \#(WorldConnectors.survey.connector)
                kind: survey
                options:
                  path: \#(SurveyResponses.path)
                  forms:
                    post-purchase:
                      questions:
            \#(questions)
                    store-exit:
                      questions:
            \#(questions)

            """#
    }
}
