/*
 * fs/console.c - the serial console as a terminal: /dev/console, /dev/tty
 * and /dev/ttyS0. A minimal line discipline: in canonical mode (ICANON)
 * input is edited a line at a time (erase, kill, ^D end-of-file, ^C/^\/^Z
 * signals to the foreground process group) and echoed; without ICANON
 * bytes are passed through as they come. Output turns "\n" into "\r\n"
 * when OPOST|ONLCR is set. termios is kept so that programs that save and
 * restore it (shells, editors) see their own settings back.
 *
 * Input arrives by interrupt into the serial driver's ring; readers pull it
 * into the line buffer here, sleeping on console_wait until a line (or, in
 * raw mode, a byte) is ready.
 */
#include "kernel/errno.h"
#include "kernel/kstring.h"
#include "kernel/serial.h"
#include "kernel/signal.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "kernel/wait.h"
#include "vfs_internal.h"

/* termios as the Linux x86-64 kernel's TCGETS/TCSETS see it (struct termios, 36 bytes). */
struct kernel_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[19];
};

struct kernel_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

#define ICRNL 0000400
#define IXON 0002000
#define OPOST 0000001
#define ONLCR 0000004
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHOCTL 0001000
#define ECHOKE 0004000
#define IEXTEN 0100000
enum { VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSUSP = 10 };

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409
#define TCXONC 0x540A
#define TCFLSH 0x540B
#define TIOCSCTTY 0x540E
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541B
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429

#define CONSOLE_LINE_MAX 4096
#define CONSOLE_POLL_NS 20000000ull /* 20 ms */

static struct kernel_termios tio = {
	.c_iflag = ICRNL | IXON,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = 0000277, /* B38400 | CS8 | CREAD | HUPCL, Linux's default */
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	.c_cc = {3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0},
};
static struct kernel_winsize winsize = {.ws_row = 24, .ws_col = 80};
static int fg_pgrp;

/* Input: buf[0..len) received; the first `ready` bytes may be read (a completed line). */
static struct {
	char buf[CONSOLE_LINE_MAX];
	unsigned len, ready;
	bool eof; /* ^D on an empty line: the next read returns 0 */
} in;
static struct waitq console_wait;

