/*
 * simulator/trace_parse.c - the grammar of the trace language: one line in,
 * one trace_record out (or a message saying why the line is malformed).
 * Header records are accepted only before the first event or expectation;
 * `version` only as the very first record.
 */
#include <string.h>

#include "mmcore/mm.h"
#include "trace_lex.h"

/* Parsing context of one line. */
struct line_ctx {
	struct trace_parser *p;
	struct trace_token tok[TRACE_TOKENS_MAX];
	unsigned ntok;
	unsigned next; /* next token to consume */
};

#define FAIL(c, ...) (snprintf((c)->p->error, sizeof((c)->p->error), __VA_ARGS__), -1)

static const struct {
	const char *name;
	int32_t value;
} outcome_names[] = {
	{"ok", TRACE_OUT_OK},        {"EPERM", MM_EPERM},     {"ENOENT", MM_ENOENT},
	{"EINTR", MM_EINTR},         {"EBADF", MM_EBADF},     {"EAGAIN", MM_EAGAIN},
	{"ENOMEM", MM_ENOMEM},       {"EACCES", MM_EACCES},   {"EFAULT", MM_EFAULT},
	{"EBUSY", MM_EBUSY},         {"EEXIST", MM_EEXIST},   {"ENODEV", MM_ENODEV},
	{"EINVAL", MM_EINVAL},       {"ENFILE", MM_ENFILE},   {"EFBIG", MM_EFBIG},
	{"EOVERFLOW", MM_EOVERFLOW}, {"SIGSEGV", TRACE_OUT_SIGSEGV},
	{"SIGBUS", TRACE_OUT_SIGBUS}, {"SIGKILL", TRACE_OUT_SIGKILL},
};

static const struct {
	const char *name;
	int advice;
} advice_names[] = {
	{"dontneed", MM_MADV_DONTNEED}, {"hugepage", MM_MADV_HUGEPAGE},
	{"nohugepage", MM_MADV_NOHUGEPAGE}, {"willneed", MM_MADV_WILLNEED},
	{"remove", MM_MADV_REMOVE}, {"dontfork", MM_MADV_DONTFORK},
	{"dofork", MM_MADV_DOFORK},
};

const char *trace_outcome_name(int32_t o, char *buf, size_t size)
{
	if (o == TRACE_OUT_ADDR) {
		snprintf(buf, size, "an address");
		return buf;
	}
	for (size_t i = 0; i < sizeof(outcome_names) / sizeof(outcome_names[0]); i++) {
		if (outcome_names[i].value == o) {
			snprintf(buf, size, "%s", outcome_names[i].name);
			return buf;
		}
	}
	snprintf(buf, size, "errno %d", (int)o);
	return buf;
}

const char *trace_prot_name(int32_t prot, char *buf, size_t size)
{
	if (prot < 0)
		snprintf(buf, size, "unmapped");
	else if (prot == 0)
		snprintf(buf, size, "none");
	else
		snprintf(buf, size, "%s%s%s", prot & MM_PROT_READ ? "r" : "",
			 prot & MM_PROT_WRITE ? "w" : "", prot & MM_PROT_EXEC ? "x" : "");
	return buf;
}

const char *trace_name_text(const struct trace_parser *p, uint32_t id)
{
	return id < p->names.count ? p->names.names[id] : "?";
}

void trace_parser_init(struct trace_parser *p, const char *filename)
{
	memset(p, 0, sizeof(*p));
	p->filename = filename;
	trace_names_init(&p->names);
}

void trace_parser_fini(struct trace_parser *p)
{
	trace_names_fini(&p->names);
}

/* ---- single fields ------------------------------------------------------ */

static bool ctx_more(const struct line_ctx *c)
{
	return c->next < c->ntok && !trace_tok_is(&c->tok[c->next], "=>");
}

