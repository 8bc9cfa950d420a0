/* t_procfs.c - /proc and /sys as Linux shows them: maps lines of what the
 * program mapped (anonymous, a file with its device, inode and path at
 * column 73, shared anonymous memory), smaps counts of pages it touched
 * (private, then shared with a fork child), AnonHugePages of a 2 MiB page,
 * VmRSS growth, stat/cmdline/comm of itself, statfs magic numbers, the THP
 * control's format. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define PG 4096ul
#define HUGE (2ul << 20)
#define PROC_SUPER_MAGIC 0x9fa0
#define SYSFS_MAGIC 0x62656572
#define FILE_PATH "/tmp/t_procfs_map"

static char text[1 << 18];

/* Read a whole /proc file into text; its length, or -1. */
static long slurp(const char *path)
{
    int fd = open(path, O_RDONLY);
    long n = 0, r;
    if (fd < 0)
        return -1;
    while ((r = read(fd, text + n, sizeof(text) - 1 - n)) > 0)
        n += r;
    close(fd);
    text[n] = 0;
    return n;
}

/* The maps (or smaps header) line starting with address a, copied into out. */
static int maps_line(const char *file, unsigned long a, char *out, size_t len)
{
    char want[32];
    if (slurp(file) < 0)
        return 0;
    snprintf(want, sizeof(want), "%08lx-", a);
    for (char *l = text; *l; l = strchr(l, '\n') + 1) {
        char *end = strchr(l, '\n');
        if (!end)
            break;
        if (!strncmp(l, want, strlen(want))) {
            size_t n = (size_t)(end - l) < len - 1 ? (size_t)(end - l) : len - 1;
            memcpy(out, l, n);
            out[n] = 0;
            return 1;
        }
    }
    return 0;
}

/* A "Name:   N kB" figure of the smaps block of the mapping at a, or -1. */
static long smaps_kb(unsigned long a, const char *name)
{
    char want[32];
    if (slurp("/proc/self/smaps") < 0)
        return -1;
    snprintf(want, sizeof(want), "%08lx-", a);
    for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, want, strlen(want)))
            continue;
        for (char *f = strchr(l, '\n'); f && f[1]; f = strchr(f + 1, '\n')) {
            if (f[1] >= '0' && f[1] <= '9' && strchr(f + 1, '-') < strchr(f + 1, ' '))
                break; /* the next mapping's header */
            if (!strncmp(f + 1, name, strlen(name)) && f[1 + strlen(name)] == ':')
                return strtol(f + 2 + strlen(name), NULL, 10);
        }
    }
    return -1;
}

static long status_kb(const char *name)
{
    char *p;
    if (slurp("/proc/self/status") < 0 || !(p = strstr(text, name)))
        return -1;
    return strtol(p + strlen(name) + 1, NULL, 10);
}

static void test_anon_line(void)
{
    char line[512], want[128];
    char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return check_fail_errno("maps anonymous", "mmap");
    mprotect(p + PG, PG, PROT_NONE); /* its own line whatever lies around it */
    snprintf(want, sizeof(want), "%08lx-%08lx ---p 00000000 00:00 0 ", (unsigned long)p + PG,
             (unsigned long)p + 2 * PG);
    check(maps_line("/proc/self/maps", (unsigned long)p + PG, line, sizeof(line)) &&
              !strcmp(line, want),
          "maps: anonymous line ends in inode 0 and one space", "got '%s', want '%s'", line, want);
    munmap(p, 3 * PG);
}

