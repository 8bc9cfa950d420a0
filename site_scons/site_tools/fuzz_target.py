"""SCons tool: env.FuzzTarget(name, sources, **kw) builds a libFuzzer target
into build/fuzz/NAME and wires it into the build:

- alias `fuzz` builds it;
- `scons test` gets two tests: fuzz_NAME_replay runs the target once on every
  seed-corpus and regression input (deterministic), fuzz_NAME_smoke fuzzes
  for FUZZ_SMOKE_SECONDS (default 20) from the seed corpus;
- alias `fuzz-long` fuzzes for FUZZ_SECONDS (default 600) with -jobs and
  -workers on every core.

Inputs live next to the sources: fuzz/corpus/NAME/ (seeds),
fuzz/regressions/NAME/ (former crashes, replayed forever), fuzz/NAME.dict and
fuzz/NAME.options (OSS-Fuzz's [libfuzzer] section: flags for every run).
The runs go through fuzz/run_fuzzer.py, which creates the work directories
and turns the options file into flags. The environment must already compile
with -fsanitize=fuzzer-no-link; the link adds -fsanitize=fuzzer.
"""
import os

import SCons.Script


def _fuzz_target(env, name, sources, **kw):
    linkflags = list(env.get("LINKFLAGS", [])) + ["-fsanitize=fuzzer"]
    prog = env.Program("#build/fuzz/%s" % name, sources, LINKFLAGS=linkflags, **kw)
    env.Alias("fuzz", prog)

    runner = env.File("#fuzz/run_fuzzer.py").abspath
    srcdir = env.Dir("#fuzz").srcnode().abspath
    workdir = env.Dir("#build/fuzz/work").abspath
    common = [runner, "--fuzz-dir", srcdir, "--work-dir", workdir, "--target", name,
              "--program", prog[0].abspath]

    smoke = SCons.Script.ARGUMENTS.get("FUZZ_SMOKE_SECONDS", "20")
    env.TestCase("%s_replay" % name, ["python3"] + common + ["replay"], prog)
    env.TestCase("%s_smoke" % name, ["python3"] + common + ["smoke", "--seconds", smoke],
                 prog, timeout=int(smoke) * 3 + 120)

    # Only when asked for: Default(".") would otherwise fuzz for minutes on a plain `scons`.
    if "fuzz-long" not in SCons.Script.COMMAND_LINE_TARGETS:
        return prog
    seconds = SCons.Script.ARGUMENTS.get("FUZZ_SECONDS", "600")
    jobs = str(os.cpu_count() or 1)
    long_run = env.Command("#build/fuzz/long-%s.stamp" % name, prog,
                           SCons.Script.Action(
                               "python3 %s long --seconds %s --jobs %s" %
                               (" ".join(common), seconds, jobs),
                               "FUZZ-LONG %s (%ss on %s cores)" % (name, seconds, jobs)))
    env.AlwaysBuild(long_run)
    env.Alias("fuzz-long", long_run)
    return prog


def generate(env):
    env.Tool("test_harness")
    env.AddMethod(_fuzz_target, "FuzzTarget")


def exists(env):
    return env.WhereIs("clang") is not None