/* Take the next field (not `=>`), or fail saying which field is missing. */
static int take(struct line_ctx *c, const char *what, const struct trace_token **t)
{
	if (!ctx_more(c))
		return FAIL(c, "missing %s", what);
	*t = &c->tok[c->next++];
	return 0;
}

static int field_number(struct line_ctx *c, const char *what, bool suffix, uint64_t *out)
{
	const struct trace_token *t;
	int rc;
	if (take(c, what, &t) < 0)
		return -1;
	rc = trace_number(t->s, t->len, suffix, out);
	if (rc == -2)
		return FAIL(c, "%s %.*s does not fit in 64 bits", what, (int)t->len, t->s);
	if (rc < 0)
		return FAIL(c, "bad %s '%.*s'", what, (int)t->len, t->s);
	return 0;
}

static int field_byte(struct line_ctx *c, uint8_t *out)
{
	uint64_t v;
	if (field_number(c, "byte", false, &v) < 0)
		return -1;
	if (v > 255)
		return FAIL(c, "byte %llu is not in 0..255", (unsigned long long)v);
	*out = (uint8_t)v;
	return 0;
}

static int name_intern(struct line_ctx *c, const char *s, size_t len, uint32_t *id)
{
	if (!trace_is_ident(s, len))
		return FAIL(c, "bad name '%.*s'", (int)len, s);
	if (trace_names_intern(&c->p->names, s, len, id) < 0)
		return FAIL(c, "too many names");
	return 0;
}

/* An address token: NUMBER, NAME, NAME+OFF or NAME-OFF. */
static int addr_parse(struct line_ctx *c, const struct trace_token *t, struct trace_addr *a)
{
	size_t i = 0;
	uint64_t off = 0;
	int rc;

	if (t->len > 0 && t->s[0] >= '0' && t->s[0] <= '9') {
		a->name = TRACE_NO_NAME;
		rc = trace_number(t->s, t->len, true, &a->value);
		if (rc == -2)
			return FAIL(c, "address %.*s does not fit in 64 bits", (int)t->len, t->s);
		if (rc < 0)
			return FAIL(c, "bad address '%.*s'", (int)t->len, t->s);
		return 0;
	}
	while (i < t->len && t->s[i] != '+' && t->s[i] != '-')
		i++;
	if (name_intern(c, t->s, i, &a->name) < 0)
		return -1;
	if (i < t->len) {
		rc = trace_number(t->s + i + 1, t->len - i - 1, true, &off);
		if (rc < 0)
			return FAIL(c, "bad offset in address '%.*s'", (int)t->len, t->s);
		if (t->s[i] == '-')
			off = 0 - off; /* added with wrap-around at replay */
	}
	a->value = off;
	return 0;
}

static int field_addr(struct line_ctx *c, const char *what, struct trace_addr *a)
{
	const struct trace_token *t;
	if (take(c, what, &t) < 0)
		return -1;
	return addr_parse(c, t, a);
}

static int prot_parse(struct line_ctx *c, const struct trace_token *t, int32_t *prot)
{
	int32_t p = 0;
	if (trace_tok_is(t, "none")) {
		*prot = MM_PROT_NONE;
		return 0;
	}
	for (size_t i = 0; i < t->len; i++) {
		int32_t bit = t->s[i] == 'r' ? MM_PROT_READ : t->s[i] == 'w' ? MM_PROT_WRITE :
			      t->s[i] == 'x' ? MM_PROT_EXEC : 0;
		if (!bit || (p & bit))
			return FAIL(c, "bad prot '%.*s' (none, or r, w, x each at most once)",
				    (int)t->len, t->s);
		p |= bit;
	}
	*prot = p;
	return 0;
}

static int field_prot(struct line_ctx *c, int32_t *prot)
{
	const struct trace_token *t;
	if (take(c, "prot", &t) < 0)
		return -1;
	return prot_parse(c, t, prot);
}

