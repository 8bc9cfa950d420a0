/* unlink and rename on /tmp: an open file outlives its name (nlink 0, still
 * readable and writable); rename replaces its target in one step and keeps
 * the inode; rename errors (ENOENT, EISDIR, ENOTDIR, ENOTEMPTY, EINVAL into
 * itself); rmdir/unlink of the wrong kind (EISDIR/ENOTDIR). */
#include "contract.h"
#include <stdio.h>
#include <sys/stat.h>

#define D "/tmp/contract_rename"

static const char *r(int v) { return v ? errname(errno) : "0"; }

static ino_t ino_of(const char *p)
{
    struct stat st;
    return stat(p, &st) ? 0 : st.st_ino;
}

static void put(const char *p, const char *text)
{
    int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    write(fd, text, strlen(text));
    close(fd);
}

int main(void)
{
    contract_start();
    mkdir(D, 0755);
    put(D "/a", "alpha");
    int fd = open(D "/a", O_RDWR);
    SAY("unlink open file: %s", r(unlink(D "/a")));
    struct stat st;
    fstat(fd, &st);
    SAY("fstat after unlink: nlink %lu size %ld", (unsigned long)st.st_nlink, (long)st.st_size);
    char buf[16] = "";
    pwrite(fd, "A", 1, 0);
    pread(fd, buf, 5, 0);
    SAY("still usable: %.5s; name gone: %s", buf, access(D "/a", F_OK) ? errname(errno) : "there");
    close(fd);
    put(D "/x", "xray");
    put(D "/y", "yankee");
    ino_t xi = ino_of(D "/x");
    SAY("rename over an existing file: %s", r(rename(D "/x", D "/y")));
    fd = open(D "/y", O_RDONLY);
    memset(buf, 0, sizeof(buf));
    read(fd, buf, sizeof(buf) - 1);
    close(fd);
    SAY("target now has: %s, same inode as the source %d, source gone %d", buf, ino_of(D "/y") == xi,
        access(D "/x", F_OK) != 0);
    SAY("rename to itself: %s", r(rename(D "/y", D "/y")));
    SAY("rename a missing file: %s", r(rename(D "/nope", D "/z")));
    mkdir(D "/d1", 0755);
    mkdir(D "/d2", 0755);
    put(D "/d2/f", "f");
    SAY("file over a directory: %s", r(rename(D "/y", D "/d1")));
    SAY("directory over a file: %s", r(rename(D "/d1", D "/y")));
    SAY("directory over a non-empty directory: %s", r(rename(D "/d1", D "/d2")));
    SAY("directory into itself: %s", r(rename(D "/d1", D "/d1/sub")));
    SAY("directory over an empty directory: %s", r(rename(D "/d2", D "/d1")));
    SAY("moved content: %s", access(D "/d1/f", F_OK) ? errname(errno) : "there");
    SAY("rename into a missing directory: %s", r(rename(D "/y", D "/nodir/y")));
    SAY("unlink a directory: %s", r(unlink(D "/d1")));
    SAY("rmdir a file: %s", r(rmdir(D "/y")));
    SAY("rmdir a non-empty directory: %s", r(rmdir(D "/d1")));
    SAY("rmdir '.': %s", r(rmdir(D "/d1/.")));
    unlink(D "/d1/f");
    SAY("rmdir the emptied directory: %s", r(rmdir(D "/d1")));
    unlink(D "/y");
    SAY("rmdir the test directory: %s", r(rmdir(D)));
    return contract_end();
}
