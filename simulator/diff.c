/*
 * simulator/diff.c - `./sim diff` (see diff.h): the native run annotates
 * the trace with Linux's results, the simulator replays the annotated
 * trace in a child process, and each failure it reports is mapped back to
 * the original line and printed as a difference.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diff.h"
#include "gen.h"
#include "native.h"
#include "replay.h"

struct diff_opts {
	bool state; /* expect vmas/rss/anon_huge after every event */
	bool quiet; /* only differences and the closing count */
	uint64_t random, seed, events; /* --random N: N generated traces from seed */
	uint64_t max_differ;           /* traces allowed to differ before exit 1 */
};

struct diff_totals {
	unsigned traces, agree, differ, skipped, errors;
	unsigned long long differences, skipped_lines;
};

/* Per-line markers of a trace file. */
struct diff_marks {
	bool skip_file;
	char reason[160];
	unsigned char *skip_line; /* [line] != 0: differences on it are deliberate */
	uint32_t nlines;
};

/* The text after `diff: skip` in the comment of line, or NULL. */
static const char *marker_in(const char *line, bool *comment_only)
{
	const char *hash = strchr(line, '#'), *m;
	if (!hash)
		return NULL;
	m = strstr(hash, "diff: skip");
	if (!m)
		return NULL;
	*comment_only = true;
	for (const char *p = line; p < hash; p++)
		if (*p != ' ' && *p != '\t')
			*comment_only = false;
	return m + strlen("diff: skip");
}

/* Read path's markers. Returns 0, or -1 when it cannot be read. */
static int marks_read(const char *path, struct diff_marks *mk)
{
	FILE *f = fopen(path, "r");
	char line[4200];
	uint32_t cap = 0;

	memset(mk, 0, sizeof(*mk));
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		bool only = false;
		const char *m = marker_in(line, &only);
		uint32_t n = ++mk->nlines;
		if (n >= cap) {
			uint32_t nc = cap ? cap * 2 : 256;
			unsigned char *ns = realloc(mk->skip_line, nc);
			if (!ns)
				break;
			memset(ns + cap, 0, nc - cap);
			mk->skip_line = ns;
			cap = nc;
		}
		if (m && only && strncmp(m, " native", 7) == 0) {
			mk->skip_file = true;
			snprintf(mk->reason, sizeof(mk->reason), "%s", m + 7 + strspn(m + 7, " :"));
			mk->reason[strcspn(mk->reason, "\n")] = 0;
		} else if (m && !only) {
			mk->skip_line[n] = 1;
		}
	}
	fclose(f);
	return 0;
}

static bool line_skipped(const struct diff_marks *mk, uint32_t line)
{
	return line <= mk->nlines && mk->skip_line && mk->skip_line[line];
}

/*
 * Run the native replay of path writing the annotated trace to out; its
 * own messages (failures against the trace's expectations) go to a
 * scratch file and are shown only when it could not run.
 */
static int diff_native(const char *path, struct native_annotate *ann)
{
	struct replay_opts ro = {.quiet = true};
	struct replay_summary sum;
	FILE *msgs = tmpfile();
	int saved = dup(2), rc;

	fflush(stderr);
	if (msgs)
		dup2(fileno(msgs), 2);
	rc = native_replay_file(path, &ro, &sum, ann);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	if (rc == 2 && !ann->not_applicable && msgs) {
		char buf[512];
		rewind(msgs);
		while (fgets(buf, sizeof(buf), msgs))
			fputs(buf, stderr);
	}
	if (msgs)
		fclose(msgs);
	return rc;
}

/* "expected X, got Y" -> "native X, sim Y"; other messages as they are. */
static void diff_print(const char *path, uint32_t line, const char *msg, bool after)
{
	const char *got = strstr(msg, ", got ");
	if (strncmp(msg, "expected ", 9) == 0 && got)
		printf("%s:%u: %snative %.*s, sim %s\n", path, line,
		       after ? "after the event: " : "", (int)(got - msg - 9), msg + 9, got + 6);
	else
		printf("%s:%u: sim: %s\n", path, line, msg);
}

