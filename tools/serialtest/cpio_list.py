"""List the member names of a newc cpio archive (uncompressed), to derive
expectations from the very rootfs under test instead of hard-coding them."""


def cpio_names(path):
    """Return the names in the archive, trailer excluded; ValueError if the
    file is not an uncompressed newc archive."""
    with open(path, "rb") as f:
        data = f.read()
    names = []
    pos = 0
    while True:
        head = data[pos:pos + 110]
        if len(head) < 110 or head[:6] not in (b"070701", b"070702"):
            raise ValueError("not a newc cpio at offset %d" % pos)
        size = int(head[54:62], 16)
        namesize = int(head[94:102], 16)
        name = data[pos + 110:pos + 110 + namesize - 1].decode("utf-8", "replace")
        if name == "TRAILER!!!":
            return names
        names.append(name)
        pos = (pos + 110 + namesize + 3) & ~3
        pos = (pos + size + 3) & ~3
