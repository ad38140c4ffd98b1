#!/usr/bin/env python3
"""Writes contracts/logs/amd_openai.jsonl, the bundled example log for the AMD warrant.

Usage: scripts/make-example-log.py PROVISO_BINARY > contracts/logs/amd_openai.jsonl

One AMD close per NYSE trading day (holidays from `proviso calendar NYSE YEAR`), on a made-up
but plausible path from 165 USD (January 2026) to 640 USD (December 2029), deployments of AMD
and NVIDIA GPUs, the milestones, and a 2-for-1 split in July 2029 (closes after it are halved).
Deterministic: the same output every time.
"""
import datetime as dt
import json
import math
import subprocess
import sys

proviso = sys.argv[1]
holidays = set()
for year in range(2026, 2030):
    listing = subprocess.run([proviso, "calendar", "NYSE", str(year)], check=True,
                             capture_output=True, text=True).stdout
    holidays.update(line.split()[0] for line in listing.splitlines())

# Price knots (date, USD); log-linear between them, with a small deterministic wobble.
knots = [(dt.date(2026, 1, 2), 165), (dt.date(2026, 9, 1), 230), (dt.date(2027, 3, 1), 285),
         (dt.date(2027, 9, 1), 330), (dt.date(2028, 3, 1), 420), (dt.date(2028, 11, 1), 510),
         (dt.date(2029, 6, 1), 600), (dt.date(2029, 12, 31), 640)]


def price(day):
    for (d0, p0), (d1, p1) in zip(knots, knots[1:]):
        if d0 <= day <= d1:
            t = (day - d0).days / (d1 - d0).days
            base = p0 * math.exp(t * math.log(p1 / p0))
            return round(base * (1 + 0.03 * math.sin(day.toordinal() / 3.0)), 2)
    raise ValueError(day)


deployments = [  # (date, vendor, MW)
    ("2026-03-02", "AMD", 250), ("2026-05-04", "NVIDIA", 1200), ("2026-07-01", "AMD", 450),
    ("2026-09-15", "AMD", 320), ("2026-11-02", "AMD", -20), ("2027-02-01", "AMD", 600),
    ("2027-06-01", "AMD", 700), ("2027-10-01", "AMD", 500), ("2028-02-01", "AMD", 800),
    ("2028-07-03", "AMD", 900), ("2029-01-02", "AMD", 600), ("2029-05-01", "AMD", 500),
    ("2029-09-04", "AMD", 450),
]
milestones = [("2026-12-01", "technical_certification"), ("2027-09-01", "commercial_readiness"),
              ("2029-03-15", "pilot_cluster"), ("2029-10-01", "final_tech")]
# A 2-for-1 split: closes from that day on are half the pre-split path.
SPLIT = dt.date(2029, 7, 2)

events = []
for date, vendor, mw in deployments:
    events.append((date + "T14:00:00Z", {"type": "deployment", "vendor": vendor, "mw": mw}))
for date, name in milestones:
    events.append((date + "T15:00:00Z", {"type": "milestone", "name": name}))
events.append((SPLIT.isoformat() + "T12:00:00Z", {"type": "split", "symbol": "AMD", "ratio": 2}))
day = dt.date(2026, 1, 2)
while day <= dt.date(2029, 12, 31):
    if day.weekday() < 5 and day.isoformat() not in holidays:
        px = price(day) / (2 if day >= SPLIT else 1)
        events.append((day.isoformat() + "T21:00:00Z",
                       {"type": "close", "symbol": "AMD", "px": "%.2f" % px}))
    day += dt.timedelta(days=1)

for ts, fields in sorted(events, key=lambda e: e[0]):
    print(json.dumps({"ts": ts, **fields}, separators=(",", ":")))