static int field_access(struct line_ctx *c, bool allow_exec, uint8_t *access)
{
	const struct trace_token *t;
	if (take(c, "access kind", &t) < 0)
		return -1;
	if (trace_tok_is(t, "r"))
		*access = MM_ACCESS_READ;
	else if (trace_tok_is(t, "w"))
		*access = MM_ACCESS_WRITE;
	else if (allow_exec && trace_tok_is(t, "x"))
		*access = MM_ACCESS_EXEC;
	else
		return FAIL(c, "bad access kind '%.*s' (%s)", (int)t->len, t->s,
			    allow_exec ? "r, w or x" : "r or w");
	return 0;
}

/* Optional trailing NAME that the result binds. */
static int field_bind(struct line_ctx *c, struct trace_record *r)
{
	const struct trace_token *t;
	if (!ctx_more(c))
		return 0;
	t = &c->tok[c->next++];
	return name_intern(c, t->s, t->len, &r->bind);
}

/* ---- flag lists --------------------------------------------------------- */

/* Next comma-separated item of t starting at *pos. */
static bool item_next(const struct trace_token *t, size_t *pos, struct trace_token *item)
{
	size_t i = *pos;
	if (i > t->len)
		return false;
	item->s = t->s + i;
	while (i < t->len && t->s[i] != ',')
		i++;
	item->len = (size_t)(t->s + i - item->s);
	*pos = i + 1;
	return true;
}

static int file_lookup(struct line_ctx *c, const char *s, size_t len, uint32_t *idx)
{
	for (uint32_t i = 0; i < c->p->nfiles; i++) {
		if (strlen(c->p->files[i].name) == len && memcmp(c->p->files[i].name, s, len) == 0) {
			*idx = i;
			return 0;
		}
	}
	return FAIL(c, "unknown file '%.*s' (declare it with `file NAME SIZE` in the header)",
		    (int)len, s);
}

/* `file=FILE:OFFSET` */
static int mmap_file_item(struct line_ctx *c, const struct trace_token *it, struct trace_record *r)
{
	const char *colon = memchr(it->s, ':', it->len);
	size_t flen;
	int rc;
	if (!colon)
		return FAIL(c, "file mapping needs file=FILE:OFFSET");
	flen = (size_t)(colon - it->s) - 5;
	if (file_lookup(c, it->s + 5, flen, &r->file) < 0)
		return -1;
	rc = trace_number(colon + 1, it->len - flen - 6, true, &r->offset);
	if (rc < 0)
		return FAIL(c, "bad file offset in '%.*s'", (int)it->len, it->s);
	return 0;
}

static int mmap_flags(struct line_ctx *c, struct trace_record *r)
{
	static const struct { const char *name; int32_t flag; } simple[] = {
		{"private", MM_MAP_PRIVATE}, {"shared", MM_MAP_SHARED},
		{"anon", MM_MAP_ANONYMOUS}, {"fixed", MM_MAP_FIXED},
		{"fixed_noreplace", MM_MAP_FIXED_NOREPLACE}, {"populate", MM_MAP_POPULATE},
		{"noreserve", MM_MAP_NORESERVE},
	};
	const struct trace_token *t;
	struct trace_token it;
	size_t pos = 0;
	bool has_file = false;

	if (take(c, "flags", &t) < 0)
		return -1;
	r->flags = 0;
	while (item_next(t, &pos, &it)) {
		size_t i;
		if (it.len > 5 && memcmp(it.s, "file=", 5) == 0) {
			if (has_file)
				return FAIL(c, "more than one file= in flags");
			if (mmap_file_item(c, &it, r) < 0)
				return -1;
			has_file = true;
			continue;
		}
		for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
			if (trace_tok_is(&it, simple[i].name))
				break;
		if (i == sizeof(simple) / sizeof(simple[0]))
			return FAIL(c, "unknown mmap flag '%.*s'", (int)it.len, it.s);
		r->flags |= simple[i].flag;
	}
	if ((r->flags & MM_MAP_TYPE) != MM_MAP_PRIVATE && (r->flags & MM_MAP_TYPE) != MM_MAP_SHARED)
		return FAIL(c, "mmap flags need exactly one of private and shared");
	if (has_file == !!(r->flags & MM_MAP_ANONYMOUS))
		return FAIL(c, "mmap flags need exactly one of anon and file=FILE:OFFSET");
	if (!has_file)
		r->file = UINT32_MAX;
	return 0;
}

