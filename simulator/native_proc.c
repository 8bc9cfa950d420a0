/*
 * simulator/native_proc.c - starting, calling and ending native workers
 * (see native_proc.h). Every socket the controller holds is close-on-exec,
 * so a worker image inherits only its own socket and the trace's files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "native_proc.h"

int native_read_full(int fd, void *buf, size_t n)
{
	char *p = buf;
	while (n > 0) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int native_write_full(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int native_proc_ready(struct native_proc *p, struct native_reply *rep)
{
	if (native_read_full(p->fd, rep, sizeof(*rep)) < 0)
		return -1;
	if (rep->outcome == 0) {
		p->host = rep->host_pid;
		p->brk_base = rep->brk_base;
		p->guard = rep->guard;
	}
	return 0;
}

int native_proc_spawn(struct native_proc *p, uint32_t pid, const char *tracedir,
		      char *err, size_t errsize)
{
	int sv[2];
	pid_t child;
	struct native_reply ready;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->fd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errsize, "socketpair: %s", strerror(errno));
		return -1;
	}
	child = fork();
	if (child < 0) {
		snprintf(err, errsize, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (child == 0) {
		char fdstr[16];
		char *argv[] = {"sim", NATIVE_WORKER_ARG, fdstr, NULL};
		close(sv[0]);
		fcntl(sv[1], F_SETFD, 0);
		snprintf(fdstr, sizeof(fdstr), "%d", sv[1]);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(sv[1]);
	p->fd = sv[0];
	p->host = child;
	p->direct = true;
	if (native_proc_ready(p, &ready) < 0 || ready.outcome != 0 ||
	    native_vmas_read(p->host, tracedir, NULL, &p->snap) < 0) {
		snprintf(err, errsize, "the worker process did not start");
		native_proc_end(p);
		return -1;
	}
	return 0;
}

/* Receive a reply, with the fd passed along it if any. */
static int reply_recv(int fd, struct native_reply *rep, int *child_fd)
{
	struct iovec iov = {.iov_base = rep, .iov_len = sizeof(*rep)};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	ssize_t r;
	*child_fd = -1;
	do
		r = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return -1;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(child_fd, CMSG_DATA(cm), sizeof(int));
	/* The rest of a reply split by the stream (rare): plain reads. */
	if ((size_t)r < sizeof(*rep))
		return native_read_full(fd, (char *)rep + r, sizeof(*rep) - (size_t)r);
	return 0;
}

int native_proc_call(struct native_proc *p, const struct native_cmd *c,
		     struct native_reply *rep, int *child_fd)
{
	int dummy;
	if (!child_fd)
		child_fd = &dummy;
	if (native_write_full(p->fd, c, sizeof(*c)) < 0)
		return -1;
	if (reply_recv(p->fd, rep, child_fd) < 0)
		return -1;
	if (child_fd == &dummy && dummy >= 0)
		close(dummy);
	return 0;
}

void native_proc_end(struct native_proc *p)
{
	if (p->fd >= 0) {
		struct native_cmd c = {.op = NOP_EXIT};
		char b;
		/* EOF comes once the worker's files are closed, after its memory is gone. */
		if (native_write_full(p->fd, &c, sizeof(c)) == 0) {
			for (;;) {
				ssize_t r = read(p->fd, &b, 1);
				if (r == 0 || (r < 0 && errno != EINTR))
					break;
			}
		}
		close(p->fd);
		p->fd = -1;
	}
	if (p->direct && p->host > 0)
		waitpid(p->host, NULL, 0);
	p->host = 0;
	native_snap_free(&p->snap);
}

void native_proc_usage(const struct native_proc *p, uint64_t *minflt, double *cpu_seconds)
{
	char path[64], buf[1024];
	unsigned long long flt = 0, utime = 0, stime = 0;
	FILE *f;
	char *s;
	*minflt = 0;
	*cpu_seconds = 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)p->host);
	f = fopen(path, "r");
	if (!f)
		return;
	s = fgets(buf, sizeof(buf), f);
	fclose(f);
	/* After the command name: state ppid pgrp session tty tpgid flags
	 * minflt cminflt majflt cmajflt utime stime */
	s = s ? strrchr(buf, ')') : NULL;
	if (s && sscanf(s + 1, " %*c %*d %*d %*d %*d %*d %*u %llu %*u %*u %*u %llu %llu",
			&flt, &utime, &stime) == 3) {
		*minflt = flt;
		*cpu_seconds = (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
	}
}
