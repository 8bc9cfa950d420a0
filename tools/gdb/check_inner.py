"""The checks of the gdb commands, run inside gdb (-batch -x) by check_gdb.py
against a kernel booted the `scons debug` way (stopped at the first
instruction, BusyBox as init running `sh -c "mount -t proc ...; cat
/proc/1/maps; ls ...; echo ..."`).

Stop 1, `banner` (buddy allocator, kernel page tables and the zero pages
are up): mm-walk on kernel text, rodata, data, the direct map and the
stack guard against the kernel's own layout (virtual - KERNEL_VMA for the
image, - DIRECT_MAP_BASE for the direct map) and against QEMU's own
translation (monitor gva2gpa); entries read through the direct map against
QEMU's physical reads (monitor xp); mm-buddy against the counters read
with plain gdb expressions; mm-page on known frames.
Stop 2, `show_maps` (`cat` reads /proc/1/maps while the shell waits):
mm-vmas 1 is kept, to be compared byte for byte with what the kernel's
own /proc/1/maps wrote to the console.
Stop 3, `sys_wait4` with a child (the shell waits for `ls`): mm-vmas against BusyBox's
ELF program headers and the tree's count; mm-walk and mm-page on the
entry point's frame; then the /proc/1/maps comparison.

Settings come from the environment: MMGDB_PROFILE, MMGDB_BUSYBOX,
MMGDB_SERIAL (the console log).
Prints one PASS/FAIL line per check, then `N passed, N failed`.
"""
import os
import re
import struct
import traceback

import gdb

import mm_target

RESULTS = []


def check(name, ok, detail=""):
    RESULTS.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else ": " + detail), flush=True)


def run(cmd):
    return gdb.execute(cmd, to_string=True)


def run_error(cmd):
    """The error message cmd ends with, or None when it succeeds."""
    try:
        gdb.execute(cmd, to_string=True)
    except gdb.error as e:
        return str(e)
    return None


def val(expr):
    return mm_target.to_int(gdb.parse_and_eval(expr))


def qemu_gva2gpa(va):
    """QEMU's own translation of va with the current CR3 (None if unmapped)."""
    out = run("monitor gva2gpa 0x%x" % va)
    m = re.search(r"gpa:\s*0x([0-9a-fA-F]+)", out)
    return int(m.group(1), 16) if m else None


def qemu_xp(pa):
    out = run("monitor xp /1gx 0x%x" % pa)
    return int(re.search(r":\s*0x([0-9a-fA-F]+)", out).group(1), 16)


def parse_walk(out):
    """{levels: [(name, entry_pa, entry, flags, leaf)], phys, access} of mm-walk output."""
    levels = []
    for m in re.finditer(r"^\s+(PML4|PDPT|PD|PT)\s+\[\s*\d+\] entry @ phys 0x([0-9a-f]+) = "
                         r"0x([0-9a-f]+)\s+(.*?)(?:\s+<- (\S+ \S+) leaf)?$", out, re.M):
        levels.append((m.group(1), int(m.group(2), 16), int(m.group(3), 16),
                       set(m.group(4).split()), m.group(5)))
    m = re.search(r"=> phys 0x([0-9a-f]+)\s+\((\S+ \S+) page, (\S+) (user|kernel)\)", out)
    return dict(levels=levels, phys=int(m.group(1), 16) if m else None,
                size=m.group(2) if m else None, access=(m.group(3), m.group(4)) if m else None,
                unmapped="is not mapped" in out)


