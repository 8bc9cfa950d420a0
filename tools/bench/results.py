"""Benchmark results: parse /bin/bench output, combine runs, compare kernels.

A run is what one boot printed: {"mode": "full", "env": {key: value},
"done": bool, "bench":
{name: {"iterations", "total_ns", "ns_per_op"}}, "skipped": {name: reason},
"failed": {name: reason}}. Kernels are compared benchmark by benchmark
against the reference ("linux"); a comparison is refused, with the reason
written down, whenever the two sides did not run the same work.
"""
import re
import statistics

LINE = re.compile(r"(BENCH(?:_MODE|_ENV|_SKIP|_FAIL|_DONE)?) (.*)$")
REFERENCE = "linux"

# Status of a ratio (kernel ns/op divided by Linux's), upper bounds inclusive.
STATUS = ((0.90, "faster"), (1.00, "OK"), (1.10, "marginal"))


def parse_output(text):
    """Return the run described by bench's output (console noise allowed)."""
    run = {"mode": None, "env": {}, "done": False, "bench": {}, "skipped": {}, "failed": {}}
    for raw in text.splitlines():
        m = LINE.search(raw.replace("\r", ""))
        if not m:
            continue
        kind, rest = m.group(1), m.group(2).split()
        if kind == "BENCH_MODE" and rest:
            run["mode"] = rest[0]
        elif kind == "BENCH_ENV" and len(rest) == 2:
            run["env"][rest[0]] = rest[1]
        elif kind == "BENCH_DONE":
            run["done"] = True
        elif kind in ("BENCH_SKIP", "BENCH_FAIL") and rest:
            key = "skipped" if kind == "BENCH_SKIP" else "failed"
            run[key][rest[0]] = " ".join(rest[1:])
        elif kind == "BENCH" and len(rest) == 4:
            try:
                run["bench"][rest[0]] = {"iterations": int(rest[1]), "total_ns": int(rest[2]),
                                         "ns_per_op": float(rest[3])}
            except ValueError:
                continue
    return run


def status_of(ratio):
    for bound, name in STATUS:
        if ratio <= bound:
            return name
    return "regression"


def combine_runs(runs):
    """Merge repeated runs of one kernel in one mode: the median ns/op per
    benchmark. Returns (summary, problems); a benchmark whose iteration
    count differs between runs is dropped with a problem saying so."""
    summary, problems = {}, []
    modes = {r["mode"] for r in runs}
    if len(modes) > 1:
        problems.append("runs disagree on the mode: %s" % sorted(map(str, modes)))
    names = sorted({n for r in runs for n in r["bench"]})
    for name in names:
        got = [r["bench"][name] for r in runs if name in r["bench"]]
        iters = {g["iterations"] for g in got}
        if len(iters) > 1:
            problems.append("%s: iteration counts differ between runs %s" % (name, sorted(iters)))
            continue
        summary[name] = {"iterations": got[0]["iterations"],
                         "ns_per_op": statistics.median(g["ns_per_op"] for g in got),
                         "runs": [g["ns_per_op"] for g in got],
                         "complete": len(got) == len(runs)}
    return summary, problems


def env_of(runs):
    """The environment (BENCH_ENV) the runs of one kernel report; a value
    that differs between runs is kept as the sorted list of what they said."""
    env = {}
    for key in sorted({k for r in runs for k in r.get("env", {})}):
        seen = sorted({str(r.get("env", {}).get(key)) for r in runs})
        env[key] = seen[0] if len(seen) == 1 else seen
    return env


def compare(reference, other, ref_mode, other_mode, ref_env=None, other_env=None):
    """Ratios other/reference per benchmark. Returns (rows, refusals): rows
    {name: {"ratio", "status"}}, refusals a list of reasons, one per
    benchmark (or one for everything) that could not be compared fairly:
    different modes or a different environment (THP policy) refuse all."""
    if ref_mode != other_mode:
        return {}, ["refusing to compare: Linux ran in %s mode, this kernel in %s mode"
                    % (ref_mode, other_mode)]
    ref_env, other_env = ref_env or {}, other_env or {}
    differ = ["%s %s for Linux, %s for this kernel" % (k, ref_env.get(k), other_env.get(k))
              for k in sorted(set(ref_env) | set(other_env)) if ref_env.get(k) != other_env.get(k)]
    if differ:
        return {}, ["refusing to compare: the kernels ran in different environments (%s)"
                    % "; ".join(differ)]
    rows, refusals = {}, []
    for name in sorted(set(reference) | set(other)):
        ref, oth = reference.get(name), other.get(name)
        if ref is None or oth is None:
            refusals.append("%s: no number from %s" % (name, "Linux" if ref is None else "this kernel"))
            continue
        if ref["iterations"] != oth["iterations"]:
            refusals.append("refusing to compare %s: Linux ran %d iterations, this kernel %d"
                            % (name, ref["iterations"], oth["iterations"]))
            continue
        if ref["ns_per_op"] <= 0:
            refusals.append("%s: Linux measured 0 ns/op, no ratio" % name)
            continue
        ratio = oth["ns_per_op"] / ref["ns_per_op"]
        rows[name] = {"ratio": round(ratio, 4), "status": status_of(ratio)}
    return rows, refusals


def identical(runs):
    """True when every run printed the very same numbers (icount's promise)."""
    sig = [run_signature(r) for r in runs]
    return all(s == sig[0] for s in sig) if len(sig) > 1 else None


def run_signature(run):
    """Everything a run printed that must repeat: figures, skips and failures."""
    return (sorted((k, v["iterations"], v["total_ns"]) for k, v in run["bench"].items()),
            sorted(run["skipped"].items()), sorted(run["failed"].items()), run["done"])


def repeat_check(kernel, runs):
    """Compare the two icount runs of kernel: {"kernel", "identical", "differences"}."""
    got = runs.get(kernel, [])
    if len(got) < 2:
        return {"kernel": kernel, "identical": None,
                "differences": ["%s did not run twice in icount mode" % kernel]}
    first, second = got[0], got[1]
    diffs = []
    for name in sorted(set(first["bench"]) | set(second["bench"])):
        a, b = first["bench"].get(name), second["bench"].get(name)
        if a is None or b is None:
            diffs.append("%s: only in run %d" % (name, 1 if b is None else 2))
        elif (a["iterations"], a["total_ns"]) != (b["iterations"], b["total_ns"]):
            diffs.append("%s: %d iterations %d ns, then %d iterations %d ns"
                         % (name, a["iterations"], a["total_ns"], b["iterations"], b["total_ns"]))
    if (first["skipped"], first["failed"], first["done"]) != \
            (second["skipped"], second["failed"], second["done"]):
        diffs.append("skips, failures or completion differ between the runs")
    if not first["done"]:
        diffs.append("the runs did not finish")
    return {"kernel": kernel, "identical": not diffs, "benchmarks": len(first["bench"]),
            "differences": diffs}
