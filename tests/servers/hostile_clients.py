#!/usr/bin/env python3
"""hostile_clients.py - no client can freeze a server for the others.

usage: tests/servers/hostile_clients.py BUILD

Starts each server mode of the kit -- lab 04's tcp_server in echo,
halfclose, oob, abort and poll mode, and lab 03's us_server -- and, for
each, lets hostile clients loose on it one kind after another:

  idle       connects and sends nothing
  slow       sends one byte every 200 ms
  deaf       sends a lot and never reads the answers
  crowd      500 connections at once, all idle
  garbage    random bytes, then a close
  reset      half a frame, then an abort (RST)

While the hostile clients of a kind are connected, a well-behaved client
(tcp_client or us_client, the kit's own) must finish its conversation with
the right answer within 1 s. us_server runs under umask 000, and its
socket file must still be mode 0600. A client that says nothing is dropped
after the server's timeout, with a message saying why. Last, fifo_reader meets a regular file
as its PATH (a usage error), a writer that holds the FIFO and says nothing
(SIGTERM must still end it) and a writer that sends escape sequences
(printed escaped). Prints PASS/FAIL per server and kind; exit
status 0 only when every one passed. Loopback and a private directory
only; every process and socket it makes is closed at the end.
"""
import concurrent.futures
import contextlib
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

# 1 s, stretched like every time limit of the kit's tests on a machine the
# grader knows is busy (CK_TIMEOUT_MULTIPLIER, as in tests/grader).
GOOD_LIMIT_S = 1.0 * max(1.0, float(os.environ.get("CK_TIMEOUT_MULTIPLIER", "1") or 1))
CROWD = 500
TCP_MODES = ["echo", "halfclose", "oob", "abort", "poll"]
# Servers are checked side by side, but only one meets a crowd at a time.
CROWD_TURN = threading.Lock()


def raise_fd_limit(need):
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < need:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))
    except (ImportError, ValueError, OSError):
        pass


class Server:
    def __init__(self, argv, env, umask=None):
        # umask 000 for us_server: its socket file must still be 0600.
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env,
                                     preexec_fn=(lambda: os.umask(umask)) if umask is not None
                                     else None)
        self.first_line = self.proc.stdout.readline().strip()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.stderr.read()


def connect(target):
    if isinstance(target, str):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    s.connect(target)
    s.setblocking(False)
    return s


def hostile(kind, target, rng):
    """Opens the hostile clients of one kind; returns (sockets, a tick function)."""
    socks = []
    if kind == "idle":
        socks = [connect(target) for _ in range(3)]
    elif kind == "slow":
        socks = [connect(target) for _ in range(3)]
    elif kind == "deaf":
        socks = [connect(target) for _ in range(3)]
        frame = struct.pack("!I", 60000) + b"x" * 60000
        for s in socks:
            for _ in range(40):  # about 2.4 MB each, far more than the buffers hold
                try:
                    s.send(frame)
                except (BlockingIOError, OSError):
                    break
    elif kind == "crowd":
        for _ in range(CROWD):
            try:
                socks.append(connect(target))
            except OSError:
                break
    elif kind == "garbage":
        for _ in range(5):
            s = connect(target)
            try:
                s.send(bytes(rng.randrange(256) for _ in range(300)))
            except OSError:
                pass
            socks.append(s)
    elif kind == "reset":
        for _ in range(5):
            s = connect(target)
            try:
                s.send(struct.pack("!I", 1000) + b"half")
            except OSError:
                pass
            if not isinstance(target, str):
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()  # an RST on TCP; a truncated frame on a UNIX socket
    def tick():
        if kind == "slow":
            for s in socks:
                try:
                    s.send(b"z")
                except OSError:
                    pass
    return socks, tick


def good_client(argv, expect, tick):
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, IPC_TRACE="off"))
    while proc.poll() is None and time.monotonic() - started < 5:
        tick()
        time.sleep(0.02)
    if proc.poll() is None:
        proc.kill()
    out, err = proc.communicate()
    elapsed = time.monotonic() - started
    ok = proc.returncode == 0 and expect in out and elapsed <= GOOD_LIMIT_S
    return ok, elapsed, (out + err).strip().replace("\n", " | ")[:200]


