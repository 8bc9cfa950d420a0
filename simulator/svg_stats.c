/*
 * simulator/svg_stats.c - the `sim stats` command: one replay with the
 * fault counters sampled along the way (svg_series.c), drawn as SVG.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "svg.h"

static const char usage_stats[] =
	"usage: sim stats --svg OUT.svg FILE\n"
	"\n"
	"Replay FILE ('-' reads standard input) and draw the faults per kind\n"
	"(zero page, new 4 KiB page, new 2 MiB page, huge zero page, file, CoW\n"
	"reuse, CoW copy, SIGSEGV) per interval of events as an SVG chart.\n"
	"Exit status: the replay's (0, 1 or 2), or 2 when OUT.svg cannot be\n"
	"written or on a usage error.\n";

static int stats_usage(const char *msg)
{
	fprintf(stderr, "sim: %s\n\n%s", msg, usage_stats);
	return 2;
}

int svg_stats_main(int argc, char **argv)
{
	const char *out = NULL, *file = NULL;
	struct stats_series *s;
	struct replay_summary sum;
	struct replay_opts opts = {.quiet = true, .progress = true};
	int rc;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage_stats, stdout);
			return 0;
		}
		if (strcmp(argv[i], "--svg") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] == '-' && strcmp(argv[i], "-") != 0)
			return stats_usage("unknown option or missing value");
		else if (file)
			return stats_usage("one trace file only");
		else
			file = argv[i];
	}
	if (!out || !file)
		return stats_usage("--svg OUT.svg and a trace file are needed");
	s = calloc(1, sizeof(*s));
	if (!s)
		return stats_usage("out of host memory");
	s->every = 1;
	opts.series = s;
	rc = replay_file(file, &opts, &sum);
	if (svg_write_series(out, s, file) < 0) {
		perror(out);
		rc = 2;
	}
	free(s);
	return rc;
}
