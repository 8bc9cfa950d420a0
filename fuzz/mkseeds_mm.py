#!/usr/bin/env python3
"""Write the hand-made seed inputs of fuzz_mm into fuzz/corpus/fuzz_mm/.

Each seed is a small scenario (fork and copy-on-write, shared and file
mappings, mremap, madvise, huge pages, failure injection) encoded in the
byte layout mm_run.c decodes; `fuzz2trace SEED` prints it as a trace.
usage: mkseeds_mm.py [OUTDIR]
"""
import os
import struct
import sys

# op numbers (op byte % 16 in mm_step)
MMAP, MUNMAP, MPROTECT, MADVISE, MREMAP, FORK, EXIT, ACCESS, TOUCH, CONFIG, FAIL = \
    0, 2, 3, 4, 5, 6, 7, 8, 12, 14, 15
R, W, X = 1, 2, 4


def pages(n):          # fm_len: n pages (1..16)
    return bytes([0, n - 1])


def huge(n):           # fm_len: n * 2 MiB (1..3)
    return bytes([3, n - 1])


def slot_len(s):       # fm_len: the length of slot s
    return bytes([5, s])


def at(slot, page, minus=False):          # fm_addr, page aligned
    return bytes([slot | (0x40 if minus else 0), page])


def at_byte(slot, page, off, minus=False):  # fm_addr with a byte offset
    return at(slot, page, minus) + struct.pack("<H", off)


def area(i):           # fm_addr in the free area, i-th 2 MiB
    return bytes([0x80, i])


class Seed:
    def __init__(self, f0=3 * 4096 + 100, f1=0):
        self.b = bytearray(struct.pack("<HH", f0 - 1, f1))

    def op(self, code, pid, *parts):
        self.b += bytes([code, pid - 1])
        for p in parts:
            self.b += p if isinstance(p, (bytes, bytearray)) else bytes([p])
        return self

    def mmap(self, pid, slot, length, prot, shared=False, file=None, offset_pages=0,
             fixed_at=None, populate=False):
        kind = (1 if shared else 0) | ((2 | (file << 2)) if file is not None else 0)
        mode = 2 if fixed_at is not None else 0
        parts = [kind, mode, prot | (0x80 if populate else 0), slot, length]
        if fixed_at is not None:
            parts.append(fixed_at)
        if file is not None:
            parts.append(offset_pages)
        return self.op(MMAP, pid, *parts)

    def write(self, pid, addr, val):
        return self.op(ACCESS, pid, 2, addr, val)

    def read(self, pid, addr):
        return self.op(ACCESS, pid, 0, addr, 0)

    def execute(self, pid, addr):
        return self.op(ACCESS, pid, 3, addr, 0)

    def touch(self, pid, addr, n, write=True, stride=0, val=7):
        return self.op(TOUCH, pid, (1 if write else 0) | (stride << 1), val, addr, n - 1)

    def fork(self, pid, child):
        return self.op(FORK, pid, child - 1)

    def exit(self, pid, exec_=False):
        return self.op(EXIT, pid, 1 if exec_ else 0)

    def munmap(self, pid, addr, length):
        return self.op(MUNMAP, pid, 0, addr, length)

    def mprotect(self, pid, addr, length, prot):
        return self.op(MPROTECT, pid, 0, addr, length, prot)

    def madvise(self, pid, addr, length, advice_index):
        return self.op(MADVISE, pid, 0, addr, length, advice_index)

    def mremap_slot(self, pid, slot, new_len, mode, new_addr=None, half=False):
        parts = [slot | (0x40 if half else 0), new_len, mode]
        if new_addr is not None:
            parts.append(new_addr)
        return self.op(MREMAP, pid, *parts)

    def config(self, k):
        return self.op(CONFIG, 1, k)

    def fail(self, n):
        return self.op(FAIL, 1, n - 1)


