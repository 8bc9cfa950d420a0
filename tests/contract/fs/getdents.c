/* getdents64 on a /tmp directory: every entry once (".", "..", files,
 * a subdirectory, a symlink) with the right d_type, names sorted by the test;
 * small buffers split the listing without losing entries; EINVAL for a
 * buffer too small for one entry, ENOTDIR for a file; removed entries vanish. */
#include "contract.h"
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define D "/tmp/contract_getdents"

struct d64 {
    unsigned long long ino;
    long long off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

static char names[64][64];
static int count;

static int cmp(const void *a, const void *b) { return strcmp(a, b); }

static const char *tname(int t)
{
    return t == DT_DIR ? "dir" : t == DT_REG ? "reg" : t == DT_LNK ? "lnk" : t == DT_UNKNOWN ? "unknown" : "?";
}

/* List D with a buffer of bufsize bytes; returns the number of calls. */
static int list(size_t bufsize)
{
    char buf[4096];
    int fd = open(D, O_RDONLY | O_DIRECTORY), calls = 0;
    long n;
    count = 0;
    while ((n = syscall(SYS_getdents64, fd, buf, bufsize)) > 0) {
        calls++;
        for (long off = 0; off < n;) {
            struct d64 *e = (struct d64 *)(buf + off);
            if (count < 64)
                snprintf(names[count++], 64, "%s %s%s", e->name, tname(e->type),
                         e->reclen % 8 ? " (reclen not 8-aligned)" : "");
            off += e->reclen;
        }
    }
    if (n < 0)
        SAY("getdents64: %s", errname(errno));
    close(fd);
    qsort(names, count, sizeof(names[0]), cmp);
    return calls;
}

static void show(const char *what)
{
    SAY("%s: %d entries", what, count);
    for (int i = 0; i < count; i++)
        SAY("  %s", names[i]);
}

int main(void)
{
    contract_start();
    mkdir(D, 0755);
    char p[128];
    for (int i = 0; i < 12; i++) {
        snprintf(p, sizeof(p), D "/file-%02d-%s", i, i % 2 ? "odd" : "even-with-a-longer-name");
        close(open(p, O_CREAT | O_WRONLY, 0644));
    }
    mkdir(D "/subdir", 0755);
    symlink("file-00", D "/link");
    list(4096);
    show("one big buffer");
    int calls = list(100);
    SAY("100-byte buffer: %d entries, more than one call %d", count, calls > 1);
    int fd = open(D, O_RDONLY | O_DIRECTORY);
    char buf[64];
    SAY("buffer too small for one entry: %s", syscall(SYS_getdents64, fd, buf, 8) < 0 ? errname(errno) : "ok");
    SAY("bad buffer: %s", syscall(SYS_getdents64, fd, (void *)8, 4096) < 0 ? errname(errno) : "ok");
    close(fd);
    fd = open(D "/file-00-even-with-a-longer-name", O_RDONLY);
    SAY("on a file: %s", syscall(SYS_getdents64, fd, buf, sizeof(buf)) < 0 ? errname(errno) : "ok");
    close(fd);
    SAY("on a closed fd: %s", syscall(SYS_getdents64, fd, buf, sizeof(buf)) < 0 ? errname(errno) : "ok");
    for (int i = 0; i < 12; i += 2) {
        snprintf(p, sizeof(p), D "/file-%02d-even-with-a-longer-name", i);
        unlink(p);
    }
    SAY("rmdir of a non-empty directory: %s", rmdir(D) ? errname(errno) : "0");
    list(4096);
    show("after removing the even files");
    for (int i = 1; i < 12; i += 2) {
        snprintf(p, sizeof(p), D "/file-%02d-odd", i);
        unlink(p);
    }
    unlink(D "/link");
    rmdir(D "/subdir");
    list(4096);
    show("emptied");
    SAY("rmdir: %s", rmdir(D) ? errname(errno) : "0");
    return contract_end();
}
