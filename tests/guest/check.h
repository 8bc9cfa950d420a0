/* check.h - reporting for the guest test programs.
 *
 * Every program prints one line per check, in the format the runner
 * counts: `ok - NAME`, `not ok - NAME: details` or `skip - NAME: reason`,
 * and ends with check_done(), whose value is the exit status (0 only when
 * nothing failed). A skip is never a pass. Output is unbuffered so that
 * lines written before a fork or a crash appear exactly once.
 */
#ifndef GUEST_CHECK_H
#define GUEST_CHECK_H

#include <stdbool.h>
#include <sys/types.h>

/* Report `ok - name` when cond holds, else `not ok - name: <fmt...>`;
 * returns cond so a caller can stop a dependent sequence. */
bool check(bool cond, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Report `skip - name: <fmt...>`; counted apart from passes and failures. */
void check_skip(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Report a failure with errno's text appended; for calls that must succeed. */
void check_fail_errno(const char *name, const char *what);

/* Print the program's totals as a comment line and return its exit status:
 * 0 when no check failed and at least one ran or was skipped, else 1. */
int check_done(void);

/* Fork, run fn(arg) in the child (its return value is the child's exit
 * status) and wait; returns the raw wait status, or -1 if fork failed. */
int check_run_child(int (*fn)(void *arg), void *arg);

/* Describe a wait status ("exit 3", "signal 9", "stopped 19") into buf. */
const char *check_status_text(int status, char *buf, unsigned len);

/* True when the process runs inside a small test VM
 * (sysinfo totalram below 2 GiB): the only place memory may be exhausted. */
bool check_small_machine(void);

/* Return the guest directory holding the test programs (the directory of
 * argv0), written into buf; used to exec sibling programs. */
const char *check_self_dir(const char *argv0, char *buf, unsigned len);

#endif
