#!/usr/bin/env python3
"""Contract test harness: the same binary must print the same lines natively and in our kernel.

usage: contracts.py --bins DIR --known FILE [--timeout S] [--label L] TEST... -- QEMU_RUN_CMD...

Each TEST names a binary DIR/TEST. Every test runs natively on the host for
the expected output; then QEMU_RUN_CMD (tools/qemu/qemu_run.py ... with the
contract initramfs, whose /init runs /contracts/TEST for each test in one
boot) gives the kernel's outputs, delimited by "@@CONTRACT BEGIN/END" lines.
Per test it prints PASS, FAIL (the native run itself failed: the test does
not state Linux behaviour), DIVERGE (with a unified diff) or XFAIL (listed in
FILE with a reason); an XFAIL that passes counts as a failure so the list
gets updated. Last line: "N passed, N failed".
"""
import argparse
import difflib
import os
import re
import subprocess
import sys


def load_known(path):
    """Map test name -> reason from lines "name: reason" (# comments allowed)."""
    known = {}
    if path and os.path.exists(path):
        for line in open(path):
            line = line.strip()
            if line and not line.startswith("#") and ":" in line:
                name, reason = line.split(":", 1)
                known[name.strip()] = reason.strip()
    return known


def run_native(path, timeout):
    """The test's output and end status on the host, in the runner's words."""
    try:
        p = subprocess.run([os.path.abspath(path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=timeout, cwd="/")
    except subprocess.TimeoutExpired:
        return [], "timeout"
    except OSError as e:
        return [], "not started (%s)" % e.strerror
    out = p.stdout.decode("utf-8", "replace").splitlines()
    status = "exit %d" % p.returncode if p.returncode >= 0 else "signal %d" % -p.returncode
    return out, status


def run_guest(cmd, timeout):
    """Boot once; returns ({name: (lines, status)}, whole console text)."""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=timeout)
        text = p.stdout.decode("utf-8", "replace").replace("\r\n", "\n")
    except subprocess.TimeoutExpired as e:
        text = (e.stdout or b"").decode("utf-8", "replace").replace("\r\n", "\n")
    results, cur, lines = {}, None, []
    for line in text.split("\n"):
        m = re.match(r"^@@CONTRACT BEGIN /contracts/(\S+)$", line)
        if m:
            cur, lines = m.group(1), []
            continue
        m = re.match(r"^@@CONTRACT END /contracts/(\S+) (.*)$", line)
        if m and cur == m.group(1):
            results[cur] = (lines, m.group(2))
            cur = None
            continue
        if cur is not None:
            lines.append(line)
    return results, text


def first_diff(expected, got, name):
    """A unified diff around the first differing line."""
    diff = list(difflib.unified_diff(expected, got, "linux/" + name, "ours/" + name,
                                     n=2, lineterm=""))
    return "\n".join("    " + d for d in diff[:40])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bins", required=True)
    ap.add_argument("--known", default=None)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--label", default="contracts")
    ap.add_argument("rest", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    sep = args.rest.index("--")
    tests, qemu = args.rest[:sep], args.rest[sep + 1:]
    known = load_known(args.known)
    native = {t: run_native(os.path.join(args.bins, t), 60) for t in tests}
    guest, console = run_guest(qemu, args.timeout) if qemu else ({}, "")
    passed = failed = 0
    for t in tests:
        exp, exp_status = native[t]
        if exp_status != "exit 0" or not exp or exp[-1] != "CONTRACT_PASS":
            print("FAIL %s: native run ended %s, last line %r" % (t, exp_status, exp[-1:]))
            print("\n".join("    " + l for l in exp[-20:]))
            failed += 1
            continue
        got, status = guest.get(t, ([], "missing from the kernel's console"))
        same = got == exp and status == "exit 0"
        if t in known:
            if same:
                print("FAIL %s: listed in KNOWN_DIVERGENCES but passes now: remove it" % t)
                failed += 1
            else:
                print("XFAIL %s (%s)" % (t, known[t]))
                passed += 1
            continue
        if same:
            print("PASS %s" % t)
            passed += 1
            continue
        print("DIVERGE %s: kernel run ended %s" % (t, status))
        print(first_diff(exp + ["(%s)" % exp_status], got + ["(%s)" % status], t))
        failed += 1
    if not guest and qemu:
        print("contracts: no test output from the kernel; console tail:")
        print("\n".join("    " + l for l in console.splitlines()[-30:]))
    print("%s: %d passed, %d failed" % (args.label, passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