/* Replay the annotated trace through the simulator; report its failures. */
static int diff_sim(const char *path, const char *annpath, const struct native_annotate *ann,
		    const struct diff_marks *mk, struct diff_totals *t, unsigned *ndiff)
{
	int pfd[2], status = 0;
	size_t plen = strlen(annpath);
	char buf[1024];
	pid_t pid;
	FILE *in;

	if (pipe(pfd) < 0)
		return 2;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		struct replay_opts ro = {.quiet = true};
		struct replay_summary sum;
		close(pfd[0]);
		dup2(pfd[1], 2);
		_exit(replay_file(annpath, &ro, &sum));
	}
	close(pfd[1]);
	in = fdopen(pfd[0], "r");
	while (in && fgets(buf, sizeof(buf), in)) {
		char *colon, *msg;
		unsigned long n;
		buf[strcspn(buf, "\n")] = 0;
		if (strncmp(buf, annpath, plen) != 0 || buf[plen] != ':') {
			printf("%s: sim: %s\n", path, buf);
			(*ndiff)++;
			continue;
		}
		n = strtoul(buf + plen + 1, &colon, 10);
		msg = *colon == ':' ? colon + 2 : colon;
		uint32_t orig = n >= 1 && n <= ann->n ? ann->map[n - 1] : (uint32_t)n;
		bool after = n >= 2 && n <= ann->n && ann->map[n - 2] == orig;
		if (line_skipped(mk, orig)) {
			t->skipped_lines++;
			continue;
		}
		diff_print(path, orig, msg, after);
		(*ndiff)++;
	}
	if (in)
		fclose(in);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 2) {
		printf("%s: the simulator could not replay the annotated trace (status %d)\n",
		       path, status);
		return 2;
	}
	return *ndiff ? 1 : 0;
}

static int diff_one(const char *path, const struct diff_opts *o, struct diff_totals *t)
{
	struct diff_marks mk;
	struct native_annotate ann = {.state = o->state};
	char annpath[4096];
	const char *tmp = getenv("TMPDIR");
	unsigned ndiff = 0;
	int fd, rc;

	t->traces++;
	if (marks_read(path, &mk) < 0) {
		fprintf(stderr, "%s: cannot open\n", path);
		t->errors++;
		return 2;
	}
	if (mk.skip_file) {
		if (!o->quiet)
			printf("%s: skipped natively: %s\n", path, mk.reason);
		t->skipped++;
		free(mk.skip_line);
		return 0;
	}
	snprintf(annpath, sizeof(annpath), "%s/sim-diff.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(annpath);
	ann.out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!ann.out) {
		fprintf(stderr, "%s: cannot make a temporary file\n", path);
		t->errors++;
		free(mk.skip_line);
		return 2;
	}
	rc = diff_native(path, &ann);
	fclose(ann.out);
	if (rc == 2) {
		if (ann.not_applicable)
			printf("%s: not applicable natively (%s); a deliberate difference needs "
			       "`# diff: skip native REASON`\n", path, ann.reason);
		else
			printf("%s: the native replay stopped (malformed or unreadable)\n", path);
		t->errors++;
	} else {
		rc = diff_sim(path, annpath, &ann, &mk, t, &ndiff);
		if (rc == 1)
			t->differ++;
		else if (rc == 0)
			t->agree++;
		else
			t->errors++;
		t->differences += ndiff;
		if (!o->quiet && rc == 0)
			printf("%s: agrees\n", path);
	}
	unlink(annpath);
	free(ann.map);
	free(mk.skip_line);
	return rc;
}

/*
 * --random N: write `sim gen random --native` traces for seeds S..S+N-1
 * (thp always, madvise, never in turn) into a fresh directory and diff
 * each; the ones that differ are kept there for a look, the rest removed.
 */
static int diff_random(const struct diff_opts *o, struct diff_totals *t)
{
	static const char *const thp[] = {"always", "madvise", "never"};
	const char *tmp = getenv("TMPDIR");
	char dir[4096], path[4200];
	int worst = 0;
	bool kept = false;

	snprintf(dir, sizeof(dir), "%s/sim-diff-random.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		fprintf(stderr, "sim diff: cannot make a temporary directory\n");
		return 2;
	}
	for (uint64_t i = 0; i < o->random; i++) {
		struct gen_opts g = {.kind = GEN_RANDOM, .events = o->events, .seed = o->seed + i,
				     .thp = thp[(o->seed + i) % 3], .faultaround = -1, .native = true};
		FILE *f;
		int rc;
		snprintf(path, sizeof(path), "%s/seed-%llu.trace", dir,
			 (unsigned long long)(o->seed + i));
		f = fopen(path, "w");
		if (!f || gen_write(f, &g) < 0) {
			fprintf(stderr, "sim diff: cannot write %s\n", path);
			if (f)
				fclose(f);
			return 2;
		}
		fclose(f);
		rc = diff_one(path, o, t);
		if (rc == 0)
			unlink(path);
		else
			kept = true;
		if (rc > worst)
			worst = rc;
	}
	if (kept)
		printf("diff: the traces that differ are kept in %s\n", dir);
	else
		rmdir(dir);
	return worst;
}

