#!/usr/bin/env python3
"""Checks of the harness's comparison rules (no QEMU needed): parsing, the
refusal of runs whose iteration counts or modes differ, medians, status
thresholds, the icount repeat check, and that the SVG is well-formed XML.
Ends `N passed, N failed`."""
import os
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402
from results import (combine_runs, compare, env_of, parse_output, repeat_check,  # noqa: E402
                     status_of)

OUT_A = """c\x1b[2JBENCH_MODE full
BENCH getpid 1000 500000 500.0
BENCH mmap_fault 4096 40960000 10000.0
BENCH_SKIP eventfd ENOSYS:eventfd
BENCH_FAIL brk ENOMEM:brk(12)
BENCH_DONE 2 1 1
"""
OUT_B = OUT_A.replace("500000 500.0", "700000 700.0")
OUT_QUICK = "BENCH_MODE quick\nBENCH getpid 10 5000 500.0\nBENCH_DONE 1 0 0\n"

results = []


def check(name, ok):
    results.append(ok)
    print("%s %s" % ("PASS" if ok else "FAIL", name))


a, b, q = parse_output(OUT_A), parse_output(OUT_B), parse_output(OUT_QUICK)
check("parse: mode, done, numbers", a["mode"] == "full" and a["done"] and
      a["bench"]["getpid"] == {"iterations": 1000, "total_ns": 500000, "ns_per_op": 500.0})
check("parse: skip and fail carry no number",
      "eventfd" not in a["bench"] and a["skipped"]["eventfd"] == "ENOSYS:eventfd" and
      "brk" in a["failed"] and "brk" not in a["bench"])
check("parse: unfinished run", not parse_output("BENCH_MODE full\n")["done"])

# The THP policy in force: a kernel that turned THP off is not compared.
THP_ON = parse_output("BENCH_MODE full\nBENCH_ENV thp always\n" + OUT_A.split("\n", 1)[1])
THP_OFF = parse_output("BENCH_MODE full\nBENCH_ENV thp never\n" + OUT_A.split("\n", 1)[1])
check("parse: environment", THP_ON["env"] == {"thp": "always"})
s_on, _ = combine_runs([THP_ON])
rows, why = compare(s_on, s_on, ["full"], ["full"], env_of([THP_OFF]), env_of([THP_ON]))
check("refuse: THP policy differs", rows == {} and len(why) == 1 and "thp never for Linux" in why[0])
rows, why = compare(s_on, s_on, ["full"], ["full"], env_of([THP_ON]), env_of([THP_ON]))
check("compare: same THP policy", why == [] and rows["getpid"]["ratio"] == 1.0)
check("env: runs that disagree keep both", env_of([THP_ON, THP_OFF])["thp"] == ["always", "never"])

summary, problems = combine_runs([a, b, a])
check("median of three runs", summary["getpid"]["ns_per_op"] == 500.0 and not problems)
_, problems = combine_runs([a, q])
check("runs of one kernel with different counts are refused",
      any("iteration counts differ" in p for p in problems) and
      any("disagree on the mode" in p for p in problems))

ref, _ = combine_runs([a])
oth, _ = combine_runs([b])
rows, refusals = compare(ref, oth, ["full"], ["full"])
check("ratio and status", rows["getpid"] == {"ratio": 1.4, "status": "regression"} and
      rows["mmap_fault"]["status"] == "OK" and not refusals)
quick, _ = combine_runs([q])
rows, refusals = compare(ref, quick, ["full"], ["full"])
check("different iteration counts are never compared",
      "getpid" not in rows and any("refusing to compare getpid" in r for r in refusals))
rows, refusals = compare(ref, quick, ["full"], ["quick"])
check("different modes are never compared", rows == {} and "quick" in refusals[0])
check("status thresholds", [status_of(x) for x in (0.9, 0.95, 1.0, 1.1, 1.11)] ==
      ["faster", "OK", "OK", "marginal", "regression"])

same = repeat_check("balanced", {"balanced": [a, parse_output(OUT_A)]})
check("repeat check: identical output passes", same["identical"] and same["benchmarks"] == 2)
diff = repeat_check("balanced", {"balanced": [a, b]})
check("repeat check: one changed figure fails and is named",
      diff["identical"] is False and any(d.startswith("getpid:") for d in diff["differences"]))
check("repeat check: a single run is no proof",
      repeat_check("balanced", {"balanced": [a]})["identical"] is None)

data = {"kernels": ["linux", "balanced"], "order": ["getpid", "mmap_fault"],
        "compare": {"balanced": {"rows": compare(ref, oth, ["full"], ["full"])[0]}}}
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "r.svg")
    report.write_svg(path, "icount", data)
    root = ET.parse(path).getroot()
    bars = [e for e in root if e.tag.endswith("rect") and e.find("{*}title") is not None]
    check("svg parses and has one bar per compared benchmark", len(bars) == 2)

print("%d passed, %d failed" % (results.count(True), results.count(False)))
sys.exit(0 if all(results) else 1)
