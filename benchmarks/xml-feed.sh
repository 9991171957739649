#!/usr/bin/env bash
# Throughput of an xml_feed import: namespaced order feed → libxml2 streaming reader → mapping (order lines with
# `each`) → validation → SQLite, in a release build.
# Usage: benchmarks/xml-feed.sh [ORDERS]   (default 150000: a ~100 MB feed; 1500000 gives ~1 GB)
# Syncs run with --no-resolve: the import alone (identity resolution has benchmarks/identity-resolve.sh).
# Prints wall time, MB/s, orders per second and peak memory for:
#   1. the first import (all orders new), from file to committed store;
#   2. a re-import of the same file (`sync --full` forgets the file's hash; every order is unchanged).
# Set KEEP=1 to keep the work folder (its path is printed), or BENCH_WORK=DIR to work in DIR and keep it
# (benchmarks/compare/lxml-xml.sh parses the same orders.xml from there).
set -euo pipefail
cd "$(dirname "$0")/.."
orders=${1:-150000}
source benchmarks/lib.sh
bench_workdir
rm -f "$work"/portrait.db*

# Orders as a shop platform exports them: the feed's namespace under the prefix o, the customer block in a second
# namespace declared on each order (config uses other prefixes), attributes, 1-4 lines, a CDATA note. Every
# 1000th order has a total that is not a number and goes to quarantine.
awk -v orders="$orders" 'BEGIN {
  srand(7)
  split("Trail shoe,Sock pack,Rain jacket,Tea tin,Yoga mat,Water bottle,Backpack,Cap", products, ",")
  split("王小明,李娜,张伟,Ana Garcia,John Smith,陈静,Mary Brown,刘洋", names, ",")
  print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  print "<o:feed xmlns:o=\"urn:example:shop\" generated=\"2026-03-15T00:00:00Z\">"
  for (i = 1; i <= orders; i++) {
    lines = 1 + i % 4
    printf "  <o:order id=\"SO-%08d\" status=\"paid\" updated=\"2026-%02d-%02dT%02d:%02d:%02dZ\">\n", i, 1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60
    printf "    <o:placed>2026-%02d-%02dT%02d:%02d:%02d+08:00</o:placed>\n", 1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60
    printf "    <c:customer xmlns:c=\"urn:example:customer\" member=\"M%07d\">\n", i % 400000
    printf "      <c:email>User%d@Example.com</c:email>\n      <c:name>%s</c:name>\n      <c:phone>138%08d</c:phone>\n    </c:customer>\n", i % 400000, names[1 + i % 8], i % 100000000
    printf "    <o:lines>\n"
    total = 0
    for (l = 1; l <= lines; l++) {
      qty = 1 + (i + l) % 3; price = int(rand() * 20000) / 100; total += qty * price
      printf "      <o:line sku=\"SKU-%04d\" qty=\"%d\"><o:name>%s</o:name><o:price>%.2f</o:price></o:line>\n", (i * l) % 5000, qty, products[1 + (i + l) % 8], price
    }
    printf "    </o:lines>\n"
    if (i % 1000 == 0) printf "    <o:total currency=\"CNY\">n/a</o:total>\n"; else printf "    <o:total currency=\"CNY\">%.2f</o:total>\n", total
    if (i % 10 == 0) printf "    <o:note><![CDATA[gift wrap & a card <please>]]></o:note>\n"
    printf "  </o:order>\n"
  }
  print "</o:feed>"
}' > "$work/orders.xml"

cat > "$work/portrait.yml" <<'YML'
store:
  path: portrait.db
connectors:
  - name: shop
    kind: xml_feed
    options:
      path: orders.xml
      namespaces: { shop: "urn:example:shop", cust: "urn:example:customer" }
      record: /shop:feed/shop:order
      id_field: id
      fields:
        id: "@id"
        status: "@status"
        placed: shop:placed
        member: cust:customer/@member
        email: cust:customer/cust:email
        name: cust:customer/cust:name
        phone: cust:customer/cust:phone
        total: shop:total
        currency: shop:total/@currency
        note: shop:note
        lines: { each: shop:lines/shop:line, fields: { sku: "@sku", qty: "@qty", name: shop:name, price: shop:price } }
    mapping:
      order:
        entity: order
        fields:
          id: id
          status: status
          placed_at: { from: placed, transform: [{ datetime: { formats: [iso8601] } }] }
          channel: { const: online }
          total: { from: total, transform: [decimal], required: true }
          currency: currency
          customer.identifiers.member_card: member
          customer.identifiers.email: { from: email, transform: [email] }
          customer.identifiers.phone: { from: phone, transform: [{ phone: { country: CN } }] }
          customer.name: { from: name, transform: [split_name] }
          lines:
            from: lines
            each:
              sku: sku
              name: name
              qty: { from: qty, transform: [decimal] }
              unit_price: { from: price, transform: [decimal] }
YML

# The feed reaches the disk before it is imported: otherwise the kernel writes the just-generated 100 MB back
# while the first import runs, and that import measures the generator's write-back as much as Portrait.
sync "$work/orders.xml"
bench_bytes=$(stat -c %s "$work/orders.xml")
echo "order feed: $orders orders, $(( bench_bytes / 1000000 )) MB"
if command -v xmllint >/dev/null; then
  start=$(date +%s.%N); xmllint --stream --noout "$work/orders.xml"; end=$(date +%s.%N)
  python3 -c "print(f'xmllint --stream --noout (reference): {$bench_bytes / 1e6 / ($end - $start):.0f} MB/s')"
fi

# The note of each figure starts with the feed's megabytes per second of wall time, end to end.
bench_run "first import (all new)" "$orders" orders sync --no-resolve
bench_run "re-import of the same file (all unchanged)" "$orders" orders sync --full --no-resolve