def drop_check(say, name, server_argv, target_of, env, words):
    """A client that says nothing is dropped after the server's timeout
    (-t 500 here), with a message that says why; the server goes on."""
    server = Server(server_argv, env)
    if not server.first_line:
        say(f"FAIL {name}: the server did not start: {server.stop().strip()[-300:]}")
        return 1
    idle = connect(target_of(server.first_line))
    deadline = time.monotonic() + 3
    closed = False
    while time.monotonic() < deadline and not closed:
        try:
            closed = idle.recv(1) == b""
        except BlockingIOError:
            time.sleep(0.05)
        except OSError:
            closed = True
    idle.close()
    log = server.stop()
    if closed and all(w in log for w in words):
        say(f"PASS {name}: an idle client was dropped after the timeout, and the log says why")
        return 0
    say(f"FAIL {name}: an idle client was {'dropped' if closed else 'not dropped within 3 s'}; "
          f"the log should name {words}: {log.strip()[-300:]!r}")
    return 1


def run_server(say, name, server_argv, target_of, client_argv_of, expect, env, rng, kinds,
               umask=None):
    failures = 0
    server = Server(server_argv, env, umask)
    if not server.first_line:
        log = server.stop()
        say(f"FAIL {name}: the server did not start: {log.strip()[-300:]}")
        return 1
    if umask is not None:
        mode = os.stat(server.first_line).st_mode & 0o777
        if mode != 0o600:
            say(f"FAIL {name}: under umask {umask:03o} its socket file is {mode:03o}, not 600: "
                  "another user could connect")
            failures += 1
        else:
            say(f"PASS {name}: under umask {umask:03o} its socket file is 600")
    try:
        target = target_of(server.first_line)
        client_argv = client_argv_of(server.first_line)
        for kind in kinds:
            # A crowd is 500 connections (for a forking server, 500 children):
            # one server meets one at a time, as when each runs alone.
            with CROWD_TURN if kind == "crowd" else contextlib.nullcontext():
                try:
                    socks, tick = hostile(kind, target, rng)
                except OSError as e:
                    say(f"FAIL {name}: {kind} clients could not even connect: {e}")
                    failures += 1
                    continue
                time.sleep(1.0 if kind == "crowd" else 0.3)  # let the server meet them first
                results = [good_client(client_argv, expect, tick) for _ in range(2)]
                for s in socks:
                    s.close()
                worst = max(r[1] for r in results)
                if all(r[0] for r in results):
                    say(f"PASS {name}: a client was served in {worst:.2f} s among {kind} clients")
                else:
                    bad = next(r for r in results if not r[0])
                    say(f"FAIL {name}: among {kind} clients the well-behaved client took "
                        f"{bad[1]:.2f} s (limit {GOOD_LIMIT_S} s): {bad[2]}")
                    failures += 1
        if server.proc.poll() is not None:
            say(f"FAIL {name}: the server exited ({server.proc.returncode})")
            failures += 1
    finally:
        log = server.stop()
    if failures and log:
        say("    server said: " + log.strip().replace("\n", "\n    ")[-800:])
    return failures


