"""Write the benchmark report: results.md (tables) and an SVG bar chart of
ratios to Linux (drawn here, no plotting library)."""
from xml.sax.saxutils import escape

from results import REFERENCE, STATUS

COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#e15759", "#76b7b2")


def _fmt_ns(v):
    return "%.1f" % v if v < 1000 else "%.0f" % v


def markdown_mode(mode, data):
    """The section of results.md for one mode (icount or wall)."""
    kernels = data["kernels"]
    others = [k for k in kernels if k != REFERENCE]
    out = ["## %s mode" % mode, "", data["note"], ""]
    check = data.get("repeat_check")
    if check:
        out += [("Repeat check: %s ran twice in this mode and printed identical numbers for "
                 "all %d benchmarks." % (check["kernel"], check.get("benchmarks", 0)))
                if check["identical"] else
                "Repeat check FAILED: %s ran twice and the numbers differ:" % check["kernel"], ""]
        if not check["identical"]:
            out += ["- " + d for d in check["differences"]] + [""]
    envs = data.get("env", {})
    if any(envs.values()):
        out += ["Environment reported by each kernel (BENCH_ENV): " + "; ".join(
            "%s %s" % (k, ", ".join("%s %s" % kv for kv in sorted(v.items())) or "none")
            for k, v in envs.items()) + ".", ""]
    head = ["benchmark", "iterations", "Linux ns/op"]
    for k in others:
        head += ["%s ns/op" % k, "%s ratio" % k, "%s status" % k]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "---|" * len(head))
    ref = data["summary"].get(REFERENCE, {})
    names = data["order"]
    for name in names:
        r = ref.get(name)
        row = [name, str(r["iterations"]) if r else "-", _fmt_ns(r["ns_per_op"]) if r else
               data["missing"].get(REFERENCE, {}).get(name, "-")]
        for k in others:
            o = data["summary"].get(k, {}).get(name)
            cmp_row = data["compare"].get(k, {}).get("rows", {}).get(name)
            row.append(_fmt_ns(o["ns_per_op"]) if o else data["missing"].get(k, {}).get(name, "-"))
            row.append("%.2f" % cmp_row["ratio"] if cmp_row else "-")
            row.append(cmp_row["status"] if cmp_row else "not compared")
        out.append("| " + " | ".join(row) + " |")
    out.append("")
    for k in others:
        rows = data["compare"].get(k, {}).get("rows", {})
        worst = sorted(rows.items(), key=lambda kv: -kv[1]["ratio"])[:3]
        if worst:
            out.append("Worst ratios for %s: %s." % (k, ", ".join(
                "%s %.2f" % (name, r["ratio"]) for name, r in worst)))
            out.append("")
    for k in others:
        refusals = data["compare"].get(k, {}).get("refusals", [])
        if refusals:
            out.append("Not compared for %s:" % k)
            out += ["- " + r for r in refusals]
            out.append("")
    for k, problems in sorted(data["problems"].items()):
        if problems:
            out.append("Problems with %s's runs:" % k)
            out += ["- " + p for p in problems]
            out.append("")
    return out


def write_markdown(path, report):
    lines = ["# Benchmarks: this kernel against Linux", "",
             "Same `/bin/bench`, same arguments (`%s`), same rootfs, memory and CPU model "
             "for every kernel." % " ".join(report["config"]["bench_args"]),
             "Ratio = kernel ns/op / Linux ns/op. Status: " +
             ", ".join("%s <= %.2f" % (n, b) for b, n in STATUS) + ", regression above.", "",
             "QEMU: `%s`" % " ".join(report["config"]["qemu_common"]), ""]
    if "seconds" in report:
        lines += ["The whole run took %d s (%.1f minutes); QEMU used %d s of CPU time." %
                  (report["seconds"], report["seconds"] / 60.0,
                   report.get("qemu_cpu_seconds", 0)), ""]
    for mode in report["modes"]:
        lines += markdown_mode(mode, report["modes"][mode])
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def write_svg(path, mode, data):
    """Horizontal bars, one group per benchmark, one bar per kernel other than
    Linux, with a vertical line at ratio 1.0."""
    others = [k for k in data["kernels"] if k != REFERENCE]
    names = data["order"]
    ratios = {k: data["compare"].get(k, {}).get("rows", {}) for k in others}
    top = max([1.5] + [r["ratio"] for k in others for r in ratios[k].values()])
    top = min(top, 5.0)
    bar, gap, label_w, plot_w, head = 9, 6, 150, 520, 50
    group_h = max(1, len(others)) * bar + gap
    height = head + len(names) * group_h + 40
    width = label_w + plot_w + 60

    def x_of(ratio):
        return label_w + plot_w * min(ratio, top) / top

    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="11">' % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="18" font-size="14">Ratio to Linux (%s mode; lower is faster)</text>'
           % (label_w, escape(mode))]
    if not others:
        svg.append('<text x="%d" y="36">Only Linux ran: no other kernel to compare.</text>'
                   % label_w)
    for i, k in enumerate(others):
        svg.append('<rect x="%d" y="28" width="10" height="10" fill="%s"/>'
                   '<text x="%d" y="37">%s</text>'
                   % (label_w + 110 * i, COLOURS[i % len(COLOURS)], label_w + 110 * i + 14,
                      escape(k)))
    for row, name in enumerate(names):
        y = head + row * group_h
        svg.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                   % (label_w - 6, y + group_h / 2 + 2, escape(name)))
        for i, k in enumerate(others):
            r = ratios[k].get(name)
            if r is None:
                continue
            w = x_of(r["ratio"]) - label_w
            svg.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s">'
                       '<title>%s %s: %.2f (%s)</title></rect>'
                       % (label_w, y + i * bar, w, bar - 1, COLOURS[i % len(COLOURS)],
                          escape(k), escape(name), r["ratio"], r["status"]))
    bottom = head + len(names) * group_h
    for tick in [t / 2 for t in range(0, int(top * 2) + 1)]:
        svg.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ccc"/>'
                   '<text x="%.1f" y="%d" text-anchor="middle">%.1f</text>'
                   % (x_of(tick), head - 4, x_of(tick), bottom, x_of(tick), bottom + 14, tick))
    svg.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black" stroke-width="2"/>'
               % (x_of(1.0), head - 8, x_of(1.0), bottom + 2))
    svg.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(svg) + "\n")
