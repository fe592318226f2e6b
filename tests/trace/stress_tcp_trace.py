#!/usr/bin/env python3
"""stress_tcp_trace.py - lab 04's traces stay causal on a busy machine.

usage: tests/trace/stress_tcp_trace.py BUILD [RUNS]

Runs tcp_demo RUNS times (default 50; each run plays one part, in turn:
echo, halfclose, oob, abort, poll, errors) while this script keeps the
machine busy with its own bounded load (one spinning process per CPU, at
the lowest priority, stopped at the end). Every run writes a JSON Lines
trace (IPC_TRACE_FILE). Then:

  1. every "state A -> B" note is a move of the TCP state diagram (or no
     move): the table below is the oracle, written from RFC 9293's figure,
     independent of labs/04-tcp-lifecycle/tcp_state.c;
  2. the client's and the server's lines of each run (the error part
     aside, whose connections are never accepted) drawn as a sequence chart
     by trace_chart --check have no arrow back in time.

Prints one line per problem and a summary; exit status 0 only when every
run worked and nothing was wrong. Loopback only; every process it starts is
stopped by pid; its files live in a private temporary folder.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

# The state diagram: every state one event can move a connection to.
# "-" is "no socket yet" (socket() makes CLOSED, accept() ESTABLISHED).
SYNCHRONIZED = {"ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "CLOSING", "TIME_WAIT",
                "CLOSE_WAIT", "LAST_ACK", "SYN_RECV", "SYN_SENT"}
DIAGRAM = {
    "-": {"CLOSED", "ESTABLISHED"},
    "CLOSED": {"LISTEN", "SYN_SENT"},
    "LISTEN": {"CLOSED", "SYN_SENT", "SYN_RECV"},
    "SYN_SENT": {"ESTABLISHED", "SYN_RECV", "CLOSED"},
    "SYN_RECV": {"ESTABLISHED", "FIN_WAIT1", "LISTEN", "CLOSED"},
    "ESTABLISHED": {"FIN_WAIT1", "CLOSE_WAIT"},
    "FIN_WAIT1": {"FIN_WAIT2", "CLOSING", "TIME_WAIT"},
    "FIN_WAIT2": {"TIME_WAIT"},
    "CLOSING": {"TIME_WAIT"},
    "TIME_WAIT": {"CLOSED"},
    "CLOSE_WAIT": {"LAST_ACK"},
    "LAST_ACK": {"CLOSED"},
}
NOTE = re.compile(r"^state (\S+) -> (\S+)")
PARTS = ["echo", "halfclose", "oob", "abort", "poll", "errors"]
RUN_LIMIT_S = 20  # one tcp_demo part takes well under a second


def legal(before, after):
    if before == after:
        return True
    if after == "CLOSED" and before in SYNCHRONIZED:
        return True  # an RST, sent (abort) or received (ECONNRESET)
    return after in DIAGRAM.get(before, set())


def start_load():
    """One spinning process per CPU at nice 19: busy, but bounded and ours."""
    spinners = []
    for _ in range(os.cpu_count() or 1):
        spinners.append(subprocess.Popen(
            [sys.executable, "-c", "import os\nos.nice(19)\nwhile True: pass"]))
    return spinners


def stop(processes):
    for p in processes:
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
    for p in processes:
        p.wait()


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    build = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) == 3 else 50
    demo = os.path.join(build, "solutions/04-tcp-lifecycle/tcp_demo")
    chart = os.path.join(build, "tools/trace-chart/trace_chart")
    for program in (demo, chart):
        if not os.access(program, os.X_OK):
            print(f"stress: {program} is not built (make programs, make {chart})",
                  file=sys.stderr)
            return 2
    problems = 0
    moves = 0
    started = time.monotonic()
    load = start_load()
    try:
        with tempfile.TemporaryDirectory(prefix="ipckit-stress-") as work:
            for run in range(runs):
                part = PARTS[run % len(PARTS)]
                trace = os.path.join(work, f"run{run}.jsonl")
                env = dict(os.environ, IPC_TRACE="off", IPC_TRACE_FILE=trace)
                env.pop("IPC_STEP", None)
                try:
                    done = subprocess.run([demo, "-p", part], env=env, capture_output=True,
                                          text=True, timeout=RUN_LIMIT_S)
                except subprocess.TimeoutExpired:
                    print(f"run {run} ({part}): tcp_demo did not finish in {RUN_LIMIT_S} s")
                    problems += 1
                    continue
                if done.returncode != 0:
                    print(f"run {run} ({part}): tcp_demo failed ({done.returncode}): "
                          f"{done.stderr.strip()[-300:]}")
                    problems += 1
                    continue
                sides = {"client": [], "server": []}
                with open(trace) as f:
                    for line in f:
                        ev = json.loads(line)
                        if ev.get("role") in sides:
                            sides[ev["role"]].append(line)
                        m = NOTE.match(ev.get("note") or "")
                        if not m:
                            continue
                        moves += m.group(1) != m.group(2)
                        if not legal(m.group(1), m.group(2)):
                            print(f"run {run} ({part}): impossible transition "
                                  f"{m.group(1)} -> {m.group(2)} in "
                                  f"{ev['role']} {ev['call']}({ev['args']})")
                            problems += 1
                if part == "errors":
                    continue
                paths = []
                for role in ("client", "server"):
                    path = os.path.join(work, f"run{run}-{role}.jsonl")
                    with open(path, "w") as f:
                        f.writelines(sides[role])
                    paths.append(path)
                checked = subprocess.run([chart, "--check"] + paths, capture_output=True,
                                         text=True, timeout=RUN_LIMIT_S)
                if checked.returncode != 0:
                    print(f"run {run} ({part}): {checked.stdout.strip()}{checked.stderr.strip()}")
                    problems += 1
    finally:
        stop(load)
    seconds = time.monotonic() - started
    print(f"stress: {runs} tcp_demo runs under load in {seconds:.1f} s, {moves} state moves "
          f"checked against the diagram, {problems} problem(s)")
    return 0 if problems == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
