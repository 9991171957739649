"""Load for benchmarks/survey-intake.sh where wrk is not installed: Python threads posting pre-signed responses.

Usage: post.py URL SECONDS CONNECTIONS BODIES_FILE

Each connection is a thread with one keep-alive HTTP/1.1 connection that posts every CONNECTIONS-th line of
BODIES_FILE ("<signature>\t<body>") until SECONDS have passed, and waits for the answer of its last post. Prints
what benchmarks/survey/intake.lua prints for wrk: the answers by status and latency percentiles. Much slower than
wrk (the interpreter's lock serialises the clients): a figure made with it measures this client as much as
Portrait, and the script says so.
"""

import http.client
import itertools
import sys
import threading
import time
import urllib.parse


def main() -> None:
    url, seconds, connections, bodies_file = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    parts = urllib.parse.urlsplit(url)
    lines = open(bodies_file, encoding="utf-8").read().splitlines()
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    counts = {"created": 0, "duplicate": 0, "other": 0}
    latencies: list[float] = []
    errors: list[str] = []

    def client(index: int) -> None:
        mine = lines[index::connections]
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        created = duplicate = other = 0
        times: list[float] = []
        try:
            for position in itertools.count():
                if time.monotonic() >= deadline:
                    break
                signature, body = mine[min(position, len(mine) - 1)].split("\t", 1)
                start = time.monotonic()
                connection.request(
                    "POST", parts.path, body=body.encode(),
                    headers={"Content-Type": "application/json", "X-Portrait-Signature": signature})
                response = connection.getresponse()
                response.read()
                times.append(time.monotonic() - start)
                if response.status == 201:
                    created += 1
                elif response.status == 200:
                    duplicate += 1
                else:
                    other += 1
        except Exception as error:  # reported below: a client that fails must not pass for a slow one
            errors.append(f"connection {index}: {error!r}")
        finally:
            connection.close()
        with lock:
            counts["created"] += created
            counts["duplicate"] += duplicate
            counts["other"] += other
            latencies.extend(times)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for error in errors:
        print(f"post.py: {error}", file=sys.stderr)
    print(f"answers: 201 {counts['created']}, 200 {counts['duplicate']}, other {counts['other']}")
    latencies.sort()
    if latencies:
        def percentile(p: float) -> float:
            return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000
        print(f"p50 {percentile(50):.1f} ms, p99 {percentile(99):.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
