/* t_vdso.c - the vDSO as Linux provides it: found through
 * getauxval(AT_SYSINFO_EHDR), its functions resolved here by reading its
 * ELF dynamic symbol table with their LINUX_2.6 versions (no libc help);
 * its clocks interleaved with the system calls never go backwards and
 * agree within a tick; unknown clocks and CPU-time clocks go through the
 * system call (EINVAL, EFAULT); gettimeofday, time and getcpu; the
 * [vvar] and [vdso] lines of /proc/self/maps; a fork child calls it; a
 * write after mprotect copies the page instead of changing everyone's
 * vDSO; mremap moves it; munmap of it is allowed; and CLOCK_REALTIME
 * follows settimeofday and clock_settime (as root, only inside a test VM:
 * the host's clock is never touched). */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define NS 1000000000LL
#define PG 4096ul
#define ROUNDS 10000
#define TICK_NS 10000000LL /* 100 Hz: "agree within a tick" */

typedef int (*cgt_fn)(clockid_t, struct timespec *);
typedef int (*gtod_fn)(struct timeval *, struct timezone *);
typedef time_t (*time_fn)(time_t *);
typedef int (*getcpu_fn)(unsigned *, unsigned *, void *);

/* What the dynamic section says about the vDSO mapped at base. */
struct vdso_info {
    uintptr_t base, bias;
    const Elf64_Sym *sym;
    const char *str;
    const Elf64_Word *hash;
    const Elf64_Half *versym;
    const Elf64_Verdef *verdef;
};

static struct vdso_info vi;

/* Locate the dynamic tables of the vDSO at base; false when they are not all there. */
static bool vdso_parse(uintptr_t base)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
    const Elf64_Dyn *dyn = NULL;
    bool have_load = false;

    vi.base = base;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && !have_load) {
            vi.bias = base + ph[i].p_offset - ph[i].p_vaddr;
            have_load = true;
        } else if (ph[i].p_type == PT_DYNAMIC) {
            dyn = (const Elf64_Dyn *)(base + ph[i].p_offset);
        }
    }
    if (!have_load || !dyn)
        return false;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        uintptr_t p = vi.bias + dyn->d_un.d_ptr;
        switch (dyn->d_tag) {
        case DT_SYMTAB: vi.sym = (const Elf64_Sym *)p; break;
        case DT_STRTAB: vi.str = (const char *)p; break;
        case DT_HASH: vi.hash = (const Elf64_Word *)p; break;
        case DT_VERSYM: vi.versym = (const Elf64_Half *)p; break;
        case DT_VERDEF: vi.verdef = (const Elf64_Verdef *)p; break;
        }
    }
    return vi.sym && vi.str && vi.hash && vi.versym && vi.verdef;
}

/* True when version index ver names `name` in the vDSO's version definitions. */
static bool vdso_version_is(Elf64_Half ver, const char *name)
{
    const Elf64_Verdef *d = vi.verdef;
    ver &= 0x7fff;
    for (;;) {
        if (!(d->vd_flags & VER_FLG_BASE) && d->vd_ndx == ver) {
            const Elf64_Verdaux *a = (const Elf64_Verdaux *)((const char *)d + d->vd_aux);
            return !strcmp(vi.str + a->vda_name, name);
        }
        if (!d->vd_next)
            return false;
        d = (const Elf64_Verdef *)((const char *)d + d->vd_next);
    }
}

/* The address of function `name` at version LINUX_2.6, or NULL. */
static void *vdso_sym(const char *name)
{
    Elf64_Word nsyms = vi.hash[1]; /* nchain: one per symbol */
    for (Elf64_Word i = 1; i < nsyms; i++) {
        const Elf64_Sym *s = &vi.sym[i];
        if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF)
            continue;
        if (ELF64_ST_BIND(s->st_info) != STB_GLOBAL && ELF64_ST_BIND(s->st_info) != STB_WEAK)
            continue;
        if (strcmp(vi.str + s->st_name, name) || !vdso_version_is(vi.versym[i], "LINUX_2.6"))
            continue;
        return (void *)(vi.bias + s->st_value);
    }
    return NULL;
}

static long long ns_of(const struct timespec *ts) { return ts->tv_sec * NS + ts->tv_nsec; }

