"""mm-walk ADDR [CR3]: the four-level page walk of one virtual address.

Reads the table entries from physical memory (through the direct map), so
it shows what the MMU would use, not what gdb's own translation assumes.
The entry format is the hardware's (Intel SDM vol. 3, 4-level paging).
"""
import gdb

import mm_target
from mm_target import MmError

LEVEL_NAMES = {4: "PML4", 3: "PDPT", 2: "PD", 1: "PT"}
LEAF_SIZES = {"4K": "4 KiB", "2M": "2 MiB", "1G": "1 GiB"}
# Bit positions of the x86-64 paging-structure entries.
PTE_BITS = [("P", 0), ("RW", 1), ("US", 2), ("PWT", 3), ("PCD", 4), ("A", 5),
            ("D", 6), ("PS", 7), ("G", 8), ("NX", 63)]
ADDR_MASK = 0x000ffffffffff000
PS_BIT = 1 << 7


def decode_flags(entry):
    """The set flags of a paging entry by name (PS and G only mean something on leaves)."""
    return [name for name, bit in PTE_BITS if entry >> bit & 1]


def canonical(va):
    """True when bits 63..47 of va are all equal (a 48-bit canonical address)."""
    top = va >> 47
    return top == 0 or top == 0x1ffff


def walk(va, cr3):
    """The walk of va from cr3 as a list of steps and the final result.

    Each step: dict(level, index, table, entry_pa, entry, flags, leaf) where
    leaf is None, "4K", "2M" or "1G". Returns (steps, phys or None, reason)."""
    if not canonical(va):
        raise MmError("0x%x is not a canonical address" % va)
    table = cr3 & ADDR_MASK
    steps = []
    for level in (4, 3, 2, 1):
        index = (va >> (12 + 9 * (level - 1))) & 511
        entry_pa = table + 8 * index
        entry = mm_target.read_phys_u64(entry_pa)
        leaf = None
        if entry & 1 and (level == 1 or (level in (2, 3) and entry & PS_BIT)):
            leaf = {1: "4K", 2: "2M", 3: "1G"}[level]
        steps.append(dict(level=level, index=index, table=table, entry_pa=entry_pa,
                          entry=entry, flags=decode_flags(entry), leaf=leaf))
        if not entry & 1:
            return steps, None, "not present at %s" % LEVEL_NAMES[level]
        if leaf:
            shift = 12 + 9 * (level - 1)
            base = entry & ADDR_MASK & ~((1 << shift) - 1)
            return steps, base | (va & ((1 << shift) - 1)), "mapped"
        table = entry & ADDR_MASK
    raise AssertionError("a level-1 present entry is always a leaf")


def effective(steps):
    """Access rights of a complete walk: writable and user only when every
    level allows it, no-execute when any level forbids it."""
    rw = all("RW" in s["flags"] for s in steps)
    us = all("US" in s["flags"] for s in steps)
    nx = any("NX" in s["flags"] for s in steps)
    return "%s%s%s" % ("r", "w" if rw else "-", "-" if nx else "x") + (" user" if us else " kernel")


def format_walk(va, cr3, steps, phys, reason):
    lines = ["mm-walk 0x%016x  cr3 0x%x" % (va, cr3)]
    for s in steps:
        mark = "  <- %s leaf" % LEAF_SIZES[s["leaf"]] if s["leaf"] else ""
        lines.append("  %-4s [%3d] entry @ phys 0x%012x = 0x%016x  %s%s"
                     % (LEVEL_NAMES[s["level"]], s["index"], s["entry_pa"], s["entry"],
                        " ".join(s["flags"]) or "-", mark))
    if phys is None:
        lines.append("  => %s: 0x%x is not mapped" % (reason, va))
    else:
        lines.append("  => phys 0x%x  (%s page, %s)"
                     % (phys, LEAF_SIZES[steps[-1]["leaf"]], effective(steps)))
    return "\n".join(lines)


class MmWalk(gdb.Command):
    """mm-walk ADDR [CR3]: the page walk of ADDR level by level.

ADDR and CR3 are gdb expressions (a number, a symbol, $rsp...). CR3
defaults to the stopped CPU's. Each level shows the entry's index, its
physical address, its value and its flags (P RW US PWT PCD A D PS G NX);
2 MiB leaves are marked; the last line gives the physical address and
the effective access (rw/x, user or kernel)."""

    def __init__(self):
        super().__init__("mm-walk", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if len(args) not in (1, 2):
            raise gdb.GdbError("usage: mm-walk ADDR [CR3]")
        try:
            va = mm_target.eval_int(args[0])
            cr3 = mm_target.eval_int(args[1]) if len(args) == 2 else mm_target.current_cr3()
            steps, phys, reason = walk(va, cr3)
        except (MmError, gdb.MemoryError, OverflowError, ValueError) as e:
            raise gdb.GdbError("mm-walk: %s" % e)
        print(format_walk(va, cr3, steps, phys, reason))