static int mremap_flags(struct line_ctx *c, struct trace_record *r)
{
	const struct trace_token *t;
	struct trace_token it;
	size_t pos = 0;

	if (take(c, "flags", &t) < 0)
		return -1;
	r->flags = 0;
	if (trace_tok_is(t, "-"))
		return 0;
	while (item_next(t, &pos, &it)) {
		if (trace_tok_is(&it, "maymove"))
			r->flags |= MM_MREMAP_MAYMOVE;
		else if (trace_tok_is(&it, "fixed"))
			r->flags |= MM_MREMAP_FIXED;
		else if (trace_tok_is(&it, "dontunmap"))
			r->flags |= MM_MREMAP_DONTUNMAP;
		else
			return FAIL(c, "unknown mremap flag '%.*s'", (int)it.len, it.s);
	}
	return 0;
}

/* ---- events ------------------------------------------------------------- */

static int ev_mmap(struct line_ctx *c, struct trace_record *r)
{
	const struct trace_token *t;
	if (take(c, "address", &t) < 0)
		return -1;
	if (trace_tok_is(t, "-"))
		r->addr.name = TRACE_NO_NAME, r->addr.value = 0;
	else if (addr_parse(c, t, &r->addr) < 0)
		return -1;
	if (field_number(c, "length", true, &r->len) < 0 || field_prot(c, &r->prot) < 0 ||
	    mmap_flags(c, r) < 0)
		return -1;
	return field_bind(c, r);
}

/*
 * mremap OLD OLDLEN NEWLEN FLAGS [NEWADDR] [NAME]: with `fixed` the first
 * optional field is NEWADDR; otherwise a lone optional field is NEWADDR
 * when it is a number or NAME+-OFF, and the name to bind when a bare name.
 */
static int ev_mremap(struct line_ctx *c, struct trace_record *r)
{
	unsigned left;
	if (field_addr(c, "old address", &r->addr) < 0 ||
	    field_number(c, "old length", true, &r->len) < 0 ||
	    field_number(c, "new length", true, &r->len2) < 0 || mremap_flags(c, r) < 0)
		return -1;
	for (left = 0; c->next + left < c->ntok && !trace_tok_is(&c->tok[c->next + left], "=>");)
		left++;
	if (left == 0 && (r->flags & MM_MREMAP_FIXED))
		return FAIL(c, "mremap with fixed needs a new address");
	if (left >= 2 || (left == 1 && (r->flags & MM_MREMAP_FIXED)) ||
	    (left == 1 && !trace_is_ident(c->tok[c->next].s, c->tok[c->next].len))) {
		if (field_addr(c, "new address", &r->addr2) < 0)
			return -1;
	}
	return field_bind(c, r);
}

static int ev_madvise(struct line_ctx *c, struct trace_record *r)
{
	const struct trace_token *t;
	if (field_addr(c, "address", &r->addr) < 0 || field_number(c, "length", true, &r->len) < 0 ||
	    take(c, "advice", &t) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(advice_names) / sizeof(advice_names[0]); i++) {
		if (trace_tok_is(t, advice_names[i].name)) {
			r->flags = advice_names[i].advice;
			return 0;
		}
	}
	return FAIL(c, "unknown madvise advice '%.*s'", (int)t->len, t->s);
}

