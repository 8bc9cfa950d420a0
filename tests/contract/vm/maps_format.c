/* /proc/self/maps line format: field widths, the pathname column, anonymous,
 * file-backed, [heap] and [stack] lines (addresses and device numbers
 * normalised: the test prints what it checked, not the values). */
#include "contract.h"
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define FILE_PATH "/tmp/contract_maps_format"

static char maps[65536];

/* Check one maps line's shape; returns 1 when it is well formed. Linux prints
 * "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu " and, when the mapping has a
 * name, pads with spaces so the name starts at column 73. */
static int well_formed(const char *l, size_t len)
{
    size_t i = 0, n;
    for (int f = 0; f < 2; f++) {
        for (n = 0; i < len && ((l[i] >= '0' && l[i] <= '9') || (l[i] >= 'a' && l[i] <= 'f')); i++)
            n++;
        if (n < 8 || i >= len || l[i] != (f == 0 ? '-' : ' '))
            return 0;
        i++;
    }
    if (i + 5 > len || !strchr("r-", l[i]) || !strchr("w-", l[i + 1]) || !strchr("x-", l[i + 2]) ||
        !strchr("ps", l[i + 3]) || l[i + 4] != ' ')
        return 0;
    i += 5;
    for (n = 0; i < len && ((l[i] >= '0' && l[i] <= '9') || (l[i] >= 'a' && l[i] <= 'f')); i++)
        n++;
    if (n < 8 || l[i++] != ' ')
        return 0;
    for (int f = 0; f < 2; f++) {
        for (n = 0; i < len && ((l[i] >= '0' && l[i] <= '9') || (l[i] >= 'a' && l[i] <= 'f')); i++)
            n++;
        if (n < 2 || i >= len || l[i] != (f == 0 ? ':' : ' '))
            return 0;
        i++;
    }
    for (n = 0; i < len && l[i] >= '0' && l[i] <= '9'; i++)
        n++;
    if (n < 1 || i >= len || l[i] != ' ')
        return 0;
    i++;
    if (i == len)
        return 1; /* no name: the line ends with the space after the inode */
    if (i < 73) {
        for (; i < 73; i++)
            if (l[i] != ' ')
                return 0;
    }
    return l[i] != ' ' && l[i] != 0;
}

/* The line describing address a (NUL-terminated copy in out), or 0. */
static int line_of(uintptr_t a, char *out, size_t size)
{
    for (char *l = maps; *l; ) {
        char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l);
        unsigned long lo = strtoul(l, NULL, 16), hi = strtoul(strchr(l, '-') + 1, NULL, 16);
        if (a >= lo && a < hi) {
            snprintf(out, size, "%.*s", (int)len, l);
            return 1;
        }
        if (!e)
            break;
        l = e + 1;
    }
    return 0;
}

/* Print a line with its address range relative to base and the device and
 * inode replaced by what they were compared with. */
static void show(const char *what, uintptr_t a, uintptr_t base, dev_t dev, ino_t ino)
{
    char l[512], perms[5], name[256] = "";
    unsigned long lo, hi, off, inode;
    unsigned maj, min;
    if (!line_of(a, l, sizeof(l))) {
        SAY("%s: no line", what);
        contract_failed = 1;
        return;
    }
    int n = sscanf(l, "%lx-%lx %4s %lx %x:%x %lu %255s", &lo, &hi, perms, &off, &maj, &min, &inode, name);
    SAY("%s: base+%#lx-base+%#lx %s %08lx dev %s inode %s name '%s' width %s", what,
        lo - base, hi - base, perms, off,
        (maj == major(dev) && min == minor(dev)) ? "as stat" : "other",
        inode == ino ? "as stat" : "other", n == 8 ? name : "",
        well_formed(l, strlen(l)) ? "ok" : "bad");
}

int main(void)
{
    contract_start();
    if (slurp("/proc/self/maps", maps, sizeof(maps)) < 0) {
        SAY("open /proc/self/maps: %s", errname(errno));
        return contract_end(), 1;
    }
    char *base = free_range(16 * PG);
    char *anon = mmap(base, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    int fd = open(FILE_PATH, O_CREAT | O_RDWR | O_TRUNC, 0600);
    ftruncate(fd, 4 * PG);
    struct stat st;
    fstat(fd, &st);
    char *file = mmap(base + 4 * PG, 2 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 2 * PG);
    char *priv = mmap(base + 7 * PG, PG, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fd, PG);
    char *none = mmap(base + 9 * PG, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    char *brk0 = (char *)syscall(SYS_brk, 0);
    syscall(SYS_brk, brk0 + 2 * PG);
    brk0[0] = 1;
    int on_stack = 0;
    slurp("/proc/self/maps", maps, sizeof(maps));
    show("anonymous", (uintptr_t)anon, (uintptr_t)base, makedev(0, 0), 0);
    show("shared file", (uintptr_t)file, (uintptr_t)base, st.st_dev, st.st_ino);
    show("private file", (uintptr_t)priv, (uintptr_t)base, st.st_dev, st.st_ino);
    show("none", (uintptr_t)none, (uintptr_t)base, makedev(0, 0), 0);
    char l[512];
    SAY("heap line: %s", line_of((uintptr_t)brk0, l, sizeof(l)) && strstr(l, " [heap]") ? "[heap]" : l);
    SAY("stack line: %s", line_of((uintptr_t)&on_stack, l, sizeof(l)) && strstr(l, " [stack]") ? "[stack]" : l);
    int lines = 0, good = 0, sorted = 1;
    unsigned long prev = 0;
    for (char *s = strtok(maps, "\n"); s; s = strtok(NULL, "\n")) {
        lines++;
        good += well_formed(s, strlen(s));
        unsigned long lo = strtoul(s, NULL, 16);
        sorted &= lo >= prev;
        prev = strtoul(strchr(s, '-') + 1, NULL, 16);
    }
    EXPECT(lines > 5 && good == lines, "every line well formed");
    EXPECT(sorted, "lines sorted and disjoint");
    close(fd);
    unlink(FILE_PATH);
    return contract_end();
}
