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
     by trace_chart --check have no arrow back in time;
  3. the terminal and the live view show cause before effect: in the order
     the lines reached stderr (IPC_TRACE=json, so the start lines of calls
     announced with trace_call_begin are there too), and in the order they
     reached IPC_TRACE_LIVE (the order the live page draws them in, as
     make test-live checks), every byte a recv() returns was in a send()
     already shown (started) on the other side, and every end of file
     (recv() = 0) comes after the other side's shutdown() or close() started.

The states are read from the trace's fields (state_before, state_after),
not from the note, which is text for people.

Prints one line per problem and a summary; exit status 0 only when every
run worked and nothing was wrong. Loopback only; every process it starts is
stopped by pid; its files live in a private temporary folder.
"""
import json
import os
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
PARTS = ["echo", "halfclose", "oob", "abort", "poll", "errors"]
RUN_LIMIT_S = 20  # one tcp_demo part takes well under a second


def legal(before, after):
    if before == after:
        return True
    if after == "CLOSED" and before in SYNCHRONIZED:
        return True  # an RST, sent (abort) or received (ECONNRESET)
    return after in DIAGRAM.get(before, set())


def screen_order_problems(lines):
    """Cause before effect in the order lines reached the terminal (see 3.).

    lines: the JSON objects of stderr, in order. Returns (problems, checked):
    a description of each receive shown before its cause, and how many
    receives were checked."""
    # Each start line's call ends at the next end line of that name in its pid.
    result_of = {}
    open_starts = {}
    for i, ev in enumerate(lines):
        if not ev.get("call"):
            continue
        key = (ev["pid"], ev["call"])
        if ev.get("phase") == "start":
            open_starts[key] = i
        elif ev.get("phase") == "end" and key in open_starts:
            result_of[open_starts.pop(key)] = ev.get("ret")
    other = {"client": "server", "server": "client"}
    shown_bytes = {"client": 0, "server": 0}   # bytes in sends shown so far, by sender
    received = {"client": 0, "server": 0}      # bytes received so far, by receiver
    ending_shown = {"client": False, "server": False}
    problems, checked = [], 0
    for i, ev in enumerate(lines):
        role, call, phase = ev.get("role"), ev.get("call"), ev.get("phase")
        if role not in other or not call:
            continue
        if call == "send":
            if phase == "start":
                shown_bytes[role] += max(result_of.get(i) or 0, 0)
            elif phase is None:  # a send not announced counts when shown
                shown_bytes[role] += max(ev.get("ret") or 0, 0)
        elif call in ("shutdown", "close") and phase != "end":
            ending_shown[role] = True
        elif call == "recv" and phase != "start" and ev.get("ret") is not None:
            got = ev["ret"]
            if got > 0:
                checked += 1
                received[role] += got
                if received[role] > shown_bytes[other[role]]:
                    problems.append(f"{role} recv = {got} shown before the {other[role]}'s "
                                    f"send of those bytes (line {i + 1})")
            elif got == 0:
                checked += 1
                if not ending_shown[other[role]]:
                    problems.append(f"{role} recv = 0 (end of file) shown before the "
                                    f"{other[role]}'s shutdown() or close() (line {i + 1})")
    return problems, checked


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
    receives = 0
    started = time.monotonic()
    load = start_load()
    try:
        with tempfile.TemporaryDirectory(prefix="ipckit-stress-") as work:
            for run in range(runs):
                part = PARTS[run % len(PARTS)]
                trace = os.path.join(work, f"run{run}.jsonl")
                live = os.path.join(work, f"run{run}.live.jsonl")
                env = dict(os.environ, IPC_TRACE="json", IPC_TRACE_FILE=trace, IPC_TRACE_LIVE=live)
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
                        before, after = ev.get("state_before"), ev.get("state_after")
                        if before is None or after is None:
                            continue
                        moves += before != after
                        if not legal(before, after):
                            print(f"run {run} ({part}): impossible transition "
                                  f"{before} -> {after} in "
                                  f"{ev['role']} {ev['call']}({ev['args']})")
                            problems += 1
                if part == "errors":
                    continue
                screen = [json.loads(line) for line in done.stderr.splitlines()
                          if line.startswith("{")]
                with open(live) as f:
                    page = [json.loads(line) for line in f]
                for where, lines in (("on the terminal", screen), ("in the live view", page)):
                    found, checked = screen_order_problems(lines)
                    receives += checked
                    for problem in found:
                        print(f"run {run} ({part}): {where}, {problem}")
                    problems += len(found)
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
          f"checked against the diagram, {receives} receives shown after their cause on the "
          f"terminal and in the live view, {problems} problem(s)")
    return 0 if problems == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
