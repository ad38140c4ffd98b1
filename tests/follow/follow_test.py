#!/usr/bin/env python3
"""`proviso run --follow`, driven for real: logs are appended to, rotated and truncated while the
command runs, and it is stopped with SIGTERM and killed with SIGKILL and started again.

    tests/follow/follow_test.py PROVISO CASE

Each case takes a few seconds; `reference` outputs come from `proviso run` over the whole log,
which --follow must match line for line (without the totals line: a followed log has no end).
"""
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

PROVISO = os.path.abspath(sys.argv[1])
CASE = sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
CONTRACT = os.path.join(HERE, "live.proviso")
WORK = tempfile.mkdtemp(prefix="follow_")
os.chdir(WORK)


def fail(message, *files):
    print(f"FAIL ({CASE}): {message}")
    for name in files:
        print(f"--- {name}:")
        with open(name, encoding="utf-8", errors="replace") as f:
            print(f.read())
    sys.exit(1)


def reading(day, mw):
    return '{"ts":"2026-01-%02dT00:00:00Z","type":"reading","mw":%d}\n' % (day, mw)


# Readings that cross 500 MW often, so nearly every line changes the covenant.
def readings(first_day, count):
    return [reading(first_day + i, 900 if (first_day + i) % 2 else 100) for i in range(count)]


def append(log, lines):
    with open(log, "a", encoding="utf-8") as f:
        f.writelines(lines)
        f.flush()


def text(name):
    with open(name, encoding="utf-8") as f:
        return f.read()


def start(*args, out="out", err="err"):
    return subprocess.Popen([PROVISO, "run", CONTRACT, *args], stdout=open(out, "w"),
                            stderr=open(err, "w"))


def wait_for(predicate, seconds, what, *files):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return time.monotonic()
        time.sleep(0.02)
    fail(f"{what} did not happen within {seconds} s", *files)


def lines_in(name):
    return len(text(name).splitlines())


def stop(process, expect=0):
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=5)
    if code != expect:
        fail(f"exit code {code} after SIGTERM, expected {expect}", "out", "err")


def reference(log):
    done = subprocess.run([PROVISO, "run", CONTRACT, log], capture_output=True, text=True,
                          check=True)
    return [line for line in done.stdout.splitlines() if not line.startswith("Granted at")]


def case_appended_lines_appear_promptly():
    append("live.jsonl", [reading(1, 600)])
    run = start("live.jsonl", "--follow")
    wait_for(lambda: "pending → holding" in text("out"), 3, "the first transition", "out", "err")
    # Each appended line's transition appears, flushed, while the command keeps running.
    for day, mw, change in [(2, 100, "holding → breached"), (3, 2000, "T1  pending → vested")]:
        before = time.monotonic()
        append("live.jsonl", [reading(day, mw)])
        seen = wait_for(lambda: change in text("out"), 2, f"'{change}'", "out", "err")
        if seen - before > 1.5:
            fail(f"'{change}' took {seen - before:.2f} s to appear", "out")
    # Half a line (a writer in the middle of its write) is not read until its end comes.
    with open("live.jsonl", "a", encoding="utf-8") as f:
        f.write('{"ts":"2026-01-04T00:00:00Z","type":"reading",')
    time.sleep(0.4)
    if run.poll() is not None or "error" in text("err"):
        fail("a line cut in the middle of its write was read as a bad line", "out", "err")
    append("live.jsonl", ['"mw":100}\n'])
    wait_for(lambda: lines_in("out") == 5, 2, "the completed line's transition", "out", "err")
    stop(run)
    if text("out").splitlines() != reference("live.jsonl"):
        fail("the followed output differs from a replay of the whole log", "out")
    if "Granted at" in text("out"):
        fail("a followed run printed a totals line", "out")


