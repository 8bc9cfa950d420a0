/* sigaltstack: an SA_ONSTACK handler runs on the alternate stack and sees
 * SS_ONSTACK; changing the stack while on it is EPERM; SS_DISABLE, too small
 * a stack (ENOMEM) and bad flags (EINVAL); a stack overflow is caught there. */
#include "contract.h"
#include <signal.h>
#include <stdlib.h>

static char *alt;
static size_t alt_size;
static volatile int on_alt, flags_inside, change_err, overflowed;

static void handler(int sig)
{
    char local;
    stack_t cur, ns;
    on_alt = &local >= alt && &local < alt + alt_size;
    static char other[65536];
    sigaltstack(NULL, &cur);
    flags_inside = cur.ss_flags;
    change_err = -1;
    if (!(cur.ss_flags & SS_ONSTACK))
        return; /* changing it from the normal stack is allowed: not tried */
    ns.ss_sp = other;
    ns.ss_size = sizeof(other);
    ns.ss_flags = 0;
    change_err = sigaltstack(&ns, NULL) ? errno : 0;
}

static sigjmp_buf jb;
static void segv(int sig)
{
    char local;
    overflowed = &local >= alt && &local < alt + alt_size;
    siglongjmp(jb, 1);
}

static int recurse(int n)
{
    volatile char pad[512];
    pad[0] = (char)n;
    return n > (1 << 30) ? 0 : recurse(n + 1) + pad[0];
}

static const char *fl(int f)
{
    return f == 0 ? "0" : f == SS_ONSTACK ? "SS_ONSTACK" : f == SS_DISABLE ? "SS_DISABLE" : "?";
}

int main(void)
{
    contract_start();
    stack_t st, old;
    sigaltstack(NULL, &old);
    SAY("initially: %s", fl(old.ss_flags));
    alt_size = 64 * 1024;
    alt = malloc(alt_size);
    st.ss_sp = alt;
    st.ss_size = alt_size;
    st.ss_flags = 0;
    SAY("install: %s", sigaltstack(&st, NULL) ? errname(errno) : "0");
    sigaltstack(NULL, &old);
    SAY("read back: same base %d, same size %d, flags %s", old.ss_sp == alt, old.ss_size == alt_size,
        fl(old.ss_flags));
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    SAY("without SA_ONSTACK: on alt %d, flags %s", on_alt, fl(flags_inside));
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    SAY("with SA_ONSTACK: on alt %d, flags %s, change inside: %s", on_alt, fl(flags_inside),
        errname(change_err));
    sigaltstack(NULL, &old);
    SAY("after the handler: flags %s, still ours %d", fl(old.ss_flags), old.ss_sp == alt);
    sa.sa_handler = segv;
    sa.sa_flags = SA_ONSTACK | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    if (!sigsetjmp(jb, 1))
        recurse(0);
    SAY("stack overflow handled on the alternate stack: %d", overflowed);
    st.ss_size = 1024;
    SAY("too small: %s", sigaltstack(&st, NULL) ? errname(errno) : "0");
    st.ss_size = alt_size;
    st.ss_flags = 0x1234;
    SAY("bad flags: %s", sigaltstack(&st, NULL) ? errname(errno) : "0");
    st.ss_flags = SS_DISABLE;
    SAY("disable: %s", sigaltstack(&st, NULL) ? errname(errno) : "0");
    sigaltstack(NULL, &old);
    SAY("after disable: flags %s", fl(old.ss_flags));
    raise(SIGUSR1);
    SAY("SA_ONSTACK with the stack disabled: on alt %d", on_alt);
    return contract_end();
}
