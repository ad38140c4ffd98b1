#!/usr/bin/env python3
"""A 3-node NATS JetStream cluster on 127.0.0.1 and `proviso run --from --worker K/N` against it.

  cluster_test.py PROVISO JETSTREAM_TOOL forms_and_replicates
      starts the cluster (a config file and a store folder per node in a temp folder), waits for
      its meta leader, creates a stream with 3 replicas, publishes to it, and checks that every
      node holds every message.
  cluster_test.py PROVISO JETSTREAM_TOOL workers_survive_kill9 [EVENTS]
      publishes a generated log of about EVENTS events (default 100000: W2-style notes), each
      on the subject `events.{type}.{symbol}` names; runs 2 workers (--worker 1/2, 2/2 with
      --publish), kills worker 1 with kill -9 mid-way and starts it again; the union of what the
      workers published equals one `proviso run` over the same log, byte for byte after sorting
      (the cause's log name read as the stream's, `EV`). Worker K connects to node K.

Skipped (exit 77) when nats-server is absent.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "worker"))
from worker_test import write_notes  # noqa: E402  (the W2-style generator)


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


class Cluster:
    def __init__(self, folder, nodes=3):
        self.folder = folder
        ports = free_ports(3 * nodes)
        self.client = ports[:nodes]
        self.route = ports[nodes:2 * nodes]
        self.http = ports[2 * nodes:]
        self.processes = []
        routes = ", ".join(f"nats-route://127.0.0.1:{p}" for p in self.route)
        for n in range(nodes):
            store = os.path.join(folder, f"n{n + 1}")
            os.makedirs(store)
            with open(os.path.join(folder, f"n{n + 1}.conf"), "w") as conf:
                conf.write(f"""server_name: n{n + 1}
