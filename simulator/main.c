/*
 * simulator/main.c - the `./sim` command line: `replay` replays traces
 * through mmcore, `gen` writes synthetic traces. Usage errors exit 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "gen.h"
#include "native.h"
#include "replay.h"
#include "svg.h"
#include "trace_lex.h"

static const char usage_main[] =
	"usage: sim COMMAND [OPTIONS]\n"
	"\n"
	"The simulator of the memory-management core: it replays VM traces\n"
	"(shared/spec/trace-format.md) through mmcore on a simulated machine.\n"
	"\n"
	"commands:\n"
	"  replay [--check] [--json] [--quiet] FILE...   replay traces ('-' = stdin)\n"
	"  replay --native FILE...                      run traces for real on this host\n"
	"  replay --svg OUT.svg | --explain LINE FILE   picture / fault path of one line\n"
	"  stats --svg OUT.svg FILE                     faults per kind over a replay\n"
	"  diff [--no-state] [--quiet] FILE...          compare the simulator with the host\n"
	"  gen KIND [OPTIONS]                           write a synthetic trace to stdout\n"
	"\n"
	"  sim --help, sim replay --help, sim gen --help describe every option.\n";

static const char usage_replay[] =
	"usage: sim replay [--native] [--check] [--json] [--quiet] FILE...\n"
	"\n"
	"Replay each trace FILE ('-' reads standard input) on a fresh simulated\n"
	"machine and check every `=> outcome`, every `expect` record, mmcore's\n"
	"invariants (mm_check) at the end, and that every frame is free once the\n"
	"last process has exited.\n"
	"\n"
	"options:\n"
	"  --check   run mm_check over all live address spaces after every event\n"
	"  --json    print each file's summary as one JSON object on one line\n"
	"  --quiet   print no summary (failures still go to stderr)\n"
	"  --native  run the trace for real on this host (the Linux oracle), one\n"
	"            host process per trace pid, and report the same way\n"
	"  --help    this text\n"
	"  --svg OUT.svg   draw every live process's address space at the end\n"
	"  --svg-every     with --svg, also one picture per `expect` (OUT-LINE.svg)\n"
	"  --explain LINE  print the path mmcore's fault router took for the\n"
	"                  faults of that trace line, and why\n"
	"  (a progress line is shown on stderr when it is a terminal, unless --quiet)\n"
	"\n"
	"Natively: names bind the addresses Linux chose; absolute addresses in\n"
	"the simulator's heap window (0x1000000 + 256 MiB) and every `brk ADDR`\n"
	"are moved to the host process's own heap start; `thp always` is had\n"
	"with MADV_HUGEPAGE on each private anonymous mapping (the host policy\n"
	"is `madvise`), `thp never` with PR_SET_THP_DISABLE; file and shared\n"
	"mappings get MADV_RANDOM (no file fault-around); an exec access checks\n"
	"the VMA's x and then loads. `faultaround` is ignored (Linux has no\n"
	"anonymous fault-around). vmas/rss/anon_huge come from /proc/PID/smaps,\n"
	"without the runner's own mappings. Not applicable natively (exit 2):\n"
	"`mem` (OOM cannot be reproduced), files over 1 GiB, and any range that\n"
	"meets the runner's own mappings. The summary's fault count is the\n"
	"workers' minor faults; the mmcore counters stay 0.\n"
	"\n"
	"Failures are reported on stderr as FILE:LINE: message.\n"
	"exit status: 0 everything held, 1 an outcome, expectation or leak check\n"
	"failed, 2 a trace is malformed or unreadable (or a usage error).\n";

static const char usage_gen[] =
	"usage: sim gen fault-heavy|fork-heavy|random [OPTIONS]\n"
	"\n"
	"Write a valid synthetic trace to standard output.\n"
	"  fault-heavy  map 16 MiB, write every page, unmap, repeat (like the\n"
	"               mmap_fault benchmark); one `fault` event per page\n"
	"  fork-heavy   a parent fills memory and forks children that read, write\n"
	"               (copy-on-write), fork grandchildren and exit; reads check\n"
	"               the bytes each process must see\n"
	"  random       a mix of every event kind from a seed; most events carry\n"
	"               no `=>` since their outcomes depend on the implementation\n"
	"\n"
	"options:\n"
	"  --events N         events to write (default 100000; expectations extra)\n"
	"  --seed S           random seed (default 1)\n"
	"  --thp always|madvise|never   write a `thp` header record\n"
	"  --faultaround N    write a `faultaround N` header record\n"
	"  --mem SIZE         write a `mem SIZE` header record (e.g. 512M)\n"
	"  --touch            fault-heavy: one `touch` event per 16 MiB region\n"
	"                     instead of one `fault` event per page\n"
	"  --native           random: a trace `sim diff` can compare with the host:\n"
	"                     `faultaround 0` unless given, and every mmap hinted\n"
	"                     at an address of its own from 0x100000000000 up\n"
	"  --help             this text\n";

static int usage_error(const char *usage, const char *fmt, const char *arg)
{
	fprintf(stderr, "sim: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n\n%s", usage);
	return 2;
}

/* 1 when option a of replay takes the next argument as its value. */
static int replay_option_has_value(const char *a)
{
	return strcmp(a, "--svg") == 0 || strcmp(a, "--explain") == 0;
}