def check_walk(name, va, want_phys, leaf, rwx, ring, cr3=None):
    out = run("mm-walk 0x%x%s" % (va, "" if cr3 is None else " 0x%x" % cr3))
    w = parse_walk(out)
    check("%s: mm-walk phys = 0x%x" % (name, want_phys), w["phys"] == want_phys, out)
    check("%s: %s leaf marked" % (name, leaf), w["levels"] and w["levels"][-1][4] == leaf
          and w["size"] == leaf, out)
    check("%s: access %s %s" % (name, rwx, ring), w["access"] == (rwx, ring), out)
    if cr3 is None:
        check("%s: QEMU translates it the same" % name, qemu_gva2gpa(va) == w["phys"],
              "gva2gpa %s" % qemu_gva2gpa(va))
    for lv in w["levels"]:
        if qemu_xp(lv[1]) != lv[2]:
            check("%s: %s entry equals QEMU's physical read" % (name, lv[0]), False,
                  "xp 0x%x" % qemu_xp(lv[1]))
            break
    else:
        check("%s: every entry equals QEMU's physical read" % name, len(w["levels"]) >= 3)
    return w


def stop_banner(profile):
    kvma, dmap = mm_target.KERNEL_VMA, mm_target.DIRECT_MAP_BASE
    text, rodata, data = val("kmain"), val("__rodata_start"), val("&kmap_root_pfn")
    check_walk("text kmain", text, text - kvma, "4 KiB", "r-x", "kernel")
    check_walk("rodata", rodata, rodata - kvma, "4 KiB", "r--", "kernel")
    check_walk("data kmap_root_pfn", data, data - kvma, "4 KiB", "rw-", "kernel")
    root = val("kmap_root_pfn") << 12
    check_walk("text kmain, CR3 given", text + 5, text + 5 - kvma, "4 KiB", "r-x", "kernel", root)
    check("CR3 is the kernel's PML4", val("$cr3") & ~0xfff == root, "cr3 0x%x" % val("$cr3"))
    # RAM at 256 MiB: a whole aligned 2 MiB chunk away from the image, mapped huge.
    check_walk("direct map 256 MiB", dmap + 0x10000123, 0x10000123, "2 MiB", "rw-", "kernel")
    guard = val("__stack_guard")
    w = parse_walk(run("mm-walk 0x%x" % guard))
    if profile in ("fortress", "balanced"):
        check("stack guard page not mapped", w["unmapped"] and w["phys"] is None, str(w))
    check("stack guard: QEMU agrees", qemu_gva2gpa(guard) == w["phys"])
    err = run_error("mm-walk 0x0000800000000000")
    check("non-canonical address refused", err and "not a canonical" in err, str(err))
    # Physical page 0 as the PML4: garbage entries, an answer or a clean refusal.
    err = run_error("mm-walk 0x5e2000 1")
    check("garbage CR3: no Python exception", err is None or err.startswith("mm-walk:"), str(err))
    err = run_error("mm-page no_such_symbol")
    check("mm-page of an unknown symbol refused", err and "cannot evaluate" in err, str(err))
    check_buddy("banner")
    check_page(val("$cr3") >> 12, "PML4 frame", ["PG_PAGETABLE"], {"pt_level": 4})
    check_page((text - kvma) >> 12, "kernel text frame", ["PG_RESERVED"], {})
    head10 = val("(buddy_areas[10].head - page_map) + page_base_pfn")
    check_page(head10, "first order-10 free block", ["PG_BUDDY"], {"order": 10})
    bad = val("page_base_pfn + page_nr")
    err = run_error("mm-page 0x%x" % bad)
    check("mm-page beyond the descriptors refused", err and "no descriptor" in err, str(err))