listen: 127.0.0.1:{self.client[n]}
http: 127.0.0.1:{self.http[n]}
jetstream {{ store_dir: "{store}" }}
cluster {{
  name: proviso
  listen: 127.0.0.1:{self.route[n]}
  routes: [{routes}]
}}
""")
        for n in range(nodes):
            log = open(os.path.join(folder, f"n{n + 1}.log"), "w")
            self.processes.append(subprocess.Popen(
                ["nats-server", "-c", os.path.join(folder, f"n{n + 1}.conf")],
                stdout=log, stderr=subprocess.STDOUT))

    def url(self):
        return ",".join(f"nats://127.0.0.1:{p}" for p in self.client)

    def jsz(self, node, query=""):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.http[node]}/jsz{query}", timeout=2) as r:
            return json.load(r)

    def wait_for_leader(self, seconds=30):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                metas = [self.jsz(n).get("meta_cluster", {}) for n in range(len(self.client))]
                if all(m.get("leader") and m.get("cluster_size") == 3 for m in metas):
                    return metas[0]["leader"]
            except OSError:
                pass
            time.sleep(0.2)
        sys.exit("the cluster elected no meta leader in time; logs in " + self.folder)

    def messages_on_each_node(self, stream):
        counts = []
        for n in range(len(self.client)):
            held = 0
            for account in self.jsz(n, "?accounts=true&streams=true").get("account_details", []):
                for detail in account.get("stream_detail", []):
                    if detail["name"] == stream:
                        held = detail["state"]["messages"]
            counts.append(held)
        return counts

    def stop(self):
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


# The test helper runs without LeakSanitizer's exit check: libnats 3.4 (Debian 12) now and then
# leaks an acknowledgement message of an async publication at teardown (seen once in 2 CI runs
# of the sanitizer build; the library's bug, not the tool's). proviso itself keeps the check.
TOOL_ENV = dict(os.environ, ASAN_OPTIONS=(os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":"))


def tool(jetstream_tool, url, *args):
    done = subprocess.run([jetstream_tool, url, *args], capture_output=True, text=True, env=TOOL_ENV)
    if done.returncode != 0:
        sys.exit(f"jetstream_tool {' '.join(args)}: {done.stderr}")
    return done.stdout


def wait_replicated(cluster, stream, count, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        counts = cluster.messages_on_each_node(stream)
        if counts == [count] * 3:
            return
        time.sleep(0.2)
    sys.exit(f"stream {stream}: the nodes hold {counts} messages, not {count} each")


def forms_and_replicates(proviso, jetstream_tool, folder):
    cluster = Cluster(folder)
    try:
        leader = cluster.wait_for_leader()
        tool(jetstream_tool, cluster.url(), "add-stream", "EV", "events.>", "3")
        lines = os.path.join(folder, "lines.tsv")
        with open(lines, "w") as f:
            for i in range(500):
                f.write(f"events.close.S{i % 7}\t{{\"n\":{i}}}\n")
        tool(jetstream_tool, cluster.url(), "publish-lines", lines)
        wait_replicated(cluster, "EV", 500)
        print(f"3 nodes, meta leader {leader}; stream EV (R3) holds its 500 messages on every node")
    finally:
        cluster.stop()


def subject_of(event):
    symbol = event.get("symbol")
    token = symbol if isinstance(symbol, str) and symbol and not any(c in symbol for c in ".*> \t\r\n") else "_"
    return f"events.{event['type']}.{token}"


def workers_survive_kill9(proviso, jetstream_tool, folder, events):
    symbols = 40
    days = max(1, events // (3 * symbols))
    write_notes(folder, notes=80, symbols=symbols, days=days)
    log = os.path.join(folder, "events.jsonl")
    notes = os.path.join(folder, "notes.csv")
    contract = os.path.join(ROOT, "bench", "w2", "note.proviso")
    with open(log) as f, open(os.path.join(folder, "lines.tsv"), "w") as out:
        count = 0
        for line in f:
            out.write(f"{subject_of(json.loads(line))}\t{line.rstrip()}\n")
            count += 1
    single = subprocess.run([proviso, "run", contract, "--instances", notes, log, "--format", "jsonl"],
                            capture_output=True, text=True, check=True).stdout
    # The stream's messages are the log's lines in order, so sequence == line; only the name differs.
    expected = sorted(single.replace(json.dumps(log), '"EV"').splitlines())
    cluster = Cluster(folder)
    try:
        cluster.wait_for_leader()
        url = cluster.url()
        tool(jetstream_tool, url, "add-stream", "EV", "events.>", "3")
        tool(jetstream_tool, url, "add-stream", "TR", "transitions.>", "3")
        started = time.time()
        tool(jetstream_tool, url, "publish-lines", os.path.join(folder, "lines.tsv"))
        wait_replicated(cluster, "EV", count)
        print(f"published {count} events to the R3 stream EV in {time.time() - started:.1f} s")

        # Worker K connects to node K. (A comma-separated list of servers in --from is refused
        # by this build: "No server available for connection".)
        def start(index):
            out = open(os.path.join(folder, f"w{index}.out"), "a")
            err = open(os.path.join(folder, f"w{index}.err"), "a")
            return subprocess.Popen(
                [proviso, "run", contract, "--instances", notes, "--from", f"nats://127.0.0.1:{cluster.client[index - 1]}", "--stream", "EV",
                 "--durable", f"w{index}", "--worker", f"{index}/2", "--subject-template",
                 "events.{type}.{symbol}", "--publish", f"transitions.w{index}", "--drain",
                 "--format", "jsonl", "--checkpoint-events", "100"], stdout=out, stderr=err)

        workers = {1: start(1), 2: start(2)}
        # Kill worker 1 once it has printed some of its changes, i.e. mid-way.
        deadline = time.time() + 60
        while time.time() < deadline and workers[1].poll() is None:
            if os.path.getsize(os.path.join(folder, "w1.out")) > 2000:
                break
            time.sleep(0.05)
        assert workers[1].poll() is None, "worker 1 finished before it could be killed: use more events"
        workers[1].send_signal(signal.SIGKILL)
        workers[1].wait()
        print(f"killed worker 1 with kill -9 after {os.path.getsize(os.path.join(folder, 'w1.out'))} bytes of output")
        workers[1] = start(1)
        for index, worker in workers.items():
            code = worker.wait(120)
            if code != 0:
                with open(os.path.join(folder, f"w{index}.err")) as f:
                    sys.exit(f"worker {index} exited {code}: {f.read()}")
        # Each worker read its share of the feed, through one consumer per subject, not the whole
        # stream: worker 2 ran once, from the start.
        with open(os.path.join(folder, "w2.err")) as f:
            notes = re.findall(r"read ([0-9,]+) messages? on the ([0-9]+) subjects", f.read())
        assert len(notes) == 1, f"worker 2 said {notes} about what it read"
        read, subjects = int(notes[0][0].replace(",", "")), int(notes[0][1])
        assert 0 < read < count * 3 // 4 and subjects > 1, (read, subjects, count)
        print(f"worker 2 read {read} of the {count} messages, on {subjects} subjects")
        published = [line.split("\t", 2)[2] for line in tool(jetstream_tool, url, "dump", "TR").splitlines()]
        got = sorted(published)
        if got != expected:
            missing = sorted(set(expected) - set(got))
            extra = sorted(set(got) - set(expected))
            sys.exit(f"the workers published {len(got)} changes, a single run gives {len(expected)}: "
                     f"{len(missing)} missing (e.g. {missing[:1]}), {len(extra)} extra (e.g. {extra[:1]})")
        print(f"2 workers, one killed and restarted: their {len(got)} published changes equal a single "
              "run's, sorted, byte for byte")
    finally:
        cluster.stop()


def main():
    if len(sys.argv) == 5 and sys.argv[3] == "forms_and_replicates":
        sys.argv.pop()  # the size is the other case's
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    if shutil.which("nats-server") is None:
        print("SKIPPED: nats-server is not installed")
        sys.exit(77)
    proviso, jetstream_tool, case = sys.argv[1:4]
    folder = tempfile.mkdtemp(prefix="proviso-cluster-")
    try:
        if case == "forms_and_replicates":
            forms_and_replicates(proviso, jetstream_tool, folder)
        elif case == "workers_survive_kill9":
            workers_survive_kill9(proviso, jetstream_tool, folder,
                                  int(sys.argv[4]) if len(sys.argv) == 5 else 100000)
        else:
            sys.exit(__doc__)
    except BaseException:
        print(f"(the cluster's files stay in {folder})")
        raise
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