static void test_file_line(void)
{
    char line[512], want[512], head[128];
    struct stat st;
    int fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ftruncate(fd, 4 * PG) || fstat(fd, &st))
        return check_fail_errno("maps file", "create " FILE_PATH);
    char *p = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, 2 * PG);
    if (p == MAP_FAILED)
        return check_fail_errno("maps file", "mmap");
    int n = snprintf(head, sizeof(head), "%08lx-%08lx r--s 00002000 %02x:%02x %lu ",
                     (unsigned long)p, (unsigned long)p + 2 * PG, major(st.st_dev),
                     minor(st.st_dev), (unsigned long)st.st_ino);
    snprintf(want, sizeof(want), "%s%*s%s", head, n < 73 ? 73 - n : 1, "", FILE_PATH);
    check(maps_line("/proc/self/maps", (unsigned long)p, line, sizeof(line)) && !strcmp(line, want),
          "maps: file line has offset, device, inode and the path at column 73",
          "got '%s', want '%s'", line, want);
    unlink(FILE_PATH);
    check(maps_line("/proc/self/maps", (unsigned long)p, line, sizeof(line)) &&
              strstr(line, FILE_PATH " (deleted)"),
          "maps: an unlinked file reads '(deleted)'", "got '%s'", line);
    munmap(p, 2 * PG);
    close(fd);
}

static void test_shared_anon(void)
{
    char line[512];
    char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return check_fail_errno("maps shared anonymous", "mmap");
    check(maps_line("/proc/self/maps", (unsigned long)p, line, sizeof(line)) &&
              strstr(line, " rw-s 00000000 00:01 ") && strstr(line, "/dev/zero (deleted)"),
          "maps: shared anonymous memory is '/dev/zero (deleted)' on 00:01", "got '%s'", line);
    munmap(p, PG);
}

static int child_smaps(void *arg)
{
    unsigned long a = (unsigned long)arg;
    long shared = smaps_kb(a, "Shared_Dirty"), pss = smaps_kb(a, "Pss");
    return shared == 16 && pss == 8 ? 0 : 1;
}

static void test_smaps_counts(void)
{
    char *p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char st[64];
    if (p == MAP_FAILED)
        return check_fail_errno("smaps", "mmap");
    madvise(p, 8 * PG, MADV_NOHUGEPAGE);
    mprotect(p + 4 * PG, 4 * PG, PROT_READ); /* the written half alone in its VMA */
    for (int i = 0; i < 4; i++)
        p[i * PG] = 1;
    long rss = smaps_kb((unsigned long)p, "Rss"), dirty = smaps_kb((unsigned long)p, "Private_Dirty");
    long anon = smaps_kb((unsigned long)p, "Anonymous"), size = smaps_kb((unsigned long)p, "Size");
    check(size == 16 && rss == 16 && dirty == 16 && anon == 16,
          "smaps: four written pages are Rss, Private_Dirty and Anonymous",
          "Size %ld Rss %ld Private_Dirty %ld Anonymous %ld kB", size, rss, dirty, anon);
    int s = check_run_child(child_smaps, p);
    check(s == 0, "smaps: after fork the pages are Shared_Dirty and Pss is halved", "child %s",
          check_status_text(s, st, sizeof(st)));
    munmap(p, 8 * PG);
}

static bool thp_possible(void)
{
    return slurp("/sys/kernel/mm/transparent_hugepage/enabled") > 0 && !strstr(text, "[never]");
}

static void test_anon_huge(void)
{
    char *raw = mmap(NULL, 3 * HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!thp_possible()) {
        check_skip("smaps: AnonHugePages", "transparent huge pages are off");
        return;
    }
    if (raw == MAP_FAILED)
        return check_fail_errno("smaps AnonHugePages", "mmap");
    char *h = (char *)(((unsigned long)raw + HUGE - 1) & ~(HUGE - 1));
    madvise(raw, 3 * HUGE, MADV_HUGEPAGE);
    long before = status_kb("VmRSS");
    h[0] = 1;
    long huge = smaps_kb((unsigned long)raw, "AnonHugePages");
    long after = status_kb("VmRSS");
    if (huge == 0) /* no free 2 MiB block just now: Linux falls back to 4 KiB pages too */
        check_skip("smaps: AnonHugePages", "the fault got a 4 KiB page");
    else
        check(huge == 2048 && after - before >= 2048,
              "smaps: a 2 MiB page is AnonHugePages and adds 2 MiB to VmRSS",
              "AnonHugePages %ld kB, VmRSS %ld -> %ld kB", huge, before, after);
    munmap(raw, 3 * HUGE);
}

