/*
 * fs/byte_ring.c - filling a byte ring from a user or kernel buffer, shared
 * by pipes and stream sockets (bytes [head, head + count) mod size are queued).
 */
#include "kernel/errno.h"
#include "vfs_internal.h"

long byte_ring_fill(char *ring, uint32_t size, uint32_t head, uint32_t *count,
		    struct iobuf *b, uint64_t off, uint64_t len)
{
	uint64_t done = 0;
	while (done < len && *count < size) {
		uint32_t tail = (head + *count) % size;
		uint32_t n = tail >= head ? size - tail : head - tail;
		if (n > size - *count)
			n = size - *count;
		if (n > len - done)
			n = (uint32_t)(len - done);
		if (iobuf_get(b, off + done, ring + tail, n))
			return done ? (long)done : -EFAULT;
		*count += n;
		done += n;
	}
	return (long)done;
}