static int ev_fork(struct line_ctx *c, struct trace_record *r)
{
	uint64_t v;
	const struct trace_token *t;
	if (take(c, "child pid", &t) < 0)
		return -1;
	for (size_t i = 0; i < t->len; i++)
		if (t->s[i] < '0' || t->s[i] > '9')
			return FAIL(c, "bad child pid '%.*s'", (int)t->len, t->s);
	if (trace_number(t->s, t->len, false, &v) < 0 || v == 0 || v > TRACE_PID_MAX)
		return FAIL(c, "child pid must be in 1..%u", TRACE_PID_MAX);
	if (v == r->pid)
		return FAIL(c, "a process cannot fork itself as its child");
	r->child = (uint32_t)v;
	return 0;
}

/* `exec [brk=ADDR]`: the new program's heap starts at ADDR (default SIM_BRK_START). */
static int ev_exec(struct line_ctx *c, struct trace_record *r)
{
	const struct trace_token *t;
	int rc;
	if (!ctx_more(c) || trace_tok_is(&c->tok[c->next], "=>"))
		return 0;
	t = &c->tok[c->next];
	if (t->len <= 4 || memcmp(t->s, "brk=", 4) != 0)
		return FAIL(c, "unexpected '%.*s' after exec (only brk=ADDR)", (int)t->len, t->s);
	rc = trace_number(t->s + 4, t->len - 4, false, &r->addr.value);
	if (rc < 0)
		return FAIL(c, "bad heap start '%.*s'", (int)t->len - 4, t->s + 4);
	r->flags = TRACE_EXEC_BRK;
	c->next++;
	return 0;
}

static int event_fields(struct line_ctx *c, struct trace_record *r)
{
	switch (r->kind) {
	case TR_MMAP:
		return ev_mmap(c, r);
	case TR_MUNMAP:
		return field_addr(c, "address", &r->addr) < 0 ? -1 :
		       field_number(c, "length", true, &r->len);
	case TR_MPROTECT:
		if (field_addr(c, "address", &r->addr) < 0 ||
		    field_number(c, "length", true, &r->len) < 0)
			return -1;
		return field_prot(c, &r->prot);
	case TR_MADVISE:
		return ev_madvise(c, r);
	case TR_MREMAP:
		return ev_mremap(c, r);
	case TR_BRK:
		return field_addr(c, "address", &r->addr);
	case TR_FAULT:
		return field_addr(c, "address", &r->addr) < 0 ? -1 : field_access(c, true, &r->access);
	case TR_TOUCH:
		if (field_addr(c, "address", &r->addr) < 0 ||
		    field_number(c, "length", true, &r->len) < 0)
			return -1;
		return field_access(c, false, &r->access);
	case TR_WRITE:
		return field_addr(c, "address", &r->addr) < 0 ? -1 : field_byte(c, &r->byte);
	case TR_READ:
		if (field_addr(c, "address", &r->addr) < 0)
			return -1;
		if (ctx_more(c)) {
			r->has_byte = true;
			return field_byte(c, &r->byte);
		}
		return 0;
	case TR_FORK:
		return ev_fork(c, r);
	case TR_EXEC:
		return ev_exec(c, r);
	case TR_GROW:
		return field_addr(c, "address", &r->addr);
	default: /* exit */
		return 0;
	}
}

/* Keyword tables carry their lengths so a lookup compares lengths first. */
#define KW(s) s, sizeof(s) - 1

static const struct {
	const char *name;
	size_t len;
	uint8_t kind;
} event_names[] = {
	{KW("fault"), TR_FAULT}, {KW("touch"), TR_TOUCH},   {KW("read"), TR_READ},
	{KW("write"), TR_WRITE}, {KW("mmap"), TR_MMAP},     {KW("munmap"), TR_MUNMAP},
	{KW("mprotect"), TR_MPROTECT}, {KW("madvise"), TR_MADVISE},
	{KW("mremap"), TR_MREMAP}, {KW("brk"), TR_BRK},    {KW("fork"), TR_FORK},
	{KW("exec"), TR_EXEC},   {KW("exit"), TR_EXIT},     {KW("grow"), TR_GROW},
};

