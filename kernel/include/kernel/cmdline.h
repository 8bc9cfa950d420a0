/* kernel/cmdline.h - the words of the kernel command line, Linux style. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>

/*
 * Value of `key=value` (pointer into a static copy, up to the next space,
 * NUL-terminated), "" for a bare `key`, or NULL when key is absent. Words
 * after `--` belong to init and are never matched.
 */
const char *cmdline_get(const char *cmdline, const char *key, char *buf, unsigned bufsize);

/* True when `key` appears bare or with a value. */
bool cmdline_has(const char *cmdline, const char *key);

/* Parse a decimal integer (optional '-'); returns false when s is not one. */
bool cmdline_parse_int(const char *s, long *out);

#endif
