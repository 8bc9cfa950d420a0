#!/usr/bin/env python3
"""Run QEMU for a kernel test or `scons run`, and report how the guest ended.

usage: qemu_run.py [--timeout S] [--exit zero|nonzero|any] [--expect REGEX]...
                   [--interactive] -- qemu-system-x86_64 ARGS...

QEMU itself exits 0 both when the guest powers off (ACPI S5) and when it
resets under -no-reboot (a panic, a triple fault), and with the default
devices a guest cannot choose QEMU's exit status. So this script opens a
QMP socket (QEMU waits for it before starting the guest), reads the
SHUTDOWN event's reason, and exits:
    0   guest powered off (reason guest-shutdown) and QEMU exited 0
    3   guest reset the machine (guest-reset: panic, triple fault)
  124   timeout (QEMU killed)
    N   QEMU's own non-zero status otherwise
With --exit, a test additionally requires a zero (power-off) or non-zero
ending, and with --expect every regex must match the console output; then
it prints `qemu_run: PASS` or `qemu_run: FAIL ...` and exits 0 or 1.
"""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

EXIT_RESET = 3
EXIT_TIMEOUT = 124


def qmp_watch(path, result):
    """Connect to QEMU's QMP socket, enable it, record the SHUTDOWN reason."""
    sock = None
    for _ in range(500):
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path)
            break
        except OSError:
            sock.close()
            sock = None
            time.sleep(0.01)
    if sock is None:
        return
    f = sock.makefile("rwb", buffering=0)
    try:
        f.readline()  # greeting
        f.write(b'{"execute": "qmp_capabilities"}\n')
        for line in f:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if msg.get("event") == "SHUTDOWN":
                result["reason"] = msg.get("data", {}).get("reason", "unknown")
    except OSError:
        pass
    finally:
        sock.close()


def run(qemu, timeout, interactive):
    tmp = tempfile.mkdtemp(prefix="qemu-run-")
    qmp_path = os.path.join(tmp, "qmp.sock")
    cmd = qemu + ["-qmp", "unix:%s,server=on,wait=on" % qmp_path]
    result = {}
    watcher = threading.Thread(target=qmp_watch, args=(qmp_path, result), daemon=True)
    watcher.start()
    out = ""
    start = time.time()
    try:
        if interactive:
            # -qmp takes QEMU's default monitor away, and with it the muxed
            # "mon:stdio" serial that passes Ctrl-C to the guest; ask for it
            # explicitly so ^C reaches the guest's shell instead of ending QEMU.
            proc = subprocess.run(cmd + ["-serial", "mon:stdio"], timeout=timeout)
        else:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=timeout)
            out = proc.stdout.decode("utf-8", "replace")
        status = proc.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace") if not interactive else ""
        status = EXIT_TIMEOUT
        result["reason"] = "timeout"
    watcher.join(2)
    try:
        os.unlink(qmp_path)
    except OSError:
        pass
    os.rmdir(tmp)
    elapsed = time.time() - start
    if status == 0 and result.get("reason") == "guest-reset":
        status = EXIT_RESET
    return out, status, result.get("reason", "none"), elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds (default 600; none for --interactive: a person is typing)")
    ap.add_argument("--exit", choices=("zero", "nonzero", "any"), default=None)
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--interactive", action="store_true")
    ap.add_argument("qemu", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    qemu = args.qemu[1:] if args.qemu[:1] == ["--"] else args.qemu
    if args.timeout is None and not args.interactive:
        args.timeout = 600
    out, status, reason, elapsed = run(qemu, args.timeout, args.interactive)
    if not args.interactive:
        sys.stdout.write(out.replace("\r\n", "\n"))
    print("\nqemu_run: exit status %d (shutdown reason %s), %.2fs" % (status, reason, elapsed))
    if args.exit is None and not args.expect:
        sys.exit(status)
    problems = []
    if args.exit == "zero" and status != 0:
        problems.append("expected exit status 0, got %d" % status)
    if args.exit == "nonzero" and status == 0:
        problems.append("expected a non-zero exit status")
    for e in args.expect:
        if not re.search(e, out, re.M):
            problems.append("console output lacks /%s/" % e)
    if problems:
        print("qemu_run: FAIL: " + "; ".join(problems))
        sys.exit(1)
    print("qemu_run: PASS")
    sys.exit(0)


if __name__ == "__main__":
    main()
