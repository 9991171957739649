/// The demo workspace's `portrait.yml`: the connectors this build can run, over the bundled samples.
enum DemoConfig {
    static let text = #"""
        # Written by `portrait demo`. Edit it and run `portrait sync` again to see what changes.
        version: 1
        store:
          path: .portrait/portrait.db
        connectors:
          # A CRM's contacts, exported as JSON Lines (the REST connector will pull them live).
          - name: crm
            kind: jsonl
            options:
              path: samples/crm/contacts.jsonl
              deleted_field: archived
            mapping:
              contacts:
                entity: customer
                fields:
                  identifiers.crm_id: id
                  identifiers.email: { from: properties.email, transform: [email] }
                  identifiers.phone: { from: properties.phone, transform: [{ phone: { country: CN } }] }
                  name: { from: properties.name, transform: [split_name] }
                  gender: { from: properties.gender, transform: [gender] }
                  birth_date: { from: properties.birthday, transform: [{ date: { formats: [yyyy-MM-dd, yyyy/MM/dd] } }] }
                  address.city: properties.city

          # Survey responses exported from a form tool.
          - name: survey-export
            kind: jsonl
            options:
              path: samples/survey/responses.jsonl
              id_field: response_id
            mapping:
              responses:
                entity: feedback
                fields:
                  id: response_id
                  form_id: form
                  submitted_at: { from: submitted_at, transform: [{ datetime: { formats: [iso8601] } }] }
                  respondent.identifiers.email: { from: email, transform: [email] }
                  respondent.identifiers.member_card: member_card
                  scores.nps: { from: nps, transform: [decimal] }
                  text: comment
        """#
}
