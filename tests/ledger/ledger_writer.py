"""A separate process recording decisions into a ledger, for the concurrency and kill -9 tests.

Usage: ledger_writer.py URL PREFIX START COUNT go|now

Records keys PREFIX-START .. PREFIX-(START+COUNT-1) in order and prints each number once its append
has returned. It prints "ready" first; with `go` it then waits for a line on stdin, so that many
writers can be started and released at the same moment.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    url, prefix, start, count, mode = argv[1], argv[2], int(argv[3]), int(argv[4]), argv[5]
    if url.startswith("postgres"):
        import psycopg  # noqa: F401  (imported before "ready" so start-up is not timed)
    from gatekeeper.ledger import open_ledger

    ledger = open_ledger(url)
    print("ready", flush=True)
    if mode == "go":
        sys.stdin.readline()
    for number in range(start, start + count):
        entry = {
            "decision": "pass" if number % 3 else "fail",
            "gate": "delivering",
            "who": f"writer {prefix}",
            "role": "sponsor",
            "note": f"decision {number} by {prefix}: ünïcode kept as text",
            "files": {f"evidence/doc-{number}.pdf": f"{number:064x}"},
        }
        ledger.append(entry, key=f"{prefix}-{number}")
        print(number, flush=True)
    ledger.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
