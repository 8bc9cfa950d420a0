"""SCons tool: env.TestCase(name, command, deps) registers one test for `scons test`.

Each test runs through tools/run_test.py, which writes build/tests/NAME.json
(counts) and build/tests/NAME.log (output). The test always runs when the
`test` alias is built. Every result node joins the alias `test-results`,
whose children the SConstruct hands to the summary.
"""
import SCons.Script


def _test_case(env, name, command, deps=None, timeout=600):
    result = env.File("#build/tests/%s.json" % name)
    log = env.File("#build/tests/%s.log" % name)
    cmd = ["python3", env.File("#tools/run_test.py").abspath, name,
           result.abspath, log.abspath, str(timeout), "--"] + [str(c) for c in command]
    node = env.Command(result, deps or [], SCons.Script.Action(
        " ".join("'%s'" % c.replace("'", "'\\''") for c in cmd),
        "TEST %s" % name))
    env.AlwaysBuild(node)
    env.SideEffect(log, node)
    env.Alias("test-results", node)
    return node


def generate(env):
    env.AddMethod(_test_case, "TestCase")


def exists(env):
    return True
