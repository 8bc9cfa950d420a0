/* meminfo.c - free memory from /proc/meminfo (MemFree), else sysinfo(2). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "meminfo.h"

long long meminfo_free(void)
{
    char buf[4096];
    int fd = open("/proc/meminfo", O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n > 0) {
            buf[n] = '\0';
            char *p = strstr(buf, "MemFree:");
            if (p)
                return strtoll(p + 8, NULL, 10) * 1024;
        }
    }
    struct sysinfo si;
    return sysinfo(&si) ? -1 : (long long)si.freeram * si.mem_unit;
}
