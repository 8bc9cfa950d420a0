/*
 * simulator/replay.c - the replay driver: read a trace line by line, apply
 * header records, start the machine at the first event, hand each record
 * to replay_event.c, run the invariant checks, and at the end tear every
 * process down and check that no frame leaked.
 *
 * Lines are parsed and executed one at a time, so a malformed line stops
 * the replay before it has any effect: nothing at or after it is replayed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "explain.h"
#include "mmcore/buddy.h"
#include "progress.h"
#include "replay_int.h"
#include "sim_phys.h"
#include "svg.h"

#define DEFAULT_MEM (256ull << 20)

void replay_fail(struct replay *r, uint32_t line, const char *fmt, ...)
{
	va_list ap;
	r->sum->failures++;
	fprintf(stderr, "%s:%u: ", r->sum->path, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

uint64_t replay_pages_in_use(void)
{
	return buddy_managed_pages() - buddy_free_pages();
}

/* The replay whose line a panic message should name. */
static const struct replay *panic_replay;
static uint32_t panic_line;

static void replay_panic_context(void)
{
	if (panic_replay)
		fprintf(stderr, "%s:%u: mmcore invariant broken while replaying this line\n",
			panic_replay->sum->path, panic_line);
}

static void header_apply(struct replay *r, const struct trace_record *rec)
{
	switch (rec->kind) {
	case TR_MEM:
		r->mem = rec->len;
		break;
	case TR_THP:
		r->thp = (enum mm_thp_policy)rec->flags;
		break;
	case TR_FAULTAROUND:
		r->faultaround = (unsigned)rec->len;
		break;
	case TR_FILE:
		r->files[rec->file] = sim_file_create(r->parser.files[rec->file].name,
						      r->parser.files[rec->file].size, rec->file + 1);
		if (!r->files[rec->file]) {
			snprintf(r->parser.error, sizeof(r->parser.error), "out of host memory");
			r->malformed = true;
		}
		break;
	default:
		break;
	}
}

/* Build the machine the header describes. Returns false (malformed) when it cannot be had. */
static bool machine_start(struct replay *r)
{
	r->started = true;
	if (sim_phys_init(r->mem) < 0) {
		snprintf(r->parser.error, sizeof(r->parser.error),
			 "cannot allocate %llu bytes of simulated RAM", (unsigned long long)r->mem);
		return false;
	}
	sim_tlb_reset();
	mm_config.thp = r->thp;
	mm_config.faultaround = r->faultaround;
	memset(&mm_global_counters, 0, sizeof(mm_global_counters));
	memset(&sim_tlb_stats, 0, sizeof(sim_tlb_stats));
	memset(&sim_mmu_stats, 0, sizeof(sim_mmu_stats));
	if (mm_init() < 0) {
		snprintf(r->parser.error, sizeof(r->parser.error),
			 "mem %llu is too small for the simulator", (unsigned long long)r->mem);
		return false;
	}
	r->sum->mem_pages = buddy_managed_pages();
	r->baseline_pages = replay_pages_in_use();
	r->sum->peak_pages = r->baseline_pages;
	return true;
}

/* Write the address-space picture of every live process to path. */
static void replay_svg(struct replay *r, const char *path, uint32_t line)
{
	char title[512];

	snprintf(title, sizeof(title), "%s after line %u", r->sum->path, line);
	if (svg_write_spaces(path, &r->procs, title) < 0)
		fprintf(stderr, "%s: cannot write: %m\n", path);
}

/* mm_check() over every live space, and the per-space checks. */
static void replay_check_all(struct replay *r)
{
	struct mm **spaces = sim_procs_spaces(&r->procs);
	for (uint32_t i = 0; i < r->procs.nlive; i++)
		mm_check_space(spaces[i]);
	mm_check(spaces, r->procs.nlive, sim_file_extra_refs, NULL);
}

/* With no process left, only the page caches and mm_init()'s pages may be in use. */
static void check_no_process_memory(struct replay *r, uint32_t line)
{
	uint64_t want = r->baseline_pages + sim_file_cached_pages();
	uint64_t got = replay_pages_in_use();
	if (got != want)
		replay_fail(r, line, "expected %llu frames in use with no process left, got %llu "
			    "(leak)", (unsigned long long)want, (unsigned long long)got);
}

static void after_event(struct replay *r, const struct trace_record *rec, uint32_t nlive_before)
{
	uint64_t used = replay_pages_in_use();
	if (used > r->sum->peak_pages)
		r->sum->peak_pages = used;
	if (r->opts->check)
		replay_check_all(r);
	if (r->procs.nlive == 0 && nlive_before > 0)
		check_no_process_memory(r, rec->line);
}

/* Pictures and samples after an event (svg.h); nothing when not asked for. */
static void replay_seeing(struct replay *r, const struct trace_record *rec)
{
	char path[4096];

	if (r->opts->series && trace_kind_is_event(rec->kind))
		series_event(r->opts->series, &mm_global_counters);
	if (!r->opts->svg || !r->opts->svg_every || !trace_kind_is_expect(rec->kind))
		return;
	snprintf(path, sizeof(path), "%.*s-%u.svg", (int)(strlen(r->opts->svg) > 4 &&
		 strcmp(r->opts->svg + strlen(r->opts->svg) - 4, ".svg") == 0 ?
		 strlen(r->opts->svg) - 4 : strlen(r->opts->svg)), r->opts->svg, rec->line);
	replay_svg(r, path, rec->line);
}

