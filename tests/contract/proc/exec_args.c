/* execve passes argv and envp exactly (empty strings, long strings, many
 * entries), and the new image gets Linux's auxiliary vector: AT_PAGESZ,
 * AT_ENTRY at the program's entry, AT_PHDR/AT_PHNUM/AT_PHENT matching the
 * ELF header, AT_RANDOM bytes, AT_EXECFN, ids, AT_SECURE 0. */
#include "contract.h"
#include <elf.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/wait.h>

extern char **environ;
extern char _start[];

static void as_child(int argc, char **argv)
{
    SAY("argc %d", argc);
    for (int i = 1; i < argc; i++)
        SAY("argv[%d] len %zu '%.20s'", i, strlen(argv[i]), argv[i]);
    SAY("argv[argc] is NULL: %s", argv[argc] ? "no" : "yes");
    int n = 0;
    for (char **e = environ; *e; e++, n++)
        SAY("env '%.40s'", *e);
    SAY("envc %d", n);
    SAY("AT_PAGESZ %lu", getauxval(AT_PAGESZ));
    SAY("AT_ENTRY is _start: %s", getauxval(AT_ENTRY) == (unsigned long)_start ? "yes" : "no");
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    unsigned long phnum = getauxval(AT_PHNUM);
    SAY("AT_PHENT %lu", getauxval(AT_PHENT));
    int load = 0;
    for (unsigned long i = 0; ph && i < phnum; i++)
        load += ph[i].p_type == PT_LOAD;
    SAY("AT_PHDR readable, PT_LOAD segments: %s", load > 0 ? "some" : "none");
    const Elf64_Ehdr *eh = 0;
    uintptr_t bias = 0; /* load bias: nonzero only for a position-independent build */
    for (unsigned long i = 0; ph && i < phnum; i++)
        if (ph[i].p_type == PT_PHDR)
            bias = (uintptr_t)ph - ph[i].p_vaddr;
    for (unsigned long i = 0; ph && i < phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
            eh = (const Elf64_Ehdr *)(bias + ph[i].p_vaddr);
    SAY("AT_PHNUM matches e_phnum: %s", eh && eh->e_phnum == phnum ? "yes" : "no");
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    int nz = 0;
    for (int i = 0; rnd && i < 16; i++)
        nz += rnd[i] != 0;
    SAY("AT_RANDOM 16 bytes, not all zero: %s", nz ? "yes" : "no");
    const char *fn = (const char *)getauxval(AT_EXECFN);
    SAY("AT_EXECFN is the path given to execve: %s", fn && !strcmp(fn, argv[0]) ? "yes" : "no");
    SAY("AT_UID/AT_EUID/AT_GID/AT_EGID match: %s",
        getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid() && getauxval(AT_GID) == getgid() &&
        getauxval(AT_EGID) == getegid() ? "yes" : "no");
    SAY("AT_SECURE %lu", getauxval(AT_SECURE));
    errno = 0;
    unsigned long unknown = getauxval(9999);
    SAY("unknown type: %lu %s", unknown, errname(errno));
    int x;
    SAY("stack above the strings' order: argv below envp: %s", argv[0] < environ[0] ? "yes" : "no");
    SAY("strings above the local: %s", (char *)&x < argv[0] ? "yes" : "no");
    SAY("child done");
    exit(0);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child"))
        as_child(argc, argv);
    contract_start();
    static char big[3000];
    memset(big, 'L', sizeof(big) - 1);
    char *args[] = { argv[0], "child", "", "two words", big, "last", NULL };
    char *envs[] = { "A=1", "EMPTY=", "=noname", "PATH=/x:/y", "NOEQUALS", NULL };
    char self[256];
    args[0] = self_path(self, sizeof(self), argv[0]);
    pid_t p = fork();
    if (p == 0) {
        execve(args[0], args, envs);
        SAY("execve: %s", errname(errno));
        _exit(1);
    }
    int st;
    waitpid(p, &st, 0);
    SAY("child status %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    SAY("execve missing file: %s", execve("/nonexistent/x", args, envs) ? errname(errno) : "0");
    SAY("execve directory: %s", execve("/tmp", args, envs) ? errname(errno) : "0");
    SAY("execve NULL path: %s", execve(NULL, args, envs) ? errname(errno) : "0");
    return contract_end();
}
