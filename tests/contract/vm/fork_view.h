/*
 * fork_view.h - shared by the fork-advice contract tests: fork a child and
 * report how three one-page regions (dontfork, wipe-on-fork, plain) look
 * from inside it.
 */
#ifndef CONTRACT_FORK_VIEW_H
#define CONTRACT_FORK_VIEW_H

#include "contract.h"
#include <sys/wait.h>

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#endif

/* In a child: report how each page of the three regions looks, through the exit status bits. */
static int child_view(char *dontfork, char *wipe, char *plain)
{
    int bits = 0;
    if (probe_read(dontfork) == 0)
        bits |= 1 | (dontfork[0] == 'd' ? 2 : 0);
    if (probe_read(wipe) == 0)
        bits |= 4 | (wipe[0] == 'w' ? 8 : 0);
    if (plain[0] == 'p')
        bits |= 16;
    return bits;
}

static void fork_and_show(const char *when, char *d, char *w, char *p)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(child_view(d, w, p));
    int st;
    waitpid(pid, &st, 0);
    int b = WEXITSTATUS(st);
    SAY("%s: dontfork %s, wipeonfork %s, plain %s", when,
        b & 1 ? (b & 2 ? "copied" : "zero") : "unmapped",
        b & 4 ? (b & 8 ? "copied" : "zero") : "unmapped", b & 16 ? "copied" : "lost");
}

#endif
