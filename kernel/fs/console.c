/*
 * fs/console.c - the serial console as a terminal: /dev/console, /dev/tty
 * and /dev/ttyS0 are one tty on COM1 with Linux's line discipline (n_tty)
 * rules. In canonical mode (ICANON) input is edited a line at a time
 * (erase, word erase, kill, ^D end-of-file) and read a line per read();
 * without ICANON bytes are handed out as they come under VMIN/VTIME. The
 * signal characters (^C, ^\, ^Z under ISIG) signal the foreground process
 * group. Echo follows ECHO/ECHOE/ECHOK/ECHOKE/ECHONL/ECHOCTL; output turns
 * "\n" into "\r\n" under OPOST|ONLCR. Job control (controlling terminal,
 * foreground group, SIGTTIN/SIGTTOU) is kernel/proc/jobctl.c's.
 *
 * Input is processed when it arrives, not when someone reads: the COM1
 * interrupt runs the line discipline, so ^C reaches a foreground job that
 * is sleeping in nanosleep while its shell sleeps in wait4. Signals may
 * only be sent where the interrupted code cannot be in the middle of
 * changing signal state (user mode, or the idle loop); an interrupt that
 * lands inside a system call leaves the bytes in the driver's ring and the
 * next timer tick at such a point (or the next reader) processes them.
 * Everything that touches the input buffer runs with interrupts off.
 */
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/jobctl.h"
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

#define ISTRIP 0000040
#define INLCR 0000100
#define IGNCR 0000200
#define ICRNL 0000400
#define IXON 0002000
#define OPOST 0000001
#define ONLCR 0000004
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define NOFLSH 0000200
#define TOSTOP 0000400
#define ECHOCTL 0001000
#define ECHOKE 0004000
#define IEXTEN 0100000
enum {
	VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6,
	VSTART = 8, VSTOP = 9, VSUSP = 10, VEOL = 11, VWERASE = 14, VEOL2 = 16,
};

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
#define TCIFLUSH 0
#define TCOFLUSH 1
#define TCIOFLUSH 2
#define TCOOFF 0
#define TCION 3

#define DEV_TTY MKDEV(5, 0)
#define DEV_CONSOLE MKDEV(5, 1)

#define CONSOLE_LINE_MAX 4096
#define IN_EOL 1 /* the byte ends a line (it is read) */
#define IN_EOF 2 /* an end-of-file mark (^D): ends a line, is not read */

static struct kernel_termios tio = {
	.c_iflag = ICRNL | IXON,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = 0000277, /* B38400 | CS8 | CREAD | HUPCL, Linux's default */
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	.c_cc = {3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0},
};
static struct kernel_winsize winsize = {.ws_row = 24, .ws_col = 80};
static struct jobctl_tty console_jc;

/*
 * Received input: buf[0..len) with a flag per byte. In canonical mode the
 * first `ready` entries are complete lines; without ICANON ready == len.
 */
static struct {
	char buf[CONSOLE_LINE_MAX];
	uint8_t flag[CONSOLE_LINE_MAX];
	unsigned len, ready;
} in;
static struct waitq console_wait;
static volatile bool rx_deferred; /* bytes were left in the ring for a safe point */

static uint64_t console_lock(void)
{
	uint64_t f = cpu_flags();
	cpu_irq_disable();
	return f;
}

static void console_unlock(uint64_t f)
{
	if (f & RFLAGS_IF)
		cpu_irq_enable();
}

