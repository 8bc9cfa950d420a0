#!/usr/bin/env python3
"""`scons debug`: the kernel in QEMU, stopped at its first instruction with
the gdb stub on, and gdb attached with the kernel's symbols and the
project's commands (tools/gdb/mmgdb.py).

usage: debug.py --kernel ELF [--port N | --socket PATH] [--serial FILE]
                [--no-gdb] -- qemu-system-x86_64 ARGS...

With a terminal and without --no-gdb, QEMU runs in the background (its
serial console goes to --serial, default build/debug/serial.log) and gdb
runs in the foreground; QEMU is ended when gdb exits. Otherwise the one
gdb command to attach is printed and QEMU runs in the foreground with the
console on the terminal.
"""
import argparse
import os
import shlex
import signal
import socket as socketlib
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "mmgdb.py")


def stub_args(port=None, socket=None):
    """QEMU arguments for a gdb stub on a TCP port or a Unix socket, CPU halted."""
    if socket:
        return ["-chardev", "socket,id=mmgdb,path=%s,server=on,wait=off" % socket,
                "-gdb", "chardev:mmgdb", "-S"]
    return ["-gdb", "tcp:127.0.0.1:%d" % port, "-S"]


def background_qemu(qemu, serial_log):
    """The QEMU command with the console in serial_log and no monitor on
    stdio, so it can run behind gdb without sharing the terminal."""
    cmd = [a for a in qemu if a != "-nographic"]
    return cmd + ["-display", "none", "-serial", "file:%s" % serial_log, "-monitor", "none"]


def wait_for_stub(target, timeout=30.0):
    """Wait until QEMU's gdb stub accepts connections at target; True if it does."""
    end = time.time() + timeout
    while time.time() < end:
        if ":" in target:
            host, port = target.rsplit(":", 1)
            s = socketlib.socket(socketlib.AF_INET, socketlib.SOCK_STREAM)
            addr = (host, int(port))
        else:
            s = socketlib.socket(socketlib.AF_UNIX, socketlib.SOCK_STREAM)
            addr = target
        try:
            s.connect(addr)
            return True
        except OSError:
            time.sleep(0.1)
        finally:
            s.close()
    return False


def gdb_command(kernel, target, batch_script=None):
    """The gdb command line that loads the kernel's symbols and the project's
    commands and attaches to target ("127.0.0.1:PORT" or a socket path)."""
    cmd = ["gdb", "-q"]
    if batch_script:
        cmd += ["-nx", "-batch"]
    cmd += ["-ex", "file %s" % kernel, "-ex", "source %s" % SCRIPT,
            "-ex", "target remote %s" % target]
    if batch_script:
        cmd += ["-x", batch_script]
    return cmd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--port", type=int, default=1234)
    ap.add_argument("--socket")
    ap.add_argument("--serial", default="build/debug/serial.log")
    ap.add_argument("--no-gdb", action="store_true")
    ap.add_argument("qemu", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    qemu = args.qemu[1:] if args.qemu[:1] == ["--"] else args.qemu
    if not qemu:
        ap.error("no QEMU command after --")
    target = args.socket or "127.0.0.1:%d" % args.port
    qemu = qemu + stub_args(args.port, args.socket)
    gdb = gdb_command(os.path.abspath(args.kernel), target)
    if args.no_gdb or not sys.stdin.isatty():
        print("debug: QEMU is stopped at the first instruction; attach with:\n  %s\n"
              "debug: (console below; Ctrl-A X ends QEMU)" % " ".join(shlex.quote(a) for a in gdb),
              flush=True)
        return subprocess.call(qemu)
    os.makedirs(os.path.dirname(os.path.abspath(args.serial)), exist_ok=True)
    print("debug: console output goes to %s (tail -f it); quit gdb to end QEMU" % args.serial,
          flush=True)
    vm = subprocess.Popen(background_qemu(qemu, args.serial), stdin=subprocess.DEVNULL,
                          start_new_session=True)
    try:
        if not wait_for_stub(target):
            print("debug: QEMU's gdb stub did not come up at %s" % target, file=sys.stderr)
            return 1
        # gdb owns the terminal and Ctrl-C; QEMU, in its own session, does not see it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        return subprocess.call(gdb, preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                                    signal.SIG_DFL))
    finally:
        if vm.poll() is None:
            vm.terminate()
        try:
            vm.wait(10)
        except subprocess.TimeoutExpired:
            vm.kill()


if __name__ == "__main__":
    sys.exit(main())
