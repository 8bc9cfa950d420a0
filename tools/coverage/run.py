#!/usr/bin/env python3
"""Run everything the coverage build produced and write the report.

usage: run.py --out DIR --root REPO [--unit PROG]... [--sim PROG] [--fuzz NAME=PROG]...

Runs the unit tests, replays traces/ (including the failing and malformed
ones) with the simulator, and runs each fuzz target over its seed corpus,
its regression inputs and, when present, the corpus a `scons fuzz-long` run
left in build/fuzz/work/NAME/corpus. Then merges the profiles and writes
DIR/html/ (llvm-cov show) and DIR/summary.txt: one line per mmcore file
with its line, function and region coverage.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys


def run(cmd, env, timeout=1800):
    try:
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        print("coverage: %s timed out" % cmd[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--unit", action="append", default=[])
    ap.add_argument("--sim")
    ap.add_argument("--fuzz", action="append", default=[])
    a = ap.parse_args()

    profiles = os.path.join(a.out, "profiles")
    shutil.rmtree(profiles, ignore_errors=True)
    os.makedirs(profiles)
    env = dict(os.environ, LLVM_PROFILE_FILE=os.path.join(profiles, "%p-%m.profraw"))
    objects = []

    for prog in a.unit:
        print("coverage: unit test %s" % os.path.basename(prog))
        run([prog, "--jobs=1"], env)
        objects.append(prog)
    if a.sim:
        traces = sorted(glob.glob(os.path.join(a.root, "traces", "*.trace")))
        traces += sorted(glob.glob(os.path.join(a.root, "traces", "*", "*.trace")))
        print("coverage: %d traces" % len(traces))
        for t in traces:
            run([a.sim, "replay", "--quiet", t], env)
        objects.append(a.sim)
    for item in a.fuzz:
        name, prog = item.split("=", 1)
        dirs = [os.path.join(a.root, "fuzz", sub, name) for sub in ("corpus", "regressions")]
        dirs.append(os.path.join(a.root, "build", "fuzz", "work", name, "corpus"))
        dirs = [d for d in dirs if os.path.isdir(d)]
        print("coverage: %s over %s" % (name, ", ".join(os.path.relpath(d, a.root) for d in dirs)))
        run([prog] + dirs, env)
        objects.append(prog)

    raws = glob.glob(os.path.join(profiles, "*.profraw"))
    if not raws:
        print("coverage: no profiles were written")
        return 1
    merged = os.path.join(a.out, "merged.profdata")
    subprocess.run(["llvm-profdata", "merge", "-sparse", "-o", merged] + raws, check=True)
    objargs = [objects[0]] + sum((["-object", o] for o in objects[1:]), [])
    html = os.path.join(a.out, "html")
    shutil.rmtree(html, ignore_errors=True)
    subprocess.run(["llvm-cov", "show", "-format=html", "-output-dir", html,
                    "-instr-profile", merged, "-show-line-counts-or-regions"] + objargs,
                   check=True, stdout=subprocess.DEVNULL)
    exported = subprocess.run(["llvm-cov", "export", "-summary-only", "-instr-profile", merged]
                              + objargs, check=True, stdout=subprocess.PIPE).stdout
    files = json.loads(exported)["data"][0]["files"]

    mmcore = os.path.join(a.root, "mmcore") + os.sep
    lines = []
    tot = [0, 0]
    for f in sorted(files, key=lambda f: f["filename"]):
        if not f["filename"].startswith(mmcore):
            continue
        s = f["summary"]
        if s["lines"]["count"] == 0:
            continue  # headers with nothing executable
        tot[0] += s["lines"]["covered"]
        tot[1] += s["lines"]["count"]
        lines.append("%-36s lines %6.2f%% (%d/%d)  functions %6.2f%%  regions %6.2f%%" % (
            os.path.relpath(f["filename"], a.root), s["lines"]["percent"], s["lines"]["covered"],
            s["lines"]["count"], s["functions"]["percent"], s["regions"]["percent"]))
    lines.append("%-36s lines %6.2f%% (%d/%d)" % ("mmcore total", 100.0 * tot[0] / max(tot[1], 1),
                                                   tot[0], tot[1]))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(a.out, "summary.txt"), "w") as f:
        f.write(text)
    sys.stdout.write(text)
    print("coverage: HTML report in %s/index.html" % html)
    return 0


if __name__ == "__main__":
    sys.exit(main())
