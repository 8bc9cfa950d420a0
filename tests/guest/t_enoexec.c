/* t_enoexec.c - malformed ELF files written at run time into /tmp are
 * refused by execve with ENOEXEC (the caller goes on), and a `#!` script
 * runs through its interpreter with the script path and arguments. */
#include "check.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[64];

/* Write len bytes as an executable file; returns its path in a static buffer. */
static const char *put_file(const char *name, const void *data, size_t len)
{
    static char path[128];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
        perror(path);
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    close(fd);
    return path;
}

/* A plausible header for a static x86-64 executable: one PT_LOAD after it. */
static void good_header(unsigned char *buf)
{
    Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
    Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));

    memset(buf, 0, 4096);
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_version = EV_CURRENT;
    eh->e_entry = 0x400000 + 4096;
    eh->e_phoff = sizeof(*eh);
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(*ph);
    eh->e_phnum = 1;
    ph->p_type = PT_LOAD;
    ph->p_flags = PF_R | PF_X;
    ph->p_offset = 0;
    ph->p_vaddr = 0x400000;
    ph->p_filesz = 4096;
    ph->p_memsz = 4096;
    ph->p_align = 4096;
}

/* execve path in a child; returns the child's errno from execve, or -1
 * when execve succeeded (the child then died or exited on its own). */
static int exec_errno(const char *path)
{
    int fds[2], err = -1, status;
    pid_t pid;

    if (pipe(fds) != 0)
        return -2;
    pid = fork();
    if (pid == 0) {
        char *argv[] = {(char *)path, NULL};
        close(fds[0]);
        execve(path, argv, NULL);
        err = errno;
        if (write(fds[1], &err, sizeof(err)) != sizeof(err))
            _exit(98);
        _exit(99);
    }
    close(fds[1]);
    if (read(fds[0], &err, sizeof(err)) != sizeof(err))
        err = -1;
    close(fds[0]);
    waitpid(pid, &status, 0);
    return err;
}

static void expect_enoexec(const char *name, const unsigned char *buf, size_t len)
{
    const char *path = put_file("bad", buf, len);
    int err;

    if (!path) {
        check_fail_errno(name, "write test file");
        return;
    }
    err = exec_errno(path);
    check(err == ENOEXEC, name, "execve gave %s (errno %d)",
          err < 0 ? "success" : strerror(err), err);
    unlink(path);
}

static void test_malformed(void)
{
    static unsigned char buf[4096];
    Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
    Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));

    memset(buf, 0, sizeof(buf));
    expect_enoexec("empty file", buf, 0);
    expect_enoexec("three bytes", (const unsigned char *)"\177EL", 3);
    expect_enoexec("zeros", buf, 512);
    memcpy(buf, "this is text, not a program\n", 28);
    expect_enoexec("text without #!", buf, 28);
    good_header(buf);
    expect_enoexec("header only, truncated", buf, sizeof(*eh) - 8);
    good_header(buf);
    eh->e_machine = EM_AARCH64;
    expect_enoexec("wrong machine", buf, 4096);
    good_header(buf);
    eh->e_type = ET_REL;
    expect_enoexec("relocatable object", buf, 4096);
    good_header(buf);
    eh->e_phentsize = 12;
    expect_enoexec("wrong phentsize", buf, 4096);
    good_header(buf);
    eh->e_phnum = 0;
    expect_enoexec("no program headers", buf, 4096);
    good_header(buf);
    eh->e_phnum = 0xffff;
    expect_enoexec("program headers past 64 KiB", buf, 4096);
    good_header(buf);
    eh->e_phoff = 1ULL << 40;
    expect_enoexec("program headers past end of file", buf, 4096);
    good_header(buf);
    memcpy(eh->e_ident, "\177ELG", 4);
    expect_enoexec("bad magic", buf, 4096);
    (void)ph;
}

/* A `#!` script: the interpreter (this directory's t_enoexec in --echo mode)
 * gets the optional argument, the script path, then the caller's argv[1..]. */
static void test_script(const char *self)
{
    char text[512], out[512] = {0}, want[512];
    const char *path;
    int fds[2], status;
    ssize_t n = 0, r;
    pid_t pid;

    snprintf(text, sizeof(text), "#!%s --echo\nignored\n", self);
    path = put_file("script", text, strlen(text));
    if (!path || pipe(fds) != 0) {
        check_fail_errno("#! script", "setup");
        return;
    }
    pid = fork();
    if (pid == 0) {
        char *argv[] = {(char *)path, "one", "two", NULL};
        dup2(fds[1], 1);
        execve(path, argv, NULL);
        _exit(97);
    }
    close(fds[1]);
    while (n < (ssize_t)sizeof(out) - 1 && (r = read(fds[0], out + n, sizeof(out) - 1 - n)) > 0)
        n += r;
    close(fds[0]);
    waitpid(pid, &status, 0);
    snprintf(want, sizeof(want), "%s|--echo|%s|one|two|\n", self, path);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0 && strcmp(out, want) == 0,
          "#! script runs its interpreter", "status 0x%x, got \"%s\" want \"%s\"", status, out,
          want);
    unlink(path);
}

int main(int argc, char **argv)
{
    char self[256], dir[200];

    if (argc > 1 && strcmp(argv[1], "--echo") == 0) {
        for (int i = 0; i < argc; i++)
            printf("%s|", argv[i]);
        printf("\n");
        return 0;
    }
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/enoexec.%d", (int)getpid());
    if (mkdir(tmpdir, 0700) != 0) {
        check_fail_errno("mkdir", tmpdir);
        return check_done();
    }
    test_malformed();
    if (argv[0][0] == '/') {
        snprintf(self, sizeof(self), "%s/t_enoexec", check_self_dir(argv[0], dir, sizeof(dir)));
        test_script(self);
    } else {
        check_skip("#! script runs its interpreter", "argv[0] %s is not absolute", argv[0]);
    }
    rmdir(tmpdir);
    return check_done();
}
