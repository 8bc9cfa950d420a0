/*
 * kernel/signal.h - POSIX signals with Linux's numbers, sigaction layout
 * and delivery rules. Sending marks the signal pending; delivery happens on
 * the way back to user mode (proc/signal_deliver.c).
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define SIGRTMIN 32
#define NSIG 64 /* signals are 1..64 */

#define SIG_DFL 0ull
#define SIG_IGN 1ull

#define SA_NOCLDSTOP 0x00000001u
#define SA_NOCLDWAIT 0x00000002u
#define SA_SIGINFO 0x00000004u
#define SA_RESTORER 0x04000000u
#define SA_ONSTACK 0x08000000u
#define SA_RESTART 0x10000000u
#define SA_NODEFER 0x40000000u
#define SA_RESETHAND 0x80000000u

/* si_code values. */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_TKILL (-6)
#define SI_QUEUE (-1)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRERR 2
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6
#define ILL_ILLOPN 2
#define FPE_INTDIV 1

typedef uint64_t sigset_t; /* bit (sig - 1) */

static inline sigset_t sig_bit(int sig) { return 1ull << (sig - 1); }

/* Linux's struct sigaction as the rt_sigaction syscall sees it. */
struct k_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	sigset_t mask;
};

/* The kernel's copy of the information a SA_SIGINFO handler receives. */
struct ksiginfo {
	int signo, code;
	int pid, uid;    /* sender (kill) or child (SIGCHLD) */
	int status;      /* SIGCHLD: exit code or signal */
	uint64_t addr;   /* SIGSEGV/SIGBUS/SIGILL/SIGFPE: faulting address */
	uint64_t value;  /* SI_QUEUE: the sigval sigqueue passed */
};

struct task;

/* Make sig pending for t (ignored signals are dropped), waking it if asleep. */
void signal_send(struct task *t, int sig);
/* The same with the details a SA_SIGINFO handler will see. */
void signal_send_info(struct task *t, const struct ksiginfo *info);
/* Queue one instance of info->signo for t: a real-time signal already
 * pending queues behind it (in order), a standard one merges; returns 0, or
 * -EAGAIN when t's real-time queue is full. */
int signal_queue_info(struct task *t, const struct ksiginfo *info);
/* Send sig to every task of process group pgid: 0, or -ESRCH when there is none. */
int signal_send_pgrp(int pgid, int sig);
/* True when the current task has a deliverable (unblocked) pending signal. */
bool signal_pending(void);

#endif
