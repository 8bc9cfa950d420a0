/* t_exec.c - execve builds the initial stack as Linux does: argc, argv,
 * envp and the auxiliary vector (AT_PAGESZ, AT_RANDOM, AT_PHDR/AT_PHNUM,
 * AT_ENTRY, AT_EXECFN, AT_UID...), keeps the pid, resets caught signals to
 * their default, keeps ignored ones and the blocked mask. The program execs
 * itself with `--child` and checks from the inside. */
#include "check.h"

#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

static char *const child_argv_tail[] = {"alpha", "with space", "", "last", NULL};
static char *const child_envp[] = {"GUEST_A=1", "GUEST_B=two words", "EMPTY=", NULL};

static void on_usr1(int sig)
{
    (void)sig;
}

/* The auxv after envp's NULL, as the kernel put it on the stack. */
static Elf64_auxv_t *find_auxv(char **envp)
{
    while (*envp)
        envp++;
    return (Elf64_auxv_t *)(envp + 1);
}

static unsigned long aux(Elf64_auxv_t *av, unsigned long type, int *found)
{
    for (; av->a_type != AT_NULL; av++)
        if (av->a_type == type) {
            *found = 1;
            return av->a_un.a_val;
        }
    *found = 0;
    return 0;
}

static void child_args(int argc, char **argv, char **envp)
{
    int ok = argc == 6 && strcmp(argv[1], "--child") == 0;

    for (int i = 0; ok && child_argv_tail[i]; i++)
        ok = strcmp(argv[i + 2], child_argv_tail[i]) == 0;
    check(ok && argv[argc] == NULL, "argv passed intact", "argc %d", argc);
    ok = 1;
    for (int i = 0; ok && child_envp[i]; i++)
        ok = envp[i] && strcmp(envp[i], child_envp[i]) == 0;
    check(ok && envp[3] == NULL, "envp passed intact", "envp[0] %s", envp[0] ? envp[0] : "(null)");
    check(envp == argv + argc + 1, "envp follows argv on the stack", "argv %p envp %p",
          (void *)argv, (void *)envp);
    check(getenv("GUEST_B") && strcmp(getenv("GUEST_B"), "two words") == 0, "getenv sees envp",
          "GUEST_B %s", getenv("GUEST_B") ? getenv("GUEST_B") : "(unset)");
}

static void child_auxv(char **argv, char **envp)
{
    Elf64_auxv_t *av = find_auxv(envp);
    int f;
    unsigned long v;

    v = aux(av, AT_PAGESZ, &f);
    check(f && v == 4096, "AT_PAGESZ 4096", "found %d value %lu", f, v);
    v = aux(av, AT_RANDOM, &f);
    const unsigned char *rnd = (const unsigned char *)v;
    int nonzero = 0;
    for (int i = 0; f && rnd && i < 16; i++)
        nonzero |= rnd[i];
    check(f && rnd && nonzero, "AT_RANDOM points at 16 random bytes", "found %d ptr %p", f,
          (void *)rnd);
    check(getauxval(AT_RANDOM) == v, "getauxval agrees with the stack", "getauxval %lx",
          getauxval(AT_RANDOM));
    v = aux(av, AT_CLKTCK, &f);
    check(f && v == 100, "AT_CLKTCK 100", "found %d value %lu", f, v);
    v = aux(av, AT_UID, &f);
    check(f && v == getuid(), "AT_UID", "found %d value %lu", f, v);
    v = aux(av, AT_EUID, &f);
    check(f && v == geteuid(), "AT_EUID", "found %d value %lu", f, v);
    v = aux(av, AT_GID, &f);
    check(f && v == getgid(), "AT_GID", "found %d value %lu", f, v);
    v = aux(av, AT_SECURE, &f);
    check(f && v == 0, "AT_SECURE 0", "found %d value %lu", f, v);
    aux(av, AT_HWCAP, &f);
    check(f, "AT_HWCAP present", "missing");
    v = aux(av, AT_EXECFN, &f);
    check(f && v && strcmp((const char *)v, argv[0]) == 0, "AT_EXECFN is the path passed to execve",
          "found %d value %s", f, f && v ? (const char *)v : "(null)");

    unsigned long phdr = aux(av, AT_PHDR, &f), phnum, entry;
    int fp, fn, fe;
    phnum = aux(av, AT_PHNUM, &fn);
    entry = aux(av, AT_ENTRY, &fe);
    aux(av, AT_PHENT, &fp);
    check(f && fn && fe && fp && aux(av, AT_PHENT, &fp) == sizeof(Elf64_Phdr),
          "AT_PHDR, AT_PHNUM, AT_PHENT, AT_ENTRY present", "phdr %d phnum %d entry %d", f, fn, fe);
    if (!f || !fn || !fe)
        return;
    /* The ELF header sits e_phoff below the program headers in the first
     * PT_LOAD (which maps file offset 0). */
    const Elf64_Phdr *ph = (const Elf64_Phdr *)phdr;
    const Elf64_Ehdr *eh = NULL;
    unsigned long first_load = 0;
    int loads = 0;
    for (unsigned long i = 0; i < phnum; i++)
        if (ph[i].p_type == PT_LOAD && loads++ == 0)
            first_load = ph[i].p_vaddr & ~4095UL;
    check(loads > 0, "AT_PHDR points at program headers with PT_LOAD", "%d loads", loads);
    eh = (const Elf64_Ehdr *)(phdr - sizeof(Elf64_Ehdr));
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_phoff != sizeof(Elf64_Ehdr)) {
        check_skip("AT_ENTRY matches e_entry", "program headers do not follow the ELF header");
        return;
    }
    unsigned long bias = (unsigned long)eh - first_load;
    check(eh->e_phnum == phnum, "AT_PHNUM matches e_phnum", "%u vs %lu", eh->e_phnum, phnum);
    check(eh->e_entry + bias == entry, "AT_ENTRY matches e_entry plus load bias",
          "e_entry %lx bias %lx AT_ENTRY %lx", (unsigned long)eh->e_entry, bias, entry);
}

