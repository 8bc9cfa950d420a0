/*
 * simulator/diff.h - `./sim diff`: replay each trace natively (the Linux
 * oracle) and through the simulator, and report every line where the
 * outcome, the byte read or the state differs.
 *
 * How: the native run writes the trace back with Linux's results as its
 * expectations (native.h, struct native_annotate), and with `expect
 * vmas/rss/anon_huge` after every event unless --no-state; the simulator
 * replays that, so each of its failures is one difference. Lines are
 * reported by their number in the original trace.
 *
 * Deliberate differences are marked in the trace, never ignored silently:
 *   `# diff: skip native REASON` on a line of its own before the first
 *     record skips the whole trace (it cannot be compared natively, e.g.
 *     it uses `mem`), reported as skipped with REASON;
 *   `# diff: skip REASON` as the comment of a record skips the
 *     differences on that line (and the state checked right after it).
 */
#ifndef SIM_DIFF_H
#define SIM_DIFF_H

/* The `diff` command: argv after "diff". Returns the exit status (0, 1 or 2). */
int diff_main(int argc, char **argv);

#endif
