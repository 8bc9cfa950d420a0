#!/usr/bin/env python3
"""Checks of the simulator's pictures and explanations (tests/viz).

  check_viz.py svg SIM TRACE      every `expect PID vmas N` of TRACE: the
                                  picture drawn at that line (--svg-every)
                                  parses as XML and has N VMA bars for PID,
                                  each with the range and protections of a
                                  line of the process's maps
  check_viz.py protnone SIM TRACE every `expect PID prot ADDR P` (ADDR a
                                  number): the bar covering ADDR in the
                                  picture of that line is hatched (the
                                  PROT_NONE pattern) exactly when P is
                                  none; every `expect PID rss N`: the page
                                  runs drawn for PID add up to N (frames a
                                  PROT_NONE range keeps are drawn too)
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


SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def trace_size(text):
    m = re.fullmatch(r"(\d+)([KMG]?)", text)
    return int(m.group(1)) * SIZE_UNITS[m.group(2)] if m else None


def proc_group(root, pid):
    for g in root.iter(NS + "g"):
        if g.get("class") == "proc" and g.get("data-pid") == str(pid):
            return g
    return None


def protnone_expects(trace):
    """(line, pid, kind, value) for numeric `prot` and for `rss` expectations."""
    out = []
    for n, line in enumerate(open(trace, encoding="latin-1"), 1):
        m = re.match(r"\s*expect\s+(\d+)\s+prot\s+(0x[0-9a-fA-F]+)\s+(\S+)", line)
        if m:
            out.append((n, int(m.group(1)), "prot", (int(m.group(2), 16), m.group(3))))
        m = re.match(r"\s*expect\s+(\d+)\s+rss\s+(\S+)", line)
        if m and trace_size(m.group(2)) is not None:
            out.append((n, int(m.group(1)), "rss", trace_size(m.group(2))))
    return out


def check_prot_bar(root, g, line, addr, prot):
    bar = None
    for r in g.iter(NS + "rect"):
        if r.get("class") == "vma" and int(r.get("data-start"), 16) <= addr < int(r.get("data-end"), 16):
            bar = r
    if bar is None:
        fail("line %d: no VMA bar covers 0x%x" % (line, addr))
    hatched = bar.get("fill") == "url(#protnone)"
    if (prot == "none") != hatched or hatched != (bar.get("data-protnone") == "1"):
        fail("line %d: bar %s drawn %s, the trace says %s"
             % (line, bar.attrib, "hatched" if hatched else "plain", prot))
    if prot == "none" and not bar.get("data-prot").startswith("---"):
        fail("line %d: PROT_NONE bar has protections %s" % (line, bar.get("data-prot")))
    if prot != "none" and bar.get("data-prot")[:3].replace("-", "") != prot:
        fail("line %d: bar has protections %s, the trace says %s"
             % (line, bar.get("data-prot"), prot))
    pattern = [p for p in root.iter(NS + "pattern") if p.get("id") == "protnone"]
    legend = [r for r in root.iter(NS + "rect") if r.get("class") == "legend-protnone"]
    if hatched and (not pattern or not legend):
        fail("line %d: hatched bar but no protnone pattern or legend entry" % line)


def drawn_rss(g):
    """Bytes of the resident runs drawn in one process (zero pages are not rss)."""
    total = 0
    for r in g.iter(NS + "rect"):
        if r.get("class") in ("page", "huge", "cow", "kept"):
            m = re.search(r"\[0x([0-9a-f]+), 0x([0-9a-f]+)\)", r.find(NS + "title").text)
            total += int(m.group(2), 16) - int(m.group(1), 16)
    return total


def check_protnone(sim, trace):
    expects = protnone_expects(trace)
    if not any(k == "prot" and v[1] == "none" for _, _, k, v in expects):
        fail("%s has no numeric `expect PID prot ADDR none`" % trace)
    kept = 0
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "pic.svg")
        rc = subprocess.run([sim, "replay", "--quiet", "--svg", out, "--svg-every", trace]).returncode
        if rc != 0:
            fail("replay exited %d" % rc)
        for line, pid, kind, value in expects:
            root = ET.parse(os.path.join(d, "pic-%d.svg" % line)).getroot()
            g = proc_group(root, pid)
            if g is None:
                fail("line %d: no process %d drawn" % (line, pid))
            if kind == "prot":
                check_prot_bar(root, g, line, value[0], value[1])
            elif drawn_rss(g) != value:
                fail("line %d: runs drawn for pid %d add up to %d bytes, rss is %d"
                     % (line, pid, drawn_rss(g), value))
            kept += sum(1 for r in g.iter(NS + "rect") if r.get("class") == "kept")
    if kept == 0:
        fail("no kept (PROT_NONE) page run drawn in any picture of %s" % trace)
    print("ok: %d PROT_NONE/rss checks of %s" % (len(expects), trace))


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
    elif len(argv) >= 4 and argv[1] == "protnone":
        check_protnone(argv[2], argv[3])
    elif len(argv) >= 6 and argv[1] == "explain":
        check_explain(argv[2], argv[3], argv[4], argv[5:])
    elif len(argv) >= 4 and argv[1] == "stats":
        check_stats(argv[2], argv[3])
    else:
        fail(__doc__)


if __name__ == "__main__":
    main(sys.argv)
