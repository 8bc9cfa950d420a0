#!/usr/bin/env python3
"""Refuse a vDSO image the kernel could not map as it is.

usage: vdso_check.py READELF VDSO_SO

The kernel maps linux-vdso.so.1 page for page into every process and never
relocates it, and glibc and musl look its functions up by name and version.
So the image must have: exactly one PT_LOAD, at address 0, not writable,
starting at file offset 0; a PT_DYNAMIC; no relocations; a SysV hash table
(musl reads DT_HASH) and version definitions (DT_VERDEF, DT_VERSYM); and each
exported function defined at version LINUX_2.6. Exits 0, or 1 with the reasons.
"""
import re
import subprocess
import sys

EXPORTS = ("__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time", "__vdso_getcpu",
           "__vdso_clock_getres", "clock_gettime", "gettimeofday", "time", "getcpu",
           "clock_getres")


def readelf(tool, path, *opts):
    return subprocess.run([tool, "-W", *opts, path], check=True, stdout=subprocess.PIPE,
                          text=True).stdout


def problems(tool, path):
    found = []
    loads = [l.split() for l in readelf(tool, path, "-l").splitlines()
             if l.strip().startswith("LOAD")]
    if len(loads) != 1:
        found.append("%d PT_LOAD segments, want 1" % len(loads))
    elif int(loads[0][1], 16) != 0 or int(loads[0][2], 16) != 0 or "W" in loads[0][6:-1]:
        found.append("the PT_LOAD must map offset 0 at address 0, without write: %s" %
                     " ".join(loads[0]))
    if "DYNAMIC" not in readelf(tool, path, "-l"):
        found.append("no PT_DYNAMIC")
    relocs = readelf(tool, path, "-r")
    if "There are no relocations" not in relocs:
        found.append("relocations left:\n" + relocs)
    dyn = readelf(tool, path, "-d")
    for tag in ("(HASH)", "(VERDEF)", "(VERSYM)", "(SONAME)"):
        if tag not in dyn:
            found.append("no %s in the dynamic section" % tag)
    defined = set()
    for line in readelf(tool, path, "--dyn-syms").splitlines():
        m = re.match(r"\s*\d+:\s+[0-9a-f]+\s+\d+\s+FUNC\s+(GLOBAL|WEAK)\s+DEFAULT\s+\d+\s+"
                     r"(\S+)@@LINUX_2\.6$", line)
        if m:
            defined.add(m.group(2))
    for name in EXPORTS:
        if name not in defined:
            found.append("%s is not a function defined at LINUX_2.6" % name)
    return found


def main():
    found = problems(sys.argv[1], sys.argv[2])
    for p in found:
        print("vdso_check: %s: %s" % (sys.argv[2], p), file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