static void console_out(const char *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (s[i] == '\n' && (tio.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR))
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

static bool is_ctl(char c) { return (unsigned char)c < 0x20 || c == 0x7f; }

/* Echo one input byte (control characters as ^X under ECHOCTL). */
static void console_echo(char c)
{
	if (!(tio.c_lflag & ECHO)) {
		if (c == '\n' && (tio.c_lflag & (ECHONL | ICANON)) == (ECHONL | ICANON))
			console_out(&c, 1);
		return;
	}
	if (is_ctl(c) && c != '\n' && c != '\t' && (tio.c_lflag & ECHOCTL)) {
		char caret[2] = {'^', c == 0x7f ? '?' : (char)(c + '@')};
		console_out(caret, 2);
		return;
	}
	console_out(&c, 1);
}

/* Take back the echo of the last byte of the line being edited, then drop it. */
static void console_rubout(void)
{
	char c = in.buf[--in.len];
	if ((tio.c_lflag & (ECHO | ECHOE)) != (ECHO | ECHOE))
		return;
	unsigned cols = is_ctl(c) && c != '\t' && (tio.c_lflag & ECHOCTL) ? 2 : 1;
	for (unsigned i = 0; i < cols; i++)
		console_out("\b \b", 3);
}

/* A signal character: echo it, drop pending input (unless NOFLSH), signal the foreground. */
static bool console_signal_char(char c)
{
	int sig = 0;
	if (!(tio.c_lflag & ISIG) || !c)
		return false;
	if (c == (char)tio.c_cc[VINTR])
		sig = SIGINT;
	else if (c == (char)tio.c_cc[VQUIT])
		sig = SIGQUIT;
	else if (c == (char)tio.c_cc[VSUSP])
		sig = SIGTSTP;
	if (!sig)
		return false;
	if (!(tio.c_lflag & NOFLSH))
		in.len = in.ready = 0;
	console_echo(c);
	jobctl_signal_foreground(&console_jc, sig);
	return true;
}

static void console_append(char c, uint8_t flag)
{
	in.buf[in.len] = c;
	in.flag[in.len] = flag;
	in.len++;
}

/* Erase the word before the cursor (VWERASE): trailing blanks, then non-blanks. */
static void console_word_erase(void)
{
	while (in.len > in.ready && (in.buf[in.len - 1] == ' ' || in.buf[in.len - 1] == '\t'))
		console_rubout();
	while (in.len > in.ready && in.buf[in.len - 1] != ' ' && in.buf[in.len - 1] != '\t')
		console_rubout();
}

static void console_kill_line(char c)
{
	if ((tio.c_lflag & ECHOKE) || !(tio.c_lflag & ECHO)) {
		while (in.len > in.ready)
			console_rubout();
		return;
	}
	in.len = in.ready;
	console_echo(c);
	if (tio.c_lflag & ECHOK)
		console_out("\n", 1);
}

static bool console_is_eol(char c)
{
	return c == '\n' || (c && (c == (char)tio.c_cc[VEOL] || c == (char)tio.c_cc[VEOL2]));
}

/* Canonical-mode editing of one input byte. */
static void console_canon_char(char c)
{
	if (c && c == (char)tio.c_cc[VERASE]) {
		if (in.len > in.ready)
			console_rubout();
		return;
	}
	if (c && c == (char)tio.c_cc[VWERASE] && (tio.c_lflag & IEXTEN)) {
		console_word_erase();
		return;
	}
	if (c && c == (char)tio.c_cc[VKILL]) {
		console_kill_line(c);
		return;
	}
	if (c && c == (char)tio.c_cc[VEOF]) {
		if (in.len < sizeof(in.buf))
			console_append(c, IN_EOF);
		in.ready = in.len;
		return;
	}
	if (console_is_eol(c)) {
		if (in.len < sizeof(in.buf)) {
			console_append(c, IN_EOL);
			console_echo(c);
		}
		in.ready = in.len;
		return;
	}
	/* Keep the last slot for the end of the line, as Linux does. */
	if (in.len < sizeof(in.buf) - 1) {
		console_append(c, 0);
		console_echo(c);
	}
}

/* One received byte through the input flags, signals and editing. Interrupts off. */
static void console_receive(char c)
{
	if (tio.c_iflag & ISTRIP)
		c &= 0x7f;
	if (c == '\r') {
		if (tio.c_iflag & IGNCR)
			return;
		if (tio.c_iflag & ICRNL)
			c = '\n';
	} else if (c == '\n' && (tio.c_iflag & INLCR)) {
		c = '\r';
	}
	if (console_signal_char(c))
		return;
	/* XON/XOFF are consumed; output is never actually held back. */
	if ((tio.c_iflag & IXON) && c && (c == (char)tio.c_cc[VSTOP] || c == (char)tio.c_cc[VSTART]))
		return;
	if (tio.c_lflag & ICANON) {
		console_canon_char(c);
		return;
	}
	if (in.len < sizeof(in.buf)) {
		console_append(c, 0);
		console_echo(c);
	}
	in.ready = in.len;
}

/* Run everything the serial driver received through the line discipline. Interrupts off. */
static void console_input_run(void)
{
	int c;
	bool got = false;
	rx_deferred = false;
	while ((c = serial_getc()) >= 0) {
		console_receive((char)c);
		got = true;
	}
	if (got) {
		waitq_wake_all(&console_wait);
		vfs_poll_wake();
	}
}

/* What a read could take now: a complete line (canonical) or any byte. Interrupts off. */
static unsigned console_available(void)
{
	console_input_run();
	return in.ready;
}

/* Drop the first n entries of the input buffer. Interrupts off. */
static void console_consume(unsigned n)
{
	memmove(in.buf, in.buf + n, in.len - n);
	memmove(in.flag, in.flag + n, in.len - n);
	in.len -= n;
	in.ready -= n;
}

static bool console_line_ready(void *arg)
{
	(void)arg;
	return console_available() > 0;
}

/* Raw-mode readiness: *(unsigned *)arg bytes available. */
static bool console_min_ready(void *arg)
{
	return console_available() >= *(unsigned *)arg;
}

/* The bytes a read returns are copied here first, with interrupts off, then to the reader. */
static char console_bounce[CONSOLE_LINE_MAX];

/* Take up to len bytes of the first line into console_bounce. Interrupts off. */
static unsigned console_take_line(uint64_t len)
{
	unsigned n = 0, used = 0;
	while (used < in.ready && n < len) {
		uint8_t flag = in.flag[used];
		if (flag & IN_EOF) {
			used++;
			break;
		}
		console_bounce[n++] = in.buf[used++];
		if (flag & IN_EOL)
			break;
	}
	console_consume(used);
	return n;
}

static unsigned console_take_raw(uint64_t len)
{
	unsigned n = len < in.ready ? (unsigned)len : in.ready;
	memcpy(console_bounce, in.buf, n);
	console_consume(n);
	return n;
}

/* Canonical read: one line, or 0 at a ^D on an empty line. Bytes, or -errno. */
static long console_read_canon(struct file *f, uint64_t len, unsigned *n)
{
	uint64_t fl = console_lock();
	int err = 0;
	if (!console_available()) {
		if (f->flags & O_NONBLOCK)
			err = -EAGAIN;
		else
			err = waitq_wait(&console_wait, console_line_ready, NULL);
	}
	if (!err)
		*n = console_take_line(len);
	console_unlock(fl);
	return err;
}

/*
 * Non-canonical read under VMIN/VTIME (Linux's four cases): VMIN bytes
 * (at most len) without a timer; with VTIME alone, any byte or the timer;
 * with both, the timer runs once the first byte has come.
 */
static long console_read_raw(struct file *f, uint64_t len, unsigned *n)
{
	unsigned vmin = tio.c_cc[VMIN], want = vmin < len ? vmin : (unsigned)len;
	uint64_t vtime_ns = (uint64_t)tio.c_cc[VTIME] * 100000000ull;
	uint64_t fl = console_lock();
	int err = 0;
	unsigned one = 1;
	if (f->flags & O_NONBLOCK) {
		if (!console_available())
			err = -EAGAIN;
	} else if (vtime_ns && !vmin) {
		err = waitq_wait_until(&console_wait, console_min_ready, &one, time_ns() + vtime_ns);
	} else if (vtime_ns) {
		err = waitq_wait(&console_wait, console_min_ready, &one);
		if (!err)
			err = waitq_wait_until(&console_wait, console_min_ready, &want,
					       time_ns() + vtime_ns);
	} else if (want) {
		err = waitq_wait(&console_wait, console_min_ready, &want);
	}
	if (err == -ETIMEDOUT)
		err = 0;
	if (!err) {
		console_available();
		*n = console_take_raw(len);
	}
	console_unlock(fl);
	return err;
}

static long console_read(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	unsigned n = 0;
	long err;
	if (!len)
		return 0;
	err = jobctl_check_read(&console_jc);
	if (err)
		return err;
	if (len > sizeof(console_bounce))
		len = sizeof(console_bounce);
	err = (tio.c_lflag & ICANON) ? console_read_canon(f, len, &n) : console_read_raw(f, len, &n);
	if (err)
		return err;
	if (n && iobuf_put(b, 0, console_bounce, n))
		return -EFAULT;
	return n;
}

static long console_write(struct file *f, struct iobuf *b, uint64_t len, uint64_t *pos)
{
	char chunk[256];
	uint64_t done = 0;
	if (tio.c_lflag & TOSTOP) {
		long err = jobctl_check_change(&console_jc);
		if (err)
			return err;
	}
	while (done < len) {
		unsigned n = len - done < sizeof(chunk) ? (unsigned)(len - done) : sizeof(chunk);
		if (iobuf_get(b, done, chunk, n))
			return done ? (long)done : -EFAULT;
		console_out(chunk, n);
		done += n;
	}
	return (long)done;
}

static void console_flush_input(void)
{
	uint64_t fl = console_lock();
	console_input_run();
	in.len = in.ready = 0;
	console_unlock(fl);
}

static long console_set_termios(unsigned cmd, uint64_t arg)
{
	struct kernel_termios nt;
	long err = jobctl_check_change(&console_jc);
	if (err)
		return err;
	if (copy_from_user(&nt, arg, sizeof(nt)))
		return -EFAULT;
	if (cmd == TCSETSF)
		console_flush_input();
	uint64_t fl = console_lock();
	bool was_canon = tio.c_lflag & ICANON;
	tio = nt;
	/* Leaving canonical mode hands the partial line out; entering it starts a new one. */
	if (was_canon && !(tio.c_lflag & ICANON))
		in.ready = in.len;
	console_unlock(fl);
	waitq_wake_all(&console_wait);
	return 0;
}

static long console_set_winsize(uint64_t arg)
{
	struct kernel_winsize ws;
	if (copy_from_user(&ws, arg, sizeof(ws)))
		return -EFAULT;
	bool changed = memcmp(&ws, &winsize, sizeof(ws)) != 0;
	winsize = ws;
	if (changed)
		jobctl_signal_foreground(&console_jc, SIGWINCH);
	return 0;
}

static long console_put_int(uint64_t arg, long v)
{
	if (v < 0)
		return v;
	return put_user_u32(arg, (uint32_t)v) ? -EFAULT : 0;
}

/* The flow-control and flush ioctls: argument checks, then a change check. */
static long console_flow_ioctl(unsigned cmd, uint64_t arg)
{
	if (cmd == TCFLSH && arg > TCIOFLUSH)
		return -EINVAL;
	if (cmd == TCXONC && arg > TCION)
		return -EINVAL;
	long err = jobctl_check_change(&console_jc);
	if (err)
		return err;
	if (cmd == TCFLSH && arg != TCOFLUSH)
		console_flush_input();
	return 0;
}

static long console_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
	uint32_t v;
	unsigned n;
	uint64_t fl;
	switch (cmd) {
	case TCGETS:
		return copy_to_user(arg, &tio, sizeof(tio)) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW: /* output is written synchronously: there is nothing to drain */
	case TCSETSF:
		return console_set_termios(cmd, arg);
	case TIOCGWINSZ:
		return copy_to_user(arg, &winsize, sizeof(winsize)) ? -EFAULT : 0;
	case TIOCSWINSZ:
		return console_set_winsize(arg);
	case TIOCGPGRP:
		return console_put_int(arg, jobctl_get_pgrp(&console_jc));
	case TIOCSPGRP:
		if (get_user_u32(&v, arg))
			return -EFAULT;
		return jobctl_set_pgrp(&console_jc, (int)v);
	case TIOCGSID:
		return console_put_int(arg, jobctl_get_sid(&console_jc));
	case TIOCSCTTY:
		return jobctl_set_ctty(&console_jc, arg == 1);
	case TIOCNOTTY:
		return jobctl_drop_ctty(&console_jc);
	case FIONREAD:
		fl = console_lock();
		n = console_available();
		for (unsigned i = 0; i < in.ready; i++)
			n -= (in.flag[i] & IN_EOF) ? 1 : 0;
		console_unlock(fl);
		return console_put_int(arg, n);
	case TIOCOUTQ:
		return console_put_int(arg, 0);
	case TCSBRK:
		return jobctl_check_change(&console_jc);
	case TCXONC:
	case TCFLSH:
		return console_flow_ioctl(cmd, arg);
	default:
		return -ENOTTY;
	}
}

static unsigned console_poll(struct file *f)
{
	uint64_t fl = console_lock();
	bool readable = console_available() > 0;
	console_unlock(fl);
	return (readable ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

/*
 * /dev/tty is the caller's controlling terminal (ENXIO without one);
 * /dev/console never becomes one by being opened (Linux's rule); /dev/ttyS0
 * does for a session leader that has none, unless O_NOCTTY.
 */
int console_open(struct file *f, unsigned flags)
{
	uint32_t rdev = f->inode ? f->inode->rdev : 0;
	if (rdev == DEV_TTY)
		return jobctl_is_ctty(&console_jc, current_task()) ? 0 : -ENXIO;
	jobctl_open(&console_jc, rdev == DEV_CONSOLE || (flags & O_NOCTTY));
	return 0;
}

const struct file_ops console_ops = {
	.read = console_read,
	.write = console_write,
	.ioctl = console_ioctl,
	.poll = console_poll,
};

void vfs_console_rx(void)
{
	uint64_t fl = console_lock();
	console_input_run();
	console_unlock(fl);
}

void console_input_event(bool at_safe_point)
{
	if (!at_safe_point)
		rx_deferred = true;
	else if (rx_deferred || serial_rx_pending())
		vfs_console_rx();
}
