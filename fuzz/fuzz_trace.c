/*
 * fuzz/fuzz_trace.c - the simulator's trace parser and replay on arbitrary
 * text. Whatever the input, replay must not crash (ASan, UBSan and every
 * MM_ASSERT are armed, and mm_check() runs after every event), must end
 * with exit code 0, 1 or 2, and every failure it reports must name the
 * file and a line number of the input (`FILE:LINE: message`).
 *
 * The input goes to replay_file() through an in-memory file; stderr is
 * captured the same way while the replay runs.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_input.h"
#include "replay.h"

static int ft_memfd(const char *name)
{
	int fd = memfd_create(name, 0);
	if (fd < 0)
		abort();
	return fd;
}

static void ft_write_all(int fd, const uint8_t *data, size_t size)
{
	while (size) {
		ssize_t n = write(fd, data, size);
		if (n <= 0)
			abort();
		data += n;
		size -= (size_t)n;
	}
}

/* Lines of the input (a last line without newline counts). */
static unsigned long ft_lines(const uint8_t *data, size_t size)
{
	unsigned long n = 0;
	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n + (size && data[size - 1] != '\n');
}

/* Every message line must be `PATH:LINE: text` with 1 <= LINE <= lines + 1. */
static void ft_check_messages(const char *path, const char *text, unsigned long lines, int rc)
{
	size_t plen = strlen(path);
	unsigned long messages = 0;

	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		if (len) {
			char *end;
			unsigned long line;
			FUZZ_EXPECT(len > plen + 1 && strncmp(l, path, plen) == 0 && l[plen] == ':',
				    "replay message without FILE:LINE: %.*s", (int)len, l);
			line = strtoul(l + plen + 1, &end, 10);
			FUZZ_EXPECT(end > l + plen + 1 && *end == ':' && line <= lines + 1 &&
				    (line >= 1 || lines == 0),
				    "replay message with a bad line number (input has %lu lines): %.*s",
				    lines, (int)len, l);
			messages++;
		}
		l = nl ? nl + 1 : l + len;
	}
	FUZZ_EXPECT(rc == 0 || messages > 0, "replay exit code %d without any message", rc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int in_fd = -1, err_fd = -1;
	char path[64], *text;
	struct replay_opts opts = {.check = size < 512, .quiet = true};
	struct replay_summary sum;
	int saved, rc;
	off_t n;

	if (in_fd < 0) {
		in_fd = ft_memfd("fuzz_trace_input");
		err_fd = ft_memfd("fuzz_trace_stderr");
	}
	if (ftruncate(in_fd, 0) || ftruncate(err_fd, 0) || lseek(in_fd, 0, SEEK_SET) ||
	    lseek(err_fd, 0, SEEK_SET))
		abort();
	ft_write_all(in_fd, data, size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", in_fd);

	fflush(stderr);
	saved = dup(2);
	dup2(err_fd, 2);
	rc = replay_file(path, &opts, &sum);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);

	FUZZ_EXPECT(rc >= 0 && rc <= 2, "replay exit code %d", rc);
	n = lseek(err_fd, 0, SEEK_CUR);
	text = calloc(1, (size_t)n + 1);
	if (!text || pread(err_fd, text, (size_t)n, 0) != n)
		abort();
	ft_check_messages(path, text, ft_lines(data, size), rc);
	free(text);
	return 0;
}