static const char usage_diff[] =
	"usage: sim diff [--no-state] [--quiet] [--max-differ K] FILE...\n"
	"       sim diff [OPTIONS] --random N [--seed S] [--events E]\n"
	"\n"
	"Replay each trace natively on this host (as `sim replay --native`) and\n"
	"through the simulator, and print every line where they differ:\n"
	"  FILE:LINE: native X, sim Y\n"
	"for an event's outcome or the byte a read saw, for each expectation\n"
	"(vmas, rss, anon_huge, prot), and for the state of the event's process\n"
	"after every event (\"after the event: native rss N, sim rss M\").\n"
	"\n"
	"options:\n"
	"  --no-state  compare only outcomes, bytes and the trace's own expectations\n"
	"  --quiet     print only differences and the closing count\n"
	"  --random N  diff N traces of `sim gen random --native --events E`\n"
	"              (default 100) for seeds S (default 1) to S+N-1, thp\n"
	"              always/madvise/never by seed mod 3; those that differ are\n"
	"              kept in a temporary directory that is printed\n"
	"  --max-differ K  exit 0 while at most K traces differ (a baseline for\n"
	"              known simulator bugs, traces/pending/); default 0\n"
	"  --help      this text\n"
	"\n"
	"Deliberate differences are marked in the trace: a comment line\n"
	"`# diff: skip native REASON` skips the whole trace (e.g. it uses `mem`),\n"
	"and `# diff: skip REASON` as a record's comment skips that line.\n"
	"Policy differences are not skipped but switched off by the header\n"
	"(`faultaround 0`: Linux has no anonymous fault-around).\n"
	"exit status: 0 no difference, 1 a difference, 2 a trace could not be\n"
	"run (unreadable, malformed, or not applicable natively without a\n"
	"skip marker) or a usage error.\n";

int diff_main(int argc, char **argv)
{
	struct diff_opts o = {.state = true, .seed = 1, .events = 100};
	struct diff_totals t = {0};
	int worst = 0, nfiles = 0;

	for (int i = 0; i < argc; i++) {
		uint64_t *num = strcmp(argv[i], "--random") == 0 ? &o.random :
				strcmp(argv[i], "--seed") == 0 ? &o.seed :
				strcmp(argv[i], "--events") == 0 ? &o.events :
				strcmp(argv[i], "--max-differ") == 0 ? &o.max_differ : NULL;
		if (num) {
			char *end;
			if (i + 1 >= argc || !*argv[i + 1] ||
			    (*num = strtoull(argv[i + 1], &end, 0), *end)) {
				fprintf(stderr, "sim: option %s needs a number\n\n%s", argv[i], usage_diff);
				return 2;
			}
			argv[i++][0] = 0; /* consumed: neither a file nor an option */
			argv[i][0] = 0;
		} else if (!argv[i][0]) {
			continue;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage_diff, stdout);
			return 0;
		} else if (strcmp(argv[i], "--no-state") == 0) {
			o.state = false;
		} else if (strcmp(argv[i], "--quiet") == 0) {
			o.quiet = true;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "sim: unknown option '%s'\n\n%s", argv[i], usage_diff);
			return 2;
		} else {
			nfiles++;
		}
	}
	if (nfiles == 0 && o.random == 0) {
		fprintf(stderr, "sim: no trace file given\n\n%s", usage_diff);
		return 2;
	}
	if (o.random)
		worst = diff_random(&o, &t);
	for (int i = 0; i < argc; i++) {
		int rc;
		if (argv[i][0] == '-' || !argv[i][0])
			continue;
		rc = diff_one(argv[i], &o, &t);
		if (rc > worst)
			worst = rc;
	}
	printf("diff: %u traces: %u agree, %u differ (%llu differences), %u skipped natively, "
	       "%u could not run; %llu deliberate differences skipped\n", t.traces, t.agree,
	       t.differ, t.differences, t.skipped, t.errors, t.skipped_lines);
	if (worst == 1 && t.differ <= o.max_differ && t.errors == 0) {
		printf("diff: %u differing traces are within --max-differ %llu\n", t.differ,
		       (unsigned long long)o.max_differ);
		return 0;
	}
	return worst;
}