static void console_out(const char *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (s[i] == '\n' && (tio.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR))
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

static void console_echo(char c)
{
	if (!(tio.c_lflag & ECHO))
		return;
	if ((unsigned char)c < 0x20 && c != '\n' && c != '\t' && (tio.c_lflag & ECHOCTL)) {
		char caret[2] = {'^', (char)(c + '@')};
		console_out(caret, 2);
		return;
	}
	console_out(&c, 1);
}

/* A signal character: the foreground group gets the signal, pending input is dropped. */
static bool console_signal_char(char c)
{
	int sig = 0;
	if (!(tio.c_lflag & ISIG))
		return false;
	if (c == (char)tio.c_cc[VINTR])
		sig = SIGINT;
	else if (c == (char)tio.c_cc[VQUIT])
		sig = SIGQUIT;
	else if (c == (char)tio.c_cc[VSUSP])
		sig = SIGTSTP;
	if (!sig)
		return false;
	console_echo(c);
	in.len = in.ready;
	if (fg_pgrp > 0)
		signal_send_pgrp(fg_pgrp, sig);
	return true;
}

/* Canonical-mode editing of one input byte. */
static void console_canon_char(char c)
{
	if (c == (char)tio.c_cc[VERASE] || c == '\b') {
		if (in.len > in.ready) {
			in.len--;
			if (tio.c_lflag & ECHO)
				console_out("\b \b", 3);
		}
		return;
	}
	if (c == (char)tio.c_cc[VKILL]) {
		while (in.len > in.ready) {
			in.len--;
			if (tio.c_lflag & ECHO)
				console_out("\b \b", 3);
		}
		return;
	}
	if (c == (char)tio.c_cc[VEOF]) {
		if (in.len == in.ready)
			in.eof = true;
		in.ready = in.len;
		return;
	}
	if (in.len < sizeof(in.buf) - 1 || c == '\n') {
		if (in.len < sizeof(in.buf))
			in.buf[in.len++] = c;
		console_echo(c);
	}
	if (c == '\n')
		in.ready = in.len;
}

/* Move whatever the serial driver received into the line buffer. */
static void console_fill(void)
{
	int c;
	while ((c = serial_getc()) >= 0) {
		char ch = (char)c;
		if (ch == '\r' && (tio.c_iflag & ICRNL))
			ch = '\n';
		if (console_signal_char(ch))
			continue;
		if (tio.c_lflag & ICANON) {
			console_canon_char(ch);
		} else if (in.len < sizeof(in.buf)) {
			in.buf[in.len++] = ch;
			in.ready = in.len;
			console_echo(ch);
		}
	}
	if (!(tio.c_lflag & ICANON))
		in.ready = in.len;
}

static bool console_readable(void *arg)
{
	(void)arg;
	console_fill();
	return in.ready > 0 || in.eof;
}

/*
 * Sleep until input is ready. The COM1 interrupt wakes the queue through
 * vfs_console_rx(); a short timeout on each sleep also catches input that
 * arrived with no wake-up (received while interrupts were off, or before
 * the interrupt was routed). 0 or -EINTR/-ERESTARTSYS.
 */
static int console_wait_input(void)
{
	for (;;) {
		int err = waitq_wait_until(&console_wait, console_readable, NULL,
					   time_ns() + CONSOLE_POLL_NS);
		if (err != -ETIMEDOUT)
			return err;
	}
}

static long console_read(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	unsigned n;
	if (!len)
		return 0;
	if (!console_readable(NULL)) {
		int err;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = console_wait_input();
		if (err)
			return err;
	}
	if (in.ready == 0) {
		in.eof = false;
		return 0;
	}
	n = len < in.ready ? (unsigned)len : in.ready;
	if (iobuf_put(b, 0, in.buf, n))
		return -EFAULT;
	memmove(in.buf, in.buf + n, in.len - n);
	in.len -= n;
	in.ready -= n;
	return n;
}

static long console_write(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	char chunk[256];
	uint64_t done = 0;
	while (done < len) {
		unsigned n = len - done < sizeof(chunk) ? (unsigned)(len - done) : sizeof(chunk);
		if (iobuf_get(b, done, chunk, n))
			return done ? (long)done : -EFAULT;
		console_out(chunk, n);
		done += n;
	}
	return (long)done;
}

static long console_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
	struct task *t = current_task();
	uint32_t v;
	switch (cmd) {
	case TCGETS:
		return copy_to_user(arg, &tio, sizeof(tio));
	case TCSETS:
	case TCSETSW:
	case TCSETSF: {
		struct kernel_termios nt;
		if (copy_from_user(&nt, arg, sizeof(nt)))
			return -EFAULT;
		if (cmd == TCSETSF)
			in.len = in.ready = 0;
		tio = nt;
		return 0;
	}
	case TIOCGWINSZ:
		return copy_to_user(arg, &winsize, sizeof(winsize));
	case TIOCSWINSZ:
		return copy_from_user(&winsize, arg, sizeof(winsize));
	case TIOCGPGRP:
		v = (uint32_t)(fg_pgrp > 0 ? fg_pgrp : (t ? t->pgid : 0));
		return put_user_u32(arg, v);
	case TIOCSPGRP:
		if (get_user_u32(&v, arg))
			return -EFAULT;
		if ((int)v <= 0)
			return -EINVAL;
		fg_pgrp = (int)v;
		return 0;
	case TIOCGSID:
		return put_user_u32(arg, (uint32_t)(t ? t->sid : 0));
	case FIONREAD:
		console_fill();
		return put_user_u32(arg, in.ready);
	case TIOCOUTQ:
		return put_user_u32(arg, 0);
	case TIOCSCTTY:
		if (t && fg_pgrp <= 0)
			fg_pgrp = t->pgid;
		return 0;
	case TIOCNOTTY:
	case TCSBRK:
	case TCXONC:
	case TCFLSH:
		return 0;
	default:
		return -ENOTTY;
	}
}

static unsigned console_poll(struct file *f)
{
	return (console_readable(NULL) ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

const struct file_ops console_ops = {
	.read = console_read,
	.write = console_write,
	.ioctl = console_ioctl,
	.poll = console_poll,
};

/* From the COM1 interrupt: input arrived. */
void vfs_console_rx(void)
{
	waitq_wake_all(&console_wait);
	vfs_poll_wake();
}
