#!/usr/bin/env python3
"""Run one libFuzzer target the way the build wants it.

usage: run_fuzzer.py --fuzz-dir DIR --work-dir DIR --target NAME --program BIN MODE [opts]

MODE is
  replay          run the target once on every input of corpus/NAME and
                  regressions/NAME; prints "N passed, N failed" (one per file)
  smoke           fuzz for --seconds from the seeds into a fresh scratch corpus
                  (libFuzzer seed 1, so a CI run is reproducible)
  long            fuzz for --seconds with --jobs parallel jobs into the
                  persistent corpus WORK/NAME/corpus; prints execs and execs/s

Flags for every mode come from NAME.options ([libfuzzer] section, as
OSS-Fuzz reads it) and NAME.dict. Crashes land in WORK/NAME/findings/.
"""
import argparse
import configparser
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time


def option_flags(fuzz_dir, target):
    flags = []
    dict_path = os.path.join(fuzz_dir, target + ".dict")
    if os.path.exists(dict_path):
        flags.append("-dict=" + dict_path)
    opt_path = os.path.join(fuzz_dir, target + ".options")
    if os.path.exists(opt_path):
        cp = configparser.ConfigParser()
        cp.read(opt_path)
        if cp.has_section("libfuzzer"):
            for key, value in cp.items("libfuzzer"):
                flags.append("-%s=%s" % (key, value))
    return flags


def input_files(fuzz_dir, target):
    files = []
    for sub in ("corpus", "regressions"):
        d = os.path.join(fuzz_dir, sub, target)
        if os.path.isdir(d):
            files += sorted(p for p in glob.glob(os.path.join(d, "*")) if os.path.isfile(p))
    return files


def replay(args, flags):
    """Run every stored input; a crash on one file does not hide the others."""
    files = input_files(args.fuzz_dir, args.target)
    passed = failed = 0
    while files:
        proc = subprocess.run([args.program] + flags + files, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
        out = proc.stdout.decode("utf-8", "replace")
        if proc.returncode == 0:
            passed += len(files)
            break
        ran = re.findall(r"^Running: (.*)$", out, re.M)
        bad = ran[-1] if ran else files[0]
        sys.stdout.write(out[-6000:])
        print("FAILED INPUT: %s" % bad)
        idx = files.index(bad) if bad in files else 0
        passed += idx
        failed += 1
        files = files[idx + 1:]
    print("%s_replay: %d passed, %d failed" % (args.target, passed, failed))
    return 0 if failed == 0 else 1


def seed_dirs(args):
    dirs = []
    for sub in ("corpus", "regressions"):
        d = os.path.join(args.fuzz_dir, sub, args.target)
        if os.path.isdir(d):
            dirs.append(d)
    return dirs


def findings_dir(args):
    d = os.path.join(args.work_dir, args.target, "findings")
    os.makedirs(d, exist_ok=True)
    return d + "/"


def smoke(args, flags):
    scratch = tempfile.mkdtemp(prefix="fuzz-%s-" % args.target)
    try:
        cmd = [args.program, "-max_total_time=%d" % args.seconds, "-print_final_stats=1", "-seed=1",
               "-artifact_prefix=" + findings_dir(args)] + flags + [scratch] + seed_dirs(args)
        print("$ " + " ".join(cmd))
        sys.stdout.flush()
        proc = subprocess.run(cmd)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if proc.returncode != 0:
        print("%s: crash saved under %s (replay it with: %s FILE)" %
              (args.target, findings_dir(args), args.program))
    return proc.returncode


def long_run(args, flags):
    home = os.path.join(args.work_dir, args.target)
    corpus = os.path.join(home, "corpus")
    os.makedirs(corpus, exist_ok=True)
    for old in glob.glob(os.path.join(home, "fuzz-*.log")):
        os.remove(old)
    cmd = [args.program, "-max_total_time=%d" % args.seconds, "-print_final_stats=1",
           "-jobs=%d" % args.jobs, "-workers=%d" % args.jobs,
           "-artifact_prefix=" + findings_dir(args)] + flags + [corpus] + seed_dirs(args)
    print("$ " + " ".join(cmd))
    sys.stdout.flush()
    start = time.time()
    proc = subprocess.run(cmd, cwd=home)
    elapsed = time.time() - start
    execs = 0
    for log in glob.glob(os.path.join(home, "fuzz-*.log")):
        with open(log, errors="replace") as f:
            text = f.read()
        # final stats when the job ended by itself, else its last status line
        m = re.findall(r"stat::number_of_executed_units:\s*(\d+)", text) or \
            re.findall(r"^#(\d+)\s", text, re.M)
        if m:
            execs += int(m[-1])
    crashes = sorted(glob.glob(findings_dir(args) + "*"))
    print("%s: %d execs in %.0fs on %d jobs = %.0f execs/s; %d findings in %s" %
          (args.target, execs, elapsed, args.jobs, execs / max(elapsed, 1.0),
           len(crashes), findings_dir(args)))
    return proc.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fuzz-dir", required=True)
    ap.add_argument("--work-dir", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--program", required=True)
    ap.add_argument("mode", choices=("replay", "smoke", "long"))
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    # long runs work in their own directory: make every path absolute
    for key in ("fuzz_dir", "work_dir", "program"):
        setattr(args, key, os.path.abspath(getattr(args, key)))
    flags = option_flags(args.fuzz_dir, args.target)
    if args.mode == "replay":
        return replay(args, flags)
    if args.mode == "smoke":
        return smoke(args, flags)
    return long_run(args, flags)


if __name__ == "__main__":
    sys.exit(main())
