#!/usr/bin/env bash
# Throughput of one sync: JSONL file → mapping → validation → SQLite, in a release build.
# Usage: benchmarks/sync-jsonl.sh [RECORDS]   (default 200000)
# Syncs run with --no-resolve: the import alone (identity resolution has benchmarks/identity-resolve.sh).
# Prints wall time, records per second and peak memory for a first sync (all new) and a second one from the
# start (all unchanged: the effectively-once path).
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-200000}
source benchmarks/lib.sh
bench_workdir
rm -rf "$work/.portrait"   # the default store of the config below: a fresh one each run

python3 - "$records" > "$work/contacts.jsonl" <<'PY'
import json, random, sys
random.seed(7)
given = ["Ana", "John", "Mary", "Wei", "Li", "Min", "Sara", "Tom"]
family = ["Garcia", "Smith", "Wang", "Li", "Zhang", "Chen", "Brown", "Lopez"]
for i in range(int(sys.argv[1])):
    email = f"user{i}@example.com" if i % 10 else f"user{i}(at)example.com"  # every tenth is quarantined
    print(json.dumps({
        "id": str(i),
        "properties": {
            "email": email,
            "phone": f"138{i:08d}",
            "name": f"{random.choice(given)} {random.choice(family)}",
            "gender": random.choice(["M", "F", "男", "女"]),
            "birthday": f"19{random.randint(50, 99)}-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}",
            "city": random.choice(["Shanghai", "Beijing", "New York"]),
            "score": random.randint(0, 100),
        },
        "updatedAt": "2024-05-01T10:00:00Z",
    }, ensure_ascii=False))
PY

cat > "$work/portrait.yml" <<'YML'
connectors:
  - name: crm
    kind: jsonl
    options: { path: contacts.jsonl }
    mapping:
      contacts:
        entity: customer
        fields:
          identifiers.crm_id: id
          identifiers.email: { from: properties.email, transform: [email] }
          identifiers.phone: { from: properties.phone, transform: [{ phone: { country: CN } }] }
          name: { from: properties.name, transform: [split_name] }
          gender: { from: properties.gender, transform: [gender] }
          birth_date: { from: properties.birthday, transform: [{ date: { formats: [yyyy-MM-dd] } }] }
          address.city: properties.city
YML

bench_bytes=$(stat -c %s "$work/contacts.jsonl")
bench_run "first sync (all new)" "$records" records sync --no-resolve
bench_run "second sync from the start (all unchanged)" "$records" records sync --full --no-resolve
