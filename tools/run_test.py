#!/usr/bin/env python3
"""Run one test command, record its outcome for the `scons test` summary.

usage: run_test.py NAME RESULT_JSON LOG TIMEOUT_SECONDS -- CMD ARGS...

Counts come from the command's own output when it reports them
(Criterion's "Synthesis" line, or a closing "N passed, N failed" line);
otherwise the exit status decides one pass or one fail. A non-zero exit,
a timeout or a crash always counts at least one failure. The script itself
always exits 0 so that every test runs; the summary decides the exit code.
"""
import json
import re
import subprocess
import sys
import time

CRITERION = re.compile(r"Synthesis: Tested: (\d+) \| Passing: (\d+) \| Failing: (\d+) \| Crashing: (\d+)")
PLAIN = re.compile(r"^(?:\w+: )?(\d+) passed, (\d+) failed", re.M)


def parse_counts(text):
    m = list(CRITERION.finditer(text))
    if m:
        tested, passing, failing, crashing = map(int, m[-1].groups())
        return passing, failing + crashing
    m = list(PLAIN.finditer(text))
    if m:
        return int(m[-1].group(1)), int(m[-1].group(2))
    return None


def main():
    name, result, log, timeout = sys.argv[1:5]
    assert sys.argv[5] == "--"
    cmd = sys.argv[6:]
    start = time.time()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, timeout=float(timeout))
        out = proc.stdout.decode("utf-8", "replace")
        rc = proc.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace") + f"\nTIMEOUT after {timeout}s\n"
        rc = -999
    elapsed = time.time() - start
    with open(log, "w") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.write(out)
        f.write(f"\nexit status {rc}, {elapsed:.1f}s\n")
    counts = parse_counts(out)
    if counts is None:
        passed, failed = (1, 0) if rc == 0 else (0, 1)
    else:
        passed, failed = counts
        if rc != 0 and failed == 0:
            failed = 1
    with open(result, "w") as f:
        json.dump({"name": name, "passed": passed, "failed": failed, "rc": rc,
                   "seconds": round(elapsed, 2), "log": log}, f)
    status = "PASS" if failed == 0 else "FAIL"
    print(f"{status} {name}: {passed} passed, {failed} failed ({elapsed:.1f}s)")


if __name__ == "__main__":
    main()