static int sys_cgt(clockid_t id, struct timespec *ts)
{
    return (int)syscall(SYS_clock_gettime, id, ts);
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static long long gaps[ROUNDS];

/* vDSO and system call readings of clock id, alternated: none goes back, and
 * (for the fine clocks) the median gap is under a tick. */
static void test_interleaved(cgt_fn cgt, clockid_t id, const char *name, bool fine)
{
    struct timespec a, b;
    long long prev = 0;
    int back = 0, bad = 0, first_back = -1;
    char what[96];

    for (int i = 0; i < ROUNDS; i++) {
        int r1 = cgt(id, &a), r2 = sys_cgt(id, &b);
        if (r1 || r2 || a.tv_nsec < 0 || a.tv_nsec >= NS || b.tv_nsec < 0 || b.tv_nsec >= NS)
            bad++;
        if (ns_of(&a) < prev || ns_of(&b) < ns_of(&a)) {
            if (first_back < 0)
                first_back = i;
            back++;
        }
        gaps[i] = ns_of(&b) - ns_of(&a);
        prev = ns_of(&b);
    }
    snprintf(what, sizeof(what), "%s: vDSO and syscall alternated %d times, never backwards",
             name, ROUNDS);
    check(!back && !bad, what, "%d went back (first at %d), %d bad results", back, first_back, bad);
    if (!fine)
        return;
    qsort(gaps, ROUNDS, sizeof(gaps[0]), cmp_ll);
    snprintf(what, sizeof(what), "%s: vDSO and syscall agree within a tick", name);
    check(gaps[ROUNDS / 2] < TICK_NS, what, "median gap %lld ns", gaps[ROUNDS / 2]);
}

static void test_clocks(cgt_fn cgt)
{
    static const struct {
        clockid_t id;
        const char *name;
        bool fine;
    } clocks[] = {
        {CLOCK_MONOTONIC, "CLOCK_MONOTONIC", true},
        {CLOCK_REALTIME, "CLOCK_REALTIME", true},
        {CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW", true},
        {CLOCK_BOOTTIME, "CLOCK_BOOTTIME", true},
        {CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE", false},
        {CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE", false},
    };
    for (unsigned i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++)
        test_interleaved(cgt, clocks[i].id, clocks[i].name, clocks[i].fine);
}

/* Clocks the vDSO does not answer itself: the system call's result, errors included. */
static void test_fallback(cgt_fn cgt)
{
    struct timespec ts = {-1, -1};
    int r = cgt((clockid_t)12345, &ts);
    check(r == -EINVAL, "unknown clock id: the vDSO returns -EINVAL", "returned %d", r);
    r = cgt((clockid_t)-1000, &ts);
    check(r == -EINVAL, "negative bad clock id: -EINVAL", "returned %d", r);
    errno = 0;
    check(clock_gettime((clockid_t)12345, &ts) == -1 && errno == EINVAL,
          "libc's clock_gettime of an unknown clock: EINVAL", "errno %d", errno);
    r = cgt(CLOCK_PROCESS_CPUTIME_ID, &ts);
    check(r == 0 && ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < NS,
          "CLOCK_PROCESS_CPUTIME_ID through the vDSO", "returned %d, %lld.%09ld", r,
          (long long)ts.tv_sec, ts.tv_nsec);
    r = cgt(CLOCK_PROCESS_CPUTIME_ID, (struct timespec *)8);
    check(r == -EFAULT, "CPU-time clock with a bad pointer: -EFAULT from the syscall",
          "returned %d", r);
    r = cgt(CLOCK_THREAD_CPUTIME_ID, NULL);
    check(r == -EFAULT, "CPU-time clock with NULL: -EFAULT", "returned %d", r);
}

static void test_gettimeofday_time(void)
{
    gtod_fn gtod = (gtod_fn)vdso_sym("__vdso_gettimeofday");
    time_fn tm = (time_fn)vdso_sym("__vdso_time");
    struct timeval a = {0, 0}, b;
    struct timezone tza = {-7, -7}, tzb = {-8, -8};
    int back = 0, bad = 0;

    if (!check(gtod != NULL, "__vdso_gettimeofday@LINUX_2.6 found", "missing"))
        return;
    for (int i = 0; i < ROUNDS; i++) {
        long long prev = a.tv_sec * 1000000LL + a.tv_usec;
        if (gtod(&a, NULL) || syscall(SYS_gettimeofday, &b, NULL))
            bad++;
        if (a.tv_usec < 0 || a.tv_usec >= 1000000)
            bad++;
        long long va = a.tv_sec * 1000000LL + a.tv_usec, vb = b.tv_sec * 1000000LL + b.tv_usec;
        if (vb < va || (i && va < prev))
            back++;
        a = b;
    }
    check(!back && !bad, "gettimeofday: vDSO and syscall alternated, never backwards",
          "%d backwards, %d bad", back, bad);
    check(gtod(NULL, &tza) == 0 && syscall(SYS_gettimeofday, NULL, &tzb) == 0 &&
              tza.tz_minuteswest == tzb.tz_minuteswest && tza.tz_dsttime == tzb.tz_dsttime,
          "gettimeofday fills tz as the syscall does", "vDSO %d/%d, syscall %d/%d",
          tza.tz_minuteswest, tza.tz_dsttime, tzb.tz_minuteswest, tzb.tz_dsttime);
    check(gtod(NULL, NULL) == 0, "gettimeofday(NULL, NULL) returns 0", "failed");

    if (!check(tm != NULL, "__vdso_time@LINUX_2.6 found", "missing"))
        return;
    time_t t1 = 0, t0 = (time_t)syscall(SYS_time, NULL);
    time_t r = tm(&t1);
    time_t t2 = (time_t)syscall(SYS_time, NULL);
    check(r == t1 && t0 <= r && r <= t2, "time(): stored and returned, between two syscalls",
          "%lld %lld in [%lld, %lld]", (long long)r, (long long)t1, (long long)t0, (long long)t2);
    check(tm(NULL) >= r, "time(NULL) returns the seconds", "went back");
}

static void test_getcpu(void)
{
    getcpu_fn gc = (getcpu_fn)vdso_sym("__vdso_getcpu");
    unsigned cpu = ~0u, node = ~0u;
    long ncpu = sysconf(_SC_NPROCESSORS_CONF);

    if (!check(gc != NULL, "__vdso_getcpu@LINUX_2.6 found", "missing"))
        return;
    int r = gc(&cpu, &node, NULL);
    check(r == 0 && cpu < (unsigned)ncpu && node != ~0u, "getcpu: a CPU and a node",
          "returned %d, cpu %u of %ld, node %u", r, cpu, ncpu, node);
    check(gc(NULL, NULL, NULL) == 0, "getcpu with NULL pointers returns 0", "failed");
}

/* The range and permissions of the first maps line named `name`; false when none. */
static bool maps_find(const char *name, unsigned long *start, unsigned long *end, char perms[5])
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[256];
    bool found = false;
    if (!f)
        return false;
    while (!found && fgets(line, sizeof(line), f)) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\n')
            line[--n] = 0;
        if (n > strlen(name) && !strcmp(line + n - strlen(name), name) &&
            line[n - strlen(name) - 1] == ' ')
            found = sscanf(line, "%lx-%lx %4s", start, end, perms) == 3;
    }
    fclose(f);
    return found;
}

static void test_maps(uintptr_t base)
{
    unsigned long ds, de, vs, ve;
    char dp[5] = "", vp[5] = "";
    if (access("/proc/self/maps", R_OK)) {
        check_skip("maps shows [vdso] and [vvar]", "no /proc");
        return;
    }
    bool has_vdso = maps_find("[vdso]", &ds, &de, dp);
    bool has_vvar = maps_find("[vvar]", &vs, &ve, vp);
    check(has_vdso && ds == base && !strcmp(dp, "r-xp"), "maps: [vdso] r-xp at AT_SYSINFO_EHDR",
          "found %d, %lx %s (auxv %lx)", has_vdso, ds, dp, (unsigned long)base);
    check(has_vvar && !strcmp(vp, "r--p") && ve <= ds, "maps: [vvar] r--p below [vdso]",
          "found %d, %lx-%lx %s", has_vvar, vs, ve, vp);
}

/* A fork child has the vDSO where its parent had it. */
static int child_calls_vdso(void *arg)
{
    struct timespec ts;
    return ((cgt_fn)arg)(CLOCK_MONOTONIC, &ts) == 0 && ts.tv_sec >= 0 ? 0 : 1;
}

/* A store into the vDSO (after mprotect adds write) lands in a private copy;
 * exit 2 when mprotect is refused (recent Linux seals its system mappings). */
static int child_writes_vdso(void *arg)
{
    unsigned char *p = arg;
    if (mprotect(p, PG, PROT_READ | PROT_WRITE | PROT_EXEC)) {
        printf("# mprotect of the vDSO: %s\n", strerror(errno));
        return 2;
    }
    p[PG - 1] ^= 0xff;
    return 0;
}

/* A store without write permission is refused with SIGSEGV. */
static int child_stores_readonly(void *arg)
{
    *(volatile unsigned char *)arg = 0;
    return 3;
}

/* munmap of the vDSO and its data is allowed; maps then shows neither. */
static int child_unmaps_vdso(void *arg)
{
    unsigned long s, e;
    char p[5];
    uintptr_t base = (uintptr_t)arg;
    unsigned long vs, ve;
    if (!maps_find("[vvar]", &vs, &ve, p) || !maps_find("[vdso]", &s, &e, p))
        return 4;
    if (munmap((void *)vs, ve - vs) || munmap((void *)base, e - base))
        return 5;
    return maps_find("[vdso]", &s, &e, p) || maps_find("[vvar]", &s, &e, p) ? 6 : 0;
}

/* mremap moves the vDSO (same size) and maps names it where it went; exit 10 when refused. */
static int child_moves_vdso(void *arg)
{
    unsigned long s, e;
    char p[5];
    uintptr_t base = (uintptr_t)arg;
    if (!maps_find("[vdso]", &s, &e, p))
        return 11;
    void *to = mmap(NULL, e - s, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (to == MAP_FAILED)
        return 12;
    void *r = mremap((void *)base, e - s, e - s, MREMAP_MAYMOVE | MREMAP_FIXED, to);
    if (r == MAP_FAILED) {
        printf("# mremap of the vDSO: %s\n", strerror(errno));
        return 10;
    }
    if (r != to || !maps_find("[vdso]", &s, &e, p) || s != (unsigned long)to || strcmp(p, "r-xp"))
        return 13;
    return memcmp(to, ELFMAG, SELFMAG) ? 14 : 0;
}

static void test_children(cgt_fn cgt, uintptr_t base)
{
    char buf[64];
    unsigned char *last = (unsigned char *)base + PG - 1;
    unsigned char before = *last;
    int st = check_run_child(child_calls_vdso, (void *)cgt);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a fork child calls the inherited vDSO", "%s",
          check_status_text(st, buf, sizeof(buf)));
    st = check_run_child(child_writes_vdso, (void *)base);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 2)
        check_skip("mprotect+write in a child copies the vDSO page",
                   "this kernel refuses mprotect of the vDSO");
    else
        check(WIFEXITED(st) && WEXITSTATUS(st) == 0 && *last == before,
              "mprotect+write in a child copies the page; the parent's vDSO is unchanged",
              "%s, byte %#x -> %#x", check_status_text(st, buf, sizeof(buf)), before, *last);
    st = check_run_child(child_stores_readonly, (void *)base);
    check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a store into the vDSO: SIGSEGV", "%s",
          check_status_text(st, buf, sizeof(buf)));
    if (access("/proc/self/maps", R_OK)) {
        check_skip("munmap of [vdso] and [vvar]", "no /proc");
        return;
    }
    st = check_run_child(child_moves_vdso, (void *)base);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 10)
        check_skip("mremap moves [vdso]", "this kernel refuses mremap of the vDSO");
    else
        check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "mremap moves [vdso]; maps names it there",
              "%s", check_status_text(st, buf, sizeof(buf)));
    st = check_run_child(child_unmaps_vdso, (void *)base);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "munmap of [vdso] and [vvar] is allowed", "%s",
          check_status_text(st, buf, sizeof(buf)));
}

