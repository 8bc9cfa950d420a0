/*
 * simulator/trace.h - the trace language (shared/spec/trace-format.md) as
 * records: a line reader, a tokenizer and a parser that turns one line into
 * one fixed-size trace_record without allocating.
 *
 * Names (`NAME`, `NAME+OFF`) are interned to small integers at parse time;
 * what a name is bound to is a property of a process and is resolved when
 * the record is replayed (sim_proc.h).
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TRACE_LINE_MAX 4096   /* longest accepted line, in bytes */
#define TRACE_NAME_MAX 63     /* longest name, in characters */
#define TRACE_NAMES_MAX (1u << 20)
#define TRACE_FILES_MAX 64
#define TRACE_PID_MAX 4194304u /* Linux's largest pid_max */
#define TRACE_MEM_MIN (4ull << 20)
#define TRACE_MEM_MAX (16ull << 30)
#define TRACE_FILE_SIZE_MAX (1ull << 36)
#define TRACE_FAULTAROUND_MAX 512u
#define TRACE_NO_NAME UINT32_MAX

enum trace_kind {
	TR_NONE, /* blank line or comment */
	/* header records */
	TR_VERSION, TR_MEM, TR_THP, TR_FAULTAROUND, TR_FILE,
	/* events */
	TR_MMAP, TR_MUNMAP, TR_MPROTECT, TR_MADVISE, TR_MREMAP, TR_BRK,
	TR_FAULT, TR_TOUCH, TR_WRITE, TR_READ, TR_FORK, TR_EXEC, TR_GROW, TR_EXIT,
	/* expectations on state */
	TR_EXPECT_VMAS, TR_EXPECT_RSS, TR_EXPECT_ANON_HUGE, TR_EXPECT_PROT,
};

static inline bool trace_kind_is_header(int k) { return k >= TR_VERSION && k <= TR_FILE; }
static inline bool trace_kind_is_event(int k) { return k >= TR_MMAP && k <= TR_EXIT; }
static inline bool trace_kind_is_expect(int k) { return k >= TR_EXPECT_VMAS; }

/*
 * Outcomes: 0 is `ok`, a positive value is an errno (mmcore/errno.h
 * numbering), and the signals sit above every errno.
 */
#define TRACE_OUT_OK 0
#define TRACE_OUT_SIGSEGV 1001
#define TRACE_OUT_SIGBUS 1002
#define TRACE_OUT_SIGKILL 1003
/* `=> ADDR` (an extension for recorded traces): the call succeeded with this result. */
#define TRACE_OUT_ADDR 1004
/* exec's flags: `exec brk=ADDR` gave the new program's heap start in addr. */
#define TRACE_EXEC_BRK 1

/* An address: a plain number, or a name plus a (wrapping) offset. */
struct trace_addr {
	uint32_t name;  /* interned name, or TRACE_NO_NAME */
	uint64_t value; /* the number, or the offset to add to the name */
};

struct trace_record {
	uint8_t kind;        /* enum trace_kind */
	uint8_t access;      /* fault/touch: enum mm_access */
	bool has_outcome;
	bool has_byte;       /* read with a value to compare */
	int32_t outcome;     /* TRACE_OUT_* or an errno, when has_outcome */
	uint32_t line;
	uint32_t pid;
	uint32_t child;      /* fork */
	int32_t prot;        /* MM_PROT_* bits; -1 for `expect prot ... unmapped` */
	int32_t flags;       /* mmap/mremap flags, madvise advice, thp policy */
	uint32_t bind;       /* name the result binds, or TRACE_NO_NAME */
	uint32_t file;       /* file mappings and `file` records: file index */
	struct trace_addr addr;  /* main address (mremap: OLD) */
	struct trace_addr addr2; /* mremap NEWADDR (value 0 when absent) */
	uint64_t len;        /* LEN, OLDLEN, header values, expected numbers */
	uint64_t len2;       /* mremap NEWLEN */
	uint64_t offset;     /* file mapping offset */
	uint64_t result;     /* mmap/mremap/brk: the address of `=> ADDR` */
	uint8_t byte;        /* write/read value */
};

/* One declared file (`file NAME SIZE`). */
struct trace_file_decl {
	char name[TRACE_NAME_MAX + 1];
	uint64_t size;
};

/* Interned names: open addressing over a pool of fixed-size slots. */
struct trace_names {
	char (*names)[TRACE_NAME_MAX + 1]; /* id -> text */
	uint32_t *slots;                   /* hash slot -> id + 1 (0 = empty) */
	uint32_t count, cap, nslots;
};

struct trace_parser {
	const char *filename;
	uint32_t line;          /* line number of the last record parsed */
	bool seen_record;       /* any record (for `version` first) */
	bool seen_body;         /* an event or expectation (ends the header) */
	bool seen_mem, seen_thp, seen_faultaround;
	struct trace_names names;
	struct trace_file_decl files[TRACE_FILES_MAX];
	uint32_t nfiles;
	char error[160];        /* message of the last failure, without FILE:LINE */
};

/* A parser at the start of file `filename` (kept for messages, not opened). */
void trace_parser_init(struct trace_parser *p, const char *filename);
/* Free what the parser holds (its interned names). */
void trace_parser_fini(struct trace_parser *p);

/*
 * Parse one line (without its newline; it need not be NUL-terminated) into
 * *rec, with p->line already set to its number. Returns 0, or -1 with
 * p->error describing why the line is malformed. Never reads past len.
 */
int trace_parse_line(struct trace_parser *p, const char *line, size_t len,
		     struct trace_record *rec);

/* Text of interned name id (valid while the parser lives). */
const char *trace_name_text(const struct trace_parser *p, uint32_t id);

/* Name of outcome o (`ok`, `ENOMEM`, `SIGSEGV`...) into buf; returns buf. */
const char *trace_outcome_name(int32_t o, char *buf, size_t size);
/* Name of prot bits (`none`, `rw`...) into buf; -1 gives `unmapped`. */
const char *trace_prot_name(int32_t prot, char *buf, size_t size);

/* ---- line reader -------------------------------------------------------- */
struct trace_reader {
	FILE *f;
	char *buf;
	size_t size, start, end; /* buffered bytes are buf[start, end) */
	bool eof;
	uint32_t line;
};

/* Read lines from f (not closed by the reader). Returns 0 or -1 (no memory). */
int trace_reader_init(struct trace_reader *r, FILE *f);
/* Free the reader's buffer. */
void trace_reader_fini(struct trace_reader *r);
/*
 * Next line into *line and *len (valid until the next call) and its number in
 * r->line. Returns 1, 0 at end of input, or -1 when the line is longer than
 * TRACE_LINE_MAX or the input cannot be read.
 */
int trace_reader_next(struct trace_reader *r, const char **line, size_t *len);

#endif
