/* A hint over an occupied range is not honoured and does not disturb the occupant; mmap without MAP_FIXED never replaces. */
#include "contract.h"

int main(void)
{
    contract_start();
    char *a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(a, 'o', 4 * PG);
    char *b = mmap(a + PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    SAY("hint inside a mapping: %s", b == MAP_FAILED ? errname(errno) :
        (b + 2 * PG <= a || b >= a + 4 * PG) ? "placed outside it" : "overlaps");
    SAY("occupant intact: %c %c", a[PG], a[3 * PG - 1]);
    b[0] = 'n';
    SAY("new mapping is separate: %c %c", a[0], b[0]);
    char *c = mmap((void *)PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    SAY("hint below mmap_min_addr: %s", c == MAP_FAILED ? errname(errno) : (uintptr_t)c >= 65536 ? "placed above" : "placed low");
    return contract_end();
}
