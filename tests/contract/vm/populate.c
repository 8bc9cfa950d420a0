/* MAP_POPULATE makes every page resident at once; MAP_POPULATE of a file past EOF does not fail. */
#include "contract.h"
#include <fcntl.h>

int main(void)
{
    contract_start();
    unsigned char vec[8];
    char *p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    mincore(p, 8 * PG, vec);
    int n = 0;
    for (int i = 0; i < 8; i++)
        n += vec[i] & 1;
    SAY("resident after MAP_POPULATE: %d of 8", n);
    size_t nonzero = 0;
    for (size_t i = 0; i < 8 * PG; i++)
        nonzero += p[i] != 0;
    SAY("nonzero bytes: %zu", nonzero);
    int fd = open("/tmp/contract_populate", O_CREAT | O_RDWR | O_TRUNC, 0600);
    write(fd, "hello", 5);
    char *f = mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
    SAY("file populate: %s, first bytes %.5s", f == MAP_FAILED ? errname(errno) : "mapped",
        f == MAP_FAILED ? "" : f);
    close(fd);
    unlink("/tmp/contract_populate");
    return contract_end();
}
