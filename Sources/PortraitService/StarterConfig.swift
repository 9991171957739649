/// The commented `portrait.yml` that `portrait init` writes.
public enum StarterConfig {
    public static let text = #"""
        # portrait.yml: what Portrait reads, how it maps it, and where it keeps it.
        # Reference: docs/CONFIG.md. Validate with `portrait check`.
        version: 1

        store:
          # SQLite file, relative to this file. One file, WAL mode; back it up like any database file.
          path: .portrait/portrait.db

        # Each connector is one source. `kind` is a connector kind (`portrait connectors list`);
        # `enabled: false` keeps it configured but skipped by `portrait sync` and `portrait check`.
        # Secrets never go in this file: write ${ENV_VAR} or ${file:path/to/secret}.
        connectors:
          - name: crm-export
            kind: jsonl
            enabled: false          # set to true once data/contacts.jsonl exists
            options:
              path: data/contacts.jsonl
              id_field: id
            mapping:
              # Stream name (for jsonl: the file name without extension), or * for any stream.
              contacts:
                entity: customer
                fields:
                  identifiers.crm_id: id
                  identifiers.email: { from: email, transform: [email] }
                  identifiers.phone: { from: phone, transform: [{ phone: { country: CN } }] }
                  name: { from: name, transform: [split_name] }
                  gender: { from: gender, transform: [gender] }
                  birth_date: { from: birthday, transform: [{ date: { formats: [yyyy-MM-dd, yyyy/MM/dd] } }] }
                  address.city: { from: city, transform: [trim] }
                # Source fields not mapped above are kept in the customer's `attributes`.
        """#
}