def check_buddy(where):
    out = run("mm-buddy")
    rows = [tuple(int(x) for x in m.groups()) for m in
            re.finditer(r"^\s+(\d+)\s+\d+ [KM]iB\s+(\d+)\s+(\d+)$", out, re.M)]
    nr_orders = val("sizeof(buddy_areas) / sizeof(buddy_areas[0])")
    check("%s: mm-buddy lists every order" % where, [r[0] for r in rows] == list(range(nr_orders)),
          out)
    check("%s: mm-buddy pages = blocks << order" % where, all(p == b << k for k, b, p in rows), out)
    check("%s: mm-buddy blocks = buddy_areas[k].nr" % where,
          all(b == val("buddy_areas[%d].nr" % k) for k, b, _ in rows), out)
    m = re.search(r"free pages: (\d+) .*= lists (\d+) \+ cache (\d+); buddy_nr_free (\d+); "
                  r"managed (\d+)", out)
    free = val("buddy_nr_free")
    ok = m and int(m.group(2)) == sum(p for _, _, p in rows) and int(m.group(3)) == val(
        "buddy_cache_nr") and int(m.group(1)) == int(m.group(2)) + int(m.group(3))
    check("%s: mm-buddy total = sum of orders + cache" % where, ok, out)
    check("%s: mm-buddy total = the kernel's buddy_nr_free (%d)" % (where, free),
          m and int(m.group(1)) == free, out)
    check("%s: managed = buddy_nr_managed, free <= managed" % where,
          m and int(m.group(5)) == val("buddy_nr_managed") and free <= int(m.group(5)), out)
    check("%s: mm-buddy finds the allocator consistent" % where,
          "consistent:" in out and "INCONSISTENT" not in out, out)


def check_page(pfn, what, flags, fields):
    out = run("mm-page 0x%x" % pfn)
    m = re.search(r"^\s+flags\s+0x([0-9a-f]+) (.*)$", out, re.M)
    names = set(m.group(2).split()) if m else set()
    check("mm-page %s: flags %s" % (what, " ".join(flags)),
          m and set(flags) <= names and int(m.group(1), 16) == val(
              "page_map[0x%x - page_base_pfn].flags" % pfn), out)
    for f, want in fields.items():
        fm = re.search(r"^\s+%s\s+(\d+)" % f, out, re.M)
        check("mm-page %s: %s %d" % (what, f, want), fm and int(fm.group(1)) == want, out)
    return out