static int field_pid(struct line_ctx *c, const struct trace_token *t, uint32_t *pid)
{
	uint64_t v;
	for (size_t i = 0; i < t->len; i++)
		if (t->s[i] < '0' || t->s[i] > '9')
			return FAIL(c, "bad pid '%.*s' (a positive decimal)", (int)t->len, t->s);
	if (trace_number(t->s, t->len, false, &v) < 0 || v == 0 || v > TRACE_PID_MAX)
		return FAIL(c, "pid must be in 1..%u", TRACE_PID_MAX);
	*pid = (uint32_t)v;
	return 0;
}

/*
 * `=> ADDR`: the call succeeded and returned ADDR (the address mmap or
 * mremap chose, the break brk left). Recorded traces use it to check that
 * the simulator places every mapping where the kernel did.
 */
static int outcome_address(struct line_ctx *c, struct trace_record *r,
			   const struct trace_token *t)
{
	int rc;
	if (r->kind != TR_MMAP && r->kind != TR_MREMAP && r->kind != TR_BRK)
		return FAIL(c, "an address outcome is only for mmap, mremap and brk");
	rc = trace_number(t->s, t->len, false, &r->result);
	if (rc < 0)
		return FAIL(c, "bad address outcome '%.*s'", (int)t->len, t->s);
	r->has_outcome = true;
	r->outcome = TRACE_OUT_ADDR;
	c->next = c->ntok;
	return 0;
}

/* `=> OUTCOME` at the end of an event, then nothing more. */
static int outcome_parse(struct line_ctx *c, struct trace_record *r)
{
	const struct trace_token *t;
	if (c->next == c->ntok)
		return 0;
	if (!trace_tok_is(&c->tok[c->next], "=>"))
		return FAIL(c, "unexpected '%.*s' after the event", (int)c->tok[c->next].len,
			    c->tok[c->next].s);
	if (c->next + 1 >= c->ntok)
		return FAIL(c, "missing outcome after =>");
	if (c->next + 2 < c->ntok)
		return FAIL(c, "unexpected '%.*s' after the outcome", (int)c->tok[c->next + 2].len,
			    c->tok[c->next + 2].s);
	t = &c->tok[c->next + 1];
	if (t->s[0] >= '0' && t->s[0] <= '9')
		return outcome_address(c, r, t);
	for (size_t i = 0; i < sizeof(outcome_names) / sizeof(outcome_names[0]); i++) {
		if (trace_tok_is(t, outcome_names[i].name)) {
			r->has_outcome = true;
			r->outcome = outcome_names[i].value;
			c->next = c->ntok;
			return 0;
		}
	}
	return FAIL(c, "unknown outcome '%.*s'", (int)t->len, t->s);
}

