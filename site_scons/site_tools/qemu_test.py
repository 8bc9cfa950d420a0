"""SCons tool: env.QemuTest(name, kernel, append, expect=[...], exit="zero")
boots a kernel under QEMU TCG (no KVM) with a timeout and registers it with
`scons test` (env.TestCase).

tools/qemu/qemu_run.py runs QEMU, passes the serial console through, and
fails the test unless every `expect` regular expression matched the console
output and QEMU's exit agrees with `exit`: "zero" (ACPI power-off) or
"nonzero" (a panic; the guest's reset under -no-reboot counts as non-zero,
see tools/qemu/README.md).
"""
import SCons.Script


def qemu_command(env, kernel, append, machine="pc", memory="512M", extra=None, kvm=False,
                 cpu="max"):
    """The QEMU command line the project uses everywhere (tests, `scons run`).
    cpu=None keeps QEMU's default CPU model (no SMEP/SMAP, as interfaces.md boots).
    A kernel path ending in .iso boots as a CD image (append is then unused)."""
    cmd = ["qemu-system-x86_64", "-machine", machine + (",accel=kvm" if kvm else ",accel=tcg")]
    if kvm or cpu:
        cmd += ["-cpu", "host" if kvm else cpu]
    cmd += ["-m", memory, "-nographic", "-no-reboot"]
    if kernel.endswith(".iso"):
        cmd += ["-cdrom", kernel]  # a bootable image: its loader has the command line
    else:
        cmd += ["-kernel", kernel, "-append", append]
    return cmd + list(extra or [])


def _qemu_test(env, name, kernel, append, expect=(), exit="zero", timeout=120,
               machine="pc", memory="512M", extra=None, deps=None, cpu="max"):
    kernel_node = env.File(kernel)
    runner = env.File("#tools/qemu/qemu_run.py")
    cmd = ["python3", runner.abspath, "--timeout", str(timeout), "--exit", exit]
    for e in expect:
        cmd += ["--expect", e]
    cmd += ["--"] + qemu_command(env, kernel_node.abspath, append, machine, memory, extra,
                                    cpu=cpu)
    return env.TestCase(name, cmd, [kernel_node, runner] + list(deps or []), timeout=timeout + 60)


def generate(env):
    env.Tool("test_harness")
    env.AddMethod(_qemu_test, "QemuTest")
    env.AddMethod(qemu_command, "QemuCommand")


def exists(env):
    return env.WhereIs("qemu-system-x86_64") is not None
