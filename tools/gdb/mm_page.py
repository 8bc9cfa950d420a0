"""mm-page PFN: one page descriptor (struct page) decoded.

Every field of struct page is printed by its C name, so a field added to
the structure shows up here without a change; flags are named from the
kernel's enum page_flags, and the union is read as the flags say (free
list links of a free block, file and index of a page-cache page).
"""
import gdb

import mm_target
from mm_target import MmError


def page_of(pfn):
    """The struct page of pfn, or MmError when pfn has no descriptor."""
    base, nr = int(mm_target.var("page_base_pfn")), int(mm_target.var("page_nr"))
    if not base <= pfn < base + nr:
        raise MmError("pfn 0x%x has no descriptor (descriptors cover [0x%x, 0x%x))"
                      % (pfn, base, base + nr))
    return mm_target.var("page_map")[pfn - base]


def describe(pfn):
    """Lines describing the descriptor of pfn."""
    pg = page_of(pfn)
    bits = mm_target.enum_bits("enum page_flags")
    byname = dict(bits)
    flags = int(pg["flags"])
    lines = ["mm-page 0x%x: phys 0x%x, descriptor at 0x%x"
             % (pfn, pfn << 12, mm_target.to_int(pg.address))]
    for f in pg.type.strip_typedefs().fields():
        if not f.name:
            continue  # the union: below, as the flags say
        v = pg[f.name]
        if f.name == "flags":
            lines.append("  flags     0x%x %s" % (flags, " ".join(mm_target.flag_names(flags, bits))
                                                    or "(none)"))
        elif f.name == "order" and flags & byname.get("PG_BUDDY", 0) and int(v) == 0xff:
            lines.append("  order     0xff (an order-0 frame held in the allocator's cache)")
        elif f.name == "order":
            lines.append("  order     %d (%d frames)" % (int(v), 1 << min(int(v), 63)))
        elif v.type.strip_typedefs().code == gdb.TYPE_CODE_INT:
            lines.append("  %-9s %d" % (f.name, int(v)))
        else:
            lines.append("  %-9s %s" % (f.name, v))
    if flags & byname.get("PG_BUDDY", 0):
        lines.append("  free block: next 0x%x prev 0x%x"
                     % (mm_target.to_int(pg["buddy"]["next"]),
                        mm_target.to_int(pg["buddy"]["prev"])))
    if flags & byname.get("PG_CACHE", 0):
        lines.append("  page cache: file 0x%x index %d"
                     % (mm_target.to_int(pg["cache"]["file"]), int(pg["cache"]["index"])))
    if flags & byname.get("PG_TAIL", 0):
        head = pfn & ~((1 << int(pg["order"])) - 1)
        hp = page_of(head)
        lines.append("  tail of the compound page at pfn 0x%x: refcount %d mapcount %d"
                     % (head, int(hp["refcount"]), int(hp["mapcount"])))
    return lines


class MmPage(gdb.Command):
    """mm-page PFN: the page descriptor of frame PFN decoded.

PFN is a gdb expression (0x1234, $rax >> 12...). Prints every field of
struct page (flags by name, order, page-table level and use, refcount,
mapcount), the free-list links of a free block, the file and index of a
page-cache page, and for a tail frame the counts its head holds."""

    def __init__(self):
        super().__init__("mm-page", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if len(args) != 1:
            raise gdb.GdbError("usage: mm-page PFN")
        try:
            print("\n".join(describe(mm_target.eval_int(args[0]))))
        except (MmError, gdb.MemoryError, OverflowError, ValueError) as e:
            raise gdb.GdbError("mm-page: %s" % e)
