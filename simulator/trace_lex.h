/* simulator/trace_lex.h - tokens, numbers and interned names of the trace language. */
#ifndef SIM_TRACE_LEX_H
#define SIM_TRACE_LEX_H

#include "trace.h"

#define TRACE_TOKENS_MAX 16

struct trace_token {
	const char *s;
	size_t len;
};

/*
 * Split line[0, len) into at most max tokens, stopping at `#`. Returns 0
 * with *count set, or -1 (err filled) on a control or non-ASCII byte or too
 * many tokens.
 */
int trace_tokenize(const char *line, size_t len, struct trace_token *tok,
		   unsigned max, unsigned *count, char *err, size_t errsize);

/* True when token t is exactly word (inline: strlen of a literal folds away). */
static inline bool trace_tok_is(const struct trace_token *t, const char *word)
{
	size_t n = __builtin_strlen(word);
	return t->len == n && __builtin_memcmp(t->s, word, n) == 0;
}

/*
 * Decimal or 0x-hex number, with an optional K/M/G binary suffix when
 * allow_suffix. Returns 0, -1 (not a number) or -2 (does not fit 64 bits).
 */
int trace_number(const char *s, size_t len, bool allow_suffix, uint64_t *out);

/* [A-Za-z_][A-Za-z0-9_]*, at most TRACE_NAME_MAX characters. */
bool trace_is_ident(const char *s, size_t len);

/* An empty name table (allocates nothing until the first name). */
void trace_names_init(struct trace_names *t);
/* Free the table; ids and texts from it are invalid afterwards. */
void trace_names_fini(struct trace_names *t);
/* Id of name s[0, len), adding it if new. Returns 0, or -1 (too many or no memory). */
int trace_names_intern(struct trace_names *t, const char *s, size_t len, uint32_t *id);

#endif