static int parse_event(struct line_ctx *c, struct trace_record *r)
{
	const struct trace_token *kw;
	size_t i;
	if (field_pid(c, &c->tok[0], &r->pid) < 0)
		return -1;
	c->next = 1;
	if (take(c, "event", &kw) < 0)
		return -1;
	for (i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
		if (kw->len == event_names[i].len && memcmp(kw->s, event_names[i].name, kw->len) == 0)
			break;
	if (i == sizeof(event_names) / sizeof(event_names[0]))
		return FAIL(c, "unknown event '%.*s'", (int)kw->len, kw->s);
	r->kind = event_names[i].kind;
	if (event_fields(c, r) < 0)
		return -1;
	return outcome_parse(c, r);
}

/* ---- expectations and header ------------------------------------------- */

static int parse_expect(struct line_ctx *c, struct trace_record *r)
{
	const struct trace_token *t, *what;
	c->next = 1;
	if (take(c, "pid", &t) < 0 || field_pid(c, t, &r->pid) < 0 || take(c, "what to expect", &what) < 0)
		return -1;
	if (trace_tok_is(what, "vmas")) {
		r->kind = TR_EXPECT_VMAS;
		if (field_number(c, "count", false, &r->len) < 0)
			return -1;
	} else if (trace_tok_is(what, "rss") || trace_tok_is(what, "anon_huge")) {
		r->kind = trace_tok_is(what, "rss") ? TR_EXPECT_RSS : TR_EXPECT_ANON_HUGE;
		if (field_number(c, "bytes", true, &r->len) < 0)
			return -1;
	} else if (trace_tok_is(what, "prot")) {
		r->kind = TR_EXPECT_PROT;
		if (field_addr(c, "address", &r->addr) < 0 || take(c, "prot", &t) < 0)
			return -1;
		if (trace_tok_is(t, "unmapped"))
			r->prot = -1;
		else if (prot_parse(c, t, &r->prot) < 0)
			return -1;
	} else {
		return FAIL(c, "unknown expectation '%.*s' (vmas, rss, anon_huge, prot)",
			    (int)what->len, what->s);
	}
	if (c->next < c->ntok)
		return FAIL(c, "unexpected '%.*s' after the expectation", (int)c->tok[c->next].len,
			    c->tok[c->next].s);
	return 0;
}

static bool file_name_ok(const struct trace_token *t)
{
	if (t->len == 0 || t->len > TRACE_NAME_MAX)
		return false;
	for (size_t i = 0; i < t->len; i++) {
		char ch = t->s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '.' || ch == '/' || ch == '-'))
			return false;
	}
	return true;
}

static int header_file(struct line_ctx *c, struct trace_record *r)
{
	struct trace_parser *p = c->p;
	const struct trace_token *t;
	uint32_t dummy;
	if (take(c, "file name", &t) < 0)
		return -1;
	if (!file_name_ok(t))
		return FAIL(c, "bad file name '%.*s' (letters, digits, _ . / -)", (int)t->len, t->s);
	if (file_lookup(c, t->s, t->len, &dummy) == 0)
		return FAIL(c, "file '%.*s' declared twice", (int)t->len, t->s);
	if (p->nfiles == TRACE_FILES_MAX)
		return FAIL(c, "too many files (at most %u)", TRACE_FILES_MAX);
	if (field_number(c, "file size", true, &r->len) < 0)
		return -1;
	if (r->len > TRACE_FILE_SIZE_MAX)
		return FAIL(c, "file size larger than %llu", (unsigned long long)TRACE_FILE_SIZE_MAX);
	memcpy(p->files[p->nfiles].name, t->s, t->len);
	p->files[p->nfiles].name[t->len] = '\0';
	p->files[p->nfiles].size = r->len;
	r->file = p->nfiles++;
	return 0;
}

static int header_value(struct line_ctx *c, struct trace_record *r, bool *seen, const char *what)
{
	if (*seen)
		return FAIL(c, "%s given twice", what);
	*seen = true;
	if (r->kind == TR_THP) {
		const struct trace_token *t;
		if (take(c, "thp policy", &t) < 0)
			return -1;
		if (trace_tok_is(t, "always"))
			r->flags = MM_THP_ALWAYS;
		else if (trace_tok_is(t, "madvise"))
			r->flags = MM_THP_MADVISE;
		else if (trace_tok_is(t, "never"))
			r->flags = MM_THP_NEVER;
		else
			return FAIL(c, "bad thp policy '%.*s' (always, madvise, never)", (int)t->len, t->s);
		return 0;
	}
	if (field_number(c, what, r->kind == TR_MEM, &r->len) < 0)
		return -1;
	if (r->kind == TR_MEM && (r->len < TRACE_MEM_MIN || r->len > TRACE_MEM_MAX ||
				  r->len % TRACE_MEM_MIN))
		return FAIL(c, "mem must be a multiple of 4M between 4M and 16G");
	if (r->kind == TR_FAULTAROUND && r->len > TRACE_FAULTAROUND_MAX)
		return FAIL(c, "faultaround must be at most %u", TRACE_FAULTAROUND_MAX);
	return 0;
}

