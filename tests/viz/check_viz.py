#!/usr/bin/env python3
"""Checks of the simulator's pictures and explanations (tests/viz).

  check_viz.py svg SIM TRACE      every `expect PID vmas N` of TRACE: the
                                  picture drawn at that line (--svg-every)
                                  parses as XML and has N VMA bars for PID,
                                  each with the range and protections of a
                                  line of the process's maps
  check_viz.py explain SIM TRACE LINE TEXT...
                                  `replay --explain LINE` prints every TEXT
  check_viz.py stats SIM TRACE    `stats --svg` parses, has one series per
                                  fault kind, and its totals match the
                                  replay's summary
Exit 0 when every check holds, 1 otherwise (with the reason on stderr).
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def fail(msg):
    sys.stderr.write("check_viz: %s\n" % msg)
    sys.exit(1)


def vma_bars(svg_path, pid):
    root = ET.parse(svg_path).getroot()
    for g in root.iter(NS + "g"):
        if g.get("class") == "proc" and g.get("data-pid") == str(pid):
            return [r for r in g.iter(NS + "rect") if r.get("class") == "vma"]
    return None


def check_svg(sim, trace):
    expects = []
    for n, line in enumerate(open(trace, encoding="latin-1"), 1):
        m = re.match(r"\s*expect\s+(\d+)\s+vmas\s+(\d+)", line)
        if m:
            expects.append((n, int(m.group(1)), int(m.group(2))))
    if not expects:
        fail("%s has no `expect PID vmas N`" % trace)
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "pic.svg")
        rc = subprocess.run([sim, "replay", "--quiet", "--svg", out, "--svg-every", trace]).returncode
        if rc != 0:
            fail("replay exited %d" % rc)
        for line, pid, want in expects:
            path = os.path.join(d, "pic-%d.svg" % line)
            bars = vma_bars(path, pid)
            if bars is None and want == 0:
                continue  # an exited process: Linux's empty maps
            if bars is None:
                fail("%s: no process %d drawn" % (path, pid))
            if len(bars) != want:
                fail("line %d: %d VMA bars for pid %d, the trace expects %d"
                     % (line, len(bars), pid, want))
            last = 0
            for b in bars:
                s, e = int(b.get("data-start"), 16), int(b.get("data-end"), 16)
                if not (last <= s < e) or not re.fullmatch(r"[r-][w-][x-][ps]", b.get("data-prot")):
                    fail("line %d: bad bar %s" % (line, b.attrib))
                last = e
        ET.parse(out)  # the end-of-replay picture parses too
    print("ok: %d pictures of %s" % (len(expects), trace))


def check_explain(sim, trace, line, texts):
    p = subprocess.run([sim, "replay", "--quiet", "--explain", line, trace],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail("replay exited %d: %s" % (p.returncode, p.stderr))
    for t in texts:
        if t not in p.stdout:
            fail("line %s: %r not in\n%s" % (line, t, p.stdout))
    print(p.stdout, end="")


def check_stats(sim, trace):
    summary = subprocess.run([sim, "replay", "--json", trace], capture_output=True, text=True)
    js = json.loads(summary.stdout.strip().splitlines()[-1])
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "stats.svg")
        rc = subprocess.run([sim, "stats", "--svg", out, trace]).returncode
        if rc != 0:
            fail("stats exited %d" % rc)
        root = ET.parse(out).getroot()
        lines = [p for p in root.iter(NS + "polyline") if p.get("class") == "series"]
        if len(lines) != 8:
            fail("%d series, want 8" % len(lines))
        total = {}
        for p in lines:
            m = re.search(r": (\d+) in all", p.find(NS + "title").text)
            total[p.get("data-kind")] = int(m.group(1))
    pairs = (("anon zero", "anon_zero"), ("anon new", "anon_new"), ("2M new", "huge"),
             ("2M zero", "huge_zero"), ("file", "file"), ("CoW reuse", "wp_reuse"),
             ("CoW copy", "wp_copy"))
    for kind, key in pairs:
        if js["faults"][key] != total[kind]:
            fail("%s: chart says %d, summary %d" % (kind, total[kind], js["faults"][key]))
    if js["outcomes"]["SIGSEGV"] and not total["SIGSEGV"]:
        fail("SIGSEGV outcomes but none drawn")
    if sum(total.values()) == 0:
        fail("no fault drawn")
    print("ok: stats", total)


def main(argv):
    if len(argv) >= 4 and argv[1] == "svg":
        check_svg(argv[2], argv[3])
    elif len(argv) >= 6 and argv[1] == "explain":
        check_explain(argv[2], argv[3], argv[4], argv[5:])
    elif len(argv) >= 4 and argv[1] == "stats":
        check_stats(argv[2], argv[3])
    else:
        fail(__doc__)


if __name__ == "__main__":
    main(sys.argv)
