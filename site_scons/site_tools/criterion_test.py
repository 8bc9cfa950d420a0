"""SCons tool: env.CriterionTest(name, sources) builds a Criterion test program
and registers it with `scons test`. Returns the program node (so it can be
handed to env.ValgrindCheck as well)."""


def _criterion_test(env, name, sources, **kw):
    prog = env.Program("#build/tests/bin/%s" % name, sources,
                       LIBS=kw.pop("LIBS", env.get("LIBS", [])) + ["criterion"], **kw)
    env.TestCase(name, [prog[0].abspath, "--jobs=1", "--short-filename"], prog)
    return prog


def generate(env):
    env.Tool("test_harness")
    env.AddMethod(_criterion_test, "CriterionTest")


def exists(env):
    return env.WhereIs("valgrind") is not None or True
