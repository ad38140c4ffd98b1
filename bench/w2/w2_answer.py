#!/usr/bin/env python3
"""Turns `proviso run bench/w2/note.proviso --instances NOTES.csv LOG --format jsonl` (on
standard input) into W2's answer (../shared/bench/w2/README.md): 3 rows per note, sorted by
note and clause, with status triggered, matured (Proviso's `lapsed`) or pending.

Usage: proviso run … --format jsonl | python3 bench/w2/w2_answer.py NOTES.csv
"""
import csv
import json
import sys
from datetime import datetime, timezone

CLAUSES = ("FullyConverted", "Reset", "SoftCall")
STATUS = {"triggered": "triggered", "lapsed": "matured"}


def millis(ts):
    """Proviso's UTC instant ("2026-01-30T21:00:00Z", "…:00.5Z") as the log writes it."""
    text = ts[:-1]
    if "." not in text:
        text += ".0"
    when = datetime.strptime(text[:26], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], newline="") as f:
        notes = [row["note"] for row in csv.DictReader(f)]
    rows = {(n, c): {"note": n, "clause": c, "status": "pending", "ts": None}
            for n in notes for c in CLAUSES}
    for line in sys.stdin:
        line = line.strip()
        if not line.startswith("{"):
            continue
        t = json.loads(line)
        if "instance" not in t or t.get("to") not in STATUS:
            continue
        rows[(t["instance"], t["clause"])].update(status=STATUS[t["to"]], ts=millis(t["ts"]))
    json.dump([rows[k] for k in sorted(rows)], sys.stdout, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