def case_rotation_and_truncation():
    append("live.jsonl", [reading(1, 600)])
    run = start("live.jsonl", "--follow")
    wait_for(lambda: lines_in("out") == 1, 3, "the first transition", "out", "err")
    # logrotate's way: the file is renamed; the writer still adds to the old one before it
    # reopens the path, and those lines are read before the new file.
    os.rename("live.jsonl", "live.jsonl.1")
    append("live.jsonl.1", [reading(2, 100)])
    time.sleep(0.2)
    append("live.jsonl", [reading(3, 900), reading(4, 100)])
    wait_for(lambda: lines_in("out") == 4, 3, "the rotated file's transitions", "out", "err")
    got = text("out").splitlines()
    if not got[1].endswith("[live.jsonl:2]") or not got[2].endswith("[live.jsonl:1]") \
            or not got[3].endswith("[live.jsonl:2]"):
        fail("after a rotation, the old file ends and the new one is read from its line 1", "out")
    if "was replaced (rotated) after line 2 of the old file" not in text("err"):
        fail("the rotation is not reported on standard error", "err")
    # Truncated: cut to nothing, then a shorter content than what was read.
    with open("live.jsonl", "w", encoding="utf-8") as f:
        f.write(reading(5, 900))
    wait_for(lambda: lines_in("out") == 6, 3, "the truncated file's transitions", "out", "err")
    if not text("out").splitlines()[5].endswith("T1  pending → vested  grants 1,000 shares  total = 2.6 GW (>= 2 GW)  "
                                                "[live.jsonl:1]"):
        fail("after a truncation, the file is read again from its line 1", "out")
    if "was truncated" not in text("err"):
        fail("the truncation is not reported on standard error", "err")
    stop(run)


def case_csv_rotation_skips_the_new_header():
    append("live.csv", ["ts,type,mw\n", "2026-01-01T00:00:00Z,reading,600\n"])
    run = start("live.csv", "--follow")
    wait_for(lambda: lines_in("out") == 1, 3, "the first transition", "out", "err")
    os.rename("live.csv", "live.csv.1")
    # The new file repeats the header; a row's quoted cell spans two lines and is read whole.
    append("live.csv", ["ts,type,mw\n", "2026-01-02T00:00:00Z,reading,100\n",
                        '2026-01-03T00:00:00Z,"read\ning",900\n'])
    wait_for(lambda: "error" in text("err") or lines_in("out") == 2, 3, "the new file's row",
             "out", "err")
    time.sleep(0.3)
    got = text("out").splitlines()
    if len(got) != 2 or not got[1].endswith("[live.csv:2]"):
        fail("a rotated CSV log's header is its header, and its rows keep their lines", "out")
    # The row with a line break in a quoted cell is one row (of an undeclared type), at line 3.
    append("live.csv", ["2026-01-04T00:00:00Z,reading,900\n"])
    wait_for(lambda: lines_in("out") == 3, 3, "the row after a two-line row", "out", "err")
    if not text("out").splitlines()[2].endswith("[live.csv:5]"):
        fail("the line numbers after a two-line row are wrong", "out")
    stop(run)


