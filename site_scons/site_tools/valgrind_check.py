"""SCons tool: env.ValgrindCheck(name, program, args) runs a program under
Valgrind memcheck as a test: any memcheck error or definite/indirect leak
fails it (exit status 99)."""

VALGRIND = ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect",
            "--show-leak-kinds=definite,indirect", "--trace-children=yes",
            "--child-silent-after-fork=no"]


def _valgrind_check(env, name, program, args=None, timeout=900):
    # env.Program returns a NodeList (not a list subclass); take its node.
    prog = program if hasattr(program, "abspath") else program[0]
    cmd = VALGRIND + [prog.abspath] + list(args or [])
    return env.TestCase(name, cmd, [prog], timeout=timeout)


def generate(env):
    env.Tool("test_harness")
    env.AddMethod(_valgrind_check, "ValgrindCheck")


def exists(env):
    return env.WhereIs("valgrind") is not None
