/*
 * simulator/trace_lex.c - the lexical layer of the trace language: reading
 * bounded lines, splitting them into tokens, numbers with K/M/G suffixes,
 * and interning names. Everything here is bounded: no line longer than
 * TRACE_LINE_MAX, no name longer than TRACE_NAME_MAX, no number that
 * overflows 64 bits, so any input is rejected cleanly instead of crashing.
 */
#include <stdlib.h>
#include <string.h>

#include "trace_lex.h"

#define READER_BUF (1u << 20)

int trace_reader_init(struct trace_reader *r, FILE *f)
{
	memset(r, 0, sizeof(*r));
	r->f = f;
	r->size = READER_BUF;
	r->buf = malloc(r->size);
	return r->buf ? 0 : -1;
}

void trace_reader_fini(struct trace_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Move the unread tail to the front and fill the rest of the buffer. */
static void reader_refill(struct trace_reader *r)
{
	size_t n;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->eof || r->end == r->size)
		return;
	n = fread(r->buf + r->end, 1, r->size - r->end, r->f);
	r->end += n;
	if (n == 0)
		r->eof = true;
}

int trace_reader_next(struct trace_reader *r, const char **line, size_t *len)
{
	for (;;) {
		size_t avail = r->end - r->start;
		char *s = r->buf + r->start;
		char *nl = avail ? memchr(s, '\n', avail) : NULL;
		if (nl || (r->eof && avail > 0)) {
			size_t n = nl ? (size_t)(nl - s) : avail;
			r->line++;
			if (n > TRACE_LINE_MAX)
				return -1;
			r->start += n + (nl ? 1 : 0);
			*line = s;
			*len = n;
			return 1;
		}
		if (r->eof)
			return 0;
		if (avail > TRACE_LINE_MAX) {
			r->line++;
			return -1;
		}
		reader_refill(r);
		if (ferror(r->f)) {
			r->line++;
			return -1;
		}
	}
}

int trace_tokenize(const char *line, size_t len, struct trace_token *tok,
		   unsigned max, unsigned *count, char *err, size_t errsize)
{
	unsigned n = 0;
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)line[i];
		size_t start;
		if (c == '#')
			break;
		if (c == ' ' || c == '\t' || c == '\r') {
			i++;
			continue;
		}
		start = i;
		while (i < len) {
			c = (unsigned char)line[i];
			if (c == ' ' || c == '\t' || c == '\r' || c == '#')
				break;
			if (c < 0x21 || c > 0x7e) {
				snprintf(err, errsize, "unexpected byte 0x%02x", c);
				return -1;
			}
			i++;
		}
		if (n == max) {
			snprintf(err, errsize, "too many fields (at most %u)", max);
			return -1;
		}
		tok[n].s = line + start;
		tok[n].len = i - start;
		n++;
	}
	*count = n;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int trace_number(const char *s, size_t len, bool allow_suffix, uint64_t *out)
{
	uint64_t v = 0, mult = 1;
	unsigned base = 10;
	size_t i = 0;

	if (allow_suffix && len > 1) {
		char c = s[len - 1];
		if (c == 'K' || c == 'M' || c == 'G') {
			mult = c == 'K' ? 1ull << 10 : c == 'M' ? 1ull << 20 : 1ull << 30;
			len--;
		}
	}
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return -1;
	for (; i < len; i++) {
		int d = base == 16 ? hex_digit(s[i]) : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
		if (d < 0)
			return -1;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -2;
		v = v * base + (uint64_t)d;
	}
	if (mult > 1 && v > UINT64_MAX / mult)
		return -2;
	*out = v * mult;
	return 0;
}

bool trace_is_ident(const char *s, size_t len)
{
	if (len == 0 || len > TRACE_NAME_MAX)
		return false;
	if (!(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (size_t i = 1; i < len; i++) {
		char c = s[i];
		if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/* FNV-1a: names are short and few; any decent spread will do. */
static uint32_t name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

void trace_names_init(struct trace_names *t)
{
	memset(t, 0, sizeof(*t));
}

void trace_names_fini(struct trace_names *t)
{
	free(t->names);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static bool names_key_eq(const struct trace_names *t, uint32_t id, const char *s, size_t len)
{
	return t->names[id][len] == '\0' && memcmp(t->names[id], s, len) == 0;
}

/* Double the slot table and re-insert every id (keeps load under 1/2). */
static int names_rehash(struct trace_names *t)
{
	uint32_t nslots = t->nslots ? t->nslots * 2 : 256;
	uint32_t *slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return -1;
	for (uint32_t id = 0; id < t->count; id++) {
		uint32_t h = name_hash(t->names[id], strlen(t->names[id])) & (nslots - 1);
		while (slots[h])
			h = (h + 1) & (nslots - 1);
		slots[h] = id + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	return 0;
}

int trace_names_intern(struct trace_names *t, const char *s, size_t len, uint32_t *id)
{
	uint32_t h;
	if (len > TRACE_NAME_MAX)
		return -1;
	if (t->nslots) {
		h = name_hash(s, len) & (t->nslots - 1);
		for (; t->slots[h]; h = (h + 1) & (t->nslots - 1)) {
			if (names_key_eq(t, t->slots[h] - 1, s, len)) {
				*id = t->slots[h] - 1;
				return 0;
			}
		}
	}
	if (t->count >= TRACE_NAMES_MAX)
		return -1;
	if (t->count == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 64;
		void *names = realloc(t->names, (size_t)cap * sizeof(*t->names));
		if (!names)
			return -1;
		t->names = names;
		t->cap = cap;
	}
	if ((t->count + 1) * 2 > t->nslots && names_rehash(t) < 0)
		return -1;
	memcpy(t->names[t->count], s, len);
	t->names[t->count][len] = '\0';
	h = name_hash(s, len) & (t->nslots - 1);
	while (t->slots[h])
		h = (h + 1) & (t->nslots - 1);
	t->slots[h] = t->count + 1;
	*id = t->count++;
	return 0;
}