static void test_self_files(int argc, char **argv)
{
    char want[64], comm[32];
    int n = 0;
    long len;
    snprintf(want, sizeof(want), "%d (", getpid());
    check(slurp("/proc/self/stat") > 0 && !strncmp(text, want, strlen(want)),
          "stat: starts with the pid and '('", "got '%.40s'", text);
    len = slurp("/proc/self/cmdline");
    for (int i = 0; i < argc; i++)
        n += (int)strlen(argv[i]) + 1;
    check(len == n && !memcmp(text, argv[0], strlen(argv[0]) + 1),
          "cmdline: argv with NUL terminators", "length %ld, want %d", len, n);
    const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    snprintf(comm, sizeof(comm), "%.15s\n", base);
    check(slurp("/proc/self/comm") > 0 && !strcmp(text, comm), "comm: the program's name",
          "got '%s', want '%s'", text, comm);
    check(status_kb("VmRSS") > 0 && status_kb("VmSize") >= status_kb("VmRSS"),
          "status: VmSize at least VmRSS", "VmSize %ld VmRSS %ld", status_kb("VmSize"),
          status_kb("VmRSS"));
    char link[256] = "";
    check(readlink("/proc/self/exe", link, sizeof(link) - 1) > 0 && link[0] == '/',
          "exe: an absolute path", "got '%s' (%s)", link, strerror(errno));
}

static void test_statfs_magic(void)
{
    struct statfs sf = {0};
    check(statfs("/proc", &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC,
          "statfs: /proc is PROC_SUPER_MAGIC", "f_type %#lx", (unsigned long)sf.f_type);
    if (statfs("/sys/kernel", &sf) != 0)
        check_skip("statfs: /sys", "no sysfs mounted");
    else
        check(sf.f_type == SYSFS_MAGIC, "statfs: /sys is SYSFS_MAGIC", "f_type %#lx",
              (unsigned long)sf.f_type);
}

static void test_thp_format(void)
{
    if (slurp("/sys/kernel/mm/transparent_hugepage/enabled") < 0) {
        check_skip("sysfs: THP enabled", "no /sys/kernel/mm/transparent_hugepage");
        return;
    }
    check(!strcmp(text, "[always] madvise never\n") || !strcmp(text, "always [madvise] never\n") ||
              !strcmp(text, "always madvise [never]\n"),
          "sysfs: enabled reads 'always madvise never' with one in brackets", "got '%s'", text);
    check(slurp("/sys/kernel/mm/transparent_hugepage/defrag") > 0 &&
              strstr(text, "always") == text && strstr(text, "defer defer+madvise") &&
              strchr(text, '['),
          "sysfs: defrag lists Linux's five choices", "got '%s'", text);
}

/* Mount sysfs on /sys when nothing is there (a test initramfs); true when this did it. */
static bool sysfs_mount_if_absent(void)
{
    if (!access("/sys/kernel", F_OK))
        return false;
    mkdir("/sys", 0755);
    if (mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
        check_skip("sysfs: mount", "mount: %s", strerror(errno));
        return false;
    }
    check(slurp("/proc/self/mounts") > 0 &&
              strstr(text, "\nsysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"),
          "mounts: sysfs appears with its flags", "got '%s'", text);
    return true;
}

int main(int argc, char **argv)
{
    if (access("/proc/self/maps", R_OK)) {
        check_skip("procfs", "/proc is not mounted");
        return check_done();
    }
    bool mounted = sysfs_mount_if_absent();
    test_anon_line();
    test_file_line();
    test_shared_anon();
    test_smaps_counts();
    test_anon_huge();
    test_self_files(argc, argv);
    test_statfs_magic();
    test_thp_format();
    if (mounted) {
        check(umount2("/sys", 0) == 0 && access("/sys/kernel", F_OK) != 0,
              "umount2: sysfs goes away", "%s", strerror(errno));
    }
    return check_done();
}
