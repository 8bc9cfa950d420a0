/*
 * fs/sysfs.c - the sysfs instance: /sys/kernel/mm/transparent_hugepage
 * with enabled, defrag, use_zero_page and hpage_pmd_size, in Linux's
 * formats (the current choice in brackets). Writing enabled or
 * use_zero_page changes mmcore's live policy (mm_config) for the faults
 * that follow; defrag is kept and shown, but mmcore never compacts memory,
 * so no choice changes what a fault does.
 */
#include "kernel/errno.h"
#include "kernel/kstring.h"
#include "mmcore/mm.h"
#include "procfs.h"

static const char *const thp_enabled_names[] = {"always", "madvise", "never"};
static const char *const thp_defrag_names[] = {"always", "defer", "defer+madvise", "madvise",
					       "never"};
static unsigned thp_defrag = 3; /* madvise, Linux's default */

/* Print names with the chosen one in brackets, as Linux's sysfs choice files. */
static void choice_show(struct pbuf *b, const char *const *names, unsigned n, unsigned cur)
{
	for (unsigned i = 0; i < n; i++)
		pbuf_printf(b, i == cur ? "%s[%s]" : "%s%s", i ? " " : "", names[i]);
	pbuf_put(b, "\n", 1);
}

/* Which of names buf spells (one trailing newline allowed, as sysfs_streq), or -EINVAL. */
static int choice_parse(const char *buf, uint64_t len, const char *const *names, unsigned n)
{
	if (len && buf[len - 1] == '\n')
		len--;
	for (unsigned i = 0; i < n; i++)
		if (strlen(names[i]) == len && !memcmp(names[i], buf, len))
			return (int)i;
	return -EINVAL;
}

static int show_enabled(struct inode *ino, struct pbuf *b)
{
	(void)ino;
	choice_show(b, thp_enabled_names, 3, (unsigned)mm_config.thp);
	return 0;
}

static long store_enabled(struct inode *ino, const char *buf, uint64_t len)
{
	int c = choice_parse(buf, len, thp_enabled_names, 3);
	(void)ino;
	if (c < 0)
		return c;
	mm_config.thp = c == 0 ? MM_THP_ALWAYS : c == 1 ? MM_THP_MADVISE : MM_THP_NEVER;
	return (long)len;
}

static int show_defrag(struct inode *ino, struct pbuf *b)
{
	(void)ino;
	choice_show(b, thp_defrag_names, 5, thp_defrag);
	return 0;
}

static long store_defrag(struct inode *ino, const char *buf, uint64_t len)
{
	int c = choice_parse(buf, len, thp_defrag_names, 5);
	(void)ino;
	if (c < 0)
		return c;
	thp_defrag = (unsigned)c;
	return (long)len;
}

static int show_zero_page(struct inode *ino, struct pbuf *b)
{
	(void)ino;
	pbuf_printf(b, "%d\n", mm_config.huge_zero_page ? 1 : 0);
	return 0;
}

/* use_zero_page takes a number, as Linux's kstrtoul: non-zero turns it on. */
static long store_zero_page(struct inode *ino, const char *buf, uint64_t len)
{
	uint64_t n = len, v = 0;
	(void)ino;
	if (n && buf[n - 1] == '\n')
		n--;
	if (!n)
		return -EINVAL;
	for (uint64_t i = 0; i < n; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(buf[i] - '0');
	}
	mm_config.huge_zero_page = v != 0;
	return (long)len;
}

static int show_pmd_size(struct inode *ino, struct pbuf *b)
{
	(void)ino;
	pbuf_printf(b, "%lu\n", (unsigned long)HUGE_SIZE);
	return 0;
}

static const struct pseudo_node enabled_node = {.show = show_enabled, .store = store_enabled};
static const struct pseudo_node defrag_node = {.show = show_defrag, .store = store_defrag};
static const struct pseudo_node zero_page_node = {.show = show_zero_page,
						  .store = store_zero_page};
static const struct pseudo_node pmd_size_node = {.show = show_pmd_size};

/* The directories Linux's /sys has at the top, and the THP controls below kernel/mm. */
int sysfs_fill(struct inode *root)
{
	static const char *const top[] = {"block", "bus", "class", "dev", "devices",
					  "firmware", "fs", "kernel", "module", "power"};
	struct inode *kernel, *mm, *thp;
	for (unsigned i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		if (!pseudo_mkdir(root, top[i], 0755, NULL, 0))
			return -ENOMEM;
	kernel = pseudo_child(root, "kernel");
	mm = pseudo_mkdir(kernel, "mm", 0755, NULL, 0);
	thp = mm ? pseudo_mkdir(mm, "transparent_hugepage", 0755, NULL, 0) : NULL;
	if (!thp || !pseudo_file(thp, "enabled", 0644, &enabled_node, 0) ||
	    !pseudo_file(thp, "defrag", 0644, &defrag_node, 0) ||
	    !pseudo_file(thp, "use_zero_page", 0644, &zero_page_node, 0) ||
	    !pseudo_file(thp, "hpage_pmd_size", 0444, &pmd_size_node, 0))
		return -ENOMEM;
	return 0;
}
