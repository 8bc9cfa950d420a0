"""mm-vmas [PID]: the VMA tree of a process, in /proc/PID/maps form.

Finds the task by walking the kernel's task list (task.all_next), takes
its struct mm, and visits the VMA red-black tree in order through the
node's left/right links (not the prev/next list, so a broken tree shows).
Protection bits come from the kernel's enum vma_flags.
"""
import gdb

import mm_target
from mm_target import MmError


def find_task(pid):
    """The struct task * with this pid (None for the current task)."""
    if pid is None:
        return mm_target.var("sched_current")
    t, seen = mm_target.var("all_tasks"), 0
    while int(t) != 0 and seen < 1 << 20:
        if int(t["pid"]) == pid:
            return t
        t, seen = t["all_next"], seen + 1
    raise MmError("no task with pid %d" % pid)


def vmas_in_order(mm):
    """The struct vma values of mm's tree, lowest address first."""
    vma_ptr = gdb.lookup_type("struct vma").pointer()
    node_off = mm_target.field_offset(gdb.lookup_type("struct vma"), "node")
    limit = int(mm["vmas"]["count"]) + 1
    out, stack, n = [], [], mm["vmas"]["root"]
    while (stack or int(n) != 0) and len(out) <= limit:
        while int(n) != 0:
            stack.append(n)
            n = n["left"]
        n = stack.pop()
        out.append(gdb.Value(mm_target.to_int(n) - node_off).cast(vma_ptr).dereference())
        n = n["right"]
    if len(out) > limit:
        raise MmError("the VMA tree holds more nodes than vmas.count says (%d)" % (limit - 1))
    return out


def maps_line(v, bits, mm, start_stack):
    """One VMA as a /proc/PID/maps line ([heap] and [stack] by Linux's
    vma_is_initial_heap/stack rules, as kernel/fs/proc_maps.c names them)."""
    flags = int(v["flags"])
    perms = "".join(c if flags & bits[name] else "-" for c, name in
                    (("r", "VM_READ"), ("w", "VM_WRITE"), ("x", "VM_EXEC")))
    perms += "s" if flags & bits["VM_SHARED"] else "p"
    f = v["file"]
    offset, ino, name = 0, 0, ""
    if int(f) != 0:
        offset, ino = int(v["pgoff"]) << 12, int(f["ino"])
        if int(f["name"]) != 0:
            name = f["name"].string()
    elif int(v["start"]) < int(mm["brk"]) and int(v["end"]) > int(mm["brk_start"]):
        name = "[heap]"
    elif (int(v["start"]) <= start_stack <= int(v["end"]) if start_stack
          else flags & bits.get("VM_STACK", 0)):
        name = "[stack]"
    # Linux's layout: the prefix ends in a space; a name is padded to column 73.
    line = "%08x-%08x %s %08x 00:00 %d " % (int(v["start"]), int(v["end"]), perms, offset, ino)
    return line + " " * max(72 - len(line), 0) + " " + name if name else line


def describe(pid):
    task = find_task(pid)
    if int(task) == 0:
        raise MmError("no current task")
    mm = task["mm"]
    if int(mm) == 0:
        raise MmError("task %d (%s) has no address space; give a PID"
                      % (int(task["pid"]), task["comm"].string()))
    bits = dict(mm_target.enum_bits("enum vma_flags"))
    vmas = vmas_in_order(mm.dereference())
    lines = ["mm-vmas: pid %d (%s), mm 0x%x, PML4 pfn 0x%x, %d VMAs"
             % (int(task["pid"]), task["comm"].string(), mm_target.to_int(mm),
                int(mm["root_pfn"]), len(vmas))]
    lines += [maps_line(v, bits, mm.dereference(), int(task["start_stack"])) for v in vmas]
    if len(vmas) != int(mm["vmas"]["count"]):
        lines.append("INCONSISTENT: tree has %d VMAs, vmas.count says %d"
                     % (len(vmas), int(mm["vmas"]["count"])))
    return lines


class MmVmas(gdb.Command):
    """mm-vmas [PID]: the VMAs of a process as /proc/PID/maps lines.

PID defaults to the current task. Each line: start-end, perms (rwx and
p/s), file offset, device, inode, and [heap]/[stack] or the file's name,
laid out as Linux does. File mappings show device 00:00 and the name the
mm_file carries (the kernel's own /proc/PID/maps gives the path)."""

    def __init__(self):
        super().__init__("mm-vmas", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if len(args) > 1:
            raise gdb.GdbError("usage: mm-vmas [PID]")
        try:
            pid = mm_target.eval_int(args[0]) if args else None
            print("\n".join(describe(pid)))
        except (MmError, gdb.MemoryError, OverflowError, ValueError) as e:
            raise gdb.GdbError("mm-vmas: %s" % e)