def fifo_checks(lab02):
    """fifo_reader against a hostile writer: refuses a non-FIFO, dies on
    SIGTERM while a silent writer holds the FIFO, escapes control bytes."""
    failures = 0
    reader = os.path.join(lab02, "fifo_reader")
    env = dict(os.environ, IPC_TRACE="off")
    with tempfile.TemporaryDirectory(prefix="ipckit-hostile-") as work:
        plain = os.path.join(work, "plain.txt")
        with open(plain, "w") as f:
            f.write("not a fifo\n")
        done = subprocess.run([reader, plain], capture_output=True, text=True, env=env, timeout=5)
        if done.returncode == 2:
            print("PASS fifo_reader: a regular file as PATH is a usage error (exit 2)")
        else:
            print(f"FAIL fifo_reader: a regular file as PATH: exit {done.returncode}, "
                  f"printed {done.stdout.strip()[:80]!r} (expected a usage error, exit 2)")
            failures += 1

        path = os.path.join(work, "silent.fifo")
        proc = subprocess.Popen([reader, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env)
        proc.stdout.readline()  # "waiting for a writer"
        fd = os.open(path, os.O_WRONLY)  # a writer that says nothing
        time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=1)
            ok = not os.path.exists(path)
            print(f"{'PASS' if ok else 'FAIL'} fifo_reader: SIGTERM ended it within 1 s while a "
                  f"silent writer held the FIFO{'' if ok else ', but the FIFO was left behind'}")
            failures += not ok
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            print("FAIL fifo_reader: SIGTERM did not end it while a silent writer held the FIFO")
            failures += 1
        os.close(fd)
        proc.stdout.close()
        proc.stderr.close()

        path = os.path.join(work, "escape.fifo")
        proc = subprocess.Popen([reader, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env)
        proc.stdout.readline()
        fd = os.open(path, os.O_WRONLY)
        os.write(fd, b"red \x1b[31malert\x07 \x9b2J\n")
        os.close(fd)
        out, _ = proc.communicate(timeout=5)
        if b"\x1b" not in out and b"\x07" not in out and b"\x9b" not in out and b"\\e[31m" in out:
            print("PASS fifo_reader: a writer's escape sequences are printed escaped, not obeyed")
        else:
            print(f"FAIL fifo_reader: raw control bytes reached the terminal: {out!r}")
            failures += 1
    return failures


def main():
    if len(sys.argv) != 2:
        print("usage: tests/servers/hostile_clients.py BUILD", file=sys.stderr)
        return 2
    build = sys.argv[1]
    impl = "solutions" if os.path.isdir(os.path.join(build, "solutions")) else "labs"
    lab04 = os.path.join(build, impl, "04-tcp-lifecycle")
    lab03 = os.path.join(build, impl, "03-unix-socket")
    lab02 = os.path.join(build, impl, "02-pipe")
    for program in (os.path.join(lab04, "tcp_server"), os.path.join(lab04, "tcp_client"),
                    os.path.join(lab03, "us_server"), os.path.join(lab03, "us_client"),
                    os.path.join(lab02, "fifo_reader")):
        if not os.access(program, os.X_OK):
            print(f"hostile: {program} is not built (make programs)", file=sys.stderr)
            return 2
    raise_fd_limit(4 * CROWD * 3)  # three crowds at once
    env = dict(os.environ, IPC_TRACE="off")
    kinds = ["idle", "slow", "deaf", "crowd", "garbage", "reset"]
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="ipckit-hostile-")  # the UNIX servers' sockets
    # Each check runs one server of its own, so three run side by side: the
    # waits (hostile clients settling, a timeout running out) overlap.
    checks = [(run_server, f"tcp_server -m {mode}",
               [os.path.join(lab04, "tcp_server"), "-n", "0", "-m", mode, "-t", "2000"],
               lambda line: ("127.0.0.1", int(line.split()[1])),
               lambda line, m=mode: [os.path.join(lab04, "tcp_client"), "-m", m, "-t", "1000",
                                     "127.0.0.1", line.split()[1]],
               "" if mode in ("abort", "oob") else "hello", env, random.Random(15 + i), kinds)
              for i, mode in enumerate(TCP_MODES)]
    path = os.path.join(work, "us.sock")
    checks.append((run_server, "us_server",
                   [os.path.join(lab03, "us_server"), "-s", path, "-t", "2000"],
                   lambda line: line,
                   lambda line: [os.path.join(lab03, "us_client"), "-s", line, "hello"],
                   "HELLO", env, random.Random(15 + len(TCP_MODES)), kinds, 0))
    checks.append((drop_check, "tcp_server -m echo -t 500",
                   [os.path.join(lab04, "tcp_server"), "-n", "0", "-m", "echo", "-t", "500"],
                   lambda line: ("127.0.0.1", int(line.split()[1])), env,
                   ["sent nothing", "EAGAIN"]))
    checks.append((drop_check, "us_server -t 500",
                   [os.path.join(lab03, "us_server"), "-s", os.path.join(work, "idle.sock"),
                    "-t", "500"],
                   lambda line: line, env, ["dropped", "ETIMEDOUT", "stalled"]))

    def run(check):
        lines = []
        return check[0](lines.append, *check[1:]), lines

    failures = 0
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
            for count, lines in pool.map(run, checks):  # in order, whatever ends first
                failures += count
                for line in lines:
                    print(line, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    failures += fifo_checks(lab02)
    print(f"hostile: {len(TCP_MODES) + 1} server modes x {len(kinds)} kinds of hostile clients, and fifo_reader, in "
          f"{time.monotonic() - started:.1f} s, {failures} failure(s)")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