/* As a user without CAP_SYS_TIME, setting the clock is EPERM. */
static int child_settime_unprivileged(void *arg)
{
    struct timeval tv;
    struct timespec ts;
    (void)arg;
    if (setuid(65534))
        return 7;
    gettimeofday(&tv, NULL);
    clock_gettime(CLOCK_REALTIME, &ts);
    if (settimeofday(&tv, NULL) != -1 || errno != EPERM)
        return 8;
    return clock_settime(CLOCK_REALTIME, &ts) == -1 && errno == EPERM ? 0 : 9;
}

/* Refusals that never reach the clock: safe to ask anywhere. */
static void test_settime_errors(void)
{
    errno = 0;
    check(syscall(SYS_clock_settime, CLOCK_MONOTONIC, NULL) == -1 && errno == EINVAL,
          "clock_settime(CLOCK_MONOTONIC, NULL): EINVAL before the pointer", "errno %d", errno);
    errno = 0;
    check(syscall(SYS_clock_settime, 12345, NULL) == -1 && errno == EINVAL,
          "clock_settime of an unknown clock: EINVAL", "errno %d", errno);
    errno = 0;
    check(syscall(SYS_clock_settime, CLOCK_REALTIME, NULL) == -1 && errno == EFAULT,
          "clock_settime(CLOCK_REALTIME, NULL): EFAULT", "errno %d", errno);
    errno = 0;
    check(syscall(SYS_settimeofday, (void *)8, NULL) == -1 && errno == EFAULT,
          "settimeofday with a bad pointer: EFAULT", "errno %d", errno);
}

