/*
 * simulator/svg_series.c - `sim stats --svg`: fault counters sampled
 * along a replay and drawn as faults per kind per interval. At most
 * SERIES_MAX samples are kept: when full, every other one is dropped and
 * the interval doubles, so any length of trace fits.
 */
#include "svg.h"

#include "svg_int.h"

const char *const series_kind_names[SERIES_KINDS] = {
	"anon zero", "anon new", "2M new", "2M zero", "file", "CoW reuse", "CoW copy", "SIGSEGV",
};
static const char *const series_colour[SERIES_KINDS] = {
	"#9e9e9e", "#4a90d9", "#e08a1e", "#c6a15b", "#2e9d5b", "#8e5bc6", "#d0342c", "#000000",
};

static void series_sample(struct stats_series *s, const struct mm_counters *c)
{
	uint64_t *v = s->v[s->n];

	s->at[s->n] = s->events;
	v[0] = c->faults_anon_zero;
	v[1] = c->faults_anon_new;
	v[2] = c->faults_huge;
	v[3] = c->faults_huge_zero;
	v[4] = c->faults_file;
	v[5] = c->faults_wp_reuse;
	v[6] = c->faults_wp_copy;
	v[7] = c->sigsegv;
	s->n++;
}

/* Keep every other sample (the cumulative values stay exact). */
static void series_halve(struct stats_series *s)
{
	uint32_t j = 0;
	for (uint32_t i = 1; i < s->n; i += 2, j++) {
		s->at[j] = s->at[i];
		for (int k = 0; k < SERIES_KINDS; k++)
			s->v[j][k] = s->v[i][k];
	}
	s->n = j;
	s->every *= 2;
}

void series_event(struct stats_series *s, const struct mm_counters *c)
{
	if (s->every == 0)
		s->every = 1;
	s->events++;
	if (s->events % s->every)
		return;
	if (s->n == SERIES_MAX)
		series_halve(s);
	if (s->events % s->every == 0)
		series_sample(s, c);
}

/* Faults of kind k in the interval ending at sample i. */
static uint64_t series_delta(const struct stats_series *s, uint32_t i, int k)
{
	return i == 0 ? s->v[0][k] : s->v[i][k] - s->v[i - 1][k];
}

static void series_axes(FILE *out, const struct stats_series *s, uint64_t peak)
{
	fprintf(out, "<g class=\"axes\" font-size=\"9\" stroke=\"#444\">"
		"<line x1=\"60\" y1=\"40\" x2=\"60\" y2=\"340\"/>"
		"<line x1=\"60\" y1=\"340\" x2=\"1160\" y2=\"340\"/></g>\n"
		"<text x=\"4\" y=\"44\" font-size=\"9\">%llu</text>"
		"<text x=\"40\" y=\"344\" font-size=\"9\">0</text>"
		"<text x=\"1100\" y=\"356\" font-size=\"9\">%llu events</text>"
		"<text x=\"60\" y=\"370\" font-size=\"9\">faults per %llu events, by kind</text>\n",
		(unsigned long long)peak, (unsigned long long)(s->n ? s->at[s->n - 1] : 0),
		(unsigned long long)s->every);
	for (int k = 0; k < SERIES_KINDS; k++)
		fprintf(out, "<rect x=\"%d\" y=\"380\" width=\"10\" height=\"8\" fill=\"%s\"/>"
			"<text x=\"%d\" y=\"388\" font-size=\"9\">%s</text>\n", 60 + 135 * k,
			series_colour[k], 73 + 135 * k, series_kind_names[k]);
}

int svg_write_series(const char *path, const struct stats_series *s, const char *title)
{
	FILE *out = svg_open(path, 1200, 400, title);
	uint64_t peak = 1, last;

	if (!out)
		return -1;
	for (uint32_t i = 0; i < s->n; i++)
		for (int k = 0; k < SERIES_KINDS; k++)
			if (series_delta(s, i, k) > peak)
				peak = series_delta(s, i, k);
	series_axes(out, s, peak);
	last = s->n ? s->at[s->n - 1] : 1;
	for (int k = 0; k < SERIES_KINDS; k++) {
		fprintf(out, "<polyline class=\"series\" data-kind=\"%s\" fill=\"none\" stroke=\"%s\" "
			"stroke-width=\"1\" points=\"", series_kind_names[k], series_colour[k]);
		for (uint32_t i = 0; i < s->n; i++)
			fprintf(out, "%.2f,%.2f ", 60.0 + 1100.0 * (double)s->at[i] / (double)last,
				340.0 - 300.0 * (double)series_delta(s, i, k) / (double)peak);
		fprintf(out, "\"><title>%s: %llu in all</title></polyline>\n", series_kind_names[k],
			(unsigned long long)(s->n ? s->v[s->n - 1][k] : 0));
	}
	return svg_close(out);
}
