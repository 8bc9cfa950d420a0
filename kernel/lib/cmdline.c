/* lib/cmdline.c - Linux-style command-line words: `key`, `key=value`, `--`. */
#include "kernel/cmdline.h"

#include <stddef.h>

/* Start of the next word at or after s, or NULL at the end or at `--`. */
static const char *word_next(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || (s[0] == '-' && s[1] == '-' && (s[2] == ' ' || s[2] == '\0')))
		return NULL;
	return s;
}

static const char *word_end(const char *s)
{
	while (*s && *s != ' ' && *s != '\t')
		s++;
	return s;
}

const char *cmdline_get(const char *cmdline, const char *key, char *buf, unsigned bufsize)
{
	for (const char *w = word_next(cmdline); w; w = word_next(word_end(w))) {
		const char *k = key, *p = w;
		while (*k && *p == *k) {
			k++;
			p++;
		}
		if (*k)
			continue;
		if (*p == ' ' || *p == '\t' || *p == '\0') {
			if (bufsize)
				buf[0] = '\0';
			return buf;
		}
		if (*p != '=')
			continue;
		p++;
		unsigned n = 0;
		while (*p && *p != ' ' && *p != '\t' && n + 1 < bufsize)
			buf[n++] = *p++;
		if (bufsize)
			buf[n] = '\0';
		return buf;
	}
	return NULL;
}

bool cmdline_has(const char *cmdline, const char *key)
{
	char buf[2];
	return cmdline_get(cmdline, key, buf, sizeof(buf)) != NULL;
}

bool cmdline_parse_int(const char *s, long *out)
{
	bool neg = false;
	long v = 0;
	if (*s == '-') {
		neg = true;
		s++;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = neg ? -v : v;
	return true;
}
