"""Reading the kernel's memory-management state from gdb (tools/gdb).

Everything here goes through gdb's view of the kernel's debug information:
variables are found by name (file-static ones too), structure fields by
their C names, flag bits by the enumerators of the kernel's own enums. The
only numbers taken from outside the debug information are the layout
constants of kernel/include/kernel/layout.h (macros leave no trace in -g
debug info), read from that header when the script loads, so they follow
it when it changes.
"""
import os
import re

import gdb

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAYOUT_H = os.path.join(REPO, "kernel", "include", "kernel", "layout.h")


class MmError(Exception):
    """A command cannot answer (bad argument, state not there yet)."""


def layout_constants(path=LAYOUT_H):
    """The #define NAME 0x...ull constants of layout.h as {NAME: int}."""
    consts = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"#define\s+(\w+)\s+(0x[0-9a-fA-F]+|\d+)(?:ull|ul|u)?\s*$", line.strip())
            if m:
                consts[m.group(1)] = int(m.group(2), 0)
    for name in ("DIRECT_MAP_BASE", "KERNEL_VMA"):
        if name not in consts:
            raise MmError("%s not found in %s" % (name, path))
    return consts


LAYOUT = layout_constants()
DIRECT_MAP_BASE = LAYOUT["DIRECT_MAP_BASE"]
KERNEL_VMA = LAYOUT["KERNEL_VMA"]


def u64_type():
    return gdb.lookup_type("unsigned long long")


def var(name):
    """The value of a kernel variable, global or file-static (first found).

    Link-time optimisation renames file-static variables in the symbol
    table (NAME.lto_priv.N) and can leave their debug entry without a
    location; the value is then read at the renamed symbol's address with
    the type the debug information gives."""
    sym = gdb.lookup_global_symbol(name)
    if sym is None:
        sym = gdb.lookup_static_symbol(name)
    if sym is None:
        raise MmError("no variable %s in the kernel's debug information" % name)
    value = sym.value()
    if not value.is_optimized_out:
        return value
    for n in range(4):
        try:
            addr = gdb.parse_and_eval("&'%s.lto_priv.%d'" % (name, n))
        except gdb.error:
            continue
        return addr.cast(sym.type.pointer()).dereference()
    raise MmError("%s is optimized out of the debug information" % name)


def to_int(value):
    """A gdb.Value (pointer, integer, enum, array or function) as an int."""
    code = value.type.strip_typedefs().code
    if code in (gdb.TYPE_CODE_FUNC, gdb.TYPE_CODE_ARRAY):
        value = value.address
    return int(value.cast(u64_type())) & 0xffffffffffffffff


def eval_int(expr):
    """Evaluate a gdb expression (number, symbol, register...) to an int."""
    try:
        return to_int(gdb.parse_and_eval(expr))
    except gdb.error as e:
        raise MmError("cannot evaluate %r: %s" % (expr, e))


def field_offset(struct_type, name):
    """Byte offset of a field in a struct type (from the debug info)."""
    for f in struct_type.strip_typedefs().fields():
        if f.name == name:
            return f.bitpos // 8
    raise MmError("%s has no field %s" % (struct_type, name))


def enum_bits(enum_name):
    """[(name, value)] of an enum of single-bit flags, lowest bit first."""
    try:
        t = gdb.lookup_type(enum_name)
    except gdb.error:
        raise MmError("no %s in the kernel's debug information" % enum_name)
    return sorted(((f.name, f.enumval) for f in t.fields()), key=lambda nv: nv[1])


def flag_names(value, bits):
    """The names of the bits set in value, plus any unnamed rest in hex."""
    names, rest = [], value
    for name, bit in bits:
        if bit and value & bit == bit:
            names.append(name)
            rest &= ~bit
    if rest:
        names.append("0x%x" % rest)
    return names


def read_phys_u64(pa):
    """The 8 bytes at physical address pa, read through the kernel's direct
    map; before the direct map exists (early boot) QEMU's monitor reads
    physical memory instead."""
    inferior = gdb.selected_inferior()
    va = DIRECT_MAP_BASE + pa
    if va + 8 <= 1 << 64:  # a garbage entry can point past any direct map
        try:
            data = inferior.read_memory(va, 8)
            return int.from_bytes(bytes(data), "little")
        except gdb.MemoryError:
            pass
    try:
        out = gdb.execute("monitor xp /1gx 0x%x" % pa, to_string=True)
    except gdb.error:
        out = ""
    m = re.search(r":\s*0x([0-9a-fA-F]+)", out)
    if not m:
        raise MmError("cannot read physical 0x%x (direct map not set up, no monitor)" % pa)
    return int(m.group(1), 16)


def current_cr3():
    """CR3 of the stopped CPU, as QEMU's gdb stub reports it."""
    return eval_int("$cr3")
