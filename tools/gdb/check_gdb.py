#!/usr/bin/env python3
"""The gdb commands tested against a live kernel (registered as `gdb_mm`).

usage: check_gdb.py --kernel ELF --profile NAME --busybox PATH
                    [--timeout S] -- qemu-system-x86_64 ARGS...

Boots the kernel the way `scons debug` does (debug.py: gdb stub on,
stopped at the first instruction, console to a file), here on a private
Unix socket so parallel runs cannot collide, then runs gdb in batch mode
with check_inner.py, which prints PASS/FAIL per check and the closing
`N passed, N failed` line. Exits 0 only when every check passed and the
line is there.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import debug  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--profile", required=True)
    ap.add_argument("--busybox", required=True)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("qemu", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    qemu = args.qemu[1:] if args.qemu[:1] == ["--"] else args.qemu
    tmp = tempfile.mkdtemp(prefix="mmgdb-")
    sock, serial = os.path.join(tmp, "gdb.sock"), os.path.join(tmp, "serial.log")
    vm = subprocess.Popen(debug.background_qemu(qemu + debug.stub_args(socket=sock), serial),
                          stdin=subprocess.DEVNULL)
    status = 1
    try:
        if not debug.wait_for_stub(sock, 60):
            print("check_gdb: QEMU's gdb stub did not come up")
            return 1
        env = dict(os.environ, MMGDB_PROFILE=args.profile, MMGDB_BUSYBOX=args.busybox,
                   MMGDB_SERIAL=serial, PYTHONDONTWRITEBYTECODE="1")
        cmd = debug.gdb_command(os.path.abspath(args.kernel), sock,
                                os.path.join(HERE, "check_inner.py"))
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, env=env, timeout=args.timeout)
            out = p.stdout.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode("utf-8", "replace") + "\ncheck_gdb: gdb timed out\n"
        sys.stdout.write(out)
        m = re.search(r"^(\d+) passed, (\d+) failed$", out, re.M)
        status = 0 if m and int(m.group(1)) > 0 and int(m.group(2)) == 0 else 1
    finally:
        if vm.poll() is None:
            vm.kill()
        vm.wait()
        print("--- console ---")
        if os.path.exists(serial):
            sys.stdout.write(open(serial, errors="replace").read())
        shutil.rmtree(tmp, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