/* CLOCK_REALTIME follows settimeofday and clock_settime; the offset is put back after. */
static void test_settime(cgt_fn cgt)
{
    struct timespec m0, r0, v, s, bad = {0, NS};
    struct timeval tv;
    char buf[64];
    if (geteuid() != 0 || !check_small_machine()) {
        check_skip("CLOCK_REALTIME follows settimeofday", "only as root inside a test VM");
        return;
    }
    clock_gettime(CLOCK_MONOTONIC, &m0);
    clock_gettime(CLOCK_REALTIME, &r0);
    long long offset = ns_of(&r0) - ns_of(&m0);

    tv.tv_sec = r0.tv_sec + 100000;
    tv.tv_usec = 0;
    check(settimeofday(&tv, NULL) == 0, "settimeofday as root", "errno %d", errno);
    cgt(CLOCK_REALTIME, &v);
    sys_cgt(CLOCK_REALTIME, &s);
    check(v.tv_sec >= tv.tv_sec && v.tv_sec < tv.tv_sec + 60 && ns_of(&s) >= ns_of(&v),
          "the vDSO's CLOCK_REALTIME follows settimeofday", "set %lld, vDSO %lld, syscall %lld",
          (long long)tv.tv_sec, (long long)v.tv_sec, (long long)s.tv_sec);
    struct timespec target = {r0.tv_sec + 200000, 0};
    check(clock_settime(CLOCK_REALTIME, &target) == 0, "clock_settime(CLOCK_REALTIME) as root",
          "errno %d", errno);
    cgt(CLOCK_REALTIME_COARSE, &v);
    check(v.tv_sec >= target.tv_sec && v.tv_sec < target.tv_sec + 60,
          "CLOCK_REALTIME_COARSE follows clock_settime", "set %lld, got %lld",
          (long long)target.tv_sec, (long long)v.tv_sec);
    errno = 0;
    check(clock_settime(CLOCK_MONOTONIC, &target) == -1 && errno == EINVAL,
          "clock_settime(CLOCK_MONOTONIC): EINVAL", "errno %d", errno);
    errno = 0;
    check(clock_settime(CLOCK_REALTIME, &bad) == -1 && errno == EINVAL,
          "clock_settime with tv_nsec 1e9: EINVAL", "errno %d", errno);
    tv.tv_usec = 1000000;
    errno = 0;
    check(settimeofday(&tv, NULL) == -1 && errno == EINVAL, "settimeofday with tv_usec 1e6: EINVAL",
          "errno %d", errno);
    int st = check_run_child(child_settime_unprivileged, NULL);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "setting the clock unprivileged: EPERM", "%s",
          check_status_text(st, buf, sizeof(buf)));

    /* Put the clock back where it was. */
    struct timespec m1, back;
    clock_gettime(CLOCK_MONOTONIC, &m1);
    long long now = ns_of(&m1) + offset;
    back.tv_sec = now / NS;
    back.tv_nsec = now % NS;
    check(clock_settime(CLOCK_REALTIME, &back) == 0, "the clock is put back", "errno %d", errno);
    cgt(CLOCK_REALTIME, &v);
    check(v.tv_sec - back.tv_sec < 60 && v.tv_sec >= back.tv_sec,
          "the vDSO reads the restored time",
          "%lld vs %lld", (long long)v.tv_sec, (long long)back.tv_sec);
}