/*
 * The replay options of seeing inside (svg.h, explain.h). Returns 0 when
 * argv[*i] was one (its value consumed), -1 when not, 2 on a usage error.
 */
static int replay_seeing_option(struct replay_opts *o, int argc, char **argv, int *i, bool done)
{
	const char *a = argv[*i];
	char *end;
	unsigned long n;

	if (done)
		return -1;
	if (strcmp(a, "--svg-every") == 0) {
		o->svg_every = true;
		return 0;
	}
	if (!replay_option_has_value(a))
		return -1;
	if (*i + 1 >= argc)
		return usage_error(usage_replay, "option %s needs a value", a);
	(*i)++;
	if (strcmp(a, "--svg") == 0) {
		o->svg = argv[*i];
		return 0;
	}
	n = strtoul(argv[*i], &end, 10);
	if (*end || end == argv[*i] || n == 0 || n > UINT32_MAX)
		return usage_error(usage_replay, "bad line number '%s'", argv[*i]);
	o->explain_line = (uint32_t)n;
	return 0;
}

static int cmd_replay(int argc, char **argv)
{
	struct replay_opts opts = {0};
	int worst = 0, nfiles = 0;
	bool options_done = false, native = false;

	opts.progress = true;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int vrc = replay_seeing_option(&opts, argc, argv, &i, options_done);
		if (vrc > 0)
			return vrc;
		if (vrc == 0)
			continue;
		if (options_done || a[0] != '-' || strcmp(a, "-") == 0)
			nfiles++;
		else if (strcmp(a, "--") == 0)
			options_done = true;
		else if (strcmp(a, "--check") == 0)
			opts.check = true;
		else if (strcmp(a, "--json") == 0)
			opts.json = true;
		else if (strcmp(a, "--quiet") == 0) {
			opts.quiet = true;
			opts.progress = false;
		} else if (strcmp(a, "--native") == 0)
			native = true;
		else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage_replay, stdout);
			return 0;
		} else
			return usage_error(usage_replay, "unknown option '%s'", a);
	}
	if (nfiles == 0)
		return usage_error(usage_replay, "%s", "no trace file given");
	options_done = false;
	for (int i = 0; i < argc; i++) {
		struct replay_summary sum;
		const char *a = argv[i];
		int rc;
		if (!options_done && strcmp(a, "--") == 0) {
			options_done = true;
			continue;
		}
		if (!options_done && a[0] == '-' && strcmp(a, "-") != 0) {
			i += replay_option_has_value(a);
			continue;
		}
		rc = native ? native_replay_file(a, &opts, &sum, NULL) : replay_file(a, &opts, &sum);
		if (!opts.quiet)
			replay_summary_print(&sum, opts.json);
		if (rc > worst)
			worst = rc;
	}
	return worst;
}

