#!/usr/bin/env python3
"""`proviso run --worker K/N` through the real binary: the union of the N workers' transitions,
sorted, is a single run's, sorted (N = 2 and 3), for the bundled contracts with their logs and
for W2-style note instances; each worker's transitions are exactly its share's by the documented
hash (FNV-1a 64 of the title or instance key, mod N, plus 1), whatever the order of the files;
`--follow` takes --worker too; --print-subjects lists the subjects of the worker's notes; a bad
K/N is a usage error.

Usage: worker_test.py PROVISO CASE   (CASE: bundled, instances, follow, subjects, usage)
"""
import csv
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUNDLED = ["amd_openai", "nvidia_openai", "loan_covenant", "spac_earnout"]


def fnv1a64(text):
    value = 0xCBF29CE484222325
    for byte in text.encode():
        value = ((value ^ byte) * 0x100000001B3) % (1 << 64)
    return value


def share(name, count):
    return fnv1a64(name) % count + 1


def run(proviso, args, check=True):
    done = subprocess.run([proviso, "run", *args], capture_output=True, text=True)
    if check and done.returncode != 0:
        sys.exit(f"proviso run {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done


def lines(text):
    return [line for line in text.splitlines() if line]


def check_union(proviso, args, what):
    """Runs `args` alone and as N workers (jsonl and text); checks union and shares."""
    for fmt in ("jsonl", "text"):
        single = lines(run(proviso, [*args, "--format", fmt]).stdout)
        if fmt == "text" and single[-1].startswith("Granted at"):
            single = single[:-1]  # the totals line is the whole run's; a worker prints none
        assert len(single) > 10, f"{what}: the single run gives only {len(single)} transitions"
        for count in (2, 3):
            union = []
            for index in range(1, count + 1):
                mine = lines(run(proviso, [*args, "--format", fmt, "--worker", f"{index}/{count}"]).stdout)
                if fmt == "jsonl":
                    for line in mine:
                        row = json.loads(line)
                        name = row.get("instance") or row["contract"]
                        assert share(name, count) == index, f"{what}: {name} is not worker {index}/{count}'s"
                union += mine
            if sorted(union) != sorted(single):
                missing = set(single) - set(union)
                extra = set(union) - set(single)
                sys.exit(f"{what} ({fmt}, N={count}): the workers' union differs from a single run: "
                         f"{len(missing)} missing, e.g. {sorted(missing)[:2]}, {len(extra)} extra, "
                         f"e.g. {sorted(extra)[:2]}")
            print(f"{what} ({fmt}, N={count}): {len(union)} transitions, union == single run")


def bundled(proviso):
    contracts = [f"{ROOT}/contracts/{name}.proviso" for name in BUNDLED]
    logs = [f"{ROOT}/contracts/logs/{name}.jsonl" for name in BUNDLED]
    check_union(proviso, [*contracts, *logs], "bundled contracts")
    # A share depends on the contract, not on the order of the files.
    for index in (1, 2, 3):
        forward = run(proviso, [*contracts, *logs, "--worker", f"{index}/3", "--format", "jsonl"]).stdout
        backward = run(proviso, [*contracts[::-1], *logs, "--worker", f"{index}/3",
                                 "--format", "jsonl"]).stdout
        assert forward == backward, f"worker {index}/3 runs other contracts when the files are reordered"


def write_notes(folder, notes=60, symbols=12, days=260, seed=11):
    """A W2-style portfolio (bench/w2/note.proviso): notes.csv and a log of closes, trades and
    conversions whose prices wander enough to trigger soft calls and resets."""
    rng = random.Random(seed)
    names = [f"S{s:02d}" for s in range(symbols)]
    price = {name: 20.0 + 3 * s for s, name in enumerate(names)}
    rows = []
    with open(os.path.join(folder, "notes.csv"), "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["note", "symbol", "conversion_price", "issue_date", "maturity_date", "principal"])
        for n in range(notes):
            symbol = names[n % symbols]
            conversion = round(price[symbol] * rng.uniform(0.8, 1.2), 2)
            issue = datetime(2026, 1, 5) + timedelta(days=rng.randrange(0, 60))
            maturity = issue + timedelta(days=rng.randrange(90, 300))
            rows.append((f"N{n:04d}", symbol))
            writer.writerow([f"N{n:04d}", symbol, f"{conversion:.2f}", issue.date().isoformat(),
                             maturity.date().isoformat(), f"{rng.randrange(1, 20) * 100000}"])
    day = datetime(2026, 1, 2, tzinfo=timezone.utc)
    with open(os.path.join(folder, "events.jsonl"), "w") as out:
        for _ in range(days):
            while day.weekday() >= 5:
                day += timedelta(days=1)
            for name in names:
                price[name] = max(1.0, price[name] * rng.uniform(0.94, 1.065))
            for t in range(2):
                for s, name in enumerate(names):
                    ts = day.replace(hour=15 + t, minute=s)
                    out.write(json.dumps({"ts": ts.strftime("%Y-%m-%dT%H:%M:%SZ"), "type": "trade",
                                          "symbol": name, "px": f"{price[name]:.2f}",
                                          "qty": rng.randrange(100, 5000)}) + "\n")
            if rng.random() < 0.3:
                note = rng.choice(rows)[0]
                out.write(json.dumps({"ts": day.replace(hour=18).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                      "type": "conversion", "note": note,
                                      "shares": rng.randrange(1000, 200000)}) + "\n")
            for s, name in enumerate(names):
                out.write(json.dumps({"ts": day.replace(hour=21, second=s).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                      "type": "close", "symbol": name,
                                      "px": f"{price[name]:.2f}"}) + "\n")
            day += timedelta(days=1)
    return rows


def instances(proviso):
    with tempfile.TemporaryDirectory() as folder:
        write_notes(folder)
        args = [f"{ROOT}/bench/w2/note.proviso", "--instances", f"{folder}/notes.csv",
                f"{folder}/events.jsonl"]
        check_union(proviso, args, "W2-style note instances")


def follow(proviso):
    """--follow --worker: as one log grows, the worker prints its share of what a file run
    prints, in order, and nothing of another share's."""
    with tempfile.TemporaryDirectory() as folder:
        contracts = [f"{ROOT}/contracts/{name}.proviso" for name in BUNDLED]
        events = []
        for name in BUNDLED:
            with open(f"{ROOT}/contracts/logs/{name}.jsonl") as f:
                events += [(json.loads(line)["ts"], line) for line in f if line.strip()]
        events.sort(key=lambda pair: pair[0])  # stable: ties keep the files' order
        content = [line for _, line in events]
        log = os.path.join(folder, "live.jsonl")
        for index in (1, 2):
            with open(log, "w") as f:
                f.writelines(content[:len(content) // 2])
            out_path = os.path.join(folder, f"out{index}.jsonl")
            with open(out_path, "w") as out:
                worker = subprocess.Popen([proviso, "run", *contracts, log, "--follow", "--worker",
                                           f"{index}/2", "--format", "jsonl"], stdout=out,
                                          stderr=subprocess.DEVNULL)
                time.sleep(0.5)
                with open(log, "a") as f:
                    f.writelines(content[len(content) // 2:])
                previous, deadline = -1, time.time() + 10
                while time.time() < deadline:  # until its output stops growing
                    time.sleep(0.5)
                    size = os.path.getsize(out_path)
                    if size == previous:
                        break
                    previous = size
                worker.send_signal(signal.SIGTERM)
                assert worker.wait(10) == 0
            with open(out_path) as f:
                got = f.read()
            expected = run(proviso, [*contracts, log, "--worker", f"{index}/2", "--format", "jsonl"]).stdout
            # Deadlines after the last event fire only in the file run, which reaches its end.
            assert len(lines(got)) >= 8 and expected.startswith(got), \
                f"worker {index}/2 following printed {got!r}, not a prefix of {expected!r}"
            for line in lines(got):
                assert share(json.loads(line)["contract"], 2) == index
            print(f"--follow --worker {index}/2: {len(lines(got))} of its "
                  f"{len(lines(expected))} transitions, in order, none of another share's")


def subjects(proviso):
    with tempfile.TemporaryDirectory() as folder:
        rows = write_notes(folder, notes=30, days=5)
        for index in (1, 2):
            got = lines(run(proviso, [f"{ROOT}/bench/w2/note.proviso", "--instances", f"{folder}/notes.csv",
                                      "--worker", f"{index}/2", "--subject-template",
                                      "events.{type}.{symbol}", "--print-subjects"]).stdout)
            symbols = sorted({symbol for note, symbol in rows if share(note, 2) == index})
            expected = sorted([f"events.close.{s}" for s in symbols] + [f"events.trade.{s}" for s in symbols]
                              + ["events.conversion._"])
            assert got == expected, f"worker {index}/2 subjects {got}, expected {expected}"
            print(f"worker {index}/2 subscribes to {len(got)} subjects")


def usage(proviso):
    contract = f"{ROOT}/contracts/amd_openai.proviso"
    for bad, says in (("0/2", "1 <= K <= N"), ("3/2", "there is no worker 3 of 2"), ("2", "K/N"),
                      ("a/b", "K/N"), ("1/0", "K/N")):
        done = run(proviso, [contract, "--worker", bad], check=False)
        assert done.returncode == 2 and says in done.stderr, (bad, done.returncode, done.stderr)
    done = run(proviso, [contract, "--print-subjects"], check=False)
    assert done.returncode == 2 and "--subject-template" in done.stderr, done.stderr
    done = run(proviso, [contract, "--subject-template", "events.*", "--print-subjects"], check=False)
    assert done.returncode == 2 and "'*' is neither" in done.stderr, done.stderr
    print("bad --worker and --subject-template values are usage errors")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    {"bundled": bundled, "instances": instances, "follow": follow, "subjects": subjects,
     "usage": usage}[sys.argv[2]](sys.argv[1])