# madvise advice indexes (fm_advice[] in mm_run.c)
DONTNEED, HUGEPAGE, NOHUGEPAGE, WILLNEED, REMOVE, DONTFORK, DOFORK = range(7)
WIPEONFORK, KEEPONFORK = 10, 11


def seeds():
    s = {}
    a = Seed()
    a.mmap(1, 0, pages(8), R | W).write(1, at_byte(0, 1, 10), 0x41).fork(1, 2)
    a.write(2, at_byte(0, 1, 10), 0x42).read(1, at_byte(0, 1, 10)).read(2, at_byte(0, 1, 10))
    a.write(1, at_byte(0, 2, 0), 5).read(2, at_byte(0, 2, 0)).exit(1).read(2, at_byte(0, 1, 10))
    s["fork_cow"] = a

    b = Seed()
    b.mmap(1, 0, huge(2), R | W).touch(1, at_byte(0, 0, 0), 20, stride=2)
    b.fork(1, 2).write(2, at_byte(0, 3, 3), 9).read(1, at_byte(0, 3, 3))
    b.munmap(2, at(0, 1), pages(2)).read(2, at_byte(0, 1, 0)).read(1, at_byte(0, 1, 0))
    b.mprotect(1, at(0, 4), pages(3), R).write(1, at_byte(0, 5, 1), 1).read(1, at_byte(0, 5, 1))
    s["huge_fork_split"] = b

    c = Seed(f0=3 * 4096 + 100)
    c.mmap(1, 0, pages(4), R | W, shared=True, file=0).mmap(1, 1, pages(4), R | W, file=0)
    c.write(1, at_byte(0, 1, 7), 0x77).read(1, at_byte(1, 1, 7)).write(1, at_byte(1, 1, 8), 1)
    c.write(1, at_byte(0, 1, 8), 2).read(1, at_byte(1, 1, 8)).read(1, at_byte(0, 3, 200))
    c.read(1, at_byte(0, 3, 50)).fork(1, 3).write(3, at_byte(0, 0, 0), 3).read(1, at_byte(1, 0, 0))
    s["file_shared_private_sigbus"] = c

    d = Seed()
    d.mmap(1, 0, pages(6), R | W, shared=True).write(1, at_byte(0, 0, 1), 11).fork(1, 2)
    d.write(2, at_byte(0, 0, 2), 12).read(1, at_byte(0, 0, 2)).madvise(1, at(0, 0), pages(1), REMOVE)
    d.read(1, at_byte(0, 0, 1)).madvise(1, at(0, 2), pages(2), DONTFORK).fork(1, 3)
    d.read(3, at_byte(0, 2, 0)).read(3, at_byte(0, 4, 0))
    s["shared_anon_remove_dontfork"] = d

    w = Seed()
    w.mmap(1, 0, pages(6), R | W).touch(1, at_byte(0, 0, 3), 6).mmap(1, 1, pages(2), R | W, shared=True)
    w.madvise(1, at(0, 2), pages(2), WIPEONFORK).madvise(1, at(1, 0), pages(1), WIPEONFORK)
    w.fork(1, 2).read(2, at_byte(0, 2, 3)).read(2, at_byte(0, 0, 3)).write(2, at_byte(0, 3, 3), 7)
    w.read(1, at_byte(0, 3, 3)).fork(2, 3).read(3, at_byte(0, 3, 3))
    w.madvise(1, at(0, 0), pages(6), KEEPONFORK).fork(1, 4).read(4, at_byte(0, 2, 3))
    s["wipeonfork_keeponfork"] = w

    e = Seed()
    e.mmap(1, 0, pages(4), R | W).write(1, at_byte(0, 3, 9), 99)
    e.mremap_slot(1, 0, pages(12), 1).read(1, at_byte(0, 3, 9)).write(1, at_byte(0, 10, 0), 1)
    e.mremap_slot(1, 0, huge(1), 2, new_addr=area(3)).read(1, at_byte(0, 3, 9))
    e.mmap(1, 1, pages(2), R | W).write(1, at_byte(1, 0, 0), 4)
    e.mremap_slot(1, 1, slot_len(1), 3, new_addr=area(6)).read(1, at_byte(1, 0, 0))
    e.mremap_slot(1, 0, pages(2), 0).read(1, at_byte(0, 3, 9))
    s["mremap_grow_move_dontunmap"] = e

    f = Seed()
    f.mmap(1, 0, huge(1), R | W).write(1, at_byte(0, 0, 0), 1).madvise(1, at(0, 0), pages(4), DONTNEED)
    f.read(1, at_byte(0, 0, 0)).read(1, at_byte(0, 10, 0)).config(0 | (2 << 2))
    f.mmap(1, 1, huge(2), R | W).touch(1, at_byte(1, 0, 0), 8).config(0).madvise(1, at(1, 0), huge(1), NOHUGEPAGE)
    f.touch(1, at_byte(1, 0, 5), 8, write=False).config(1 | (0 << 2)).touch(1, at_byte(1, 100, 0), 4)
    s["thp_policy_dontneed"] = f

    g = Seed()
    g.mmap(1, 0, pages(8), R | W).touch(1, at_byte(0, 0, 0), 8).fail(1).fork(1, 2)
    g.fail(2).mmap(1, 1, pages(3), R).fail(3).write(1, at_byte(0, 2, 0), 5).fail(1)
    g.mprotect(1, at(0, 0), pages(8), R).read(1, at_byte(0, 2, 0)).fail(2).munmap(1, at(0, 2), pages(2))
    g.fail(1).write(1, at_byte(0, 0, 0), 3).exit(1, exec_=True)
    s["failure_injection"] = g

    h = Seed(f1=4096)
    h.mmap(1, 0, pages(8), R | X, file=1, offset_pages=0).execute(1, at_byte(0, 0, 0))
    h.read(1, at_byte(0, 9, 0)).mmap(2, 0, pages(3), W, fixed_at=area(0)).read(2, at_byte(0, 0, 0))
    h.execute(2, at_byte(0, 0, 0)).mprotect(2, at(0, 0), pages(16), R | W | X).exit(2)
    s["exec_prot_and_holes"] = h
    q = Seed()  # faults raised on pages whose tables already allow (or refuse) the access
    q.mmap(1, 0, pages(4), R | W).write(1, at_byte(0, 0, 0), 1)
    q.op(ACCESS, 1, 0x30, at_byte(0, 0, 0)).op(ACCESS, 1, 0x32, at_byte(0, 0, 0))
    q.op(ACCESS, 1, 0x33, at_byte(0, 0, 0)).fork(1, 2).op(ACCESS, 2, 0x32, at_byte(0, 0, 0))
    q.mmap(1, 1, huge(1), R).read(1, at_byte(1, 0, 0)).op(ACCESS, 1, 0x32, at_byte(1, 0, 0))
    q.op(ACCESS, 1, 0x30, at_byte(1, 0, 0))
    s["spurious_faults"] = q

    # An allocation failure at each step of a fault: the page cache, the
    # private copy, the tables, the 2 MiB page, the huge zero page's tables.
    for n in range(1, 5):
        k = Seed()
        k.mmap(1, 0, pages(4), R | W, file=0).fail(n).write(1, at_byte(0, 1, 3), 9)
        k.mmap(2, 0, pages(4), R, shared=True, file=0).fail(n).read(2, at_byte(0, 2, 3))
        k.mmap(3, 0, huge(2), R | W).fail(n).write(3, at_byte(0, 0, 0), 1)
        k.mmap(4, 0, huge(2), R | W).fail(n).read(4, at_byte(0, 0, 0))
        k.mmap(5, 0, pages(4), R | W).fail(n).fork(5, 6).write(5, at_byte(0, 0, 0), 2)
        s["fault_enomem_%d" % n] = k
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_mm")
    os.makedirs(out, exist_ok=True)
    for name, seed in seeds().items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes(seed.b))


if __name__ == "__main__":
    main()