static int parse_header(struct line_ctx *c, struct trace_record *r)
{
	struct trace_parser *p = c->p;
	const struct trace_token *kw = &c->tok[0];
	int rc;

	c->next = 1;
	if (p->seen_body)
		return FAIL(c, "header record '%.*s' after the first event", (int)kw->len, kw->s);
	if (r->kind == TR_VERSION) {
		uint64_t v;
		if (p->seen_record)
			return FAIL(c, "version must be the first record");
		if (field_number(c, "version", false, &v) < 0)
			return -1;
		if (v != 1)
			return FAIL(c, "unsupported trace version %llu (this simulator reads 1)",
				    (unsigned long long)v);
		r->len = v;
		rc = 0;
	} else if (r->kind == TR_FILE) {
		rc = header_file(c, r);
	} else {
		bool *seen = r->kind == TR_MEM ? &p->seen_mem :
			     r->kind == TR_THP ? &p->seen_thp : &p->seen_faultaround;
		rc = header_value(c, r, seen, r->kind == TR_MEM ? "mem" :
					     r->kind == TR_THP ? "thp" : "faultaround");
	}
	if (rc < 0)
		return -1;
	if (c->next < c->ntok)
		return FAIL(c, "unexpected '%.*s' after the header record", (int)c->tok[c->next].len,
			    c->tok[c->next].s);
	return 0;
}

/*
 * Field by field rather than memset: this runs once per line, and a short
 * `rep stos` costs more than the stores themselves on common x86 parts.
 */
static void record_reset(struct trace_record *rec, uint32_t line)
{
	rec->kind = TR_NONE;
	rec->access = 0;
	rec->has_outcome = rec->has_byte = false;
	rec->outcome = 0;
	rec->line = line;
	rec->pid = rec->child = 0;
	rec->prot = rec->flags = 0;
	rec->bind = TRACE_NO_NAME;
	rec->file = UINT32_MAX;
	rec->addr.name = rec->addr2.name = TRACE_NO_NAME;
	rec->addr.value = rec->addr2.value = 0;
	rec->len = rec->len2 = rec->offset = rec->result = 0;
	rec->byte = 0;
}

int trace_parse_line(struct trace_parser *p, const char *line, size_t len,
		     struct trace_record *rec)
{
	static const struct { const char *name; uint8_t kind; } headers[] = {
		{"version", TR_VERSION}, {"mem", TR_MEM}, {"thp", TR_THP},
		{"faultaround", TR_FAULTAROUND}, {"file", TR_FILE},
	};
	struct line_ctx c; /* not zero-initialised: the token array is filled as needed */
	const struct trace_token *kw;

	c.p = p;
	c.next = 0;

	record_reset(rec, p->line);
	if (trace_tokenize(line, len, c.tok, TRACE_TOKENS_MAX, &c.ntok, p->error,
			   sizeof(p->error)) < 0)
		return -1;
	if (c.ntok == 0)
		return 0; /* TR_NONE */
	kw = &c.tok[0];
	if (kw->s[0] >= '0' && kw->s[0] <= '9') {
		/* Events are nearly every line: try them first. */
		if (parse_event(&c, rec) < 0)
			return -1;
		p->seen_record = true;
		p->seen_body = true;
		return 0;
	}
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		if (trace_tok_is(kw, headers[i].name)) {
			rec->kind = headers[i].kind;
			if (parse_header(&c, rec) < 0)
				return -1;
			p->seen_record = true;
			return 0;
		}
	}
	if (!trace_tok_is(kw, "expect"))
		return FAIL(&c, "unknown record '%.*s'", (int)kw->len, kw->s);
	if (parse_expect(&c, rec) < 0)
		return -1;
	p->seen_record = true;
	p->seen_body = true;
	return 0;
}
