"""A QEMU serial console driven through pipes: send keystrokes, wait for text.

The guest's output is collected by a reader thread. Matching works on the
output with terminal escape sequences and carriage returns removed, so line
editing (BusyBox ash redraws and asks for the cursor position) does not get
in the way. `mark` is where the next wait starts looking, so the same text
is never matched twice.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

# QEMU exits 0 for a guest reset under -no-reboot as for a power-off; the QMP
# SHUTDOWN event tells them apart. tools/qemu/qemu_run.py reads it for us.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "qemu"))
from qemu_run import qmp_watch  # noqa: E402

ESCAPES = re.compile(r"\x1b(?:\[[0-9;?]*[A-Za-z]|[()][0-9A-Za-z]|[=>78c])")


class ConsoleTimeout(Exception):
    pass


def clean(text):
    """Return terminal output as plain text: escapes and \\r removed."""
    return ESCAPES.sub("", text).replace("\r", "")


class Console:
    def __init__(self, cmd, prompt, command_timeout=60):
        self.prompt = prompt
        self.command_timeout = command_timeout
        self.raw = bytearray()
        self.mark = 0
        self.cond = threading.Condition()
        self.tmp = tempfile.mkdtemp(prefix="serialtest-")
        qmp_path = os.path.join(self.tmp, "qmp.sock")
        self.shutdown = {}
        self.watcher = threading.Thread(target=qmp_watch, args=(qmp_path, self.shutdown),
                                        daemon=True)
        self.watcher.start()
        self.proc = subprocess.Popen(cmd + ["-qmp", "unix:%s,server=on,wait=on" % qmp_path],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(4096)
            with self.cond:
                if not chunk:
                    self.cond.notify_all()
                    return
                self.raw += chunk
                self.cond.notify_all()

    def text(self):
        """All output so far, cleaned."""
        with self.cond:
            return clean(self.raw.decode("utf-8", "replace"))

    def transcript(self):
        return self.text()

    def send(self, keys):
        """Type keys on the serial line (a str; "\\x03" is ^C)."""
        try:
            self.proc.stdin.write(keys.encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass

    def wait_regex(self, pattern, timeout):
        """Wait until pattern matches output after the mark; move the mark past
        the match and return it. Raises ConsoleTimeout (also if QEMU exits)."""
        regex = re.compile(pattern, re.M)
        deadline = time.time() + timeout
        with self.cond:
            while True:
                text = clean(self.raw.decode("utf-8", "replace"))
                m = regex.search(text, self.mark)
                if m:
                    self.mark = m.end()
                    return m
                left = deadline - time.time()
                if left <= 0:
                    raise ConsoleTimeout("no %r within %.0fs; last output %r"
                                         % (pattern, timeout, text[self.mark:][-300:]))
                if self.proc.poll() is not None and not self.reader.is_alive():
                    raise ConsoleTimeout("QEMU exited (status %s) while waiting for %r"
                                         % (self.proc.returncode, pattern))
                self.cond.wait(min(left, 1.0))

    def wait_prompt(self, timeout=None):
        return self.wait_regex(re.escape(self.prompt), timeout or self.command_timeout)

    def command(self, line, timeout=None):
        """Type line and Enter, wait for the next prompt, return what the
        command printed (the echoed line itself left out)."""
        start = self.mark
        self.send(line + "\n")
        m = self.wait_prompt(timeout)
        text = self.text()[start:m.start()]
        # Everything up to the first newline is the shell echoing our typing.
        _, _, output = text.partition("\n")
        return output.rstrip("\n")

    def wait_exit(self, timeout):
        """Wait for QEMU to exit; return (status, shutdown reason), status None
        if it is still running. A power-off reads (0, "guest-shutdown")."""
        try:
            status = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None, "still running"
        self.watcher.join(2)
        return status, self.shutdown.get("reason", "none")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)