/* Handle one parsed record. Returns false to stop (malformed). */
static bool replay_one(struct replay *r, const struct trace_record *rec)
{
	uint32_t nlive;
	if (rec->kind == TR_NONE)
		return true;
	if (trace_kind_is_header(rec->kind)) {
		header_apply(r, rec);
		return !r->malformed;
	}
	if (!r->started && !machine_start(r))
		return false;
	nlive = r->procs.nlive;
	panic_line = rec->line;
	replay_record(r, rec);
	if (r->malformed)
		return false;
	after_event(r, rec, nlive);
	replay_seeing(r, rec);
	return true;
}

/* Read and replay every line; stops at the first malformed one. */
static void replay_lines(struct replay *r, FILE *f)
{
	struct trace_reader rd;
	struct progress prog;
	const char *line;
	size_t len;
	int rc;

	if (trace_reader_init(&rd, f) < 0) {
		fprintf(stderr, "sim: out of host memory\n");
		r->malformed = true;
		return;
	}
	progress_start(&prog, f, r->sum->path, r->opts->progress);
	while ((rc = trace_reader_next(&rd, &line, &len)) > 0) {
		struct trace_record rec;
		bool ok;
		r->parser.line = rd.line;
		r->sum->lines = rd.line;
		progress_tick(&prog, rd.line);
		if (rd.line == r->opts->explain_line)
			explain_begin(stdout, r->sum->path, rd.line, line, len);
		ok = trace_parse_line(&r->parser, line, len, &rec) >= 0 && replay_one(r, &rec);
		if (rd.line == r->opts->explain_line)
			explain_end();
		if (!ok) {
			fprintf(stderr, "%s:%u: %s\n", r->sum->path, rd.line, r->parser.error);
			r->malformed = true;
			break;
		}
	}
	if (rc < 0) {
		fprintf(stderr, "%s:%u: %s\n", r->sum->path, rd.line,
			ferror(f) ? "read error" : "line longer than 4096 bytes");
		r->malformed = true;
	}
	progress_end(&prog);
	trace_reader_fini(&rd);
}

/* End of trace: final checks, teardown of everything, leak check. */
static void replay_finish(struct replay *r)
{
	uint32_t last = (uint32_t)r->sum->lines;

	if (!r->started && !r->malformed && !machine_start(r)) {
		fprintf(stderr, "%s:%u: %s\n", r->sum->path, last, r->parser.error);
		r->malformed = true;
	}
	if (r->started && !r->malformed)
		replay_check_all(r);
	if (r->started && r->opts->svg)
		replay_svg(r, r->opts->svg, last);
	r->sum->final_pages = r->started ? replay_pages_in_use() : 0;
	r->sum->procs_live = r->procs.nlive;
	r->sum->procs_created = r->procs.created;
	while (r->procs.nlive > 0)
		replay_proc_end(r, r->procs.live[r->procs.nlive - 1]);
	for (unsigned i = 0; i < TRACE_FILES_MAX; i++) {
		if (r->files[i])
			r->sum->leaked_pages += sim_file_destroy(r->files[i]);
		r->files[i] = NULL;
	}
	if (r->started) {
		mm_fini();
		r->sum->leaked_pages += replay_pages_in_use();
		if (!r->malformed && r->sum->leaked_pages)
			replay_fail(r, last, "expected every frame free after the last exit, "
				    "got %llu in use (leak)",
				    (unsigned long long)r->sum->leaked_pages);
		if (!r->malformed && sim_obj_live)
			replay_fail(r, last, "expected every mmcore object freed after the last "
				    "exit, got %llu live (leak)", (unsigned long long)sim_obj_live);
		sim_phys_fini();
	}
	r->sum->counters = mm_global_counters;
	r->sum->tlb = sim_tlb_stats;
	r->sum->mmu = sim_mmu_stats;
}

int replay_file(const char *path, const struct replay_opts *opts, struct replay_summary *sum)
{
	struct replay r = {.opts = opts, .sum = sum, .mem = DEFAULT_MEM, .thp = MM_THP_ALWAYS,
			   .faultaround = MM_FAULTAROUND_DEFAULT};
	struct timespec t0, t1, c0, c1;
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");

	memset(sum, 0, sizeof(*sum));
	sum->path = path;
	if (!f) {
		fprintf(stderr, "%s: cannot open: ", path);
		perror(NULL);
		return sum->exit_code = 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	trace_parser_init(&r.parser, path);
	sim_procs_init(&r.procs);
	panic_replay = &r;
	sim_panic_hook = replay_panic_context;
	replay_lines(&r, f);
	replay_finish(&r);
	sim_panic_hook = NULL;
	panic_replay = NULL;
	sim_procs_fini(&r.procs);
	trace_parser_fini(&r.parser);
	if (f != stdin)
		fclose(f);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	sum->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	sum->cpu_seconds = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
	sum->exit_code = r.malformed ? 2 : sum->failures ? 1 : 0;
	return sum->exit_code;
}
