/*
 * simulator/progress.c - the progress line (progress.h). The clock is
 * read once per 4096 lines so the line costs nothing measurable on a
 * replay of millions of events.
 */
#include "progress.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_STRIDE 4096
#define PROGRESS_PERIOD 0.1 /* seconds between redraws */

static double progress_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Lines in a regular file, then back to its start; 0 when it cannot be counted. */
static uint64_t progress_count_lines(FILE *f)
{
	struct stat st;
	uint64_t n = 0;
	char buf[65536];
	size_t got;
	long pos = ftell(f);

	if (pos < 0 || fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		for (size_t i = 0; i < got; i++)
			n += buf[i] == '\n';
	clearerr(f);
	if (fseek(f, pos, SEEK_SET) != 0)
		return 0;
	return n;
}

void progress_start(struct progress *p, FILE *f, const char *label, bool enable)
{
	p->on = enable && isatty(STDERR_FILENO);
	p->total = p->on ? progress_count_lines(f) : 0;
	p->next_check = PROGRESS_STRIDE;
	p->t0 = p->last = p->on ? progress_now() : 0;
	p->label = label;
}

static void progress_draw(struct progress *p, uint64_t done, double now)
{
	double el = now - p->t0;
	double rate = el > 0 ? (double)done / el : 0;

	fprintf(stderr, "\r\033[K%s: %llu", p->label, (unsigned long long)done);
	if (p->total) {
		double left = rate > 0 && p->total > done ? (double)(p->total - done) / rate : 0;
		fprintf(stderr, " / %llu lines (%.0f%%), %.0f lines/s, ETA %.0f s",
			(unsigned long long)p->total, 100.0 * (double)done / (double)p->total,
			rate, left);
	} else {
		fprintf(stderr, " lines, %.0f lines/s", rate);
	}
	fflush(stderr);
}

void progress_tick(struct progress *p, uint64_t done)
{
	double now;

	if (!p->on || done < p->next_check)
		return;
	p->next_check = done + PROGRESS_STRIDE;
	now = progress_now();
	if (now - p->last < PROGRESS_PERIOD)
		return;
	p->last = now;
	progress_draw(p, done, now);
}

void progress_end(struct progress *p)
{
	if (p->on && p->last > p->t0) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->on = false;
}
