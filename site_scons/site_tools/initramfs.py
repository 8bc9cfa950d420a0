"""SCons tool: env.Initramfs(target, entries) writes an uncompressed newc cpio.

`entries` is a list of tuples describing the archive, one per path:

    ("dir",   "/etc", 0o755)
    ("file",  "/bin/busybox", source, 0o755)     source: path or File node
    ("slink", "/sbin/init", "/bin/busybox")
    ("nod",   "/dev/console", 0o600, "c", 5, 1)

The archive is deterministic: entries sorted by path (so every directory
comes before what it holds), mtime 0, uid and gid 0, inode numbers in
sorted order. Nothing is read from the host's file metadata except a
file's contents, so the archive is the same on every machine and needs no
privilege to hold device nodes. Files named in entries become sources
(a change rebuilds the archive); the list itself is a Value dependency.

env.InitramfsAdd(archive, entries) adds entries later, from another
SConscript. The writer is also usable on its own: `write_newc(path, entries)`.
"""
import os
import stat

import SCons.Action
import SCons.Builder
import SCons.Node.FS
import SCons.Node.Python

NEWC_MAGIC = b"070701"
TRAILER = "TRAILER!!!"

_TYPE_BITS = {"dir": stat.S_IFDIR, "file": stat.S_IFREG, "slink": stat.S_IFLNK}
_NODE_BITS = {"c": stat.S_IFCHR, "b": stat.S_IFBLK}


def _pad4(n):
    return (4 - n % 4) % 4


def _header(ino, mode, nlink, size, rdev_major, rdev_minor, namesize):
    """Return the 110-byte newc header; every field is 8 hex digits."""
    fields = (ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev_major, rdev_minor, namesize, 0)
    return NEWC_MAGIC + b"".join(b"%08X" % f for f in fields)


def _record(ino, name, mode, data=b"", nlink=1, rdev=(0, 0)):
    """Return one archive member: header, NUL-terminated name, data, padding."""
    raw_name = name.encode() + b"\0"
    head = _header(ino, mode, nlink, len(data), rdev[0], rdev[1], len(raw_name))
    out = head + raw_name + b"\0" * _pad4(len(head) + len(raw_name))
    return out + data + b"\0" * _pad4(len(data))


def _source_path(src):
    if isinstance(src, SCons.Node.FS.Base):
        return src.abspath
    return str(src)


def _member(entry):
    """Return (name, mode, data, nlink, rdev) for one entry tuple; raise on nonsense."""
    kind, path = entry[0], entry[1]
    name = path.lstrip("/")
    if not name or ".." in name.split("/"):
        raise ValueError("initramfs: bad path %r" % path)
    if kind == "dir":
        return name, stat.S_IFDIR | entry[2], b"", 2, (0, 0)
    if kind == "file":
        with open(_source_path(entry[2]), "rb") as f:
            data = f.read()
        return name, stat.S_IFREG | entry[3], data, 1, (0, 0)
    if kind == "slink":
        return name, stat.S_IFLNK | 0o777, entry[2].encode(), 1, (0, 0)
    if kind == "nod":
        if entry[3] not in _NODE_BITS:
            raise ValueError("initramfs: node type must be c or b: %r" % (entry,))
        return name, _NODE_BITS[entry[3]] | entry[2], b"", 1, (entry[4], entry[5])
    raise ValueError("initramfs: unknown entry kind %r" % (kind,))


def write_newc(path, entries):
    """Write entries as a newc archive to path; duplicate paths are an error."""
    members = sorted((_member(e) for e in entries), key=lambda m: m[0])
    names = [m[0] for m in members]
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise ValueError("initramfs: duplicate paths: %s" % ", ".join(dups))
    with open(path + ".tmp", "wb") as out:
        for ino, (name, mode, data, nlink, rdev) in enumerate(members, start=1):
            out.write(_record(ino, name, mode, data, nlink, rdev))
        out.write(_record(0, TRAILER, 0, nlink=1))
    os.replace(path + ".tmp", path)


def _describe(entries):
    """Return the entry list as text, with sources by path, for the Value node."""
    lines = []
    for e in sorted(entries, key=lambda e: e[1]):
        parts = [_source_path(p) if isinstance(p, SCons.Node.FS.Base) else
                 (oct(p) if isinstance(p, int) else str(p)) for p in e]
        lines.append(" ".join(parts))
    return "\n".join(lines)


def _initramfs(env, target, entries):
    sources = [env.File(e[2]) if not isinstance(e[2], SCons.Node.FS.Base) else e[2]
               for e in entries if e[0] == "file"]
    listing = SCons.Node.Python.Value(_describe(entries))

    def build(target, source, env):
        write_newc(target[0].abspath, entries)
        return 0

    action = SCons.Action.Action(build, "CPIO $TARGET")
    node = env.Command(target, sources + [listing], action)
    node[0].attributes.initramfs_entries = entries
    return node


def _initramfs_add(env, archive, entries):
    """Add entries to an archive made by env.Initramfs from a later SConscript
    (guest programs built elsewhere join the rootfs this way)."""
    node = archive[0] if isinstance(archive, list) else archive
    node.attributes.initramfs_entries.extend(entries)
    for e in entries:
        if e[0] == "file":
            env.Depends(node, e[2])
    env.Depends(node, SCons.Node.Python.Value(_describe(entries)))


def generate(env):
    env.AddMethod(_initramfs, "Initramfs")
    env.AddMethod(_initramfs_add, "InitramfsAdd")


def exists(env):
    return True
