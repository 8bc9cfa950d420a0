/* torture.h - the pieces of the random system-call torture program.
 *
 * The parent (torture.c) runs batches; each batch is a worker process
 * (worker.c) forked afresh that drops privileges and makes calls
 * [from, to). Call i draws every argument from its own generator state,
 * rng_for_call(seed, i), so a call is reproducible on its own whatever
 * batch it falls in (`torture SEED COUNT --from I`). The address layout the
 * arguments point into is fixed (layout.c); the call table and the calls
 * left out, with reasons, are in calls.c; the argument generators in gen.c.
 * A sibling process (sibling.c) keeps truncating, punching and remapping
 * the shared file mapping the workers pass pointers into.
 */
#ifndef TORTURE_H
#define TORTURE_H

#include <stdbool.h>
#include <stdint.h>

/* ---- random numbers (splitmix64: tiny, seedable, good enough) ---- */
struct rng {
    uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A value in [0, n); n > 0. */
static inline uint64_t rng_below(struct rng *r, uint64_t n) { return rng_next(r) % n; }

/* True with probability 1/n. */
static inline bool rng_one_in(struct rng *r, uint64_t n) { return rng_below(r, n) == 0; }

/* The generator state of call i of run `seed`: independent of every other call. */
static inline struct rng rng_for_call(uint64_t seed, uint64_t i)
{
    struct rng r = {seed * 0x2545f4914f6cdd1dull ^ (i + 1) * 0x9e3779b97f4a7c15ull};
    rng_next(&r);
    return r;
}

/* ---- the fixed address layout (layout.c) ---- */
#define POOL_RW     0x10000000ul /* 8 MiB read-write anonymous, 2 MiB aligned */
#define POOL_RW_LEN (8ul << 20)
#define POOL_RO     0x20000000ul /* 1 MiB read-only, filled with bytes */
#define POOL_RO_LEN (1ul << 20)
#define POOL_NONE   0x30000000ul /* 1 MiB PROT_NONE */
#define POOL_NONE_LEN (1ul << 20)
#define POOL_SHM    0x40000000ul /* 4 MiB MAP_SHARED view of the memfd the sibling abuses */
#define POOL_SHM_LEN (4ul << 20)
#define POOL_HOLE   0x50000000ul /* never mapped by the layout */
#define CANARY      0x0f000000ul /* 16 KiB the kernel must never change */
#define CANARY_LEN  (16ul << 10)
#define SHM_FILE_LEN POOL_SHM_LEN

/* The record the parent reads when a worker dies: the call being made. */
struct torture_record {
    volatile uint64_t index;     /* call number in the run */
    volatile uint64_t done;      /* calls completed in this batch (index of next) */
    volatile long nr;            /* system-call number */
    volatile uint64_t args[6];
    volatile uint64_t mem_calls; /* calls counted as memory calls */
    volatile uint64_t runaway;   /* children killed after CHILD_WAIT_MS */
};

/* Children of fork and rt_sigreturn calls killed because they ran too long (calls.c). */
extern unsigned long torture_runaway_children;

/* Map the pools and the canary at their fixed addresses; 0 or -1. */
int layout_create(int shm_fd);
/* True when [addr, addr+len) overlaps memory the worker itself depends on
 * (its image, stack, the record, the canary, the console copy). */
bool layout_protected(uint64_t addr, uint64_t len);
/* Remember [addr, addr+len) as protected (the record, the stack). */
void layout_protect(uint64_t addr, uint64_t len);
/* True when the canary still holds its pattern. */
bool layout_canary_ok(void);

/* ---- argument generators (gen.c) ---- */
struct gen {
    struct rng r;
    int shm_fd;     /* the memfd shared with the sibling */
    int tmp_fd;     /* a regular file in /tmp */
    int pipe_fd[2]; /* a non-blocking pipe */
    int null_fd, zero_fd;
};

uint64_t gen_fd(struct gen *g);
uint64_t gen_ptr_in(struct gen *g);   /* memory the kernel reads from */
uint64_t gen_ptr_out(struct gen *g);  /* memory the kernel writes to */
uint64_t gen_len(struct gen *g);
uint64_t gen_flags(struct gen *g, uint64_t known);
uint64_t gen_path(struct gen *g);      /* any path, read-only use */
uint64_t gen_path_mut(struct gen *g);  /* a path a call may create, change or remove */
uint64_t gen_timespec(struct gen *g);  /* short, invalid or unreadable; never NULL */
uint64_t gen_addr_any(struct gen *g);  /* any kind of address, protected ones excluded */
uint64_t gen_pid(struct gen *g);
uint64_t gen_signal(struct gen *g);
/* An address range for a memory call: fills *addr, *len (never protected). */
void gen_range(struct gen *g, uint64_t *addr, uint64_t *len);
uint64_t gen_prot(struct gen *g);
/* Prepare the generator's paths (under dir) and files; 0 or -1. */
int gen_setup(struct gen *g, int shm_fd, const char *dir);
/* Remove every name a batch may have made under dir. */
void gen_cleanup(const char *dir);

/* ---- calls (calls.c) ---- */
struct call_def {
    const char *name;
    long nr;
    unsigned weight;  /* share of the calls made */
    bool mem;         /* a memory call (mmap, munmap, ... fork) */
    const char *sig;  /* argument kinds, one letter each (calls.c) */
    uint64_t known;   /* the flag bits the call knows, for 'F' */
    void (*args)(struct gen *g, uint64_t a[6]);
    /* Special calls run their own code instead of a plain syscall(). */
    long (*run)(struct gen *g, uint64_t a[6]);
};

extern const struct call_def calls[];
extern const unsigned calls_n;
/* The calls left out, each with the reason (printed by --list). */
extern const char *const calls_excluded[];

/* Pick the call for generator state g (weighted). */
const struct call_def *call_pick(struct gen *g);
/* Fill a[] with the arguments of call c. */
void call_args(struct gen *g, const struct call_def *c, uint64_t a[6]);

/* ---- worker and sibling ---- */
struct torture_opts {
    uint64_t seed, count, from, batch;
    unsigned timeout_s;
    const char *dir;       /* where calls may make files */
    bool verbose;          /* print every call before making it */
    bool drop_privileges;  /* the worker becomes uid/gid 65534 when started as root */
    bool check_memory;     /* free memory must come back exactly */
};

/* Run calls [from, to) and exit; never returns. */
__attribute__((noreturn)) void worker_run(const struct torture_opts *o, uint64_t from,
                                          uint64_t to, struct torture_record *rec, int shm_fd);
/* Abuse the shared file until killed; never returns. */
__attribute__((noreturn)) void sibling_run(const struct torture_opts *o, int shm_fd);
/* Become uid/gid 65534 when root and asked to; 0 or -1. */
int torture_drop_privileges(const struct torture_opts *o);

#endif