/* A number option value (with K/M/G when sized). */
static bool gen_number(const char *s, bool sized, uint64_t *out)
{
	return trace_number(s, strlen(s), sized, out) == 0;
}

static int gen_parse_option(struct gen_opts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	uint64_t n;

	if (strcmp(a, "--touch") == 0) {
		o->touch = true;
		return 0;
	}
	if (strcmp(a, "--native") == 0) {
		o->native = true;
		return 0;
	}
	if (strcmp(a, "--events") && strcmp(a, "--seed") && strcmp(a, "--thp") &&
	    strcmp(a, "--faultaround") && strcmp(a, "--mem"))
		return usage_error(usage_gen, "unknown option '%s'", a);
	if (!v)
		return usage_error(usage_gen, "option %s needs a value", a);
	(*i)++;
	if (strcmp(a, "--thp") == 0) {
		if (strcmp(v, "always") && strcmp(v, "madvise") && strcmp(v, "never"))
			return usage_error(usage_gen, "bad thp policy '%s'", v);
		o->thp = v;
		return 0;
	}
	if (!gen_number(v, strcmp(a, "--mem") == 0, &n))
		return usage_error(usage_gen, "bad number '%s'", v);
	if (strcmp(a, "--events") == 0)
		o->events = n;
	else if (strcmp(a, "--seed") == 0)
		o->seed = n;
	else if (strcmp(a, "--faultaround") == 0) {
		if (n > TRACE_FAULTAROUND_MAX)
			return usage_error(usage_gen, "faultaround '%s' too large", v);
		o->faultaround = (long)n;
	} else {
		if (n < TRACE_MEM_MIN || n > TRACE_MEM_MAX || n % TRACE_MEM_MIN)
			return usage_error(usage_gen, "mem '%s' must be a multiple of 4M in 4M..16G", v);
		o->mem = n;
	}
	return 0;
}

static int cmd_gen(int argc, char **argv)
{
	struct gen_opts o = {.events = 100000, .seed = 1, .faultaround = -1};
	bool have_kind = false;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage_gen, stdout);
			return 0;
		}
		if (a[0] == '-') {
			int rc = gen_parse_option(&o, argc, argv, &i);
			if (rc)
				return rc;
			continue;
		}
		if (have_kind)
			return usage_error(usage_gen, "unexpected argument '%s'", a);
		have_kind = true;
		if (strcmp(a, "fault-heavy") == 0)
			o.kind = GEN_FAULT_HEAVY;
		else if (strcmp(a, "fork-heavy") == 0)
			o.kind = GEN_FORK_HEAVY;
		else if (strcmp(a, "random") == 0)
			o.kind = GEN_RANDOM;
		else
			return usage_error(usage_gen, "unknown generator '%s'", a);
	}
	if (!have_kind)
		return usage_error(usage_gen, "%s", "which generator? (fault-heavy, fork-heavy, random)");
	if (gen_write(stdout, &o) < 0 || fflush(stdout) != 0) {
		perror("sim gen: write");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* A worker of `replay --native`: a fresh image that must stay lean. */
	if (argc == 3 && strcmp(argv[1], NATIVE_WORKER_ARG) == 0)
		native_worker_main(argv[2]);
	if (argc < 2)
		return usage_error(usage_main, "%s", "no command given");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (strcmp(argv[1], "replay") == 0)
		return cmd_replay(argc - 2, argv + 2);
	if (strcmp(argv[1], "gen") == 0)
		return cmd_gen(argc - 2, argv + 2);
	if (strcmp(argv[1], "diff") == 0)
		return diff_main(argc - 2, argv + 2);
	if (strcmp(argv[1], "stats") == 0)
		return svg_stats_main(argc - 2, argv + 2);
	return usage_error(usage_main, "unknown command '%s'", argv[1]);
}
