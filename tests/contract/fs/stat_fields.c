/* stat fields: file type and permission bits (umask applied at creation),
 * st_nlink for files (links) and directories (2 + subdirectories), st_size,
 * st_blocks in 512-byte units covering the data, st_blksize, fstat = stat,
 * lstat of a symlink (size is the target's length), chmod, and errors. */
#include "contract.h"
#include <sys/stat.h>

#define D "/tmp/contract_stat"

static void show(const char *what, const char *path, int follow)
{
    struct stat st;
    if ((follow ? stat(path, &st) : lstat(path, &st)) < 0) {
        SAY("%s: %s", what, errname(errno));
        return;
    }
    const char *t = S_ISREG(st.st_mode) ? "reg" : S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "lnk"
                  : S_ISCHR(st.st_mode) ? "chr" : S_ISFIFO(st.st_mode) ? "fifo" : "?";
    /* a directory's st_size is file-system specific: not printed */
    if (S_ISDIR(st.st_mode))
        SAY("%s: %s %04o nlink %lu", what, t, (unsigned)(st.st_mode & 07777), (unsigned long)st.st_nlink);
    else
        SAY("%s: %s %04o nlink %lu size %ld", what, t, (unsigned)(st.st_mode & 07777),
            (unsigned long)st.st_nlink, (long)st.st_size);
}

int main(void)
{
    contract_start();
    umask(022);
    mkdir(D, 0777);
    show("new directory (0777, umask 022)", D, 1);
    int fd = open(D "/f", O_CREAT | O_RDWR | O_TRUNC, 0666);
    show("new empty file (0666)", D "/f", 1);
    char buf[10000];
    memset(buf, 'x', sizeof(buf));
    write(fd, buf, sizeof(buf));
    show("after writing 10000 bytes", D "/f", 1);
    struct stat a, b;
    fstat(fd, &a);
    SAY("st_blocks (512-byte units) cover the data: %d", a.st_blocks * 512 >= a.st_size);
    stat(D "/f", &b);
    SAY("fstat equals stat: ino %d dev %d size %d", a.st_ino == b.st_ino, a.st_dev == b.st_dev,
        a.st_size == b.st_size);
    SAY("st_blksize positive, power of two: %d", a.st_blksize > 0 && !(a.st_blksize & (a.st_blksize - 1)));
    ftruncate(fd, 3);
    show("truncated to 3", D "/f", 1);
    ftruncate(fd, 1 << 20);
    fstat(fd, &a);
    SAY("extended to 1 MiB: size %ld", (long)a.st_size);
    close(fd);
    link(D "/f", D "/hard");
    show("after link()", D "/f", 1);
    stat(D "/hard", &b);
    SAY("hard link shares the inode: %d", b.st_ino == a.st_ino);
    mkdir(D "/s1", 0700);
    mkdir(D "/s2", 0750);
    show("directory with two subdirectories", D, 1);
    show("subdirectory 0700", D "/s1", 1);
    symlink("f", D "/ln");
    show("lstat of a symlink", D "/ln", 0);
    show("stat through the symlink", D "/ln", 1);
    chmod(D "/f", 04751);
    show("after chmod 4751", D "/f", 1);
    show("/dev/null", "/dev/null", 1);
    show("missing", D "/nope", 1);
    show("through a file", D "/f/x", 1);
    unlink(D "/hard");
    show("after unlinking the link", D "/f", 1);
    unlink(D "/f");
    unlink(D "/ln");
    rmdir(D "/s1");
    rmdir(D "/s2");
    rmdir(D);
    return contract_end();
}
