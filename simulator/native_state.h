/*
 * simulator/native_state.h - the state of a native worker as the trace
 * sees it, read from /proc/PID/smaps: its VMAs, resident and
 * AnonHugePages bytes, counted over the trace's own mappings only.
 *
 * The runner's own mappings (the program, its libraries, stack, vDSO and
 * the few anonymous VMAs the C library made before the trace began) are
 * recorded once when the worker image starts (a snapshot) and left out;
 * a trace VMA that merged into one of them counts, less the snapshot's
 * bytes.
 */
#ifndef SIM_NATIVE_STATE_H
#define SIM_NATIVE_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct native_vma {
	uint64_t start, end;
	uint64_t rss, anon_huge; /* bytes */
	int32_t prot;            /* MM_PROT_* */
	bool runner;             /* the runner's own (a named or unchanged snapshot VMA) */
	char path[24];           /* start of the path, for messages */
};

struct native_snap {
	struct native_vma *v;
	uint32_t n;
};

struct native_counts {
	uint64_t vmas, rss, anon_huge;
};

/*
 * Read the VMAs of host process pid into *out (replacing its contents);
 * tracedir is the directory of the trace's files (their VMAs are the
 * trace's). snap (may be NULL) decides which anonymous VMAs are the
 * runner's. Returns 0, or -1 when /proc cannot be read.
 */
int native_vmas_read(pid_t pid, const char *tracedir, const struct native_snap *snap,
		     struct native_snap *out);

/* Free the VMAs held by s. */
void native_snap_free(struct native_snap *s);
/* Copy src into *dst (fork). Returns 0 or -1 (no memory). */
int native_snap_copy(struct native_snap *dst, const struct native_snap *src);

/* VMAs, rss and AnonHugePages of the trace's VMAs in vmas (snapshot subtracted). */
void native_counts(const struct native_snap *vmas, const struct native_snap *snap,
		   struct native_counts *c);

/* Prot of the VMA holding addr, or -1 when none does. */
int32_t native_prot_at(const struct native_snap *vmas, uint64_t addr);

/*
 * The runner VMA in snap that [start, start+len) meets (the stack counts
 * with room to grow), or NULL. Ranges past user space meet nothing, and
 * neither does the VMA starting at ignore (when not 0).
 */
const struct native_vma *native_snap_meets(const struct native_snap *snap, uint64_t start,
					   uint64_t len, uint64_t ignore);

#endif
