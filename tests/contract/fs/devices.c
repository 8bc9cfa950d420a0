/* /dev/null and /dev/zero: null reads EOF and swallows writes of any size,
 * zero reads zeros into any buffer and swallows writes; both are character
 * devices 1:3 and 1:5; lseek on them succeeds and reports 0. */
#include "contract.h"
#include <sys/stat.h>
#include <sys/sysmacros.h>

int main(void)
{
    contract_start();
    struct stat st;
    int n = open("/dev/null", O_RDWR), z = open("/dev/zero", O_RDWR);
    fstat(n, &st);
    SAY("/dev/null: chr %d, %u:%u", S_ISCHR(st.st_mode), major(st.st_rdev), minor(st.st_rdev));
    fstat(z, &st);
    SAY("/dev/zero: chr %d, %u:%u", S_ISCHR(st.st_mode), major(st.st_rdev), minor(st.st_rdev));
    static char buf[100000];
    memset(buf, 'q', sizeof(buf));
    SAY("null read: %ld", (long)read(n, buf, sizeof(buf)));
    SAY("null write 100000: %ld", (long)write(n, buf, sizeof(buf)));
    SAY("null write 0: %ld", (long)write(n, buf, 0));
    SAY("null pread at 12345: %ld", (long)pread(n, buf, 10, 12345));
    SAY("zero read 100000: %ld", (long)read(z, buf, sizeof(buf)));
    long nonzero = 0;
    for (size_t i = 0; i < sizeof(buf); i++)
        nonzero += buf[i] != 0;
    SAY("nonzero bytes read: %ld", nonzero);
    SAY("zero write: %ld", (long)write(z, "abc", 3));
    SAY("lseek null: %ld, lseek zero: %ld", (long)lseek(n, 100, SEEK_SET), (long)lseek(z, 100, SEEK_CUR));
    SAY("zero read into a bad pointer: %s", read(z, (void *)8, 10) < 0 ? errname(errno) : "ok");
    SAY("null read from a bad pointer: %ld", (long)read(n, (void *)8, 10));
    SAY("null write from a bad pointer: %ld", (long)write(n, (void *)8, 10));
    int ro = open("/dev/null", O_RDONLY);
    SAY("write to a read-only /dev/null fd: %s", write(ro, "x", 1) < 0 ? errname(errno) : "ok");
    return contract_end();
}
