#!/usr/bin/env python3
"""Turns `proviso run bench/w1_*.proviso LOG --format jsonl` into W1's answer format.

Usage: proviso run … --format jsonl | w1_answer.py > answer.json
Clauses A1, A[2]…A[5], A6 are contract A's tranches 1…6; B[1]…B[10] contract B's.
Each tranche's last transition decides its status; one without any stays pending.
"""
import json
import re
import sys



def millis(ts):
    """Proviso writes 20:00:00Z or 20:00:00.5Z; W1 always writes milliseconds."""
    seconds, _, fraction = ts[:-1].partition(".")
    return "%s.%sZ" % (seconds, (fraction + "000")[:3])


answer = {}
for k in range(1, 7):
    answer[("A", k)] = {"contract": "A", "tranche": k, "status": "pending", "ts": None}
for k in range(1, 11):
    answer[("B", k)] = {"contract": "B", "tranche": k, "status": "pending", "ts": None}

for line in sys.stdin:
    if not line.strip():
        continue
    transition = json.loads(line)
    match = re.fullmatch(r"([AB])\[?(\d+)\]?", transition["clause"])
    if not match:
        sys.exit("unexpected clause " + transition["clause"])
    key = (match.group(1), int(match.group(2)))
    answer[key]["status"] = transition["to"]
    answer[key]["ts"] = millis(transition["ts"])

json.dump([answer[key] for key in sorted(answer)], sys.stdout, indent=1)
print()
