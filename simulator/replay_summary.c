/*
 * simulator/replay_summary.c - what a replay found, as text for people or
 * as one JSON object (one line per file) for scripts.
 */
#include <stdio.h>

#include "replay.h"

static double rate(uint64_t n, double seconds)
{
	return seconds > 0 ? (double)n / seconds : 0.0;
}

static void summary_text(const struct replay_summary *s)
{
	const struct mm_counters *c = &s->counters;
	printf("trace:       %s\n", s->path);
	printf("events:      %llu (%llu expectations, %llu lines)\n",
	       (unsigned long long)s->events, (unsigned long long)s->expects,
	       (unsigned long long)s->lines);
	printf("processes:   %llu created, %llu alive at the end\n",
	       (unsigned long long)s->procs_created, (unsigned long long)s->procs_live);
	printf("outcomes:    ok %llu, errno %llu, SIGSEGV %llu, SIGBUS %llu, SIGKILL %llu\n",
	       (unsigned long long)s->outcomes[OC_OK], (unsigned long long)s->outcomes[OC_ERRNO],
	       (unsigned long long)s->outcomes[OC_SIGSEGV], (unsigned long long)s->outcomes[OC_SIGBUS],
	       (unsigned long long)s->outcomes[OC_SIGKILL]);
	printf("faults:      %llu (zero page %llu, anon 4K %llu, huge %llu, huge zero %llu, "
	       "huge fallback %llu, file %llu, wp reuse %llu, wp copy %llu)\n",
	       (unsigned long long)c->faults_total, (unsigned long long)c->faults_anon_zero,
	       (unsigned long long)c->faults_anon_new, (unsigned long long)c->faults_huge,
	       (unsigned long long)c->faults_huge_zero, (unsigned long long)c->faults_huge_fallback,
	       (unsigned long long)c->faults_file, (unsigned long long)c->faults_wp_reuse,
	       (unsigned long long)c->faults_wp_copy);
	printf("fault-around: %llu pages\n", (unsigned long long)c->faultaround_pages);
	printf("huge pages:  %llu mapped by faults, %llu split\n",
	       (unsigned long long)c->faults_huge, (unsigned long long)c->huge_splits);
	printf("cow copies:  %llu\n", (unsigned long long)c->cow_copies);
	printf("memory:      peak %llu KiB, final %llu KiB, of %llu KiB\n",
	       (unsigned long long)s->peak_pages * 4, (unsigned long long)s->final_pages * 4,
	       (unsigned long long)s->mem_pages * 4);
	printf("mmu:         %llu accesses, %llu page faults, tlb %llu hits %llu misses, "
	       "%llu walks\n",
	       (unsigned long long)s->mmu.accesses, (unsigned long long)s->mmu.page_faults,
	       (unsigned long long)s->tlb.hits, (unsigned long long)s->tlb.misses,
	       (unsigned long long)s->mmu.walks);
	printf("time:        %.3f s wall (%.0f events/s, %.0f faults/s), "
	       "%.3f s cpu (%.0f events/s, %.0f faults/s)\n", s->seconds,
	       rate(s->events, s->seconds), rate(c->faults_total, s->seconds), s->cpu_seconds,
	       rate(s->events, s->cpu_seconds), rate(c->faults_total, s->cpu_seconds));
	printf("result:      %s\n", s->exit_code == 0 ? "ok" :
				    s->exit_code == 1 ? "FAILED" : "MALFORMED");
}

/* The path as a JSON string (escaping quotes, backslashes and control bytes). */
static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

#define U(x) ((unsigned long long)(x))

static void summary_json(const struct replay_summary *s)
{
	const struct mm_counters *c = &s->counters;
	printf("{\"trace\":");
	json_string(s->path);
	printf(",\"result\":\"%s\",\"exit_code\":%d,\"failures\":%llu", s->exit_code == 0 ? "ok" :
	       s->exit_code == 1 ? "failed" : "malformed", s->exit_code, U(s->failures));
	printf(",\"events\":%llu,\"expectations\":%llu,\"lines\":%llu", U(s->events),
	       U(s->expects), U(s->lines));
	printf(",\"processes\":{\"created\":%llu,\"alive_at_end\":%llu}", U(s->procs_created),
	       U(s->procs_live));
	printf(",\"outcomes\":{\"ok\":%llu,\"errno\":%llu,\"SIGSEGV\":%llu,\"SIGBUS\":%llu,"
	       "\"SIGKILL\":%llu}", U(s->outcomes[OC_OK]), U(s->outcomes[OC_ERRNO]),
	       U(s->outcomes[OC_SIGSEGV]), U(s->outcomes[OC_SIGBUS]), U(s->outcomes[OC_SIGKILL]));
	printf(",\"faults\":{\"total\":%llu,\"anon_zero\":%llu,\"anon_new\":%llu,\"huge\":%llu,"
	       "\"huge_zero\":%llu,\"huge_fallback\":%llu,\"file\":%llu,\"wp_reuse\":%llu,"
	       "\"wp_copy\":%llu,\"faultaround_pages\":%llu}", U(c->faults_total),
	       U(c->faults_anon_zero), U(c->faults_anon_new), U(c->faults_huge),
	       U(c->faults_huge_zero), U(c->faults_huge_fallback), U(c->faults_file),
	       U(c->faults_wp_reuse), U(c->faults_wp_copy), U(c->faultaround_pages));
	printf(",\"huge_pages\":{\"mapped\":%llu,\"split\":%llu},\"cow_copies\":%llu",
	       U(c->faults_huge), U(c->huge_splits), U(c->cow_copies));
	printf(",\"memory\":{\"peak_bytes\":%llu,\"final_bytes\":%llu,\"total_bytes\":%llu,"
	       "\"leaked_pages\":%llu}", U(s->peak_pages * 4096), U(s->final_pages * 4096),
	       U(s->mem_pages * 4096), U(s->leaked_pages));
	printf(",\"mmu\":{\"accesses\":%llu,\"page_faults\":%llu,\"tlb_hits\":%llu,"
	       "\"tlb_misses\":%llu,\"walks\":%llu}", U(s->mmu.accesses), U(s->mmu.page_faults),
	       U(s->tlb.hits), U(s->tlb.misses), U(s->mmu.walks));
	printf(",\"seconds\":%.6f,\"events_per_second\":%.0f,\"faults_per_second\":%.0f",
	       s->seconds, rate(s->events, s->seconds), rate(c->faults_total, s->seconds));
	printf(",\"cpu_seconds\":%.6f,\"events_per_cpu_second\":%.0f,"
	       "\"faults_per_cpu_second\":%.0f}\n", s->cpu_seconds,
	       rate(s->events, s->cpu_seconds), rate(c->faults_total, s->cpu_seconds));
}

void replay_summary_print(const struct replay_summary *sum, bool json)
{
	if (json)
		summary_json(sum);
	else
		summary_text(sum);
}