static void child_signals(void)
{
    struct sigaction sa;
    sigset_t mask;

    sigaction(SIGUSR1, NULL, &sa);
    check(sa.sa_handler == SIG_DFL, "caught signal reset to default by exec", "handler %p",
          (void *)sa.sa_handler);
    sigaction(SIGUSR2, NULL, &sa);
    check(sa.sa_handler == SIG_IGN, "ignored signal stays ignored across exec", "handler %p",
          (void *)sa.sa_handler);
    sigprocmask(SIG_BLOCK, NULL, &mask);
    check(sigismember(&mask, SIGINT) == 1 && sigismember(&mask, SIGTERM) == 0,
          "blocked mask kept across exec", "SIGINT %d SIGTERM %d", sigismember(&mask, SIGINT),
          sigismember(&mask, SIGTERM));
}

static int child_main(int argc, char **argv, char **envp)
{
    child_args(argc, argv, envp);
    child_auxv(argv, envp);
    child_signals();
    check(getppid() > 0, "getppid after exec", "ppid %d", (int)getppid());
    return check_done();
}

int main(int argc, char **argv, char **envp)
{
    char st[32];
    int status, pipefd[2];
    pid_t pid, reported = 0;

    if (argc > 1 && strcmp(argv[1], "--child") == 0)
        return child_main(argc, argv, envp);
    if (argv[0][0] != '/') {
        check_skip("exec self", "argv[0] %s is not an absolute path", argv[0]);
        return check_done();
    }
    if (pipe(pipefd) != 0) {
        check_fail_errno("pipe", "pipe");
        return check_done();
    }
    pid = fork();
    if (pid == 0) {
        char *av[] = {argv[0], "--child", child_argv_tail[0], child_argv_tail[1],
                      child_argv_tail[2], child_argv_tail[3], NULL};
        struct sigaction sa;
        sigset_t mask;
        pid_t me = getpid();

        if (write(pipefd[1], &me, sizeof(me)) != sizeof(me))
            _exit(90);
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_usr1;
        sigaction(SIGUSR1, &sa, NULL);
        signal(SIGUSR2, SIG_IGN);
        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        execve(argv[0], av, child_envp);
        _exit(91);
    }
    close(pipefd[1]);
    if (read(pipefd[0], &reported, sizeof(reported)) != sizeof(reported))
        reported = -1;
    waitpid(pid, &status, 0);
    check(reported == pid, "exec keeps the pid (fork's return = child's getpid)", "%d vs %d",
          (int)reported, (int)pid);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exec'd child passed its checks",
          "child %s", check_status_text(status, st, sizeof(st)));
    errno = 0;
    char *av[] = {"nonexistent", NULL};
    check(execve("/nonexistent/program", av, envp) == -1 && errno == ENOENT,
          "execve of a missing file: ENOENT", "errno %d", errno);
    check(execve("/tmp", av, envp) == -1 && errno == EACCES, "execve of a directory: EACCES",
          "errno %d", errno);
    return check_done();
}
