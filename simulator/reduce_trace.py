#!/usr/bin/env python3
"""Shrink a trace that `sim diff` reports as differing to a small one that
still differs the same way (delta debugging over event lines).

usage: reduce_trace.py SIM TRACE [--kind REGEX] [-o OUT]

The kind of difference kept is the first one `sim diff` prints for TRACE
with numbers blanked (`after the event: native vmas N, sim N`), or the
lines matching --kind. Header lines, comments and `expect` records are
kept as they are; events are removed in ever smaller chunks while the
difference remains (a removal that makes the trace malformed, or that
removes the difference, is undone). The outcomes and expectations of the
result are Linux's only after `sim diff` writes them back, so a pending
trace made from it must be finished by hand.
"""
import argparse
import re
import subprocess
import sys
import tempfile

DIFF_LINE = re.compile(r"^[^:]+:(\d+): (.*)$")


def differences(sim, lines):
    """`sim diff` of lines: the list of (line, message) differences, or None when it could not run."""
    with tempfile.NamedTemporaryFile("w", suffix=".trace", delete=False) as f:
        f.write("".join(lines))
        path = f.name
    try:
        out = subprocess.run([sim, "diff", "--quiet", path], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return None
    finally:
        pass
    subprocess.run(["rm", "-f", path])
    if out.returncode == 2:
        return None
    diffs = []
    for line in out.stdout.splitlines():
        m = DIFF_LINE.match(line)
        if m and line.startswith(path):
            diffs.append((int(m.group(1)), m.group(2)))
    return diffs


def kind_of(msg):
    return re.sub(r"\d+", "N", msg)


def is_event(line):
    w = line.split("#")[0].split()
    return len(w) >= 2 and w[0].isdigit()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sim")
    ap.add_argument("trace")
    ap.add_argument("--kind", help="regex a difference message must match")
    ap.add_argument("-o", "--out")
    args = ap.parse_args()
    lines = open(args.trace).read().splitlines(True)
    first = differences(args.sim, lines)
    if not first:
        print("reduce: %s does not differ" % args.trace, file=sys.stderr)
        return 1
    want = re.compile(args.kind) if args.kind else None
    target = None if want else kind_of(first[0][1])

    def interesting(cand):
        d = differences(args.sim, cand)
        if not d:
            return False
        if want:
            return any(want.search(m) for _, m in d)
        return any(kind_of(m) == target for _, m in d)

    chunk = max(1, sum(map(is_event, lines)) // 2)
    while chunk >= 1:
        i, changed = 0, False
        while i < len(lines):
            idx = [j for j in range(i, len(lines)) if is_event(lines[j])][:chunk]
            if not idx:
                break
            cand = [l for j, l in enumerate(lines) if j not in set(idx)]
            if interesting(cand):
                lines, changed = cand, True
            else:
                i = idx[-1] + 1
        if not changed:
            chunk //= 2
    out = "".join(lines)
    if args.out:
        open(args.out, "w").write(out)
    else:
        sys.stdout.write(out)
    for ln, msg in differences(args.sim, lines) or []:
        print("reduce: line %d: %s" % (ln, msg), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
