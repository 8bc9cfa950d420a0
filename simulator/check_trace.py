#!/usr/bin/env python3
"""Checks on ./sim that a plain exit status cannot express.

usage:
  check_trace.py expect-error SIM FILE   FILE must make `sim replay` exit 2
                                         (malformed) or 1 (failing), as its
                                         `# expect-exit: N` comment says, with
                                         exactly one report on stderr, starting
                                         with FILE:LINE: where LINE is given by
                                         its `# expect-line: L` comment.
  check_trace.py gen SIM [--check] KIND ARGS...
                                         `sim gen KIND ARGS` must write a trace
                                         that `sim replay [--check] -` replays
                                         with exit status 0.
Exits 0 when the check holds, 1 otherwise (saying why).
"""
import re
import subprocess
import sys


def header_value(path, key):
    with open(path, "rb") as f:
        for raw in f:
            m = re.match(rb"#\s*" + key.encode() + rb":\s*(\d+)", raw)
            if m:
                return int(m.group(1))
    sys.exit("%s: no `# %s: N` comment" % (path, key))


def expect_error(sim, path):
    want_exit = header_value(path, "expect-exit")
    want_line = header_value(path, "expect-line")
    proc = subprocess.run([sim, "replay", "--quiet", path], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120)
    err = proc.stderr.decode("utf-8", "replace")
    print(err, end="")
    if proc.returncode != want_exit:
        sys.exit("%s: exit status %d, expected %d" % (path, proc.returncode, want_exit))
    reports = err.splitlines()
    prefix = "%s:%d: " % (path, want_line)
    if not reports or not reports[0].startswith(prefix):
        sys.exit("%s: first report %r does not start with %r"
                 % (path, reports[0] if reports else "", prefix))
    # Each of these traces holds exactly one problem, and a malformed line
    # must stop the replay: any further report means more was replayed.
    if len(reports) != 1:
        sys.exit("%s: %d reports, expected exactly one" % (path, len(reports)))
    print("ok: exit %d at line %d" % (want_exit, want_line))


def gen(sim, args):
    check = ["--check"] if args[:1] == ["--check"] else []
    args = args[len(check):]
    trace = subprocess.run([sim, "gen"] + args, stdout=subprocess.PIPE, check=True,
                           timeout=300).stdout
    proc = subprocess.run([sim, "replay"] + check + ["-"], input=trace, timeout=600)
    if proc.returncode != 0:
        sys.exit("sim gen %s: replay exit status %d" % (" ".join(args), proc.returncode))


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "expect-error":
        expect_error(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 4 and sys.argv[1] == "gen":
        gen(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
