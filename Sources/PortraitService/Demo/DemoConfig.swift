/// The demo workspace's `portrait.yml`: the connectors this build can run, over the bundled samples.
enum DemoConfig {
    /// The config for a demo whose mock CRM listens at `crmURL` (port `crmPort`).
    static func text(crmURL: String, crmPort: Int) -> String {
        #"""
        # Written by `portrait demo`. Edit it and run `portrait sync` again to see what changes.
        version: 1
        store:
          path: .portrait/portrait.db
        connectors:
          # A CRM's contacts, pulled page by page from its REST API (HubSpot style), then only what changed.
          # During `portrait demo` a bundled mock CRM answers on loopback; to sync it again later, run
          # `portrait mock-crm --port \#(crmPort) --token-file \#(DemoCRM.tokenFile)` in another terminal.
          - name: crm
            kind: rest
            options:
              preset: hubspot
              base_url: "\#(crmURL)"
              auth: { type: bearer, token: "${file:\#(DemoCRM.tokenFile)}" }
            mapping:
              contacts:
                entity: customer
                fields:
                  identifiers.crm_id: id
                  identifiers.email: { from: properties.email, transform: [email] }
                  identifiers.phone: { from: properties.phone, transform: [{ phone: { country: CN } }] }
                  name.given: properties.firstname
                  name.family: properties.lastname
                  address.city: properties.city

          # Survey and feedback forms. The demo posts signed responses to its own intake (what `portrait run`
          # serves: POST /v1/forms/{form}/responses) and imports the form tool's export from samples/survey/.
          # The form definitions are the mapping: answers are checked, identities normalised, NPS classed, and
          # free text tagged (price, delivery, staff, app, quality) and scored, with the words that did it.
          - name: survey
            kind: survey
            options:
              path: samples/survey/responses.jsonl
              forms:
                post-purchase:
                  secret: "${file:\#(DemoSurvey.secretFile)}"
                  questions:
                    - { id: nps, type: nps }
                    - { id: email, type: text, identity: email }
                    - { id: member_card, type: text, identity: member_card }
                    - { id: favourite, type: single_choice, choices: [sports, beauty, home, grocery], profile: interest }
                    - { id: news, type: consent, channel: email, purpose: marketing }
                    - { id: comment, type: free_text }
                store-exit:
                  secret: "${file:\#(DemoSurvey.secretFile)}"
                  questions:
                    - { id: nps, type: nps }
                    - { id: email, type: text, identity: email }
                    - { id: member_card, type: text, identity: member_card }
                    - { id: favourite, type: single_choice, choices: [sports, beauty, home, grocery], profile: interest }
                    - { id: news, type: consent, channel: email, purpose: marketing }
                    - { id: comment, type: free_text }

          # Receipts and member lists that the stores' tills drop into a folder. Each file is imported once
          # (by SHA-256), then moved to samples/stores/archive/. The member list is a GB18030 export with
          # Chinese column names; the encoding and the delimiter are detected.
          - name: store-receipts
            kind: csv_drop
            options: { folder: samples/stores, glob: "pos_*.csv", stream: receipts, id_field: receipt_id, complete_when: renamed }
            mapping:
              receipts:
                entity: order
                fields:
                  id: receipt_id
                  store_id: store_id
                  placed_at: { from: timestamp, transform: [{ datetime: { formats: ["yyyy-MM-dd HH:mm:ss"], time_zone: Asia/Shanghai } }] }
                  total: { from: amount, transform: [decimal], required: true }
                  currency: { const: CNY }
                  channel: { const: offline }
                  lines[0].category: category
                  customer.identifiers.member_card: member_card
                  customer.identifiers.phone: { from: phone, transform: [{ phone: { country: CN } }] }
                  customer.name: { from: name, transform: [split_name] }

          - name: store-members
            kind: csv_drop
            options: { folder: samples/stores, glob: "members_*.csv", stream: members, id_field: 会员卡号, complete_when: renamed }
            mapping:
              members:
                entity: customer
                fields:
                  identifiers.member_card: 会员卡号
                  name: { from: 姓名, transform: [split_name] }
                  identifiers.phone: { from: 手机, transform: [{ phone: { country: CN } }] }
                  birth_date: { from: 生日, transform: [{ date: { formats: [yyyy-MM-dd, yyyy/MM/dd] } }] }

          # An e-commerce platform's order feed (namespaced XML), streamed through libxml2. Elements match by
          # namespace URI: the file writes this namespace as shop:, this config as o:. Each <o:line> becomes an
          # order line; `each` maps them into the canonical lines.
          - name: shop-orders
            kind: xml_feed
            options:
              path: samples/feed/orders.xml
              namespaces: { o: "https://shop.example.com/ns/feed" }
              record: /o:feed/o:order
              id_field: id
              updated_field: updated
              fields:
                id: "@id"
                placed: "@placed"
                updated: "@updated"
                email: o:customer/o:email
                name: o:customer/o:name
                total: o:total
                currency: o:total/@currency
                lines: { each: o:line, fields: { sku: "@sku", category: "@category", qty: "@qty", price: "@price" } }
            mapping:
              order:
                entity: order
                fields:
                  id: id
                  placed_at: { from: placed, transform: [{ datetime: { formats: [iso8601] } }] }
                  channel: { const: online }
                  total: { from: total, transform: [decimal], required: true }
                  currency: currency
                  customer.identifiers.email: { from: email, transform: [email] }
                  customer.name: { from: name, transform: [split_name] }
                  lines:
                    from: lines
                    each:
                      sku: sku
                      category: category
                      qty: { from: qty, transform: [decimal] }
                      unit_price: { from: price, transform: [decimal] }
        """#
    }
}
