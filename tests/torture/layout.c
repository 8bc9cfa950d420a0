/* layout.c - the worker's fixed address layout and the ranges the random
 * memory calls must leave alone.
 *
 * The pools sit at fixed addresses so that a seed names the same
 * addresses in every run. Calls may unmap, remap and protect the pools as
 * they like; what the worker itself runs on (image, stack, vDSO, the record
 * the parent reads, the canary) is protected: a generated range that
 * touches it is drawn again. The canary is 16 KiB, alone between holes,
 * that no call is ever given: a kernel writing somewhere it was not
 * pointed at shows up as a changed canary.
 */
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#include "torture.h"

#define PROTECT_MAX 8

extern char __executable_start[], _end[];

static struct {
    uint64_t start, end;
} protect[PROTECT_MAX];
static unsigned protect_n;

void layout_protect(uint64_t addr, uint64_t len)
{
    if (protect_n < PROTECT_MAX)
        protect[protect_n++] = (typeof(protect[0])){addr, addr + len};
}

bool layout_protected(uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len;
    if (end < addr)
        end = UINT64_MAX;
    /* Page-granular like the kernel: a call on part of a page hits all of it. */
    addr &= ~4095ull;
    end = (end + 4095) & ~4095ull;
    for (unsigned i = 0; i < protect_n; i++)
        if (addr < protect[i].end && end > protect[i].start)
            return true;
    return false;
}

static uint8_t canary_byte(uint64_t off) { return (uint8_t)(off * 131 + 7); }

bool layout_canary_ok(void)
{
    const uint8_t *c = (const uint8_t *)CANARY;
    for (uint64_t i = 0; i < CANARY_LEN; i++)
        if (c[i] != canary_byte(i))
            return false;
    return true;
}

static int map_fixed(uint64_t addr, uint64_t len, int prot, int flags, int fd)
{
    void *p = mmap((void *)addr, len, prot, flags | MAP_FIXED, fd, 0);
    return p == (void *)addr ? 0 : -1;
}

int layout_create(int shm_fd)
{
    uint64_t sp = (uint64_t)__builtin_frame_address(0);
    uint64_t vdso = getauxval(AT_SYSINFO_EHDR);

    layout_protect((uint64_t)__executable_start, (uint64_t)_end - (uint64_t)__executable_start);
    /* The whole stack VMA region we may grow into, and what is above it (auxv, strings). */
    layout_protect((sp & ~0xffffull) - (1ul << 20), (1ul << 20) + (1ul << 20));
    if (vdso)
        layout_protect(vdso - (64ul << 10), 128ul << 10);
    layout_protect(CANARY, CANARY_LEN);

    if (map_fixed(CANARY, CANARY_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1) ||
        map_fixed(POOL_RW, POOL_RW_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1) ||
        map_fixed(POOL_RO, POOL_RO_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1) ||
        map_fixed(POOL_NONE, POOL_NONE_LEN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1) ||
        map_fixed(POOL_SHM, POOL_SHM_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, shm_fd))
        return -1;
    for (uint64_t i = 0; i < CANARY_LEN; i++)
        ((uint8_t *)CANARY)[i] = canary_byte(i);
    memset((void *)POOL_RO, 0x5a, POOL_RO_LEN);
    /* Touch half the read-write pool so that both present and absent pages are passed. */
    for (uint64_t off = 0; off < POOL_RW_LEN; off += 8192)
        ((volatile uint8_t *)POOL_RW)[off] = (uint8_t)off;
    return mprotect((void *)POOL_RO, POOL_RO_LEN, PROT_READ);
}
