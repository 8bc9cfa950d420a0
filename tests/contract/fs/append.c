/* O_APPEND: every write goes to the end, whatever the offset, also for a
 * second descriptor writing at the same time; pwrite on O_APPEND appends
 * (Linux); fcntl F_SETFL turns it on and off. */
#include "contract.h"
#include <sys/stat.h>

#define F "/tmp/contract_append"

static void show(const char *what)
{
    char buf[64] = "";
    int fd = open(F, O_RDONLY);
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    SAY("%s: '%.*s'", what, (int)(n > 0 ? n : 0), buf);
}

int main(void)
{
    contract_start();
    int fd = open(F, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    write(fd, "0123456789", 10);
    close(fd);
    int a = open(F, O_WRONLY | O_APPEND);
    SAY("offset after open: %ld", (long)lseek(a, 0, SEEK_CUR));
    lseek(a, 2, SEEK_SET);
    write(a, "AB", 2);
    SAY("offset after append: %ld", (long)lseek(a, 0, SEEK_CUR));
    show("after lseek(2) and write");
    int b = open(F, O_WRONLY);
    write(b, "xy", 2);
    write(a, "CD", 2);
    show("plain writer at 0, appender");
    pwrite(a, "P", 1, 0);
    show("pwrite at 0 on O_APPEND");
    SAY("F_GETFL has O_APPEND: %d", (fcntl(a, F_GETFL) & O_APPEND) != 0);
    fcntl(a, F_SETFL, fcntl(a, F_GETFL) & ~O_APPEND);
    lseek(a, 4, SEEK_SET);
    write(a, "q", 1);
    show("after clearing O_APPEND, write at 4");
    fcntl(b, F_SETFL, O_APPEND);
    lseek(b, 0, SEEK_SET);
    write(b, "Z", 1);
    show("after setting O_APPEND on the other fd");
    fcntl(b, F_SETFL, O_RDWR | O_APPEND);
    SAY("F_SETFL cannot change the access mode: %d", (fcntl(b, F_GETFL) & O_ACCMODE) == O_WRONLY);
    close(a);
    close(b);
    unlink(F);
    return contract_end();
}
