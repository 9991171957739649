"""lxml parses the xml-feed benchmark's order feed with iterparse and extracts the fields Portrait's xml_feed
connector is configured to read (benchmarks/xml-feed.sh): id and status attributes, placed, the customer's member
attribute, email, name and phone in the second namespace, total and its currency, the note, and every order line's
sku, qty, name and price. Each order becomes a dict, as the connector's record; nothing is stored.

Usage: lxml_xml.py FEED.xml
Prints one line: case, orders, unit, seconds, peak RSS KiB, note (tab-separated), as benchmarks/lib.sh's figures.
"""

import os
import resource
import sys
import time

from lxml import etree

SHOP = "{urn:example:shop}"
CUSTOMER = "{urn:example:customer}"


def text(element, path):
    found = element.find(path)
    return found.text if found is not None else None


def main() -> None:
    path = sys.argv[1]
    start = time.monotonic()
    orders = lines = 0
    for _, order in etree.iterparse(path, events=("end",), tag=f"{SHOP}order", resolve_entities=False):
        customer = order.find(f"{CUSTOMER}customer")
        total = order.find(f"{SHOP}total")
        record = {
            "id": order.get("id"),
            "status": order.get("status"),
            "placed": text(order, f"{SHOP}placed"),
            "member": customer.get("member") if customer is not None else None,
            "email": text(order, f"{CUSTOMER}customer/{CUSTOMER}email"),
            "name": text(order, f"{CUSTOMER}customer/{CUSTOMER}name"),
            "phone": text(order, f"{CUSTOMER}customer/{CUSTOMER}phone"),
            "total": total.text if total is not None else None,
            "currency": total.get("currency") if total is not None else None,
            "note": text(order, f"{SHOP}note"),
            "lines": [
                {"sku": line.get("sku"), "qty": line.get("qty"), "name": text(line, f"{SHOP}name"),
                 "price": text(line, f"{SHOP}price")}
                for line in order.iterfind(f"{SHOP}lines/{SHOP}line")
            ],
        }
        orders += 1
        lines += len(record["lines"])
        order.clear()
        while order.getprevious() is not None:  # the parsed orders before this one: free them as they go
            del order.getparent()[0]
    seconds = time.monotonic() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    mbps = os.path.getsize(path) / 1e6 / seconds
    print(f"lxml {etree.__version__}: iterparse, the connector's fields into dicts\t{orders}\torders\t{seconds}\t{rss}\t"
          f"{mbps:.1f} MB/s, {lines} order lines, one core, nothing stored")


if __name__ == "__main__":
    main()
