/* The main stack grows on demand far below its initial pages. */
#include "contract.h"

static int depth_sum(int n)
{
    volatile char pad[4000];
    pad[0] = (char)n;
    pad[3999] = (char)n;
    if (n == 0)
        return pad[0];
    return depth_sum(n - 1) + (pad[3999] != 0);
}

int main(void)
{
    contract_start();
    /* about 2 MiB of stack, well past what exec maps up front, within the 8 MiB limit */
    SAY("recursion result: %d", depth_sum(500));
    volatile char big[1 << 20];
    big[0] = 1;
    big[sizeof(big) - 1] = 2;
    SAY("1 MiB frame: %d %d", big[0], big[sizeof(big) - 1]);
    return contract_end();
}