def elf_loads(path):
    """[(vaddr, memsz, flags)] of the PT_LOAD headers of a 64-bit ELF."""
    with open(path, "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    entry, = struct.unpack_from("<Q", data, 24)
    loads = []
    for i in range(phnum):
        p_type, p_flags, _, vaddr, _, _, memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == 1:
            loads.append((vaddr, memsz, p_flags))
    return entry, loads


def parse_maps(out):
    return [(int(m.group(1), 16), int(m.group(2), 16), m.group(3), m.group(4)) for m in
            re.finditer(r"^([0-9a-f]+)-([0-9a-f]+) ([r-][w-][x-][ps]) [0-9a-f]+ \d\d:\d\d \d+"
                        r"\s*(\S*)$", out, re.M)]


def stop_show_maps():
    """In `cat /proc/1/maps` (pid 1 sleeps in wait4): mm-vmas 1 as it is now."""
    check("stopped in show_maps for another task", val("sched_current->pid") != 1)
    out = run("mm-vmas 1")
    return [l for l in out.splitlines() if re.match(r"[0-9a-f]+-[0-9a-f]+ ", l)]


def console_maps(serial):
    """The /proc/1/maps lines `cat` wrote to the console."""
    text = open(serial, "rb").read().decode("utf-8", "replace").replace("\r", "")
    return [l for l in text.splitlines() if re.match(r"[0-9a-f]+-[0-9a-f]+ [r-][w-][x-][ps] ", l)]


def stop_wait4(busybox):
    pid = val("sched_current->pid")
    out = run("mm-vmas")
    maps = parse_maps(out)
    check("mm-vmas: current is pid 1", pid == 1 and "pid 1 " in out, out)
    check("mm-vmas: one line per VMA of the tree (%d)" % val("sched_current->mm->vmas.count"),
          len(maps) == val("sched_current->mm->vmas.count") and len(maps) > 0, out)
    check("mm-vmas: sorted, page aligned, disjoint",
          all(s < e and not (s | e) & 0xfff for s, e, _, _ in maps)
          and all(a[1] <= b[0] for a, b in zip(maps, maps[1:])), out)
    entry, loads = elf_loads(busybox)
    for vaddr, memsz, pflags in loads:
        lo, hi = vaddr & ~0xfff, (vaddr + memsz + 0xfff) & ~0xfff
        cover = [m for m in maps if m[0] < hi and m[1] > lo]
        covered = sum(min(e, hi) - max(s, lo) for s, e, _, _ in cover) == hi - lo
        want_x = "x" if pflags & 1 else "-"
        check("mm-vmas: PT_LOAD [0x%x, 0x%x) covered, exec %s" % (lo, hi, want_x),
              covered and all(p[2] == want_x and p[0] == "r" for _, _, p, _ in cover), out)
    text = [(v & ~0xfff, (v + n + 0xfff) & ~0xfff) for v, n, f in loads if f & 1]
    check("mm-vmas: the text segment is exactly one r-xp VMA",
          len(text) == 1 and any((s, e, p) == (text[0][0], text[0][1], "r-xp")
                                 for s, e, p, _ in maps), out)
    rsp = val("sched_current->user_frame->rsp")
    check("mm-vmas: [stack] holds the user stack pointer 0x%x" % rsp,
          any(n == "[stack]" and s <= rsp < e for s, e, _, n in maps), out)
    child = val("sched_current->children->pid")
    try:
        ok = "pid %d " % child in run("mm-vmas %d" % child)
    except gdb.error as e:  # it may be a zombie already, with its mm gone
        ok = "has no address space" in str(e) and val("sched_current->children->mm") == 0
    check("mm-vmas %d (the child): its VMAs, or no mm once it is a zombie" % child, ok)
    err = run_error("mm-vmas 99999")
    check("mm-vmas of a missing pid refused", err and "no task with pid" in err, str(err))
    w = parse_walk(run("mm-walk 0x%x" % entry))
    check("entry point: mapped, user, r-x", w["access"] == ("r-x", "user"), str(w))
    check("entry point: QEMU translates it the same", w["phys"] == qemu_gva2gpa(entry), str(w))
    check("entry point: PT entry has US and not RW",
          w["levels"] and {"P", "US"} <= w["levels"][-1][3] and "RW" not in w["levels"][-1][3])
    out = run("mm-page 0x%x" % (w["phys"] >> 12))
    rc = re.search(r"^\s+refcount\s+(\d+)", out, re.M)
    mc = re.search(r"^\s+mapcount\s+(\d+)", out, re.M)
    check("entry point frame: refcount and mapcount >= 1",
          rc and mc and int(rc.group(1)) >= 1 and int(mc.group(1)) >= 1, out)
    check_buddy("wait4")


def main():
    profile, busybox = os.environ["MMGDB_PROFILE"], os.environ["MMGDB_BUSYBOX"]
    serial = os.environ["MMGDB_SERIAL"]
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    try:
        gdb.execute("break banner", to_string=True)
        gdb.execute("continue", to_string=True)
        check("stopped in banner", gdb.selected_frame().name() == "banner")
        stop_banner(profile)
        gdb.execute("delete", to_string=True)
        gdb.execute("break show_maps", to_string=True)
        gdb.execute("continue", to_string=True)
        check("stopped in show_maps", gdb.selected_frame().name() == "show_maps")
        ours = stop_show_maps()
        gdb.execute("delete", to_string=True)
        # The wait for `ls` (the shell also polls with WNOHANG when it has no child).
        gdb.execute("break sys_wait4 if sched_current->children != 0", to_string=True)
        gdb.execute("continue", to_string=True)
        check("stopped in sys_wait4", gdb.selected_frame().name() == "sys_wait4")
        stop_wait4(busybox)
        theirs = console_maps(serial)
        check("mm-vmas 1 = the kernel's /proc/1/maps, byte for byte (%d lines)" % len(theirs),
              ours == theirs and len(ours) > 0, "\n".join(ours + ["--- /proc/1/maps:"] + theirs))
    except (gdb.error, AttributeError, TypeError) as e:
        check("checks ran to the end", False, "".join(traceback.format_exception(e)))
    print("%d passed, %d failed" % (sum(RESULTS), len(RESULTS) - sum(RESULTS)), flush=True)
    gdb.execute("kill", to_string=True)


main()
