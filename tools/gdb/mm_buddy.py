"""mm-buddy: free blocks per order, from the buddy allocator's own lists.

Walks every free list (buddy_areas[k].head through page.buddy.next), so
the figures are what the lists hold, and sets them against the
allocator's counters (buddy_areas[k].nr, buddy_nr_free): a difference is
printed as a finding, not hidden.
"""
import gdb

import mm_target
from mm_target import MmError

# A list longer than this is taken for a cycle (more than any RAM size here).
WALK_LIMIT = 1 << 22


def page_pfn(pg):
    """PFN of the descriptor pointer pg (its index in page_map plus the base)."""
    return int(pg - mm_target.var("page_map")) + int(mm_target.var("page_base_pfn"))


def walk_list(head, order, pg_buddy):
    """(blocks, problems) of one free list: blocks counted by following the
    links, problems for entries that are not free blocks of this order."""
    blocks, problems, pg = 0, [], head
    while int(pg) != 0 and blocks < WALK_LIMIT:
        d = pg.dereference()
        if not int(d["flags"]) & pg_buddy or int(d["order"]) != order:
            problems.append("pfn 0x%x on list %d has flags 0x%x order %d"
                            % (page_pfn(pg), order, int(d["flags"]), int(d["order"])))
        blocks += 1
        pg = d["buddy"]["next"]
    if blocks >= WALK_LIMIT:
        problems.append("list %d does not end (cycle?)" % order)
    return blocks, problems


def buddy_state():
    """The allocator as a dict: per order (order, blocks listed, nr counter),
    cached frames, the free and managed counters, problems found."""
    areas = mm_target.var("buddy_areas")
    lo, hi = areas.type.strip_typedefs().range()
    pg_buddy = dict(mm_target.enum_bits("enum page_flags"))["PG_BUDDY"]
    orders, problems = [], []
    for k in range(lo, hi + 1):
        blocks, probs = walk_list(areas[k]["head"], k, pg_buddy)
        nr = int(areas[k]["nr"])
        if nr != blocks:
            probs.append("order %d: counter nr %d, list holds %d" % (k, nr, blocks))
        orders.append((k, blocks, nr))
        problems += probs
    cached = int(mm_target.var("buddy_cache_nr"))
    listed = sum(blocks << k for k, blocks, _ in orders)
    free = int(mm_target.var("buddy_nr_free"))
    if listed + cached != free:
        problems.append("lists + cache hold %d pages, buddy_nr_free says %d"
                        % (listed + cached, free))
    return dict(orders=orders, cached=cached, listed=listed, free=free,
                managed=int(mm_target.var("buddy_nr_managed")), problems=problems)


def human(pages):
    kib = pages * 4
    if kib < 1024:
        return "%d KiB" % kib
    return "%d MiB" % (kib >> 10) if kib % 1024 == 0 else "%.1f MiB" % (kib / 1024)


def format_state(st):
    lines = ["mm-buddy: free blocks per order (from the free lists)",
             "  order  block     blocks      pages"]
    for k, blocks, _ in st["orders"]:
        lines.append("  %5d  %-8s %7d %10d" % (k, human(1 << k), blocks, blocks << k))
    lines.append("  cached order-0 frames: %d" % st["cached"])
    total = st["listed"] + st["cached"]
    lines.append("  free pages: %d (%s) = lists %d + cache %d; buddy_nr_free %d; managed %d"
                 % (total, human(total), st["listed"], st["cached"], st["free"], st["managed"]))
    for p in st["problems"]:
        lines.append("  INCONSISTENT: %s" % p)
    if not st["problems"]:
        lines.append("  consistent: every list entry is a free block of its order; "
                     "counters agree")
    return "\n".join(lines)


class MmBuddy(gdb.Command):
    """mm-buddy: free blocks per order of the buddy allocator.

Walks each order's free list and prints blocks and pages per order, the
order-0 frames held in the allocator's cache, and the total against the
allocator's free-page counter (buddy_nr_free) and managed pages. Any
disagreement between lists, descriptors and counters is printed as
INCONSISTENT."""

    def __init__(self):
        super().__init__("mm-buddy", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise gdb.GdbError("usage: mm-buddy")
        try:
            print(format_state(buddy_state()))
        except (MmError, gdb.MemoryError, OverflowError, ValueError) as e:
            raise gdb.GdbError("mm-buddy: %s" % e)
