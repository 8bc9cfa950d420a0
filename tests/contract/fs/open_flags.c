/* open(2) flag semantics and errors: O_CREAT|O_EXCL, O_TRUNC, O_DIRECTORY,
 * O_NOFOLLOW, ENOENT/ENOTDIR/EISDIR, access modes enforced by read/write. */
#include "contract.h"
#include <sys/stat.h>

#define D "/tmp/contract_open_flags"

static const char *r(int fd)
{
    if (fd < 0)
        return errname(errno);
    close(fd);
    return "opened";
}

int main(void)
{
    contract_start();
    unlink(D "/f");
    unlink(D "/link");
    rmdir(D "/sub");
    rmdir(D);
    SAY("mkdir: %s", mkdir(D, 0755) ? errname(errno) : "0");
    SAY("O_CREAT|O_EXCL new: %s", r(open(D "/f", O_CREAT | O_EXCL | O_WRONLY, 0644)));
    SAY("O_CREAT|O_EXCL existing: %s", r(open(D "/f", O_CREAT | O_EXCL | O_WRONLY, 0644)));
    SAY("O_CREAT existing: %s", r(open(D "/f", O_CREAT | O_WRONLY, 0644)));
    int fd = open(D "/f", O_WRONLY);
    write(fd, "hello", 5);
    close(fd);
    struct stat st;
    stat(D "/f", &st);
    SAY("size after write: %ld", (long)st.st_size);
    SAY("O_RDWR|O_TRUNC: %s", r(open(D "/f", O_RDWR | O_TRUNC)));
    stat(D "/f", &st);
    SAY("size after O_TRUNC: %ld", (long)st.st_size);
    SAY("missing file: %s", r(open(D "/nope", O_RDONLY)));
    SAY("missing directory in path: %s", r(open(D "/nope/f", O_RDONLY)));
    SAY("file used as a directory: %s", r(open(D "/f/x", O_RDONLY)));
    SAY("O_DIRECTORY on a file: %s", r(open(D "/f", O_RDONLY | O_DIRECTORY)));
    SAY("O_DIRECTORY on a directory: %s", r(open(D, O_RDONLY | O_DIRECTORY)));
    SAY("directory for writing: %s", r(open(D, O_WRONLY)));
    SAY("directory O_RDWR: %s", r(open(D, O_RDWR)));
    SAY("O_CREAT on a directory: %s", r(open(D, O_CREAT | O_RDONLY, 0644)));
    SAY("O_CREAT|O_DIRECTORY new: %s", r(open(D "/newdir", O_CREAT | O_DIRECTORY | O_RDONLY, 0755)));
    SAY("empty path: %s", r(open("", O_RDONLY)));
    SAY("trailing slash on a file: %s", r(open(D "/f/", O_RDONLY)));
    SAY("trailing slash create: %s", r(open(D "/g/", O_CREAT | O_WRONLY, 0644)));
    SAY("symlink: %s", symlink("f", D "/link") ? errname(errno) : "0");
    SAY("through the symlink: %s", r(open(D "/link", O_RDONLY)));
    SAY("O_NOFOLLOW on the symlink: %s", r(open(D "/link", O_RDONLY | O_NOFOLLOW)));
    SAY("O_NOFOLLOW on a file: %s", r(open(D "/f", O_RDONLY | O_NOFOLLOW)));
    SAY("O_CREAT|O_EXCL on the symlink: %s", r(open(D "/link", O_CREAT | O_EXCL | O_WRONLY, 0644)));
    fd = open(D "/f", O_RDONLY);
    SAY("write on O_RDONLY: %s", write(fd, "x", 1) < 0 ? errname(errno) : "wrote");
    close(fd);
    fd = open(D "/f", O_WRONLY);
    char c;
    SAY("read on O_WRONLY: %s", read(fd, &c, 1) < 0 ? errname(errno) : "read");
    close(fd);
    fd = open(D, O_RDONLY);
    SAY("read on a directory: %s", read(fd, &c, 1) < 0 ? errname(errno) : "read");
    close(fd);
    unlink(D "/link");
    unlink(D "/f");
    rmdir(D "/newdir");
    SAY("rmdir: %s", rmdir(D) ? errname(errno) : "0");
    return contract_end();
}