def case_wall_clock_fires_deadlines():
    # A deadline three seconds from now; the only event is a minute old.
    now = datetime.now(timezone.utc).replace(microsecond=0)
    deadline = now + timedelta(seconds=3)
    with open("wall.proviso", "w", encoding="utf-8") as f:
        f.write('contract "Wall"\n  timezone "America/New_York"\n\n'
                'event reading { mw: MW }\n\nmetric total = sum reading.mw\n\n'
                'tranche T1 "One gigawatt in three seconds"\n  grants 1 shares\n'
                '  vests when total >= 1 GW\n'
                f'  lapses if not vested by {deadline.strftime("%Y-%m-%dT%H:%M:%SZ")}\n')
    event = (now - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    append("wall.jsonl", ['{"ts":"%s","type":"reading","mw":10}\n' % event])
    wall = subprocess.Popen([PROVISO, "run", "wall.proviso", "wall.jsonl", "--follow",
                             "--clock", "wall"], stdout=open("out", "w"), stderr=open("err", "w"))
    events = subprocess.Popen([PROVISO, "run", "wall.proviso", "wall.jsonl", "--follow"],
                              stdout=open("out_events", "w"), stderr=open("err_events", "w"))
    wait_for(lambda: "pending → lapsed" in text("out"), 6, "the lapse at the wall-clock deadline",
             "out", "err")
    seen = datetime.now(timezone.utc)
    if seen < deadline:
        fail(f"the lapse appeared at {seen}, before its deadline {deadline}", "out")
    if (seen - deadline).total_seconds() > 1.5:
        fail(f"the lapse appeared {(seen - deadline).total_seconds():.2f} s after its deadline",
             "out")
    # With the clock of the events (the default), nothing happens until an event comes.
    time.sleep(0.3)
    if text("out_events"):
        fail("without --clock wall, a deadline fired with no event after it", "out_events")
    stop(wall)
    stop(events)


def case_sigterm_then_restart_continues(log="live.jsonl", csv=False):
    def lines(first_day, count):
        if not csv:
            return readings(first_day, count)
        return ["2026-01-%02dT00:00:00Z,reading,%d\n" % (first_day + i,
                                                        900 if (first_day + i) % 2 else 100)
                for i in range(count)]

    log = "live.csv" if csv else log
    append(log, (["ts,type,mw\n"] if csv else []) + lines(1, 6))
    first = start(log, "--follow", "--checkpoint", "cp", out="out1", err="err1")
    wait_for(lambda: lines_in("out1") == 7, 3, "the first run's transitions", "out1", "err1")
    stop(first)
    append(log, lines(7, 6))  # appended while nothing follows the log
    second = start(log, "--follow", "--checkpoint", "cp", out="out2", err="err2")
    expected = reference(log)
    wait_for(lambda: lines_in("out1") + lines_in("out2") == len(expected), 3,
             "the second run's transitions", "out2", "err2")
    append(log, lines(13, 2))
    expected = reference(log)
    wait_for(lambda: lines_in("out1") + lines_in("out2") == len(expected), 3,
             "transitions of lines appended to the second run", "out2", "err2")
    time.sleep(0.2)
    stop(second)
    combined = text("out1").splitlines() + text("out2").splitlines()
    if combined != expected:
        fail("the two runs together differ from one uninterrupted replay", "out1", "out2")


def case_sigterm_then_restart_continues_csv():
    case_sigterm_then_restart_continues(csv=True)


def case_csv_output_has_one_header_across_a_restart():
    # `--format csv` into a file that a restart appends to: the header comes once, first.
    append("live.jsonl", readings(1, 6))
    first = start("live.jsonl", "--follow", "--checkpoint", "cp", "--format", "csv", out="out1",
                  err="err1")
    wait_for(lambda: lines_in("out1") == 8, 3, "the header and the first run's rows", "out1",
             "err1")
    stop(first)
    append("live.jsonl", readings(7, 6))
    second = start("live.jsonl", "--follow", "--checkpoint", "cp", "--format", "csv",
                   out="out2", err="err2")
    expected = subprocess.run([PROVISO, "run", CONTRACT, "live.jsonl", "--format", "csv"],
                              capture_output=True, text=True, check=True).stdout.splitlines()
    wait_for(lambda: lines_in("out1") + lines_in("out2") == len(expected), 3,
             "the second run's rows", "out2", "err2")
    time.sleep(0.2)
    stop(second)
    combined = text("out1").splitlines() + text("out2").splitlines()
    if combined != expected or not combined[0].startswith("ts,contract,"):
        fail("the two runs' CSV differs from one replay's (one header, then every row)", "out1",
             "out2")


def case_kill9_then_restart_loses_and_repeats_nothing():
    # Periodic checkpoints are off: a checkpoint is saved only when a change is printed. Each
    # round appends readings that change something, then readings that change nothing, which
    # are read (and would be printed, had they changed anything) after the last checkpoint; then
    # kill -9. The restart must read those again, and print every change exactly once.
    def hour(i, mw):
        at = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(hours=i)
        return '{"ts":"%s","type":"reading","mw":%d}\n' % (at.strftime("%Y-%m-%dT%H:%M:%SZ"), mw)

    open("live.jsonl", "w").close()
    args = ("live.jsonl", "--follow", "--checkpoint", "cp", "--checkpoint-events", "1000000",
            "--checkpoint-seconds", "1000")
    outputs = []
    i = 0
    for round_number in range(4):
        out = f"out{round_number}"
        outputs.append(out)
        run = start(*args, out=out, err=f"err{round_number}")
        for _ in range(5):
            # Readings on alternating sides of 500 MW, two by two: some change the covenant,
            # some do not (and the tranches vest on the way).
            mw = 900 if round_number % 2 == 0 else 100
            for _ in range(3):
                append("live.jsonl", [hour(i, mw)])
                i += 1
                mw = 100 if mw == 900 else 900
                append("live.jsonl", [hour(i, mw), hour(i + 1, mw)])
                i += 2
            time.sleep(0.05)
        expected = reference("live.jsonl")
        wait_for(lambda: sum(lines_in(o) for o in outputs) == len(expected), 5,
                 f"round {round_number}'s changes", *outputs, f"err{round_number}")
        append("live.jsonl", [hour(i, mw), hour(i + 1, mw)])  # the same side: no change
        i += 2
        time.sleep(0.3)
        if round_number < 3:
            run.send_signal(signal.SIGKILL)
            run.wait(timeout=5)
    stop(run)
    expected = reference("live.jsonl")
    combined = [line for o in outputs for line in text(o).splitlines()]
    if combined != expected:
        fail("after kill -9 and restarts, the output lost or repeated a change", *outputs)
    with open("cp", encoding="utf-8") as f:
        printed = next(line for line in f if line.startswith("printed "))
    if printed.strip() != f"printed {len(expected)}":
        fail(f"the checkpoint counts '{printed.strip()}', expected {len(expected)}", "cp")


def case_usage_errors():
    append("live.jsonl", [reading(1, 600)])
    for args, message in [
        (["-", "--input-format", "jsonl", "--follow"], "--follow reads log files"),
        (["live.jsonl", "--follow", "--until", "2026-02-01"], "cannot be combined with --until"),
        (["live.jsonl", "--follow", "--reorder", "1h"], "cannot be combined with --reorder"),
        (["live.jsonl", "--clock", "wall"], "--clock wall needs --follow"),
        (["live.jsonl", "--checkpoint", "cp"], "--checkpoint needs --follow"),
        (["--follow"], "--follow needs at least one log file"),
    ]:
        done = subprocess.run([PROVISO, "run", CONTRACT, *args], capture_output=True, text=True,
                              timeout=5)
        if done.returncode != 2 or message not in done.stderr:
            fail(f"{args}: exit {done.returncode}, {done.stderr!r}; expected 2 and '{message}'")
    # A checkpoint of other logs, and a damaged one, are refused before anything is read.
    with open("cp", "w", encoding="utf-8") as f:
        f.write("proviso-checkpoint 1\nlog 1 2 3 4 other.jsonl\nprinted 0\nstate 0\n"
                "crc64 0000000000000000\n")
    done = subprocess.run([PROVISO, "run", CONTRACT, "live.jsonl", "--follow", "--checkpoint",
                           "cp"], capture_output=True, text=True, timeout=5)
    if done.returncode != 2 or "does not match" not in done.stderr:
        fail(f"a damaged checkpoint: exit {done.returncode}, {done.stderr!r}")


CASES = {name[len("case_"):]: function for name, function in globals().items()
         if name.startswith("case_")}
if CASE not in CASES:
    fail(f"no case {CASE}; the cases are {', '.join(CASES)}")
CASES[CASE]()
print(f"{CASE}: ok")
