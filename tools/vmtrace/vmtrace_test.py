#!/usr/bin/env python3
"""Boot the kernel with vmtrace=1 on a rootfs whose pid 1 runs a workload
script, collect the trace the kernel writes to COM2, and replay it with
`./sim replay`: the simulator must reproduce every placement, fault outcome
and per-process rss/AnonHugePages the kernel recorded.

usage: vmtrace_test.py --sim SIM --kernel ELF --initrd CPIO --out TRACE
                       [--append WORDS] [--timeout S] [--expect REGEX]...

Exit 0 when the boot powered off, the console showed every --expect, the
trace holds what the workload must have produced (execs, forks, faults,
placed mmaps, exits with expectations, a 2 MiB page) and the replay held
every outcome and expectation; 1 otherwise.
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
QEMU_RUN = os.path.join(HERE, "..", "qemu", "qemu_run.py")


def boot(args):
    """Run QEMU through qemu_run.py with COM2 going to args.out; True when it passed."""
    if os.path.exists(args.out):
        os.unlink(args.out)
    qemu = ["qemu-system-x86_64", "-machine", "pc,accel=tcg", "-cpu", "max", "-m", args.memory,
            "-nographic", "-no-reboot", "-kernel", args.kernel, "-initrd", args.initrd,
            "-append", args.append, "-serial", "mon:stdio", "-serial", "file:" + args.out]
    cmd = ["python3", QEMU_RUN, "--timeout", str(args.timeout), "--exit", "zero"]
    for e in args.expect:
        cmd += ["--expect", e]
    print("vmtrace: " + " ".join(cmd + ["--"] + qemu), flush=True)
    return subprocess.run(cmd + ["--"] + qemu).returncode == 0


def trace_counts(path):
    """What the recorded trace holds, by kind, and its comment notes."""
    counts = {"exec": 0, "fork": 0, "fault": 0, "exit": 0, "placed": 0, "expect": 0,
              "anon_huge>0": 0, "lines": 0}
    notes = []
    with open(path, encoding="ascii", errors="replace") as f:
        for line in f:
            counts["lines"] += 1
            if line.startswith("# vmtrace:"):
                notes.append(line.rstrip())
                continue
            w = line.split()
            if len(w) >= 2 and w[0] == "expect":
                counts["expect"] += 1
                if w[2] == "anon_huge" and int(w[3]) > 0:
                    counts["anon_huge>0"] += 1
            elif len(w) >= 2 and w[1] in counts:
                counts[w[1]] += 1
            if len(w) >= 3 and w[1] == "mmap" and w[2] == "-" and re.search(r"=> 0x", line):
                counts["placed"] += 1
    return counts, notes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--append", default="console=ttyS0 quiet vmtrace=1 rdinit=/bin/sh -- "
                                        "/vmtrace/run.sh")
    ap.add_argument("--memory", default="512M")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--expect", action="append", default=[])
    args = ap.parse_args()

    failed = 0
    if not boot(args):
        print("vmtrace: FAIL the boot did not end as expected")
        failed += 1
    if not os.path.exists(args.out) or os.path.getsize(args.out) == 0:
        print("vmtrace: FAIL no trace on COM2")
        print("0 passed, 1 failed")
        return 1
    counts, notes = trace_counts(args.out)
    print("vmtrace: trace %s: %s" % (args.out, ", ".join("%s %d" % kv for kv in counts.items())))
    for n in notes:
        print("vmtrace: note: " + n)
    # The workload forks, execs, faults, maps without a hint and uses 2 MiB pages.
    for need in ("exec", "fork", "fault", "exit", "placed", "anon_huge>0"):
        if counts[need] == 0:
            print("vmtrace: FAIL the trace has no %s" % need)
            failed += 1
    if counts["expect"] < 3 * counts["exit"]:
        print("vmtrace: FAIL %d exits but only %d expectations" % (counts["exit"], counts["expect"]))
        failed += 1
    rep = subprocess.run([args.sim, "replay", "--quiet", args.out], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(rep.stdout)
    if rep.returncode != 0:
        print("vmtrace: FAIL ./sim replay exited %d" % rep.returncode)
        failed += 1
    checks = 8
    print("%d passed, %d failed" % (checks - min(failed, checks), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