int main(void)
{
    uintptr_t base = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
    if (!check(base != 0, "AT_SYSINFO_EHDR is in the auxv", "missing"))
        return check_done();
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
    if (!check(!memcmp(eh->e_ident, ELFMAG, SELFMAG) && eh->e_type == ET_DYN &&
                   eh->e_ident[EI_CLASS] == ELFCLASS64,
               "AT_SYSINFO_EHDR points at a 64-bit ELF shared object", "type %d", eh->e_type))
        return check_done();
    if (!check(vdso_parse(base), "the vDSO has symbols, strings, hash and version tables",
               "something missing"))
        return check_done();
    cgt_fn cgt = (cgt_fn)vdso_sym("__vdso_clock_gettime");
    if (!check(cgt != NULL, "__vdso_clock_gettime@LINUX_2.6 found", "missing"))
        return check_done();
    check(vdso_sym("clock_gettime") == (void *)cgt || vdso_sym("clock_gettime") == NULL,
          "clock_gettime, where exported, is __vdso_clock_gettime", "differs");
    test_clocks(cgt);
    test_fallback(cgt);
    test_gettimeofday_time();
    test_getcpu();
    test_maps(base);
    test_children(cgt, base);
    test_settime_errors();
    test_settime(cgt);
    return check_done();
}
